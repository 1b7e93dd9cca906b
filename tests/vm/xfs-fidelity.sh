#!/bin/bash
# xfs-zoned fidelity: the same small workloads on the kernel's zoned XFS (on
# a null_blk device with conventional zones: mkfs.xfs puts the data section
# and the log there and one realtime group on each sequential zone) and on
# zwsim's xfs-zoned model (on the device's twin, `zwsim zone twin`).  For
# each scenario: where every file's data landed (zone and offset, from
# `xfs_io -c 'bmap -v'`), extent counts, every sequential zone's condition
# and write pointer after sync, every call's result, and per sequential zone
# the sizes of the zone appends that reached the device, in issue order (the
# kernel's from the block tracepoints through tracefs, the model's from its
# event log).
#
# The model runs with its default rules (Linux 7.2's: no kernel= mount
# option), the kernel the guest boots; the scenarios' own mount options
# are passed to both sides.
#
# Differences are reported, not failed: a scenario's check fails only when
# the harness breaks (the kernel side or the model cannot run the script, or
# the model's data does not verify).  Each scenario's comparison is in
# $ZWSIM_VM_OUT/xfs-fidelity/NAME.cmp (with NAME.fs, NAME.real.json,
# NAME.model.json); the figures in $ZWSIM_VM_OUT/xfs-fidelity/tally, their
# totals on the console.  docs/fidelity-xfs-zoned.md explains the figures
# and every difference.
#
# Sourced by run.sh in the guest (after guest/lib.sh), which then calls
# device_xfs_fidelity; and by ublk.sh, which runs the same scenarios with
# the kernel's XFS on zwsim's model served through ublk (xf_fidelity).
# Also runnable by itself in the guest:
#   tests/vm/run-guest.sh --out DIR -- tests/vm/xfs-fidelity.sh [SCENARIO...]
#
# The devices: 512 MiB of 4 MiB zones, 80 conventional (320 MiB: mkfs.xfs
# needs a file system above 300 MiB and puts its data section there), 48
# sequential (zones 80-127: realtime groups 0-47), no open limit (XFS takes
# 12: a quarter of the zones); 360 MiB: 10 sequential zones (XFS: 2 open
# zones, one of them for user data); and, where run-guest.sh attached them
# (run.sh does), the NVMe ZNS namespace (capacity 48 of 64 MiB) as an
# external realtime device with the conventional NVMe namespace for data.

XF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
XF_HELPER=$XF_DIR/guest/xfs-zoned-script.py
XF_NULLB=(size=512 zone_size=4 zone_nr_conv=80 badblocks_once=1)
XF_NULLB_SMALL=(size=360 zone_size=4 zone_nr_conv=80)
# the checks' names: "$XF_LABEL: SCENARIO", "$XF_ONDEV_LABEL: SCENARIO ..."
XF_LABEL="xfs-zoned fidelity" XF_ONDEV_LABEL="xfs-zoned model on the real device"
XF_JUDGE=""

# xf_fidelity DEV TWIN LABEL OUT SCENARIOS_FUNCTION: the scenarios of
# SCENARIOS_FUNCTION (xf_scenarios, xf_scenarios_small,
# xf_scenarios_capacity) with the kernel's XFS on DEV (a zoned device with
# conventional zones, or RTDEV@DATADEV) and the model on TWIN, as checks
# named "LABEL: SCENARIO"; their files and the figures (OUT/tally) in OUT.
# XF_JUDGE=1: a second check per scenario judges the outcome
# (xfs-zoned-script.py judge: only where each zone's appends landed may
# differ).  XF_MODEL_FROM=DIR: the model's outcomes of an earlier run into
# DIR where its spec, script and mount options were these (the model is
# deterministic).
xf_fidelity() {
	XF_DEV=$1 XF_EMU=$2 XF_LABEL=$3 XF_OUT=$4
	mkdir -p "$XF_OUT"
	[ -e "$XF_OUT/tally" ] || : >"$XF_OUT/tally"
	$5
}

# xf_judged NAME: the first line of the scenario's judgement (xf_compare
# with XF_JUDGE=1) is "same" or "append order"
xf_judged() {
	local first=""
	[ -r "$XF_OUT/$1.judge" ] || { echo "no judgement: $XF_OUT/$1.judge"; return 1; }
	cat "$XF_OUT/$1.judge"
	read -r first <"$XF_OUT/$1.judge"
	[ "$first" = same ] || [ "$first" = "append order" ]
}

# xf_compare NAME MOUNT_OPTS: the scenario's script on the kernel and on the
# model, then the comparison; non-zero only if either side could not run
xf_compare() {
	XF_JUDGE=$XF_JUDGE XF_MODEL_FROM=${XF_MODEL_FROM:-} \
		/usr/bin/python3 "$XF_HELPER" run "$1" "$XF_DEV" "$ZWSIM" "$XF_EMU" "${2:--}" "$XF_OUT/$1.fs" \
		"$XF_OUT" "$XF_OUT/tally" >"$XF_OUT/$1.cmp" 2>&1
	local rc=$?
	cat "$XF_OUT/$1.cmp"
	[ $rc -eq 0 ] || echo "harness: the scenario did not run (status $rc)"
	return $rc
}

# xf_scenario NAME MOUNT_OPTS < SCRIPT (zwsim fs syntax): one check
xf_scenario() {
	local name=$1 mopts=${2:-}
	if [ ${#XF_ONLY[@]} -gt 0 ] && [[ " ${XF_ONLY[*]} " != *" $name "* ]]; then
		return 0
	fi
	cat >"$XF_OUT/$name.fs"
	guest_check "$XF_LABEL: $name${mopts:+ ($mopts)}" xf_compare "$name" "$mopts" || return
	[ -z "$XF_JUDGE" ] || guest_check "$XF_LABEL: $name: the kernel and the model agree but for where appends landed" \
		xf_judged "$name"
}

# xf_agree NAME MOUNT_OPTS < SCRIPT: a scenario (as xf_scenario: its
# figures go to the tally) whose outcome must be the same on both sides: a
# second check fails on any difference (xfs-zoned-script.py agree)
xf_agree() {
	local name=$1 mopts=${2:-}
	if [ ${#XF_ONLY[@]} -gt 0 ] && [[ " ${XF_ONLY[*]} " != *" $name "* ]]; then
		return 0
	fi
	xf_scenario "$@" || return 0
	guest_check "$XF_LABEL: $name: the kernel and the model agree" \
		/usr/bin/python3 "$XF_HELPER" agree "$XF_OUT/$name.real.json" "$XF_OUT/$name.model.json"
}

# A failed data write (null_blk badblocks over zones 80-87, where the data
# goes; 'once': cleared at the first hit) shuts zoned XFS down on Linux 7.2
# (xfs_end_ioend_write(), commit f4f28ffe0924): the failing fsync and every
# later call say -EIO, the zone keeps its write pointer, the file system
# cannot be read.  The model with its default rules must do the same
# (docs/fidelity-xfs-zoned.md, "A failed data write").
xf_scenarios_write_error() {
	xf_agree write-error-shutdown <<-'EOF'
		write a 0 64k
		sync
		inject err=655360:65536:once
		write b 0 64k
		fsync b
		fsync b
		write c 0 64k
		read a 0 4k
		sync
	EOF

	xf_agree direct-write-error-shutdown <<-'EOF'
		write a 0 64k
		sync
		inject err=655360:65536:once
		dwrite b 0 64k
		fsync a
		dwrite a 64k 64k
	EOF
}

xf_scenarios() {
	# One large file, written back at once: split at each zone's end.
	xf_scenario large-write <<-'EOF'
		write big 0 10M
		sync
	EOF

	# Small files written back after they were closed: packed into one zone.
	xf_scenario closed-files-packed <<-'EOF'
		write a 0 64k
		write b 0 128k
		write c 0 4k
		write d 0 1M
		sync
	EOF

	# Files open for write during writeback: a zone each.
	xf_scenario open-files-spread <<-'EOF'
		open a
		open b
		open c
		write a 0 64k
		write b 0 64k
		write c 0 64k
		write a 64k 64k
		write b 64k 64k
		write c 64k 64k
		fsync a
		fsync b
		fsync c
		close a
		close b
		close c
		sync
	EOF

	# An overwrite goes out of place, after the data already in the zone.
	xf_scenario overwrite-middle <<-'EOF'
		write f 0 1M
		sync
		write f 256k 128k
		sync
	EOF

	# An overwrite from offset 0 of a file kept open, another file between.
	xf_scenario overwrite-from-zero-open <<-'EOF'
		open f
		open g
		write f 0 1M
		fsync f
		write g 0 64k
		fsync g
		write f 0 64k
		fsync f
		close f
		close g
		sync
	EOF

	# Truncate, then write past the new end.
	xf_scenario truncate-then-extend <<-'EOF'
		write f 0 1M
		sync
		truncate f 256k
		write f 256k 256k
		sync
	EOF

	# Appending continues in the zone of the file's previous extent.
	xf_scenario append-continues <<-'EOF'
		open f
		open g
		write f 0 256k
		fsync f
		write g 0 256k
		fsync g
		write f 256k 256k
		fsync f
		write g 256k 256k
		fsync g
		close f
		close g
		sync
	EOF

	# A zone filled exactly: full, and the next file opens a new zone.
	xf_scenario zone-filled-exactly <<-'EOF'
		write a 0 4M
		write b 0 64k
		sync
	EOF

	# A large closed file after a small one.
	xf_scenario large-closed-after-small <<-'EOF'
		write small 0 64k
		write big 0 5M
		sync
	EOF

	# Two open zones for user data (max_open_zones=3, one kept for GC):
	# the third and fourth file share them.
	xf_scenario open-limit max_open_zones=3 <<-'EOF'
		open a
		open b
		open c
		open d
		write a 0 64k
		write b 0 64k
		write c 0 64k
		write d 0 64k
		fsync a
		fsync b
		fsync c
		fsync d
		close a
		close b
		close c
		close d
		sync
	EOF

	# Write hints on files open for write, with room for a zone each.
	xf_scenario hints-open max_open_zones=8 <<-'EOF'
		open s
		open n
		open m
		open l
		open x
		open u
		hint s short
		hint n none
		hint m medium
		hint l long
		hint x extreme
		write s 0 64k
		fsync s
		write n 0 64k
		fsync n
		write m 0 64k
		fsync m
		write l 0 64k
		fsync l
		write x 0 64k
		fsync x
		write u 0 64k
		fsync u
		close s
		close n
		close m
		close l
		close x
		close u
		sync
	EOF

	# Write hints when no zone can be opened (2 for user data).
	xf_scenario hints-no-free-slot max_open_zones=3 <<-'EOF'
		open l
		open m
		open x
		open s
		open u
		hint l long
		hint m medium
		hint x extreme
		hint s short
		write l 0 64k
		fsync l
		write m 0 64k
		fsync m
		write x 0 64k
		fsync x
		write s 0 64k
		fsync s
		write u 0 64k
		fsync u
		close l
		close m
		close x
		close s
		close u
		sync
	EOF

	# Hinted files written back after they were closed.
	xf_scenario hints-closed <<-'EOF'
		hint a short
		write a 0 64k
		hint b long
		write b 0 64k
		write c 0 64k
		hint d medium
		write d 0 64k
		sync
	EOF

	# nolifetime: hints are ignored.
	xf_scenario nolifetime nolifetime <<-'EOF'
		open s
		open l
		hint s short
		hint l long
		write s 0 64k
		fsync s
		write l 0 64k
		fsync l
		close s
		close l
		sync
	EOF

	# Direct writes allocate at submission.
	xf_scenario direct-writes <<-'EOF'
		dwrite a 0 256k
		dwrite b 0 256k
		append a 64k
		sync
	EOF

	# O_DIRECT appends to two files, interleaved: each keeps to its zone.
	xf_scenario direct-appends-interleaved <<-'EOF'
		append a 64k
		append b 64k
		append a 64k
		append b 128k
		append a 192k
		append b 4k
		append a 4k
		sync
	EOF

	# An O_DIRECT append after buffered data still in the cache: the
	# cached range is not the write's, so the direct data lands first.
	xf_scenario direct-append-after-buffered <<-'EOF'
		write f 0 64k
		append f 32k
		sync
	EOF

	# Interleaved buffered writes to closed files, written back together.
	xf_scenario interleaved-closed <<-'EOF'
		write a 0 64k
		write b 0 64k
		write a 64k 64k
		write b 64k 64k
		write a 128k 64k
		sync
	EOF

	xf_scenarios_write_error

	# The model itself on the real device: open files, hints, overwrites,
	# a truncate into a block, an unlink, direct appends.
	xf_on_device on-device-mixed <<-'EOF'
		open a
		open b
		hint b long
		write a 0 1M
		write b 0 600k
		fsync a
		fsync b
		write a 256k 64k
		truncate b 300000
		append a 128k
		close a
		close b
		write c 0 200k
		unlink a
		sync
	EOF
}

# An NVMe ZNS namespace (64 MiB zones of 48 MiB capacity, open limit 8) as
# an external realtime device, the conventional NVMe namespace as the data
# device.  (A null_blk device with a zone capacity below the zone size and
# an internal realtime device does not work: sid's mkfs.xfs places the
# realtime start by the capacity and the kernel refuses to mount it,
# "mismatched zone start".)
xf_scenarios_capacity() {
	xf_scenario capacity-large-write <<-'EOF'
		write big 0 60M
		sync
	EOF

	xf_scenario capacity-filled-exactly <<-'EOF'
		write a 0 48M
		write b 0 64k
		sync
	EOF
}

# Ten sequential zones: 6 zones of user space (4 kept for GC), one open zone
# for user data (the open limit is 2, one of them kept for GC).
xf_scenarios_small() {
	xf_scenario small-open-files-share <<-'EOF'
		open a
		open b
		write a 0 64k
		write b 0 64k
		fsync a
		fsync b
		close a
		close b
		sync
	EOF

	xf_scenario small-enospc <<-'EOF'
		write f 0 32M
		sync
	EOF

	# The model itself on the real device, through GC: 16 MiB of a 24 MiB
	# file system overwritten 3 times over in 64 KiB pieces, each synced.
	xf_on_device on-device-gc < <(
		echo "write f 0 16M"
		echo "sync"
		for i in $(seq 0 767); do
			echo "write f $(( (i * 97 % 256) * 65536 )) 64k"
			echo "fsync f"
		done
	)
}

# xf_on_device NAME < SCRIPT: zwsim's xfs-zoned model run on the real
# device itself (zbd:, through the kernel's block layer; zone appends
# emulated per zone from user space) must place every file and leave every
# zone exactly as on the device's emulated twin, and verify every byte read
# back from the device.  Unlike the fidelity scenarios this compares the
# model with itself on two devices, so any difference fails.
xf_on_device() {
	local name=$1 dir=$XF_OUT/on-device
	if [ ${#XF_ONLY[@]} -gt 0 ] && [[ " ${XF_ONLY[*]} " != *" $name "* ]]; then
		return 0
	fi
	mkdir -p "$dir"
	cat >"$dir/$name.fs"
	guest_check "$XF_ONDEV_LABEL: $name (as on its twin, every byte verified)" \
		model_on_device xfs-zoned "$XF_DEV" "$XF_EMU" "$dir/$name.fs" "$dir/$name"
}

# xf_device NAME DESCRIPTION SCENARIOS_FUNCTION NULL_BLK_ATTR...: a device,
# its twin, the scenarios on both, the device removed
xf_device() {
	local label="xfs-zoned fidelity" name=$1 what=$2 fn=$3 dev twin=""
	shift 3
	guest_make dev "$label: null_blk made ($what)" nullb_create "$name" "$@" || return
	guest_make twin "$label: the model's twin of $name" "$ZWSIM" zone twin --dev "zbd:$dev"
	[ -n "$twin" ] && xf_fidelity "$dev" "$twin" "$label" "$XF_OUT" "$fn"
	guest_check "$label: $name removed" nullb_remove "$name"
}

# xf_zns: the capacity scenarios on the ZNS and the conventional NVMe
# namespace run-guest.sh attaches (as run.sh does); both are left blank.
# In the tier a missing namespace is a failed check; run by itself without
# them (XF_STANDALONE) the scenarios are skipped, and it says so
xf_zns() {
	local label="xfs-zoned fidelity" zns="" conv="" twin=""
	if [ -n "${XF_STANDALONE:-}" ] && ! { zns_dev && nvme_conv_dev; } >/dev/null 2>&1; then
		echo "SKIP $label: capacity scenarios: no ZNS and NVMe namespaces (run-guest.sh --zns ... --nvme ...)" >&2
		return 0
	fi
	guest_make zns "$label: the ZNS namespace found" zns_dev || return
	guest_make conv "$label: the conventional NVMe namespace found" nvme_conv_dev || return
	guest_make twin "$label: the model's twin of the ZNS namespace" "$ZWSIM" zone twin --dev "zbd:$zns"
	[ -n "$twin" ] && xf_fidelity "$zns@$conv" "$twin" "$label" "$XF_OUT" xf_scenarios_capacity
	guest_check "$label: ZNS zones reset, NVMe namespace wiped" \
		eval "blkzone reset $zns && wipefs -a -q $conv"
}

device_xfs_fidelity() {
	XF_OUT=$ZWSIM_VM_OUT/xfs-fidelity
	mkdir -p "$XF_OUT"
	: >"$XF_OUT/tally"
	xf_device xfsfid "4 MiB zones, 80 conventional, 48 sequential" xf_scenarios "${XF_NULLB[@]}"
	xf_zns
	xf_device xfsfidsmall "10 sequential zones" xf_scenarios_small "${XF_NULLB_SMALL[@]}"
	guest_check "xfs-zoned fidelity: figures" /usr/bin/python3 "$XF_HELPER" summary "$XF_OUT/tally"
	/usr/bin/python3 "$XF_HELPER" summary "$XF_OUT/tally" 2>/dev/null | tee "$XF_OUT/summary"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# by itself in the guest: the scenarios named (default all), then the tally
	# shellcheck source=guest/lib.sh
	. "${ZWSIM_VM_LIB:-$XF_DIR/guest/lib.sh}"
	XF_ONLY=("$@") XF_STANDALONE=1
	device_xfs_fidelity
	guest_summary
	exit
fi
# sourced: ZWSIM_VM_XF_ONLY="NAME..." runs only those scenarios (while developing)
read -ra XF_ONLY <<<"${ZWSIM_VM_XF_ONLY:-}"
