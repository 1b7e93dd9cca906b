# Guest-side helpers for the VM test tier: source this file in a command
# that tests/vm/run-guest.sh runs in the guest (it is $ZWSIM_VM_LIB there).
# Bash only.  Functions return non-zero with a message on stderr instead of
# exiting, so a test script can go on after a failure.
#
# Devices (each create function prints the new /dev path):
#   nullb_create [NAME] [ATTR=VALUE...]   zoned null_blk through configfs
#   nullb_remove NAME|/dev/NAME
#   zns_dev [N]  nvme_conv_dev [N]        NVMe namespaces from run-guest.sh
#   zbc_create [NAME] [KEY=VALUE...]      SCSI ZBC disk (tcmu-runner file_zbc)
#   zbc_remove NAME|/dev/sdX
#   with_dev KIND [ARGS...] -- COMMAND... run COMMAND with $DEV a fresh device
# Checks (results in $ZWSIM_VM_OUT/results, logs in $ZWSIM_VM_OUT/checks/):
#   guest_check NAME COMMAND...           passes if COMMAND exits 0
#   guest_make VAR NAME COMMAND...        same, and VAR=COMMAND's stdout
#   guest_compare NAME 'CMD A' 'CMD B'    passes if both print the same
#   GUEST_XFAIL="why" guest_check ...     a known failure (see _check_result)
#   guest_summary                         prints "N passed, M failed"
#   expect_zones DEV NR_ZONES ZONE_SIZE [ZONE_CAP [NR_CONV [MAX_OPEN [MAX_ACTIVE]]]]
#   model_on_device FS DEV TWIN SCRIPT OUT  zwsim fs on the real DEV as on its twin
#   write_at_wp DEV                       a write at the first sequential
#                                         zone's wp advances it (then resets)
# Also: to_bytes SIZE, wait_for SECONDS COMMAND..., zone_report DEV,
# zone_report_parse, zone_geometry (normalize blkzone-format reports).

ZWSIM_VM_OUT=${ZWSIM_VM_OUT:-/tmp}
ZWSIM_VM_REPO=${ZWSIM_VM_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd -P)}
ZWSIM=${ZWSIM:-$ZWSIM_VM_REPO/zwsim}
# the checks compare what zwsim prints: no status line on a console
export ZWSIM_PROGRESS=0

vm_err() { echo "vm: $*" >&2; }

# to_bytes SIZE: 64M -> 67108864 (K, M, G, T are powers of 1024)
to_bytes() {
	local n=${1%[KkMmGgTt]} u=${1##*[0-9]}
	case "$u" in
	"") echo "$n" ;;
	K | k) echo $((n << 10)) ;;
	M | m) echo $((n << 20)) ;;
	G | g) echo $((n << 30)) ;;
	T | t) echo $((n << 40)) ;;
	*) vm_err "bad size $1"; return 1 ;;
	esac
}

# wait_for SECONDS COMMAND...: retries COMMAND every 0.1 s until it succeeds
wait_for() {
	local n=$(($1 * 10))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

modload() { modprobe "$@" || { vm_err "modprobe $* failed"; return 1; }; }

configfs() {
	local _dev mp _rest
	# /proc/mounts read with builtins: a process costs ~0.2 s under TCG
	while read -r _dev mp _rest; do [ "$mp" = /sys/kernel/config ] && return 0; done </proc/mounts
	modprobe configfs 2>/dev/null
	mount -t configfs configfs /sys/kernel/config
}

bdev_name() { local d=${1#/dev/}; echo "${d##*/}"; }

# --- null_blk --------------------------------------------------------------

NULLB_CFG=/sys/kernel/config/nullb

# nullb_create [NAME] [ATTR=VALUE...]
#   Makes a zoned null_blk device through configfs and prints its /dev path.
#   ATTRs are configfs attribute names, in their units: size (MiB),
#   blocksize (bytes), zone_size and zone_capacity (MiB; capacity 0 = size),
#   zone_nr_conv, zone_max_open, zone_max_active (0 = no limit),
#   zone_append_max_sectors, memory_backed, ... (any file of
#   /sys/kernel/config/nullb/features).  Defaults: size=1024 blocksize=4096
#   zoned=1 zone_size=64 memory_backed=1.  NAME defaults to the first free
#   nullbN (the disk takes the directory's name on recent kernels).
nullb_create() {
	local name="" d a i dev
	case "${1:-}" in "" | *=*) ;; *) name=$1; shift ;; esac
	configfs || return 1
	[ -d $NULLB_CFG ] || modload null_blk nr_devices=0 || return 1
	if [ -z "$name" ]; then
		i=0
		while [ -e "$NULLB_CFG/nullb$i" ] || [ -e "/sys/block/nullb$i" ]; do i=$((i + 1)); done
		name=nullb$i
	fi
	d=$NULLB_CFG/$name
	mkdir "$d" || { vm_err "nullb_create: cannot make $d"; return 1; }
	for a in size=1024 blocksize=4096 zoned=1 zone_size=64 memory_backed=1 "$@"; do
		[ -e "$d/${a%%=*}" ] || { vm_err "nullb_create: no null_blk attribute ${a%%=*}"; rmdir "$d"; return 1; }
		echo "${a#*=}" >"$d/${a%%=*}" || { vm_err "nullb_create: cannot set $a"; rmdir "$d"; return 1; }
	done
	echo 1 >"$d/power" || { vm_err "nullb_create: $name does not power on with: $*"; rmdir "$d"; return 1; }
	dev=$name
	[ -e "/sys/block/$dev" ] || dev=nullb$(cat "$d/index")
	wait_for 10 test -b "/dev/$dev" || { vm_err "nullb_create: no /dev/$dev"; return 1; }
	echo "/dev/$dev"
}

# nullb_remove NAME|/dev/NAME
nullb_remove() {
	local name d
	name=$(bdev_name "$1")
	d=$NULLB_CFG/$name
	if [ ! -d "$d" ]; then # an older kernel's nullbINDEX: find its directory
		for d in "$NULLB_CFG"/*/; do
			d=${d%/}
			[ "nullb$(cat "$d/index" 2>/dev/null)" = "$name" ] && break
			d=""
		done
	fi
	[ -n "$d" ] && [ -d "$d" ] || { vm_err "nullb_remove: no null_blk device $1"; return 1; }
	echo 0 >"$d/power" && rmdir "$d"
}

nullb_remove_all() {
	local d
	for d in "$NULLB_CFG"/*/; do [ -d "$d" ] && nullb_remove "$(basename "$d")"; done
	return 0
}

# --- NVMe namespaces from run-guest.sh --zns / --nvme ------------------------

# nvme_by_serial SERIAL: the namespace of the controller with that serial
# (controller numbers change between boots; serials do not)
nvme_by_serial() {
	local b
	for b in /sys/block/nvme*n*; do
		[ -e "$b" ] || continue
		if [ "$(tr -d ' ' <"$b/device/serial" 2>/dev/null)" = "$1" ]; then
			echo "/dev/$(basename "$b")"
			return 0
		fi
	done
	vm_err "no NVMe namespace with serial $1 (run-guest.sh --zns/--nvme?)"
	# what the guest has, and what the driver said while probing
	local c
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c" ] || continue
		vm_err "  $(basename "$c"): serial '$(tr -d ' ' <"$c/serial" 2>/dev/null)'," \
			"state $(cat "$c/state" 2>/dev/null), namespaces:" $(cd "$c" && ls -d nvme*n* 2>/dev/null)
	done
	dmesg 2>/dev/null | grep -i nvme | tail -n 30 | sed 's/^/  dmesg: /' >&2
	return 1
}

# zns_dev [N]: the N-th (from 0) --zns namespace
zns_dev() { nvme_by_serial "zns${1:-0}"; }
# nvme_conv_dev [N]: the N-th (from 0) --nvme namespace
nvme_conv_dev() { nvme_by_serial "conv${1:-0}"; }

# zns_reset DEV: resets every zone (makes the namespace "fresh")
zns_reset() { blkzone reset "$1"; }

# --- SCSI ZBC through tcmu-runner's file_zbc -------------------------------

TARGET_CFG=/sys/kernel/config/target

# tcmu_start: loads the target modules and starts tcmu-runner (once)
tcmu_start() {
	configfs || return 1
	modload target_core_user && modload tcm_loop && modload sd_mod || return 1
	if ! pgrep -x tcmu-runner >/dev/null; then
		mkdir -p /var/log
		setsid tcmu-runner </dev/null >/var/log/tcmu-runner.out 2>&1 &
		wait_for 20 grep -q 'Handler zbc is registered' /var/log/tcmu-runner.log ||
			{ vm_err "tcmu-runner did not start: $(cat /var/log/tcmu-runner.out)"; return 1; }
	fi
}

# zbc_create [NAME] [KEY=VALUE...]
#   Makes a SCSI ZBC disk backed by tcmu-runner's file_zbc and prints its
#   /dev path.  KEYs: model=HM|HA (HM), lba=512|4096 (4096), zsize=MiB (64),
#   conv=N (0), open=N (0: handler default), size=BYTES[KMG] (1G),
#   file=PATH (/tmp/NAME.raw; a new file each time).  NAME: zbcN.
zbc_create() {
	local name="" a model=HM lba=4096 zsize=64 conv=0 open=0 size=1G file="" cfg i wwn tpg addr dev
	case "${1:-}" in "" | *=*) ;; *) name=$1; shift ;; esac
	for a in "$@"; do
		case "$a" in
		model=*) model=${a#*=} ;;
		lba=*) lba=${a#*=} ;;
		zsize=*) zsize=${a#*=} ;;
		conv=*) conv=${a#*=} ;;
		open=*) open=${a#*=} ;;
		size=*) size=${a#*=} ;;
		file=*) file=${a#*=} ;;
		*) vm_err "zbc_create: unknown key in $a"; return 1 ;;
		esac
	done
	tcmu_start || return 1
	if [ -z "$name" ]; then
		i=0
		while [ -e "$TARGET_CFG/core/user_1/zbc$i" ]; do i=$((i + 1)); done
		name=zbc$i
	fi
	file=${file:-/tmp/$name.raw}
	rm -f "$file"
	mkdir -p /run/zwsim-vm && echo "$file" >"/run/zwsim-vm/zbc-$name.file"
	cfg="zbc/model-$model/lba-$lba/zsize-$zsize/conv-$conv/"
	[ "$open" -gt 0 ] && cfg="${cfg}open-$open"
	cfg="${cfg%/}@$file"
	size=$(to_bytes "$size") || return 1
	mkdir -p "$TARGET_CFG/core/user_1/$name" || return 1
	echo -n "dev_config=$cfg" >"$TARGET_CFG/core/user_1/$name/control" &&
		echo -n "dev_size=$size" >"$TARGET_CFG/core/user_1/$name/control" &&
		echo -n 1 >"$TARGET_CFG/core/user_1/$name/enable" ||
		{ vm_err "zbc_create: tcmu device $name ($cfg) does not enable"; return 1; }
	# one tcm_loop target (one SCSI host) per disk, named after the device
	i=$(printf '%s' "$name" | cksum | cut -d' ' -f1)
	wwn=$(printf 'naa.50014050%08x' "$i")
	tpg=$TARGET_CFG/loopback/$wwn/tpgt_1
	mkdir -p "$tpg/lun/lun_0" &&
		echo -n "$(printf 'naa.50014051%08x' "$i")" >"$tpg/nexus" &&
		ln -s "$TARGET_CFG/core/user_1/$name" "$tpg/lun/lun_0/$name" ||
		{ vm_err "zbc_create: cannot export $name through tcm_loop"; return 1; }
	addr=$(cat "$tpg/address")
	wait_for 20 eval "ls /sys/class/scsi_device/$addr:0/device/block/ | grep -q ." ||
		{ vm_err "zbc_create: no SCSI disk at $addr:0"; return 1; }
	dev=$(ls "/sys/class/scsi_device/$addr:0/device/block/")
	wait_for 10 test -b "/dev/$dev" || { vm_err "zbc_create: no /dev/$dev"; return 1; }
	echo "/dev/$dev"
}

# zbc_remove NAME|/dev/sdX
zbc_remove() {
	local arg=$1 name="" wwn tpg addr file
	if [ -d "$TARGET_CFG/core/user_1/$arg" ]; then
		name=$arg
	fi
	for tpg in "$TARGET_CFG"/loopback/naa.*/tpgt_1; do
		[ -d "$tpg" ] || continue
		for l in "$tpg"/lun/lun_0/*; do
			[ -L "$l" ] || continue
			addr=$(cat "$tpg/address")
			if [ "$(basename "$l")" = "$name" ] ||
				[ "$(ls "/sys/class/scsi_device/$addr:0/device/block/" 2>/dev/null)" = "$(bdev_name "$arg")" ]; then
				name=$(basename "$l")
				rm "$l" && rmdir "$tpg/lun/lun_0" && rmdir "$tpg" && rmdir "$(dirname "$tpg")" || return 1
				break 2
			fi
		done
	done
	[ -n "$name" ] && [ -d "$TARGET_CFG/core/user_1/$name" ] || { vm_err "zbc_remove: no ZBC disk $arg"; return 1; }
	rmdir "$TARGET_CFG/core/user_1/$name" || return 1
	if [ -r "/run/zwsim-vm/zbc-$name.file" ]; then
		file=$(cat "/run/zwsim-vm/zbc-$name.file")
		rm -f "$file" "/run/zwsim-vm/zbc-$name.file"
	fi
	return 0
}

# --- a command against a fresh device --------------------------------------

# with_dev KIND [ARGS...] -- COMMAND...
#   Makes a fresh device, runs COMMAND with DEV set to it (exported), removes
#   the device and returns COMMAND's status.  KIND and ARGS:
#     nullb [ATTR=VALUE...]  (nullb_create)
#     zbc [KEY=VALUE...]     (zbc_create)
#     zns [N]                (run-guest.sh's N-th --zns namespace, all zones reset)
#     nvme [N]               (the N-th --nvme namespace, as it is)
#   e.g. with_dev nullb zone_size=64 zone_nr_conv=8 size=2048 -- sh -c 'mkfs.xfs -f $DEV'
with_dev() {
	local kind=$1 args=() rc
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
	[ "${1:-}" = -- ] || { vm_err "with_dev: no -- COMMAND"; return 2; }
	shift
	case "$kind" in
	nullb) DEV=$(nullb_create "${args[@]}") || return 1 ;;
	zbc) DEV=$(zbc_create "${args[@]}") || return 1 ;;
	zns) DEV=$(zns_dev "${args[@]}") && zns_reset "$DEV" || return 1 ;;
	nvme) DEV=$(nvme_conv_dev "${args[@]}") || return 1 ;;
	*) vm_err "with_dev: unknown kind $kind"; return 2 ;;
	esac
	export DEV
	rc=0
	"$@" || rc=$?
	case "$kind" in
	nullb) nullb_remove "$DEV" || { [ $rc -ne 0 ] || rc=1; } ;;
	zbc) zbc_remove "$DEV" || { [ $rc -ne 0 ] || rc=1; } ;;
	esac
	return "$rc"
}

# --- geometry ---------------------------------------------------------------

# zone_report DEV: one line per zone: START LEN CAP WP COND TYPE (sectors,
# hex as blkzone prints them; COND like em/oi/fu/nw; TYPE CONVENTIONAL,
# SEQ_WRITE_REQUIRED, ...).  zone_report_parse does the same for a report
# in blkzone's format on stdin (`zwsim zone report` prints one).
zone_report() { blkzone report "$1" | zone_report_parse; }
zone_report_parse() {
	sed -n 's/.*start: *\(0x[0-9a-f]*\), len \(0x[0-9a-f]*\), cap \(0x[0-9a-f]*\), wptr *\([^ ]*\) .*zcond: *[0-9]*(\([a-z]*\)).*type: *[0-9]*(\([A-Z_]*\)).*/\1 \2 \3 \4 \5 \6/p'
}

# zone_geometry: zone_report_parse's lines without the write pointer of
# conventional zones (which has no meaning there), sizes in decimal
zone_geometry() {
	zone_report_parse | while read -r start len cap wp cond type; do
		[ "$type" = CONVENTIONAL ] && wp=-
		case "$wp" in 0x*) wp=$((wp)) ;; esac
		echo "$((start)) $((len)) $((cap)) $wp $cond $type"
	done
}

# expect_zones DEV NR_ZONES ZONE_SIZE [ZONE_CAP [NR_CONV [MAX_OPEN [MAX_ACTIVE]]]]
#   Checks the device is host-managed and that sysfs and `blkzone report`
#   show this geometry (sizes in bytes or with K/M/G; ZONE_CAP 0 or absent:
#   = ZONE_SIZE, for sequential zones; limits as sysfs shows them, 0 = none).
#   Prints what differs; returns 1 if anything does.
expect_zones() {
	local dev=$1 nz=$2 zs zc=${4:-0} nconv=${5:-0} mo=${6:-} ma=${7:-} q bad=0 rep got
	zs=$(($(to_bytes "$3") / 512))
	zc=$(($(to_bytes "$zc") / 512))
	[ "$zc" -eq 0 ] && zc=$zs
	q=/sys/block/$(bdev_name "$dev")/queue
	[ -d "$q" ] || { vm_err "$dev: no $q"; return 1; }
	_expect() { [ "$2" = "$3" ] || { echo "$dev: $1 is $2, expected $3"; bad=1; }; }
	_sysfs() { local v=""; read -r v <"$q/$1"; _expect "queue/$1" "$v" "$2"; }
	_sysfs zoned host-managed
	_sysfs nr_zones "$nz"
	_sysfs chunk_sectors "$zs"
	[ -n "$mo" ] && _sysfs max_open_zones "$mo"
	[ -n "$ma" ] && _sysfs max_active_zones "$ma"
	rep=$(zone_report "$dev") || { echo "$dev: blkzone report failed"; return 1; }
	_expect "the number of zones in blkzone report" "$(grep -c . <<<"$rep")" "$nz"
	_expect "the number of conventional zones" "$(grep -c ' CONVENTIONAL$' <<<"$rep")" "$nconv"
	_expect "the number of sequential-write-required zones" \
		"$(grep -c ' SEQ_WRITE_REQUIRED$' <<<"$rep")" $((nz - nconv))
	got=$(
		i=0
		while read -r start len cap _ cond type; do
			want=$zc
			[ "$type" = CONVENTIONAL ] && want=$zs
			[ $((start)) -eq $((i * zs)) ] || echo "zone $i starts at $((start)), expected $((i * zs))"
			[ $((len)) -eq "$zs" ] || echo "zone $i is $((len)) sectors long, expected $zs"
			[ $((cap)) -eq "$want" ] || echo "zone $i has capacity $((cap)) sectors, expected $want"
			[ "$type" = CONVENTIONAL ] || [ "$cond" = em ] || echo "zone $i is $cond, expected em"
			i=$((i + 1))
		done <<<"$rep" | head -n 5
	)
	[ -z "$got" ] || { echo "$dev: $got"; bad=1; }
	unset -f _expect _sysfs
	[ $bad = 0 ] && echo "$dev: $nz zones of $zs sectors, capacity $zc, $nconv conventional, host-managed"
	return $bad
}

# write_at_wp DEV: writes 2 blocks at the write pointer of the first
# sequential zone (O_DIRECT), checks the zone is then implicitly open with
# its wp 2 blocks further, that a write away from the wp fails, then resets
# the zone and checks it is empty again
write_at_wp() {
	local dev=$1 lbs start len cap wp cond type z
	lbs=$(blockdev --getss "$dev") || return 1
	z=$(zone_report "$dev" | grep -m1 ' SEQ_WRITE_REQUIRED$') || { echo "$dev: no sequential zone"; return 1; }
	read -r start len cap wp cond type <<<"$z"
	start=$((start)) wp=$((wp))
	[ "$cond" = em ] || { echo "zone at $start is $cond, not empty"; return 1; }
	dd if=/dev/urandom of="$dev" bs="$lbs" count=2 seek=$((start * 512 / lbs)) oflag=direct status=none ||
		{ echo "write at the wp failed"; return 1; }
	read -r _ _ _ wp cond _ <<<"$(zone_report "$dev" | grep -m1 "^$(printf '0x%09x' "$start") ")"
	echo "after writing 2 blocks at sector $start: wp $wp, cond $cond"
	[ $((wp)) -eq $((2 * lbs / 512)) ] && [ "$cond" = oi ] || { echo "expected wp $((2 * lbs / 512)) and cond oi"; return 1; }
	if dd if=/dev/zero of="$dev" bs="$lbs" count=1 seek=$((start * 512 / lbs + 8)) oflag=direct status=none 2>/dev/null; then
		echo "a write away from the wp succeeded"; return 1
	fi
	blkzone reset -o "$start" -c 1 "$dev" || { echo "zone reset failed"; return 1; }
	read -r _ _ _ wp cond _ <<<"$(zone_report "$dev" | grep -m1 "^$(printf '0x%09x' "$start") ")"
	echo "after reset: wp $wp, cond $cond"
	[ $((wp)) -eq 0 ] && [ "$cond" = em ]
}

# --- checks -----------------------------------------------------------------

GUEST_CHECKS_DIR=$ZWSIM_VM_OUT/checks
GUEST_RESULTS=$ZWSIM_VM_OUT/results
GUEST_NCHECK=0

_check_log() { # _check_log NAME: sets CHECK_LOG, the log file for the next check
	local slug
	GUEST_NCHECK=$((GUEST_NCHECK + 1))
	# builtins only (starting a process costs ~0.2 s under TCG)
	slug=${1//[^A-Za-z0-9._-]/-}
	while [[ $slug == *--* ]]; do slug=${slug//--/-}; done
	slug=${slug:0:60}
	[ -d "$GUEST_CHECKS_DIR" ] || mkdir -p "$GUEST_CHECKS_DIR"
	CHECK_LOG=$(printf '%s/%03d-%s.log' "$GUEST_CHECKS_DIR" "$GUEST_NCHECK" "${slug%-}")
}

# _check_result NAME STATUS LOG: records and prints the outcome.  With
# GUEST_XFAIL=REASON set (as a prefix: GUEST_XFAIL="why" guest_check ...), a
# failure is a known one ("xfail", not counted as failed) and a success is
# "xpass", counted as failed so that the marker gets removed.
_check_result() {
	local name=$1 rc=$2 log=$3
	if [ -n "${GUEST_XFAIL:-}" ]; then
		if [ "$rc" -ne 0 ]; then
			echo "xfail $name" >>"$GUEST_RESULTS"
			echo "XFAIL $name (known: $GUEST_XFAIL; log ${log#"$ZWSIM_VM_OUT"/})"
			return 0
		fi
		echo "fail $name" >>"$GUEST_RESULTS"
		echo "XPASS $name: passes now, remove its GUEST_XFAIL ($GUEST_XFAIL)"
		return 1
	fi
	if [ "$rc" -eq 0 ]; then
		echo "pass $name" >>"$GUEST_RESULTS"
		echo "ok   $name"
	else
		echo "fail $name" >>"$GUEST_RESULTS"
		echo "FAIL $name (status $rc; log ${log#"$ZWSIM_VM_OUT"/})"
		tail -n 15 "$log" | sed 's/^/     | /'
	fi
	return "$rc"
}

# guest_check NAME COMMAND...: runs COMMAND (a function, or a program) with
# its output in the check's log; the check passes if it exits 0.
guest_check() {
	local name=$1 log rc=0
	shift
	_check_log "$name"
	log=$CHECK_LOG
	{ echo "# $name"; printf '#'; printf ' %q' "$@"; echo; } >"$log"
	"$@" </dev/null >>"$log" 2>&1 || rc=$?
	_check_result "$name" "$rc" "$log"
}

# guest_make VAR NAME COMMAND...: a check that runs COMMAND and stores its
# stdout in the variable VAR, e.g. guest_make DEV "nullb0 made" nullb_create nullb0
guest_make() {
	local __var=$1 __name=$2 __log __rc=0 __out
	shift 2
	_check_log "$__name"
	__log=$CHECK_LOG
	{ echo "# $__name"; printf '#'; printf ' %q' "$@"; echo; } >"$__log"
	__out=$("$@" </dev/null 2>>"$__log") || __rc=$?
	echo "$__out" >>"$__log"
	printf -v "$__var" '%s' "$__out"
	_check_result "$__name" "$__rc" "$__log"
}

# guest_compare NAME 'COMMAND A' 'COMMAND B': runs both shell commands
# (bash -c, with the caller's exported variables); passes if both exit 0 and
# print the same stdout.  The log holds both outputs and their diff.
guest_compare() {
	local name=$1 log rc=0 a b
	_check_log "$name"
	log=$CHECK_LOG
	a=$log.a b=$log.b
	bash -c "$2" </dev/null >"$a" 2>>"$log" || { echo "command A failed with status $?" >>"$log"; rc=1; }
	bash -c "$3" </dev/null >"$b" 2>>"$log" || { echo "command B failed with status $?" >>"$log"; rc=1; }
	{ echo "# A: $2"; echo "# B: $3"; diff -u "$a" "$b" && echo "# same output"; } >>"$log" || rc=1
	_check_result "$name" "$rc" "$log"
}

# guest_summary: the tally of this run's checks; non-zero if any failed
guest_summary() {
	local p f x
	p=$(grep -c '^pass ' "$GUEST_RESULTS" 2>/dev/null) || true
	f=$(grep -c '^fail ' "$GUEST_RESULTS" 2>/dev/null) || true
	x=$(grep -c '^xfail ' "$GUEST_RESULTS" 2>/dev/null) || true
	[ "${x:-0}" -gt 0 ] && echo "${x} known failures (xfail)"
	echo "${p:-0} passed, ${f:-0} failed"
	[ "${f:-0}" -eq 0 ]
}

# model_on_device FS DEV TWIN SCRIPT OUT: zwsim's FS model run on the real
# device DEV itself (zwsim fs --force --dev zbd:DEV) must give the same
# files and zones as SCRIPT on DEV's emulated twin TWIN, and verify every
# byte; without --force the real device must be refused (exit 2).  DEV is
# wiped first.  The reports and errors are left as OUT.{real,twin}.{json,err}.
model_on_device() {
	local fs=$1 dev=$2 twin=$3 script=$4 out=$5 side spec
	blkzone reset "$dev" && wipefs -a -q "$dev" || return 1
	"$ZWSIM" fs --fs "$fs" --dev "zbd:$dev" "$script" >/dev/null 2>"$out.noforce.err"
	if [ $? -ne 2 ] || ! grep -q "say --force" "$out.noforce.err"; then
		echo "a real device without --force was not refused:"
		cat "$out.noforce.err"
		return 1
	fi
	for side in real twin; do
		spec=$twin
		[ $side = real ] && spec=zbd:$dev
		if ! "$ZWSIM" fs --fs "$fs" --dev "$spec" --force --json --verify "$script" \
			>"$out.$side.json" 2>"$out.$side.err"; then
			echo "the model on $spec failed:"
			tail -5 "$out.$side.err"
			return 1
		fi
	done
	/usr/bin/python3 - "$out.real.json" "$out.twin.json" <<'PYEOF'
import json
import sys

real, twin = (json.load(open(p)) for p in sys.argv[1:3])
bad = [k for k in ("files", "zones") if real[k] != twin[k]]
for k in bad:
    print("%s differ\n  real device: %s\n  twin:        %s" % (k, json.dumps(real[k])[:3000], json.dumps(twin[k])[:3000]))
gc = real.get("stats", {}).get("gc_bytes")
print("files %d, zones %d%s: %s" % (len(real["files"]), len(real["zones"]),
                                    "" if gc is None else ", GC bytes %d" % gc, "the same" if not bad else "DIFFERENT"))
sys.exit(1 if bad else 0)
PYEOF
}
