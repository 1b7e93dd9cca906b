"""Seeded random multi-file workloads on the regular XFS path and on zonefs,
run with --verify: every call must return what the generator expects, each
file's size must be what the calls made it, and every byte of every file
must read back as the calls wrote it (the oracle of tools/fs_oracle.c).
The xfs-zoned ones, through GC, are test_xfs_zoned_stress.py.
"""
import json
import random

import pytest

from workload import Workload

K = 1024
M = 1024 * K
BS = 4 * K


def run(zw, fs, dev, script):
    res = zw("fs", "--fs", fs, "--dev", dev, "--json", "--verify", "-", input=script)
    assert res.rc == 0, res.err[-2000:]
    results = [line.split(" => ", 1)[1] for line in res.err.splitlines() if " => " in line]
    return results, json.loads(res.out)


# --- xfs: buffered and direct writes, appends, truncates, unlinks, reflinks, fallocate

XFS_DEV = "emu:zoned=0,size=64M,zone_size=16M"
XFS_FILES = ["a", "b", "c", "d"]
XFS_MAX = 2 * M


def xfs_workload(seed, ops=400):
    rnd = random.Random(seed)
    w = Workload(rnd)
    sizes, call = w.sizes, w.call

    for _ in range(ops):
        f = rnd.choice(XFS_FILES)
        size = sizes.get(f, 0)
        op = rnd.choices(["write", "dwrite", "append", "truncate", "unlink", "fsync", "sync", "open",
                          "close", "hint", "reflink", "fallocate"],
                         [30, 10, 6, 5, 3, 6, 4, 3, 3, 2, 6, 5])[0]
        if op in ("write", "dwrite"):
            unit = 1 if op == "write" else BS
            length = rnd.randrange(1, 48) * BS - (rnd.randrange(BS) if unit == 1 else 0)
            off = rnd.randrange(0, (XFS_MAX - length) // unit + 1) * unit
            call("%s %s %d %d" % (op, f, off, length), length)
            sizes[f] = max(size, off + length)
        elif op == "append" and size % BS == 0:
            # O_DIRECT: block-aligned position and length, else -EINVAL
            length = rnd.randrange(1, 24) * BS
            if size + length > XFS_MAX:
                continue
            call("append %s %d" % (f, length), length)
            sizes[f] = size + length
        elif op == "truncate" and f in sizes:
            # anywhere, in the middle of a block too (xfs_truncate_page())
            new = rnd.randrange(0, max(size, XFS_MAX // 2) + 1)
            call("truncate %s %d" % (f, new), 0)
            sizes[f] = new
        elif op == "reflink" and f in sizes:
            dst = rnd.choice([x for x in XFS_FILES if x != f])
            call("reflink %s %s" % (f, dst), 0)
            sizes[dst] = sizes[f]
        elif op == "fallocate":
            length = rnd.randrange(1, 32) * BS - rnd.randrange(BS)
            off = rnd.randrange(0, XFS_MAX - length)
            call("fallocate %s %d %d" % (f, off, length), 0)
            sizes[f] = max(size, off + length)
        else:
            w.name_op(op, f)
    return w.script(), w.expect, sizes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_xfs_random_workload_with_reflinks_and_fallocate_verifies(zwsim, seed):
    script, expect, sizes = xfs_workload(seed)
    results, rep = run(zwsim, "xfs", XFS_DEV, script)
    assert results == expect
    assert {n: f["size"] for n, f in rep["files"].items()} == sizes
    st = rep["stats"]
    # the workload shared blocks and copied them on write
    assert st["cow_remapped_blocks"] > 0
    assert any(e["unwritten"] for f in rep["files"].values() for e in f["extents"]) or \
        st["unwritten_converted_blocks"] > 0


def test_xfs_random_workload_under_the_sanitizers(zwsim_san):
    script, expect, sizes = xfs_workload(4, ops=200)
    results, rep = run(zwsim_san, "xfs", XFS_DEV, script)
    assert results == expect
    assert {n: f["size"] for n, f in rep["files"].items()} == sizes


# --- zonefs: conventional files (buffered and direct) and sequential ones -----------

ZONEFS_DEV = "emu:zones=10,zone_size=1M,zone_cap=768k,conv=3"
CNV = ["cnv/0", "cnv/1"]
SEQ = ["seq/%d" % i for i in range(7)]
SEQ_CAP = 768 * K


def zonefs_workload(seed, ops=300):
    rnd = random.Random(seed)
    wp = {f: 0 for f in SEQ}
    lines, expect = [], []

    def call(line, result):
        lines.append(line)
        expect.append(str(result))

    for _ in range(ops):
        op = rnd.choices(["cnv-write", "cnv-dwrite", "seq-dwrite", "append", "truncate", "fsync", "sync",
                          "read"], [25, 8, 15, 15, 6, 5, 3, 3])[0]
        if op in ("cnv-write", "cnv-dwrite"):
            f = rnd.choice(CNV)
            unit = 1 if op == "cnv-write" else BS
            length = rnd.randrange(1, 32) * BS - (rnd.randrange(BS) if unit == 1 else 0)
            off = rnd.randrange(0, (M - length) // unit + 1) * unit
            call("%s %s %d %d" % ("write" if unit == 1 else "dwrite", f, off, length), length)
        elif op in ("seq-dwrite", "append"):
            f = rnd.choice(SEQ)
            length = rnd.randrange(1, 24) * BS
            if wp[f] + length > SEQ_CAP:
                continue
            if op == "append":
                call("append %s %d" % (f, length), length)
            else:
                call("dwrite %s %d %d" % (f, wp[f], length), length)
            wp[f] += length
        elif op == "truncate":
            f = rnd.choice(SEQ)
            new = rnd.choice([0, SEQ_CAP])
            call("truncate %s %d" % (f, new), 0)
            wp[f] = new
        elif op == "fsync":
            call("fsync " + rnd.choice(CNV + SEQ), 0)
        elif op == "sync":
            call("sync", 0)
        elif op == "read":
            f = rnd.choice(CNV)
            call("read %s %d %d" % (f, rnd.randrange(M - BS), BS), BS)
    return "\n".join(lines) + "\n", expect, wp


@pytest.mark.parametrize("seed", [1, 2])
def test_zonefs_random_workload_verifies(zw, seed):
    script, expect, wp = zonefs_workload(seed)
    results, rep = run(zw, "zonefs", ZONEFS_DEV, script)
    assert results == expect
    sizes = {n: f["size"] for n, f in rep["files"].items() if n != "/sys/fs/zonefs"}
    assert sizes == dict({f: M for f in CNV}, **wp)
