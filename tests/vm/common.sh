# Host-side definitions shared by the VM tier's scripts (sourced, not run).
#
# ZWSIM_VM_CACHE   where downloads, the unpacked kernel, sid's tools and the
#                  initramfs live (default /var/cache/zwsim-vm)

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$VM_DIR/../.." && pwd -P)
CACHE=${ZWSIM_VM_CACHE:-/var/cache/zwsim-vm}

vm_log() { printf 'vm: %s\n' "$*" >&2; }
vm_die() { printf 'vm: ERROR: %s\n' "$*" >&2; exit 1; }

# The kernel the cache currently points at: sets KV (version), KDIR (the
# unpacked packages), KIMAGE (bootable image) and KMODS (the tree to bind
# over /usr/lib/modules in the guest).  Fails if setup.sh has not run.
vm_kernel() {
	local cur=$CACHE/current-kernel
	[ -r "$cur" ] || vm_die "no kernel in $CACHE: run tests/vm/setup.sh first"
	KV=$(cat "$cur")
	KDIR=$CACHE/kernel/$KV
	[ -e "$KDIR/.complete" ] || vm_die "kernel $KV in $CACHE is incomplete: run tests/vm/setup.sh again"
	KIMAGE=$KDIR/vmlinuz
	KMODS=$KDIR/usr/lib/modules
	[ -r "$KIMAGE" ] || vm_die "no kernel image at $KIMAGE"
}
