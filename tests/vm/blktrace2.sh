# blktrace version 8 (struct blk_io_trace2) from the real kernel: the same
# small workload on a zoned null_blk captured twice, with Debian's blktrace
# (BLKTRACESETUP: version 7) and with guest/blktrace2.py (BLKTRACESETUP2:
# version 8), both read by zwsim (tools/trace/fmt_blktrace.c, docs/trace.md).
#
# Sourced by run.sh in the guest (after guest/lib.sh); device_blktrace2 runs
# the checks, about 30 s under TCG.  The captures stay in
# $ZWSIM_VM_OUT/blktrace2 (build/vm/blktrace2 on the host).
#
# Checks:
#   - the kernel writes version 8 records after BLKTRACESETUP2;
#   - for each of Q, D and C, zwsim reads the same requests from both;
#   - the version 8 capture's zone operations are counted by kind: one
#     reset, finish, open and close of the workload's each;
#   - the version 7 capture has the writes' Q events only: the kernel drops
#     zone operations from a version 7 trace;
#   - zone appends (zoned XFS's writeback): counted once each, for Q and for
#     C, though the kernel traces each completion twice.

BT2_NULLB=(size=64 zone_size=8 zone_nr_conv=0 zone_max_open=4 zone_max_active=6)

# bt2_workload DEV: four 4 KiB direct writes at the start of zone 0, a finish
# of zone 1, an open and a close of zone 2, a reset of zone 0 (8 MiB zones)
bt2_workload() {
	local dev=$1
	dd if=/dev/zero of="$dev" bs=4k count=4 oflag=direct status=none &&
		blkzone finish -o 16384 -c 1 "$dev" &&
		blkzone open -o 32768 -c 1 "$dev" &&
		blkzone close -o 32768 -c 1 "$dev" &&
		blkzone reset -o 0 -c 1 "$dev"
}

# bt2_capture DEV DIR: the workload under blktrace (v7, DIR/v7.blktrace.N) and
# under blktrace2.py (v8, DIR/v8.blktrace.N)
bt2_capture() {
	local dev=$1 dir=$2 bt tmp=/run/zwsim-bt2
	mkdir -p "$dir" && rm -f "$dir"/v7.blktrace.* "$dir"/v8.blktrace.*
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug || return 1
	mkdir -p "$tmp" && { mountpoint -q "$tmp" || mount -t tmpfs none "$tmp"; } || return 1
	rm -f "$tmp"/v7.blktrace.*
	blktrace -d "$dev" -D "$tmp" -o v7 >"$dir/blktrace.log" 2>&1 &
	bt=$!
	wait_for 20 test -e "$tmp/v7.blktrace.0" || { kill "$bt"; vm_err "blktrace did not start"; return 1; }
	bt2_workload "$dev" || { kill -INT "$bt"; wait "$bt"; return 1; }
	sync
	kill -INT "$bt"
	wait "$bt" || true
	cp "$tmp"/v7.blktrace.* "$dir"/ || return 1
	blkzone reset "$dev" || return 1
	/usr/bin/python3 "$ZWSIM_VM_REPO/tests/vm/guest/blktrace2.py" "$dev" "$dir" v8 -- \
		bash -c "source '$ZWSIM_VM_REPO/tests/vm/blktrace2.sh' && bt2_workload '$dev'" ||
		return 1
	ls -l "$dir"
	# the first record of each CPU's file (an idle CPU's is empty): magic 0x65617408
	/usr/bin/python3 - "$dir"/v8.blktrace.* <<'PY' || { vm_err "the kernel wrote no version 8 record"; return 1; }
import struct, sys
seen = 0
for p in sys.argv[1:]:
    b = open(p, "rb").read(4)
    if b:
        magic = struct.unpack("<I", b)[0]
        print(p, hex(magic))
        seen += 1
        if magic != 0x65617408:
            sys.exit(1)
sys.exit(0 if seen else 1)
PY
}

# bt2_v7_drops DIR: in the version 7 capture the kernel kept the four writes'
# Q events and dropped the zone operations' (__blk_add_trace(): categories
# beyond BLK_TC_END_V1 are not sent to a version 1 trace); the version 8
# capture has all eight
bt2_v7_drops() {
	local dir=$1 q7 q8
	q7=$(blkparse -D "$dir" -i v7 2>/dev/null | awk '$6 == "Q"' | wc -l)
	q8=$(/usr/bin/python3 - "$dir"/v8.blktrace.* <<'PY'
import struct, sys
n = 0
for p in sys.argv[1:]:
    d, o = open(p, "rb").read(), 0
    while o + 64 <= len(d):
        action, pdu_len = struct.unpack_from("<Q", d, o + 32)[0], struct.unpack_from("<H", d, o + 50)[0]
        n += (action & 0xffff) == 1 and not (action >> 16) & 0x400
        o += 64 + pdu_len
print(n)
PY
)
	echo "Q events: version 7 $q7, version 8 $q8"
	[ "$q7" -eq 4 ] && [ "$q8" -eq 8 ]
}

# bt2_same DIR ACTION: zwsim reads the same requests from both captures; the
# zone operations of the version 8 one counted
bt2_same() {
	local dir=$1 a=$2
	"$ZWSIM" trace dump --action "$a" "$dir/v7" >"$dir/dump.v7.$a" 2>"$dir/dump.v7.$a.err" || return 1
	"$ZWSIM" trace dump --action "$a" "$dir/v8" >"$dir/dump.v8.$a" 2>"$dir/dump.v8.$a.err" || return 1
	cat "$dir/dump.v8.$a" "$dir/dump.v7.$a.err" "$dir/dump.v8.$a.err"
	[ "$(wc -l <"$dir/dump.v8.$a")" -eq 4 ] || { echo "not the workload's 4 writes"; return 1; }
	diff <(cut -d' ' -f2- "$dir/dump.v7.$a") <(cut -d' ' -f2- "$dir/dump.v8.$a") || return 1
	grep -q "1 zone-reset, 1 zone-finish, 1 zone-open, 1 zone-close" "$dir/dump.v8.$a.err"
}

# bt2_append DEV DIR: zone appends in version 8.  Zoned XFS writes file data
# with REQ_OP_ZONE_APPEND (zonefs on 7.2 writes at the write pointer
# instead); a 256 KiB file written back under the trace (DIR/za.blktrace.N).
# zwsim counts as many zone appends for C as for Q: each append's completion
# is traced twice, its C event and BLK_TA_ZONE_APPEND (the COMPLETE event
# without the COMPLETE category, blk_add_trace_zone_update_request()), and
# the second is not counted again
bt2_append() {
	local dev=$1 dir=$2 mnt=/run/zwsim-bt2-xfs a q c
	mkfs.xfs -q -f "$dev" || return 1
	mkdir -p $mnt && mount "$dev" $mnt || return 1
	/usr/bin/python3 "$ZWSIM_VM_REPO/tests/vm/guest/blktrace2.py" "$dev" "$dir" za -- \
		bash -c "dd if=/dev/urandom of=$mnt/f bs=64k count=4 status=none && sync"
	a=$?
	umount $mnt
	[ "$a" -eq 0 ] || return 1
	for a in Q C; do
		"$ZWSIM" trace dump --action "$a" "$dir/za" >"$dir/dump.za.$a" 2>"$dir/dump.za.$a.err" || return 1
		cat "$dir/dump.za.$a.err"
	done
	q=$(grep -o '[0-9]* zone-append ([0-9]* bytes)' "$dir/dump.za.Q.err")
	c=$(grep -o '[0-9]* zone-append ([0-9]* bytes)' "$dir/dump.za.C.err")
	echo "Q: $q; C: $c"
	[ -n "$q" ] && [ "$q" = "$c" ] || return 1
	/usr/bin/python3 - "${q%% *}" "$dir"/za.blktrace.* <<'PY'
import struct, sys
n, za, done = int(sys.argv[1]), 0, 0
for p in sys.argv[2:]:
    d, o = open(p, "rb").read(), 0
    while o + 64 <= len(d):
        action, pdu_len = struct.unpack_from("<Q", d, o + 32)[0], struct.unpack_from("<H", d, o + 50)[0]
        if (action & 0xffff) & ~0x100 == 8 and action & (1 << 32):     # C with BLK_TC_ZONE_APPEND
            za += 1
            done += not action & (1 << 23)                              # without BLK_TC_COMPLETE
        o += 64 + pdu_len
print("zone appends counted:", n, "completion records with the ZONE_APPEND category:", za,
      "of them BLK_TA_ZONE_APPEND:", done)
sys.exit(0 if za == 2 * n and done == n else 1)
PY
}

device_blktrace2() {
	local label="blktrace v8" dev dir=$ZWSIM_VM_OUT/blktrace2 a
	guest_make dev "$label: null_blk (64 MiB, 8 MiB zones)" nullb_create nullbbt2 "${BT2_NULLB[@]}" || return
	guest_check "$label: the same workload under blktrace (v7) and BLKTRACESETUP2 (v8) on $dev" \
		bt2_capture "$dev" "$dir"
	for a in Q D C; do
		guest_check "$label: zwsim reads the same $a requests from both, the v8 zone operations counted" \
			bt2_same "$dir" "$a"
	done
	guest_check "$label: the kernel drops zone operations from a version 7 trace, not from version 8" \
		bt2_v7_drops "$dir"
	guest_check "$label: removed" nullb_remove "$dev"
	guest_make dev "$label: null_blk for zoned XFS (360 MiB, 4 MiB zones, 80 conventional)" \
		nullb_create nullbbt2x size=360 zone_size=4 zone_nr_conv=80 || return
	guest_check "$label: zoned XFS's zone appends counted once each, for Q and for C" bt2_append "$dev" "$dir"
	guest_check "$label: removed" nullb_remove "$dev"
}
