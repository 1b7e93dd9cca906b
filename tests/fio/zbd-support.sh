#!/bin/bash
# SPDX-License-Identifier: MIT
#
# zbd-support.sh [-t N]... [-q] [-r SECONDS] KEYS: fio's own zoned test
# cases (t/zbd/test-zbd-support of the fio Debian ships) run through
# zwsim-fio.so on an emulated device, a file: device made from KEYS
# (e.g. zones=272,zone_size=1M,conv=16,model=nullblk) so its zones keep
# their state from one fio run to the next, as a disk's do.
#
# The test cases are fio's: this script takes their functions from the
# fetched source tree (build/fio/fio-src, never committed) and gives them
# what their own main part would have found on a block device:
#   - run_fio runs /usr/bin/fio with every --ioengine=psync|libaio|... of
#     a test replaced by the engine and its zwdev= option;
#   - blkzone report/reset go to `zwsim zone report|reset` on the same
#     device (zwsim prints blkzone's format);
#   - the geometry and max_open_zones come from `zwsim zone info`, as
#     sysfs and sg_inq would give them;
#   - time-based tests run for at most -r SECONDS (default 30, as upstream).
# Tests that cannot run through an engine are reported N/A (see docs/fio.md).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tree=$top/build/fio/fio-src/t/zbd
so=$top/zwsim-fio.so
zwsim=$top/zwsim
tests=()
quit=
max_runtime=30

while [ "${1#-}" != "$1" ]; do
	case "$1" in
	-t) tests+=("$2"); shift 2;;
	-q) quit=1; shift;;
	-r) max_runtime=$2; shift 2;;
	*) echo "usage: $0 [-t N]... [-q] [-r SECONDS] KEYS" >&2; exit 2;;
	esac
done
[ $# = 1 ] || { echo "usage: $0 [-t N]... [-q] [-r SECONDS] KEYS" >&2; exit 2; }
keys=$1
for f in "$tree/test-zbd-support" "$tree/functions" "$so" "$zwsim"; do
	[ -e "$f" ] || { echo "zbd-support: $f is missing (make zwsim zwsim-fio.so)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/zwsim-zbd.XXXXXX)
trap 'rm -rf "$work"' EXIT
spec="file:$work/zones,$keys"
"$zwsim" zone info --dev "$spec" >"$work/info" || exit 1
spec="file:$work/zones"

# fio's test cases and helpers, as its script defines them (up to its main part)
sed '/^SECONDS=0$/,$d' "$tree/test-zbd-support" >"$work/cases.sh"
# the script's options, all off (no libzbc, io_uring, resets, open limit, debug)
use_libzbc= force_io_uring= reset_all_zones= reset_before_write= max_open_zones_opt= zbd_debug=
# shellcheck disable=SC1091
source "$tree/functions" || exit 1
# shellcheck disable=SC1091
source "$work/cases.sh"

# --- what the script's main part would have found ------------------------

info() { sed -n "s/^$1:[[:blank:]]*//p" "$work/info"; }
sectors_per_zone=$(info "zone size" | sed 's/ sectors.*//')
nr_zones=$(info zones | sed 's/ .*//')

zone_no() { echo $(($1 / sectors_per_zone)); }

# blkzone report [-c N] [-o SECTOR] DEV | blkzone reset [-o SECTOR -c 1] DEV
zwsim_blkzone() {
	local cmd=$1 off=0 count= a
	shift
	while [ $# -gt 1 ]; do
		case "$1" in
		-o) off=$2; shift 2;;
		-c) count=$2; shift 2;;
		*) shift;;
		esac
	done
	case "$cmd" in
	report)
		a=$(zone_no "$off")
		"$zwsim" zone report --dev "$spec" "$a" "${count:-$((nr_zones - a))}";;
	reset)
		if [ -n "$count" ]; then
			for ((a = 0; a < count; a++)); do
				"$zwsim" zone reset --dev "$spec" $(($(zone_no "$off") + a)) >/dev/null || return 1
			done
		else
			"$zwsim" zone reset --dev "$spec" all >/dev/null
		fi;;
	esac
}
blkzone=zwsim_blkzone
blkzone() { zwsim_blkzone "$@"; }	# zone_cap_bs calls it by name
sg_inq=

# sysfs's queue/max_open_zones (the block layer drops a limit that cannot bind)
max_open_zones() { info "max open" | sed 's/[^0-9].*//; s/^$/0/'; }
# fio sees a block device (the engine sets FIO_TYPE_BLOCK): what test 1 checks
require_block_dev() { return 0; }
is_scsi_device() { return 1; }

# fio with every --ioengine= of a test replaced by the engine and its device,
# and thread=1 on every run: jobs sharing one model must be threads (the
# engine refuses processes, docs/fio.md); upstream's run_one_fio_job and
# most tests pass it themselves.  Test 48 calls $(dirname "$0")/../../fio
# itself: that is this wrapper too.
mkdir -p "$work/t/zbd"
cat >"$work/fio" <<EOF
#!/bin/bash
opts=("--ioengine=external:$so" "--zwdev=$spec" "--thread=1")
for a in "\$@"; do
	case "\$a" in
	--ioengine=*) opts+=("--ioengine=external:$so" "--zwdev=$spec");;
	--runtime=*)
		v=\${a#--runtime=}; v=\${v%s}
		((v > $max_runtime)) && v=$max_runtime
		opts+=("--runtime=\$v");;
	*) opts+=("\$a");;
	esac
done
exec fio "\${opts[@]}"
EOF
chmod +x "$work/fio"
BASH_ARGV0=$work/t/zbd/test-zbd-support

run_fio() {
	local opts=("--max-jobs=16" "--aux-path=/tmp" "--allow_file_create=0" "--significant_figures=10" "$@")

	{ echo; echo "fio ${opts[*]}"; echo; } >>"${logfile}.${test_number}"
	"$work/fio" "${opts[@]}"
}

dev=/dev/zwsim
realdev=$dev
global_var_opts=()
job_var_opts=()
dynamic_analyzer=()
is_zbd=true
disk_size=$(($(info capacity | sed 's/ sectors.*//') * 512))
logical_block_size=$(info "lba size" | sed 's/ bytes.*//')
read -r first_sequential_zone_sector sectors_per_zone < <(first_sequential_zone "$dev")
zone_size=$((sectors_per_zone * 512))
max_open_zones=$(max_open_zones "$dev")
zone_cap_bs=$(zone_cap_bs "$dev" "$zone_size")
logfile=$work/test-zbd-support.log

# Not applicable through an engine, and why (docs/fio.md)
declare -A na=(
	[9]="the sg engine talks SCSI to a device node; it never reaches an engine"
	[10]="the sg engine talks SCSI to a device node; it never reaches an engine"
	[42]="needs a regular (non-zoned) block device"
	[43]="needs a regular (non-zoned) block device"
	[49]="needs a regular (non-zoned) block device"
	[56]="needs a regular (non-zoned) block device"
)

echo "device: $("$zwsim" zone info --dev "$spec" | sed -n 's/^device:[[:blank:]]*//p')"
echo "first sequential zone at sector $first_sequential_zone_sector; zone size $((zone_size >> 10)) KiB; max_open_zones $max_open_zones"
if [ ${#tests[@]} = 0 ]; then
	readarray -t tests < <(declare -F | sed -n 's/^declare -f test\([0-9]\+\)$/\1/p' | sort -n)
fi
passed=0 skipped=0 failed=0 notapp=0 rc=0
for test_number in "${tests[@]}"; do
	rm -f "${logfile}.${test_number}"
	printf 'test %02d ... ' "$test_number"
	if [ -n "${na[$test_number]:-}" ]; then
		echo "N/A   ${na[$test_number]}"
		((notapp++))
		continue
	fi
	unset SKIP_REASON
	t0=$(date +%s%N)
	eval "test$test_number"
	ret=$?
	printf '%5.1fs  ' "$(( ($(date +%s%N) - t0) / 1000000 ))e-3"
	if ((!ret)) && check_log "$test_number"; then
		echo "PASS"
		((passed++))
	elif ((ret == SKIP_TESTCASE)); then
		echo "SKIP  ${SKIP_REASON:-}"
		((skipped++))
	else
		echo "FAIL  (exit $ret)"
		sed 's/^/    | /' "${logfile}.${test_number}" | tail -25
		((failed++))
		rc=1
		[ -n "$quit" ] && break
	fi
done
echo "$passed passed, $skipped skipped, $notapp not applicable, $failed failed"
exit $rc
