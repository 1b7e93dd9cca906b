"""`zwsim writeback`: buffered I/O on the block device's page cache, written
back through iomap (blkdev_writeback_range + ioend_writeback_submit), the
block layer and the device.  Output format, large folios, errors from zoned
devices through fsync, background and integrity writeback, --verify, the
event log, determinism of shuffled completions, script errors, tags mode."""
import json
import re

import pytest

from conftest import dedent

DEV = "emu:zones=4,zone_size=1M"          # every zone sequential
CONV = "emu:zones=4,zone_size=4M,conv=3"  # three conventional zones, then one sequential
MiB = 1 << 20

LINE_RE = re.compile(r"^(?P<op>(?:write|read) \d+ \d+|writeback \d+|sync|fsync|sleep \d+)"
                     r" => (?P<res>-?\d+|-E[A-Z]+)(?: data=(?P<data>ok|bad@\d+))?$")


def wb(zw, dev, script, *opts, **kw):
    """Run a writeback script given as text on standard input."""
    return zw("writeback", "--dev", dev, *opts, "-", input=dedent(script), **kw)


def wb_log(zw, tmp_path, dev, script, *opts, name="log.jsonl"):
    """Run a script with --log to a file: (result, list of events, raw log text)."""
    path = tmp_path / name
    r = wb(zw, dev, script, "--log", path, *opts)
    text = path.read_text()
    return r, [json.loads(line) for line in text.splitlines()], text


def events(log, ev):
    return [e for e in log if e["ev"] == ev]


# --- output format ---------------------------------------------------------------

def test_every_operation_prints_one_line_operation_arrow_result(zw):
    r = wb(zw, CONV, """
        # comments and blank lines print nothing

        write 0 8192     # trailing comment
        read  0   8192
        writeback 4
        writeback
        sync
        fsync
        """)
    assert r.rc == 0, r
    assert r.err == ""
    assert r.out == dedent("""
        write 0 8192 => 8192
        read 0 8192 => 8192
        writeback 4 => 0
        writeback 1024 => 0
        sync => 0
        fsync => 0
        """)
    for line in r.lines:
        assert LINE_RE.match(line), line


def test_help_lists_the_script_lines_and_exits_0(zwsim):
    r = zwsim("writeback", "--help")
    assert r.rc == 0
    for word in ("write OFF LEN", "read OFF LEN", "writeback [PAGES]", "sync", "fsync",
                 "'OPERATION => RESULT'", "--verify", "--log", "--order", "--seed"):
        assert word in r.out, word


def test_an_unaligned_write_in_bytes_mode_reads_back_verified(zw):
    r = wb(zw, CONV, """
        write 1000 5000
        sync
        fsync
        read 0 8192
        """, "--verify")
    assert r.rc == 0, r
    assert r.out == dedent("""
        write 1000 5000 => 5000
        sync => 0
        fsync => 0
        read 0 8192 => 8192 data=ok
        """)


# --- large folios ------------------------------------------------------------------

def test_a_2MiB_aligned_write_is_one_2MiB_folio_in_one_ioend_and_one_bio(zw, tmp_path):
    r, log, _ = wb_log(zw, tmp_path, CONV, "write 2097152 2097152\nsync\n")
    assert r.rc == 0, r
    starts = events(log, "folio_writeback_start")
    assert [(e["pos"], e["size"]) for e in starts] == [(2 * MiB, 2 * MiB)]
    ioends = events(log, "ioend_submit")
    assert len(ioends) == 1
    io = ioends[0]
    assert (io["offset"], io["size"], io["bio_bytes"], io["folios"], io["segments"], io["flags"]) == \
        (2 * MiB, 2 * MiB, 2 * MiB, 1, 1, 0)
    assert io["sector"] == 2 * MiB // 512
    submits = events(log, "bio_submit")
    assert len(submits) == 1 and submits[0]["bytes"] == 2 * MiB
    # the block layer splits it at max_sectors; every piece lands in order
    splits = events(log, "bio_split")
    assert splits, "a 2 MiB bio is larger than max_sectors"
    assert sum(s["bytes"] for s in splits) < 2 * MiB
    ends = events(log, "bio_end")
    assert all(e["status"] == "OK" for e in ends)
    assert sum(e["bytes"] for e in ends) == 2 * MiB
    assert len(events(log, "folio_writeback_end")) == 1


def test_large_aligned_writes_land_and_read_back_verified(zw):
    r = wb(zw, CONV, """
        write 0 4194304
        write 4194304 2097152
        fsync
        read 0 6291456
        read 4190208 8192
        """, "--verify")
    assert r.rc == 0, r
    assert r.out == dedent("""
        write 0 4194304 => 4194304
        write 4194304 2097152 => 2097152
        fsync => 0
        read 0 6291456 => 6291456 data=ok
        read 4190208 8192 => 8192 data=ok
        """)


def test_small_writes_get_small_folios(zw, tmp_path):
    r, log, _ = wb_log(zw, tmp_path, CONV, "write 4096 4096\nwrite 65536 16384\nsync\n")
    assert r.rc == 0
    assert [(e["pos"], e["size"]) for e in events(log, "folio_writeback_start")] == \
        [(4096, 4096), (65536, 16384)]


# --- errors from a zoned device ------------------------------------------------------

@pytest.mark.parametrize("model,errno", [("nullblk", "-EIO"), ("zns", "-EIO"), ("zbc", "-EREMOTEIO")])
def test_an_out_of_order_write_to_a_sequential_zone_fails_fsync_once(zw, model, errno):
    # 4 KiB into zone 1, which is empty: not at its write pointer
    r = wb(zw, "emu:model=%s,zones=4,zone_size=1M" % model, """
        write 1052672 4096
        fsync
        fsync
        """)
    assert r.rc == 0, r
    assert r.out == dedent("""
        write 1052672 4096 => 4096
        fsync => %s
        fsync => 0
        """ % errno)


def test_the_failed_write_shows_in_the_log_and_nothing_stays_under_writeback(zw, tmp_path):
    r, log, _ = wb_log(zw, tmp_path, DEV, "write 1052672 4096\nsync\nfsync\n")
    assert r.out.splitlines()[1:] == ["sync => 0", "fsync => -EIO"]
    ends = events(log, "bio_end")
    assert len(ends) == 1
    assert ends[0]["status"] == "BLK_STS_IOERR"
    assert ends[0]["sector"] == 1052672 // 512
    assert "reason" in ends[0]
    errs = events(log, "writeback_error")
    assert [(e["pos"], e["error"]) for e in errs] == [(1052672, "-EIO")]
    assert len(events(log, "folio_writeback_end")) == len(events(log, "folio_writeback_start")) == 1


def test_in_order_writes_to_a_sequential_zone_succeed(zw):
    r = wb(zw, DEV, """
        write 1048576 65536
        write 1114112 4096
        fsync
        read 1048576 69632
        """, "--verify")
    assert r.rc == 0, r
    assert r.out.splitlines()[2:] == ["fsync => 0", "read 1048576 69632 => 69632 data=ok"]


def test_sync_reports_submission_not_completion_and_fsync_then_reports_the_error(zw):
    r = wb(zw, DEV, """
        write 1052672 4096
        sync
        fsync
        """)
    assert r.out.splitlines()[1:] == ["sync => 0", "fsync => -EIO"]


def test_a_file_that_already_reported_the_error_reports_a_new_one_again(zw):
    r = wb(zw, DEV, """
        write 1052672 4096
        fsync
        write 2101248 4096
        fsync
        fsync
        """)
    assert r.out.splitlines()[1:] == ["fsync => -EIO", "write 2101248 4096 => 4096",
                                      "fsync => -EIO", "fsync => 0"]


# --- background and integrity writeback ------------------------------------------------

def test_background_writeback_writes_at_most_N_pages_and_resumes_where_it_stopped(zw, tmp_path):
    script = "".join("write %d 4096\n" % (i * 4096) for i in range(6))
    script += "writeback 2\nwriteback 2\n"
    r, log, _ = wb_log(zw, tmp_path, CONV, script)
    assert r.rc == 0, r
    assert r.lines[-2:] == ["writeback 2 => 0", "writeback 2 => 0"]
    # cyclic: the second pass goes on after the first; pages 4 and 5 stay dirty
    assert [e["pos"] for e in events(log, "folio_writeback_start")] == [0, 4096, 8192, 12288]
    assert len(events(log, "folio_writeback_end")) == 4


def test_background_writeback_without_a_count_writes_up_to_1024_pages(zw, tmp_path):
    script = "write 0 4194304\nwrite 4194304 4194304\nwriteback\nwriteback\n"
    r, log, _ = wb_log(zw, tmp_path, CONV, script)
    assert r.rc == 0, r
    # 2 MiB folios are 512 pages: two a pass
    assert [e["pos"] for e in events(log, "folio_writeback_start")] == [0, 2 * MiB, 4 * MiB, 6 * MiB]


def test_sync_writes_everything_in_index_order(zw, tmp_path):
    script = "write 65536 4096\nwrite 0 4096\nwrite 32768 4096\nsync\n"
    r, log, _ = wb_log(zw, tmp_path, CONV, script)
    assert r.rc == 0
    assert [e["pos"] for e in events(log, "folio_writeback_start")] == [0, 32768, 65536]
    assert [e["offset"] for e in events(log, "ioend_submit")] == [0, 32768, 65536]


def test_writeback_of_clean_pages_does_nothing(zw, tmp_path):
    r, log, _ = wb_log(zw, tmp_path, CONV, "write 0 8192\nsync\nsync\nwriteback\nfsync\n")
    assert r.rc == 0
    assert len(events(log, "ioend_submit")) == 1
    assert len(events(log, "bio_submit")) == 1


# --- --verify ------------------------------------------------------------------------------

def test_verify_checks_cached_written_and_never_written_data(zw):
    r = wb(zw, CONV, """
        write 8192 4096
        read 0 16384
        sync
        read 8192 4096
        read 1048576 4096
        """, "--verify")
    assert r.rc == 0, r
    assert [l.split(" => ")[1] for l in r.lines if l.startswith("read")] == \
        ["16384 data=ok", "4096 data=ok", "4096 data=ok"]


def test_verify_accepts_reads_that_start_or_end_inside_a_block(zw):
    # a read's chunks need not line up with blocks, nor the written bytes
    r = wb(zw, CONV, """
        write 0 4096
        write 9000 100
        read 1000 4096
        read 4000 200
        read 8192 4096
        read 9050 10
        """, "--verify")
    assert r.rc == 0, r
    assert [l.split(" => ")[1] for l in r.lines if l.startswith("read")] == \
        ["4096 data=ok", "200 data=ok", "4096 data=ok", "10 data=ok"]


def test_without_verify_a_read_prints_only_the_bytes(zw):
    r = wb(zw, CONV, "write 0 4096\nread 0 4096\n")
    assert r.lines[1] == "read 0 4096 => 4096"


# --- the event log -------------------------------------------------------------------------

def test_the_log_carries_bios_ioends_and_folio_writeback(zw, tmp_path):
    script = """
        write 0 8192
        write 1048576 4096
        write 1052672 4096
        sync
        fsync
        """
    r, log, _ = wb_log(zw, tmp_path, DEV, script)
    assert r.rc == 0, r
    for e in log:
        assert isinstance(e["t"], int)
    submits = events(log, "bio_submit")
    ends = events(log, "bio_end")
    assert submits
    for e in submits:
        assert e["op"] == "write"
        assert {"id", "sector", "bytes"} <= set(e)
    for e in ends:
        assert {"id", "op", "sector", "bytes", "status"} <= set(e)
    # every bio submitted or split off ends exactly once
    started = sorted([e["id"] for e in submits] + [e["id"] for e in events(log, "bio_split")])
    assert sorted(e["id"] for e in ends) == started
    ioends = events(log, "ioend_submit")
    assert [(i["offset"], i["size"], i["bio_bytes"], i["sector"], i["folios"], i["segments"])
            for i in ioends] == [(0, 8192, 8192, 0, 1, 1), (1048576, 8192, 8192, 2048, 2, 2)]
    assert [(e["sector"], e["bytes"]) for e in submits] == [(0, 8192), (2048, 8192)]
    starts = sorted(e["pos"] for e in events(log, "folio_writeback_start"))
    assert starts == sorted(e["pos"] for e in events(log, "folio_writeback_end"))
    assert starts == [0, 1048576, 1052672]


def test_a_folio_ends_writeback_only_after_the_bio_carrying_it_ended(zw, tmp_path):
    r, log, _ = wb_log(zw, tmp_path, CONV, "write 0 2097152\nwrite 4194304 8192\nsync\n",
                       "--order", "shuffle", "--seed", "3")
    assert r.rc == 0
    kinds = [e["ev"] for e in log]
    first_end = kinds.index("bio_end")
    for i, k in enumerate(kinds):
        if k == "folio_writeback_end":
            assert i > first_end


def test_the_same_seed_gives_byte_identical_logs_with_shuffled_completions(zw, tmp_path):
    script = "".join("write %d 4096\n" % (i * 65536) for i in range(40))
    script += "write 12582912 1048576\nwrite 0 2097152\nsync\nfsync\n"
    runs = [wb_log(zw, tmp_path, CONV, script, "--order", "shuffle", "--seed", "42",
                   name="l%d.jsonl" % i) for i in range(2)]
    assert runs[0][0].rc == 0
    assert runs[0][0].out == runs[1][0].out
    assert runs[0][2] == runs[1][2]
    assert len(events(runs[0][1], "bio_end")) > 20


def test_another_seed_gives_another_completion_order_and_the_same_results(zw, tmp_path):
    script = "".join("write %d 4096\n" % (i * 65536) for i in range(40))
    script += "sync\nfsync\nread 0 2621440\n"
    a = wb_log(zw, tmp_path, CONV, script, "--order", "shuffle", "--seed", "1", "--verify",
               name="a.jsonl")
    b = wb_log(zw, tmp_path, CONV, script, "--order", "shuffle", "--seed", "2", "--verify",
               name="b.jsonl")
    assert a[0].out == b[0].out
    assert a[0].lines[-1] == "read 0 2621440 => 2621440 data=ok"
    ids = [[e["id"] for e in events(x[1], "bio_end")] for x in (a, b)]
    assert sorted(ids[0]) == sorted(ids[1])
    assert ids[0] != ids[1]


# --- script and usage errors ----------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    "bogus",
    "write 0",
    "write 0 0",
    "write -4096 4096",
    "write 0 4k",
    "read 0",
    "writeback 0",
    "writeback 1 2",
    "sync now",
    "fsync 1",
])
def test_a_bad_script_line_exits_2_naming_file_and_line_and_runs_nothing(zw, tmp_path, bad):
    script = tmp_path / "s.wb"
    script.write_text("write 0 4096\n# fine so far\n%s\nsync\n" % bad)
    r = zw("writeback", "--dev", CONV, script)
    assert r.rc == 2, r
    assert r.out == ""
    assert r.err.startswith("zwsim writeback: %s:3: " % script), r.err


def test_a_bad_line_on_stdin_is_named_dash(zw):
    r = wb(zw, CONV, "sync\nfrob\n")
    assert r.rc == 2
    assert r.err.startswith("zwsim writeback: -:2: ")


@pytest.mark.parametrize("args", [
    [],                                             # no --dev, no script
    ["--dev", CONV],                                # no script
    ["--dev", CONV, "a.wb", "b.wb"],                # two scripts
    ["--dev", CONV, "--order", "random", "-"],
    ["--dev", CONV, "--seed", "x", "-"],
    ["--dev", "emu:model=foo", "-"],
    ["--dev", CONV, "/nonexistent/script.wb"],
    ["--dev", CONV, "--frobnicate", "-"],
])
def test_usage_errors_exit_2(zw, args):
    r = zw("writeback", *args, input="sync\n")
    assert r.rc == 2, r
    assert r.out == ""
    assert r.err.startswith("zwsim writeback") or r.err.startswith("usage:") or \
        "unrecognized option" in r.err, r.err


# --- tags mode ---------------------------------------------------------------------------

TAGS_SCRIPT = """
    write 0 2097152
    write 1048576 8192
    write 6291456 4096
    write 8388608 65536
    writeback 8
    sync
    fsync
    fsync
    read 0 65536
    read 1048576 8192
    read 8388608 65536
    """


@pytest.mark.parametrize("order", [["--order", "fifo"], ["--order", "shuffle", "--seed", "9"]],
                         ids=["fifo", "shuffle"])
def test_tags_mode_prints_the_same_and_logs_the_same_as_bytes_mode(zw, tmp_path, order):
    dev = "emu:zones=4,zone_size=4M,conv=1"
    b = wb_log(zw, tmp_path, dev + ",data=bytes", TAGS_SCRIPT, "--verify", *order, name="b.jsonl")
    t = wb_log(zw, tmp_path, dev + ",data=tags", TAGS_SCRIPT, "--verify", *order, name="t.jsonl")
    assert b[0].rc == t[0].rc == 0
    assert b[0].out == t[0].out
    assert "fsync => -EIO" in b[0].out          # 6 MiB is 2 MiB into an empty zone
    assert b[2] == t[2]


def test_tags_mode_reads_blocks_that_are_not_cached_like_bytes_mode(zw):
    script = "write 0 4096\nsync\nread 0 8192\nread 1048576 4096\n"
    b = wb(zw, CONV + ",data=bytes", script, "--verify")
    t = wb(zw, CONV + ",data=tags", script, "--verify")
    assert b.out == dedent("""
        write 0 4096 => 4096
        sync => 0
        read 0 8192 => 8192 data=ok
        read 1048576 4096 => 4096 data=ok
        """)
    assert t.out == b.out
