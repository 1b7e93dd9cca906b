# SPDX-License-Identifier: MIT
"""zwsim zone gen: seeded random scripts that reach every class of issue 10."""
import re

import pytest

SPECS = [
    "emu:model=nullblk,zones=16,zone_size=4M,zone_cap=3M,conv=2,max_open=3,max_active=5,max_sectors=248",
    "emu:model=zns,zones=16,zone_size=4M,zone_cap=3M,max_open=3,max_active=5",
    "emu:model=zbc,zones=16,zone_size=4M,conv=2,max_open=4",
]


def gen(zw, spec, seed, *opts):
    r = zw.zone("gen", spec, "--seed", seed, *opts)
    assert r.rc == 0, r
    return [l for l in r.out.splitlines() if l and not l.startswith("#")]


@pytest.mark.parametrize("spec", SPECS)
def test_same_seed_same_script_and_300_operations_by_default(zw, spec):
    a, b, c = gen(zw, spec, 7), gen(zw, spec, 7), gen(zw, spec, 8)
    assert a == b
    assert a != c
    assert len(a) == 301  # 300 operations and the closing report of every zone


@pytest.mark.parametrize("spec", SPECS)
def test_scripts_reach_every_class(zw, spec):
    info = zw.zone("info", spec, "--json")
    zsz = int(re.search(r'"zone_size_sectors": *(\d+)', info.out).group(1)) // 8
    cap = int(re.search(r'"zone_capacity_sectors": *(\d+)', info.out).group(1)) // 8
    maxb = {"nullblk": 248, "zns": 1024, "zbc": 1024}[spec.split("model=")[1].split(",")[0]] // 8
    ops = [l for seed in range(1, 6) for l in gen(zw, spec, seed)]
    kinds = {l.split()[0] for l in ops}
    assert {"write", "append", "read", "report", "open", "close", "finish", "reset"} <= kinds
    assert "reset all" in ops
    writes = [tuple(map(int, l.split()[1:])) for l in ops if l.startswith("write ")]
    assert any(off + n > zsz for _, off, n in writes), "a write into the next zone"
    assert any(off < cap < off + n for _, off, n in writes), "a write across the capacity"
    assert any(cap - 4 <= off < cap for _, off, n in writes), "offsets near the capacity"
    assert any(zsz - 3 <= off < zsz for _, off, n in writes), "offsets near the zone end"
    assert any(n > maxb for _, off, n in writes), "a write longer than max_sectors"


def test_writes_follow_failed_ones_and_the_script_runs_on_the_twin(zw):
    spec = SPECS[0]
    text = "\n".join(gen(zw, spec, 3)) + "\n"
    r = zw("zone", "run", "--verify", "--dev", spec, "-", input=text)
    assert r.rc in (0, 1), r
    lines = r.out.splitlines()
    failed = [i for i, l in enumerate(lines[:300]) if "=> OK" not in l and l.startswith("write")]
    assert failed, "some writes fail"
    # after a failed write, often a write to the same zone (or the next)
    followed = 0
    for i in failed:
        z = int(lines[i].split()[1])
        if i + 1 < 300 and lines[i + 1].startswith("write ") and int(lines[i + 1].split()[1]) in (z, z + 1):
            followed += 1
    assert followed >= len(failed) // 4
    statuses = {l.split("=> ")[1].split()[0] for l in lines}
    assert {"OK", "BLK_STS_IOERR", "BLK_STS_ZONE_ACTIVE_RESOURCE"} <= statuses
    # no report between operations: the same script, lines end after the status
    r = zw("zone", "run", "--no-report", "--dev", spec, "-", input=text)
    assert all(" cond=" not in l for l in r.out.splitlines() if not l.startswith("report"))
