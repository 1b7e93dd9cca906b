"""zwsim sweep on this machine: expansion and run names, the runs against
zwsim replay run by hand, the merged table, resuming after a run killed
mid-way, --commands, --plot, the Slurm script's estimate, and the matrix
errors."""
import json
import os
import re
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from sweep_util import read_csv, results, write_iolog, write_matrix

DEV_A = "emu:zones=32,zone_size=1M,max_open=4,model=zns"
DEV_B = "emu:zones=16,zone_size=2M,max_open=4,model=zns"


@pytest.fixture
def study(tmp_path):
    """Two traces, two devices, two profiles, one exclude, one include: 7 runs."""
    write_iolog(tmp_path / "a.iolog", 1500, seed=1)
    write_iolog(tmp_path / "b.iolog", 800, seed=2, span_blocks=512)
    m = {
        "name": "study",
        "fixed": {"fs": "xfs-zoned"},
        "axes": {
            "trace": ["a.iolog", "b.iolog"],
            "dev": [{"label": "1M", "value": DEV_A}, {"label": "2M", "value": DEV_B}],
            "profile": ["nullblk", "zn540"],
        },
        "exclude": [{"trace": "b.iolog", "profile": "zn540"}],
        "include": [{"trace": "b.iolog", "dev": "emu:zones=8,zone_size=4M", "fs": "zonefs"}],
    }
    write_matrix(tmp_path / "study.json", m)
    return tmp_path, m


def dry_names(zwsim, matrix):
    r = zwsim("sweep", "--dry-run", matrix)
    assert r.rc == 0, r
    return [ln.split()[1] for ln in r.lines if not ln.startswith(" ")], r


def test_expansion_and_stable_names(zwsim, study):
    d, m = study
    names, r = dry_names(zwsim, d / "study.json")
    assert len(names) == 7 and len(set(names)) == 7, r
    assert "7 runs (2 excluded, 1 included)" in r.err, r
    assert not any("trace-b" in n and "profile-zn540" in n for n in names), names
    assert "trace-a_dev-1M_profile-zn540_" in " ".join(names)
    # the same runs written in another order: the same names
    m2 = dict(m)
    m2["axes"] = {"profile": ["zn540", "nullblk"], "dev": m["axes"]["dev"][::-1],
                  "trace": ["b.iolog", "a.iolog"]}
    write_matrix(d / "again.json", m2)
    assert sorted(dry_names(zwsim, d / "again.json")[0]) == sorted(names)
    # another value changes the name's hash
    m2["fixed"] = {"fs": "xfs-zoned", "seed": 3}
    write_matrix(d / "seeded.json", m2)
    seeded = dry_names(zwsim, d / "seeded.json")[0]
    assert not set(seeded) & set(names)
    assert not os.path.exists(d / "study.sweep"), "--dry-run wrote something"


def test_local_sweep_matches_replay_by_hand(zwsim, study):
    d, _ = study
    r = zwsim("sweep", "--jobs", "2", d / "study.json", timeout=300)
    assert r.rc == 0, r
    assert "7 runs: 7 done now, 0 done before, 0 failed" in r.err, r
    out = d / "study.sweep"
    plan = json.loads((out / "plan.json").read_text())
    got = results(out)
    assert sorted(got) == [p["name"] for p in plan["runs"]]
    for p in plan["runs"]:
        by_hand = zwsim("replay", *p["argv"], timeout=120)
        assert by_hand.rc == 0, by_hand
        assert got[p["name"]] == by_hand.out, p["name"]
    # profile= reached the device spec
    zn = [p for p in plan["runs"] if p["params"].get("profile") == "zn540"]
    assert zn and all(any("profile=zn540" in a for a in p["argv"]) for p in zn)
    # the table: one row a run, parameters then figures, the figures the reports'
    rows = read_csv(out / "results.csv")
    assert [row["name"] for row in rows] == sorted(got)
    for row in rows:
        rep = json.loads(got[row["name"]])
        assert float(row["wa_device"]) == rep["write_amplification"]["device"]
        assert int(row["gc_moved"]) == rep["bytes"]["gc_moved"]
        assert int(row["zone_resets"]) == rep["zone_ops"]["resets"]
        assert int(row["errors"]) == rep["errors"]["total"]
        assert int(row["records_replayed"]) == sum(rep["records"]["replayed"].values())
        flush = rep["latency_ns"].get("flush")
        assert row["flush_p99_ns"] == (str(flush["p99"]) if flush else "")
    js = json.loads((out / "results.json").read_text())
    assert js["done"] == 7 and js["missing"] == []
    assert [x["figures"]["device_written"] for x in js["results"]] == [int(r["device_written"]) for r in rows]
    # the profiles change what the device did: the study measures something
    assert len({row["elapsed_ns"] for row in rows if row["trace"] == "a.iolog"}) > 1
    # a second sweep does nothing
    again = zwsim("sweep", d / "study.json")
    assert again.rc == 0 and "0 done now, 7 done before" in again.err, again


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_resume_after_a_killed_run(zwsim, tmp_path):
    """Kill the middle run's replay mid-way: the sweep goes on and reports it;
    the next sweep redoes that run only, and its figures are what a sweep
    that was never interrupted gives."""
    write_iolog(tmp_path / "a.iolog", 400, seed=1)
    write_iolog(tmp_path / "b.iolog", 400000, seed=2)      # a second or more with --direct
    write_iolog(tmp_path / "c.iolog", 400, seed=3)
    m = {"fixed": {"fs": "xfs-zoned", "dev": "emu:zones=32,zone_size=1M", "direct": True},
         "axes": {"trace": ["a.iolog", "b.iolog", "c.iolog"]}}
    write_matrix(tmp_path / "m.json", m)
    out = tmp_path / "m.sweep"
    env = dict(os.environ, ZWSIM_PROGRESS="0")
    p = subprocess.Popen([zwsim.path, "sweep", "--jobs", "1", str(tmp_path / "m.json")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        for c in children(p.pid):
            if "b.iolog" in cmdline(c):
                victim = c
        time.sleep(0.01)
    assert victim, "the run of b.iolog never started"
    # kill it as soon as its report is under way (a fixed wait let a fast
    # machine finish the run first)
    big = []
    while not big and time.monotonic() < deadline:
        big = [f for f in os.listdir(out / "runs") if f.startswith("trace-b")]
        time.sleep(0.005)
    assert big and big[0].endswith(".json.part"), "the run of b.iolog ended before it could be killed: %r" % big
    # a second sweep in the same directory meanwhile: refused
    two = zwsim("sweep", tmp_path / "m.json")
    assert two.rc == 2 and "another zwsim sweep is running in this directory" in two.err, two
    os.kill(victim, signal.SIGKILL)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 1, err
    assert "3 runs: 2 done now, 0 done before, 1 failed" in err, err
    name_b = big[0][: -len(".json.part")]
    assert "run %s failed" % name_b in err
    assert (out / "logs" / (name_b + ".status")).read_text() == "killed by signal 9\n"
    before = {f: os.stat(out / "runs" / f) for f in os.listdir(out / "runs") if f.endswith(".json")}
    assert len(before) == 2

    col = zwsim("sweep", "--collect", tmp_path / "m.json")
    assert col.rc == 1 and "failed %s" % name_b in col.err and "killed by signal 9" in col.err, col
    assert len(read_csv(out / "results.csv")) == 2

    r = zwsim("sweep", "--jobs", "1", tmp_path / "m.json", timeout=120)
    assert r.rc == 0 and "3 runs: 1 done now, 2 done before, 0 failed" in r.err, r
    for f, st in before.items():   # not redone
        st2 = os.stat(out / "runs" / f)
        assert (st2.st_ino, st2.st_mtime_ns) == (st.st_ino, st.st_mtime_ns), f
    # the figures of a sweep never interrupted
    ref = zwsim("sweep", "--out", tmp_path / "ref", tmp_path / "m.json", timeout=120)
    assert ref.rc == 0, ref
    assert results(out) == results(tmp_path / "ref")
    assert (out / "results.csv").read_text() == (tmp_path / "ref" / "results.csv").read_text()


def test_commands_then_collect(zwsim, study):
    d, _ = study
    r = zwsim("sweep", "--commands", "--out", d / "par", d / "study.json")
    assert r.rc == 0, r
    assert len(r.lines) == 7
    for ln in r.lines:      # what GNU parallel would run, one at a time here
        assert subprocess.run(["sh", "-c", ln]).returncode == 0, ln
    col = zwsim("sweep", "--collect", "--out", d / "par", d / "study.json")
    assert col.rc == 0 and "7 of 7 runs" in col.err, col
    loc = zwsim("sweep", d / "study.json", timeout=300)
    assert loc.rc == 0, loc
    assert (d / "par" / "results.csv").read_text() == (d / "study.sweep" / "results.csv").read_text()
    again = zwsim("sweep", "--commands", "--out", d / "par", d / "study.json")
    assert again.rc == 0 and again.out == "", again


def test_plot(zwsim, study):
    d, _ = study
    r = zwsim("sweep", "--plot", "wa_device", "--by", "dev", d / "study.json", timeout=300)
    assert r.rc == 0, r
    svg = ET.parse(d / "study.sweep" / "plot-wa_device-by-dev.svg").getroot()
    ns = "{http://www.w3.org/2000/svg}"
    circles = svg.findall(ns + "circle")
    assert len(circles) == 7
    # one line for each combination of the other axes (trace x profile, less the excluded, plus the include's)
    assert len(svg.findall(ns + "polyline")) == 4
    texts = [t.text for t in svg.iter(ns + "text")]
    assert "1M" in texts and "2M" in texts
    # the HTML page: the table, the plot inline, each run's own report (tools/report/) linked
    h = zwsim("sweep", "--collect", "--plot", "wa_device", "--by", "dev", "--html", d / "study.json", timeout=300)
    # every run has its page, the zonefs replay's too
    assert h.rc == 0 and "7 runs, 7 run pages" in h.err, h
    page = (d / "study.sweep" / "report.html").read_text()
    links = re.findall(r'<a href="html/([^"]+)\.html">', page)
    nopage = re.findall(r'title="no page of its own: [^"]+">([^ ]+) \(no page\)', page)
    assert not nopage, page
    assert sorted(links + nopage) == sorted(results(d / "study.sweep")), links
    assert "<svg" in page and page.count("<tr>") == 8
    for n in links:
        run = (d / "study.sweep" / "html" / (n + ".html")).read_text()
        assert run.startswith("<!DOCTYPE html>") and "</html>" in run, n
    bad = zwsim("sweep", "--plot", "nonsense", "--by", "dev", d / "study.json")
    assert bad.rc == 2 and "wa_device" in bad.err, bad


def test_slurm_script(zwsim, study):
    d, _ = study
    r = zwsim("sweep", "--slurm", "--throttle", "3", d / "study.json")
    assert r.rc == 0, r
    out = d / "study.sweep"
    s = (out / "slurm" / "sweep.sbatch").read_text()
    assert "#SBATCH --array=0-6%3\n" in s
    assert "#SBATCH --output=%s/slurm/%%A_%%a.out\n" % out in s
    assert 'sweep --task "$SLURM_ARRAY_TASK_ID" %s\n' % out in s
    # the documented estimate: 256 MiB + the device's size (data in bytes) + twice the trace, in 64 MiB steps;
    # 10 minutes + 1 a 4 MiB of trace
    tb = max(os.path.getsize(d / t) for t in ("a.iolog", "b.iolog"))
    dev = max(32, 32) * 1024 * 1024
    mem = (256 * 2**20 + dev + 2 * tb + 2**26 - 1) // 2**26 * 64
    assert "#SBATCH --mem=%dM\n" % mem in s, s
    assert "#SBATCH --time=0:11:00\n" in s, s
    assert not os.path.exists(out / "slurm" / "jobs"), "written only, yet submitted"


@pytest.mark.parametrize("text,msg", [
    ('{"axes": {"trace": ["a.iolog"]}, }', "m.json:1: "),
    ('{\n"fixed": {"fs": "raw", "dev": "emu:zones=4"},\n"axes": {"trace": ["a.iolog"]\n', "m.json:4: unexpected end"),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4", "trace": "a.iolog", "sed": 1}}', 'fixed: unknown parameter "sed"'),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4", "trace": "a.iolog", "seed": "x"}}', "fixed.seed: seed is a number"),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4", "trace": "a.iolog", "direct": 1}}', "direct is true or false"),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4"}, "axes": {"trace": []}}', "axes.trace: a non-empty list"),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4"}, "axes": {"trace": ["a.iolog", "a.iolog"]}}',
     "axes.trace[1]: the same value as axes.trace[0]"),
    ('{"fixed": {"fs": "raw"}, "axes": {"trace": ["a.iolog"]}}', 'no "dev"'),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4"}, "axes": {"trace": ["nothere.iolog"]}}',
     "nothere.iolog: No such file"),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4,zone_size=3k"}, "axes": {"trace": ["a.iolog"]}}', "dev emu:"),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4", "trace": "a.iolog"}, "exclude": [{"fs": "raw"}]}', "no runs"),
    ('{"fixed": {"fs": "raw", "dev": "emu:zones=4", "trace": "a.iolog"}, "colour": 1}', 'unknown key "colour"'),
    ('[1, 2]', "the matrix is a JSON object"),
])
def test_matrix_errors(zw, tmp_path, text, msg):
    write_iolog(tmp_path / "a.iolog", 3)
    (tmp_path / "m.json").write_text(text)
    r = zw("sweep", "--dry-run", tmp_path / "m.json")
    assert r.rc == 2 and msg in r.err, r


def test_sanitized_sweep_and_help(zwsim_san, tmp_path):
    write_iolog(tmp_path / "a.iolog", 50)
    write_matrix(tmp_path / "m.json", {"fixed": {"fs": "raw", "trace": "a.iolog"},
                                       "axes": {"dev": ["emu:zones=8,zone_size=1M,conv=2", "emu:zones=8,zone_size=1M,conv=1"],
                                                "qd": [1, 4]}})
    r = zwsim_san("sweep", "--jobs", "2", tmp_path / "m.json", timeout=120)
    assert r.rc == 0 and "4 runs: 4 done now" in r.err, r
    assert len(read_csv(tmp_path / "m.sweep" / "results.csv")) == 4
    for args in (("--collect",), ("--plot", "write_p99_ns", "--by", "qd"), ("--collect", "--html"), ("--slurm",),
                 ("--commands",)):
        r = zwsim_san("sweep", *args, tmp_path / "m.json")
        assert r.rc == 0, r
    p = zwsim_san("sweep", "--progress", "--out", tmp_path / "p", tmp_path / "m.json", timeout=120)
    assert p.rc == 0 and re.search(r"zwsim sweep: [1-4]/4 runs \(\d+%\)", p.err), p
    h = zwsim_san("sweep", "--help")
    assert h.rc == 0 and '"axes"' in h.out and "--slurm" in h.out and "Examples:" in h.out
