#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench: fio through zwsim-fio.so next to fio's own null engine, in one
# fio run (two jobs, one after the other): 4 KiB random writes at queue
# depth 32 to an emulated device in tags mode, for FIO_BENCH_SECONDS each.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FIO_BENCH_SECONDS:-3}
out=$(fio --output-format=json \
	--name=null --ioengine=null --size=4g --rw=randwrite --bs=4k --iodepth=32 \
	  --norandommap --randrepeat=0 --time_based --runtime="$secs" \
	--name=zwsim --stonewall --ioengine="external:$top/zwsim-fio.so" \
	  --zwdev=emu:zoned=0,size=4G,data=tags --filename=zwsim --direct=1 \
	  --size=4g --rw=randwrite --bs=4k --iodepth=32 \
	  --norandommap --randrepeat=0 --time_based --runtime="$secs" 2>/dev/null)
/usr/bin/python3 - "$out" <<'PY'
import json, sys
jobs = {j["jobname"]: j for j in json.loads(sys.argv[1])["jobs"]}
for name in ("null", "zwsim"):
    if jobs[name]["error"]:
        sys.exit(f"bench: fio job {name} failed: error {jobs[name]['error']}")
z, n = jobs["zwsim"]["write"]["iops"], jobs["null"]["write"]["iops"]
print(f"bench: fio_engine_iops {z:.0f} IOPS")
print(f"bench: fio_null_iops {n:.0f} IOPS")
print(f"bench: fio_engine_vs_null {z / n:.3f} ratio")
PY
