"""zwsim report in a real browser: Debian's headless Chromium driven by
chromium-driver through python3-selenium.  Each test opens a report, checks
the DOM against the inputs (the numbers computed here from the result JSON
and the event log), works the search, the filters, the pages and the zoom,
saves a screenshot under build/report-screens/, and fails on any JavaScript
error or console error.  A missing browser, driver or selenium fails the
tests; they never skip."""
import json
import os
import shutil
import tempfile
import time

import pytest

from reportdata import bio_latencies, make_replay, make_run, percentile, valid_by_zone, write_big_log

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENS = os.path.join(os.path.dirname(__file__), "..", "..", "build", "report-screens")


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        pytest.fail("python3-selenium is missing (make deps): %s" % e, pytrace=False)
    for p in (CHROMIUM, DRIVER):
        if not os.access(p, os.X_OK):
            pytest.fail("%s is missing: install chromium and chromium-driver (make deps)" % p, pytrace=False)
    profile = tempfile.mkdtemp(prefix="zwsim-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    # the flags headless Chromium needs here: as root, no GPU, and no network of its own
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1200,1000"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(DRIVER), options=opts)
    d.set_page_load_timeout(60)
    yield d
    d.quit()
    shutil.rmtree(profile, ignore_errors=True)


class Page:
    def __init__(self, d):
        self.d = d

    def js(self, code, *args):
        return self.d.execute_script(code, *args)

    def all(self, css, attr):
        return self.js("return Array.from(document.querySelectorAll(arguments[0]))"
                       ".map(e => e.getAttribute(arguments[1]))", css, attr)

    def text(self, css):
        return self.js("return document.querySelector(arguments[0]).textContent", css)

    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.d.find_element(By.CSS_SELECTOR, css)

    def screenshot(self, name, css=None):
        os.makedirs(SCREENS, exist_ok=True)
        path = os.path.join(SCREENS, name + ".png")
        if css:
            el = self.find(css)
            self.js("arguments[0].scrollIntoView()", el)
            el.screenshot(path)
        else:
            h = self.js("return document.body.scrollHeight")
            self.d.set_window_size(1200, min(h + 40, 6000))
            self.d.save_screenshot(path)
            self.d.set_window_size(1200, 1000)
        assert os.path.getsize(path) > 1000


def open_report(browser, path):
    """Load a report; fail on a JavaScript or console error; return (page, seconds to ready)."""
    browser.get_log("browser")              # drop what earlier pages said
    t = time.monotonic()
    browser.get("file://" + os.path.abspath(path))
    page = Page(browser)
    for _ in range(600):
        if page.js("return document.body && document.body.getAttribute('data-ready')") == "1":
            break
        time.sleep(0.05)
    took = time.monotonic() - t
    check_console(browser)
    assert page.js("return document.body.getAttribute('data-ready')") == "1", "the page's script did not finish"
    return page, took


def check_console(browser):
    bad = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not bad, "JavaScript or console errors: %r" % bad


@pytest.fixture(scope="module")
def report(zwsim, tmp_path_factory):
    d = str(tmp_path_factory.mktemp("browser"))
    res, log, result, events = make_run(zwsim, d)
    out = os.path.join(d, "run.html")
    r = zwsim("report", "--json", res, "--log", log, "-o", out)
    assert r.rc == 0, r
    return out, result, events


def test_browser_zones_files_and_numbers_match_the_result(browser, report):
    path, result, events = report
    page, _ = open_report(browser, path)
    zones = result["zones"]
    assert page.all("#zone-table tbody tr", "data-cond") == [z["cond"] for z in zones]
    assert page.all("#zone-table tbody tr", "data-wp") == [str(z["wp"] if z["wp"] is not None else -1)
                                                           for z in zones]
    assert page.all("#zone-table tbody tr", "data-cap") == [str(z["cap"]) for z in zones]
    assert page.all("#zone-table tbody tr", "data-valid") == [str(v) for v in valid_by_zone(result)]
    assert page.all("#fig-zone-map g.zw-zone", "data-cond") == [z["cond"] for z in zones]
    # files: every one, with its size, extents and the zones they are in
    files = result["files"]
    assert page.all("#file-table tbody tr", "data-file") == list(files)
    assert page.all("#file-table tbody tr", "data-size") == [str(f["size"]) for f in files.values()]
    for name, f in files.items():
        exts = page.js("return Array.from(document.querySelectorAll('#file-table tr[data-file=\"' + arguments[0] +"
                       " '\"] rect.zw-ext')).map(e => +e.getAttribute('data-zone'))", name)
        assert exts == [e["zone"] for e in f["extents"]]
    # the summary's numbers are the result's
    cards = dict(zip(page.all(".card", "data-key"), page.all(".card", "data-value")))
    st = result["stats"]
    for k in ("user_bytes", "device_bytes", "gc_bytes", "zone_resets"):
        assert int(cards[k]) == st[k], k
    assert float(cards["write_amplification"]) == pytest.approx(st["write_amplification"], rel=1e-12)
    assert int(cards["events"]) == len(events)
    assert int(cards["zones"]) == len(zones) and int(cards["files"]) == len(files)
    # latency percentiles against the log's own bio_submit/bio_end pairs
    lat = bio_latencies(events)
    assert sorted(page.all("#latency-table tbody tr", "data-op")) == sorted(lat)
    for op, v in lat.items():
        cells = page.js("return Array.from(document.querySelectorAll('#latency-table tr[data-op=\"' + arguments[0] +"
                        " '\"] td[data-p]')).map(e => [e.getAttribute('data-p'), +e.getAttribute('data-ns')])", op)
        assert dict(cells) == {"p50": percentile(v, 50), "p90": percentile(v, 90), "p99": percentile(v, 99),
                               "p99.9": percentile(v, 99.9), "max": v[-1]}
    # the xfs-zoned stats, zones_over_time included, are on the page
    assert page.all("div[data-series]", "data-series") == ["zones_over_time"]
    page.screenshot("report-whole")
    page.screenshot("report-zones", "#zones")
    check_console(browser)


def count_in(page):
    shown, total = page.text("#event-count").split(" events")[0].split(" of ")
    return int(shown), int(total)


def type_search(page, text):
    box = page.find("#event-search")
    box.clear()
    box.send_keys(text)
    page.js("document.getElementById('event-search').dispatchEvent(new Event('input'))")   # clear() sends none
    # the search waits 150 ms for typing to stop, then marks the list with its query
    for _ in range(200):
        if page.js("return document.getElementById('event-count').getAttribute('data-q')") == text.strip():
            return
        time.sleep(0.05)
    raise AssertionError("the event list never showed the search %r" % text)


def test_browser_event_search_filter_and_pages(browser, report):
    path, result, events = report
    page, _ = open_report(browser, path)
    assert count_in(page) == (len(events), len(events))
    assert len(page.all("#event-table tbody tr", "data-index")) == min(100, len(events))
    # key=value search
    type_search(page, "op=zone_reset")
    resets = [i for i, e in enumerate(events) if e.get("op") == "zone_reset"]
    assert resets and count_in(page)[0] == len(resets)
    assert page.all("#event-table tbody tr", "data-index") == [str(i) for i in resets[:100]]
    # two terms: key=value and a word
    type_search(page, "ev=bio_end zone_append")
    want = [e for e in events if e["ev"] == "bio_end" and "zone_append" in json.dumps(e)]
    assert count_in(page)[0] == len(want) > 0
    # the kind filter: only zone_cond events
    type_search(page, "")
    page.js("document.querySelectorAll('#event-kinds input.kind').forEach(c => {"
            " if ((c.value === 'zone_cond') !== c.checked) c.click(); })")
    conds = [e for e in events if e["ev"] == "zone_cond"]
    assert count_in(page)[0] == len(conds) > 0
    type_search(page, "to=fu")
    assert count_in(page)[0] == len([e for e in conds if e["to"] == "fu"])
    page.screenshot("report-events-filtered", "#events")
    page.js("document.querySelectorAll('#event-kinds input.kind').forEach(c => { if (!c.checked) c.click(); })")
    type_search(page, "")
    # pages of 100
    page.find("#page-next").click()
    assert page.all("#event-table tbody tr", "data-index")[0] == "100"
    assert page.text("#page-info").startswith("page 2 of %d" % ((len(events) + 99) // 100))
    page.find("#page-last").click()
    assert page.all("#event-table tbody tr", "data-index")[-1] == str(len(events) - 1)
    # a click on an event marks its time on every figure over time
    k = max(len(events) - 3, (len(events) - 1) // 100 * 100)  # an event of the last page
    page.find('#event-table tr[data-index="%d"]' % k).click()
    t0, t1 = events[0]["t"], events[-1]["t"]
    xs = page.all("svg.zw-zoom line.zw-cursor", "x1")
    assert len(xs) == len(page.all("svg.zw-zoom", "viewBox"))
    assert all(float(x) == pytest.approx((events[k]["t"] - t0) * 1000 / (t1 - t0 + 1)) for x in xs)
    check_console(browser)


def test_browser_zoom_changes_every_figure_and_the_event_window(browser, report):
    from selenium.webdriver.common.action_chains import ActionChains

    path, result, events = report
    page, _ = open_report(browser, path)
    n_zoom = len(page.all("svg.zw-zoom", "viewBox"))
    assert n_zoom >= 4
    t0, t1 = events[0]["t"], events[-1]["t"]
    page.find("#zoom-in").click()
    boxes = page.all("svg.zw-zoom", "viewBox")
    assert all(b.split()[:3] == ["250", "0", "500"] for b in boxes), boxes
    a, b = t0 + 0.25 * (t1 - t0), t0 + 0.75 * (t1 - t0)
    assert count_in(page)[0] == len([e for e in events if a <= e["t"] <= b])
    assert "zoomed" in page.text("#zoom-range")
    # the tick labels follow the window: the first is the window's start
    first = page.js("return document.querySelector('#fig-counts text.zw-xt').textContent")
    assert first != "0 ns"
    page.find("#zoom-reset").click()
    assert all(b.split()[:3] == ["0", "0", "1000"] for b in page.all("svg.zw-zoom", "viewBox"))
    assert count_in(page)[0] == len(events)
    # drag across the middle fifth of the timeline's plot
    plot = page.find("#fig-timeline svg.zw-zoom")
    page.js("arguments[0].scrollIntoView({block: 'center'})", plot)
    w = plot.rect["width"]
    ActionChains(browser).move_to_element_with_offset(plot, int(-w * 0.1), 0).click_and_hold() \
        .move_by_offset(int(w * 0.2), 0).release().perform()
    x, _, width, _ = (float(v) for v in page.all("#fig-counts svg.zw-zoom", "viewBox")[0].split())
    assert 350 < x < 450 and 150 < width < 250, (x, width)
    page.screenshot("report-zoomed", "#time")
    check_console(browser)


def window_segments(result, events, a, b):
    """What the zoom's fine layers must draw for the window [a, b] of the run:
    each zone's condition intervals there (empty ones left out) and the open
    zones at b, from the zone_cond events (the start as the first says)."""
    cond = {z["zone"]: z["cond"] for z in result["zones"]}
    first = {}
    for e in events:
        if e["ev"] == "zone_cond":
            first.setdefault(e["zone"], e["from"])
    cond.update(first)
    t0, t1 = events[0]["t"], events[-1]["t"]
    ta, tb = t0 + a * (t1 - t0), t0 + b * (t1 - t0)
    segs, start = 0, {z: ta for z in cond}
    for e in events:
        if e["ev"] != "zone_cond" or e["t"] > tb:
            continue
        if e["t"] >= ta:
            if cond[e["zone"]] != "em" and e["t"] > start[e["zone"]]:
                segs += 1
            start[e["zone"]] = e["t"]
        cond[e["zone"]] = e["to"]
    segs += sum(1 for z, c in cond.items() if c != "em" and start[z] < tb)
    return segs, sum(1 for c in cond.values() if c in ("oi", "oe"))


def test_browser_zoomed_in_figures_are_drawn_from_the_events(browser, report):
    path, result, events = report
    page, _ = open_report(browser, path)
    assert not page.all("g.zw-fine", "class")
    for _ in range(3):
        page.find("#zoom-in").click()       # the middle eighth: [0.4375, 0.5625]
    segs, open_at_end = window_segments(result, events, 0.4375, 0.5625)
    assert len(page.all("#fig-timeline g.zw-fine rect", "x")) == segs
    assert page.js("return getComputedStyle(document.querySelector('#fig-timeline g.zw-coarse')).display") == "none"
    d = page.all("#fig-counts g.zw-fine path.zw-open", "d")[0]
    ph = page.js("return document.querySelector('#fig-counts svg.zw-zoom').viewBox.baseVal.height")
    ymax = float(page.all("#fig-counts g.zw-coarse", "data-ymax")[0])
    last_y = float(d.split("V")[-1].split()[0]) if "V" in d else float(d.split(",")[1].split()[0])
    assert round((ph - last_y) / ph * ymax) == open_at_end
    page.find("#zoom-reset").click()
    assert not page.all("g.zw-fine", "class")
    check_console(browser)


def test_browser_large_report_opens_in_seconds(browser, zwsim, tmp_path):
    log = tmp_path / "big.jsonl"
    n = write_big_log(str(log), 65, 100000)
    out = tmp_path / "big.html"
    r = zwsim("report", "--log", log, "-o", out)
    assert r.rc == 0, r
    page, took = open_report(browser, out)
    assert count_in(page) == (n, n)
    print("a report of %d events (%d bytes) opened in %.2f s" % (n, os.path.getsize(out), took))
    assert took < 10, "a report of %d events took %.1f s to open" % (n, took)
    type_search(page, "op=zone_reset")
    assert count_in(page)[0] == sum(1 for line in open(log) if '"op":"zone_reset"' in line)
    page.find("#zoom-in").click()
    page.find("#zoom-in").click()
    assert page.all("svg.zw-zoom", "viewBox")[0].split()[:3] == ["375", "0", "250"]
    page.screenshot("report-large", "#time")
    check_console(browser)


def test_browser_replay_report_shows_the_replays_numbers(browser, zwsim, tmp_path):
    res, log, result, events = make_replay(zwsim, str(tmp_path))
    out = tmp_path / "replay.html"
    r = zwsim("report", "--json", res, "--log", log, "-o", out)
    assert r.rc == 0, r
    page, _ = open_report(browser, out)
    assert page.all("#zone-table tbody tr", "data-cond") == [z["cond"] for z in result["zones"]]
    assert page.all("#zone-table tbody tr", "data-valid") == [str(v) for v in valid_by_zone(result)]
    assert page.all("#file-table tbody tr", "data-file") == list(result["files"])
    cards = dict(zip(page.all(".card", "data-key"), page.all(".card", "data-value")))
    assert int(cards["user_bytes"]) == result["bytes"]["user_written"]
    assert int(cards["device_bytes"]) == result["bytes"]["device_written"]
    assert int(cards["gc_bytes"]) == result["bytes"]["gc_moved"]
    assert float(cards["write_amplification"]) == pytest.approx(result["write_amplification"]["device"])
    assert float(cards["host_write_amplification"]) == pytest.approx(result["write_amplification"]["host"])
    assert int(cards["zone_resets"]) == result["zone_ops"]["resets"]
    assert int(cards["errors"]) == result["errors"]["total"]
    # the replay's own latency percentiles, operation by operation
    for op, p in result["latency_ns"].items():
        cells = page.js("return Array.from(document.querySelectorAll('#op-latency-table tr[data-op=\"' +"
                        " arguments[0] + '\"] td[data-p]')).map(e => [e.getAttribute('data-p'),"
                        " +e.getAttribute('data-ns')])", op)
        assert dict(cells) == {k: p[k] for k in ("p50", "p90", "p99", "p99.9", "max")}
    # its over-time rows are drawn, and its other sections are tables
    assert "zones_over_time" in page.all("div[data-series]", "data-series")
    for path in ("records", "bytes", "zone_ops", "throughput"):
        assert page.js("return !!document.querySelector('table[data-path=\"' + arguments[0] + '\"]')", path), path
    assert page.all('table[data-path="records"] tbody tr', "data-key") == list(result["records"])
    assert count_in(page) == (len(events), len(events))
    page.screenshot("replay-whole")
    page.screenshot("replay-summary", "#summary")
    check_console(browser)


def test_browser_replay_errors_are_shown_with_their_first_occurrence(browser, zwsim, tmp_path):
    # raw replay: the third write is off zone 1's write pointer and fails
    trace = tmp_path / "job.iolog"
    trace.write_text("fio version 2 iolog\n/dev/nullb0 add\n/dev/nullb0 open\n"
                     "/dev/nullb0 write 1048576 4096\n/dev/nullb0 write 1052672 4096\n"
                     "/dev/nullb0 write 1179648 4096\n/dev/nullb0 write 2097152 65536\n"
                     "/dev/nullb0 read 1048576 4096\n/dev/nullb0 close\n")
    log, out = tmp_path / "job.jsonl", tmp_path / "job.html"
    r = zwsim("replay", "--dev", "emu:zones=8,zone_size=1M,conv=1", "--fs", "raw", "--json", "--log", log, trace)
    assert r.rc == 0, r
    result = json.loads(r.out)
    (tmp_path / "job.json").write_text(r.out)
    assert zwsim("report", "--json", tmp_path / "job.json", "--log", log, "-o", out).rc == 0
    page, _ = open_report(browser, out)
    kinds = result["errors"]["by_kind"]
    assert kinds, result["errors"]
    assert page.all("#errors li", "data-kind") == [k["kind"] for k in kinds]
    assert page.all("#errors li", "data-count") == [str(k["count"]) for k in kinds]
    text = page.text("#errors li")
    assert kinds[0]["first"]["where"] in text and kinds[0]["first"]["reason"] in text
    # the failed bios: red in the list, found by their status
    events = [json.loads(line) for line in open(log)]
    failed = [i for i, e in enumerate(events) if e["ev"] == "bio_end" and e["status"] != "OK"]
    assert failed
    type_search(page, "status=BLK_STS_IOERR")
    assert page.all("#event-table tbody tr.err", "data-index") == [str(i) for i in failed]
    assert "write at sector" in page.text(".first-error + .first-error, p.first-error")
    page.screenshot("replay-errors", "#summary")
    check_console(browser)


def test_browser_hostile_names_and_values_stay_text(browser, zwsim, report, tmp_path):
    path, result, events = report
    evil = '</script><script>throw new Error("injected")</script><!--<b>"x\'&'
    res = json.loads(json.dumps(result))
    res["files"] = {evil: f for f in res["files"].values()}
    res[evil] = {"a": 1}
    (tmp_path / "evil.json").write_text(json.dumps(res))
    log = tmp_path / "evil.jsonl"
    lines = [json.dumps(e) for e in events]
    lines.append(json.dumps({"t": events[-1]["t"], "ev": "bio_end", "id": 999999, "op": "write", "sector": 0,
                             "bytes": 4096, "status": "BLK_STS_IOERR", "reason": evil + "\t%41\n"}))
    lines.append(json.dumps({"t": events[-1]["t"], "ev": evil, evil: evil}))
    log.write_text("\n".join(lines) + "\n")
    out = tmp_path / "evil.html"
    r = zwsim("report", "--json", tmp_path / "evil.json", "--log", log, "-o", out)
    assert r.rc == 0, r
    page, _ = open_report(browser, out)       # fails on the injected script's error
    assert page.all("#file-table tbody tr", "data-file") == [evil] * len(res["files"])
    assert page.text("#file-table tbody tr td.name") == evil
    type_search(page, "status=BLK_STS_IOERR")
    assert count_in(page)[0] == 1
    assert page.text("#event-table tbody tr td:nth-child(4)").endswith("reason=" + evil + "\t%41\n")
    type_search(page, "injected")           # the event named so, and the reason
    assert count_in(page)[0] == 2
    check_console(browser)
