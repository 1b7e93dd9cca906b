#!/bin/bash
# Build (or find in the cache) the guest's initramfs and print its path:
# busybox-static, tests/vm/guest/init and the modules needed to mount the
# host's root (overlay, 9p over virtio and their dependencies), resolved from
# the kernel's modules.dep and decompressed for busybox's insmod.  The file
# is named after the kernel and a hash of its inputs, so a change to the init
# script gives a new one.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
vm_kernel

WANT="overlay 9p 9pnet_virtio"
BUSYBOX=$(command -v busybox) || vm_die "no busybox: run tests/vm/setup.sh"

MODDIR=$KMODS/$KV

hash=$( (cat "$VM_DIR/guest/init" "$0" "$MODDIR/modules.dep"; echo "$WANT"; sha256sum <"$BUSYBOX") |
	sha256sum | cut -c1-12)
OUTFILE=$CACHE/initramfs/initramfs-$KV-$hash.cpio.gz
if [ -s "$OUTFILE" ]; then echo "$OUTFILE"; exit 0; fi

# modules in load order: each one after its dependencies
declare -A seen=()
order=()
add_module() {
	local name=${1//-/_} line path dep
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	line=$(grep -E "(^|/)(${name//_/[-_]})\.ko(\.xz|\.zst|\.gz)?:" "$MODDIR/modules.dep" || true)
	if [ -z "$line" ]; then
		grep -qE "/${name//_/[-_]}\.ko$" "$MODDIR/modules.builtin" && return 0
		vm_die "module $name is neither in modules.dep nor built in ($KV)"
	fi
	path=${line%%:*}
	for dep in ${line#*:}; do
		dep=$(basename "$dep"); add_module "${dep%%.ko*}"
	done
	order+=("$name:$path")
}
for m in $WANT; do add_module "$m"; done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,run,lib/modules}
cp "$BUSYBOX" "$stage/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
done
ln -s bin "$stage/sbin"
: >"$stage/modules.order"
for e in "${order[@]}"; do
	name=${e%%:*} path=$MODDIR/${e#*:}
	case "$path" in
	*.xz) xz -dc "$path" ;;
	*.zst) zstd -qdc "$path" ;;
	*.gz) gzip -dc "$path" ;;
	*) cat "$path" ;;
	esac >"$stage/lib/modules/$name.ko"
	echo "$name" >>"$stage/modules.order"
done
install -m 755 "$VM_DIR/guest/init" "$stage/init"
[ "$(id -u)" -eq 0 ] && mknod -m 600 "$stage/dev/console" c 5 1
mkdir -p "$CACHE/initramfs"
rm -f "$CACHE"/initramfs/initramfs-"$KV"-*.cpio.gz
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$OUTFILE.$$.tmp"
mv "$OUTFILE.$$.tmp" "$OUTFILE"
echo "$OUTFILE"
