"""zwsim check on real kernel captures kept from the VM tier
(tests/data/check/vm/: NAME.trace.gz from tracefs, NAME.zones the device's zone
report before the workload, NAME.limits its open and active limits (and the
logical block size of an NVMe capture); made by tests/vm/check.sh): no
violation on any, and each fault planted by tests/vm/guest/check-plant.py is
reported first, with its rule.  zns-uring-append is of the NVMe driver's
tracepoints (zone appends through io_uring passthrough, which the block
tracepoints see without a sector); NAME.appends is the program's own log of
the LBAs it was given, which must be the capture's."""
import gzip
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
VM = ROOT / "tests" / "data" / "check" / "vm"
PLANT = ROOT / "tests" / "vm" / "guest" / "check-plant.py"
XCHECK = ROOT / "tests" / "vm" / "guest" / "uring-append-xcheck.py"
CAPTURES = sorted(p.name[:-len(".trace.gz")] for p in VM.glob("*.trace.gz"))
FAULTS = {
    "fio-zbd": ["swap-writes", "past-capacity", "open-past-limit"],
    "zonefs": ["swap-writes", "past-capacity"],
    "xfs": ["move-append", "overlap-append"],
    "zns-fio": ["swap-writes", "past-capacity"],
    "zns-uring-append": ["move-append", "overlap-append", "past-capacity", "open-past-limit"],
}
FORMAT = {"zns-uring-append": "nvme"}


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("captures")
    for name in CAPTURES:
        (d / (name + ".trace")).write_bytes(gzip.decompress((VM / (name + ".trace.gz")).read_bytes()))
    return d


def geometry(name):
    zones = (VM / (name + ".zones")).read_text()
    first = zones.splitlines()[0]
    size = int(first.split("len 0x")[1].split(",")[0], 16)
    cap = [int(l.split("cap 0x")[1].split(",")[0], 16) for l in zones.splitlines() if "type: 2" in l][0]
    return size, cap, (VM / (name + ".limits")).read_text().split()


def test_the_captures_are_there():
    assert set(FAULTS) <= set(CAPTURES), CAPTURES


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_a_real_kernel_capture_has_no_violation(zw, traces, name):
    _, _, limits = geometry(name)
    res = zw("check", "--json", "--zones", VM / (name + ".zones"), *limits, traces / (name + ".trace"))
    out = json.loads(res.out)
    assert res.rc == 0, res
    assert out["traces"][0]["format"] == FORMAT.get(name, "tracefs") and out["traces"][0]["events"] > 100


@pytest.mark.parametrize("name,fault", [(n, f) for n in sorted(FAULTS) for f in FAULTS[n]])
def test_a_planted_fault_is_reported_with_its_rule(zwsim, traces, tmp_path, name, fault):
    size, cap, limits = geometry(name)
    bad = tmp_path / "bad.trace"
    max_active = limits[limits.index("--max-active") + 1]
    lba = [limits[limits.index("--lba-size") + 1]] if "--lba-size" in limits else []
    p = subprocess.run([sys.executable, PLANT, fault, traces / (name + ".trace"), bad, str(size), str(cap), max_active,
                        *lba], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    rule = p.stdout.strip()
    res = zwsim("check", "--json", "--zones", VM / (name + ".zones"), *limits, bad)
    assert res.rc == 1, res
    rules = [v["rule"] for v in json.loads(res.out)["traces"][0]["list"]]
    assert rules[0] == rule, rules


def test_the_lbas_uring_append_got_are_the_ones_the_driver_traced(traces, tmp_path):
    appends = VM / "zns-uring-append.appends"
    p = subprocess.run([sys.executable, XCHECK, appends, traces / "zns-uring-append.trace"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("256 zone appends:"), p.stdout
    # one LBA changed in the log: the cross-check sees it
    lines = appends.read_text().splitlines()
    zslba = lines[0].split()[1]
    lines[0] = lines[0].replace(" lba=", " lba=1")
    (tmp_path / "bad.appends").write_text("\n".join(lines) + "\n")
    p = subprocess.run([sys.executable, XCHECK, tmp_path / "bad.appends", traces / "zns-uring-append.trace"],
                       capture_output=True, text=True)
    assert p.returncode == 1 and zslba in p.stdout and "in the log" in p.stdout, p.stdout + p.stderr


def test_an_nvme_capture_needs_the_lba_size(zwsim, traces):
    res = zwsim("check", "--zones", VM / "zns-uring-append.zones", traces / "zns-uring-append.trace")
    assert res.rc == 2 and "--lba-size" in res.err, res
