#!/bin/bash
# Boot the test guest, run one command in it, power off.
#
#   tests/vm/run-guest.sh [OPTIONS] -- COMMAND [ARG...]
#
# The guest runs the kernel that tests/vm/setup.sh fetched, on the host's own
# root (read-only over virtio-9p, under a RAM overlay: guest writes stay in
# the guest).  COMMAND runs as root in the directory run-guest.sh was started
# from, so the checkout's host-built binaries are at the same paths.  Its
# stdout and stderr come back as run-guest.sh's own, after the guest stops,
# and so does its exit status; 125 means the guest never reported one
# (timeout, panic, failed boot: the console log's tail is then printed).
#
# Options:
#   --zns SPEC      attach an NVMe controller with a zoned (ZNS) namespace;
#                   SPEC is a comma-separated list of KEY=VALUE:
#                     size=1G zone_size=64M zone_cap=0 (0: = zone_size)
#                     max_open=0 max_active=0 (0: no limit) lbs=4096
#                     zasl=N (the controller's zone append size limit,
#                     2^N minimum pages; default the MDTS)
#                     img=PATH (backing file; default a temporary one)
#                   The controller's serial is znsN (N = 0, 1, ... in order).
#   --nvme SPEC     attach an NVMe controller with a conventional namespace:
#                     size=512M lbs=4096 img=PATH; serial convN
#   --out DIR       keep the shared output folder in DIR (the command sees it
#                   as $ZWSIM_VM_OUT); default: a temporary one, removed
#   --timeout S     power the guest off after S seconds (default 600)
#   --mem MIB       guest memory (default 2048)
#   --cpus N        guest CPUs (default 2)
#   --env NAME[=VALUE]  export NAME into the guest (repeatable); also
#                   ZWSIM_VM_PASS_ENV="NAME ..." in the environment
#   --console       copy the guest console to stderr as it runs
#   --qemu ARG      pass ARG to QEMU (repeatable)
#
# Environment: ZWSIM_VM_CACHE (see setup.sh), ZWSIM_VM_ACCEL=tcg|kvm
# (default: KVM only where /dev/kvm is real KVM, not PVM), ZWSIM_VM_APPEND
# (more kernel command line, e.g. zwsim.rootcache=none for the 9p cache
# mode of the host root).
#
# In the guest: PATH starts with sid's xfsprogs/zonefs-tools wrappers;
# ZWSIM_VM=1, ZWSIM_VM_OUT (the shared folder), ZWSIM_VM_LIB (the guest
# helpers to source: tests/vm/guest/lib.sh), ZWSIM_VM_REPO (the checkout).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

OUT="" TIMEOUT=600 MEM=2048 CPUS=2 CONSOLE=0
ZNS=() NVME=() ENVS=() QEMU_EXTRA=()
while [ $# -gt 0 ]; do
	case "$1" in
	--zns) ZNS+=("$2"); shift 2 ;;
	--nvme) NVME+=("$2"); shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--cpus) CPUS=$2; shift 2 ;;
	--env) ENVS+=("$2"); shift 2 ;;
	--console) CONSOLE=1; shift ;;
	--qemu) QEMU_EXTRA+=("$2"); shift 2 ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*) echo "run-guest.sh: unknown option $1" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || usage
for n in ${ZWSIM_VM_PASS_ENV:-}; do ENVS+=("$n"); done

vm_kernel
INITRD=$("$VM_DIR/mkinitramfs.sh")
QEMU=$(command -v qemu-system-x86_64) || vm_die "no qemu-system-x86_64: run tests/vm/setup.sh"
BIOS=/usr/share/qemu/qboot.rom
[ -r "$BIOS" ] || BIOS=""

WORK=$(mktemp -d "${TMPDIR:-/tmp}/zwsim-vm.XXXXXX")
TAILPID=""
cleanup() {
	[ -n "$TAILPID" ] && kill "$TAILPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
if [ -z "$OUT" ]; then
	OUT=$WORK/out
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
VMD=$OUT/.vm
rm -rf "$VMD"
mkdir -p "$VMD"
for p in "$OUT" "$VM_DIR" "$KMODS"; do
	case "$p" in *[[:space:]]*) vm_die "path with white space cannot go on the kernel command line: $p" ;; esac
done

# --- devices ---------------------------------------------------------------

# spec_get SPEC KEY DEFAULT
spec_get() {
	local kv
	IFS=, read -ra kv <<<"$1"
	for kv in "${kv[@]}"; do
		[ "${kv%%=*}" = "$2" ] && { echo "${kv#*=}"; return; }
	done
	echo "$3"
}
spec_check() { # spec_check SPEC KNOWN-KEYS...
	local kv k ok spec=$1
	shift
	IFS=, read -ra kv <<<"$spec"
	for k in "${kv[@]}"; do
		ok=0
		for n in "$@"; do [ "${k%%=*}" = "$n" ] && ok=1; done
		[ $ok = 1 ] || vm_die "unknown key '${k%%=*}' in '$spec' (known: $*)"
	done
}
backing() { # backing SPEC DEFAULT-SIZE NAME: the image file, created if absent
	local img size
	img=$(spec_get "$1" img "") size=$(spec_get "$1" size "$2")
	if [ -z "$img" ]; then
		img=$WORK/$3.img
		truncate -s "$size" "$img"
	elif [ ! -e "$img" ]; then
		truncate -s "$size" "$img"
	fi
	echo "$img"
}

DEVARGS=()
ctrl=0
i=0
for spec in "${ZNS[@]}"; do
	spec_check "$spec" size zone_size zone_cap max_open max_active lbs zasl img
	img=$(backing "$spec" 1G "zns$i")
	lbs=$(spec_get "$spec" lbs 4096)
	zasl=$(spec_get "$spec" zasl "")
	DEVARGS+=(-device "nvme,id=nvme$ctrl,serial=zns$i${zasl:+,zoned.zasl=$zasl}"
		-drive "file=$img,id=zns$i,format=raw,if=none,cache=unsafe"
		-device "nvme-ns,drive=zns$i,bus=nvme$ctrl,nsid=1,logical_block_size=$lbs,physical_block_size=$lbs,zoned=true,zoned.zone_size=$(spec_get "$spec" zone_size 64M),zoned.zone_capacity=$(spec_get "$spec" zone_cap 0),zoned.max_open=$(spec_get "$spec" max_open 0),zoned.max_active=$(spec_get "$spec" max_active 0)")
	ctrl=$((ctrl + 1)) i=$((i + 1))
done
i=0
for spec in "${NVME[@]}"; do
	spec_check "$spec" size lbs img
	img=$(backing "$spec" 512M "conv$i")
	lbs=$(spec_get "$spec" lbs 4096)
	DEVARGS+=(-device "nvme,id=nvme$ctrl,serial=conv$i"
		-drive "file=$img,id=conv$i,format=raw,if=none,cache=unsafe"
		-device "nvme-ns,drive=conv$i,bus=nvme$ctrl,nsid=1,logical_block_size=$lbs,physical_block_size=$lbs")
	ctrl=$((ctrl + 1)) i=$((i + 1))
done

# --- what the guest runs ---------------------------------------------------

q() { printf '%q' "$1"; }
{
	echo "ZWSIM_VM_MODULES=$(q "$KMODS")"
	echo "ZWSIM_VM_NVME_NS=$ctrl"
} >"$VMD/boot.env"
{
	echo "# written by tests/vm/run-guest.sh"
	echo "export PATH=$(q "$CACHE/sid/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")"
	echo "export HOME=/root TERM=dumb LANG=C.UTF-8 LC_ALL=C.UTF-8"
	echo "export ZWSIM_VM=1 ZWSIM_VM_OUT=$(q "$OUT") ZWSIM_VM_CACHE=$(q "$CACHE")"
	echo "export ZWSIM_VM_LIB=$(q "$VM_DIR/guest/lib.sh") ZWSIM_VM_REPO=$(q "$REPO")"
	for e in "${ENVS[@]}"; do
		case "$e" in
		*=*) echo "export ${e%%=*}=$(q "${e#*=}")" ;;
		*) [ -n "${!e+x}" ] && echo "export $e=$(q "${!e}")" ;;
		esac
	done
	echo "cd $(q "$PWD") || exit 126"
	printf 'exec'
	for a in "$@"; do printf ' %q' "$a"; done
	echo
} >"$VMD/cmd.sh"

# --- boot ------------------------------------------------------------------

ACCEL=${ZWSIM_VM_ACCEL:-auto}
if [ "$ACCEL" = auto ]; then
	# /dev/kvm on this kind of machine is PVM, which cannot run a stock kernel
	if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then ACCEL=kvm; else ACCEL=tcg; fi
fi
case "$ACCEL" in
kvm) CPU=host ;;
tcg) CPU=max ;;
*) vm_die "ZWSIM_VM_ACCEL must be tcg or kvm" ;;
esac

QARGS=(-machine "q35,accel=$ACCEL" -cpu "$CPU" -m "$MEM" -smp "$CPUS"
	-display none -nodefaults -no-reboot -monitor none
	-chardev "file,id=con,path=$VMD/console.log" -serial chardev:con
	${BIOS:+-bios "$BIOS"}
	-kernel "$KIMAGE" -initrd "$INITRD"
	-append "console=ttyS0 panic=-1 edd=off loglevel=4 zwsim.out=$OUT zwsim.init2=$VM_DIR/guest/init2${ZWSIM_VM_APPEND:+ $ZWSIM_VM_APPEND}"
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=out,path=$OUT,security_model=none"
	-device virtio-9p-pci,fsdev=out,mount_tag=out
	"${DEVARGS[@]}" "${QEMU_EXTRA[@]}")
printf '%q ' "$QEMU" "${QARGS[@]}" >"$VMD/qemu.cmd"

: >"$VMD/console.log"
if [ $CONSOLE = 1 ]; then
	tail -n +1 -f "$VMD/console.log" >&2 &
	TAILPID=$!
fi
qrc=0
timeout -k 5 "$TIMEOUT" "$QEMU" "${QARGS[@]}" </dev/null >"$VMD/qemu.log" 2>&1 || qrc=$?
if [ -n "$TAILPID" ]; then
	sleep 0.2; kill "$TAILPID" 2>/dev/null; wait "$TAILPID" 2>/dev/null || true; TAILPID=""
fi

[ -f "$VMD/stdout" ] && cat "$VMD/stdout"
[ -f "$VMD/stderr" ] && cat "$VMD/stderr" >&2
if [ -s "$VMD/status" ]; then
	exit "$(cat "$VMD/status")"
fi
if [ $qrc = 124 ]; then
	vm_log "guest timed out after $TIMEOUT s"
else
	vm_log "guest reported no exit status (QEMU exited with $qrc)"
fi
[ -s "$VMD/qemu.log" ] && { vm_log "QEMU said:"; sed 's/^/    /' "$VMD/qemu.log" >&2; }
vm_log "last lines of the guest console:"
tail -n 30 "$VMD/console.log" | tr -d '\r' | sed 's/^/    /' >&2
exit 125
