#!/usr/bin/python3
"""Make samples/traces/: one small trace of every format zwsim reads.

Deterministic (no clock, no randomness beyond a fixed seed): running it
again rewrites the same bytes, so `git diff` after a run shows nothing.
Every file describes the same 40 requests where its format can say so:
writes running along two 256 MiB zones of device 8,16, reads, a discard,
a flush, FUA and preflush writes.  `zwsim trace dump` of any of them
prints those requests (docs/trace.md).

    samples/make-traces.py [OUTDIR]      (default: samples/traces)
"""
import bz2
import gzip
import io
import lzma
import os
import random
import struct
import subprocess
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "traces")

# blktrace_api.h categories and actions
TC = {"READ": 1 << 0, "WRITE": 1 << 1, "FLUSH": 1 << 2, "SYNC": 1 << 3, "QUEUE": 1 << 4, "ISSUE": 1 << 6,
      "COMPLETE": 1 << 7, "FS": 1 << 8, "NOTIFY": 1 << 10, "AHEAD": 1 << 11, "META": 1 << 12,
      "DISCARD": 1 << 13, "FUA": 1 << 15}
TA = {"Q": 1, "D": 7, "C": 8}
MAJ, MIN = 8, 16
ZONE = 524288          # sectors: 256 MiB
BASE_NS = 175669815001344   # a kernel monotonic time, as raw per-CPU files carry


def requests():
    """(time_ns from the start, op, flags, sector, sectors, pid, comm)"""
    rng = random.Random(11)
    reqs, t = [], 0
    wp = [0, ZONE]
    for i in range(40):
        t += 1000 + rng.randrange(0, 50) * 1000
        k = i % 10
        if k in (0, 1, 2, 4, 5, 7):
            z = 0 if i % 20 < 10 else 1
            n = rng.choice([8, 8, 16, 64, 256])
            reqs.append((t, "W", {"SYNC"} if k != 7 else set(), wp[z], n, 4711, "fio"))
            wp[z] += n
        elif k == 3:
            reqs.append((t, "R", {"AHEAD"} if i == 13 else set(), rng.randrange(0, 2048) * 8, 8, 4712, "cat"))
        elif k == 6:
            reqs.append((t, "F", set(), 0, 0, 812, "jbd2/sdb1-8"))        # a flush: FN
        elif k == 8:
            z = 0 if i % 20 < 10 else 1
            reqs.append((t, "W", {"FUA", "SYNC"}, wp[z], 8, 812, "jbd2/sdb1-8"))   # WFS
            wp[z] += 8
        else:
            if i == 19:
                reqs.append((t, "D", set(), 2 * ZONE, 2048, 4713, "fstrim"))
            else:
                z = 0 if i % 20 < 10 else 1
                reqs.append((t, "W", {"FLUSH", "SYNC"}, wp[z], 8, 812, "jbd2/sdb1-8"))  # FWS
                wp[z] += 8
    return reqs


def categories(op, flags):
    c = 0
    if op == "W":
        c |= TC["WRITE"]
    elif op == "D":
        c |= TC["WRITE"] | TC["DISCARD"]
    elif op == "F":
        c |= TC["READ"] | TC["FLUSH"]
    else:
        c |= TC["READ"]
    for f in flags:
        c |= TC[f]
    return c


def rwbs(cat, nbytes):
    """blkparse_fmt.c fill_rwbs()"""
    s = "F" if cat & TC["FLUSH"] else ""
    if cat & TC["DISCARD"]:
        s += "D"
    elif cat & TC["WRITE"]:
        s += "W"
    elif nbytes:
        s += "R"
    else:
        s += "N"
    for name, letter in (("FUA", "F"), ("AHEAD", "A"), ("SYNC", "S"), ("META", "M")):
        if cat & TC[name]:
            s += letter
    return s


def events():
    """Every Q, D and C event of the requests, in time order: (time, cpu, action, request)."""
    ev = []
    for i, r in enumerate(requests()):
        t = r[0]
        ev.append((t, i % 2, "Q", r))
        ev.append((t + 3000, i % 2, "D", r))
        ev.append((t + 21000 + (i % 3) * 1000, 0, "C", r))
    ev.sort(key=lambda e: (e[0], e[1]))
    return ev


# version 8 (struct blk_io_trace2): zone categories above the v1 ones (BLK_TC_ACT shifts a u64),
# the zone write plug actions
TC2_ZONE = {"ZA": 1 << 16, "ZR": 1 << 17, "ZRA": 1 << 18, "ZF": 1 << 19, "ZO": 1 << 20, "ZC": 1 << 21}
TA_ZONE_PLUG, TA_ZONE_UNPLUG = 18, 19


def zone_events():
    """What a version 8 capture adds to the requests: (time, cpu, action, categories, sector, sectors, pid).
    A reset of zone 2 before the writes, a 64 KiB zone append to it (Q, D, C and the kernel's
    BLK_TA_ZONE_APPEND with the sector it landed at), zone write plugging of request 1 (ZP, ZU),
    and a finish of zone 1 at the end."""
    z2, w = 2 * ZONE + 4096, TC["WRITE"]
    return [
        (200, 0, "Q", w | TC2_ZONE["ZR"] | TC["QUEUE"], z2, 0, 4714),
        (300, 0, "D", w | TC2_ZONE["ZR"] | TC["ISSUE"] | TC["FS"], z2, 0, 4714),
        (600, 0, "C", w | TC2_ZONE["ZR"] | TC["COMPLETE"] | TC["FS"], z2, 0, 0),
        (9500, 1, "Q", w | TC2_ZONE["ZA"] | TC["QUEUE"], z2, 128, 4714),
        (9700, 1, "D", w | TC2_ZONE["ZA"] | TC["ISSUE"] | TC["FS"], z2, 128, 4714),
        (31000, 0, "C", w | TC2_ZONE["ZA"] | TC["COMPLETE"] | TC["FS"], z2, 128, 0),
        (31000, 0, "C", w | TC2_ZONE["ZA"] | TC["FS"], z2, 128, 0),     # BLK_TA_ZONE_APPEND
        (10000000, 1, "Q", w | TC2_ZONE["ZF"] | TC["QUEUE"], ZONE, 0, 4714),
        (10000300, 1, "D", w | TC2_ZONE["ZF"] | TC["ISSUE"] | TC["FS"], ZONE, 0, 4714),
        (10002000, 0, "C", w | TC2_ZONE["ZF"] | TC["COMPLETE"] | TC["FS"], ZONE, 0, 0),
    ]


def blktrace_set(order, version=7):
    """Per-CPU files: {cpu: bytes}, in byte order @order ('<' or '>'); @version 7 struct blk_io_trace,
    8 struct blk_io_trace2 (pid before a 64-bit action, 12 bytes of padding) with zone_events() added."""
    files, seq = {0: io.BytesIO(), 1: io.BytesIO()}, {0: 0, 1: 0}
    dev = (MAJ << 20) | MIN
    if version == 7:
        hdr = struct.Struct(order + "IIQQIIIIIHH")

        def pack(sq, t, sector, nbytes, action, pid, cpu, pdu_len):
            return hdr.pack(0x65617407, sq, t, sector, nbytes, action, pid, dev, cpu, 0, pdu_len)
    else:
        hdr = struct.Struct(order + "IIQQIIQIIHH12x")

        def pack(sq, t, sector, nbytes, action, pid, cpu, pdu_len):
            return hdr.pack(0x65617408, sq, t, sector, nbytes, pid, action, dev, cpu, 0, pdu_len)
    for cpu, f in files.items():
        for pid, comm in ((4711, b"fio"), (812, b"jbd2/sdb1-8"), (4712, b"cat"), (4713, b"fstrim")):
            pdu = comm.ljust(16, b"\0")
            f.write(pack(0, BASE_NS, 0, 0, TC["NOTIFY"] << 16, pid, cpu, len(pdu)))
            f.write(pdu)
    ev = [(t, cpu, act, categories(r[1], r[2]) | {"Q": TC["QUEUE"], "D": TC["ISSUE"] | TC["FS"],
                                                 "C": TC["COMPLETE"] | TC["FS"]}[act], r[3], r[4],
           r[5] if act != "C" else 0, TA[act]) for t, cpu, act, r in events()]
    if version == 8:
        ev += [(t, cpu, act, cat, sector, n, pid, TA[act]) for t, cpu, act, cat, sector, n, pid in zone_events()]
        r1 = requests()[1]           # request 1 goes through its zone's write plug
        ev += [(r1[0] + 1000, 1, "ZP", TC["WRITE"] | TC["QUEUE"], r1[3], r1[4], r1[5], TA_ZONE_PLUG),
               (r1[0] + 2000, 1, "ZU", TC["WRITE"] | TC["QUEUE"], r1[3], r1[4], r1[5], TA_ZONE_UNPLUG)]
        ev.sort(key=lambda e: (e[0], e[1]))
    for t, cpu, _act, cat, sector, n, pid, code in ev:
        seq[cpu] += 1
        files[cpu].write(pack(seq[cpu], BASE_NS + t, sector, n * 512, (cat << 16) | code, pid, cpu, 0))
    return {cpu: f.getvalue() for cpu, f in files.items()}


def blkparse_text():
    """What blkparse prints of blktrace_set(): the default format, then its summary."""
    out, seq = [], {0: 0, 1: 0}
    counts = {"Q": 0, "D": 0, "C": 0}
    ev = events()
    genesis = ev[0][0]      # blkparse.c find_genesis(): the earliest event, notes aside
    for t, cpu, act, r in ev:
        t -= genesis
        _, op, flags, sector, n, pid, comm = r
        cat = categories(op, flags)
        seq[cpu] += 1
        counts[act] += 1
        head = "%3d,%-3d %2d %8d %5d.%09d %5d  %s %3s " % (MAJ, MIN, cpu, seq[cpu], t // 10**9, t % 10**9,
                                                           pid if act != "C" else 0, act, rwbs(cat, n * 512))
        if act == "C":
            tail = "%d + %d [0]" % (sector, n) if n else "%d [0]" % sector
        else:
            tail = "%d + %d [%s]" % (sector, n, comm) if n else "[%s]" % comm
        out.append(head + tail)
    out += ["CPU0 (sdb):",
            " Reads Queued:           %d,       %dKiB\t Writes Queued:          %d,      %dKiB" % (4, 16, 36, 1024),
            "Total (sdb):",
            "Throughput (R/W): 16KiB/s / 1024KiB/s",
            "Events (sdb): %d entries" % (len(out)),
            "Skips: 0 forward (0 -   0.0%)"]
    return "\n".join(out) + "\n"


def fio_iolog(version):
    lines = ["fio version %d iolog" % version]
    f = "/dev/sdb"
    pre = "0 " if version == 3 else ""
    lines += [pre + f + " add", pre + f + " open"]
    for i, (t, op, flags, sector, n, _pid, _c) in enumerate(requests()):
        act = {"W": "write", "R": "read", "D": "trim", "F": "sync"}[op]
        off, ln = (sector * 512, n * 512) if op != "F" else (0, 0)
        if version == 3:
            lines.append("%d %s %s %d %d" % (t // 1000, f, act, off, ln))
        else:
            if i and i % 10 == 0:   # fio's code: wait N = N ms since the job began
                lines.append("%s wait %d 0" % (f, i // 10 * 20))
            lines.append("%s %s %d %d" % (f, act, off, ln))
    end = requests()[-1][0] // 1000 + 10
    lines.append(("%d " % end if version == 3 else "") + f + " close")
    return "\n".join(lines) + "\n"


def data_requests():
    return [r for r in requests() if r[1] in "WR"]


def msr():
    start = 128166385295514663   # 2007-02-22 17:22:09 UTC in FILETIME ticks
    return "".join("%d,hm,0,%s,%d,%d,%d\n" % (start + t // 100, "Write" if op == "W" else "Read", s * 512, n * 512,
                                            1000 + n) for t, op, _f, s, n, _p, _c in data_requests())


def alibaba():
    start = 1577808000000000     # microseconds
    return "".join("%d,%s,%d,%d,%d\n" % (7, op, s * 512, n * 512, start + t // 1000)
                   for t, op, _f, s, n, _p, _c in data_requests())


def tencent():
    start = 1538323199           # whole seconds: the trace's own resolution
    return "".join("%d,%d,%d,%d,%d\n" % (start + t // 10**9 + i % 2, s, n, 1 if op == "W" else 0, 1058)
                   for i, (t, op, _f, s, n, _p, _c) in enumerate(data_requests()))


def fiu():
    rng = random.Random(5)
    out = []
    for t, op, _f, s, n, pid, comm in data_requests():
        digest = "".join("%032x" % rng.getrandbits(128) for _ in range(max(1, n // 8)))
        out.append("%d %d %s %d %d %s %d %d %s" % (89966527996712 + t, pid, comm, s, n, op, 6, 0, digest))
    return "\n".join(out) + "\n"


def spc():
    return "".join("%d,%d,%d,%s,%d.%06d\n" % (0 if s < ZONE else 1, s, n * 512, op.lower(), t // 10**9,
                                             (t % 10**9) // 1000) for t, op, _f, s, n, _p, _c in data_requests())


def fs_script():
    return ("# a timestamped zwsim fs script (--format fs): seconds, then a zwsim fs line\n"
            "0 open log\n"
            "0 open data\n"
            "0.001 write log 0 64k\n"
            "0.0015 dwrite data 0 1M\n"
            "0.002 fsync log\n"
            "0.25 hint data long\n"
            "0.25 append data 256k\n"
            "  write log 64k 64k\n"
            "1 truncate log 0\n"
            "1.5 close data\n"
            "2 sync\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {
        "blkparse.txt": blkparse_text(),
        "fio-v2.iolog": fio_iolog(2),
        "fio-v3.iolog": fio_iolog(3),
        "msr.csv": msr(),
        "alibaba.csv": alibaba(),
        "tencent.csv": tencent(),
        "fiu.txt": fiu(),
        "spc.csv": spc(),
        "fs.txt": fs_script(),
    }
    for name, text in files.items():
        with open(os.path.join(OUT, name), "w") as f:
            f.write(text)
    for cpu, data in blktrace_set("<").items():
        with open(os.path.join(OUT, "sdb.blktrace.%d" % cpu), "wb") as f:
            f.write(data)
    # the same capture from a big-endian host, merged into one file as `blkparse -d` does not (both CPUs kept)
    for cpu, data in blktrace_set(">").items():
        with open(os.path.join(OUT, "sdb-be.blktrace.%d" % cpu), "wb") as f:
            f.write(data)
    # version 8 (BLKTRACESETUP2, struct blk_io_trace2): the same requests and a few zone operations
    for name, order in (("sdz", "<"), ("sdz-be", ">")):
        for cpu, data in blktrace_set(order, 8).items():
            with open(os.path.join(OUT, "%s.blktrace.%d" % (name, cpu)), "wb") as f:
                f.write(data)
    # compressed copies: zwsim tells the compression by its magic, not by the name
    with open(os.path.join(OUT, "msr.csv.gz"), "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
            g.write(files["msr.csv"].encode())
    with open(os.path.join(OUT, "tencent.csv.bz2"), "wb") as f:
        f.write(bz2.compress(files["tencent.csv"].encode(), 9))
    with open(os.path.join(OUT, "blkparse.txt.xz"), "wb") as f:
        f.write(lzma.compress(files["blkparse.txt"].encode(), preset=6))
    zst = subprocess.run(["zstd", "-q", "-19", "-c"], input=files["fio-v3.iolog"].encode(),
                         capture_output=True, check=True).stdout
    with open(os.path.join(OUT, "fio-v3.iolog.zst"), "wb") as f:
        f.write(zst)


if __name__ == "__main__":
    main()
