#!/bin/bash
# xfs-zoned fidelity through GC: a device filled past the point where zoned
# XFS needs GC (xfs_zoned_need_gc(): less available than max_open - 1 zones),
# half its files deleted, more written until GC must reclaim, then left
# until GC has settled (the zone report stops changing), on the kernel's
# zoned XFS and on zwsim's model on the device's twin.  Compared: every
# file's extents, every sequential zone's condition and write pointer,
# every call's result, the zone-append sizes, and GC's bytes moved; the
# fill (before any delete, no GC yet) is compared too.  Then the kernel
# runs the script a second time, to say how alike it is to itself: where GC
# leaves the data is the same in every run up to a renaming of zones (which
# free zone is taken next is a matter of timing), and the model must be as
# alike to the kernel as that (docs/fidelity-xfs-zoned.md, "Through GC").
#
# The kernel keeps its own dirty-memory policy (only periodic writeback is
# off, on both sides: it runs on wall-clock time); the harness reads the
# guest's thresholds (nr_dirty_threshold, nr_dirty_background_threshold in
# /proc/vmstat) before and after every call and gives the model the memory
# they come from (--memory, --dirty-ratio, --dirty-background-ratio).
# Differences are reported, not failed (docs/fidelity-xfs-zoned.md,
# "Through GC"); $ZWSIM_VM_OUT/xfs-gc-fidelity/ keeps the comparison
# (gc.cmp), both outcomes and the scripts.
#
# Sourced at the end of run.sh in the guest (after guest/lib.sh and
# xfs-fidelity.sh); also runnable by itself (the guest needs about 4 GiB:
# the null_blk device is memory-backed):
#   tests/vm/run-guest.sh --mem 4096 --out DIR -- tests/vm/xfs-gc-fidelity.sh
#
# The device: 2 GiB of 64 MiB zones, 8 conventional (mkfs.xfs puts the data
# section and log there), 24 sequential (realtime groups; XFS opens 6).

XG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
XG_HELPER=$XG_DIR/guest/xfs-zoned-script.py
XG_NULLB=(size=2048 zone_size=64 zone_nr_conv=8)
# files of 60 MiB, written in groups of XG_GROUP with a sync after each group
XG_FILL=${ZWSIM_VM_GC_FILL:-16} XG_MORE=${ZWSIM_VM_GC_MORE:-10} XG_GROUP=3

# xg_script: the fill (XG_FILL files), every other file deleted, XG_MORE more
xg_group() { # PREFIX FIRST COUNT
	local i
	for ((i = $2; i < $2 + $3; i++)); do printf 'write %s%02d 0 60M\n' "$1" "$i"; done
	echo sync
}
xg_fill() {
	local i
	for ((i = 0; i < XG_FILL; i += XG_GROUP)); do xg_group f $i $((XG_FILL - i < XG_GROUP ? XG_FILL - i : XG_GROUP)); done
}
xg_script() {
	local i
	xg_fill
	for ((i = 1; i < XG_FILL; i += 2)); do printf 'unlink f%02d\n' "$i"; done
	for ((i = 0; i < XG_MORE; i += XG_GROUP)); do xg_group g $i $((XG_MORE - i < XG_GROUP ? XG_MORE - i : XG_GROUP)); done
}

xg_compare() {
	/usr/bin/python3 "$XG_HELPER" run-gc gc "$XG_DEV" "$ZWSIM" "$XG_EMU" - "$XG_OUT/gc.fs" \
		"$(xg_fill | wc -l)" "$XG_OUT" "$XG_OUT/tally" >"$XG_OUT/gc.cmp" 2>&1
	local rc=$?
	grep -E '^(#|agreement|alike|GC bytes|zone |harness|Traceback|RuntimeError)' "$XG_OUT/gc.cmp"
	[ $rc -eq 0 ] || echo "harness: the scenario did not run (status $rc)"
	return $rc
}

# xg_self: the kernel a second time on a device made anew (gc.real2.json),
# against the first run and the model (gc.self.cmp): as alike as the
# kernel is to itself, as it is and up to a renaming of zones; fails if the
# kernel agrees with itself up to a renaming and the model does not
xg_self() {
	local dev rc
	nullb_remove "$XG_DEV" || return
	dev=$(nullb_create xfsgc "${XG_NULLB[@]}") || return
	XG_DEV=$dev
	/usr/bin/python3 "$XG_HELPER" real-gc "$XG_DEV" - "$XG_OUT/gc.fs" "$(xg_fill | wc -l)" \
		>"$XG_OUT/gc.real2.json" 2>"$XG_OUT/gc.real2.err" || { cat "$XG_OUT/gc.real2.err"; return 1; }
	/usr/bin/python3 "$XG_HELPER" self-gc "$XG_OUT/gc.real.json" "$XG_OUT/gc.real2.json" \
		"$XG_OUT/gc.model.json" >"$XG_OUT/gc.self.cmp" 2>&1
	rc=$?
	grep -E '^(agreement|alike|GC bytes|harness|Traceback)' "$XG_OUT/gc.self.cmp"
	return $rc
}

# the memory-backed null_blk holds up to 1.5 GiB of data: the guest needs room for it
xg_enough_memory() {
	local kib
	kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
	[ "${kib:-0}" -ge $((3500 * 1024)) ] && return 0
	echo "the guest has $((${kib:-0} / 1024)) MiB: boot it with --mem 4096 (run.sh: ZWSIM_VM_MEM)"
	return 1
}

device_xfs_gc_fidelity() {
	local label="xfs-zoned fidelity through GC" dev t0
	XG_OUT=$ZWSIM_VM_OUT/xfs-gc-fidelity
	mkdir -p "$XG_OUT"
	: >"$XG_OUT/tally"
	xg_script >"$XG_OUT/gc.fs"
	guest_check "$label: the guest has memory for a 2 GiB null_blk" xg_enough_memory || return
	guest_make dev "$label: null_blk made (2 GiB, 64 MiB zones, 8 conventional)" \
		nullb_create xfsgc "${XG_NULLB[@]}" || return
	XG_DEV=$dev XG_EMU=""
	guest_make XG_EMU "$label: the model's twin" "$ZWSIM" zone twin --dev "zbd:$dev"
	t0=$(date +%s)
	[ -n "$XG_EMU" ] && guest_check "$label: fill, delete half, rewrite, GC settled" xg_compare &&
		guest_check "$label: the kernel a second time, the model as alike up to a renaming of zones" xg_self
	echo "xfs-gc-fidelity: $(($(date +%s) - t0)) s" | tee "$XG_OUT/seconds"
	guest_check "$label: removed" nullb_remove "$dev"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# shellcheck source=guest/lib.sh
	. "${ZWSIM_VM_LIB:-$XG_DIR/guest/lib.sh}"
	device_xfs_gc_fidelity
	guest_summary
	exit
fi
