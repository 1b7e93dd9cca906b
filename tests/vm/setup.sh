#!/bin/bash
# Prepare the host for the VM test tier (tests/vm/README.md).
#
#   tests/vm/setup.sh [--refresh]
#
# 1. Installs the bookworm packages the tier needs (QEMU, busybox-static,
#    kmod, tcmu-runner, ...) with apt-get; quiet when they are all present.
# 2. Fetches, with a private apt configuration kept under the cache
#    directory (never touching the system's apt state), the guest kernel
#    from sid (following linux-image-amd64; falling back to
#    trixie-backports) and sid's xfsprogs and zonefs-tools, and unpacks them
#    into the cache.  Nothing is installed into the system.
#
# Once the cache is complete, a run contacts no mirror and downloads
# nothing.  --refresh (or ZWSIM_VM_REFRESH=1) re-resolves the newest kernel
# and tools, downloading only what changed.  Environment:
#
#   ZWSIM_VM_CACHE         cache directory (default /var/cache/zwsim-vm)
#   ZWSIM_VM_MIRROR        Debian mirror (default: the one in the system's
#                          apt sources, else http://deb.debian.org/debian)
#   ZWSIM_VM_KERNEL_SUITE  take the kernel from this suite only (default: sid,
#                          then trixie-backports if sid fails)
#   ZWSIM_VM_KVER          kernel version to fetch (e.g. 7.2.13+deb14-amd64)
#                          instead of the one linux-image-amd64 points at
#
# Exits non-zero, with a message saying why, if anything cannot be fetched.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

REFRESH=${ZWSIM_VM_REFRESH:-0}
case "${1:-}" in
--refresh) REFRESH=1 ;;
"") ;;
*) echo "usage: $0 [--refresh]" >&2; exit 2 ;;
esac

# --- 1. host packages ----------------------------------------------------

HOST_PACKAGES="qemu-system-x86 qemu-system-data busybox-static cpio kmod
  xz-utils zstd gzip util-linux nvme-cli tcmu-runner debian-archive-keyring
  libbsd0 libtinfo6 libselinux1 libudev1 libmd0 libpcre2-8-0"

install_host_packages() {
	local p missing="" log
	for p in $HOST_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" -eq 0 ] || vm_die "missing host packages:$missing (install them as root)"
	vm_log "installing host packages:$missing"
	log=$(mktemp)
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get update -q >"$log" 2>&1; then
		cat "$log" >&2; rm -f "$log"
		vm_die "apt-get update failed: is the Debian mirror reachable?"
	fi
	# shellcheck disable=SC2086
	if ! apt-get install -y -q --no-install-recommends $missing >"$log" 2>&1; then
		cat "$log" >&2; rm -f "$log"
		vm_die "apt-get install failed for:$missing"
	fi
	rm -f "$log"
}

install_host_packages

# --- 2. the private apt configuration ------------------------------------

# sid's tools, and the libraries they need that are missing or too old in
# bookworm (the rest, e.g. libtinfo6, libbsd0, come from the host).
SID_TOOLS="xfsprogs zonefs-tools"
SID_LIBS="libc6 libinih1 liburcu8t64 libblkid1 libuuid1 libdevmapper1.02.1 libedit2"

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

mirror() {
	if [ -n "${ZWSIM_VM_MIRROR:-}" ]; then echo "$ZWSIM_VM_MIRROR"; return; fi
	local m
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' |
		grep -v -e security -e '^cdrom:' | head -n1 || true)
	if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
		m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
			/etc/apt/sources.list | grep -v security | grep /debian | head -n1 || true)
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

# apt_opts SUITE: sets APT_OPTS to an apt configuration of its own for SUITE:
# sources, lists and cache under $CACHE/apt/SUITE, no system preferences.
apt_opts() {
	local d=$CACHE/apt/$1
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	cat >"$d/zwsim.sources" <<-EOF
	Types: deb
	URIs: $MIRROR
	Suites: $1
	Components: main
	Signed-By: $KEYRING
	EOF
	APT_OPTS=(-o "Dir::Etc::SourceList=$d/zwsim.sources" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o APT::Sandbox::User=root -o Acquire::Languages=none
		-o Acquire::Retries=2 -o Acquire::http::Timeout=30
		-o APT::Architectures::=amd64 -o Debug::NoLocking=1)
}

declare -A UPDATED=()

# apt_update SUITE: fetches SUITE's package lists (once per run).
apt_update() {
	local suite=$1 log
	[ -n "${UPDATED[$suite]:-}" ] && { apt_opts "$suite"; return 0; }
	apt_opts "$suite"
	vm_log "fetching the $suite package lists from $MIRROR"
	log=$CACHE/apt/$suite/update.log
	if ! apt-get "${APT_OPTS[@]}" -q update >"$log" 2>&1 || grep -q '^[WE]:' "$log"; then
		sed 's/^/    /' "$log" >&2
		vm_log "could not fetch the $suite package lists from $MIRROR"
		return 1
	fi
	ls "$CACHE/apt/$suite/lists/"*_Packages* >/dev/null 2>&1 || {
		vm_log "no $suite package list after apt-get update"; return 1; }
	UPDATED[$suite]=1
}

# fetch_debs SUITE DIR PKG...: downloads PKG... from SUITE into DIR unless a
# file of the right name and size is already there; prints the .deb paths.
fetch_debs() {
	local suite=$1 dir=$2 uris url file size missing=() log
	shift 2
	apt_opts "$suite"
	mkdir -p "$dir"
	uris=$(apt-get "${APT_OPTS[@]}" -q --print-uris download "$@" 2>&1) || {
		sed 's/^/    /' <<<"$uris" >&2
		vm_log "cannot resolve in $suite: $*"; return 1; }
	while read -r url file size _; do
		case "$url" in "'"*) ;; *) continue ;; esac
		if [ ! -f "$dir/$file" ] || [ "$(stat -c %s "$dir/$file")" != "$size" ]; then
			missing+=("${file%%_*}")
		fi
		echo "$dir/$file"
	done <<<"$uris"
	[ ${#missing[@]} -eq 0 ] && return 0
	vm_log "downloading from $suite: ${missing[*]}"
	log=$dir/download.log
	if ! (cd "$dir" && apt-get "${APT_OPTS[@]}" -q download "${missing[@]}") >"$log" 2>&1; then
		sed 's/^/    /' "$log" >&2
		vm_log "download from $MIRROR ($suite) failed: ${missing[*]}"
		return 1
	fi
}

# --- the kernel ------------------------------------------------------------

kernel_complete() { [ -e "$CACHE/kernel/$1/.complete" ]; }

# fetch_kernel SUITE: resolves, downloads and unpacks the kernel; points
# $CACHE/current-kernel at it.
fetch_kernel() {
	local suite=$1 kv pkgs debs f k tmp img cfg
	apt_update "$suite" || return 1
	kv=${ZWSIM_VM_KVER:-}
	if [ -z "$kv" ]; then
		kv=$(apt-cache "${APT_OPTS[@]}" depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -n1)
		[ -n "$kv" ] || { vm_log "$suite: linux-image-amd64 names no kernel"; return 1; }
	fi
	vm_log "$suite: kernel $kv"
	if kernel_complete "$kv"; then
		echo "$kv" >"$CACHE/current-kernel"
		return 0
	fi
	# 7.x splits the kernel into linux-image-KV (empty), linux-binary-KV,
	# linux-modules-KV and linux-base-KV; older ones ship it all in
	# linux-image-KV.  Take linux-image-KV and its dependencies named after KV.
	pkgs="linux-image-$kv $(apt-cache "${APT_OPTS[@]}" depends linux-image-"$kv" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: <\{0,1\}\([^ >]*\)>\{0,1\}$/\1/p' |
		grep -F -- "$kv" | grep -v "^linux-image-$kv\$" | sort -u | tr '\n' ' ')"
	debs=$(fetch_debs "$suite" "$CACHE/debs/kernel" $pkgs) || return 1

	vm_log "unpacking kernel $kv"
	k=$CACHE/kernel/$kv
	tmp=$k.tmp
	rm -rf "$tmp" "$k"
	mkdir -p "$tmp"
	for f in $debs; do dpkg -x "$f" "$tmp" || { vm_log "cannot unpack $f"; return 1; }; done
	# one layout whatever the package uses: modules in usr/lib/modules, and
	# lib -> usr/lib (depmod -b wants BASE/lib/modules)
	if [ -d "$tmp/lib" ] && [ ! -L "$tmp/lib" ]; then
		mkdir -p "$tmp/usr/lib"
		cp -a "$tmp/lib/." "$tmp/usr/lib/" && rm -rf "$tmp/lib"
	fi
	ln -sfn usr/lib "$tmp/lib"
	[ -d "$tmp/usr/lib/modules/$kv/kernel" ] || { vm_log "no modules for $kv in $pkgs"; return 1; }
	img=""
	for f in "$tmp/usr/lib/modules/$kv/vmlinuz" "$tmp/boot/vmlinuz-$kv"; do
		[ -f "$f" ] && { img=${f#"$tmp"/}; break; }
	done
	[ -n "$img" ] || { vm_log "no kernel image for $kv in $pkgs"; return 1; }
	ln -sfn "$img" "$tmp/vmlinuz"
	cfg=""
	for f in "$tmp/usr/lib/modules/$kv/config" "$tmp/boot/config-$kv"; do
		[ -f "$f" ] && { cfg=$f; break; }
	done
	if [ -n "$cfg" ] && ! grep -q '^CONFIG_NET_9P_VIRTIO=[ym]' "$cfg"; then
		vm_log "kernel $kv has no virtio-9p (CONFIG_NET_9P_VIRTIO): unusable here"
		return 1
	fi
	# no package ships modules.dep
	depmod -b "$tmp" "$kv" || { vm_log "depmod failed for $kv"; return 1; }
	touch "$tmp/.complete"
	mv "$tmp" "$k"
	echo "$kv" >"$CACHE/current-kernel"
	# drop other kernels and their packages
	for f in "$CACHE"/kernel/*; do
		[ "$f" = "$k" ] || rm -rf "$f"
	done
	for f in "$CACHE"/debs/kernel/*.deb; do
		grep -qxF "$f" <<<"$debs" || rm -f "$f"
	done
	vm_log "kernel $kv ready"
}

# --- sid's xfsprogs and zonefs-tools ---------------------------------------

tools_complete() { [ -e "$CACHE/sid/.complete" ]; }

fetch_tools() {
	local debs f root tmp L tool name missing
	apt_update sid || return 1
	debs=$(fetch_debs sid "$CACHE/debs/sid" $SID_LIBS $SID_TOOLS) || return 1
	if tools_complete && [ "$(cat "$CACHE/sid/.complete")" = "$debs" ]; then
		return 0
	fi
	vm_log "unpacking sid's tools"
	tmp=$CACHE/sid.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp/root" "$tmp/bin"
	for f in $debs; do dpkg -x "$f" "$tmp/root" || { vm_log "cannot unpack $f"; return 1; }; done
	# The final paths: the wrappers name them, so build them for $CACHE/sid.
	root=$CACHE/sid/root
	L=$root/usr/lib/x86_64-linux-gnu
	[ -e "$tmp/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ] ||
		{ vm_log "sid's libc6 has no usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"; return 1; }
	for f in $debs; do
		case "$(basename "$f")" in
		xfsprogs_* | zonefs-tools_*) ;;
		*) continue ;;
		esac
		for tool in $(dpkg-deb -c "$f" | awk '{ print $6 }' |
			grep -E '^\./(usr/)?s?bin/[^/]+$'); do
			tool=${tool#./}
			name=$(basename "$tool")
			if [ "$(head -c4 "$tmp/root/$tool" | od -An -c | tr -d ' ')" = '177ELF' ]; then
				cat >"$tmp/bin/$name" <<-EOF
				#!/bin/sh
				# Made by tests/vm/setup.sh: sid's $name with sid's glibc.
				L=$L
				exec "\$L/ld-linux-x86-64.so.2" --argv0 "\$0" \\
				    --library-path "\$L:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu" \\
				    $root/$tool "\$@"
				EOF
				chmod 755 "$tmp/bin/$name"
			else
				# scripts (xfs_info, xfs_admin, ...) find the tools in PATH
				ln -s "$root/$tool" "$tmp/bin/$name"
			fi
		done
	done
	rm -rf "$CACHE/sid"
	mv "$tmp" "$CACHE/sid"
	# every library resolves (from sid's set or the host's)
	missing=""
	for f in "$CACHE"/sid/bin/*; do
		[ -L "$f" ] && continue
		tool=$(awk 'END { print $1 }' "$f")
		missing="$missing$("$L/ld-linux-x86-64.so.2" --library-path \
			"$L:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu" --list "$tool" 2>&1 |
			grep 'not found' | sed "s|^|$(basename "$f"): |")"
	done
	[ -z "$missing" ] || { vm_log "libraries missing for sid's tools:"; echo "$missing" >&2; return 1; }
	"$CACHE/sid/bin/mkfs.xfs" -V >/dev/null 2>&1 || { vm_log "sid's mkfs.xfs -V fails"; return 1; }
	[ -x "$CACHE/sid/bin/mkzonefs" ] || { vm_log "no mkzonefs in zonefs-tools"; return 1; }
	echo "$debs" >"$CACHE/sid/.complete"
	for f in "$CACHE"/debs/sid/*.deb; do
		grep -qxF "$f" <<<"$debs" || rm -f "$f"
	done
	vm_log "sid tools ready: $("$CACHE/sid/bin/mkfs.xfs" -V 2>&1 | head -n1)"
}

# --- main ------------------------------------------------------------------

mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ] ||
	vm_die "cannot write to the cache directory $CACHE (set ZWSIM_VM_CACHE)"
exec 9>"$CACHE/.lock"
flock 9

need_kernel=1
if [ "$REFRESH" != 1 ] && [ -r "$CACHE/current-kernel" ] &&
	kernel_complete "$(cat "$CACHE/current-kernel")" &&
	{ [ -z "${ZWSIM_VM_KVER:-}" ] || [ "$(cat "$CACHE/current-kernel")" = "$ZWSIM_VM_KVER" ]; }; then
	need_kernel=0
fi
need_tools=1
[ "$REFRESH" != 1 ] && tools_complete && need_tools=0
[ $need_kernel = 0 ] && [ $need_tools = 0 ] && exit 0

MIRROR=$(mirror)
if [ $need_kernel = 1 ]; then
	ok=0
	for suite in ${ZWSIM_VM_KERNEL_SUITE:-sid trixie-backports}; do
		if fetch_kernel "$suite"; then ok=1; break; fi
		vm_log "no usable kernel from $suite"
	done
	[ $ok = 1 ] || vm_die "could not fetch a guest kernel from $MIRROR (see the messages above)"
fi
if [ $need_tools = 1 ]; then
	fetch_tools || vm_die "could not fetch sid's xfsprogs and zonefs-tools from $MIRROR (see the messages above)"
fi
vm_log "cache ready in $CACHE: kernel $(cat "$CACHE/current-kernel"), $(du -sh "$CACHE" | cut -f1)"
