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

# conf_compare_jobs RESULTS (host): for each conformance script the guest
# ran on a real device ($RESULTS/conformance/jobs, written by conf_check),
# the same script on the device's twin, the two outputs compared line for
# line: a check result ($RESULTS/results, as the guest's), a line of
# $RESULTS/conformance/tally (device, script, lines compared, lines
# identical, pass|fail|xfail) and the diff in the check's log.  A known
# device deviation (CONF_XFAIL) is xfail when it differs, fail (XPASS) when not.
# On a setup whose completions race the submitter (CONF_RACES: the job's
# xfail field starts "races:"), the twin's side is the admissible completion
# order whose output is the real one, if there is one (conf-races.py); where
# the kernel is known to take an order the model does not have
# (CONF_RACES_XFAIL: "races-xfail:"), a script no order matches is xfail.
conf_compare_jobs() {
	local R=$1 label name script twin opts log rca xfail a b i same nmax result rc ret=0
	local -a la lb
	[ -e "$R/conformance/jobs" ] || return 0
	while IFS=$'\t' read -r label name script twin opts log rca xfail; do
		rc=$rca a=$log.a b=$log.b
		# shellcheck disable=SC2086 # the options are words
		if [[ $xfail = races:* || $xfail = races-xfail:* ]]; then
			# shellcheck disable=SC2086 # the options are words
			/usr/bin/python3 "$VM_DIR/conf-races.py" "$REPO/zwsim" "$a" "$b" "$script" -- \
				--verify $opts --dev "$twin" >>"$log" 2>&1
			case $? in 0 | 1) ;; *) echo "# B failed" >>"$log"; rc=1 rca=1 ;; esac
			[[ $xfail = races:* ]] && xfail=""
		else
			# shellcheck disable=SC2086 # the options are words
			"$REPO/zwsim" zone run --verify $opts --dev "$twin" "$script" >"$b" 2>>"$log" ||
				{ echo "# B failed with status $?" >>"$log"; rc=1; }
		fi
		mapfile -t la <"$a"
		mapfile -t lb <"$b"
		nmax=${#la[@]}
		[ ${#lb[@]} -gt "$nmax" ] && nmax=${#lb[@]}
		same=0
		for ((i = 0; i < nmax; i++)); do
			[ $i -lt ${#la[@]} ] && [ $i -lt ${#lb[@]} ] && [ "${la[i]}" = "${lb[i]}" ] && same=$((same + 1))
		done
		if [ "$same" -eq "$nmax" ] && [ "$nmax" -gt 0 ]; then
			echo "# same output ($nmax lines)" >>"$log"
		else
			rc=1
			diff -u "$a" "$b" >>"$log"
		fi
		if [[ $xfail = races-xfail:* ]]; then
			# a side that failed to run is a failure, not a known race
			result=pass
			[ "$rc" -ne 0 ] && result=xfail
			[ "$rca" -ne 0 ] && result=fail
		elif [ -n "$xfail" ]; then
			result=xfail
			[ "$rc" -eq 0 ] && result=fail
		else
			result=pass
			[ "$rc" -ne 0 ] && result=fail
		fi
		printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$name" "$nmax" "$same" "$result" >>"$R/conformance/tally"
		echo "$result $label: conformance $name" >>"$R/results"
		case $result in
		pass) echo "ok   $label: conformance $name" ;;
		xfail) echo "XFAIL $label: conformance $name (known: $xfail; log ${log#"$R"/})" ;;
		*) echo "FAIL $label: conformance $name (log ${log#"$R"/})"; ret=1
		   [ -n "$xfail" ] && echo "     | XPASS: passes now, remove its CONF_XFAIL ($xfail)"
		   grep -E '^[-+][^-+]' "$log" | head -n 10 | sed 's/^/     | /' ;;
		esac
	done <"$R/conformance/jobs"
	return $ret
}

# ============================== host side ==================================
if [ "${1:-}" != --in-guest ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
	[ -x "$REPO/zwsim" ] || vm_die "no $REPO/zwsim: build it first (make zwsim)"
	RESULTS=${ZWSIM_VM_RESULTS:-$REPO/build/vm}
	rm -rf "$RESULTS"
	mkdir -p "$RESULTS"
	t0=$(date +%s)
	rc=0
	# the random conformance scripts' seeds: ZWSIM_VM_CONF_SEEDS="1 2 3" or
	# "random" (20 new ones, printed here so that a run can be repeated)
	if [ "${ZWSIM_VM_CONF_SEEDS:-}" = random ]; then
		ZWSIM_VM_CONF_SEEDS=$(for i in $(seq 20); do echo $((RANDOM * 32768 + RANDOM)); done | tr '\n' ' ')
		vm_log "conformance seeds: ZWSIM_VM_CONF_SEEDS=\"$ZWSIM_VM_CONF_SEEDS\""
	fi
	export ZWSIM_VM_CONF_SEEDS
	guest_run() {
		"$VM_DIR/run-guest.sh" --out "$RESULTS" --timeout "${ZWSIM_VM_TIMEOUT:-4000}" --mem "${ZWSIM_VM_MEM:-4096}" \
			--env ZWSIM_VM_CONF_SEEDS --env ZWSIM_VM_CONF_OPS --env ZWSIM_VM_CONF_ONLY \
			--zns size=1G,zone_size=64M,zone_cap=48M,max_open=8,max_active=10 \
			--nvme size=512M \
			-- "$VM_DIR/run.sh" --in-guest
	}
	guest_run || rc=$?
	# A guest kernel that panicked stopped the run, not a check (under TCG:
	# "Oops: int3" in the scheduler, QEMU losing a race with live code
	# patching, which guest/init2 now avoids): the tier runs once more from
	# the start and says so; its console is kept.  A second panic fails it.
	if [ "$rc" = 125 ] && grep -q 'Kernel panic' "$RESULTS/.vm/console.log" 2>/dev/null; then
		crash=$(mktemp "${TMPDIR:-/tmp}/zwsim-vm-crash.XXXXXX")
		cp "$RESULTS/.vm/console.log" "$crash"
		vm_log "THE GUEST KERNEL PANICKED after $(cat "$RESULTS/results" 2>/dev/null | grep -c '^pass \|^fail ') checks:"
		grep -m 1 -A 4 -E 'Oops|BUG:|RIP:' "$crash" | tr -d '\r' | sed 's/^/    /' >&2
		vm_log "running the whole tier once more (the panicked run's console is in $RESULTS/panic-console.log)"
		rm -rf "$RESULTS" && mkdir -p "$RESULTS" && mv "$crash" "$RESULTS/panic-console.log"
		rc=0
		guest_run || rc=$?
	fi
	# the guest's NVMe probe was slow or failed (tests/vm/guest/init2)
	[ -s "$RESULTS/.vm/nvme-probe.log" ] && sed 's/^/vm: nvme probe: /' "$RESULTS/.vm/nvme-probe.log" >&2
	conf_compare_jobs "$RESULTS" || rc=$?
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

# --- conformance: the same zone scripts on a real device and on its twin ----
#
#   conformance LABEL REAL TWIN FRESH [TWIN_OPTION...]
#
# Runs every script of tests/conformance (made concrete for the geometry by
# zs-expand; one that does not apply is counted as n/a) and the random
# scripts of CONF_SEEDS (CONF_OPS operations each, zwsim zone gen on TWIN)
# on the real device REAL (a zwsim spec, written with --force) and on its
# emu: twin TWIN (with the TWIN_OPTIONs, e.g. --raw), both with --verify, and
# compares the two outputs line for line: one check per script.
# FRESH makes the real device as new before each script: "reset" runs
# `reset all` first (in the same zwsim run; its line is not compared), any
# other value is a command that makes the device again (null_blk's
# implicit-close cursor survives a reset all).
# A known device deviation is an entry of CONF_XFAIL, keyed "LABEL:SCRIPT",
# whose value says why (docs/real-devices.md).  Each script's figures go to
# $ZWSIM_VM_OUT/conformance/tally: LABEL, SCRIPT, lines compared, lines
# identical, pass|fail|xfail|n/a.  The concrete scripts are kept next to it.
# Starting a process costs about 0.2 s in the guest (TCG), so this uses
# bash builtins where it can and runs the two sides in parallel.
CONF_DIR=$ZWSIM_VM_REPO/tests/conformance
CONF_SEEDS=${ZWSIM_VM_CONF_SEEDS:-$(seq -s ' ' 1 20)}
CONF_OPS=${ZWSIM_VM_CONF_OPS:-300}
# options both sides get (the random scripts run once with a report of
# every zone after each operation, once with --no-report)
CONF_BOTH=()
CONF_OUT=$ZWSIM_VM_OUT/conformance
declare -A CONF_XFAIL=()
# Setups whose device completes in an interrupt, so that a failed write's
# completion races the submitter, keyed by LABEL (docs/fidelity.md, "Zone
# scripts"): there the twin's output is the one of the admissible completion
# orders (zwsim zone run --race; conf-races.py searches them) that gives the
# real device's output, if one does; a script passes only then.
declare -A CONF_RACES=(
	["NVMe ZNS"]="QEMU's completion interrupt against the submitter"
	["SCSI ZBC (tcmu file_zbc)"]="tcmu-runner's completion against the submitter"
)
# ... and where the kernel has been seen to take an order none of the
# model's gives: a script that no admissible order matches is XFAIL there,
# one that an order matches a pass.  None now: ZBC's seed 5 of 2026-12-07
# (a plug the kernel had dropped) is the order BLK_RACE_FINISH_AFTER_WRITE
# with 7.2's dead plugs (docs/fidelity.md, "seed 5").
declare -A CONF_RACES_XFAIL=()

# conf_check LABEL NAME SCRIPT REAL TWIN FRESH [TWIN_OPTION...]: the real
# side (A) here in the guest; the twin's side (B) and the comparison run on
# the host once the guest is done (conf_compare_jobs: the model is the same
# binary, and natively it takes a fiftieth of the time it takes under TCG,
# where it would share the guest's two CPUs with A).  One line of
# $CONF_OUT/jobs per script says what to do.
conf_check() {
	local label=$1 name=$2 script=$3 real=$4 twin=$5 fresh=$6 rc=0 log a twinopts
	local xfail=${CONF_XFAIL["$label:$name"]:-} rscript=$script
	# a setup whose completions race (CONF_RACES): the twin takes the
	# admissible order that gives the real output, if one does
	[ -z "$xfail" ] && [ -n "${CONF_RACES["$label"]:-}" ] &&
		xfail="races: ${CONF_RACES["$label"]}"
	[[ $xfail = races:* ]] && [ -n "${CONF_RACES_XFAIL["$label"]:-}" ] &&
		xfail="races-xfail: ${CONF_RACES_XFAIL["$label"]}"
	local -a la lines
	shift 6
	twinopts="${CONF_BOTH[*]} $*"
	_check_log "$label: conformance $name"
	log=$CHECK_LOG a=$CHECK_LOG.a
	if [ "$fresh" = reset ]; then
		rscript=$script.real
		mapfile -t lines <"$script"
		printf '%s\n' "reset all" "${lines[@]}" >"$rscript"
	else
		$fresh >>"$log" 2>&1 || echo "# making the device fresh failed: $fresh" >>"$log"
	fi
	{
		echo "# $label: conformance $name"
		echo "# A: $ZWSIM zone run --verify ${CONF_BOTH[*]} --force --dev $real $rscript"
		echo "# B: $ZWSIM zone run --verify $twinopts --dev $twin $script"
	} >>"$log"
	"$ZWSIM" zone run --verify "${CONF_BOTH[@]}" --force --dev "$real" "$rscript" >"$a" 2>>"$log" ||
		{ echo "# A failed with status $?" >>"$log"; rc=1; }
	if [ "$fresh" = reset ]; then
		mapfile -t la <"$a"
		[[ "${la[0]:-}" =~ ^"reset all => OK 0"( cond=- wp=-)?$ ]] || { echo "# the reset all before the script failed: ${la[0]:-}" >>"$log"; rc=1; }
		printf '%s\n' "${la[@]:1}" >"$a"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$name" "$script" "$twin" "$twinopts" \
		"$log" "$rc" "$xfail" >>"$CONF_OUT/jobs"
}

# nullb_faults NAME: make the zones of NULLB_FAULTS[NAME] ("ro=Z offline=Z
# zone_size=MIB") read-only and offline (null_blk's zone_readonly and
# zone_offline configfs files take a sector of the zone)
declare -A NULLB_FAULTS=()
nullb_faults() {
	local name=$1 f zsz=0
	for f in ${NULLB_FAULTS[$name]:-}; do [[ $f = zone_size=* ]] && zsz=${f#*=}; done
	for f in ${NULLB_FAULTS[$name]:-}; do
		case $f in
		ro=*) echo $((${f#*=} * zsz * 2048)) >"$NULLB_CFG/$name/zone_readonly" || return 1 ;;
		offline=*) echo $((${f#*=} * zsz * 2048)) >"$NULLB_CFG/$name/zone_offline" || return 1 ;;
		esac
	done
}

# nullb_fresh NAME ATTR=VALUE...: the null_blk device NAME made again (with its faults)
nullb_fresh() {
	local name=$1
	shift
	nullb_remove "$name" && nullb_create "$name" "$@" >/dev/null && nullb_faults "$name"
}

conformance() {
	local label=$1 real=$2 twin=$3 fresh=$4 dir s name seed
	shift 4
	# a program has no zone append on a block device: zbd: makes one from a
	# report and a write, and so does the twin (zwsim zone --zbd-append)
	[[ $real = zbd:* ]] && set -- "$@" --zbd-append
	dir=$CONF_OUT/${label//[^A-Za-z0-9._-]/-}
	mkdir -p "$dir"
	guest_check "$label: conformance scripts made for $twin" \
		"$CONF_DIR/zs-expand" -o "$dir" "$twin" "$CONF_DIR"/*.zs || return
	for s in "$CONF_DIR"/*.zs; do
		name=${s##*/}
		name=${name%.zs}
		if [ -e "$dir/$name.na" ]; then
			printf '%s\t%s\t0\t0\tn/a\n' "$label" "$name" >>"$CONF_OUT/tally"
			continue
		fi
		conf_check "$label" "$name" "$dir/$name.zs" "$real" "$twin" "$fresh" "$@"
	done
	# every other seed's script runs with no zone report between operations
	# (--no-report: a plug awaiting a write pointer update stays so, issue
	# 10's class 2a), the others with a report of every zone after each
	local i=0
	for seed in $CONF_SEEDS; do
		name=random-seed$seed
		"$ZWSIM" zone gen --seed "$seed" --ops "$CONF_OPS" --dev "$twin" >"$dir/$name.zs" ||
			{ guest_check "$label: zone gen --seed $seed" false; continue; }
		CONF_BOTH=()
		if [ $((i++ % 2)) = 1 ]; then
			CONF_BOTH=(--no-report)
			name=$name-noreport
		fi
		conf_check "$label" "$name" "$dir/random-seed$seed.zs" "$real" "$twin" "$fresh" "$@"
		CONF_BOTH=()
	done
}

# fill_qd_check DEV CAP_BLOCKS ZONE...|all: `zwsim zone fill` at qd=8 (io_uring,
# up to 8 zones written at once, one write in flight each) after a reset all;
# each zone it names must be full with its write pointer at the capacity,
# and read back with --verify; a reset all at the end frees null_blk's memory
fill_qd_check() {
	local dev=$1 cap=$2 out line z rc=0
	shift 2
	"$ZWSIM" zone reset all --force --dev "zbd:$dev" || return 1
	out=$("$ZWSIM" zone fill --force --explain --dev "zbd:$dev,qd=8" "$@") || rc=1
	echo "$out"
	[ -n "$out" ] || rc=1
	while read -r line; do
		z=${line#fill }
		z=${z%% *}
		[ "$line" = "fill $z => OK 0 cond=fu wp=$cap" ] || { echo "# not full at $cap: $line"; rc=1; }
		line=$("$ZWSIM" zone read --verify --dev "zbd:$dev" "$z" 0 "$cap") || rc=1
		echo "$line"
		[ "$line" = "read $z 0 $cap => OK 0 cond=fu wp=$cap data=ok" ] || rc=1
	done <<<"$out"
	"$ZWSIM" zone reset all --force --dev "zbd:$dev" || rc=1
	return $rc
}

device_nullb_seq() {
	local label="null_blk all sequential" dev twin emu=emu:model=nullblk,zones=16,zone_size=64M
	local attrs=(size=1024 zone_size=64)
	guest_make dev "$label: made (1 GiB, 64 MiB zones)" nullb_create nullb0 "${attrs[@]}" || return
	zoned_checks "$label" "$dev" "$emu" 16 64M 0 0 0 0
	# a read-only and an offline zone for the scripts (none of the fixed
	# scripts' zones, none that fill writes)
	NULLB_FAULTS[nullb0]="ro=6 offline=7 zone_size=64"
	guest_check "$label: zone 6 read-only, zone 7 offline" nullb_faults nullb0
	guest_make twin "$label: zwsim zone twin" "$ZWSIM" zone twin --dev "zbd:$dev" &&
		conformance "$label" "zbd:$dev" "$twin" reset
	guest_check "$label: zone fill at qd=8 (io_uring), 8 zones, verified" fill_qd_check "$dev" 16384 8 9 10 11 12 13 14 15
	guest_check "$label: removed" nullb_remove "$dev"
}

device_nullb_conv() {
	local label="null_blk conv+limits" dev twin
	local emu=emu:model=nullblk,zones=16,zone_size=64M,zone_cap=48M,conv=2,max_open=4,max_active=6
	local attrs=(size=1024 zone_size=64 zone_capacity=48 zone_nr_conv=2 zone_max_open=4 zone_max_active=6)
	guest_make dev "$label: made (2 conventional, capacity 48 of 64 MiB, open 4, active 6)" \
		nullb_create nullb1 "${attrs[@]}" || return
	zoned_checks "$label" "$dev" "$emu" 16 64M 48M 2 4 6
	NULLB_FAULTS[nullb1]="ro=12 offline=13 zone_size=64"
	guest_check "$label: zone 12 read-only, zone 13 offline" nullb_faults nullb1
	# a new device for each script: null_blk's implicit-close cursor
	# survives a reset all
	guest_make twin "$label: zwsim zone twin" "$ZWSIM" zone twin --dev "zbd:$dev" &&
		conformance "$label" "zbd:$dev" "$twin" "nullb_fresh nullb1 ${attrs[*]}"
	guest_check "$label: zone fill at qd=8 (io_uring, 4 at once: open 4), 6 zones, verified" \
		fill_qd_check "$dev" 12288 2 3 4 5 6 7
	guest_check "$label: removed" nullb_remove "$dev"
}

device_nullb_small() {
	local label="null_blk 512B small zones" dev twin
	local emu=emu:model=nullblk,zones=32,zone_size=8M,zone_cap=6M,conv=4,max_open=3,max_active=3,lba=512,max_append=32k
	local attrs=(size=256 blocksize=512 zone_size=8 zone_capacity=6 zone_nr_conv=4
		zone_max_open=3 zone_max_active=3 zone_append_max_sectors=64)
	guest_make dev "$label: made (512 B blocks, 8 MiB zones, 4 conventional, append 64 sectors)" \
		nullb_create nullb2 "${attrs[@]}" || return
	zoned_checks "$label" "$dev" "$emu" 32 8M 6M 4 3 3
	guest_check "$label: zone append limit is 64 sectors" \
		test "$(cat /sys/block/"${dev#/dev/}"/queue/zone_append_max_bytes)" = 32768
	# open = active = 3: null_blk never closes a zone implicitly (that needs
	# a free active slot), so a reset all makes the device as new
	guest_make twin "$label: zwsim zone twin" "$ZWSIM" zone twin --dev "zbd:$dev" &&
		conformance "$label" "zbd:$dev" "$twin" reset
	guest_check "$label: zone fill at qd=8 (io_uring, 3 at once: open 3), all zones, verified" \
		fill_qd_check "$dev" 12288 all
	guest_check "$label: removed" nullb_remove "$dev"
}

device_zns() {
	local label="NVMe ZNS" dev twin ng
	local emu=emu:model=zns,zones=16,zone_size=64M,zone_cap=48M,max_open=8,max_active=10
	guest_make dev "$label: namespace found" zns_dev || return
	zoned_checks "$label" "$dev" "$emu" 16 64M 48M 0 8 10
	# through the block layer (zbd:), then NVMe passthrough (nvme:, the
	# twin without zwsim's block layer: --raw).  In that order: passthrough
	# writes leave the kernel's zone write plugs stale (a block-layer reset
	# all would bring them back in line)
	guest_make twin "$label: zwsim zone twin (block layer)" "$ZWSIM" zone twin --dev "zbd:$dev" &&
		conformance "$label" "zbd:$dev" "$twin" reset
	ng=/dev/ng${dev#/dev/nvme}
	guest_make twin "$label: zwsim zone twin (passthrough, $ng)" "$ZWSIM" zone twin --dev "nvme:$ng" &&
		conformance "$label passthrough" "nvme:$ng" "$twin" reset --raw
}

device_nvme_conv() {
	local label="NVMe conventional" dev
	guest_make dev "$label: namespace found" nvme_conv_dev || return
	guest_check "$label: not zoned, 512 MiB" eval \
		"test \"\$(cat /sys/block/${dev#/dev/}/queue/zoned)\" = none && test \"\$(blockdev --getsize64 $dev)\" = 536870912"
}

device_zbc() {
	local label="SCSI ZBC (tcmu file_zbc)" dev twin
	local emu=emu:model=zbc,zones=16,zone_size=64M,conv=2,max_open=4
	guest_check "$label: tcmu-runner started" tcmu_start || return
	# file_zbc caps open-N at half the sequential zones (here 7)
	guest_make dev "$label: made (1 GiB, 64 MiB zones, 2 conventional, open 4)" \
		zbc_create zbc0 model=HM lba=4096 zsize=64 conv=2 open=4 size=1G || return
	zoned_checks "$label" "$dev" "$emu" 16 64M 0 2 4 0
	guest_make twin "$label: zwsim zone twin" "$ZWSIM" zone twin --dev "zbd:$dev" &&
		conformance "$label" "zbd:$dev" "$twin" reset
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

# small zones with limits that leave room for the implicit-close scripts
device_nullb_limits() {
	local label="null_blk small zones+limits" dev twin
	local emu=emu:model=nullblk,zones=16,zone_size=4M,zone_cap=3M,conv=2,max_open=3,max_active=5
	local attrs=(size=64 zone_size=4 zone_capacity=3 zone_nr_conv=2 zone_max_open=3 zone_max_active=5)
	guest_make dev "$label: made (4 MiB zones, capacity 3 MiB, 2 conventional, open 3, active 5)" \
		nullb_create nullb4 "${attrs[@]}" || return
	zoned_checks "$label" "$dev" "$emu" 16 4M 3M 2 3 5
	guest_make twin "$label: zwsim zone twin" "$ZWSIM" zone twin --dev "zbd:$dev" &&
		conformance "$label" "zbd:$dev" "$twin" "nullb_fresh nullb4 ${attrs[*]}"  # see nullb1
	guest_check "$label: zone fill at qd=8 (io_uring, 3 at once: open 3), all zones, verified" \
		fill_qd_check "$dev" 768 all
	guest_check "$label: removed" nullb_remove "$dev"
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
mkdir -p "$CONF_OUT" && : >"$CONF_OUT/tally" && : >"$CONF_OUT/jobs"
# ZWSIM_VM_CONF_ONLY="device_zbc ...": only these device functions (while
# developing a model fix: one setup's conformance in a few minutes)
if [ -n "${ZWSIM_VM_CONF_ONLY:-}" ]; then
	for f in $ZWSIM_VM_CONF_ONLY; do "$f"; done
	guest_summary >/dev/null
	exit
fi
device_nullb_seq
device_nullb_conv
device_nullb_small
device_nullb_limits
device_nullb_fs
. "$(dirname "${BASH_SOURCE[0]}")/zonefs-fidelity.sh" && device_zonefs_fidelity # zonefs: the kernel against the model (docs/fidelity.md)
device_zns
device_nvme_conv
device_zbc
. "$(dirname "${BASH_SOURCE[0]}")/xfs-fidelity.sh" && device_xfs_fidelity # zoned XFS: the kernel against the model (docs/fidelity-xfs-zoned.md)
. "$(dirname "${BASH_SOURCE[0]}")/replay.sh" # zwsim replay against fio on real null_blk (docs/replay.md)
. "$(dirname "${BASH_SOURCE[0]}")/traces.sh" && device_traces # trace readers against blkparse and fio (docs/trace.md)
. "$(dirname "${BASH_SOURCE[0]}")/xfs-gc-fidelity.sh" && device_xfs_gc_fidelity # zoned XFS through GC (docs/fidelity-xfs-zoned.md)
. "$(dirname "${BASH_SOURCE[0]}")/check.sh" && device_check_captures # zwsim check on real captures (docs/check.md)
. "$(dirname "${BASH_SOURCE[0]}")/ublk.sh" # zwsim ublk: the kernel on zwsim's model (docs/ublk.md)
. "$(dirname "${BASH_SOURCE[0]}")/blktrace2.sh" && device_blktrace2 # blktrace version 8 from the kernel (docs/trace.md)
guest_summary >/dev/null
