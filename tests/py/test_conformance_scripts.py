"""The conformance scripts (tests/conformance, run against real devices by
the VM tier) stay valid: each one says what it checks, zs-expand makes it
concrete for the geometries of the VM tier's devices (scaled down), and it
runs there without a usage error or bad data.  What the devices answer is
the VM tier's business; here only that the scripts can be asked."""
import glob
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CONF = os.path.normpath(os.path.join(HERE, "..", "conformance"))
EXPAND = os.path.join(CONF, "zs-expand")
SCRIPTS = sorted(glob.glob(os.path.join(CONF, "*.zs")))

# the VM tier's devices (tests/vm/run.sh), with smaller zones
GEOMETRIES = {
    "nullb-seq": "emu:model=nullblk,zones=16,zone_size=4M",
    "nullb-conv": "emu:model=nullblk,zones=16,zone_size=4M,zone_cap=3M,conv=2,max_open=4,max_active=6",
    "nullb-512": "emu:model=nullblk,zones=32,zone_size=1M,zone_cap=768k,conv=4,max_open=3,max_active=3,"
                 "lba=512,max_append=32k",
    "nullb-limits": "emu:model=nullblk,zones=16,zone_size=4M,zone_cap=3M,conv=2,max_open=3,max_active=5",
    "zns": "emu:model=zns,zones=16,zone_size=4M,zone_cap=3M,max_open=8,max_active=10",
    "zbc": "emu:model=zbc,zones=16,zone_size=4M,conv=2,max_open=4",
}


def expand(zwsim, spec, script):
    env = dict(os.environ, ZWSIM=zwsim.path)
    return subprocess.run([EXPAND, spec, script], capture_output=True, text=True, env=env, timeout=60)


def test_there_are_scripts_and_each_one_says_what_it_checks():
    assert len(SCRIPTS) >= 20
    for s in SCRIPTS:
        with open(s) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip()]
        comments = [ln for ln in lines if ln.startswith("#") and "requires:" not in ln]
        assert len(comments) >= 2, "%s: no comment saying what it checks" % s


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: os.path.basename(s)[:-3])
def test_each_script_applies_to_a_vm_device_and_runs_there(zwsim, script, tmp_path):
    applied = 0
    for name, spec in GEOMETRIES.items():
        r = expand(zwsim, spec, script)
        if r.returncode == 3:
            assert "requires:" in r.stderr
            continue
        assert r.returncode == 0, (name, r.stderr)
        ops = [ln.split("#")[0] for ln in r.stdout.splitlines()]
        assert not any("$" in op or "@for" in op for op in ops), (name, r.stdout)
        applied += 1
        concrete = tmp_path / ("%s.zs" % name)
        concrete.write_text(r.stdout)
        opts = [["--verify"]] + ([["--verify", "--raw"]] if name == "zns" else [])
        for o in opts:
            run = zwsim("zone", "run", *o, "--dev", spec, str(concrete))
            assert run.rc == 0, (name, o, run.err, run.out)
            assert "bad@" not in run.out
    assert applied, "%s applies to none of the VM tier's devices" % script


def test_zs_expand_names_requires_and_for(zwsim, tmp_path):
    s = tmp_path / "t.zs"
    s.write_text("# requires: MO >= 2\n# a comment with $S0\n"
                 "@for i 0 MO-1: open $((S0 + i))  # slot $i\n"
                 "write $S1 $((CAP - 1)) 1\n@for i 1 0: never\n")
    r = expand(zwsim, "emu:zones=8,zone_size=1M,zone_cap=512k,conv=2,max_open=2", str(s))
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("# requires: MO >= 2\n# a comment with $S0\n"
                        "open 2  # slot $i\nopen 3  # slot $i\nwrite 3 127 1\n")
    r = expand(zwsim, "emu:zones=8,zone_size=1M,max_open=1", str(s))
    assert r.returncode == 3 and "requires: MO >= 2" in r.stderr
    s.write_text("write $C0 0 1\n")
    r = expand(zwsim, "emu:zones=8,zone_size=1M", str(s))
    assert r.returncode == 2 and "t.zs:1" in r.stderr
