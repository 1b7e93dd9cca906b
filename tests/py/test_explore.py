"""zwsim explore: each bundled scenario's failure is found within a fixed
budget (or, where the kernel's guarantee holds, none under any order), the
shrunk schedule replays it, shrinking is deterministic."""
import json
import pathlib

import pytest

from conftest import dedent

SCN = pathlib.Path(__file__).resolve().parent.parent.parent / "scenarios"
BUDGET = 200


def explore(zw, *args):
    res = zw("explore", "--json", "--budget", BUDGET, *args)
    assert res.rc in (0, 1), res
    return res, json.loads(res.out)


def test_unplugged_writes_at_queue_depth_fail_with_unaligned_writes(zw):
    res, out = explore(zw, SCN / "unplugged-qd.scn")
    assert res.rc == 1 and out["complete"] and out["runs"] == 6
    (f,) = out["failures"]
    assert f["signature"] == "write-not-at-wp,outcome"
    assert f["schedules"] == 5 and f["shrunk"] == "1"
    assert "write 1 8 8 => BLK_STS_IOERR" in f["outcome"]
    assert f["first_violation"].startswith("write-not-at-wp: write of 64 sectors at sector 2112")


def test_plugged_writes_succeed_under_every_order(zw):
    res, out = explore(zw, SCN / "plugged-qd.scn")
    assert res.rc == 0 and out["complete"] and out["failures"] == []
    assert out["baseline"].count("=> OK") == 3


def test_zone_append_always_succeeds_but_fragments_the_file(zw):
    res, out = explore(zw, SCN / "append-fragments.scn")
    assert res.rc == 1 and out["complete"] and out["runs"] == 24
    (f,) = out["failures"]
    assert f["signature"] == "outcome" and f["schedules"] == 23
    assert "BLK_STS" not in f["outcome"]
    assert "file A: 1 extent" in out["baseline"]
    assert "file A: 3 extents" in f["outcome"]


def test_ordered_append_removes_the_fragmentation(zw):
    res, out = explore(zw, SCN / "append-ordered.scn")
    assert res.rc == 0 and out["complete"] and out["failures"] == []
    assert out["pruned"] > 0  # state hashing: equal states explored once
    assert out["runs"] < 24


def test_a_device_error_in_a_plugged_zone_and_its_recovery(zw):
    res, out = explore(zw, SCN / "plugged-error-recovery.scn")
    assert res.rc == 0 and out["complete"] and out["failures"] == []
    lines = out["baseline"].splitlines()
    assert lines[2] == "line 9: write 1 8 8 => BLK_STS_IOERR"
    assert lines[4:6] == ["line 11: write 1 16 8 => BLK_STS_IOERR", "line 12: write 1 24 8 => BLK_STS_IOERR"]
    assert lines[6:8] == ["line 16: write 1 8 8 => OK", "line 17: write 1 16 8 => OK"]


def test_the_seed_error_path_leaves_no_folio_under_writeback_under_any_order(zwsim):
    res, out = explore(zwsim, SCN / "writeback-error-path.scn")
    assert out["complete"] and out["runs"] == 24
    assert "fsync a => -EIO" in out["baseline"]
    for f in out["failures"]:
        # a's placement varies with the order; the error path never does
        assert f["signature"] == "outcome", f
        assert "folio-under-writeback" not in f["signature"] and "expect" not in f["signature"]
    assert out["baseline_violations"] == ""


def test_regular_xfs_reports_a_writeback_error_to_fsync_once_under_any_order(zwsim, tmp_path):
    res, out = explore(zwsim, SCN / "writeback-error-once.scn")
    assert out["complete"] and out["runs"] == 24  # four bios in flight: 4! orders
    assert out["failures"] == [] and out["baseline_violations"] == ""
    assert "fsync a => -EIO\nfsync a => 0\nsync => 0" in out["baseline"]
    # the same scenario expecting the error twice fails under every order
    twice = (SCN / "writeback-error-once.scn").read_text().replace("expect 4 0", "expect 4 -EIO")
    (tmp_path / "twice.scn").write_text(twice)
    res, out = explore(zwsim, tmp_path / "twice.scn")
    assert res.rc == 1 and out["failures"]
    assert all("expect" in f["signature"] for f in out["failures"]), out["failures"]


def test_random_search_is_seeded_and_shrinks_deterministically(zw):
    res1, a = explore(zw, "--random", "--seed", 5, SCN / "append-fragments.scn")
    res2, b = explore(zw, "--random", "--seed", 5, SCN / "append-fragments.scn")
    assert res1.out == res2.out
    assert a["mode"] == "random" and a["runs"] == BUDGET
    (f,) = a["failures"]
    assert f["seed"] == 5 and f["found"] != "-"
    assert f["shrunk"] == "1"
    # the printed seed replays with a budget of one run
    res, c = explore(zw, "--random", "--seed", f["seed"], "--budget", 1, SCN / "append-fragments.scn")
    assert c["failures"][0]["found"] == f["found"]


def test_a_printed_schedule_replays(zw):
    res = zw("explore", SCN / "unplugged-qd.scn", "--schedule", "1")
    assert res.rc == 1, res
    assert "violated: write-not-at-wp" in res.out and res.out.rstrip().endswith("FAILS")
    res = zw("explore", SCN / "unplugged-qd.scn", "--schedule", "-")
    assert res.rc == 0 and "as the baseline" in res.out


def test_shrinking_finds_the_shortest_schedule(zw, tmp_path):
    # six writes: only the last two reordered break the rule
    (tmp_path / "s.scn").write_text(dedent("""
        title shrink
        dev emu:zones=4,zone_size=1M
        write 2 0 8
        write 3 0 8
        write 2 8 8
        wait
        write 1 0 8
        write 1 8 8
        write 1 16 8
    """).replace("dev emu:zones=4,zone_size=1M", "dev emu:zones=4,zone_size=1M,zone_wplug=0"))
    res, out = explore(zw, tmp_path / "s.scn")
    shrunk = {f["signature"]: f["shrunk"] for f in out["failures"]}
    assert "write-not-at-wp,outcome" in shrunk
    # found as 1.1 (depth first); the shortest that shows it: one choice, the
    # second write to zone 2 first
    assert shrunk["write-not-at-wp,outcome"] == "2"
    res2, out2 = explore(zw, tmp_path / "s.scn")
    assert res.out == res2.out


def test_bad_scenarios_exit_2(zw, tmp_path):
    (tmp_path / "a.scn").write_text("dev emu:zones=4\nfrobnicate 1\n")
    res = zw("explore", tmp_path / "a.scn")
    assert res.rc == 2 and "a.scn:2: unknown line" in res.err
    (tmp_path / "b.scn").write_text("write 1 0 8\n")
    res = zw("explore", tmp_path / "b.scn")
    assert res.rc == 2 and "no 'dev SPEC' line" in res.err
    (tmp_path / "c.scn").write_text("dev emu:zones=4\nwrite 9 0 8\n")
    res = zw("explore", tmp_path / "c.scn")
    assert res.rc == 2 and "zone 9 does not exist" in res.err
    assert zw("explore", SCN / "plugged-qd.scn", "--schedule", "1..2").rc == 2
    assert zw("explore", SCN / "plugged-qd.scn", "--budget", "0").rc == 2
