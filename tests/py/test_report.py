"""zwsim report without a browser: the text summary, the SVG figures, the
page's self-containment, determinism, and every kind of bad input (exit 2,
a message naming the file, line or field, and no output file)."""
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from reportdata import bio_latencies, make_replay, make_run, valid_by_zone, write_big_log

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def run(zwsim, tmp_path_factory):
    return make_run(zwsim, str(tmp_path_factory.mktemp("report")))


def test_report_html_is_self_contained(zw, run, tmp_path):
    res, log, result, events = run
    out = tmp_path / "r.html"
    r = zw("report", "--json", res, "--log", log, "-o", out)
    assert r.rc == 0, r
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    # nothing fetched: no external script, style, image or link; the only URL is the SVG namespace
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", html)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert html.count("<svg") >= 4 + len(result["files"])


def test_report_is_deterministic(zwsim, run, tmp_path):
    res, log, _, _ = run
    outs = []
    for i in range(2):
        p = tmp_path / ("r%d.html" % i)
        assert zwsim("report", "--json", res, "--log", log, "-o", p).rc == 0
        outs.append(p.read_bytes())
    assert outs[0] == outs[1]


def test_report_text_summary_gives_the_results_numbers(zw, run):
    res, log, result, events = run
    r = zw("report", "--json", res, "--log", log, "--text")
    assert r.rc == 0, r
    st = result["stats"]
    assert "(%d bytes)" % st["user_bytes"] in r.out
    assert "(%d bytes)" % st["device_bytes"] in r.out
    assert "write amplification      %.4f" % st["write_amplification"] in r.out
    assert "zones: %d" % len(result["zones"]) in r.out
    assert "files: %d" % len(result["files"]) in r.out
    assert "event log: %d events" % len(events) in r.out
    lat = bio_latencies(events)
    for op, v in lat.items():
        assert re.search(r"^  %s +%d " % (op, len(v)), r.out, re.M), (op, r.out)
    # the zone strip: one character a zone
    strip = "".join(re.findall(r"^ +\d+ ([cF.oOCRX]+)$", r.out, re.M))
    sym = {"nw": "c", "em": ".", "oi": "o", "oe": "O", "cl": "C", "fu": "F", "ro": "R", "ol": "X"}
    assert strip == "".join(sym[z["cond"]] for z in result["zones"])


@pytest.mark.parametrize("figure", ["zone-map", "timeline", "counts", "wa", "latency"])
def test_report_svg_figure_is_well_formed(zwsim, run, tmp_path, figure):
    res, log, result, events = run
    out = tmp_path / (figure + ".svg")
    r = zwsim("report", "--json", res, "--log", log, "--svg", figure, "-o", out)
    assert r.rc == 0, r
    root = ET.parse(out).getroot()
    assert root.tag == SVG + "svg"
    if figure == "zone-map":
        cells = [g for g in root.iter(SVG + "g") if g.get("class") == "zw-zone"]
        assert [(int(g.get("data-zone")), g.get("data-cond")) for g in cells] == \
            [(z["zone"], z["cond"]) for z in result["zones"]]
    if figure == "latency":
        bars = {(b.get("data-op"), b.get("data-p")): int(b.get("data-ns"))
                for b in root.iter(SVG + "rect") if b.get("class") == "zw-lat"}
        lat = bio_latencies(events)
        assert {op for op, _ in bars} == set(lat)
        for op, v in lat.items():
            assert bars[(op, "max")] == v[-1]


def test_report_zone_map_without_a_log(zwsim, run, tmp_path):
    res, _, result, _ = run
    out = tmp_path / "z.svg"
    assert zwsim("report", "--json", res, "--svg", "zone-map", "-o", out).rc == 0
    # a figure over time needs the log
    r = zwsim("report", "--json", res, "--svg", "timeline", "-o", tmp_path / "t.svg")
    assert r.rc == 2 and "--log" in r.err and not (tmp_path / "t.svg").exists()


def test_report_from_the_log_alone(zwsim, run, tmp_path):
    _, log, _, events = run
    out = tmp_path / "l.html"
    r = zwsim("report", "--log", log, "-o", out)
    assert r.rc == 0, r
    assert 'data-key="events" data-value="%d"' % len(events) in out.read_text()


def bad(zw, tmp_path, args, *needles):
    out = tmp_path / "out.html"
    r = zw("report", *args, "-o", out)
    assert r.rc == 2, r
    for n in needles:
        assert n in r.err, (n, r.err)
    assert not out.exists()
    assert not [p for p in os.listdir(tmp_path) if ".tmp." in p]


def test_report_missing_file(zw, tmp_path):
    bad(zw, tmp_path, ["--json", tmp_path / "nope.json"], "nope.json", "No such file")
    bad(zw, tmp_path, ["--log", tmp_path / "nope.jsonl"], "nope.jsonl", "No such file")


def test_report_not_json(zw, tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"zones": [\n{"zone": 0, \n oops')
    bad(zw, tmp_path, ["--json", p], "x.json:3", "not JSON")
    p.write_text("")
    bad(zw, tmp_path, ["--json", p], "x.json", "empty")


def test_report_wrong_schema(zw, run, tmp_path):
    p = tmp_path / "s.json"
    p.write_text('{"files": {}}')
    bad(zw, tmp_path, ["--json", p], "s.json", '"zones"')
    p.write_text('{"zones": [{"zone": 0, "cond": "zz", "wp": 0}]}')
    bad(zw, tmp_path, ["--json", p], "zones[0].cond")
    result = dict(run[2])
    result["files"] = {"f": {"size": 4096, "extents": [{"off": 0, "len": 4096, "zone": 99, "zone_off": 0}]}}
    p.write_text(json.dumps(result))
    bad(zw, tmp_path, ["--json", p], "files.f.extents[0].zone", "99")


def test_report_bad_event_log_line(zw, run, tmp_path):
    res, log, _, _ = run
    lines = open(log).read().splitlines()
    p = tmp_path / "e.jsonl"
    p.write_text("\n".join(lines[:5] + ["{not json"] + lines[5:]) + "\n")
    bad(zw, tmp_path, ["--json", res, "--log", p], "e.jsonl:6", "not JSON")
    p.write_text(lines[0] + '\n{"ev": "bio_end"}\n')
    bad(zw, tmp_path, ["--log", p], "e.jsonl:2", '"t"')
    p.write_text('{"t": 5, "ev": "x"}\n{"t": 4, "ev": "x"}\n')
    bad(zw, tmp_path, ["--log", p], "e.jsonl:2", "back in time")
    p.write_text('{"t": 5, "ev": "zone_cond", "zone": 500, "from": "em", "to": "oi"}\n')
    bad(zw, tmp_path, ["--json", res, "--log", p], "e.jsonl:1", "zone")


def test_report_usage_errors(zw, tmp_path):
    assert zw("report").rc == 2
    r = zw("report", "--json", "x.json")
    assert r.rc == 2 and "-o" in r.err
    r = zw("report", "--json", "x.json", "--svg", "zone-map", "--text")
    assert r.rc == 2
    r = zw("report", "--help")
    assert r.rc == 0 and "Examples:" in r.out and "--svg" in r.out


def test_report_unknown_figure(zwsim, run, tmp_path):
    r = zwsim("report", "--json", run[0], "--svg", "pie", "-o", tmp_path / "p.svg")
    assert r.rc == 2 and "no such figure" in r.err


def test_report_events_are_embedded_compactly(zwsim, tmp_path):
    log = tmp_path / "big.jsonl"
    n = write_big_log(str(log), 17, 20000)
    out = tmp_path / "big.html"
    assert zwsim("report", "--log", log, "-o", out).rc == 0
    html = out.read_text()
    assert 'data-key="events" data-value="%d"' % n in html
    # much smaller than the log itself
    assert os.path.getsize(out) < 0.6 * os.path.getsize(log), (os.path.getsize(out), os.path.getsize(log))


def test_report_text_of_a_replay_uses_its_fields(zw, tmp_path):
    res, log, result, events = make_replay(zw, str(tmp_path), records=600)
    r = zw("report", "--json", res, "--log", log, "--text")
    assert r.rc == 0, r
    b = result["bytes"]
    assert "(%d bytes)" % b["user_written"] in r.out
    assert "(%d bytes)" % b["device_written"] in r.out
    assert "write amplification      %.4f" % result["write_amplification"]["device"] in r.out
    assert "host write amplification %.4f" % result["write_amplification"]["host"] in r.out
    assert "zone resets              %d" % result["zone_ops"]["resets"] in r.out
    for op, p in result["latency_ns"].items():
        assert re.search(r"^  %s +%d " % (op, p["count"]), r.out, re.M), op
    r = zw("report", "--json", res, "--svg", "latency", "-o", tmp_path / "l.svg")
    assert r.rc == 0, r
    bars = {(b.get("data-op"), b.get("data-p")): float(b.get("data-ns"))
            for b in ET.parse(tmp_path / "l.svg").getroot().iter(SVG + "rect") if b.get("class") == "zw-lat"}
    assert bars == {(op, k): float(p[k]) for op, p in result["latency_ns"].items()
                    for k in ("p50", "p90", "p99", "p99.9", "max")}


def test_report_timeline_of_many_zones_groups_them(zwsim, tmp_path):
    log = tmp_path / "many.jsonl"
    write_big_log(str(log), 1000, 40000, zone_bytes=16 << 10)
    out = tmp_path / "t.svg"
    assert zwsim("report", "--log", log, "--svg", "timeline", "-o", out).rc == 0
    root = ET.parse(out).getroot()
    coarse = [g for g in root.iter(SVG + "g") if g.get("class") == "zw-coarse"][0]
    rh = float(coarse.get("data-rh"))
    rows = {round(float(r.get("y")) / rh) for r in coarse.iter(SVG + "rect")}
    assert coarse.get("data-group") == "0" and rows and max(rows) < 480
    assert "group of zones" in root.find(SVG + "title").text


def test_docs_text_summary_is_what_the_program_prints(zwsim, tmp_path):
    """docs/report.md shows `zwsim report --text` of the demo replay: it must stay the real output."""
    doc = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "report.md")).read()
    m = re.search(r"^    \$ zwsim report --json replay\.json --log replay\.jsonl --text\n((?:    .*\n|\n)+?)(?=\S)",
                  doc, re.M)
    assert m, "the text example is missing from docs/report.md"
    shown = "".join(line[4:] if line.strip() else "\n" for line in m.group(1).splitlines(True)).rstrip("\n")
    res, log, _, _ = make_replay(zwsim, str(tmp_path), records=3000)
    os.rename(res, tmp_path / "replay.json")
    os.rename(log, tmp_path / "replay.jsonl")
    r = subprocess.run([zwsim.path, "report", "--json", "replay.json", "--log", "replay.jsonl", "--text"],
                       cwd=str(tmp_path), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip("\n") == shown


def test_report_of_a_zonefs_run_skips_its_sysfs_attributes(zw, tmp_path):
    # zwsim fs --json on zonefs puts the "/sys/fs/zonefs" counters beside the files
    script = tmp_path / "z.fs"
    script.write_text("dwrite seq/0 0 8192\nwrite cnv/0 0 4096\nsync\n")
    r = zw("fs", "--fs", "zonefs", "--dev", "emu:zones=8,zone_size=1M,conv=2", "--json", script)
    assert r.rc == 0, r
    res = tmp_path / "z.json"
    res.write_text(r.out)
    result = json.loads(r.out)
    assert "/sys/fs/zonefs" in result["files"]
    r = zw("report", "--json", res, "--text")
    assert r.rc == 0, r
    files = [n for n in result["files"] if not n.startswith("/")]
    assert all(n in r.out for n in ("seq/0", "cnv/0")), r.out
    assert "/sys/fs/zonefs" not in r.out
    assert len(files) == len([n for n in result["files"]]) - 1
