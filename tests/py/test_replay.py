"""zwsim replay end to end: traces (fio iologs written here) onto the raw
device and through the file system models, with the placements, counts,
latencies and errors each should give worked out here from the trace and
the documented rules (the latency model: 20 us a command + 2 us a 4 KiB
block; a sequential zone takes writes at its write pointer only)."""
import json
import os
import random

import pytest

from conftest import dedent

KiB, MiB = 1024, 1024 * 1024
RAW = "emu:zones=8,zone_size=1M,conv=1"     # zone 0 conventional, zones 1-7 sequential, 4 KiB blocks


def iolog(*lines, version=2, vol="v"):
    """A fio iolog: (OFFSET, LEN) writes, ("read", OFF, LEN), ("sync",), or with v3 (TIME_MS, ...)."""
    out = ["fio version %d iolog" % version]
    pre = "0 " if version == 3 else ""
    out += [pre + "%s add" % vol, pre + "%s open" % vol]
    for ln in lines:
        t = ""
        if version == 3:
            t, ln = "%d " % ln[0], ln[1:]
        if ln[0] == "read":
            out.append("%s%s read %d %d" % (t, vol, ln[1], ln[2]))
        elif ln[0] == "sync":
            out.append("%s%s sync 0 0" % (t, vol))
        else:
            out.append("%s%s write %d %d" % (t, vol, ln[0], ln[1]))
    out.append(pre + "%s close" % vol)
    return "\n".join(out) + "\n"


def replay(zw, dev, fs, trace, *opts, rc=0):
    r = zw("replay", "--dev", dev, "--fs", fs, "--json", *opts, "-", input=trace)
    assert r.rc == rc, r
    return json.loads(r.out) if rc in (0, 1) else r


def expected_raw(writes, zone_size=MiB, nr_zones=8, conv=1, lbs=4096):
    """What the device makes of writes at qd 1: which succeed, each zone's wp at the end."""
    wp = {z: 0 for z in range(conv, nr_zones)}
    ok, failed = [], []
    for off, ln in writes:
        z = off // zone_size
        if off % lbs or ln % lbs:
            failed.append(("-EINVAL", off))
            continue
        if z < conv:
            ok.append((off, ln))
            continue
        if off - z * zone_size != wp[z] or off + ln > (z + 1) * zone_size:
            failed.append(("-EIO", off))
            continue
        wp[z] += ln
        ok.append((off, ln))
    return ok, failed, wp


def zones_wp(report):
    return {z["zone"]: z["wp"] for z in report["zones"] if z["wp"] is not None}


def test_raw_writes_at_the_write_pointer_land_and_the_others_fail_as_the_device_fails_them(zw):
    # zone 1 written in order, zone 2 from its start, zone 0 (conventional) anywhere, then
    # one write off zone 3's pointer and one not block-aligned; none after a refused write
    # to the same zone (the zone write plug's behaviour after a refusal is not judged here)
    writes = [(1 * MiB, 64 * KiB), (1 * MiB + 64 * KiB, 4 * KiB), (2 * MiB, 8 * KiB), (40 * KiB, 4 * KiB),
              (0, 4 * KiB), (40 * KiB, 4 * KiB), (3 * MiB + 8 * KiB, 4 * KiB), (5 * MiB + 1000, 4 * KiB)]
    rep = replay(zw, RAW, "raw", iolog(*writes))
    ok, failed, wp = expected_raw(writes)
    assert rep["records"]["read"]["write"] == len(writes)
    assert rep["records"]["replayed"]["write"] == len(writes)
    assert rep["records"]["failed"]["write"] == len(failed) == 2
    assert rep["bytes"]["user_written"] == sum(ln for _, ln in ok)
    assert rep["bytes"]["device_written"] == sum(ln for _, ln in ok)
    got = zones_wp(rep)
    assert got == wp
    kinds = {e["kind"]: e for e in rep["errors"]["by_kind"]}
    assert set(kinds) == {"write -EIO", "write -EINVAL"}
    # the first of each kind is named by its line in the trace (3 header lines, then the writes)
    assert kinds["write -EIO"]["first"]["where"] == "<stdin>:%d" % (3 + 1 + writes.index((3 * MiB + 8 * KiB, 4 * KiB)))
    assert "write pointer" in kinds["write -EIO"]["first"]["reason"]
    assert kinds["write -EINVAL"]["first"]["record"] == len(writes)
    assert rep["target"]["clock"] == "simulated"


def test_raw_latency_percentiles_follow_the_latency_model(zwsim):
    # at qd 1 each write takes 20 us + 2 us per 4 KiB block
    sizes = [4 * KiB] * 9 + [64 * KiB]
    off, writes = MiB, []
    for s in sizes:
        writes.append((off, s))
        off += s
    rep = replay(zwsim, RAW, "raw", iolog(*writes))
    lat = [20000 + 2000 * (s // 4096) for s in sizes]
    w = rep["latency_ns"]["write"]
    assert w["count"] == len(sizes)
    assert w["p50"] == sorted(lat)[4]
    assert w["p90"] == sorted(lat)[8]
    assert w["max"] == max(lat) == 52000
    # one after the other: the run lasts as long as the writes together
    assert rep["throughput"]["elapsed_ns"] == sum(lat)


def test_raw_queue_depth_overlaps_the_writes(zwsim):
    # four 4 KiB writes to four zones: at qd 4 they are all in flight at once
    writes = [(z * MiB, 4 * KiB) for z in (1, 2, 3, 4)]
    one = replay(zwsim, RAW, "raw", iolog(*writes), "--qd", "1")
    four = replay(zwsim, RAW, "raw", iolog(*writes), "--qd", "4")
    assert one["throughput"]["elapsed_ns"] == 4 * 22000
    assert four["throughput"]["elapsed_ns"] == 22000
    assert zones_wp(one) == zones_wp(four)


def test_strict_honours_the_trace_times_and_reports_the_lag(zwsim):
    # v3 times in us: four writes at 0, 1, 2, 2 ms; at 2 ms two are due at once, so
    # the second goes out when the first completes, 22 us late
    trace = iolog((0, 1 * MiB, 4096), (1000, 1 * MiB + 4096, 4096), (2000, 1 * MiB + 8192, 4096),
                  (2000, 1 * MiB + 12288, 4096), version=3)
    rep = replay(zwsim, RAW, "raw", trace, "--strict")
    assert rep["target"]["timing"] == "strict"
    assert rep["lag_ns"]["count"] == 4
    assert rep["lag_ns"]["max"] == 22000
    assert rep["lag_ns"]["p50"] == 0
    assert rep["throughput"]["elapsed_ns"] == 2000000 + 2 * 22000
    fast = replay(zwsim, RAW, "raw", trace, "--speed", "4")
    assert fast["throughput"]["elapsed_ns"] == 500000 + 2 * 22000
    asap = replay(zwsim, RAW, "raw", trace)
    assert asap["lag_ns"] is None and asap["target"]["timing"] == "asap"
    assert asap["throughput"]["elapsed_ns"] == 4 * 22000


def test_remap_fits_a_large_trace_onto_a_small_device(zwsim):
    # offsets from 10 GiB: base takes 10 GiB off, div halves, wrap folds at 8 MiB
    G = 1024 * MiB
    trace = iolog((10 * G + 2 * MiB, 8192), (10 * G + 2 * MiB + 8192, 8192), (10 * G + 8 * MiB + 2 * MiB, 8192),
                  (5 * G, 4096))
    rep = replay(zwsim, RAW, "raw", trace, "--remap", "base=10G")
    # the last is below the base; without wrapping, the third is past the 8 MiB device:
    # a write there is -ENOSPC (blkdev_write_iter())
    assert rep["records"]["skipped"]["range"] == 1
    assert rep["errors"]["by_kind"][0]["kind"] == "write -ENOSPC"
    assert zones_wp(rep)[2] == 16384
    rep = replay(zwsim, RAW, "raw", trace, "--remap", "base=10G,wrap=dev")
    assert rep["records"]["skipped"]["range"] == 1
    assert zones_wp(rep)[2] == 16384
    # 10 MiB folds onto 2 MiB, where the write pointer is at 16 KiB by then
    assert rep["records"]["failed"]["write"] == 1
    # div=2: 4 MiB + 16 KiB is 2 MiB + 8 KiB, right after the first 8 KiB
    rep = replay(zwsim, RAW, "raw", iolog((4 * MiB, 8192), (4 * MiB + 16384, 8192)), "--remap", "div=2")
    assert zones_wp(rep)[2] == 16384 and rep["errors"]["total"] == 0


def test_volume_filter_and_one_file_per_volume(zwsim):
    trace = "fio version 2 iolog\n" + "".join("%s add\n%s open\n" % (v, v) for v in ("a", "b")) + dedent("""
        a write 0 65536
        b write 0 4096
        a write 65536 65536
        b write 4096 4096
        """)
    rep = replay(zwsim, "emu:zones=16,zone_size=1M", "xfs-zoned", trace)
    assert {n: f["size"] for n, f in rep["files"].items()} == {"a": 131072, "b": 8192}
    for f in rep["files"].values():
        assert sum(e["len"] for e in f["extents"]) == f["size"]
    # every byte written once and synced at the end: the device wrote what the user did
    assert rep["bytes"]["user_written"] == rep["bytes"]["device_written"] == 131072 + 8192
    assert rep["write_amplification"] == {"host": 1.0, "device": 1.0}
    only = replay(zwsim, "emu:zones=16,zone_size=1M", "xfs-zoned", trace, "--volume", "b")
    assert list(only["files"]) == ["b"]
    assert only["records"]["skipped"]["volume"] == 2


def test_split_makes_a_file_of_each_piece(zwsim):
    trace = iolog((0, 65536), (65536, 65536), (16 * 65536 + 4096, 4096))
    rep = replay(zwsim, "emu:zones=16,zone_size=1M", "xfs-zoned", trace, "--split", "64k")
    assert {n: f["size"] for n, f in rep["files"].items()} == {"v.0": 65536, "v.1": 65536, "v.16": 8192}


def test_zonefs_maps_the_volume_onto_the_sequential_zone_files(zwsim):
    # zone capacity 1 MiB: volume offset X is file seq/(X // 1M) at X % 1M; zonefs takes
    # direct writes at a file's end only (-EINVAL elsewhere)
    trace = iolog((0, 65536), (65536, 65536), (MiB, 4096), (8192, 4096))
    rep = replay(zwsim, "emu:zones=8,zone_size=1M,conv=1", "zonefs", trace)
    sizes = {n: f["size"] for n, f in rep["files"].items() if n.startswith("seq/") and f["size"]}
    assert sizes == {"seq/0": 131072, "seq/1": 4096}
    assert rep["errors"]["by_kind"][0]["kind"] == "write -EINVAL"
    assert rep["errors"]["by_kind"][0]["first"]["record"] == 4


def test_gc_and_write_amplification_on_a_small_device(zwsim):
    # 4 KiB writes at random places of 4 MiB, 8 times its size, synced every 1 MiB, on
    # 16 zones of 1 MiB: zones hold live and stale blocks, so GC must move data
    rng = random.Random(5)
    writes = [(rng.randrange(1024) * 4096, 4096) for _ in range(1024 * 8)]
    lines = []
    for i, w in enumerate(writes):
        lines.append(w)
        if i % 256 == 255:
            lines.append(("sync",))
    rep = replay(zwsim, "emu:zones=16,zone_size=1M,data=tags", "xfs-zoned", iolog(*lines))
    b = rep["bytes"]
    assert rep["errors"]["total"] == 0
    assert b["user_written"] == len(writes) * 4096
    assert b["gc_moved"] > 0 and rep["zone_ops"]["resets"] > 0
    assert b["device_written"] == rep["fs_stats"]["device_bytes"]
    assert rep["write_amplification"]["device"] == pytest.approx(
        (b["device_written"] + b["finish_padding"]) / b["user_written"], abs=1e-4)
    assert rep["write_amplification"]["host"] == pytest.approx(
        (b["device_written"] - b["gc_moved"]) / b["user_written"], abs=1e-4)
    assert rep["files"]["v"]["size"] == max(off for off, _ in writes) + 4096
    # zones over time: counts that add up, open zones within what was seen at most
    for row in rep["zones_over_time"]:
        assert row["open"] + row["closed"] == row["active"]
        assert row["open"] <= rep["zone_ops"]["max_open"]
        assert row["open"] + row["closed"] + row["full"] + row["empty"] == 16


def test_same_inputs_and_seed_give_the_same_bytes(zwsim, tmp_path):
    trace = iolog(*[((i * 7919) % 256 * 4096, 4096) for i in range(600)])
    outs = []
    for n in range(2):
        log = tmp_path / ("log%d" % n)
        r = zwsim("replay", "--dev", "emu:zones=16,zone_size=1M", "--fs", "xfs-zoned", "--json", "--order", "shuffle",
                  "--seed", "7", "--log", log, "-", input=trace)
        assert r.rc == 0, r
        outs.append((r.out, log.read_bytes()))
    assert outs[0] == outs[1]
    assert b'"ev":"bio_submit"' in outs[0][1] and b'"ev":"replay_record"' in outs[0][1]


def test_verify_passes_on_a_clean_replay_and_catches_a_corrupted_block(zw):
    writes = [(1 * MiB, 64 * KiB), (8192, 4096), (2 * MiB, 4096)]
    rep = replay(zw, RAW, "raw", iolog(*writes), "--verify")
    assert rep["verify"] == "ok"
    # the block at 1 MiB + 16 KiB (sector 2080) turns into another block's data after the last record
    r = zw("replay", "--dev", RAW, "--fs", "raw", "--verify", "--inject", "3:corrupt=2080", "-", input=iolog(*writes))
    assert r.rc == 1, r
    assert "verify: zone 1: the block at byte %d" % (MiB + 16 * KiB) in r.err
    # a block above the write pointer is nothing the replay wrote: not checked
    r = zw("replay", "--dev", RAW, "--fs", "raw", "--verify", "--inject", "3:corrupt=3000", "-", input=iolog(*writes))
    assert r.rc == 0, r


def test_verify_on_a_file_system_reads_every_file_back(zwsim):
    dev = "emu:zones=16,zone_size=1M"
    trace = iolog((0, 65536), ("sync",), (65536, 4096))
    rep = replay(zwsim, dev, "xfs-zoned", trace, "--verify")
    assert rep["verify"] == "ok"
    ext = rep["files"]["v"]["extents"][0]
    sector = (ext["zone"] * MiB + ext["zone_off"] + 8192) // 512     # a block of the synced 64 KiB
    rep = replay(zwsim, dev, "xfs-zoned", trace, "--verify", "--inject", "2:corrupt=%d" % sector, rc=1)
    assert rep["verify"] != "ok"


def test_hugepages_changes_where_memory_comes_from_and_nothing_else(zwsim):
    # the release binary (not ASan's) so that the huge-page regions are the ones used
    dev = "emu:zones=16,zone_size=2M,data=bytes"
    trace = iolog(*[((i * 7919) % 1024 * 4096, 8192) for i in range(900)], ("sync",))
    outs = []
    for opts in ((), ("--hugepages",)):
        r = zwsim("replay", "--dev", dev, "--fs", "xfs-zoned", "--json", "--verify", *opts, "-", input=trace)
        assert r.rc == 0, r
        outs.append(r.out)
    assert json.loads(outs[0])["verify"] == "ok"
    assert outs[0] == outs[1]


def test_a_malformed_record_is_an_error_and_no_report(zwsim):
    trace = iolog((0, 4096)) + "v write 4096\n"
    r = zwsim("replay", "--dev", RAW, "--fs", "raw", "-", input=trace)
    assert r.rc == 2 and r.out == ""
    assert "<stdin>:6:" in r.err
    r = zwsim("replay", "--dev", RAW, "--fs", "raw", "--json", "--skip-bad", "-", input=trace)
    assert r.rc == 0, r
    assert json.loads(r.out)["records"]["skipped"]["bad"] == 1


def test_csv_tables(zwsim, tmp_path):
    d = tmp_path / "csv"
    r = zwsim("replay", "--dev", RAW, "--fs", "raw", "--csv", d, "-", input=iolog((MiB, 8192)))
    assert r.rc == 0, r
    zones = (d / "zones.csv").read_text().splitlines()
    assert zones[0] == "zone,type,cond,start,len,capacity,wp"
    assert len(zones) == 1 + 8
    assert zones[2] == "1,seq,oi,%d,%d,%d,8192" % (MiB, MiB, MiB)
    assert (d / "over_time.csv").read_text().splitlines()[0] == "t_ns,record,open,active,closed,full,empty"
    assert (d / "latency.csv").read_text().splitlines()[1].startswith("write,1,24000,")


def test_text_summary(zwsim):
    r = zwsim("replay", "--dev", RAW, "--fs", "raw", "-", input=iolog((MiB, 8192), (MiB + 4096, 4096)))
    assert r.rc == 0, r
    assert r.lines[1] == "records: 2 replayed (2 write), 1 failed, 0 skipped"
    assert r.lines[2] == "written: 8.0 KiB by the user, 8.0 KiB to the device (GC moved 0 B, zone finishes left 0 B)"
    assert any(ln.startswith("error: write -EIO x1, first at <stdin>:5") for ln in r.lines)


@pytest.mark.parametrize("args,msg", [
    ([], "needs --dev SPEC, --fs NAME and a TRACE"),
    (["--fs", "ext4"], "--fs ext4: accepted: xfs-zoned, zonefs, xfs, raw"),
    (["--fs", "xfs-zoned", "--qd", "4"], "--qd is for --fs raw"),
    (["--qd", "0"], "--qd 0: a number from 1 to 4096"),
    (["--speed", "0"], "--speed 0: a number above 0"),
    (["--speed", "x"], "--speed x: a number above 0"),
    (["--remap", "base"], "--remap base: expected base=OFF"),
    (["--remap", "wrap=0"], "--remap wrap=0: expected"),
    (["--remap", "up=1"], "--remap up=1: expected"),
    (["--split", "1000"], "--split 1000: a size in bytes, a multiple of 4 KiB"),
    (["--action", "X"], "--action X: accepted values are Q, D, C"),
    (["--inject", "corrupt=8"], "--inject corrupt=8: expected N:FAULT"),
    (["--inject", "x:corrupt=8"], "--inject x: N is not a number"),
    (["--inject", "1:bogus=1"], "--inject bogus=1: unknown key 'bogus'"),
    (["--order", "lifo"], "--order lifo: accepted values are fifo, latency, shuffle"),
    (["--format", "nope"], "--format nope: accepted:"),
    (["--seed", "x"], "--seed x: not a number"),
])
def test_option_errors(zwsim, args, msg):
    base = {"--fs": "raw", "--dev": RAW}
    argv = []
    if args:
        for k, v in base.items():
            if k not in args:
                argv += [k, v]
    argv += args
    r = zwsim("replay", *argv, "-", input=iolog((MiB, 4096)))
    assert r.rc == 2, r
    assert msg in r.err, r.err
    assert r.out == ""


def test_bad_device_and_missing_trace(zwsim, tmp_path):
    r = zwsim("replay", "--dev", "emu:zones=x", "--fs", "raw", "-", input=iolog((0, 4096)))
    assert r.rc == 2 and "bad device spec" in r.err
    r = zwsim("replay", "--dev", RAW, "--fs", "raw", tmp_path / "none.iolog")
    assert r.rc == 2 and "none.iolog" in r.err
    r = zwsim("replay", "--dev", "emu:zoned=0,size=8M", "--fs", "xfs-zoned", "-", input=iolog((0, 4096)))
    assert r.rc == 2 and "mount" in r.err


def test_help_teaches(zwsim):
    r = zwsim("replay", "--help")
    assert r.rc == 0
    for word in ("--remap", "--strict", "--speed", "--qd", "--verify", "--csv", "--json", "--log", "--split",
                 "--volume", "--force", "--skip-bad", "Examples:", "fio-iolog", "blkparse"):
        assert word in r.out, word


FS_TRACE = dedent("""
    0 open log
    0.001 write log 0 64k
    0.002 dwrite data 0 1M
    0.003 fsync log
    0.004 append data 256k
    0.010 truncate log 4k
    0.020 bogus-free line
    """).replace("0.020 bogus-free line\n", "")


def test_fs_format_runs_as_zwsim_fs_runs_the_same_script(zwsim):
    dev = "emu:zones=16,zone_size=1M"
    rep = replay(zwsim, dev, "xfs-zoned", FS_TRACE, "--format", "fs")
    script = "".join(line.split(" ", 1)[1] + "\n" for line in FS_TRACE.splitlines())
    fs = zwsim("fs", "--fs", "xfs-zoned", "--dev", dev, "--json", "-", input=script + "sync\n")
    assert fs.rc == 0, fs
    assert rep["files"] == json.loads(fs.out)["files"]
    assert rep["records"]["fs_ops"] == {"open": 1, "write": 1, "dwrite": 1, "fsync": 1, "append": 1, "truncate": 1}
    assert rep["bytes"]["user_written"] == 64 * KiB + MiB + 256 * KiB
    assert set(rep["latency_ns"]) == {"fs", "fs open", "fs write", "fs dwrite", "fs fsync", "fs append", "fs truncate"}
    # fsync of 64 KiB: one 64 KiB zone append, 20 us + 16 x 2 us
    assert rep["latency_ns"]["fs fsync"]["max"] == 20000 + 16 * 2000


def test_fs_format_errors_and_raw(zwsim):
    bad = FS_TRACE + "0.5 frobnicate log\n"
    r = zwsim("replay", "--dev", "emu:zones=16,zone_size=1M", "--fs", "xfs-zoned", "--format", "fs", "-", input=bad)
    assert r.rc == 2 and r.out == "" and "frobnicate" in r.err, r
    # a failing call is a result: unlink of a file that is not there
    rep = replay(zwsim, "emu:zones=16,zone_size=1M", "xfs-zoned", FS_TRACE + "0.5 unlink nothere\n", "--format", "fs")
    assert rep["errors"]["by_kind"][0]["kind"] == "unlink -ENOENT"
    assert rep["errors"]["by_kind"][0]["first"]["what"].startswith("unlink nothere")
    # file operations have no meaning on the raw device
    rep = replay(zwsim, RAW, "raw", FS_TRACE, "--format", "fs")
    assert rep["records"]["skipped"]["unsupported"] == len(FS_TRACE.splitlines())


def test_an_implicitly_closed_zone_is_counted(zwsim):
    # open limit 2: the third zone written closes the first (null_blk)
    rep = replay(zwsim, "emu:zones=8,zone_size=1M,max_open=2", "raw", iolog((MiB, 4096), (2 * MiB, 4096), (3 * MiB, 4096)))
    conds = [z["cond"] for z in rep["zones"]]
    assert conds[1:4] == ["cl", "oi", "oi"]
    last = rep["zones_over_time"][-1]
    assert (last["open"], last["closed"], last["active"]) == (2, 1, 3)
    assert rep["zone_ops"]["max_open"] == 2


def test_a_device_profile_gives_the_time(zwsim):
    # the nullblk profile: every command completes 10 us after it starts (docs/profiles.md)
    writes = [(MiB, 4096), (MiB + 4096, 65536), (2 * MiB, 8192)]
    rep = replay(zwsim, RAW.replace("emu:", "emu:profile=nullblk,"), "raw", iolog(*writes))
    assert rep["latency_ns"]["write"]["max"] == rep["latency_ns"]["write"]["p50"] == 10000
    assert rep["throughput"]["elapsed_ns"] == 3 * 10000
    # the device's own view: three write commands of 10 us
    assert rep["device_latency_ns"] == {"write": {"count": 3, "p50": 10000, "p90": 10000, "p99": 10000,
                                                  "p99.9": 10000, "max": 10000, "mean": 10000}}


def test_device_latencies_without_a_profile_are_the_latency_models(zwsim, tmp_path):
    # 20 us a command plus 2 us a 4 KiB block (docs/replay.md, "Time"): a 4 KiB write 22 us, a
    # 64 KiB one 52 us, a read of 4 KiB 22 us, a flush 20 us
    rep = replay(zwsim, RAW, "raw", iolog((MiB, 4096), (MiB + 4096, 65536), ("read", MiB, 4096), ("sync",)),
                 "--csv", str(tmp_path))
    dl = rep["device_latency_ns"]
    assert sorted(dl) == ["flush", "read", "write"]
    assert (dl["write"]["count"], dl["write"]["p50"], dl["write"]["max"]) == (2, 22000, 52000)
    assert (dl["read"]["count"], dl["read"]["max"], dl["flush"]["max"]) == (1, 22000, 20000)
    rows = (tmp_path / "latency.csv").read_text().splitlines()
    assert "device write,2,22000,52000,52000,52000,52000,37000" in rows
    # --verify's reads are not the replay's: 132 KiB written back in one append of 20 + 33 x 2 us
    trace = iolog((0, 65536), (65536, 65536), (0, 4096), (131072, 4096), ("sync",))
    for opts in ((), ("--verify",)):
        rep = replay(zwsim, "emu:zones=16,zone_size=1M,model=zns", "xfs-zoned", trace, *opts)
        assert rep["device_latency_ns"] == {"zone_append": {"count": 1, "p50": 86000, "p90": 86000, "p99": 86000,
                                                            "p99.9": 86000, "max": 86000, "mean": 86000}}


@pytest.mark.parametrize("order", ["latency", "fifo"])
def test_zoned_xfs_appends_take_the_profiles_time(zwsim, order):
    # 64 MiB written and synced through xfs-zoned's zone appends on the zn540 profile: an append
    # of 128 KiB takes 106.7 us alone and as much again for each one queued ahead of it
    # (profiles/zn540.json, 1.23 GB/s), so the sync waits at least 64 MiB at that rate.  The
    # appends once ran and completed at the instant they were issued: a sync of 0.3 ms.
    trace = iolog(*[(i * 131072, 131072) for i in range(512)], ("sync",))
    rep = replay(zwsim, "emu:zones=16,zone_size=256M,profile=zn540,data=tags", "xfs-zoned", trace,
                 "--order", order)
    ns = 64 * MiB / (131072 / 106.7e-6) * 1e9      # 54.6 ms (the table's larger appends come within 1%)
    assert rep["bytes"]["device_written"] == 64 * MiB
    assert 0.95 * ns <= rep["latency_ns"]["flush"]["max"] <= 1.25 * ns
    assert 0.95 * ns <= rep["throughput"]["elapsed_ns"] <= 1.25 * ns
    # the 128 appends of 512 KiB went together: the last ends with the sync, the first after ~0.4 ms
    ap = rep["device_latency_ns"]["zone_append"]
    assert ap["count"] == 128 and ap["max"] == rep["latency_ns"]["flush"]["max"]
    assert ap["p50"] == pytest.approx(ap["max"] / 2, rel=0.05)


def profile_peak_bytes_per_ns(name):
    """The most bytes a nanosecond any write or append cell of a bundled profile gives (size x depth / latency)."""
    import pathlib
    units = {"us": 1e3, "ms": 1e6, "ns": 1}
    prof = json.loads((pathlib.Path(__file__).resolve().parents[2] / "profiles" / (name + ".json")).read_text())
    peak = 0
    for kind in ("write", "append"):
        grid = prof.get(kind)
        if not grid:
            continue
        unit = next(u for u in units if u in grid)
        depths = grid.get("depths", [1])
        for size, row in zip(grid["sizes"], grid[unit]):
            b = int(size[:-1]) * {"k": KiB, "M": MiB}[size[-1]] if isinstance(size, str) else size
            for d, lat in zip(depths, row if isinstance(row, list) else [row]):
                peak = max(peak, b * d / (lat * units[unit]))
    return peak


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("fs,dev", [
    ("raw", "emu:zones=16,zone_size=16M,profile=zn540,data=tags"),
    ("zonefs", "emu:zones=16,zone_size=16M,profile=zn540,data=tags"),
    ("xfs-zoned", "emu:zones=16,zone_size=16M,profile=zn540,data=tags"),
    ("xfs", "emu:zoned=0,size=256M,profile=zn540,data=tags"),
    ("xfs-zoned", "emu:zones=16,zone_size=16M,profile=hm-smr,model=zbc,lba=4096,data=tags"),
])
def test_no_target_writes_faster_than_its_profile_allows(zwsim, fs, dev, seed):
    # Seeded traces of sequential runs, overwrites and syncs: whatever path a write takes to the
    # device (direct, writeback, zone appends, GC), the simulated time is at least what the
    # profile's fastest cell needs for the bytes the device wrote.  Zoned XFS's appends once took
    # no time at all (test_zoned_xfs_appends_take_the_profiles_time).
    r = random.Random(seed)
    recs, pos = [], [0] * 4
    for _ in range(600):
        z = r.randrange(4)
        if r.random() < 0.05:
            recs.append(("sync",))
            continue
        ln = r.choice([4096, 16384, 131072])
        if fs != "raw" and r.random() < 0.3:
            recs.append((r.randrange(0, 4 * MiB // 4096) * 4096, 4096))     # an overwrite
            continue
        if pos[z] + ln > 12 * MiB:
            pos[z] = 0
        recs.append(((z + 1) * 16 * MiB + pos[z] if fs == "raw" else z * 12 * MiB + pos[z], ln))
        pos[z] += ln
    rep = replay(zwsim, dev, fs, iolog(*recs), "--remap", "wrap=dev")
    peak = profile_peak_bytes_per_ns(dev.split("profile=")[1].split(",")[0])
    assert rep["bytes"]["device_written"] > 0
    assert rep["throughput"]["elapsed_ns"] >= 0.99 * rep["bytes"]["device_written"] / peak, rep["throughput"]


def test_the_demo_sample_is_what_its_script_makes():
    import gzip
    import pathlib
    import subprocess
    import sys
    repo = pathlib.Path(__file__).resolve().parents[2]
    made = subprocess.run([sys.executable, str(repo / "samples" / "make-demo.py")], capture_output=True,
                          check=True).stdout
    assert gzip.decompress((repo / "samples" / "demo-server.iolog.gz").read_bytes()) == made


def test_a_write_past_the_end_of_the_device_is_cut_there(zwsim):
    # as blkdev_write_iter() cuts it: 16 KiB at 8 KiB before the end writes 8 KiB
    rep = replay(zwsim, "emu:zoned=0,size=8M", "raw", iolog((8 * MiB - 8192, 16384), (8 * MiB, 4096)))
    assert rep["bytes"]["user_written"] == rep["bytes"]["device_written"] == 8192
    assert [e["kind"] for e in rep["errors"]["by_kind"]] == ["write -ENOSPC"]


def test_progress_line_with_the_rate(zwsim):
    import subprocess
    trace = iolog(*[(MiB + i * 4096, 4096) for i in range(2048)])
    p = subprocess.run([zwsim.path, "replay", "--dev", RAW, "--fs", "raw", "--progress", "-"], input=trace.encode(),
                       capture_output=True, timeout=60, env=dict(os.environ, ZWSIM_PROGRESS=""))
    assert p.returncode == 0, p.stderr
    assert p.stderr.startswith(b"\rzwsim replay: 1024 records, ")
    assert b"/s\x1b[K" in p.stderr and p.stderr.endswith(b"\r\x1b[K")
    # without --progress, off a terminal: nothing
    p = subprocess.run([zwsim.path, "replay", "--dev", RAW, "--fs", "raw", "-"], input=trace.encode(),
                       capture_output=True, timeout=60, env=dict(os.environ, ZWSIM_PROGRESS=""))
    assert p.returncode == 0 and p.stderr == b""


SAMPLES = ["blkparse.txt.xz", "sdb", "fio-v2.iolog", "fio-v3.iolog.zst", "msr.csv.gz", "tencent.csv.bz2",
           "alibaba.csv", "fiu.txt", "spc.csv", "fs.txt"]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_format_replays_and_verifies(zwsim, name):
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[2] / "samples" / "traces" / name
    dump = zwsim("trace", "dump", path)
    assert dump.rc == 0, dump
    kinds = {"write": 0, "read": 0, "discard": 0, "flush": 0, "fs": 0}
    for line in dump.lines:
        kinds[line.split()[1].split(",")[0]] += 1
    r = zwsim("replay", "--dev", "emu:zones=16,zone_size=16M,data=tags", "--fs", "xfs-zoned", "--remap", "wrap=dev",
              "--json", "--verify", path)
    assert r.rc == 0, r
    rep = json.loads(r.out)
    assert rep["records"]["read"] == kinds
    assert rep["records"]["replayed"]["discard"] == 0
    assert rep["records"]["skipped"]["unsupported"] == kinds["discard"]
    assert rep["verify"] == "ok"


def test_regular_xfs_on_a_conventional_device(zwsim):
    # the regular XFS path writes in place: overwrites cost nothing more on the device
    trace = iolog((0, 65536), (0, 65536), ("sync",), (0, 65536), (131072, 4096))
    rep = replay(zwsim, "emu:zoned=0,size=256M", "xfs", trace, "--verify")
    assert rep["verify"] == "ok"
    assert rep["files"]["v"]["size"] == 131072 + 4096
    assert rep["bytes"]["user_written"] == 3 * 65536 + 4096
    assert rep["zone_ops"]["resets"] == 0 and rep["errors"]["total"] == 0
