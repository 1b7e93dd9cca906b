#!/bin/bash
# SPDX-License-Identifier: MIT
#
# fetch-headers.sh OUTDIR: fio's headers, for building zwsim-fio.so against
# the fio Debian installed.  fio installs no headers, so this fetches
# Debian's own source package of the installed version (apt-get source,
# with a private apt configuration adding the deb-src line bookworm's
# default sources lack; the system's apt state is never touched), unpacks
# it and runs its configure (config-host.h) as Debian's rules do.  Only the
# headers are used; nothing of fio is committed to zwsim.
#
# Cached: ZWSIM_FIO_CACHE (default /var/cache/zwsim-fio when writable, else
# build/fio-cache).  OUTDIR/fio-src is the configured tree; OUTDIR/version
# the version it is.  Exits non-zero with a message saying what is missing.
set -euo pipefail

out=${1:?usage: fetch-headers.sh OUTDIR}
die() { echo "fetch-headers: $*" >&2; exit 1; }

command -v fio >/dev/null || die "fio is not installed (apt-get install fio): the engine is built for the installed fio"
# the source package's version: a binary rebuild (3.33-3+b1) has the same source
installed=$(dpkg-query -W -f '${source:Version}' fio 2>/dev/null) && [ -n "$installed" ] ||
	die "cannot ask dpkg for fio's version (is fio from a Debian package?)"
binver=$(fio --version 2>/dev/null | sed 's/^fio-//')
upstream=${installed%-*}
upstream=${upstream#*:}
[ "$binver" = "$upstream" ] ||
	die "fio --version says $binver but the Debian package is $installed: which fio is on PATH? ($(command -v fio))"

if [ -f "$out/version" ] && [ "$(cat "$out/version")" = "$installed" ] &&
   [ -f "$out/fio-src/config-host.h" ]; then
	exit 0
fi

cache=${ZWSIM_FIO_CACHE:-}
if [ -z "$cache" ]; then
	if mkdir -p /var/cache/zwsim-fio 2>/dev/null && [ -w /var/cache/zwsim-fio ]; then
		cache=/var/cache/zwsim-fio
	else
		cache=$(pwd)/build/fio-cache
	fi
fi
mkdir -p "$cache"
dsc=$cache/fio_${installed#*:}.dsc

if [ ! -f "$dsc" ]; then
	mirror=$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v -e security -e '^cdrom:' | head -n1 || true)
	if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
		mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
			/etc/apt/sources.list | grep -v security | grep /debian | head -n1 || true)
	fi
	mirror=${ZWSIM_FIO_MIRROR:-${mirror:-http://deb.debian.org/debian}}
	suite=${ZWSIM_FIO_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}
	apt=$cache/apt
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	cat >"$apt/zwsim.sources" <<-EOF
	Types: deb-src
	URIs: $mirror
	Suites: $suite
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	opts=(-o "Dir::Etc::SourceList=$apt/zwsim.sources" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o APT::Sandbox::User=root -o Acquire::Languages=none
		-o Acquire::Retries=2 -o Acquire::http::Timeout=30 -o Debug::NoLocking=1)
	echo "fetch-headers: fetching Debian's source of fio $installed from $mirror ($suite) into $cache" >&2
	if ! apt-get "${opts[@]}" -q update >"$cache/update.log" 2>&1 || grep -q '^[WE]:' "$cache/update.log"; then
		sed 's/^/    /' "$cache/update.log" >&2
		die "could not fetch the $suite source lists from $mirror (offline? set ZWSIM_FIO_MIRROR, or put fio_${installed#*:}.dsc and its tarballs in $cache)"
	fi
	if ! (cd "$cache" && apt-get "${opts[@]}" -q source --download-only "fio=$installed") >"$cache/source.log" 2>&1; then
		sed 's/^/    /' "$cache/source.log" >&2
		die "apt-get source fio=$installed failed: the mirror may no longer carry that version (put fio_${installed#*:}.dsc and its tarballs in $cache)"
	fi
fi

rm -rf "$out/fio-src.tmp"
mkdir -p "$out"
dpkg-source --no-check -x "$dsc" "$out/fio-src.tmp" >"$cache/extract.log" 2>&1 ||
	{ sed 's/^/    /' "$cache/extract.log" >&2; die "dpkg-source could not unpack $dsc"; }
# configure as debian/rules does (only config-host.h is used)
(cd "$out/fio-src.tmp" && ./configure --disable-native --prefix=/usr >configure.log 2>&1) ||
	{ sed 's/^/    /' "$out/fio-src.tmp/configure.log" >&2; die "fio's configure failed"; }
rm -rf "$out/fio-src"
mv "$out/fio-src.tmp" "$out/fio-src"
echo "$installed" >"$out/version"
echo "fetch-headers: fio $installed headers in $out/fio-src" >&2
