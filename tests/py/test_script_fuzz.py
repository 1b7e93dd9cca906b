"""Bad input deep inside: seeded random scripts of valid operations with
random values (offsets and lengths at and across block, zone and file
edges), faults injected, random mount and dirty-policy options and
completion orders (--order shuffle with seeds), for `zwsim fs` on each file
system model and for `zwsim zone run`, all with --verify, run by the
ASan+UBSan binary ($ZWSIM_SAN).  Each must finish without a crash or a
sanitizer report, and verify: exit 0 for `zwsim fs` (every byte read back
as the calls' results say), 0 or 1 for `zwsim zone run` (1: an operation
failed, which a random script does; never a read that did not verify).

ZWSIM_FUZZ_SEEDS=N runs N seeds of each kind (default 16, about 20 s in
all); ZWSIM_FUZZ_FIRST=K starts at seed K, for a new set.  A failing case
prints its device, options and script: make it a fixed regression test in
tests/py/test_fuzz_regressions.py."""
import os

import pytest

import scriptfuzz

SEEDS = int(os.environ.get("ZWSIM_FUZZ_SEEDS", "16"))
FIRST = int(os.environ.get("ZWSIM_FUZZ_FIRST", "0"))
SEED_RANGE = range(FIRST, FIRST + SEEDS)


def describe(dev, opts, text):
    return "device %s, options %s, script:\n%s" % (dev, " ".join(opts), text)


@pytest.mark.parametrize("fsname", ["zonefs", "xfs-zoned", "xfs"])
@pytest.mark.parametrize("seed", SEED_RANGE)
def test_random_fs_script_runs_clean_under_the_sanitizers_and_verifies(zwsim_san, fsname, seed):
    dev, opts, text = scriptfuzz.fs_case(seed, fsname)
    r = zwsim_san("fs", "--fs", fsname, "--dev", dev, *opts, "-", input=text, timeout=120)
    assert r.rc == 0, "%s\nstderr: %s" % (describe(dev, opts, text), r.err[-2000:])


@pytest.mark.parametrize("seed", SEED_RANGE)
def test_random_zone_script_runs_clean_under_the_sanitizers_and_verifies(zwsim_san, seed):
    dev, opts, text = scriptfuzz.zone_case(seed)
    r = zwsim_san("zone", "run", "--dev", dev, *opts, "-", input=text, timeout=120)
    assert r.rc in (0, 1), "%s\nstderr: %s" % (describe(dev, opts, text), r.err[-2000:])
    assert "did not verify" not in r.err and "data=bad" not in r.out, describe(dev, opts, text)


def test_the_generator_is_deterministic_and_reaches_every_operation():
    ops = set()
    for fsname in ("zonefs", "xfs-zoned", "xfs"):
        assert scriptfuzz.fs_case(3, fsname) == scriptfuzz.fs_case(3, fsname)
        for seed in range(40):
            ops |= {line.split()[0] for line in scriptfuzz.fs_case(seed, fsname)[2].splitlines()}
    assert ops >= {"open", "close", "write", "dwrite", "append", "read", "truncate", "unlink", "fsync",
                   "sync", "hint", "inject", "reflink", "fallocate"}
    zops = set()
    for seed in range(40):
        zops |= {line.split()[0] for line in scriptfuzz.zone_case(seed)[2].splitlines()}
    assert zops >= {"open", "close", "finish", "reset", "write", "append", "read", "report", "flush", "inject"}
