# Trace readers against the kernel's own tools: a blktrace capture of a fio
# job on a real zoned null_blk device, and that job's fio write_iolog, read
# by zwsim (tools/trace/) and by blkparse and fio themselves.
#
# Sourced by run.sh in the guest (after guest/lib.sh); device_traces runs
# the checks.  The captures stay in $ZWSIM_VM_OUT/traces (build/vm/traces on
# the host); samples/vm/ in the repository holds one such capture, copied
# from there by samples/vm/update.sh (docs/trace.md).  One capture by hand,
# in the guest:  traces_capture /dev/nullbN DIR
#
# Checks:
#   - blkparse of the binary capture (per-CPU files merged by blkparse
#     itself) describes the same requests as `zwsim trace dump` of the
#     binary files, for each of --action Q, D and C;
#   - fio's own counts (its JSON report: reads and writes it issued) equal
#     the reads and writes zwsim reads from fio's write_iolog, and the Q
#     writes of the blktrace capture.

TR_NULLB=(size=128 zone_size=8 zone_nr_conv=1 zone_max_open=4 zone_max_active=6)

# traces_capture DEV DIR: blktrace of DEV around a fio job on DEV (zonemode=zbd,
# sequential 4 KiB writes with a fifth of reads); leaves in DIR the per-CPU
# files cap.blktrace.N, blkparse's text of them (cap.blkparse.txt), fio.iolog
# (write_iolog) and fio.json (fio's report)
traces_capture() {
	local dev=$1 dir=$2 bt rc=0 tmp=/run/zwsim-traces
	mkdir -p "$dir" && rm -f "$dir"/cap.blktrace.* "$dir/fio.iolog"
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug || return 1
	# blktrace maps its output files: not on the 9p shared folder, on a tmpfs
	mkdir -p "$tmp" && { mountpoint -q "$tmp" || mount -t tmpfs none "$tmp"; } || return 1
	rm -f "$tmp"/cap.blktrace.*
	blktrace -d "$dev" -D "$tmp" -o cap >"$dir/blktrace.log" 2>&1 &
	bt=$!
	# blktrace is ready once its per-CPU files exist
	wait_for 20 test -e "$tmp/cap.blktrace.0" || { kill "$bt"; vm_err "blktrace did not start"; return 1; }
	fio --name=cap --filename="$dev" --zonemode=zbd --direct=1 --ioengine=psync --rw=rw --rwmixread=20 \
		--bs=4k --offset=8M --size=16M --io_size=1M --randrepeat=1 --write_iolog="$dir/fio.iolog" \
		--output-format=json --output="$dir/fio.json" || rc=$?
	sync
	kill -INT "$bt"
	wait "$bt" || true
	cp "$tmp"/cap.blktrace.* "$dir"/ || return 1
	cat "$dir/blktrace.log"
	blkparse -D "$dir" -i cap -o "$dir/cap.blkparse.txt" >/dev/null || return 1
	[ "$rc" -eq 0 ] || { vm_err "fio failed ($rc)"; return "$rc"; }
	ls -l "$dir"
}

# tr_same_requests DIR ACTION: blkparse's reading of the capture against zwsim's
tr_same_requests() {
	local dir=$1 a=$2
	"$ZWSIM" trace dump --action "$a" "$dir/cap.blkparse.txt" >"$dir/dump.text.$a" || return 1
	"$ZWSIM" trace dump --action "$a" "$dir/cap" >"$dir/dump.bin.$a" || return 1
	echo "$(wc -l <"$dir/dump.bin.$a") requests"
	[ -s "$dir/dump.bin.$a" ] || { echo "no $a requests"; return 1; }
	diff "$dir/dump.text.$a" "$dir/dump.bin.$a"
}

# tr_fio_counts DIR: fio's own counts against what zwsim reads
tr_fio_counts() {
	local dir=$1
	python3 - "$dir" "$ZWSIM" <<'PY'
import json, subprocess, sys
d, zwsim = sys.argv[1], sys.argv[2]
with open(d + "/fio.json") as f:
    text = f.read()
job = json.loads(text[text.index("{"):])["jobs"][0]
fio = {"read": job["read"]["total_ios"], "write": job["write"]["total_ios"]}
def count(*args):
    out = subprocess.run([zwsim, "trace", "dump", *args], check=True, capture_output=True, text=True).stdout
    c = {}
    for line in out.splitlines():
        op = line.split()[1].split(",")[0]
        c[op] = c.get(op, 0) + 1
    return c
log = count(d + "/fio.iolog")
q = count(d + "/cap")
print("fio:", fio, "zwsim of fio's iolog:", log, "zwsim of the blktrace Q events:", q)
ok = log.get("read", 0) == fio["read"] and log.get("write", 0) == fio["write"] and fio["write"] > 0
ok = ok and q.get("write", 0) == fio["write"]
sys.exit(0 if ok else 1)
PY
}

device_traces() {
	local label="traces" dev dir=$ZWSIM_VM_OUT/traces a
	guest_make dev "$label: null_blk for a capture (128 MiB, 8 MiB zones)" nullb_create nullbtr "${TR_NULLB[@]}" || return
	guest_check "$label: blktrace of a fio job (write_iolog) on $dev" traces_capture "$dev" "$dir"
	for a in Q D C; do
		guest_check "$label: blkparse and zwsim trace dump read the capture's $a events alike" \
			tr_same_requests "$dir" "$a"
	done
	guest_check "$label: fio's own I/O counts = zwsim's reading of its iolog and of the Q events" \
		tr_fio_counts "$dir"
	guest_check "$label: removed" nullb_remove "$dev"
}
