"""zwsim ublk on the host: the refusals it makes before the kernel is asked.

Serving a device needs Linux 6.6+ with ublk_drv and root; that runs in the
VM tier (tests/vm/ublk.sh).  Here: usage and spec errors (exit 2, nothing
started), a refusal without root, and a refusal on a kernel without ublk,
each in one clear sentence (exit 1).
"""
import os
import subprocess

import pytest

GEO = "emu:zones=8,zone_size=16M,conv=1"


@pytest.mark.parametrize("args, msg", [
    ((), "zwsim ublk: --dev SPEC is required (an emu: or file: device)\n"),
    (("--dev", GEO, "--qd", "0"), "zwsim ublk: --qd 0: a number from 1 to 4096\n"),
    (("--dev", GEO, "--qd", "4097"), "zwsim ublk: --qd 4097: a number from 1 to 4096\n"),
    (("--dev", GEO, "extra"), "zwsim ublk: unexpected argument 'extra'\n"),
    (("--dev", "zbd:/dev/nullb0"), "zwsim ublk: --dev zbd:/dev/nullb0: ublk serves emulated devices (emu: or file:)\n"),
    (("--dev", "emu:zones=8,zone_size=48M"),
     "zwsim ublk: --dev: zone_size=98304 sectors: null_blk zone sizes must be a power of two\n"),
    (("--dev", "emu:zones=8,zone_size=16M,data=tags"),
     "zwsim ublk: --dev: the device keeps only tags (data=tags, or data=auto above 16G): "
     "the kernel reads bytes; add data=bytes\n"),
])
def test_usage_and_spec_errors_exit_2_with_one_line(zw, args, msg):
    r = zw("ublk", *args)
    assert r.rc == 2
    assert r.out == ""
    assert r.err == msg


def test_help_teaches_with_examples(zw):
    r = zw("ublk", "--help")
    assert r.rc == 0
    assert "usage: zwsim ublk --dev SPEC" in r.out
    assert "blkzone report /dev/ublkb0" in r.out
    assert "--sleep-latency" in r.out


def _as_nobody():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def test_without_root_it_refuses_before_touching_the_kernel(zwsim):
    if os.geteuid() == 0:
        p = subprocess.run([zwsim.path, "ublk", "--dev", GEO], capture_output=True, text=True,
                           preexec_fn=_as_nobody, timeout=30)
    else:
        p = subprocess.run([zwsim.path, "ublk", "--dev", GEO], capture_output=True, text=True,
                           timeout=30)
    assert p.returncode == 1, p.stderr
    assert p.stdout == ""
    assert p.stderr == ("zwsim ublk: needs root (ublk devices are added through "
                        "/dev/ublk-control with CAP_SYS_ADMIN)\n")


@pytest.mark.skipif(os.path.exists("/dev/ublk-control") or os.geteuid() != 0,
                    reason="this host has ublk (the VM tier serves devices), or no root")
def test_a_kernel_without_ublk_is_named(zw):
    r = zw("ublk", "--dev", GEO)
    assert r.rc == 1
    assert r.out == ""
    assert r.err == ("zwsim ublk: /dev/ublk-control is missing: this kernel has no ublk driver "
                     "(CONFIG_BLK_DEV_UBLK; modprobe ublk_drv)\n")
