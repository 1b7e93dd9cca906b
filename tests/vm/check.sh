#!/bin/bash
# zwsim check on real kernel captures (docs/check.md): block traces taken in
# the guest through tracefs (block_rq_issue, block_rq_complete,
# block_bio_queue; a trace instance of its own, filtered to the device) of
# real workloads on real zoned devices, and the device's zone report from
# just before the workload.  A correct kernel run must give no violation at
# all; then each planted fault (guest/check-plant.py) in the same captures
# must be reported, with its rule.
#
# Workloads:
#   fio-zbd      fio zonemode=zbd, libaio at iodepth 8, four zones open at
#                once, on a null_blk with max_open = max_active = 4
#   zonefs       zonefs: four writers appending with O_DIRECT to four files
#                (regular writes at each file's end: Linux 7.2's zonefs
#                sends no zone appends)
#   xfs          zoned XFS: four buffered writers, then sync (writeback's
#                zone appends from several ioends at once)
#   zns-fio      fio zonemode=zbd at iodepth 8 on the NVMe ZNS namespace
#   zns-uring-append
#                NVMe Zone Append through io_uring passthrough on the ZNS
#                namespace's /dev/ngXnY (guest/uring-append.c, built by make
#                as build/guest/uring-append: fio 3.33's io_uring_cmd engine
#                cannot send zone appends), 8 zones, 32 in flight.  Such
#                commands carry no sector in the block tracepoints
#                (blk_rq_trace_sector() gives 0 for passthrough), so this
#                capture is of the NVMe driver's tracepoints (nvme_setup_cmd,
#                nvme_complete_rq: the LBA each append was given is the
#                completion's res); the program's own log of the LBAs it got
#                (cqe->big_cqe[0]) is cross-checked against it
#                (guest/uring-append-xcheck.py).
#
# The captures stay in $ZWSIM_VM_OUT/check/ (NAME.trace, NAME.zones,
# NAME.limits, and NAME.appends for uring-append's log); they are kept,
# gzipped, as test data in tests/data/check/vm/
# (tests/py/test_check_captures.py).  About 4 minutes under TCG.
#
# Sourced by run.sh in the guest (after guest/lib.sh), which then calls
# device_check_captures.  Also runnable by itself in the guest:
#   tests/vm/run-guest.sh --zns size=1G,zone_size=64M,zone_cap=48M,max_open=8,max_active=10 \
#       --out DIR -- tests/vm/check.sh

CK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
CK_PLANT=$CK_DIR/guest/check-plant.py
CK_XCHECK=$CK_DIR/guest/uring-append-xcheck.py
CK_UAPPEND=$CK_DIR/../../build/guest/uring-append
CK_INST=/sys/kernel/tracing/instances/zwsim-check
CK_BLOCK_EVENTS="block/block_rq_issue block/block_rq_complete block/block_bio_queue"
CK_NVME_EVENTS="nvme/nvme_setup_cmd nvme/nvme_complete_rq"

# ck_trace_start FILTER EVENT...: a trace instance of the events (SYSTEM/NAME), each filtered
ck_trace_start() {
	local filter=$1 ev
	shift
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing || return 1
	[ -d $CK_INST ] || mkdir $CK_INST || return 1
	echo 0 >$CK_INST/tracing_on
	echo 16384 >$CK_INST/buffer_size_kb
	: >$CK_INST/trace
	for ev in "$@"; do
		echo "$filter" >$CK_INST/events/$ev/filter || return 1
		echo 1 >$CK_INST/events/$ev/enable || return 1
	done
	echo 1 >$CK_INST/tracing_on
}

# ck_trace_stop OUT FIRST_EVENT EVENT...: the capture to OUT (it must hold FIRST_EVENT), the instance removed
ck_trace_stop() {
	local out=$1 first=$2 ev
	shift
	echo 0 >$CK_INST/tracing_on
	cat $CK_INST/trace >"$out"
	for ev in "$@"; do
		echo 0 >$CK_INST/events/$ev/enable
	done
	rmdir $CK_INST
	grep -q ": ${first#*/}: " "$out" || { echo "no ${first#*/} in the capture"; return 1; }
	if grep -q 'LOST\|lost events' "$out"; then echo "the trace buffer overflowed"; return 1; fi
}

# ck_block_filter DEV: the block tracepoints' filter for DEV (its dev_t as the kernel keeps it)
ck_block_filter() {
	local maj min
	IFS=: read -r maj min <"/sys/block/$(bdev_name "$1")/dev"
	echo "dev == $(((maj << 20) | min))"
}

# ck_capture NAME DEV COMMAND...: the zone report and limits of DEV, then a
# capture of COMMAND's I/O to it
ck_capture() {
	local name=$1 dev=$2 q
	shift 2
	q=/sys/block/$(bdev_name "$dev")/queue
	blkzone report "$dev" >"$CK_OUT/$name.zones" || return 1
	echo "--max-open $(cat $q/max_open_zones) --max-active $(cat $q/max_active_zones)" >"$CK_OUT/$name.limits"
	# shellcheck disable=SC2086 # the events are words
	ck_trace_start "$(ck_block_filter "$dev")" $CK_BLOCK_EVENTS || return 1
	"$@"
	local rc=$?
	sync
	# shellcheck disable=SC2086
	ck_trace_stop "$CK_OUT/$name.trace" $CK_BLOCK_EVENTS || return 1
	local nw na
	nw=$(grep -c ': block_rq_issue: [0-9,]* W' "$CK_OUT/$name.trace")
	na=$(grep -c ': block_rq_issue: [0-9,]* ZA' "$CK_OUT/$name.trace")
	echo "$name: $(grep -c ': block_rq_issue: ' "$CK_OUT/$name.trace") commands issued ($nw writes, $na zone appends), limits $(cat "$CK_OUT/$name.limits")"
	[ $((nw + na)) -ge 50 ] || { echo "too few writes captured"; return 1; }
	return $rc
}

# ck_nvme_capture NAME DEV COMMAND...: the zone report and limits of the NVMe
# namespace DEV, then a capture of the NVMe driver's tracepoints for it (its
# disk only) while COMMAND runs, COMMAND's output to NAME.appends
ck_nvme_capture() {
	local name=$1 dev=$2 disk q rc na
	shift 2
	disk=$(bdev_name "$dev") q=/sys/block/$(bdev_name "$dev")/queue
	blkzone report "$dev" >"$CK_OUT/$name.zones" || return 1
	echo "--max-open $(cat $q/max_open_zones) --max-active $(cat $q/max_active_zones) --lba-size $(cat $q/logical_block_size)" \
		>"$CK_OUT/$name.limits"
	# shellcheck disable=SC2086
	ck_trace_start "disk == \"$disk\"" $CK_NVME_EVENTS || return 1
	"$@" >"$CK_OUT/$name.appends"
	rc=$?
	# shellcheck disable=SC2086
	ck_trace_stop "$CK_OUT/$name.trace" $CK_NVME_EVENTS || return 1
	na=$(grep -c ': nvme_setup_cmd: .*nvme_cmd_zone_append' "$CK_OUT/$name.trace")
	echo "$name: $(grep -c ': nvme_setup_cmd: ' "$CK_OUT/$name.trace") commands set up ($na zone appends), $(wc -l <"$CK_OUT/$name.appends") completions logged, limits $(cat "$CK_OUT/$name.limits")"
	[ "$na" -ge 50 ] || { echo "too few zone appends captured"; return 1; }
	return $rc
}

# ck_uring_append DEV NR_ZONES: uring-append on DEV's generic character
# device, 32 appends of 8 blocks to each of the first NR_ZONES sequential zones, 32 in flight
ck_uring_append() {
	local ng=/dev/ng${1#/dev/nvme} spb zs z
	local -a zslba=()
	[ -x "$CK_UAPPEND" ] || { echo "$CK_UAPPEND missing: make build/guest/uring-append (make test-vm builds it)"; return 1; }
	[ -c "$ng" ] || { echo "$ng: no NVMe generic character device"; return 1; }
	spb=$(($(cat "/sys/block/$(bdev_name "$1")/queue/logical_block_size") / 512))
	zs=$(cat "/sys/block/$(bdev_name "$1")/queue/chunk_sectors")
	for ((z = 0; z < $2; z++)); do zslba+=($((z * zs / spb))); done
	"$CK_UAPPEND" -q 32 -n $((32 * $2)) -b 8 "$ng" "${zslba[@]}"
}

# ck_clean NAME: zwsim check finds nothing in the capture
ck_clean() {
	# shellcheck disable=SC2046
	"$ZWSIM" check --zones "$CK_OUT/$1.zones" $(cat "$CK_OUT/$1.limits") "$CK_OUT/$1.trace"
}

# ck_fault NAME FAULT: the planted fault is found, with its rule
ck_fault() {
	local name=$1 fault=$2 zs cap rule out ma lba
	zs=$((0x$(sed -n 's/.*len 0x\([0-9a-f]*\),.*/\1/p' "$CK_OUT/$name.zones" | head -1)))
	cap=$((0x$(sed -n 's/.*cap 0x\([0-9a-f]*\),.*type: 2.*/\1/p' "$CK_OUT/$name.zones" | head -1)))
	ma=$(sed -n 's/.*--max-active \([0-9]*\).*/\1/p' "$CK_OUT/$name.limits")
	lba=$(sed -n 's/.*--lba-size \([0-9]*\).*/\1/p' "$CK_OUT/$name.limits")
	rule=$(/usr/bin/python3 "$CK_PLANT" "$fault" "$CK_OUT/$name.trace" "$CK_OUT/$name.$fault.trace" \
		"$zs" "$cap" "$ma" ${lba:+"$lba"}) || return 1
	# shellcheck disable=SC2046
	out=$("$ZWSIM" check --json --zones "$CK_OUT/$name.zones" $(cat "$CK_OUT/$name.limits") \
		"$CK_OUT/$name.$fault.trace")
	[ $? -eq 1 ] || { echo "zwsim check did not fail"; echo "$out"; return 1; }
	echo "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
rules = [v["rule"] for v in d["traces"][0]["list"]]
print("expected %s, reported %s" % (sys.argv[1], rules))
sys.exit(0 if rules and rules[0] == sys.argv[1] else 1)' "$rule"
}

ck_fio_zbd() { # DEV: random zones, 4 open at once, 8 in flight
	fio --name=zbd --filename="$1" --zonemode=zbd --rw=randwrite --direct=1 --ioengine=libaio \
		--iodepth=8 --bs=64k --io_size=48M --max_open_zones=4 --numjobs=1 --randseed=1
}

ck_zonefs() { # DEV
	local mnt=/mnt/zwsim-check-zonefs i rc=0 pid
	local -a pids=()
	mkzonefs -f "$1" >/dev/null || return 1
	mkdir -p $mnt && mount -t zonefs "$1" $mnt || return 1
	for i in 0 1 2 3; do
		dd if=/dev/urandom of=$mnt/seq/$i bs=16k count=32 oflag=direct,append conv=notrunc status=none &
		pids+=($!)
	done
	# the writers only: a bare `wait` would also wait for the guest's
	# long-lived children (tcmu-runner), forever
	for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
	umount $mnt || rc=1
	return $rc
}

ck_xfs() { # DEV
	local mnt=/mnt/zwsim-check-xfs i rc=0 pid
	local -a pids=()
	mkfs.xfs -q -f "$1" || return 1
	mkdir -p $mnt && mount "$1" $mnt || return 1
	for i in 0 1 2 3; do
		dd if=/dev/urandom of=$mnt/f$i bs=64k count=64 status=none &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid" || rc=1; done  # the writers only, as in ck_zonefs
	sync
	umount $mnt || rc=1
	return $rc
}

device_check_captures() {
	local label="zwsim check on real captures" dev zns f
	CK_OUT=$ZWSIM_VM_OUT/check
	mkdir -p "$CK_OUT"
	guest_make dev "$label: null_blk made (256 MiB, 8 MiB zones, open 4, active 4)" \
		nullb_create nullb9 size=256 zone_size=8 zone_max_open=4 zone_max_active=4 || return
	guest_check "$label: fio zonemode=zbd at iodepth 8 captured" ck_capture fio-zbd "$dev" ck_fio_zbd "$dev"
	guest_check "$label: fio-zbd: no violation" ck_clean fio-zbd
	for f in swap-writes past-capacity open-past-limit; do
		guest_check "$label: fio-zbd: planted $f reported" ck_fault fio-zbd $f
	done
	guest_check "$label: zonefs writers captured" ck_capture zonefs "$dev" ck_zonefs "$dev"
	guest_check "$label: zonefs: no violation" ck_clean zonefs
	guest_check "$label: zonefs: planted swap-writes reported" ck_fault zonefs swap-writes
	guest_check "$label: null_blk removed" nullb_remove "$dev"
	guest_make dev "$label: null_blk for XFS made (2 GiB, 64 MiB zones, 8 conventional)" \
		nullb_create nullb10 size=2048 zone_size=64 zone_nr_conv=8 || return
	guest_check "$label: zoned XFS writeback from 4 writers captured" ck_capture xfs "$dev" ck_xfs "$dev"
	guest_check "$label: xfs: no violation" ck_clean xfs
	for f in move-append overlap-append; do
		guest_check "$label: xfs: planted $f reported" ck_fault xfs $f
	done
	guest_check "$label: null_blk for XFS removed" nullb_remove "$dev"
	zns=$(zns_dev 0 2>/dev/null)
	if [ -n "$zns" ]; then
		guest_check "$label: ZNS reset" zns_reset "$zns"
		guest_check "$label: fio zonemode=zbd on ZNS captured" ck_capture zns-fio "$zns" ck_fio_zbd "$zns"
		guest_check "$label: zns-fio: no violation" ck_clean zns-fio
		guest_check "$label: zns-fio: planted swap-writes reported" ck_fault zns-fio swap-writes
		guest_check "$label: ZNS reset for uring-append" zns_reset "$zns"
		guest_check "$label: zone appends through io_uring_cmd on ZNS captured (nvme tracepoints)" \
			ck_nvme_capture zns-uring-append "$zns" ck_uring_append "$zns" 8
		guest_check "$label: zns-uring-append: no violation" ck_clean zns-uring-append
		guest_check "$label: zns-uring-append: uring-append's LBAs are the capture's" \
			/usr/bin/python3 "$CK_XCHECK" "$CK_OUT/zns-uring-append.appends" "$CK_OUT/zns-uring-append.trace"
		for f in move-append overlap-append past-capacity open-past-limit; do
			guest_check "$label: zns-uring-append: planted $f reported" ck_fault zns-uring-append $f
		done
		guest_check "$label: ZNS reset after" zns_reset "$zns"
	fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# by itself in the guest
	. "$CK_DIR/guest/lib.sh"
	device_check_captures
	guest_summary
fi
