"""Seeded random multi-file workloads on the xfs-zoned model, run to a full
device and through GC: interleaved buffered and direct writes, overwrites,
appends, truncates, unlinks, fsync/sync, write hints, files open and closed.
Live data stays below what the device holds, so every call must succeed in
full (a writer short of space waits for GC, it never fails); every byte must
verify (--verify reads each file back through its mapping); each file's
size must be what the calls made it; GC must have run.
"""
import json
import random

import pytest

from workload import Workload

K = 1024
M = 1024 * K

# 16 sequential zones of 1 MiB (13 writable before GC), and the same with a
# capacity of 768 KiB
DEVICES = {
    "full-zones": "emu:zones=17,zone_size=1M,conv=1",
    "zone-cap": "emu:zones=17,zone_size=1M,zone_cap=768k,conv=1",
}
FILES = ["a", "b", "c", "d"]
MAX_SIZE = 2 * M  # per file: at most 8 MiB live on 12-16 MiB


def workload(seed, ops=500):
    """Script lines, the expected result of each call, and each file's final size."""
    rnd = random.Random(seed)
    w = Workload(rnd)
    sizes, call = w.sizes, w.call

    for _ in range(ops):
        f = rnd.choice(FILES)
        size = sizes.get(f, 0)
        op = rnd.choices(["write", "dwrite", "append", "truncate", "unlink", "fsync", "sync",
                          "open", "close", "hint"], [30, 12, 8, 5, 3, 8, 4, 4, 4, 3])[0]
        if op in ("write", "dwrite"):
            # buffered writes at any byte, direct ones block aligned
            unit = 1 if op == "write" else 4 * K
            length = rnd.randrange(1, 64) * 4 * K - (rnd.randrange(4 * K) if unit == 1 else 0)
            off = rnd.randrange(0, (MAX_SIZE - length) // unit + 1) * unit
            call("%s %s %d %d" % (op, f, off, length), length)
            sizes[f] = max(size, off + length)
        elif op == "append" and size % (4 * K) == 0:
            length = rnd.randrange(1, 32) * 4 * K
            if size + length > MAX_SIZE:
                continue
            call("append %s %d" % (f, length), length)
            sizes[f] = size + length
        elif op == "truncate" and f in sizes:
            # anywhere, in the middle of a written block too: the rest of
            # it is zeroed on the device (xfs_truncate_page())
            new = rnd.randrange(0, size + 1)
            call("truncate %s %d" % (f, new), 0)
            sizes[f] = new
        else:
            w.name_op(op, f)
    script = w.script()
    return script + "sync\n", w.expect + ["0"], sizes


def run(zw, dev, script, kernel):
    args = ["fs", "--fs", "xfs-zoned", "--dev", dev, "--json", "--verify"]
    if kernel:
        args += ["--mount", "kernel=" + kernel]
    res = zw(*args, "-", input=script)
    assert res.rc == 0, res.err[-2000:]
    results = [line.split(" => ", 1)[1] for line in res.err.splitlines() if " => " in line]
    return results, json.loads(res.out)


@pytest.mark.parametrize("kernel", [None, "6.17"], ids=["7.2", "6.17"])
@pytest.mark.parametrize("dev", sorted(DEVICES))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_multi_file_workload_runs_through_gc_and_verifies(zwsim, seed, dev, kernel):
    script, expect, sizes = workload(seed)
    results, rep = run(zwsim, DEVICES[dev], script, kernel)
    assert results == expect
    assert {n: f["size"] for n, f in rep["files"].items()} == sizes
    st = rep["stats"]
    # more was written than the device holds: GC moved data and reset zones
    assert st["user_bytes"] > 16 * M
    assert st["gc_bytes"] > 0 and st["zone_resets"] > 0
    # (not device >= user: data overwritten or cut while cached never reaches the device)
    assert st["device_bytes"] > 16 * M and st["device_bytes"] > st["gc_bytes"]


def test_random_workload_under_the_sanitizers(zwsim_san):
    script, expect, sizes = workload(4, ops=300)
    results, rep = run(zwsim_san, DEVICES["zone-cap"], script, None)
    assert results == expect
    assert {n: f["size"] for n, f in rep["files"].items()} == sizes
    assert rep["stats"]["gc_bytes"] > 0
