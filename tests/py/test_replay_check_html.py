"""zwsim replay --check (zwsim check's rules on the replay's own event log,
as it is written) and zwsim replay --html FILE (zwsim report's page of the
run, written directly)."""
import json
import os
import re
import subprocess

from conftest import check_no_crash, Result

KiB = 1024
MiB = 1024 * KiB
RAW = "emu:zones=8,zone_size=1M,conv=1"


def iolog(writes):
    """A fio iolog of (OFFSET, LEN) writes."""
    out = ["fio version 2 iolog", "v add", "v open"]
    out += ["v write %d %d" % w for w in writes]
    out.append("v close")
    return "\n".join(out) + "\n"


# eight 4 KiB writes in order at the start of zone 1: correct at any depth with plugging
SEQ = iolog([(MiB + i * 4 * KiB, 4 * KiB) for i in range(8)])
# buffered file writes, for a result with files
FILES = iolog([(i * 64 * KiB, 64 * KiB) for i in range(6)] + [(2 * MiB, 128 * KiB)])


def check_summary(err):
    m = re.search(r"zwsim replay: check: (\d+) events, (\d+) violations?\n", err)
    assert m, err
    return int(m.group(1)), int(m.group(2))


def test_replay_check_clean_run(zw):
    # raw: each record a bio, issued and completed; xfs-zoned: writeback merges them into one
    for fs, dev, qd, least in (("raw", RAW, "8", 16), ("xfs-zoned", "emu:zones=16,zone_size=1M,conv=2", "1", 2)):
        r = zw("replay", "--dev", dev, "--fs", fs, "--qd", qd, "--check", "--json", "-", input=SEQ)
        assert r.rc == 0, r
        events, violations = check_summary(r.err)
        assert violations == 0 and events >= least, r.err
        assert "write-not-at-wp" not in r.err
        assert json.loads(r.out)["records"]["replayed"]["write"] == 8


def test_replay_check_flags_unplugged_writes_at_depth(zw):
    # without zone write plugging, writes in flight together reach the device
    # out of order when completions are shuffled: the checker names the rule
    r = zw("replay", "--dev", RAW + ",zone_wplug=0", "--fs", "raw", "--qd", "8", "--check",
           "--order", "shuffle", "--seed", "1", "--json", "-", input=SEQ)
    assert r.rc == 1, r
    events, violations = check_summary(r.err)
    assert violations >= 1
    assert r.err.count("zwsim replay: check: line ") == violations
    assert "write-not-at-wp" in r.err
    assert "blk_zone_wplug_prepare_bio()" in r.err
    # the replay's result is still printed: failed records are results
    rep = json.loads(r.out)
    assert rep["records"]["failed"]["write"] >= 1
    # the same run without --check: nothing checked, exit 0
    r2 = zw("replay", "--dev", RAW + ",zone_wplug=0", "--fs", "raw", "--qd", "8",
            "--order", "shuffle", "--seed", "1", "--json", "-", input=SEQ)
    assert r2.rc == 0 and "check:" not in r2.err
    assert json.loads(r2.out) == rep


def test_replay_check_agrees_with_zwsim_check_on_the_log(zwsim, tmp_path):
    log = tmp_path / "l.jsonl"
    r = zwsim("replay", "--dev", RAW + ",zone_wplug=0", "--fs", "raw", "--qd", "4", "--check",
              "--order", "shuffle", "--seed", "2", "--log", log, "-", input=SEQ)
    _, violations = check_summary(r.err)
    c = zwsim("check", "--json", log)
    assert c.rc == (1 if violations else 0), c
    assert json.loads(c.out)["violations"] == violations
    assert r.rc == (1 if violations else 0)


def run_in(zw, cwd, *args, input=None):
    """zw(...) in directory @cwd, so that the names on the page are the ones given."""
    argv = [zw.path] + [str(a) for a in args]
    p = subprocess.run(argv, input=input, capture_output=True, text=True, cwd=cwd, timeout=60)
    res = Result(argv, p.returncode, p.stdout, p.stderr)
    check_no_crash(res)
    return res


def assert_page_holds(html, result):
    assert html.startswith("<!DOCTYPE html>")
    zones = [(int(z), c) for z, c in re.findall(r'<tr data-zone="(\d+)" data-cond="(\w+)"', html)]
    assert zones == [(z["zone"], z["cond"]) for z in result["zones"]]
    files = dict((n, int(s)) for n, s in re.findall(r'<tr data-file="([^"]*)" data-size="(\d+)"', html))
    assert files == {n: f["size"] for n, f in result.get("files", {}).items()}


def test_replay_html_with_log_is_zwsim_reports_page(zw, tmp_path):
    r = run_in(zw, tmp_path, "replay", "--dev", "emu:zones=16,zone_size=1M,conv=2", "--fs", "xfs-zoned",
               "--json", "--log", "L.jsonl", "--html", "A.html", "-", input=FILES)
    assert r.rc == 0, r
    result = json.loads(r.out)
    assert result["files"], result
    html = (tmp_path / "A.html").read_text()
    assert_page_holds(html, result)
    # zwsim report on the same result (named as the page names it) and log gives the same bytes
    (tmp_path / "result").write_text(r.out)
    r2 = run_in(zw, tmp_path, "report", "--json", "result", "--log", "L.jsonl", "-o", "B.html")
    assert r2.rc == 0, r2
    assert (tmp_path / "A.html").read_bytes() == (tmp_path / "B.html").read_bytes()


def test_replay_html_without_log_leaves_nothing_behind(zw, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    pages = []
    for i in range(2):
        out = tmp_path / ("p%d.html" % i)
        r = zw("replay", "--dev", RAW, "--fs", "raw", "--qd", "4", "--json", "--html", out, "-",
               input=SEQ, env={"TMPDIR": str(tmp)})
        assert r.rc == 0, r
        assert_page_holds(out.read_text(), json.loads(r.out))
        pages.append(out.read_bytes())
    assert os.listdir(tmp) == []          # the temporary log is gone
    assert pages[0] == pages[1]           # and named by no random path: deterministic
    # the log was there: the page has the events over time
    assert b'id="time"' in pages[0]


def test_replay_html_bad_uses(zw, tmp_path):
    r = zw("replay", "--dev", RAW, "--fs", "raw", "--html", tmp_path / "x.html", "--log", "-", "-", input=SEQ)
    assert r.rc == 2 and "--log" in r.err and not (tmp_path / "x.html").exists()
    r = zw("replay", "--dev", RAW, "--fs", "raw", "--html", tmp_path / "no" / "x.html", "-", input=SEQ)
    assert r.rc == 2 and "x.html" in r.err
    # a bad device (with --check too): no replay, no page, nothing leaked (san)
    r = zw("replay", "--dev", "emu:zones=bogus", "--fs", "raw", "--check", "--html", tmp_path / "z.html", "-",
           input=SEQ)
    assert r.rc == 2 and "zones=bogus" in r.err and not (tmp_path / "z.html").exists()
    # a malformed trace: no report, so no page
    r = zw("replay", "--dev", RAW, "--fs", "raw", "--html", tmp_path / "y.html", "--format", "fio-iolog", "-",
           input="fio version 2 iolog\nv add\nv open\nv write x 4096\n")
    assert r.rc == 2 and not (tmp_path / "y.html").exists()


def test_replay_help_teaches_check_and_html(zwsim):
    out = zwsim("replay", "--help").out
    assert "--check" in out and "--html FILE" in out and "zone_wplug=0" in out
