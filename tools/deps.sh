#!/bin/sh
# Install the Debian packages zwsim's build and tests need.  Idempotent, and
# quiet when everything is present.  Run as root (or with sudo available).
set -eu

PACKAGES="gcc make pkg-config libc6-dev libjson-c-dev libzbd-dev libblkid-dev libnvme-dev libcmocka-dev liburing-dev python3 python3-pytest
	zlib1g-dev libzstd-dev liblzma-dev libbz2-dev zstd xz-utils bzip2
	clang libclang-rt-14-dev fio fio-examples blktrace
	chromium chromium-driver python3-selenium python3-pexpect
	slurm-wlm munge man-db groff-base"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "deps: these packages are missing and installing them needs root:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
echo "deps: done"
