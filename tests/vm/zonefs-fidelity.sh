# zonefs fidelity: the same small scenarios on the kernel's zonefs (on a
# null_blk device) and on zwsim's zonefs model (on the device's twin, `zwsim
# zone twin`), compared line by line: every call's result, then every file's
# size, mode and zone, the /sys/fs/zonefs counters, read-only or not, and
# every sequential zone's condition and write pointer.  docs/fidelity.md
# lists the scenarios and what they found.
#
# Sourced by run.sh in the guest (after guest/lib.sh), which then calls
# device_zonefs_fidelity; and by ublk.sh, which runs the same scenarios on
# zwsim's model served through ublk (zf_fidelity with ublk-batch).  The
# scripts, and both sides' transcripts, stay in $ZWSIM_VM_OUT/zonefs-fidelity
# (build/vm/zonefs-fidelity on the host).  One scenario by hand, in the guest:
#   tests/vm/guest/zonefs-script.py real /dev/DEV 'errors=repair' SCRIPT
#
# The device: 256 MiB, 8 MiB zones of 6 MiB capacity, 2 conventional zones
# (zone 0: super block; zone 1: cnv/0), 30 sequential (seq/N = zone N+2, at
# sector (N+2)*16384), open limit 2, active limit 3, badblocks cleared at
# their first hit (so 'inject err=SECTOR:NR:once' is null_blk's badblocks).

ZF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ZF_HELPER=$ZF_DIR/guest/zonefs-script.py
ZF_NULLB=(size=256 zone_size=8 zone_capacity=6 zone_nr_conv=2 zone_max_open=2 zone_max_active=3
	badblocks_once=1)

# zf_scenario NAME MOUNT_OPTS < SCRIPT: adds a scenario (its script, a line of
# the manifest, its check: ZF_XFAIL="why" marks a known difference)
ZF_NAMES=() ZF_LABELS=() ZF_XFAILS=()
zf_scenario() {
	local name=$1${2:+.${2//[,=]/-}}
	cat >"$ZF_OUT/$name.fs"
	echo "$name ${2:--} $ZF_OUT/$name.fs" >>"$ZF_OUT/manifest"
	ZF_NAMES+=("$name")
	ZF_LABELS+=("$1${2:+ ($2)}")
	ZF_XFAILS+=("${ZF_XFAIL:-}")
}

# zf_same KERNEL MODEL: the two transcripts, and their diff (a check's log);
# bash builtins unless they differ (a process costs ~0.2 s under TCG)
zf_same() {
	local -a a b
	local IFS=$'\n'
	mapfile -t a <"$1" && mapfile -t b <"$2" || return 1
	echo "# kernel ($1):"
	printf '%s\n' "${a[@]}"
	echo "# model ($2):"
	printf '%s\n' "${b[@]}"
	if [ "${a[*]}" = "${b[*]}" ]; then
		echo "# same"
		return 0
	fi
	diff -u "$1" "$2"
	return 1
}

device_zonefs_fidelity() {
	local label="zonefs fidelity" dev out=$ZWSIM_VM_OUT/zonefs-fidelity
	rm -rf "$out"
	mkdir -p "$out"
	guest_make dev "$label: null_blk made (8 MiB zones, capacity 6, 2 conventional, open 2, active 3)" \
		nullb_create zfid "${ZF_NULLB[@]}" || return
	guest_make ZF_EMU "$label: the model's twin of the device" "$ZWSIM" zone twin --dev "zbd:$dev"
	guest_check "$label: device removed" nullb_remove zfid
	[ -n "$ZF_EMU" ] || return
	zf_fidelity "$label" "$out" "$ZF_EMU" real-batch "${ZF_NULLB[@]}"
	zf_on_device
}

# zf_fidelity LABEL OUT TWIN KERNEL_SIDE...: every scenario (zf_scenarios)
# into OUT, run on the kernel's zonefs by one zonefs-script.py KERNEL_SIDE
# (real-batch NULLB_ATTR...: a fresh null_blk device for each; ublk-batch
# DEV: the model zwsim ublk serves as DEV made fresh for each) and on the
# model on TWIN, then one check per scenario: the two transcripts the same.
# With ZF_MODEL_FROM=DIR (an earlier zf_fidelity's OUT) whose twin and
# scripts are TWIN and these, the model's transcripts are DIR's (the model
# is deterministic: the same spec and script give the same transcript).
zf_fidelity() {
	local label=$1 i from=${ZF_MODEL_FROM:-}
	ZF_OUT=$2 ZF_EMU=$3
	shift 3
	ZF_NAMES=() ZF_LABELS=() ZF_XFAILS=()
	mkdir -p "$ZF_OUT"
	: >"$ZF_OUT/manifest"
	echo "$ZF_EMU" >"$ZF_OUT/twin"
	zf_scenarios
	# Both sides in one Python process each (starting Python under TCG
	# takes seconds), then one comparison per scenario.
	guest_check "$label: the scenarios ran on the kernel's zonefs" \
		/usr/bin/python3 "$ZF_HELPER" "$1" "$ZF_OUT/manifest" "$ZF_OUT/kernel" "${@:2}"
	if [ -n "$from" ] && [ "$(cat "$from/twin" 2>/dev/null)" = "$ZF_EMU" ] &&
		[ "$(cat "$from"/*.fs | md5sum)" = "$(cat "$ZF_OUT"/*.fs | md5sum)" ]; then
		guest_check "$label: the model's transcripts: the same spec and scripts as ${from#"$ZWSIM_VM_OUT"/}'s" \
			cp -r "$from/model" "$ZF_OUT/model"
	else
		guest_check "$label: the scenarios ran on the model" \
			/usr/bin/python3 "$ZF_HELPER" model-batch "$ZF_OUT/manifest" "$ZF_OUT/model" "$ZWSIM" "$ZF_EMU"
	fi
	for i in "${!ZF_NAMES[@]}"; do
		GUEST_XFAIL=${ZF_XFAILS[$i]} guest_check "$label: ${ZF_LABELS[$i]}" \
			zf_same "$ZF_OUT/kernel/${ZF_NAMES[$i]}.txt" "$ZF_OUT/model/${ZF_NAMES[$i]}.txt"
	done
}

# The scenarios: scripts, manifest lines and labels (zf_scenario)
zf_scenarios() {
	local mode
	# Naming and sizes: cnv/0 is zone 1 (zone 0 holds the super block),
	# seq/N zone N+2; conventional size = capacity, sequential = wp.
	zf_scenario layout "" </dev/null

	zf_scenario seq-write-rules "" <<-'EOF'
		dwrite seq/0 0 8k
		append seq/0 4k
		dwrite seq/0 4k 4k       # not at the write pointer
		dwrite seq/0 12k 100     # not block aligned
		write seq/0 12k 4k       # buffered
		append seq/1 8k 4k
		dwrite seq/0 6M 4k       # at the capacity
		dwrite seq/1 8k 8M       # across the capacity: short
		append seq/1 4k          # full
		read seq/0 0 12k
		read seq/0 100 1000
		read seq/0 8k 8k
		read seq/1 6M 4k
	EOF

	zf_scenario cnv-write-rules "" <<-'EOF'
		write cnv/0 0 8k
		write cnv/0 100 50
		dwrite cnv/0 64k 4k
		dwrite cnv/0 1000 4k
		append cnv/0 4k
		dwrite cnv/0 8M 4k
		write cnv/0 8380416 16k
		fsync cnv/0
		read cnv/0 0 16k
		read cnv/0 8M 4k
		sync
	EOF

	zf_scenario truncate-unlink-lookup "" <<-'EOF'
		dwrite seq/0 0 16k
		truncate seq/0 8k
		truncate seq/0 16k
		truncate seq/0 6M
		dwrite seq/0 6M 4k
		truncate seq/0 0
		dwrite seq/0 0 4k
		truncate seq/1 0
		truncate seq/2 6M
		truncate seq/3 7M
		truncate seq/3 12M
		truncate cnv/0 0
		truncate cnv/0 8M
		unlink seq/0
		unlink cnv/0
		open seq/30
		open seq/01
		truncate seq/30 0
	EOF

	zf_scenario explicit-open-while-open explicit-open <<-'EOF'
		open seq/0
		open seq/1
		open seq/2
		dwrite seq/0 0 4k
		append seq/2 4k
		open cnv/0
		open seq/1
	EOF

	zf_scenario explicit-open-after-close explicit-open <<-'EOF'
		open seq/0
		open seq/1
		dwrite seq/0 0 4k
		close seq/0
		close seq/1
		open seq/2
		dwrite seq/2 0 6M
		close seq/2
		open seq/3
		open seq/4
		open seq/5
		close seq/3
		close seq/3
	EOF

	zf_scenario explicit-open-active-limit explicit-open <<-'EOF'
		dwrite seq/0 0 4k
		dwrite seq/1 0 4k
		dwrite seq/2 0 4k
		open seq/3
		truncate seq/2 6M
		open seq/3
	EOF

	zf_scenario write-opens-counted-not-refused "" <<-'EOF'
		open seq/0
		open seq/1
		open seq/2
		open cnv/0
		close seq/3
	EOF

	zf_scenario implicit-open-active-limit "" <<-'EOF'
		dwrite seq/0 0 4k
		dwrite seq/1 0 4k
		dwrite seq/2 0 4k
		dwrite seq/3 0 4k
		dwrite seq/0 4k 4k
	EOF

	# after an error under errors=remount-ro, everything that writes is -EROFS
	zf_scenario read-only-refusals "" <<-'EOF'
		inject err=32768:8:once
		dwrite seq/0 0 4k
		open seq/1
		open cnv/0
		truncate seq/1 0
		unlink seq/1
		write cnv/0 0 4k
		read cnv/0 0 4k
		fsync cnv/0
	EOF

	# a read error on a healthy zone (seq/0's second block is bad once)
	zf_scenario read-error "" <<-'EOF'
		dwrite seq/0 0 8k
		inject err=32776:8:once
		read seq/0 4k 4k
		read seq/0 4k 4k
		dwrite seq/0 8k 4k
	EOF

	# the same on a conventional file, whose reads go through the page cache
	# of sim/iomap_buffered.c (a failed read is tried once more, as filemap_read() does)
	zf_scenario cnv-read-error "" <<-'EOF'
		dwrite cnv/0 0 8k
		inject err=16392:8:once
		read cnv/0 4k 4k
		read cnv/0 4k 4k
	EOF

	for mode in remount-ro zone-ro zone-offline repair; do
		# a failed write (seq/0's third block is bad once)
		zf_scenario write-error "errors=$mode" <<-'EOF'
			dwrite seq/0 0 8k
			inject err=32784:8:once
			dwrite seq/0 8k 4k
			dwrite seq/0 8k 4k
			dwrite seq/1 0 4k
			read seq/0 0 8k
		EOF
		# a write failing after part of it reached the device
		zf_scenario partial-write-error "errors=$mode" <<-'EOF'
			dwrite seq/0 0 8k
			inject err=33184:8:once
			dwrite seq/0 8k 256k
			dwrite seq/0 8k 4k
			append seq/0 4k
			read seq/0 0 8k
		EOF
		zf_scenario zone-read-only "errors=$mode" <<-'EOF'
			dwrite seq/0 0 8k
			inject ro=2
			dwrite seq/0 8k 4k
			dwrite seq/0 8k 4k
			dwrite seq/1 0 4k
			read seq/0 0 8k
			truncate seq/0 0
			open seq/0
		EOF
		zf_scenario zone-offline-write "errors=$mode" <<-'EOF'
			dwrite seq/0 0 8k
			inject offline=2
			dwrite seq/0 8k 4k
			read seq/0 0 8k
			dwrite seq/1 0 4k
			fsync seq/0
		EOF
		zf_scenario zone-offline-read "errors=$mode" <<-'EOF'
			dwrite seq/0 0 8k
			inject offline=2
			read seq/0 0 4k
			read seq/0 0 4k
			dwrite seq/1 0 4k
		EOF
		# a conventional file's writeback fails (cnv/0's first block is bad once)
		zf_scenario cnv-fsync-error "errors=$mode" <<-'EOF'
			write cnv/0 0 8k
			inject err=16384:8:once
			fsync cnv/0
			write cnv/0 0 4k
			read cnv/0 0 4k
			dwrite seq/0 0 4k
		EOF
	done

	zf_scenario explicit-open-zone-offline "errors=zone-ro,explicit-open" <<-'EOF'
		open seq/0
		dwrite seq/0 0 8k
		inject offline=2
		dwrite seq/0 8k 4k
		close seq/0
		open seq/1
		open seq/2
		open seq/3
	EOF

}

# The model itself on a real device of the same geometry (zwsim fs --force
# --dev zbd:DEV): the same files, sizes and zones as on the twin, every
# byte verified from the device, and a refusal without --force.
zf_on_device() {
	local label="zonefs model on the real device" dev dir=$ZF_OUT/on-device
	mkdir -p "$dir"
	cat >"$dir/script.fs" <<-'EOF'
		write cnv/0 0 100k
		write cnv/0 4000 200
		dwrite seq/0 0 1M
		append seq/0 64k
		append seq/1 4k
		truncate seq/1 0
		append seq/1 128k
		truncate seq/2 6M
		fsync cnv/0
		sync
	EOF
	guest_make dev "$label: null_blk made" nullb_create zfdev "${ZF_NULLB[@]}" || return
	guest_check "$label: as on its twin, every byte verified" \
		model_on_device zonefs "$dev" "$ZF_EMU" "$dir/script.fs" "$dir/script"
	guest_check "$label: device removed" nullb_remove zfdev
}
