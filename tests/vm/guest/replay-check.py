#!/usr/bin/python3
"""zwsim replay against fio on a real zoned device (tests/vm/replay.sh).

  replay-check.py gen SEED DEV ZONE_BYTES NR_ZONES NR_CONV NR_WRITES > IOLOG
      a seeded fio iolog v2 of writes to DEV: at sequential zones' write
      pointers (some running across the zone's end), off them (ahead and
      behind), into conventional zones, and a few not block-aligned
  replay-check.py fidelity DEV TWIN IOLOG
      IOLOG by fio --read_iolog (psync, iodepth 1, direct, continue_on_error=all)
      on DEV (reset first) and by zwsim replay --fs raw --qd 1 on TWIN: prints
      both sides' failed writes (offset, length, errno) and zone reports
      (zone, condition, write pointer), then their differences, each with its
      class; exit 1 when they differ
  replay-check.py iops DEV IOLOG
      IOLOG by fio and by zwsim replay --force --fs raw --qd 1 on DEV itself
      (reset before each), in turn, nine times each: 'bench:
      replay_vm_iops_ratio R' (zwsim's best records/s over fio's best IOPS,
      both over their I/O phase), 'bench: replay_vm_iops_ratio_paired R'
      (the median over the rounds of each round's zwsim over fio, two runs
      next to each other in time) and 'bench: replay_vm_wall_ratio R' (the
      best over the wall time of each whole process)
"""
import errno
import json
import os
import random
import re
import subprocess
import sys
import time

ZWSIM = os.environ.get("ZWSIM", "zwsim")
BLOCK = 4096
ERRNO_BY_TEXT = {os.strerror(e): "-" + errno.errorcode[e] for e in (errno.EIO, errno.EINVAL, errno.ENOSPC,
                                                                    errno.EOVERFLOW, errno.EAGAIN)}


def gen(seed, dev, zone, nr_zones, nr_conv, n):
    rng = random.Random(seed)
    wp = {z: 0 for z in range(nr_conv, nr_zones)}
    out = ["fio version 2 iolog", "%s add" % dev, "%s open" % dev]
    for _ in range(n):
        r = rng.random()
        z = rng.randrange(nr_conv, nr_zones)
        ln = rng.choice((1, 1, 2, 4, 8, 16, 64)) * BLOCK
        if r < 0.50:                        # at the write pointer (may run past the zone's end)
            off = z * zone + wp[z]
            if wp[z] + ln <= zone:
                wp[z] += ln
        elif r < 0.60:                      # the last blocks of a zone and beyond
            off = (z + 1) * zone - rng.choice((1, 2)) * BLOCK
            ln = 4 * BLOCK
        elif r < 0.75:                      # off the write pointer, ahead or behind
            off = z * zone + max(0, wp[z] + rng.choice((-2, -1, 1, 3)) * BLOCK)
        elif r < 0.95 and nr_conv:          # anywhere in a conventional zone
            off = rng.randrange(nr_conv * zone // BLOCK - 16) * BLOCK
        else:                               # not block-aligned
            off = z * zone + wp[z] + 512
        out.append("%s write %d %d" % (dev, off, ln))
    out.append("%s close" % dev)
    print("\n".join(out))


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def reset(dev):
    p = run(["blkzone", "reset", dev])
    if p.returncode:
        sys.exit("blkzone reset %s: %s" % (dev, p.stderr))


def fio(dev, iolog, extra=()):
    """fio's replay of @iolog on @dev: its JSON result and its failed writes [(offset, len, errno)]."""
    p = run(["fio", "--name=replay", "--filename=" + dev, "--read_iolog=" + iolog, "--replay_redirect=" + dev,
             "--ioengine=psync", "--iodepth=1", "--direct=1", "--continue_on_error=all", "--output-format=json",
             # only EIO and EILSEQ are non-fatal by default (td_non_fatal_error()): an unaligned
             # write's EINVAL would end the job; and each error is to be printed
             "--ignore_error=EIO:EINVAL,EIO:EINVAL", "--error_dump=1",
             *extra])
    failed = []
    # each failed I/O (error_dump, on by default), on stderr or before the JSON on stdout:
    # fio: io_u error on file /dev/nullb0: Input/output error: write offset=1052672, buflen=4096
    text = p.stderr + "\n" + p.stdout
    for m in re.finditer(r"io_u error on file [^:]*: ([^:]*): write offset=(\d+), buflen=(\d+)", text):
        failed.append((int(m.group(2)), int(m.group(3)), ERRNO_BY_TEXT.get(m.group(1), m.group(1))))
    try:
        res = json.loads(p.stdout[p.stdout.index("\n{") + 1 if not p.stdout.startswith("{") else 0:])
    except ValueError:
        sys.exit("fio gave no JSON (status %d): %s" % (p.returncode, p.stderr))
    notes = [ln for ln in text.splitlines() if ln.startswith("fio")][:20]
    return res, failed, "\n".join(notes)


def kernel_zones(dev):
    out = []
    for line in run(["blkzone", "report", dev]).stdout.splitlines():
        m = re.search(r"start: *(0x[0-9a-f]+).*wptr *(0x[0-9a-f]+|[^ ]+) .*zcond: *\d+\(([a-z]+)\).*type: *\d+\(([A-Z_]+)\)",
                      line)
        if m:
            wp = int(m.group(2), 16) * 512 if m.group(4) != "CONVENTIONAL" else None
            out.append((len(out), m.group(3), wp))
    return out


def zwsim_replay(spec, iolog, *opts):
    p = run([ZWSIM, "replay", "--dev", spec, "--fs", "raw", "--qd", "1", "--json", "--log", "/dev/stderr",
             *opts, iolog])
    if p.returncode:
        sys.exit("zwsim replay failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    rep = json.loads(p.stdout)
    failed = []
    for line in p.stderr.splitlines():
        if '"ev":"replay_record"' in line:
            ev = json.loads(line)
            if ev["ret"] != "0":
                failed.append((ev["offset"], ev["bytes"], ev["ret"]))
    return rep, failed


def classify(k, z):
    """The class of a difference in one zone's report: (kernel, model)."""
    if k[1] != z[1] and k[2] == z[2]:
        return "condition"
    return "write pointer"


def fidelity(dev, twin, iolog):
    reset(dev)
    _, kfail, kerr = fio(dev, iolog)
    kz = kernel_zones(dev)
    rep, zfail = zwsim_replay(twin, iolog)
    zz = [(z["zone"], z["cond"], z["wp"]) for z in rep["zones"]]
    print("# fio's messages (the first 20)")
    print(kerr)
    print("# kernel (fio --read_iolog): %d failed writes" % len(kfail))
    for f in kfail:
        print("fail %d %d %s" % f)
    print("# model (zwsim replay --fs raw --qd 1): %d failed writes" % len(zfail))
    for f in zfail:
        print("fail %d %d %s" % f)
    print("# kernel zones")
    for z in kz:
        print("zone %d %s %s" % z)
    print("# model zones")
    for z in zz:
        print("zone %d %s %s" % z)
    diffs = []
    ks, zs = set(kfail), set(zfail)
    for f in sorted(ks - zs):
        other = [g for g in zs if g[0] == f[0]]
        diffs.append("%s: write %d+%d fails on the kernel with %s, %s in the model" %
                     ("error kind" if other else "kernel-only failure", f[0], f[1], f[2],
                      other[0][2] if other else "succeeds"))
    for f in sorted(zs - ks):
        if not [g for g in ks if g[0] == f[0]]:
            diffs.append("model-only failure: write %d+%d fails in the model with %s, succeeds on the kernel" % f)
    for k, z in zip(kz, zz):
        if k != z:
            diffs.append("zone %s: zone %d is %s wp=%s on the kernel, %s wp=%s in the model" %
                         (classify(k, z), k[0], k[1], k[2], z[1], z[2]))
    if len(kz) != len(zz):
        diffs.append("zone count: %d on the kernel, %d in the model" % (len(kz), len(zz)))
    if not kfail and zfail:
        diffs.append("no failed write found in fio's output (its messages are above)")
    print("# differences: %d" % len(diffs))
    for d in diffs:
        print(d)
    return 1 if diffs else 0


def zwsim_timed(dev, iolog):
    """zwsim replay --force of @iolog on @dev as a user runs it (no event log: fio logs nothing per
    I/O either): its JSON report and the wall time of the whole process."""
    t = time.monotonic()
    p = run([ZWSIM, "replay", "--dev", "zbd:" + dev, "--fs", "raw", "--qd", "1", "--json", "--force", iolog])
    wall = time.monotonic() - t
    if p.returncode:
        sys.exit("zwsim replay failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    return json.loads(p.stdout), wall


def fio_timed(dev, iolog):
    t = time.monotonic()
    res, failed, notes = fio(dev, iolog)
    return res, failed, notes, time.monotonic() - t


def iops(dev, iolog, rounds=9):
    """fio and zwsim replay in turn, @rounds times each (the order alternating); each one's best.

    A guest under TCG on a shared machine runs at a speed that varies several times over from one
    second to the next (fio alone: 7,000 to 40,000 IOPS in one guest): the best of several runs is
    each program's own speed, the ratio of the bests their comparison (as make bench's figures are
    the best of three)."""
    # a real device is written only with --force
    p = run([ZWSIM, "replay", "--dev", "zbd:" + dev, "--fs", "raw", iolog])
    if p.returncode != 2 or "--force" not in p.stderr:
        print("zwsim replay wrote a real device without --force (status %d): %s" % (p.returncode, p.stderr))
        return 1
    writes = sum(1 for ln in open(iolog) if " write " in ln)
    best = {"fio": [0, 0], "zwsim": [0, 0]}    # I/O-phase rate, whole-process rate
    paired = []                                 # each round's zwsim rate over fio's
    rc = 0
    for r in range(rounds):
        line = []
        rates = {}
        for who in ("fio", "zwsim") if r % 2 == 0 else ("zwsim", "fio"):
            reset(dev)
            if who == "fio":
                res, failed, notes, wall = fio_timed(dev, iolog)
                w = res["jobs"][0]["write"]
                if w["total_ios"] != writes or failed:
                    print("fio: %d of %d writes, %d failed: %s" % (w["total_ios"], writes, len(failed), notes))
                    rc = 1
                rate, io_s = w["iops"], w["runtime"] / 1e3
            else:
                rep, wall = zwsim_timed(dev, iolog)
                if rep["records"]["replayed"]["write"] != writes or rep["errors"]["total"]:
                    print("zwsim: %d of %d writes, %d failed" % (rep["records"]["replayed"]["write"], writes,
                                                               rep["errors"]["total"]))
                    rc = 1
                rate, io_s = rep["throughput"]["records_per_s"], rep["throughput"]["elapsed_ns"] / 1e9
            best[who] = [max(best[who][0], rate), max(best[who][1], writes / wall)]
            rates[who] = rate
            line.append("%s %.0f/s (I/O %.3f s, process %.2f s)" % (who, rate, io_s, wall))
        paired.append(rates["zwsim"] / rates["fio"] if rates["fio"] else 0)
        print("round %d: %s; zwsim/fio %.3f" % (r + 1, "; ".join(line), paired[-1]))
    print("%d writes of 4 KiB: fio --read_iolog psync QD 1, zwsim replay --fs raw --qd 1, on %s; best of %d each: "
          "fio %.0f IOPS, zwsim %.0f records/s over the I/O phase (fio's job runtime; zwsim's first record's issue "
          "to the end), fio %.0f, zwsim %.0f writes/s over each whole process (start to exit)" %
          (writes, dev, rounds, best["fio"][0], best["zwsim"][0], best["fio"][1], best["zwsim"][1]))
    ratio = [best["zwsim"][i] / best["fio"][i] if best["fio"][i] else 0 for i in (0, 1)]
    print("bench: replay_vm_iops_ratio %.3f ratio" % ratio[0])
    print("bench: replay_vm_iops_ratio_paired %.3f ratio" % sorted(paired)[len(paired) // 2])
    print("bench: replay_vm_wall_ratio %.3f ratio" % ratio[1])
    return rc


def main():
    a = sys.argv[1:]
    if a[:1] == ["gen"] and len(a) == 7:
        gen(int(a[1]), a[2], int(a[3]), int(a[4]), int(a[5]), int(a[6]))
        return 0
    if a[:1] == ["fidelity"] and len(a) == 4:
        return fidelity(a[1], a[2], a[3])
    if a[:1] == ["iops"] and len(a) == 3:
        return iops(a[1], a[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
