"""zwsim trace dump|convert on the repository's samples (samples/traces/)."""
import collections
import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "samples", "traces")


def sample(name):
    return os.path.join(SAMPLES, name)


def dump(zw, *args, input=None):
    r = zw("trace", "dump", *args, input=input)
    assert r.rc == 0, r.err
    return [line.split() for line in r.lines]


def test_samples_are_what_the_script_makes(tmp_path):
    subprocess.run([sys.executable, os.path.join(ROOT, "samples", "make-traces.py"), str(tmp_path)], check=True)
    made = sorted(os.listdir(tmp_path))
    assert made == sorted(f for f in os.listdir(SAMPLES))
    for name in made:
        with open(tmp_path / name, "rb") as a, open(sample(name), "rb") as b:
            assert a.read() == b.read(), f"samples/traces/{name} differs from what make-traces.py makes"


BLOCK = ["blkparse.txt", "blkparse.txt.xz", "sdb", "sdb-be", "fio-v2.iolog", "fio-v3.iolog", "fio-v3.iolog.zst"]


def test_block_samples_describe_the_same_requests(zw):
    rows = dump(zw, sample("sdb"))
    assert len(rows) == 40
    c = collections.Counter(r[1] for r in rows)
    assert c == {"write": 24, "read": 4, "flush": 4, "write,fua": 4, "write,preflush": 3, "discard": 1}
    assert rows[0] == ["0", "write", "0", "131072", "8,16"]
    for name in BLOCK[:4]:
        assert dump(zw, sample(name)) == rows, name
    # the fio logs: the same requests by /dev/sdb; v3 keeps the times (µs), v2 has none; no flags
    plain = [[r[1].split(",")[0], r[2], r[3]] for r in rows]
    for name in BLOCK[4:]:
        got = dump(zw, sample(name))
        assert [[r[1], r[2], r[3]] for r in got] == plain, name
        assert all(r[4] == "/dev/sdb" for r in got)
    assert [r[0] for r in dump(zw, sample("fio-v3.iolog"))] == [r[0] for r in rows]
    # v2: the 'wait 20 0', 'wait 40 0', 'wait 60 0' lines: ms since the start, as fio's code reads them
    assert [r[0] for r in dump(zw, sample("fio-v2.iolog"))] == [str(i // 10 * 20_000_000) for i in range(40)]


def test_blkparse_reads_the_binary_sample_as_zwsim_does(zw, tmp_path):
    """blkparse (required) of the per-CPU sample: the same requests, the same event lines as the text sample."""
    out = tmp_path / "bp.txt"
    p = subprocess.run(["blkparse", "-D", SAMPLES, "-i", "sdb", "-o", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for action in "QDC":
        assert dump(zw, "--action", action, str(out)) == dump(zw, "--action", action, sample("sdb"))
    events = [l for l in out.read_text().splitlines() if l[:1] == " " and "," in l.split()[0]]
    ours = [l for l in open(sample("blkparse.txt")).read().splitlines() if l[:1] == " " and "," in l.split()[0]]
    assert events == ours and len(events) == 120


def test_version8_sample_reads_as_version7(zw):
    """sdz: the requests of sdb in struct blk_io_trace2 (version 8, 64-byte records) with zone operations
    added, both byte orders; the zone operations are counted on stderr, never requests."""
    with open(sample("sdz.blktrace.0"), "rb") as f:
        head = f.read(64)
    assert head[:4] == bytes([0x08, 0x74, 0x61, 0x65])
    with open(sample("sdz-be.blktrace.0"), "rb") as f:
        assert f.read(4) == bytes([0x65, 0x61, 0x74, 0x08])
    for action in "QDC":
        want = dump(zw, "--action", action, sample("sdb"))
        for name in ("sdz", "sdz-be"):
            r = zw("trace", "dump", "--action", action, sample(name))
            assert r.rc == 0, r.err
            assert [line.split() for line in r.lines] == want, (name, action)
            assert ("zone operations read but not requests (zwsim replays none): "
                    "1 zone-append (65536 bytes), 1 zone-reset, 1 zone-finish") in r.err, r.err


def test_version8_blkparse_and_replay(zw, tmp_path):
    """Debian's blkparse (1.2.0: version 7 only) refuses the version 8 sample; zwsim replays it, the
    zone operations counted as skipped (unsupported) next to the discard."""
    p = subprocess.run(["blkparse", "-D", SAMPLES, "-i", "sdz", "-o", str(tmp_path / "bp.txt")],
                       capture_output=True, text=True)
    assert "unsupported trace version 8" in p.stderr + p.stdout
    reps = {}
    for name in ("sdb", "sdz"):
        r = zw("replay", "--dev", "emu:zones=16,zone_size=16M,data=tags", "--fs", "xfs-zoned", "--remap",
               "wrap=dev", "--json", sample(name))
        assert r.rc == 0, r.err
        reps[name] = json.loads(r.out)
    assert reps["sdz"]["records"]["replayed"] == reps["sdb"]["records"]["replayed"]
    assert reps["sdz"]["records"]["skipped"]["unsupported"] == reps["sdb"]["records"]["skipped"]["unsupported"] + 3
    assert "zone operations in the trace not replayed" in r.err


@pytest.mark.parametrize("name,dev", [("msr.csv", "hm_0"), ("msr.csv.gz", "hm_0"), ("alibaba.csv", "7"),
                                      ("tencent.csv", "1058"), ("tencent.csv.bz2", "1058"),
                                      ("fiu.txt", "6,0"), ("spc.csv", None)])
def test_csv_samples(zw, name, dev):
    rows = dump(zw, sample(name))
    assert len(rows) == 35
    assert collections.Counter(r[1] for r in rows) == {"write": 31, "read": 4}
    if dev:
        assert {r[4] for r in rows} == {dev}
    else:
        assert {r[4] for r in rows} == {"0", "1"}      # SPC: the ASU


def test_spc_block_size(zw):
    a = dump(zw, sample("spc.csv"))
    b = dump(zw, "--block-size", "4096", sample("spc.csv"))
    assert [int(r[2]) * 8 for r in a] == [int(r[2]) for r in b]


def test_fs_sample(zw):
    r = zw("trace", "dump", sample("fs.txt"))
    assert r.rc == 0, r.err
    assert r.lines[0] == "0 fs open log"
    assert r.lines[3] == "1500000 fs dwrite data 0 1M"
    assert r.lines[7] == "250000000 fs write log 64k 64k"   # no timestamp: the time before
    assert r.lines[-1] == "2000000000 fs sync"


def test_compressed_from_a_pipe(zw):
    for name, plain in [("msr.csv.gz", "msr.csv"), ("tencent.csv.bz2", "tencent.csv"),
                        ("blkparse.txt.xz", "blkparse.txt"), ("fio-v3.iolog.zst", "fio-v3.iolog")]:
        with open(sample(name), "rb") as f:
            p = subprocess.run([zw.path, "trace", "dump", "-"], stdin=f, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert p.stdout == zw("trace", "dump", sample(plain)).out, name


def test_a_named_pipe_loses_nothing_to_format_detection(zw, tmp_path):
    """A FIFO or a shell's <(...) (/dev/fd/N) cannot be opened twice: the
    format is detected on the one stream read, not on a first open whose
    probe would swallow the trace's first 64 KiB."""
    # more than the probe's 64 KiB, so that a lost probe loses whole records
    text = "".join("8,16 0 %d %d.%09d 1 Q W %d + 8 [fio]\n" % (i + 1, i // 1000, i % 1000, 8 * i)
                   for i in range(8000))
    assert len(text) > 3 * 65536
    plain = tmp_path / "t.txt"
    plain.write_text(text)
    want = zw("trace", "dump", plain).out
    assert len(want.splitlines()) == 8000
    # a FIFO
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    out = tmp_path / "out"   # a file, not a pipe: the writer below is not reading it
    with open(out, "w") as o:
        p = subprocess.Popen([zw.path, "trace", "dump", str(fifo)], stdout=o)
        with open(fifo, "w") as w:
            w.write(text)
        assert p.wait(timeout=60) == 0
    assert out.read_text() == want
    # a pipe named /dev/fd/N, as <(...) gives it
    r, w = os.pipe()
    with open(out, "w") as o:
        p = subprocess.Popen([zw.path, "trace", "dump", "/dev/fd/%d" % r], stdout=o, pass_fds=(r,))
        os.close(r)
        with os.fdopen(w, "w") as f:
            f.write(text)
        assert p.wait(timeout=60) == 0
    assert out.read_text() == want


def test_convert_to_fio_iolog_replays_with_fio(zw, tmp_path):
    """fio (3.33 here, required) replays the converted log: its own counts match zwsim's."""
    iolog = tmp_path / "sdb.iolog"
    r = zw("trace", "convert", "--to", "fio-iolog", "-o", iolog, sample("sdb"))
    assert r.rc == 0, r.err
    text = iolog.read_text().splitlines()
    assert text[0] == "fio version 3 iolog"
    assert text[1:3] == ["0 8,16 add", "0 8,16 open"] and text[-1].endswith(" 8,16 close")
    # read back by zwsim: the same requests, flags aside
    rows = dump(zw, sample("sdb"))
    back = dump(zw, str(iolog))
    assert [[r[0], r[1], r[2], r[3]] for r in back] == \
        [[r[0], {"discard": "discard"}.get(r[1], r[1].split(",")[0]), r[2], r[3]] for r in rows]
    target = tmp_path / "target"
    with open(target, "wb") as f:
        f.truncate(1 << 30)
    p = subprocess.run(["fio", "--name=replay", "--ioengine=psync", f"--read_iolog={iolog}",
                        f"--replay_redirect={target}", "--output-format=json"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    job = json.loads(p.stdout[p.stdout.index("{"):])["jobs"][0]
    c = collections.Counter(r[1].split(",")[0] for r in rows)
    assert job["error"] == 0
    assert job["write"]["total_ios"] == c["write"]
    assert job["read"]["total_ios"] == c["read"]
    assert job["sync"]["total_ios"] == c["flush"]
    # fio 3.33 skips trims from an iolog ("bad ddir: 2"); later versions replay them
    assert job["trim"]["total_ios"] == c["discard"] or "bad ddir: 2" in p.stderr


def test_convert_to_zwsim_reads_back_as_fs(zw, tmp_path):
    out = tmp_path / "sdb.zs"
    r = zw("trace", "convert", "--to", "zwsim", "-o", out, sample("sdb"))
    assert r.rc == 0, r.err
    assert "1 discards kept as comments" in r.err
    back = zw("trace", "dump", out)
    assert back.rc == 0, back.err
    lines = [l.split(" ", 2) for l in back.lines]
    assert all(l[1] == "fs" for l in lines)
    cmds = collections.Counter(l[2].split()[0] for l in lines)
    # 31 writes; fsync for 4 flushes, 3 preflushes and 4 FUA writes
    assert cmds == {"dwrite": 31, "read": 4, "fsync": 11}
    assert lines[0][2] == "dwrite dev8_16 0 131072"
    # a preflush write: fsync first; a FUA write: fsync after
    i = next(k for k, l in enumerate(lines) if l[0] == "209000")
    assert [l[2].split()[0] for l in lines[i:i + 2]] == ["fsync", "dwrite"]
    j = next(k for k, l in enumerate(lines) if l[0] == "199000")
    assert [l[2].split()[0] for l in lines[j:j + 2]] == ["dwrite", "fsync"]


def test_dump_errors_name_file_line_field(zw, tmp_path):
    bad = tmp_path / "bad.iolog"
    bad.write_text("fio version 3 iolog\n1 f write 0 4096\n2 f write zero 4096\n")
    r = zw("trace", "dump", bad)
    assert r.rc == 2
    assert f"{bad}:3: field 'offset'" in r.err
    assert r.out == "0 write 0 4096 f\n"      # what came before, then the error
    r = zw("trace", "dump", "--skip-bad", bad)
    assert r.rc == 0 and "1 malformed records skipped" in r.err
    r = zw("trace", "dump", "--format", "msr", bad)
    assert r.rc == 2 and ":1:" in r.err
    r = zw("trace", "dump", tmp_path / "missing")
    assert r.rc == 2 and "missing" in r.err
    for args in (["dump"], ["dump", "--action", "X", sample("sdb")], ["convert", sample("sdb")],
                 ["convert", "--to", "csv", sample("sdb")], ["frobnicate"], ["dump", "--format", "nope", sample("sdb")]):
        r = zw("trace", *args)
        assert r.rc == 2, args
        assert r.err


def test_help_teaches(zw):
    r = zw("trace", "--help")
    assert r.rc == 0
    for word in ("dump", "convert", "--to fio-iolog", "--action", "Examples:", "blkparse", "blktrace",
                 "fio-iolog", "msr", "alibaba", "tencent", "fiu", "spc", "fs "):
        assert word in r.out, word


def test_vm_capture_sample(zw, tmp_path):
    """samples/vm/: a blktrace of a fio job on the VM tier's null_blk (samples/vm/update.sh)."""
    vm = os.path.join(ROOT, "samples", "vm")
    with open(os.path.join(vm, "fio.json")) as f:
        text = f.read()
    job = json.loads(text[text.index("{"):])["jobs"][0]
    fio = {"read": job["read"]["total_ios"], "write": job["write"]["total_ios"]}
    assert fio["read"] + fio["write"] == 256
    q = dump(zw, os.path.join(vm, "cap"))
    log = dump(zw, os.path.join(vm, "fio.iolog"))
    for rows in (q, log):
        assert dict(collections.Counter(r[1] for r in rows)) == fio
        assert all(r[3] == "4096" for r in rows)
    # the same requests in the same order, by both: offsets from 8 MiB on
    assert [(r[1], r[2]) for r in q] == [(r[1], r[2]) for r in log]
    assert min(int(r[2]) for r in q) == 8 << 20
    out = tmp_path / "cap.txt"
    p = subprocess.run(["blkparse", "-D", vm, "-i", "cap", "-o", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for action in "QDC":
        assert dump(zw, "--action", action, str(out)) == dump(zw, "--action", action, os.path.join(vm, "cap"))


def test_vm_blktrace2_sample(zw, tmp_path):
    """samples/vm/blktrace2/: one zoned workload (four 4 KiB writes, a zone finish, open, close and reset)
    captured by Linux 7.2 in version 7 (blktrace) and version 8 (BLKTRACESETUP2, tests/vm/blktrace2.sh)."""
    bt2 = os.path.join(ROOT, "samples", "vm", "blktrace2")
    for cpu in (0, 1):      # each CPU's file that is not empty begins with a version 8 magic
        with open(os.path.join(bt2, "v8.blktrace.%d" % cpu), "rb") as f:
            assert f.read(4) in (b"", bytes([0x08, 0x74, 0x61, 0x65]))
    assert os.path.getsize(os.path.join(bt2, "v8.blktrace.0")) + os.path.getsize(os.path.join(bt2, "v8.blktrace.1")) > 0
    for action in "QDC":
        rows = {}
        for v in ("v7", "v8"):
            r = zw("trace", "dump", "--action", action, os.path.join(bt2, v))
            assert r.rc == 0, r.err
            rows[v] = [line.split() for line in r.lines]
            zops = "1 zone-reset, 1 zone-finish, 1 zone-open, 1 zone-close"
            assert (zops in r.err) == (v == "v8"), (v, action, r.err)
        assert [r[1:] for r in rows["v8"]] == [["write", str(i * 4096), "4096", "254,0"] for i in range(4)]
        assert [r[1:] for r in rows["v7"]] == [r[1:] for r in rows["v8"]]
    # Debian's blkparse reads the version 7 capture (the writes' Q, G, D, C only: the kernel dropped the
    # zone operations from it) and refuses version 8
    p = subprocess.run(["blkparse", "-D", bt2, "-i", "v7", "-o", str(tmp_path / "v7.txt")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    ev = [e for e in (l.split() for l in (tmp_path / "v7.txt").read_text().splitlines()) if len(e) > 5 and "," in e[0]]
    assert [e[5] for e in ev] == ["Q", "G", "D", "C"] * 4
    p = subprocess.run(["blkparse", "-D", bt2, "-i", "v8", "-o", str(tmp_path / "v8.txt")], capture_output=True, text=True)
    assert "unsupported trace version 8" in p.stderr + p.stdout
    # za: zoned XFS's writeback, whose data goes as zone appends: as many counted for C as for Q, though
    # each completion is traced twice (C, then BLK_TA_ZONE_APPEND)
    for action in "QC":
        r = zw("trace", "dump", "--action", action, os.path.join(bt2, "za"))
        assert r.rc == 0, r.err
        assert "(zwsim replays none): 3 zone-append (262144 bytes)" in r.err, (action, r.err)


def test_memory_does_not_grow_with_the_trace(zwsim):
    """A million blkparse lines through a pipe, and ten times fewer: the same peak RSS, a few MiB."""
    def peak_kib(n):
        line = "  8,16   0 {0:8d} {1:5d}.{2:09d}  4711  Q  WS {3} + 8 [fio]\n"
        gen = subprocess.Popen(["/usr/bin/python3", "-c", f"""
import sys
w = sys.stdout.write
for i in range({n}):
    w({line!r}.format(i + 1, i // 1000000, (i % 1000000) * 1000, 8 * i))
"""], stdout=subprocess.PIPE)
        out = open(os.devnull, "wb")
        z = subprocess.Popen([zwsim.path, "trace", "convert", "--to", "fio-iolog", "-"], stdin=gen.stdout, stdout=out)
        gen.stdout.close()
        _, status, ru = os.wait4(z.pid, 0)
        z.returncode = os.waitstatus_to_exitcode(status)
        out.close()
        assert gen.wait() == 0 and z.returncode == 0
        return ru.ru_maxrss
    # (the child's figure starts from what it shared with pytest before exec: compare the two;
    # the absolute figure is make bench's trace_pipe_peak_rss_mib)
    small, big = peak_kib(100_000), peak_kib(1_000_000)
    assert big <= small + 1024, (small, big)


def test_convert_edges(zw):
    # a file-level trace has no block requests for fio: refused, not dropped
    r = zw("trace", "convert", "--to", "fio-iolog", sample("fs.txt"))
    assert r.rc == 2 and "fs" in r.err and r.out == ""
    # fs to zwsim: the lines pass through with their times
    r = zw("trace", "convert", "--to", "zwsim", sample("fs.txt"))
    assert r.rc == 0 and r.lines[1] == "0.000000000 open log" and r.lines[-1] == "2.000000000 sync"
    # requests earlier than the first (Tencent's unsorted seconds) go at 0, as fio replays them
    r = zw("trace", "convert", "--to", "zwsim", sample("tencent.csv"))
    assert r.rc == 0
    times = [l.split()[0] for l in r.lines[1:]]
    assert set(times) == {"0.000000000", "1.000000000"}
    back = zw("trace", "dump", "-", input=r.out)
    assert back.rc == 0 and len(back.lines) == 35


def test_a_trace_without_the_chosen_action_says_which_it_has(zw, tmp_path):
    """A capture below the queue (no Q events, as keks.blktrace of shared/traces/real): dump and replay
    read nothing, and say which actions the trace has, in text and in binary."""
    import struct
    text = tmp_path / "dc.blkparse"
    text.write_text("".join("  8,0    0 %5d     0.%09d   42  %s   W %d + 8 [kworker]\n" % (2 * i + j + 1, i * 1000 + j, a,
                                                                                             i * 8)
                            for i in range(3) for j, a in enumerate("DC")))
    binary = tmp_path / "dc.blktrace.0"
    issue, complete = 7 | ((0x2) << 16), 8 | ((0x2) << 16)      # __BLK_TA_ISSUE / __BLK_TA_COMPLETE, WRITE
    binary.write_bytes(b"".join(struct.pack("<IIQQIIIIIHH", 0x65617407, n + 1, n * 1000, (n // 3) * 8, 4096, act, 42,
                                            8 << 20, 0, 0, 0)
                                for n, act in enumerate([issue, issue, complete] * 2)))
    for path, want in ((text, "it has 3 D and 3 C events: try --action D or C"),
                       (binary, "it has 4 D and 2 C events: try --action D or C")):
        r = zw("trace", "dump", path)
        assert r.rc == 0 and r.out == ""
        assert r.err == "zwsim trace: no Q events in this trace; %s\n" % want
        r = zw("replay", "--dev", "emu:zones=8,zone_size=1M,data=tags", "--fs", "xfs-zoned", path)
        assert r.rc == 0, r.err
        assert "zwsim replay: no Q events in this trace; %s\n" % want in r.err
        r = zw("trace", "dump", "--action", "C", path)
        assert r.rc == 0 and len(r.lines) == (3 if path == text else 2) and r.err == ""
    r = zw("trace", "dump", "--action", "Q", sample("blkparse.txt"))
    assert r.rc == 0 and r.err == ""
