"""Every file of a format under ../shared/traces/real/ read as its README says.

The real traces are not ours to commit; CI has them beside the clone.  A
missing folder fails these tests: it is never a skip.
"""
import collections
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REAL = os.path.join(ROOT, "..", "shared", "traces", "real")


def real(rel):
    p = os.path.join(REAL, rel)
    assert os.path.exists(p), f"{p} is missing: the real traces belong in ../shared/traces/real/"
    return p


def dump(zw, *args):
    r = zw("trace", "dump", *args)
    assert r.rc == 0, r.err
    rows = [line.split() for line in r.lines]
    return rows


def ops(rows):
    return collections.Counter(row[1] for row in rows)


def test_real_folder_is_there():
    assert os.path.isdir(REAL), f"{REAL} is missing"


def test_blktrace_merge_q_events(zw):
    rows = dump(zw, real("blkparse/blktrace_merge/nvme0n1.blktrace.txt"))
    # 248 Q events: the summary, '#' headers and "Input file" lines ignored
    assert len(rows) == 248
    assert all(row[4] == "259,0" for row in rows)
    c = ops(rows)
    assert c["flush"] > 0 and c["write,fua"] > 0 and c["write"] > 0
    assert rows[0] == ["0", "write", str(763360912 * 512), "4096", "259,0"]


def test_blktrace_merge_other_actions(zw):
    path = real("blkparse/blktrace_merge/nvme0n1.blktrace.txt")
    d = dump(zw, "--action", "D", path)
    c = dump(zw, "--action", "C", path)
    # D 142 and C 165 events; of them the D N/C N without a flush are no requests
    with open(path) as f:
        lines = [l.split() for l in f if l[:1].isdigit()]
    # an empty completion of a write without flush or FUA (C WS 575480360 [0]) is no request either
    def request(l):
        if l[6] == "N":
            return False
        return "+" in l or "F" in l[6]
    want_d = [l for l in lines if l[5] == "D" and request(l)]
    want_c = [l for l in lines if l[5] == "C" and request(l)]
    assert len(d) == len(want_d)
    assert len(c) == len(want_c)


def test_wiscsee_d_only(zw):
    path = real("blkparse/wiscsee/blkparse-output.txt")
    rows = dump(zw, "--action", "D", path)
    c = ops(rows)
    # 512 WS writes of 256 KiB from sector 16384, 161 reads; 4 passthrough D N skipped
    assert c == {"write": 512, "read": 161}
    writes = [r for r in rows if r[1] == "write"]
    assert all(r[3] == str(512 * 512) for r in writes)
    assert writes[0][2] == str(16384 * 512)
    assert all(r[4] == "8,33" for r in rows)
    q = zw("trace", "dump", path)
    assert q.rc == 0 and q.out == ""
    # 677 D events: the 673 requests and the 4 passthrough ones
    assert q.err == "zwsim trace: no Q events in this trace; it has 677 D events: try --action D\n"


def test_leveldb_c_only_negative_times(zw):
    rows = dump(zw, "--action", "C", real("blkparse/leveldb_trace/blk_data.txt.txt"))
    assert len(rows) == 840
    assert all(r[1] == "write" for r in rows)
    # "+ 1" on 838 lines; two lines (243 on CPU 15, 24 on CPU 1) are "+ 2"
    assert collections.Counter(r[3] for r in rows) == {"512": 838, "1024": 2}
    times = [int(r[0]) for r in rows]
    # CPU 13's lines (24..219) happened before genesis: ~39.47 ms before it
    assert times[23] == -39474224
    assert sum(1 for t in times[23:219] if t < 0) == 196
    assert all(t >= 0 for t in times[:23])


def test_fio_v3_fixture(zw):
    rows = dump(zw, real("fio-iolog/v3/fio_t0038/t0038.iolog"))
    assert len(rows) == 20
    assert ops(rows) == {"discard": 10, "write": 10}
    assert [r[2] for r in rows if r[1] == "write"] == [str(4096 * i) for i in range(10)]
    assert all(r[3] == "2147483648" for r in rows if r[1] == "discard")
    assert all(r[4] == "/dev/null" for r in rows)
    # microseconds in the file: the first request at 10736, the last at 10809
    assert rows[0][0] == "0"
    assert rows[1][0] == str((10752 - 10736) * 1000)
    assert rows[-1][0] == str((10809 - 10736) * 1000)


def blkparse_text(tmp_path, directory, name):
    """blkparse (blktrace's own tool, required) of a per-CPU capture, as text."""
    out = tmp_path / f"{name}.txt"
    p = subprocess.run(["blkparse", "-D", str(directory), "-i", name, "-o", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return out


@pytest.mark.parametrize("action", ["Q", "D", "C"])
def test_keks_per_cpu_set_as_blkparse_reads_it(zw, tmp_path, action):
    d = real("blktrace/blktrace_to_influx")
    # the capture's name stands for keks.blktrace.0 .. .7, as blkparse takes it
    rows = dump(zw, "--action", action, os.path.join(d, "keks"))
    want = dump(zw, "--action", action, blkparse_text(tmp_path, d, "keks"))
    assert rows == want
    if action == "Q":
        assert rows == []      # D and C events only
    if action == "D":
        c = ops(rows)
        assert c["discard"] == 10 and c["flush"] == 24
        assert all(r[4] == "8,52" for r in rows)
    # merged by time: never backwards
    times = [int(r[0]) for r in rows]
    assert times == sorted(times)


def test_keks_files_given_one_by_one(zw):
    d = real("blktrace/blktrace_to_influx")
    files = [os.path.join(d, f"keks.blktrace.{i}") for i in range(8)]
    assert dump(zw, "--action", "D", *files) == dump(zw, "--action", "D", os.path.join(d, "keks"))


def test_viewer_single_cpu_file(zw, tmp_path):
    src = real("blktrace/blktrace_viewer/sample.blktrace.0")
    for action in "QDC":
        rows = dump(zw, "--action", action, src)
        assert len(rows) == 963
        assert all(r[1] == "read" and r[3] == "4096" and r[4] == "259,0" for r in rows)
    # blkparse refuses CPU 1's records in a file numbered 0; under their own number it reads them
    (tmp_path / "sample.blktrace.0").write_bytes(b"")
    (tmp_path / "sample.blktrace.1").write_bytes(open(src, "rb").read())
    assert dump(zw, src) == dump(zw, blkparse_text(tmp_path, tmp_path, "sample"))


@pytest.mark.parametrize("name,n", [("trace_x_0_y_0.bin", 768), ("trace_x_0_y_1.bin", 1024)])
def test_blkparse_d_dumps(zw, name, n):
    path = real(f"blktrace/blkparseanalyzer_dump/{name}")
    for action in "QDC":
        rows = dump(zw, "--action", action, path)
        assert len(rows) == n
        assert all(r[1] == "read" and r[3] == "512" and r[4] == "7,0" for r in rows)
    rows = dump(zw, path)
    # times rebased by blkparse -d: the first Q at 0; notify records (absolute times) skipped
    assert rows[0][0] == "0"
    assert int(rows[-1][0]) < 40_000_000


def test_msr_cambridge_sample(zw):
    rows = dump(zw, real("msr-cambridge/caffeine_pr1797/msr-cambridge1-sample.csv"))
    assert len(rows) == 1000
    assert ops(rows) == {"read": 508, "write": 492}
    assert all(r[4] == "hm_0" for r in rows)
    assert all(int(r[2]) % 512 == 0 and int(r[3]) % 512 == 0 for r in rows)
    assert {int(r[3]) for r in rows} <= set(range(512, 65537))
    assert max(int(r[3]) for r in rows) == 65536 and min(int(r[3]) for r in rows) == 512
    # FILETIME ticks of 100 ns: 128166385295514663 .. 128166386567849604
    assert rows[-1][0] == str((128166386567849604 - 128166385295514663) * 100)
    times = [int(r[0]) for r in rows]
    assert times == sorted(times) and len(set(times)) < len(times)


def test_tencent_cbs_bzip2(zw):
    path = real("tencent-cbs/caffeine_pr1797/cloud_storage-sample.bz2")
    rows = dump(zw, path)
    assert len(rows) == 50000
    assert ops(rows) == {"read": 24521, "write": 25479}
    assert len({r[4] for r in rows}) == 2038
    # the first line 1538323200,4247200,128,1,1058 is a second after the second one
    assert rows[0] == ["0", "write", str(4247200 * 512), str(128 * 512), "1058"]
    assert {int(r[0]) for r in rows} == {0, -1_000_000_000}
    backward = sum(1 for a, b in zip(rows, rows[1:]) if int(b[0]) < int(a[0]))
    assert backward == 144
    # from a pipe as well
    with open(path, "rb") as f:
        p = subprocess.run([zw.path, "trace", "dump", "-"], stdin=f, capture_output=True)
    assert p.returncode == 0 and p.stdout.decode().split("\n")[:-1] == [" ".join(r) for r in rows]
    # as a fio iolog: one add, open and close per volume, 50,000 requests
    c = zw("trace", "convert", "--to", "fio-iolog", path)
    assert c.rc == 0, c.err
    acts = collections.Counter(l.split()[2] for l in c.lines[1:])
    assert acts == {"add": 2038, "open": 2038, "close": 2038, "read": 24521, "write": 25479}


@pytest.mark.parametrize("name,want,dev", [
    # homes: 8 MD5s (256 hex) per 4 KiB request; 31 of its lines are on minor 16, not 0
    ("homes-sample.1.blkparse", {"write": 1000}, {"6,0": 969, "6,16": 31}),
    ("mail-01-sample.blkparse", {"read": 984, "write": 16}, {"6,0": 1000}),
    ("web-vm-sample.blkparse", {"write": 1000}, {"3,0": 1000}),
])
def test_fiu_samples(zw, name, want, dev):
    path = real(f"fiu/light-dedup_tests/{name}")
    rows = dump(zw, path)
    assert ops(rows) == want
    assert collections.Counter(r[4] for r in rows) == dev
    assert all(r[3] == "4096" for r in rows)
    with open(path) as f:
        first = f.readline().split()
    assert rows[0][2] == str(int(first[3]) * 512)
    times = [int(r[0]) for r in rows]
    assert times[0] == 0 and times == sorted(times)


def test_fiu_readme_is_not_a_trace(zw):
    r = zw("trace", "dump", real("fiu/light-dedup_tests/readme.txt"))
    assert r.rc == 2 and "not a trace format" in r.err
