#!/bin/bash
# zwsim ublk: the kernel on zwsim's model.  `zwsim ublk` serves an emulated
# device as a real host-managed zoned block device /dev/ublkbN, and the
# kernel's own tools and file systems run on it (docs/ublk.md):
#   - the geometry and limits the kernel sees (sysfs, blkzone report);
#   - the conformance scripts through zbd:/dev/ublkbN (the kernel's block
#     layer in the path), compared line for line with the same scripts on
#     the device's twin (`zwsim zone twin`: the served spec with the zone
#     append limit the kernel applies, max_sectors);
#   - zone fill at qd=8 through io_uring, verified;
#   - zoned XFS (sid's mkfs.xfs: its data goes by zone append) and zonefs
#     (sid's mkzonefs), files written, read back after a remount;
#   - fio zonemode=zbd (psync sequential, libaio random with verify);
#   - every scenario of xfs-fidelity.sh and zonefs-fidelity.sh with the
#     kernel's zoned XFS and zonefs on the device beside zwsim's models on
#     its twin (the same spec as the null_blk devices' twins there), faults
#     injected through the server's control socket, each outcome judged;
#   - fio's IOPS against null_blk in the same guest, three alternating
#     rounds (bench: ublk_vm_iops_ratio, of the best of each);
#   - a file: device: a write synced by the kernel survives the server
#     being killed (SIGKILL) and started again on the same directory;
#   - the server stops on SIGTERM and deletes the device.
#
# Sourced by run.sh in the guest (after guest/lib.sh and run.sh's own
# helpers: conformance, fill_qd_check, zoned_checks): runs the checks.
# Also by itself in the guest (run.sh's helpers taken from it), e.g.
#   tests/vm/run-guest.sh --out DIR --env ZWSIM_VM_UBLK="fs file" -- tests/vm/ublk.sh
# (parts: zones fs xfsfid zonefsfid file)
# About 2 minutes of the tier under TCG, 7 on a busy machine (the conformance
# scripts take most: the server is started again before each; the bench's
# six 3 s fio runs about 30 s).

UB_ALONE=""
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	. "$ZWSIM_VM_LIB"
	eval "$(sed -n '/^zoned_checks()/,/^}/p; /^export -f/p; /^CONF_DIR=/,/^)$/p;
		/^conf_check()/,/^}/p; /^conformance()/,/^}/p; /^fill_qd_check()/,/^}/p' \
		"$ZWSIM_VM_REPO/tests/vm/run.sh")"
	mkdir -p "$CONF_OUT" && : >"$CONF_OUT/tally"
	UB_ALONE=1
fi
UB_OUT=$ZWSIM_VM_OUT/ublk
UB_PID="" UB_SPEC="" UB_DEV="" UB_ERR=""
# the server's control socket (faults, a fresh model: guest/fsscript.py ublk_control)
export ZWSIM_UBLK_CONTROL=/run/zwsim-ublk.sock

# ublk_start SPEC: the server on SPEC in the background; prints /dev/ublkbN
ublk_start() {
	local i
	UB_SPEC=$1 UB_ERR=$UB_OUT/server.$$.$RANDOM.err
	mkdir -p "$UB_OUT"
	modprobe ublk_drv 2>/dev/null
	exec {UB_FD}< <(exec "$ZWSIM" ublk --dev "$UB_SPEC" --control "$ZWSIM_UBLK_CONTROL" 2>"$UB_ERR")
	UB_PID=$!
	UB_DEV=""
	read -r -t 60 UB_DEV <&$UB_FD
	if [ -z "$UB_DEV" ] || [ ! -b "$UB_DEV" ]; then
		echo "the server printed no device: $(cat "$UB_ERR")"
		return 1
	fi
	echo "$UB_DEV"
}

# ublk_stop: SIGTERM; the server must exit 0 and the device go away
ublk_stop() {
	local rc=0
	[ -n "$UB_PID" ] || return 0
	kill -TERM "$UB_PID"
	wait "$UB_PID" || rc=$?
	exec {UB_FD}<&-
	cat "$UB_ERR"
	UB_PID=""
	[ $rc -eq 0 ] || { echo "the server exited with status $rc"; return 1; }
	[ ! -e "$UB_DEV" ] || { echo "$UB_DEV is still there"; return 1; }
}

# ublk_fresh: the server started again on its spec (a new emulated device), at the same path
ublk_fresh() {
	local dev=$UB_DEV
	ublk_stop >/dev/null && ublk_start "$UB_SPEC" >/dev/null && [ "$UB_DEV" = "$dev" ]
}

# ublk_xfs DEV: zoned XFS made, a file written, read back after a remount;
# the data must have reached the server as zone appends
ublk_xfs() {
	local dev=$1 mnt=/mnt/ublk-xfs a b rc=0
	mkfs.xfs -f "$dev" >/dev/null || return 1
	mkdir -p $mnt && mount "$dev" $mnt || return 1
	xfs_info $mnt | grep -q 'zoned=1' || { echo "not zoned XFS"; rc=1; }
	dd if=/dev/urandom of=$mnt/f bs=1M count=16 status=none && sync || rc=1
	a=$(md5sum <$mnt/f)
	umount $mnt && mount "$dev" $mnt || return 1
	b=$(md5sum <$mnt/f)
	echo "md5 before remount $a, after $b"
	[ "$a" = "$b" ] || rc=1
	umount $mnt || rc=1
	return $rc
}

# ublk_zonefs DEV NR_SEQ: zonefs made, sequential files written by O_DIRECT, read back after a remount
ublk_zonefs() {
	local dev=$1 mnt=/mnt/ublk-zonefs n rc=0
	mkzonefs -f "$dev" >/dev/null || return 1
	mkdir -p $mnt && mount -t zonefs "$dev" $mnt || return 1
	n=$(ls $mnt/seq | wc -l)
	echo "$n files in seq/"
	[ "$n" -eq "$2" ] || rc=1
	dd if=/dev/urandom of=/tmp/ublk-zf bs=1M count=2 status=none
	dd if=/tmp/ublk-zf of=$mnt/seq/0 bs=1M oflag=direct,append conv=notrunc status=none || rc=1
	dd if=/tmp/ublk-zf of=$mnt/seq/1 bs=64k oflag=direct,append conv=notrunc status=none || rc=1
	umount $mnt && mount -t zonefs "$dev" $mnt || return 1
	stat -c '%n %s' $mnt/seq/0 $mnt/seq/1
	cmp /tmp/ublk-zf $mnt/seq/0 && cmp /tmp/ublk-zf $mnt/seq/1 || rc=1
	umount $mnt || rc=1
	return $rc
}

# ublk_fio DEV: fio zonemode=zbd, sequential then random with verify; no errors
ublk_fio() {
	local dev=$1 rc=0
	blkzone reset "$dev" || return 1
	fio --name=seq --filename="$dev" --direct=1 --zonemode=zbd --ioengine=psync --rw=write \
		--bs=64k --size=24M --offset=8M --output-format=terse >/dev/null || rc=1
	fio --name=rnd --filename="$dev" --direct=1 --zonemode=zbd --ioengine=libaio --iodepth=8 \
		--rw=randwrite --bs=16k --size=24M --offset=8M --verify=md5 --max_open_zones=3 \
		--output-format=normal | grep -E 'err=|WRITE:|READ:' || rc=1
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	return $rc
}

# fio_iops DEV: IOPS of 4 KiB random reads at QD 32 (io_uring, O_DIRECT) for 3 s
fio_iops() {
	fio --name=iops --filename="$1" --direct=1 --ioengine=io_uring --iodepth=32 --rw=randread \
		--bs=4k --runtime=3 --time_based --output-format=json 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; print(int(json.load(sys.stdin)["jobs"][0]["read"]["iops"]))'
}

# ublk_bench DEV: the same reads on a null_blk device of the same geometry in
# the same guest, in turn, three rounds (the order alternating): the ratio of
# the best of each (a guest under TCG varies in speed several times over)
ublk_bench() {
	local dev=$1 nb u n r bu=0 bn=0
	nb=$(nullb_create ublkcmp size=1024 zone_size=64 zone_nr_conv=6) || return 1
	for r in 1 2 3; do
		if [ $r = 2 ]; then
			n=$(fio_iops "$nb") && u=$(fio_iops "$dev")
		else
			u=$(fio_iops "$dev") && n=$(fio_iops "$nb")
		fi || { nullb_remove ublkcmp; return 1; }
		[ "$u" -gt 0 ] && [ "$n" -gt 0 ] || { nullb_remove ublkcmp; return 1; }
		echo "round $r: ublk $u IOPS, null_blk $n IOPS"
		[ "$u" -gt $bu ] && bu=$u
		[ "$n" -gt $bn ] && bn=$n
	done
	nullb_remove ublkcmp
	echo "best: ublk $bu IOPS, null_blk $bn IOPS (4 KiB random reads, QD 32, io_uring, 3 s a run)"
	echo "bench: ublk_vm_iops_ratio $(awk -v u="$bu" -v n="$bn" 'BEGIN { printf "%.3f", u / n }') ratio"
}

# ublk_durable: a file: device; a write the kernel flushed survives SIGKILL of the server
ublk_durable() {
	local dir=/tmp/ublk-file dev rc=0
	rm -rf $dir
	ublk_start "file:$dir,zones=8,zone_size=4M,conv=1" >/dev/null || return 1
	dev=$UB_DEV
	dd if=/dev/urandom of=/tmp/ublk-d bs=1M count=3 status=none
	dd if=/tmp/ublk-d of="$dev" bs=1M seek=4 oflag=direct conv=fsync status=none || rc=1
	kill -KILL "$UB_PID"
	wait "$UB_PID"
	exec {UB_FD}<&-
	UB_PID=""
	echo "server killed; its device: $(ls "$dev" 2>&1)"
	ublk_start "file:$dir,zones=8,zone_size=4M,conv=1" >/dev/null || return 1
	dev=$UB_DEV
	echo "started again as $dev"
	blkzone report -o 8192 -c 1 "$dev"
	cmp /tmp/ublk-d <(dd if="$dev" bs=1M skip=4 count=3 iflag=direct status=none) || rc=1
	ublk_stop || rc=1
	return $rc
}

# ublk completes each request from the server in user space: a failed
# write's completion races the submitter as on QEMU's ZNS and tcmu's ZBC, so
# the twin takes the admissible completion order that gives the kernel's
# output (run.sh's CONF_RACES; without it seeds 10, 14 and 20 without
# reports differed on 2026-12-07)
declare -p CONF_RACES >/dev/null 2>&1 || declare -A CONF_RACES=()
declare -p CONF_RACES_XFAIL >/dev/null 2>&1 || declare -A CONF_RACES_XFAIL=()
CONF_RACES["ublk small zones+limits"]="the ublk server's completion in user space against the submitter"

device_ublk_zones() {
	local label="ublk small zones+limits" dev twin
	local emu=emu:model=nullblk,zones=16,zone_size=4M,zone_cap=3M,conv=2,max_open=3,max_active=5
	guest_check "$label: zwsim ublk serves $emu" ublk_start "$emu" || return
	dev=$UB_DEV
	zoned_checks "$label" "$dev" "$emu" 16 4M 3M 2 3 5
	# the twin as the kernel shows the device: zone append capped at
	# max_sectors (blk_validate_zoned_limits()), which the spec's model is not
	guest_make twin "$label: zwsim zone twin" "$ZWSIM" zone twin --dev "zbd:$dev" &&
		conformance "$label" "zbd:$dev" "$twin" ublk_fresh
	guest_check "$label: zone fill at qd=8 (io_uring, 3 at once: open 3), all zones, verified" \
		fill_qd_check "$dev" 768 all
	guest_check "$label: stopped by SIGTERM, device deleted" ublk_stop
}

# 6 conventional zones (384 MiB: mkfs.xfs puts its data section and log
# there) and 10 sequential; 1 MiB commands (fewer round trips under TCG)
device_ublk_fs() {
	local label="ublk for file systems" dev
	local emu=emu:zones=16,zone_size=64M,conv=6,max_sectors=2048
	guest_check "$label: zwsim ublk serves $emu" ublk_start "$emu" || return
	dev=$UB_DEV
	guest_check "$label: zoned XFS (sid's mkfs.xfs): 16 MiB written, same after a remount" ublk_xfs "$dev"
	guest_check "$label: zonefs (sid's mkzonefs): 10 sequential files, O_DIRECT appends read back" \
		ublk_zonefs "$dev" 10
	guest_check "$label: fio zonemode=zbd (psync write; libaio randwrite QD8 with md5 verify)" ublk_fio "$dev"
	guest_check "$label: bench: fio 4 KiB random reads at QD 32 against null_blk in the same guest" \
		ublk_bench "$dev"
	guest_check "$label: stopped by SIGTERM, device deleted" ublk_stop
	guest_check "$label: zoned XFS's data reached the server as zone appends" \
		grep -E ' [1-9][0-9]* zone appends' "$UB_ERR"
}

# ublk_twin VAR LABEL SPEC: the server on SPEC, VAR its twin as the kernel
# shows it (zwsim zone twin: the model's side of every comparison)
ublk_twin() {
	local __v=$1 label=$2 spec=$3
	guest_check "$label: zwsim ublk serves $spec" ublk_start "$spec" || return
	guest_make "$__v" "$label: the model's twin" "$ZWSIM" zone twin --dev "zbd:$UB_DEV"
}

# The kernel's zoned XFS on our device beside zwsim's xfs-zoned model on
# its twin: every scenario of tests/vm/xfs-fidelity.sh, on the same
# geometries as there (512 MiB and 360 MiB of 4 MiB zones, 80 conventional;
# a ZNS-like device of 64 MiB zones of 48 MiB capacity as an external
# realtime device, with a loop device for data), the kernel's outcome
# judged against the model's (only where appends landed in their zone may
# differ: docs/ublk.md); the figures in $ZWSIM_VM_OUT/ublk/xfs-fidelity.
# The model's outcomes are xfs-fidelity.sh's where the spec is the same.
device_ublk_xfsfid() {
	local label="ublk xfs-zoned fidelity" twin="" img=/tmp/ublk-xfs-data.img loop
	local cap=emu:zones=16,zone_size=64M,zone_cap=48M,max_open=8,max_active=10,max_sectors=1024
	. "$ZWSIM_VM_REPO/tests/vm/xfs-fidelity.sh"
	mkdir -p "$UB_OUT/xfs-fidelity" && : >"$UB_OUT/xfs-fidelity/tally"
	[ -d "$ZWSIM_VM_OUT/xfs-fidelity" ] && export XF_MODEL_FROM=$ZWSIM_VM_OUT/xfs-fidelity
	XF_JUDGE=1 XF_ONDEV_LABEL="ublk xfs-zoned model on the device"
	ublk_twin twin "$label" emu:size=512M,zone_size=4M,conv=80 &&
		xf_fidelity "$UB_DEV" "$twin" "$label" "$UB_OUT/xfs-fidelity" xf_scenarios
	guest_check "$label: stopped by SIGTERM, device deleted" ublk_stop
	twin=""
	if ublk_twin twin "$label" "$cap" && guest_make loop "$label: a loop device for the data section" \
		eval "modprobe loop 2>/dev/null; truncate -s 512M $img && losetup -f --show $img"; then
		xf_fidelity "$UB_DEV@$loop" "$twin" "$label" "$UB_OUT/xfs-fidelity" xf_scenarios_capacity
		guest_check "$label: loop device removed" eval "losetup -d $loop && rm -f $img"
	fi
	guest_check "$label: stopped by SIGTERM, device deleted" ublk_stop
	twin=""
	ublk_twin twin "$label" emu:size=360M,zone_size=4M,conv=80 &&
		xf_fidelity "$UB_DEV" "$twin" "$label" "$UB_OUT/xfs-fidelity" xf_scenarios_small
	guest_check "$label: figures" /usr/bin/python3 "$XF_HELPER" summary "$UB_OUT/xfs-fidelity/tally"
	/usr/bin/python3 "$XF_HELPER" summary "$UB_OUT/xfs-fidelity/tally" 2>/dev/null >"$UB_OUT/xfs-fidelity/summary"
	guest_check "$label: stopped by SIGTERM, device deleted" ublk_stop
	XF_JUDGE="" XF_LABEL="xfs-zoned fidelity" XF_ONDEV_LABEL="xfs-zoned model on the real device"
	unset XF_MODEL_FROM
}

# The kernel's zonefs on our device beside zwsim's zonefs model on its
# twin: every scenario of tests/vm/zonefs-fidelity.sh on the geometry of its
# null_blk device, the model made fresh before each (as a new null_blk
# device), faults injected through the control socket (as null_blk's
# badblocks, zone_readonly and zone_offline); the transcripts must be the
# same.  The model's transcripts are zonefs-fidelity.sh's if it ran on the
# same spec.
device_ublk_zonefsfid() {
	local label="ublk zonefs fidelity" twin=""
	. "$ZWSIM_VM_REPO/tests/vm/zonefs-fidelity.sh"
	ublk_twin twin "$label" emu:model=nullblk,zones=32,zone_size=8M,zone_cap=6M,conv=2,max_open=2,max_active=3 &&
		ZF_MODEL_FROM=$ZWSIM_VM_OUT/zonefs-fidelity \
			zf_fidelity "$label" "$UB_OUT/zonefs-fidelity" "$twin" ublk-batch "$UB_DEV"
	guest_check "$label: stopped by SIGTERM, device deleted" ublk_stop
}

device_ublk_file() {
	guest_check "ublk file: device: a synced write survives SIGKILL of the server" ublk_durable
}

# ZWSIM_VM_UBLK="zones fs xfsfid zonefsfid file" (the default) picks the parts
for part in ${ZWSIM_VM_UBLK:-zones fs xfsfid zonefsfid file}; do
	device_ublk_$part
done
[ -z "$UB_ALONE" ] || { guest_summary; exit; }
