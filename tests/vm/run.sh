#!/bin/bash
# The VM test tier: real zoned devices in a QEMU guest (tests/vm/README.md).
#
#   tests/vm/run.sh            (after tests/vm/setup.sh and `make zwsim`)
#
# On the host, boots one guest (tests/vm/run-guest.sh) with an NVMe ZNS and a
# conventional NVMe namespace, and runs this same script in it with
# --in-guest.  In the guest, each device_* function below makes a device,
# runs its checks (guest_check / guest_compare, tests/vm/guest/lib.sh) and
# removes it.  The host then prints the guest's check lines and the closing
# line `vm: N passed, M failed`, and exits non-zero on any failure.
#
# Results and logs: $ZWSIM_VM_RESULTS (default build/vm in the checkout):
# results (one "pass|fail NAME" a line), checks/NNN-NAME.log, and .vm/ with
# the guest's console log, dmesg and the QEMU command line.
#
# Adding a check: one line in the device's function, e.g.
#   guest_check "$label: zone run" "$ZWSIM" zone run --dev "zbd:$dev" SCRIPT
#   guest_compare "$label: zone run matches the model" \
#       "$ZWSIM zone run --dev zbd:$dev SCRIPT" "$ZWSIM zone run --dev $emu SCRIPT"
# Adding a device: a device_* function, called from the list at the end.
set -uo pipefail

# ============================== host side ==================================
if [ "${1:-}" != --in-guest ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
	[ -x "$REPO/zwsim" ] || vm_die "no $REPO/zwsim: build it first (make zwsim)"
	RESULTS=${ZWSIM_VM_RESULTS:-$REPO/build/vm}
	rm -rf "$RESULTS"
	mkdir -p "$RESULTS"
	t0=$(date +%s)
	rc=0
	"$VM_DIR/run-guest.sh" --out "$RESULTS" --timeout "${ZWSIM_VM_TIMEOUT:-900}" \
		--zns size=1G,zone_size=64M,zone_cap=48M,max_open=8,max_active=10 \
		--nvme size=512M \
		-- "$VM_DIR/run.sh" --in-guest || rc=$?
	passed=$(grep -c '^pass ' "$RESULTS/results" 2>/dev/null) || true
	failed=$(grep -c '^fail ' "$RESULTS/results" 2>/dev/null) || true
	xfailed=$(grep -c '^xfail ' "$RESULTS/results" 2>/dev/null) || true
	passed=${passed:-0} failed=${failed:-0} xfailed=${xfailed:-0}
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		vm_log "the guest run failed (status $rc) with no failed check recorded"
		failed=1
	fi
	if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
		vm_log "no check ran"
		failed=1
	fi
	[ "$xfailed" -gt 0 ] && vm_log "$xfailed known failures (XFAIL above), not counted"
	vm_log "$(($(date +%s) - t0)) s; results and logs in $RESULTS"
	echo "vm: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

# ============================== guest side =================================
# shellcheck source=guest/lib.sh
. "$ZWSIM_VM_LIB"

# The checks every zoned device gets:
#   zoned_checks LABEL DEV EMU NR_ZONES ZONE_SIZE ZONE_CAP NR_CONV MAX_OPEN MAX_ACTIVE
# EMU is the emulated (emu:) device spec of the same geometry and personality.
# GEOMETRY_XFAIL="why" (local in the caller) marks its model comparison as a
# known failure.
zoned_checks() {
	local label=$1 dev=$2 emu=$3
	shift 3
	guest_check "$label: blkzone report shows $1 zones of $2, capacity $3, $4 conventional" \
		expect_zones "$dev" "$@"
	GUEST_XFAIL=${GEOMETRY_XFAIL:-} guest_compare "$label: same zones as zwsim's model ($emu)" \
		"blkzone report $dev | zone_geometry" \
		"$ZWSIM zone report --dev $emu | zone_geometry"
	guest_check "$label: a write at the write pointer advances it" write_at_wp "$dev"
	guest_check "$label: the host-built zwsim runs in the guest" "$ZWSIM" --help
}
export -f zone_geometry zone_report_parse

device_nullb_seq() {
	local label="null_blk all sequential" dev emu=emu:model=nullblk,zones=16,zone_size=64M
	guest_make dev "$label: made (1 GiB, 64 MiB zones)" \
		nullb_create nullb0 size=1024 zone_size=64 || return
	zoned_checks "$label" "$dev" "$emu" 16 64M 0 0 0 0
	guest_check "$label: removed" nullb_remove "$dev"
}

device_nullb_conv() {
	local label="null_blk conv+limits" dev
	local emu=emu:model=nullblk,zones=16,zone_size=64M,zone_cap=48M,conv=2,max_open=4,max_active=6
	guest_make dev "$label: made (2 conventional, capacity 48 of 64 MiB, open 4, active 6)" \
		nullb_create nullb1 size=1024 zone_size=64 zone_capacity=48 zone_nr_conv=2 \
		zone_max_open=4 zone_max_active=6 || return
	# Linux null_blk gives conventional zones a capacity equal to the zone
	# size; zwsim's model gives them zone_cap
	zoned_checks "$label" "$dev" "$emu" 16 64M 48M 2 4 6
	guest_check "$label: removed" nullb_remove "$dev"
}

device_nullb_small() {
	local label="null_blk 512B small zones" dev
	local emu=emu:model=nullblk,zones=32,zone_size=8M,zone_cap=6M,conv=4,max_open=3,max_active=3,lba=512,max_append=32k
	guest_make dev "$label: made (512 B blocks, 8 MiB zones, 4 conventional, append 64 sectors)" \
		nullb_create nullb2 size=256 blocksize=512 zone_size=8 zone_capacity=6 zone_nr_conv=4 \
		zone_max_open=3 zone_max_active=3 zone_append_max_sectors=64 || return
	# Linux null_blk gives conventional zones a capacity equal to the zone
	# size; zwsim's model gives them zone_cap
	zoned_checks "$label" "$dev" "$emu" 32 8M 6M 4 3 3
	guest_check "$label: zone append limit is 64 sectors" \
		test "$(cat /sys/block/"${dev#/dev/}"/queue/zone_append_max_bytes)" = 32768
	guest_check "$label: removed" nullb_remove "$dev"
}

device_zns() {
	local label="NVMe ZNS" dev
	local emu=emu:model=zns,zones=16,zone_size=64M,zone_cap=48M,max_open=8,max_active=10
	guest_make dev "$label: namespace found" zns_dev || return
	zoned_checks "$label" "$dev" "$emu" 16 64M 48M 0 8 10
}

device_nvme_conv() {
	local label="NVMe conventional" dev
	guest_make dev "$label: namespace found" nvme_conv_dev || return
	guest_check "$label: not zoned, 512 MiB" eval \
		"test \"\$(cat /sys/block/${dev#/dev/}/queue/zoned)\" = none && test \"\$(blockdev --getsize64 $dev)\" = 536870912"
}

device_zbc() {
	local label="SCSI ZBC (tcmu file_zbc)" dev
	local emu=emu:model=zbc,zones=16,zone_size=64M,conv=2,max_open=4
	guest_check "$label: tcmu-runner started" tcmu_start || return
	# file_zbc caps open-N at half the sequential zones (here 7)
	guest_make dev "$label: made (1 GiB, 64 MiB zones, 2 conventional, open 4)" \
		zbc_create zbc0 model=HM lba=4096 zsize=64 conv=2 open=4 size=1G || return
	zoned_checks "$label" "$dev" "$emu" 16 64M 0 2 4 0
	guest_check "$label: removed" zbc_remove zbc0
}

# sid's mkfs.xfs makes a zoned XFS (internal RT on the sequential zones),
# which mounts and takes a write
xfs_zoned_works() {
	local dev=$1 mnt=/mnt/xfs rc=0
	mkfs.xfs -V && mkfs.xfs -f "$dev" || return 1
	mkdir -p $mnt && mount "$dev" $mnt || return 1
	{ dd if=/dev/urandom of=$mnt/f bs=1M count=8 status=none && sync &&
		xfs_info $mnt | tee /dev/stderr | grep -q 'zoned=1'; } || rc=1
	umount $mnt || rc=1
	return $rc
}

# sid's mkzonefs makes a zonefs with one file per sequential zone
zonefs_works() { # DEV NR_SEQ_FILES
	local dev=$1 mnt=/mnt/zonefs rc=0 n
	mkzonefs -f "$dev" || return 1
	mkdir -p $mnt && mount -t zonefs "$dev" $mnt || return 1
	n=$(ls $mnt/seq | wc -l)
	echo "$n files in seq/"
	[ "$n" -eq "$2" ] || rc=1
	umount $mnt || rc=1
	return $rc
}

device_nullb_fs() {
	local label="null_blk for file systems" dev
	guest_make dev "$label: made (2 GiB, 64 MiB zones, 8 conventional)" \
		nullb_create nullb3 size=2048 zone_size=64 zone_nr_conv=8 || return
	guest_check "$label: zoned XFS (sid's mkfs.xfs) mounts and takes a write" xfs_zoned_works "$dev"
	guest_check "$label: zonefs (sid's mkzonefs) mounts with 24 sequential files" zonefs_works "$dev" 24
	guest_check "$label: removed" nullb_remove "$dev"
}

echo "guest: $(uname -r), $(nproc) CPUs, zwsim at $ZWSIM"
device_nullb_seq
device_nullb_conv
device_nullb_small
device_nullb_fs
device_zns
device_nvme_conv
device_zbc
guest_summary >/dev/null
