"""zwsim check after device faults: the open and active zone counts follow
what the device did, not what the host asked.  A write or append past a
limit that the device refused (BLK_STS_ZONE_ACTIVE_RESOURCE or
_OPEN_RESOURCE) opened nothing; an explicit open at max_open makes the
device close an implicitly open zone; a zone made read-only or offline by
a fault gives its resources back (null_set_zone_cond()).  Each case has a
log that must be clean and its twin that must be flagged
(tests/data/check/faults/), and random zwsim fs scripts with injected
faults (tests/py/scriptfuzz.py) must give no violation at all."""
import json
import pathlib

import pytest

import scriptfuzz

DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "check" / "faults"
CASES = {
    "refused-past-active-limit": "active-limit",
    "explicit-open-closes-implicit": "open-limit",
    "read-only-frees-active": "active-limit",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_fault_log_is_clean_and_its_twin_flagged(zw, name):
    res = zw("check", "--json", DATA / (name + ".good.jsonl"))
    assert res.rc == 0, res
    assert json.loads(res.out)["violations"] == 0
    res = zw("check", "--json", DATA / (name + ".bad.jsonl"))
    assert res.rc == 1, res
    assert [v["rule"] for v in json.loads(res.out)["traces"][0]["list"]] == [CASES[name]]


@pytest.mark.parametrize("fsname", ["zonefs", "xfs-zoned"])
def test_random_runs_with_device_faults_give_no_violation(zwsim, tmp_path, fsname):
    refused = readonly = faulted = 0
    for seed in range(60):
        dev, opts, text = scriptfuzz.fs_case(seed, fsname)
        log = tmp_path / ("%d.jsonl" % seed)
        res = zwsim("fs", "--fs", fsname, "--dev", dev, *opts, "--check", "--log", log, "-", input=text,
                    timeout=120)
        assert res.rc == 0 and " 0 violations" in res.err, (seed, dev, opts, res.err[-3000:])
        body = log.read_text()
        refused += "_RESOURCE\"" in body
        readonly += '"to":"ro"' in body or '"to":"ol"' in body
        faulted += "inject" in text
        res = zwsim("check", "--json", log)
        assert res.rc == 0 and json.loads(res.out)["violations"] == 0, (seed, res.out[-3000:])
    # the sweep reaches the cases above: faults, refused writes, zones made read-only
    assert faulted >= 30, faulted
    if fsname == "zonefs":
        assert refused >= 5 and readonly >= 5, (refused, readonly)


def test_a_block_trace_refusal_past_the_limit_is_not_a_violation(zw, tmp_path):
    from test_check import TRACEFS_GOOD, zone_report
    (tmp_path / "report.txt").write_text(zone_report())
    # with max_active 1 the appends to a second zone: taken, a violation; refused (-EOVERFLOW), none
    refused = TRACEFS_GOOD.replace("ZA () 1048576 + 8 none,0,0 [0]", "ZA () 1048576 + 8 none,0,0 [-75]") \
                          .replace("ZA () 1048584 + 8 none,0,0 [0]", "ZA () 1048576 + 8 none,0,0 [-75]")
    for text, rc in ((TRACEFS_GOOD, 1), (refused, 0)):
        (tmp_path / "t.txt").write_text(text)
        res = zw("check", "--json", "--zones", tmp_path / "report.txt", "--max-active", "1", tmp_path / "t.txt")
        assert res.rc == rc, res
