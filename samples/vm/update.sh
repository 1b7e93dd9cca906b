#!/bin/sh
# samples/vm/: a real capture from the VM tier (tests/vm/traces.sh): blktrace
# of a fio job on a zoned null_blk device in the guest (Linux 7.2), with the
# job's write_iolog and fio's JSON report; and in blktrace2/ a small zoned
# workload captured in version 7 (blktrace) and version 8 (BLKTRACESETUP2,
# tests/vm/blktrace2.sh).  This script boots the guest, runs those captures
# alone and copies their files here:
#
#   samples/vm/update.sh        (as root, after tests/vm/setup.sh and make zwsim)
#
# The same capture is made, and checked, by every `make test-vm`
# (build/vm/traces/, build/vm/blktrace2/).  Times and pids differ from run to run; the requests
# (offsets, sizes, order) follow fio's fixed seed (--randrepeat=1).
set -eu
here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$repo"
tests/vm/run-guest.sh --out "$out" --timeout 600 -- bash -c \
	'. "$ZWSIM_VM_LIB"; . tests/vm/traces.sh; device_traces; . tests/vm/blktrace2.sh; device_blktrace2; guest_summary'
for f in cap.blktrace.0 cap.blktrace.1 fio.iolog fio.json; do
	cp "$out/traces/$f" "$here/$f"
done
mkdir -p "$here/blktrace2"
cp "$out"/blktrace2/v7.blktrace.* "$out"/blktrace2/v8.blktrace.* "$out"/blktrace2/za.blktrace.* "$here/blktrace2/"
ls -l "$here"
