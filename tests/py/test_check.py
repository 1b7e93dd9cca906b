"""zwsim check: every rule has a log that breaks it and one that does not
(tests/data/check/RULE.{good,bad}.jsonl), the readers of block traces,
the geometry sources, the exit statuses and zwsim fs --check."""
import json
import os
import pathlib

import pytest

from conftest import dedent

DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "check"
RULES = [
    "write-not-at-wp",
    "append-not-at-wp",
    "append-overlap",
    "append-not-at-zone-start",
    "capacity",
    "open-limit",
    "active-limit",
    "mgmt-races-write",
    "mapping-data",
]


def check_json(zw, *args):
    res = zw("check", "--json", *args)
    return res, json.loads(res.out)


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_has_a_clean_log_and_a_violating_one(zw, rule):
    res, out = check_json(zw, DATA / (rule + ".good.jsonl"))
    assert res.rc == 0, res
    assert out["violations"] == 0
    res, out = check_json(zw, DATA / (rule + ".bad.jsonl"))
    assert res.rc == 1, res
    found = [v["rule"] for v in out["traces"][0]["list"]]
    assert found == [rule], found


def test_a_violation_comes_with_its_context(zwsim):
    res = zwsim("check", DATA / "write-not-at-wp.bad.jsonl")
    assert res.rc == 1
    text = res.out
    assert "line 4: write-not-at-wp: write of 8 sectors at sector 2064 issued while zone 1's write pointer is at sector 2056 (ahead by 8)" in text
    assert "enforced by: blk_zone_wplug_prepare_bio()" in text
    assert "zone 1 before: wp +8 oi, 0 write(s)" in text
    assert "zone 1 after:  wp +8 oi, 1 write(s)" in text
    # the events around it, the violating one marked
    assert '  >      4 {"t":7,"ev":"bio_issue","id":2' in text
    assert '         5 {"t":8,"ev":"bio_end","id":2' in text
    res, out = check_json(zwsim, DATA / "write-not-at-wp.bad.jsonl")
    v = out["traces"][0]["list"][0]
    assert v["kernel"].startswith("blk_zone_wplug_prepare_bio()")
    assert v["zone_before"]["wp_offset"] == 8 and v["zone_after"]["writes_in_flight"] == 1
    assert [c["line"] for c in v["context"]] == [2, 3, 4, 5]
    assert [c.get("here", False) for c in v["context"]] == [False, False, True, False]


def test_a_correct_run_of_the_model_is_clean_and_an_unplugged_one_is_not(zw, tmp_path):
    script = dedent("""
        write 1 0 8
        write 1 8 8
        append 1 16
        finish 1
        reset 1
        write 2 0 256
    """)
    (tmp_path / "s.zs").write_text(script)
    log = tmp_path / "run.jsonl"
    res = zw("zone", "run", "--dev", "emu:zones=4,zone_size=1M,max_open=2", "--log", log, tmp_path / "s.zs")
    assert res.rc == 0, res
    res = zw("check", log)
    assert res.rc == 0, res
    assert res.out.endswith("0 violations\n")
    # a write out of place is refused by the plug, so never issued: still clean
    (tmp_path / "bad.zs").write_text("write 1 0 8\nwrite 1 16 8\n")
    res = zw("zone", "run", "--dev", "emu:zones=4,zone_size=1M", "--log", log, tmp_path / "bad.zs")
    assert zw("check", log).rc == 0
    # without plugging it reaches the device: a violation
    res = zw("zone", "run", "--dev", "emu:zones=4,zone_size=1M,zone_wplug=0", "--log", log, tmp_path / "bad.zs")
    res = zw("check", log)
    assert res.rc == 1 and "write-not-at-wp" in res.out


BLKPARSE_GOOD = """\
259,0    1        1     0.000000000   100  Q  WS 524288 + 8 [fio]
259,0    1        2     0.000001000   100  D  WS 524288 + 8 [fio]
259,0    1        3     0.000002000   100  Q  WS 524296 + 8 [fio]
259,0    1        4     0.000100000     0  C  WS 524288 + 8 [0]
259,0    1        5     0.000101000   100  D  WS 524296 + 8 [fio]
259,0    1        6     0.000200000     0  C  WS 524296 + 8 [0]
259,0    1        7     0.000300000   100  D  ZA 1048576 + 8 [fio]
259,0    1        8     0.000301000   100  D  ZA 1048576 + 8 [fio]
259,0    1        9     0.000400000     0  C  ZA 1048584 + 8 [0]
259,0    1       10     0.000401000     0  C  ZA 1048576 + 8 [0]
259,0    1       11     0.000500000   100  D  ZR 524288 + 0 [blkzone]
259,0    1       12     0.000600000     0  C  ZR 524288 + 0 [0]
CPU1 (259,0):
 Reads Queued:           0,        0KiB  Writes Queued:           2,        8KiB
"""


def zone_report(nr=4, zone=524288, conv=1):
    lines = []
    for i in range(nr):
        kind = "1(CONVENTIONAL)" if i < conv else "2(SEQ_WRITE_REQUIRED)"
        cond = "0(nw)" if i < conv else "1(em)"
        wp = "       -" if i < conv else "0x000000"
        lines.append("  start: 0x%09x, len 0x%06x, cap 0x%06x, wptr %s reset:0 non-seq:0, zcond: %s [type: %s]"
                     % (i * zone, zone, zone, wp, cond, kind))
    return "\n".join(lines) + "\n"


def test_blkparse_text_with_a_saved_zone_report(zw, tmp_path):
    (tmp_path / "report.txt").write_text(zone_report())
    (tmp_path / "good.txt").write_text(BLKPARSE_GOOD)
    res, out = check_json(zw, "--zones", tmp_path / "report.txt", tmp_path / "good.txt")
    assert res.rc == 0, res
    assert out["traces"][0]["format"] == "blkparse" and out["traces"][0]["device"] == "259,0"
    assert out["traces"][0]["events"] == 12
    # two writes swapped at issue
    swapped = BLKPARSE_GOOD.replace("D  WS 524288 + 8", "D  WS 524296 + 8", 1)
    (tmp_path / "bad.txt").write_text(swapped)
    res, out = check_json(zw, "--zones", tmp_path / "report.txt", tmp_path / "bad.txt")
    assert res.rc == 1
    assert out["traces"][0]["list"][0]["rule"] == "write-not-at-wp"
    # an append's completion sector moved
    moved = BLKPARSE_GOOD.replace("C  ZA 1048584 + 8", "C  ZA 1048592 + 8")
    (tmp_path / "bad.txt").write_text(moved)
    res, out = check_json(zw, "--zones", tmp_path / "report.txt", tmp_path / "bad.txt")
    assert [v["rule"] for v in out["traces"][0]["list"]] == ["append-not-at-wp"]
    # the same geometry from a device spec
    res = zw("check", "--dev", "emu:zones=4,zone_size=256M,conv=1", tmp_path / "good.txt")
    assert res.rc == 0, res


TRACEFS_GOOD = """\
# tracer: nop
#
      kworker/u8:2-60      [000] .....    12.000100: block_rq_issue: 259,0 WS 4096 () 524288 + 8 none,0,0 [kworker/u8:2]
            <idle>-0       [000] ..s1.    12.000200: block_rq_complete: 259,0 WS () 524288 + 8 none,0,0 [0]
      kworker/u8:2-60      [000] .....    12.000300: block_rq_issue: 259,0 ZA 4096 () 1048576 + 8 none,0,0 [kworker/u8:2]
      kworker/u8:2-60      [000] .....    12.000301: block_rq_issue: 259,0 ZA 4096 () 1048576 + 8 none,0,0 [kworker/u8:2]
            <idle>-0       [000] ..s1.    12.000400: block_rq_complete: 259,0 ZA () 1048576 + 8 none,0,0 [0]
            <idle>-0       [000] ..s1.    12.000401: block_rq_complete: 259,0 ZA () 1048584 + 8 none,0,0 [0]
      kworker/u8:2-60      [000] .....    12.000500: block_rq_issue: 259,0 WS 4096 () 524296 + 8 none,0,0 [kworker/u8:2]
            <idle>-0       [000] ..s1.    12.000600: block_rq_complete: 259,0 WS () 524296 + 8 none,0,0 [0]
"""


def test_tracefs_lines_and_planted_faults(zw, tmp_path):
    (tmp_path / "report.txt").write_text(zone_report())
    (tmp_path / "good.txt").write_text(TRACEFS_GOOD)
    res, out = check_json(zw, "--zones", tmp_path / "report.txt", tmp_path / "good.txt")
    assert res.rc == 0, res
    assert out["traces"][0]["format"] == "tracefs" and out["traces"][0]["events"] == 8
    faults = {
        # an overlapping append: both land at the zone start
        "append-overlap": TRACEFS_GOOD.replace("ZA () 1048584 + 8", "ZA () 1048576 + 8"),
        # a write past the capacity (zones of 256 MiB: 524288 sectors)
        "capacity": TRACEFS_GOOD.replace("WS 4096 () 524296 + 8", "WS 4096 () 524296 + 524288")
                                .replace("WS () 524296 + 8", "WS () 524296 + 524288"),
    }
    for rule, text in faults.items():
        (tmp_path / "bad.txt").write_text(text)
        res, out = check_json(zw, "--zones", tmp_path / "report.txt", tmp_path / "bad.txt")
        assert res.rc == 1, (rule, res)
        assert out["traces"][0]["list"][0]["rule"] == rule
    # a zone opened past the limit
    (tmp_path / "good.txt").write_text(TRACEFS_GOOD)
    res, out = check_json(zw, "--zones", tmp_path / "report.txt", "--max-active", "1", tmp_path / "good.txt")
    assert [v["rule"] for v in out["traces"][0]["list"]] == ["active-limit"]


def test_bad_input_exits_2_naming_file_and_line(zw, tmp_path):
    (tmp_path / "x.jsonl").write_text('{"t":0,"ev":"device"}\n')
    res = zw("check", tmp_path / "x.jsonl")
    assert res.rc == 2 and "x.jsonl:1:" in res.err and "zones" in res.err
    (tmp_path / "y.txt").write_text(BLKPARSE_GOOD)
    res = zw("check", tmp_path / "y.txt")
    assert res.rc == 2 and "no geometry" in res.err and "--zones" in res.err
    (tmp_path / "z.txt").write_text("hello\n")
    res = zw("check", tmp_path / "z.txt")
    assert res.rc == 2 and "z.txt:1:" in res.err
    res = zw("check", "--zones", tmp_path / "z.txt", tmp_path / "y.txt")
    assert res.rc == 2 and "not a zone report line" in res.err
    assert zw("check").rc == 2
    assert zw("check", "--format", "nope", "x").rc == 2
    assert zw("check", tmp_path / "missing").rc == 2


def test_fs_check_runs_on_its_own_log(zw, tmp_path):
    script = dedent("""
        write a 0 1M
        write b 0 512K
        fsync a
        sync
    """)
    for order in ("fifo", "shuffle"):
        res = zw("fs", "--fs", "xfs-zoned", "--dev", "emu:zones=16,zone_size=4M,conv=2,max_append=64K",
                 "--check", "--order", order, "--seed", 3, "-", input=script)
        assert res.rc == 0, res
        assert "zwsim fs: check:" in res.err and res.err.rstrip().endswith("0 violations")
        events = int(res.err.split("zwsim fs: check: ")[1].split(" events")[0])
        assert events > 20

def test_the_log_carries_geometry_and_switches(zwsim, tmp_path):
    log = tmp_path / "l.jsonl"
    (tmp_path / "s.zs").write_text("write 1 0 8\n")
    res = zwsim("zone", "run", "--dev", "emu:zones=4,zone_size=1M,max_open=3,zone_wplug=0,ordered_zone_append=1",
                "--log", log, tmp_path / "s.zs")
    assert res.rc == 0, res
    first = json.loads(log.read_text().splitlines()[0])
    assert first["ev"] == "device"
    assert (first["zones"], first["zone_size"], first["max_open"]) == (4, 2048, 3)
    assert first["zone_wplug"] is False and first["ordered_zone_append"] is True
    assert any(json.loads(l)["ev"] == "bio_issue" for l in log.read_text().splitlines())
    res = zwsim("zone", "run", "--dev", "emu:zones=4,zone_wplug=yes", tmp_path / "s.zs")
    assert res.rc == 2 and "zone_wplug=yes: expected 0 or 1" in res.err


def test_file_extents_show_the_fragmentation_of_reordered_appends(zw, tmp_path):
    script = "write a 0 1M\nwrite b 0 1M\nsync\n"
    (tmp_path / "f.fs").write_text(script)
    extents = {}
    for name, spec, order in (("fifo", "", "fifo"), ("shuffle", "", "shuffle"),
                              ("ordered", ",ordered_zone_append=1", "shuffle")):
        log = tmp_path / (name + ".jsonl")
        res = zw("fs", "--fs", "xfs-zoned", "--dev",
                 "emu:zones=16,zone_size=4M,conv=2,max_append=64K,data=tags" + spec,
                 "--order", order, "--seed", 2, "--log", log, tmp_path / "f.fs")
        assert res.rc == 0, res
        res, out = check_json(zw, log)
        assert res.rc == 0, res
        files = out["traces"][0]["files"]
        assert [f["bytes"] for f in files] == [1048576, 1048576]
        assert all(f["ideal"] == 1 for f in files)
        extents[name] = [f["extents"] for f in files]
    assert extents["fifo"] == [1, 1] and extents["ordered"] == [1, 1]
    assert min(extents["shuffle"]) > 4, extents
    res = zw("check", tmp_path / "shuffle.jsonl")
    assert "(fewest possible: 1): fragmented" in res.out


def tag(ino, block):
    """zw_tag_file(): the tag of a file's block (sim/pattern.h)."""
    return (3 << 62) | ((ino & 0x3fffff) << 40) | block


@pytest.mark.parametrize("fs", ["zonefs", "xfs"])
def test_zonefs_and_regular_xfs_mappings_are_checked_too(zw, fs):
    # tests/data/check/mapping-data-FS.good.jsonl: the model's own log;
    # .bad: one file_map moved onto another block's (zonefs) or file's (xfs) data
    res, out = check_json(zw, DATA / ("mapping-data-%s.good.jsonl" % fs))
    assert res.rc == 0, res
    assert out["traces"][0]["files"], out
    res, out = check_json(zw, DATA / ("mapping-data-%s.bad.jsonl" % fs))
    assert res.rc == 1, res
    assert [v["rule"] for v in out["traces"][0]["list"]] == ["mapping-data"]


@pytest.mark.parametrize("fs,dev,script,ino", [
    ("zonefs", "emu:zones=8,zone_size=1M,conv=2,data=tags", "dwrite seq/0 0 64K\nwrite cnv/0 0 16K\nsync\n", 2),
    ("xfs", "emu:zoned=0,size=16M,data=bytes", "write a 0 32K\nwrite b 0 16K\nsync\n", 129),
])
def test_the_models_log_their_mappings_and_a_moved_one_is_caught(zw, tmp_path, fs, dev, script, ino):
    log = tmp_path / "run.jsonl"
    res = zw("fs", "--fs", fs, "--dev", dev, "--log", log, "-", input=script)
    assert res.rc == 0, res
    lines = log.read_text().splitlines()
    maps = [json.loads(l) for l in lines if '"file_map"' in l]
    assert {m["ino"] for m in maps} >= {ino} and len({m["ino"] for m in maps}) == 2, maps
    res, out = check_json(zw, log)
    assert res.rc == 0, res
    # the file's mapping moved one block on: over its own next block (or nothing)
    i = next(k for k, l in enumerate(lines) if '"file_map"' in l and '"ino":%d,' % ino in l)
    m = json.loads(lines[i])
    lines[i] = lines[i].replace('"sector":%d,' % m["sector"], '"sector":%d,' % (m["sector"] + 8))
    log.write_text("\n".join(lines) + "\n")
    res, out = check_json(zw, log)
    assert res.rc == 1 and out["traces"][0]["list"][0]["rule"] == "mapping-data", res


def test_an_overwrite_in_a_conventional_zone_replaces_the_data_a_mapping_sees(zw, tmp_path):
    dev = {"t": 0, "ev": "device", "kind": "emu", "capacity": 4096, "zones": 2, "zone_size": 2048,
           "zone_cap": 2048, "conv": 2, "lba": 4096, "zone_state": []}
    ev = [dev]

    def write(i, sector, blocks, t):
        ev.append({"t": i, "ev": "bio_issue", "id": i, "op": "write", "sector": sector, "bytes": blocks * 4096,
                   "tag": t})
        ev.append({"t": i, "ev": "bio_end", "id": i, "op": "write", "sector": sector, "bytes": blocks * 4096,
                   "status": "OK"})

    write(1, 0, 4, tag(128, 0))    # file 128 blocks 0-3 at sectors 0-31
    write(2, 8, 2, tag(129, 0))    # file 129 blocks 0-1 over sectors 8-23
    good = ev + [{"t": 3, "ev": "file_map", "ino": 128, "offset": 0, "bytes": 4096, "sector": 0, "block": 4096},
                 {"t": 3, "ev": "file_map", "ino": 128, "offset": 12288, "bytes": 4096, "sector": 24, "block": 4096},
                 {"t": 3, "ev": "file_map", "ino": 129, "offset": 0, "bytes": 8192, "sector": 8, "block": 4096}]
    bad = ev + [{"t": 3, "ev": "file_map", "ino": 128, "offset": 4096, "bytes": 4096, "sector": 8, "block": 4096}]
    for name, events, rc in (("good", good, 0), ("bad", bad, 1)):
        p = tmp_path / (name + ".jsonl")
        p.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events))
        res, out = check_json(zw, p)
        assert res.rc == rc, (name, res)
    assert "carries tag %#x (file 129 block 0)" % tag(129, 0) in out["traces"][0]["list"][0]["message"]


def test_random_file_system_runs_have_no_false_mapping_violation(zwsim, tmp_path):
    import scriptfuzz
    maps = 0
    for fs in ("zonefs", "xfs", "xfs-zoned"):
        for seed in range(1, 6):
            dev, opts, text = scriptfuzz.fs_case(seed, fs)
            dev += ",data=tags" if seed % 2 else ",data=bytes"
            log = tmp_path / "run.jsonl"
            zwsim("fs", "--fs", fs, "--dev", dev, *opts, "--log", log, "-", input=text, timeout=120)
            maps += log.read_text().count('"file_map"')
            res, out = check_json(zwsim, log)
            assert res.rc == 0, res
            found = [v["message"] for v in out["traces"][0]["list"] if v["rule"] == "mapping-data"]
            assert not found, (fs, seed, found)
    assert maps > 500, maps


def nvme_line(t, pid, ev, rest, disk="nvme0n1"):
    return "%16s [000] ..... %12.6f: %s: nvme0: %sqid=%s\n" % (pid, t, ev, "disk=%s, " % disk if disk else "", rest)


def nvme_setup(t, qid, cid, cmd, disk="nvme0n1"):
    return nvme_line(t, "fio-100", "nvme_setup_cmd",
                     "%d, cmdid=%d, nsid=1, flags=0x0, meta=0x0, cmd=(%s)" % (qid, cid, cmd), disk)


def nvme_done(t, qid, cid, res=0, status=0, disk="nvme0n1"):
    return nvme_line(t, "<idle>-0", "nvme_complete_rq",
                     "%d, cmdid=%d, res=%#x, retries=0, flags=0x0, status=%#x" % (qid, cid, res, status), disk)


def rw(op, slba, nlb):
    return "nvme_cmd_%s slba=%d, len=%d, ctrl=0x0, dsmgmt=0, reftag=0" % (op, slba, nlb - 1)


# 4 KiB blocks; zones of 256 MiB (65536 blocks): zone 1 starts at LBA 65536, zone 2 at 131072
NVME_GOOD = "".join([
    "# tracer: nop\n#\n",
    nvme_setup(1.0, 0, 9, "nvme_admin_identify cns=1, ctrlid=0", disk=""),   # the admin queue: skipped
    nvme_setup(1.1, 1, 4097, rw("write", 65536, 8)),
    nvme_done(1.2, 1, 4097),
    nvme_setup(1.3, 1, 4098, rw("write", 65544, 8)),
    nvme_setup(1.31, 1, 7, rw("write", 0, 8), disk="nvme1n1"),               # another namespace: skipped
    nvme_done(1.4, 1, 4098),
    # two appends to zone 2 with the same tag on two queues, completing out of order
    nvme_setup(2.0, 1, 3, rw("zone_append", 131072, 8)),
    nvme_setup(2.1, 2, 3, rw("zone_append", 131072, 8)),
    nvme_done(2.2, 2, 3, res=131080),
    nvme_done(2.3, 1, 3, res=131072),
    nvme_setup(3.0, 1, 5, "nvme_cmd_zone_mgmt_send slba=65536, zsa=4:reset zone, all=0"),
    nvme_done(3.1, 1, 5),
    nvme_setup(3.2, 1, 4101, rw("write", 65536, 8)),
    nvme_done(3.3, 1, 4101),
])


def test_nvme_tracepoints_with_a_saved_zone_report(zw, tmp_path):
    (tmp_path / "report.txt").write_text(zone_report())
    (tmp_path / "good.txt").write_text(NVME_GOOD)
    args = ["--zones", tmp_path / "report.txt", "--lba-size", 4096]
    res, out = check_json(zw, *args, tmp_path / "good.txt")
    assert res.rc == 0, res
    t = out["traces"][0]
    assert (t["format"], t["device"], t["events"]) == ("nvme", "nvme0n1", 12), t
    faults = {
        # the second write skips a block
        "write-not-at-wp": NVME_GOOD.replace("slba=65544, len=7", "slba=65552, len=7"),
        # both appends given the zone's start
        "append-overlap": NVME_GOOD.replace("res=0x20008", "res=0x20000"),
        # the second write grown to 65536 blocks: across zone 1's capacity
        "capacity": NVME_GOOD.replace("slba=65544, len=7", "slba=65544, len=65535"),
    }
    for rule, text in faults.items():
        (tmp_path / "bad.txt").write_text(text)
        res, out = check_json(zw, *args, tmp_path / "bad.txt")
        assert res.rc == 1, (rule, res)
        assert out["traces"][0]["list"][0]["rule"] == rule, (rule, out["traces"][0]["list"])
    # without the reset, the last write is behind the write pointer
    (tmp_path / "bad.txt").write_text(NVME_GOOD.replace("zsa=4:reset zone", "zsa=7"))
    res, out = check_json(zw, *args, tmp_path / "bad.txt")
    assert [v["rule"] for v in out["traces"][0]["list"]] == ["write-not-at-wp"], out


def test_nvme_tracepoints_bad_input_exits_2(zw, tmp_path):
    (tmp_path / "report.txt").write_text(zone_report())
    (tmp_path / "t.txt").write_text(NVME_GOOD)
    res = zw("check", "--zones", tmp_path / "report.txt", tmp_path / "t.txt")
    assert res.rc == 2 and "--lba-size" in res.err, res
    assert zw("check", "--lba-size", 1000, "--zones", tmp_path / "report.txt", tmp_path / "t.txt").rc == 2
    (tmp_path / "t.txt").write_text(NVME_GOOD + "x-1 [000] ..... 9.0: nvme_setup_cmd: nvme0: disk=nvme0n1, cmdid=1\n")
    res = zw("check", "--zones", tmp_path / "report.txt", "--lba-size", 4096, tmp_path / "t.txt")
    assert res.rc == 2 and "t.txt:%d:" % (NVME_GOOD.count("\n") + 1) in res.err and "qid" in res.err, res
