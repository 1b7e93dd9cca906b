#!/usr/bin/python3
"""Run a `zwsim fs` script on the kernel's zoned XFS, or on zwsim's xfs-zoned
model, and compare where the data landed (tests/vm/xfs-fidelity.sh,
docs/fidelity-xfs-zoned.md).

  xfs-zoned-script.py real DEV MOUNT_OPTS SCRIPT
      mkfs.xfs -f DEV (a zoned device with conventional zones: the data
      section and log go there, the realtime groups are the sequential
      zones; or RTDEV@DATADEV: an external zoned realtime device), mount it
      (-o MOUNT_OPTS unless '-'), run SCRIPT with real system calls, then
      print the outcome as JSON, unmount.
  xfs-zoned-script.py model ZWSIM SPEC MOUNT_OPTS SCRIPT
      the same script on the model (zwsim fs --fs xfs-zoned --json --verify
      on the emu: spec SPEC, the device's twin); the same JSON.  Fails if
      the model's data does not verify.
  xfs-zoned-script.py compare NAME REAL.json MODEL.json [TALLY]
      what differs, and the agreement figures (one line, also appended to
      TALLY as tab-separated values); exit 0 whatever the agreement.
  xfs-zoned-script.py run NAME DEV ZWSIM SPEC MOUNT_OPTS SCRIPT OUTDIR TALLY
      all three: OUTDIR/NAME.real.json, NAME.model.json, the comparison on
      stdout, the figures appended to TALLY.
  xfs-zoned-script.py run-gc NAME DEV ZWSIM SPEC MOUNT_OPTS SCRIPT CHECKPOINT OUTDIR TALLY
      through GC (tests/vm/xfs-gc-fidelity.sh): the kernel with its own
      dirty thresholds (read from /proc/vmstat before and after every call;
      periodic writeback off), a snapshot after the first CHECKPOINT
      operations, then after the script until the zone report stops
      changing; the model with --memory from the threshold before the run;
      both compared (the snapshot too), and GC's bytes moved.
  xfs-zoned-script.py real-gc DEV MOUNT_OPTS SCRIPT CHECKPOINT
      the kernel side of run-gc only: its outcome as JSON (a run of the
      kernel to compare with another run of the kernel).
  xfs-zoned-script.py self-gc REAL.json REAL2.json MODEL.json
      two kernel runs through GC against each other, as they are and up to
      a renaming of zones (which free zone is taken next is timing on the
      kernel), and the model against each up to a renaming; exit 1 if the
      kernel agrees with itself that way and the model does not.
  xfs-zoned-script.py agree REAL.json MODEL.json
      exit 0 only if both sides agree on every call's result, the shut down
      state, every file and every zone (a check that must hold, not a figure).
  xfs-zoned-script.py judge REAL.json MODEL.json
      exit 0 only if both sides agree as for agree, but for where in its
      zone each zone append landed (the pieces of files each zone's appends
      carried must be the same): the judge of the kernel on zwsim's device
      served by zwsim ublk, whose appends may reach the server in another
      order than XFS submitted them (docs/ublk.md).
  xfs-zoned-script.py summary TALLY
      the totals of a tally.

The outcome (JSON): "ops": [[OPERATION, RESULT], ...] as `zwsim fs` prints
them; "files": {NAME: {"size", "extents": [[OFF, LEN, ZONE, ZONE_OFF], ...]}}
(bytes; from `xfs_io -c 'bmap -v'` on the kernel: the extents as XFS records
them, holes left out); "zones": {ZONE: [COND, WP]} for every sequential zone
that is not empty (WP in bytes from the zone start, null when full);
"appends": {ZONE: {"issued": [SECTORS, ...], "landed": [SECTORS, ...],
"failed": N}} for every sequential zone that was sent a zone append: the
sizes of the REQ_OP_ZONE_APPEND requests that reached the device, in the
order they were issued, and those that completed without error in the
order they landed (by the sector the device gave back).  The kernel side
takes them from the block_rq_issue and block_rq_complete tracepoints
(tracefs, a trace instance of its own, filtered to the zoned device); the
model from its event log (`zwsim fs --log`: bio_end of op zone_append,
leaving out what the block layer refused before the device: bio_check()'s
reasons).  Compared (reported, never failed): per zone, the sizes in issue
order and as a multiset.

The system calls behind each script operation (as zonefs-script.py):
  open F        open(F, O_RDWR|O_CREAT), kept until 'close F' (the file is
                open for write: XFS does not pack it tightly)
  write/dwrite  pwrite(2) calls of CALL bytes (default 1 MiB), O_DIRECT for
                dwrite; a file not open is opened for the operation only
  append        write(2) with O_DIRECT|O_APPEND
  read F O L    pread(2)
  truncate F L  truncate(2);  unlink F  unlink(2)
  fsync F       fsync(2) on F's open descriptor, else on a new one
  sync          sync(2)
  hint F H      fcntl(F_SET_RW_HINT) (xfs_io has no command for write hints)
  inject err=SECTOR:NR:once
                null_blk badblocks over the NR sectors from SECTOR (the
                device must have badblocks_once=1: each is cleared at its
                first hit, as the model's 'once'); whatever is left is
                cleared after the script.  No other fault on the kernel side.

A write error shuts zoned XFS down on Linux 7.2: the outcome's "shutdown"
is true (the kernel side: the mount point cannot be read, -EIO), and
"files" is then empty on both sides (a shut down file system cannot be
read).
"""
import errno
import fcntl
import json
import mmap
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fsscript import Syscalls, errname, is_ublk, parse, size, ublk_control, ublk_fresh  # noqa: E402

F_SET_RW_HINT = 1024 + 12
HINTS = ("notset", "none", "short", "medium", "long", "extreme")
TALLY_FIELDS = ("scenario", "files_same", "files", "bytes_same", "bytes", "extents_same", "extents_real",
                "extents_model", "extent_counts_same", "zones_same", "zones", "ops_same", "ops",
                "appends_same", "appends_real", "appends_model", "append_zones_seq_same",
                "append_zones_set_same", "append_zones")
# the figures of a tally line written before append sizes were compared
TALLY_OLD = len(TALLY_FIELDS) - 6
TRACEFS = "/sys/kernel/tracing"
TRACE_INSTANCE = TRACEFS + "/instances/zwsim-xfs-fidelity"
# the model's block layer refuses these before the device (bio_check() in sim/blk_core.c)
REFUSED = ("goes beyond the end of the device", "is not at the start of a sequential zone",
           "exceeds max_zone_append_sectors", "out of memory")


class Real(Syscalls):
    CREATE = os.O_CREAT
    UNSUPPORTED = "-EINVAL  # not supported on the kernel side"

    def __init__(self, dev, mnt):
        super().__init__(mnt)
        self.dev = dev  # the zoned device: the internal or external realtime device
        self.name = os.path.basename(dev)
        self.badblocks = []  # (first, last) sectors of each inject err=
        with open("/sys/block/%s/queue/chunk_sectors" % self.name) as f:
            self.zone_bytes = int(f.read()) * 512

    def buf(self, n):
        """A page-aligned buffer of n bytes (O_DIRECT needs alignment)."""
        if n not in self.bufs:
            ln = max(n, 4096)
            m = mmap.mmap(-1, ln)
            m.write((bytes((i * 7 + 1) & 0xFF for i in range(256)) * (ln // 256 + 1))[:ln])
            self.bufs[n] = m
        return memoryview(self.bufs[n])[:n]

    def run(self, w):
        if w[0] != "hint":
            return super().run(w)
        try:
            hint = HINTS.index(w[2])
            self.with_fd(w[1], lambda fd: fcntl.fcntl(fd, F_SET_RW_HINT, struct.pack("Q", hint)),
                         os.O_RDWR | os.O_CREAT)
            return "0"
        except OSError as e:
            return errname(e.errno)

    def inject(self, fault):
        if is_ublk(self.dev):  # the served model takes the fault itself
            reply = ublk_control("inject " + fault)
            return reply if reply == "0" else "-EINVAL  # zwsim ublk: " + reply
        key, _, val = fault.partition("=")
        parts = val.split(":")
        if key != "err" or len(parts) != 3 or parts[2] != "once":
            return "-EINVAL  # null_blk: only err=SECTOR:NR:once (badblocks_once)"
        first, nr = int(parts[0]), int(parts[1])
        with open("/sys/kernel/config/nullb/%s/badblocks" % self.name, "w") as f:
            f.write("+%d-%d" % (first, first + nr - 1))
        self.badblocks.append((first, first + nr - 1))
        return "0"

    def clear_badblocks(self):
        if is_ublk(self.dev):
            return  # the next real() makes the served model fresh
        for first, last in self.badblocks:
            with open("/sys/kernel/config/nullb/%s/badblocks" % self.name, "w") as f:
                f.write("-%d-%d" % (first, last))
        self.badblocks = []

    def extents(self, names):
        """Each file's extents from one xfs_io (every file opened, then
        'bmap -v', which xfs_io runs on each open file, its name first):
        {NAME: [[off, len, zone, zone_off], ...]} in bytes."""
        if not names:
            return {}
        cmd = ["xfs_io", "-r", self.path(names[0])]
        for n in names[1:]:
            cmd += ["-c", "open -r " + self.path(n)]
        cmd += ["-c", "bmap -v"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        ext = {n: [] for n in names}
        cur = None
        for line in out.splitlines():
            if line.endswith(":") and line[:-1].startswith(self.mnt + "/"):
                cur = line[:-1][len(self.mnt) + 1:]
                if cur in ext:
                    ext[cur] = []  # the last listing of a file counts
                continue
            m = re.match(r"\s*\d+: \[(\d+)\.\.(\d+)\]:\s+(\d+)\.\.(\d+)\s", line)
            if not m or cur not in ext:
                continue  # the header, holes, delalloc
            off, end, daddr = int(m.group(1)) * 512, (int(m.group(2)) + 1) * 512, int(m.group(3)) * 512
            ext[cur].append([off, end - off, daddr // self.zone_bytes, daddr % self.zone_bytes])
        return ext

    def outcome(self, ops):
        try:
            names = sorted(n for n in os.listdir(self.mnt) if os.path.isfile(self.path(n)))
            shutdown = False
        except OSError as e:  # xfs_readdir(): -EIO once shut down
            if e.errno != errno.EIO:
                raise
            names, shutdown = [], True
        ext = self.extents(names)
        files = {n: {"size": os.stat(self.path(n)).st_size, "extents": ext[n]} for n in names}
        zones = {}
        rep = subprocess.run(["blkzone", "report", self.dev], capture_output=True, text=True, check=True).stdout
        for i, line in enumerate(rep.splitlines()):
            m = re.search(r"wptr (0x[0-9a-f]+).*zcond:\s*\d+\((\w+)\).*type:\s*\d+\((\w+)\)", line)
            if not m or m.group(3) == "CONVENTIONAL" or m.group(2) == "em":
                continue
            wp = None if m.group(2) == "fu" else int(m.group(1), 16) * 512
            zones[str(i)] = [m.group(2), wp]
        return {"ops": ops, "files": files, "zones": zones, "shutdown": shutdown}


class AppendTrace:
    """The zone appends the kernel sends to DEV, from the block_rq_issue and
    block_rq_complete tracepoints in a trace instance of our own (the
    global buffer is left alone), filtered to DEV.  rwbs starts with "ZA"
    for REQ_OP_ZONE_APPEND (blk_fill_rwbs()); block_rq_issue gives the zone
    start, block_rq_complete the sector the device gave back (null_blk and
    NVMe set the request's sector to where the data landed)."""

    ISSUE = re.compile(r"\[(\d+)\].*block_rq_issue: \d+,\d+ (\S+) \d+ \(.*?\) (\d+) \+ (\d+) ")
    QUEUE = re.compile(r"\[(\d+)\].*block_bio_queue: \d+,\d+ (\S+) (\d+) \+ (\d+) ")
    EVENTS = ("block_bio_queue", "block_rq_issue", "block_rq_complete")
    DONE = re.compile(r"block_rq_complete: \d+,\d+ (\S+) \(.*?\) (\d+) \+ (\d+) .*\[(-?\d+)\]\s*$")

    def __init__(self, dev, buffer_kb=8192):
        if not os.path.isdir(TRACEFS + "/events"):
            subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], check=True)
        if not os.path.isdir(TRACE_INSTANCE):
            os.mkdir(TRACE_INSTANCE)
        rdev = os.stat(dev).st_rdev
        self.devt = (os.major(rdev) << 20) | os.minor(rdev)  # the kernel's dev_t: MKDEV()
        self.put("tracing_on", "0")
        self.put("buffer_size_kb", str(buffer_kb))
        self.put("trace", "")
        for ev in self.EVENTS:
            self.put("events/block/%s/filter" % ev, "dev == %d" % self.devt)
            self.put("events/block/%s/enable" % ev, "1")
        self.put("tracing_on", "1")

    @staticmethod
    def put(name, value):
        with open(os.path.join(TRACE_INSTANCE, name), "w") as f:
            f.write(value)

    def stop(self, zone_sectors):
        """Tracing off, the instance removed; {ZONE: {"issued", "landed", "failed"}}."""
        self.put("tracing_on", "0")
        with open(os.path.join(TRACE_INSTANCE, "trace")) as f:
            text = f.read()
        for ev in self.EVENTS:
            self.put("events/block/%s/enable" % ev, "0")
        try:
            os.rmdir(TRACE_INSTANCE)
        except OSError:
            pass
        if "LOST" in text:
            raise RuntimeError("the trace lost events")
        return self.parse(text, zone_sectors)

    @classmethod
    def parse(cls, text, zone_sectors):
        """The appends of a trace's text, per zone (as stop())."""
        issued, landed, failed = {}, {}, {}
        submitted, cpus = {}, {}
        for line in text.splitlines():
            m = cls.QUEUE.search(line)
            if m and m.group(2).startswith("ZA"):
                z = str(int(m.group(3)) // zone_sectors)
                submitted.setdefault(z, []).append(int(m.group(4)))
                cpus.setdefault(z, {"submitted": [], "issued": []})["submitted"].append(int(m.group(1)))
                continue
            m = cls.ISSUE.search(line)
            if m and m.group(2).startswith("ZA"):
                z = str(int(m.group(3)) // zone_sectors)
                issued.setdefault(z, []).append(int(m.group(4)))
                cpus.setdefault(z, {"submitted": [], "issued": []})["issued"].append(int(m.group(1)))
                continue
            m = cls.DONE.search(line)
            if m and m.group(1).startswith("ZA"):
                z = str(int(m.group(2)) // zone_sectors)
                if int(m.group(4)):
                    failed[z] = failed.get(z, 0) + 1
                else:
                    landed.setdefault(z, []).append((int(m.group(2)), int(m.group(3))))
        out = appends_of(issued, landed, failed)
        for z, a in out.items():  # the bios as submitted (block_bio_queue), and each one's CPU
            a["submitted"] = submitted.get(z, [])
            a["cpus"] = cpus.get(z, {"submitted": [], "issued": []})
        return out


def appends_of(issued, landed, failed):
    """{ZONE: {"issued": sizes in issue order, "landed": sizes by the sector they
    landed at, "failed": N}} from issued {ZONE: [SECTORS]}, landed {ZONE:
    [(SECTOR, SECTORS)]}, failed {ZONE: N}."""
    out = {}
    for z in set(issued) | set(landed) | set(failed):
        out[z] = {"issued": issued.get(z, []), "landed": [n for _, n in sorted(landed.get(z, []))],
                  "failed": failed.get(z, 0)}
    return out


def sysctl(name, value=None):
    p = "/proc/sys/vm/" + name
    with open(p) as f:
        old = f.read().strip()
    if value is not None:
        with open(p, "w") as f:
            f.write(str(value))
    return old


def real(dev, mopts, script):
    """DEV: a zoned device with conventional zones (internal realtime
    device), or RTDEV@DATADEV: a zoned realtime device and a conventional
    data device (-r rtdev=RTDEV,zoned=1, mounted with -o rtdev=RTDEV)."""
    ops = parse(script)
    rt, _, data = dev.partition("@")
    opts = [] if mopts == "-" else [mopts]
    mkfs = ["mkfs.xfs", "-q", "-f"]
    if data:
        mkfs += ["-r", "rtdev=%s,zoned=1" % rt]
        opts.insert(0, "rtdev=" + rt)
    else:
        data = rt
    # a mount left behind by an earlier run that broke
    subprocess.run(["umount", data], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if is_ublk(rt):
        ublk_fresh(rt)  # no fault left from an earlier scenario: what null_blk's cleared badblocks are
    subprocess.run(mkfs + [data], check=True, stdout=subprocess.DEVNULL)
    mnt = tempfile.mkdtemp(prefix="xfs-zoned-")
    subprocess.run(["mount"] + (["-o", ",".join(opts)] if opts else []) + [data, mnt], check=True)
    dev = rt
    # No periodic or background writeback (the model has neither): data
    # reaches the device only at the script's fsync/sync.
    old = {k: sysctl(k) for k in ("dirty_writeback_centisecs", "dirty_background_ratio", "dirty_ratio")}
    sysctl("dirty_writeback_centisecs", 0)
    sysctl("dirty_bytes", 1 << 30)
    sysctl("dirty_background_bytes", 768 << 20)
    trace = None
    try:
        r = Real(dev, mnt)
        try:
            trace = AppendTrace(dev)
            done = [[" ".join(w), r.run(w)] for w in ops]
            appends = trace.stop(r.zone_bytes // 512)
            trace = None
            out = r.outcome(done)
            out["appends"] = appends
        finally:
            if trace:
                trace.stop(r.zone_bytes // 512)
            r.clear_badblocks()
            for fd in r.fds.values():
                os.close(fd)
    finally:
        for k, v in old.items():  # the ratios back: the *_bytes go back to 0
            sysctl(k, v)
        subprocess.run(["umount", mnt], check=True)
        os.rmdir(mnt)
    return out


def model_appends(log, zone_sectors):
    """The zone appends that reached the model's device, from its event log:
    each bio_end of op zone_append (a bio split off, bio_split, has its own;
    its parent's bio_end has the bytes left), in the order they completed
    (the model's device runs them in the order they were issued), less what
    the block layer refused before the device (REFUSED)."""
    issued, landed, failed = {}, {}, {}
    # grep first: a run through GC logs some 100 MB, slow to read in Python under TCG
    lines = subprocess.run(["grep", "-F", '"bio_end"', log], capture_output=True, text=True).stdout
    for line in lines.splitlines():
        if '"zone_append"' not in line:
            continue
        e = json.loads(line)
        if e["ev"] != "bio_end" or e["op"] != "zone_append":
            continue
        if e["status"] != "OK" and any(r in e.get("reason", "") for r in REFUSED):
            continue
        z = str(e["sector"] // zone_sectors)
        issued.setdefault(z, []).append(e["bytes"] // 512)
        if e["status"] == "OK":
            landed.setdefault(z, []).append((e["sector"], e["bytes"] // 512))
        else:
            failed[z] = failed.get(z, 0) + 1
    return appends_of(issued, landed, failed)


def spec_zone_sectors(spec):
    m = re.search(r"(?:^|[:,])zone_size=([^,]+)", spec)
    return size(m.group(1).replace("iB", "").replace("B", "")) // 512 if m else 256 << 20 >> 9


def model(zwsim, spec, mopts, script, extra=(), with_appends=True):
    log = tempfile.NamedTemporaryFile(prefix="zwsim-xfs-", suffix=".jsonl", delete=False)
    log.close()
    cmd = [zwsim, "fs", "--fs", "xfs-zoned", "--dev", spec, "--json", "--verify"]
    if with_appends:
        cmd += ["--log", log.name]
    if mopts != "-":
        cmd += ["--mount", mopts]
    cmd += list(extra)
    try:
        p = subprocess.run(cmd + [script], capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            raise RuntimeError("zwsim fs exited with status %d" % p.returncode)
        appends = model_appends(log.name, spec_zone_sectors(spec)) if with_appends else {}
    finally:
        os.unlink(log.name)
    ops = [line.split(" => ", 1) for line in p.stderr.splitlines() if " => " in line]
    rep = json.loads(p.stdout)
    files = {n: {"size": f["size"], "extents": [[e["off"], e["len"], e["zone"], e["zone_off"]]
                                                for e in f["extents"]]}
             for n, f in rep["files"].items()}
    zones = {str(z["zone"]): [z["cond"], None if z["cond"] == "fu" else z["wp"]]
             for z in rep["zones"] if z["cond"] not in ("nw", "em")}
    shutdown = bool(rep["stats"].get("shutdown"))
    return {"ops": ops, "files": {} if shutdown else files, "zones": zones, "shutdown": shutdown,
            "appends": appends, "gc_bytes": rep["stats"].get("gc_bytes", 0)}


def fmt_ext(ext):
    return " ".join("%d+%d@%d+%d" % tuple(e) for e in ext) or "(none)"


def same_bytes(a, b):
    """Bytes of extents a mapped to the same place by extents b (zone size does not matter:
    both sides give (zone, zone_off), compared per byte range)."""
    n = 0
    for off, ln, z, zo in a:
        for off2, ln2, z2, zo2 in b:
            lo, hi = max(off, off2), min(off + ln, off2 + ln2)
            if lo < hi and z == z2 and zo - off == zo2 - off2:
                n += hi - lo
    return n


def load(path):
    with open(path) as f:
        return json.load(f)


def save(out, path=None):
    if path is None:
        json.dump(out, sys.stdout, sort_keys=True)
        print()
        return
    with open(path, "w") as f:
        json.dump(out, f, sort_keys=True)
        f.write("\n")


def fmt_sizes(sectors):
    """Append sizes (sectors) in KiB, runs folded: '124k*31 4k'."""
    out = []
    for n in sectors:
        k = "%dk" % (n // 2) if n % 2 == 0 else "%ds" % n
        if out and out[-1][0] == k:
            out[-1][1] += 1
        else:
            out.append([k, 1])
    return " ".join(k if c == 1 else "%s*%d" % (k, c) for k, c in out) or "(none)"


def compare_appends(r, m, t, lines):
    """Per zone: the append sizes in issue order and as a multiset (the
    figures into t, the lines into lines).  A side without "appends" (an
    outcome from before they were recorded) compares nothing."""
    if "appends" not in r or "appends" not in m:
        return
    ra, ma = r["appends"], m["appends"]
    for z in sorted(set(ra) | set(ma), key=int):
        rz = ra.get(z, {"issued": [], "landed": [], "failed": 0})
        mz = ma.get(z, {"issued": [], "landed": [], "failed": 0})
        ri, mi = rz["issued"], mz["issued"]
        t["append_zones"] += 1
        t["appends_real"] += len(ri)
        t["appends_model"] += len(mi)
        left = list(mi)
        for n in ri:
            if n in left:
                left.remove(n)
                t["appends_same"] += 1
        same_set = sorted(ri) == sorted(mi)
        t["append_zones_seq_same"] += ri == mi
        t["append_zones_set_same"] += same_set
        failed = "" if not (rz["failed"] or mz["failed"]) else \
            " (failed: kernel %d, model %d)" % (rz["failed"], mz["failed"])
        if ri == mi:
            lines.append("same   appends zone %-4s %s%s" % (z, fmt_sizes(ri), failed))
        else:
            lines.append("DIFF   appends zone %-4s kernel: %s%s" % (z, fmt_sizes(ri), failed))
            lines.append("       %-19s model:  %s%s" % ("", fmt_sizes(mi), " (the same sizes, in another order)"
                                                       if same_set else ""))
        if "submitted" in rz and rz["submitted"] != ri:
            lines.append("note   appends zone %-4s kernel submitted (block_bio_queue) in another order: %s" %
                         (z, fmt_sizes(rz["submitted"])))
        for side, sz in (("kernel", rz), ("model", mz)):
            ok = sz["issued"] if not sz["failed"] else None
            if ok is not None and sz["landed"] != ok:
                lines.append("note   appends zone %-4s %s landed in another order: %s" %
                             (z, side, fmt_sizes(sz["landed"])))


def compare(name, r, m, tally=None):
    t = dict.fromkeys(TALLY_FIELDS, 0)
    t["scenario"] = name
    lines = []
    for i, (op, res) in enumerate(r["ops"]):
        mres = m["ops"][i][1] if i < len(m["ops"]) else "(missing)"
        t["ops"] += 1
        if res == mres:
            t["ops_same"] += 1
        else:
            lines.append("op     %-32s kernel %s, model %s" % (op, res, mres))
    for n in sorted(set(r["files"]) | set(m["files"])):
        rf, mf = r["files"].get(n), m["files"].get(n)
        t["files"] += 1
        rext = rf["extents"] if rf else []
        mext = mf["extents"] if mf else []
        rb = sum(e[1] for e in rext)
        t["bytes"] += rb
        t["bytes_same"] += same_bytes(rext, mext)
        t["extents_real"] += len(rext)
        t["extents_model"] += len(mext)
        t["extents_same"] += sum(1 for e in rext if e in mext)
        t["extent_counts_same"] += len(rext) == len(mext)
        if rf and mf and rf["size"] == mf["size"] and rext == mext:
            t["files_same"] += 1
            lines.append("same   %-8s size=%d %s" % (n, rf["size"], fmt_ext(rext)))
        else:
            lines.append("DIFF   %-8s kernel: size=%s %s" % (n, rf["size"] if rf else "-", fmt_ext(rext)))
            lines.append("       %-8s model:  size=%s %s" % ("", mf["size"] if mf else "-", fmt_ext(mext)))
    # the shut down state counts as one more result
    rs, ms = r.get("shutdown", False), m.get("shutdown", False)
    t["ops"] += 1
    if rs == ms:
        t["ops_same"] += 1
        lines.append("same   shut down: %s" % ("yes" if rs else "no"))
    else:
        lines.append("DIFF   shut down: kernel %s, model %s" % ("yes" if rs else "no", "yes" if ms else "no"))
    for z in sorted(set(r["zones"]) | set(m["zones"]), key=int):
        rz, mz = r["zones"].get(z, ["em", 0]), m["zones"].get(z, ["em", 0])
        t["zones"] += 1
        if rz == mz:
            t["zones_same"] += 1
        else:
            lines.append("zone   %-4s kernel %s wp=%s, model %s wp=%s" % (z, rz[0], rz[1], mz[0], mz[1]))
    compare_appends(r, m, t, lines)
    print("\n".join(lines))
    print("agreement %s: files %d/%d, bytes placed alike %d/%d, extents %d/%d (model %d), "
          "extent counts %d/%d, zones %d/%d, results %d/%d, %s" %
          (name, t["files_same"], t["files"], t["bytes_same"], t["bytes"], t["extents_same"], t["extents_real"],
           t["extents_model"], t["extent_counts_same"], t["files"], t["zones_same"], t["zones"], t["ops_same"],
           t["ops"], fmt_append_figures(t)))
    if tally:
        with open(tally, "a") as f:
            f.write("\t".join(str(t[k]) for k in TALLY_FIELDS) + "\n")
    return 0


def zone_renaming(r, m):
    """Are r and m the same placement up to a renaming of zones?  Which free
    zone the allocator or GC takes next depends on which zones GC has reset
    by then (xfs_open_zone() takes the lowest free one), a matter of timing
    on the kernel; what lands together, at which offset of its zone, need
    not.  The renaming is read off the extents, in file order: each extent
    of r maps its zone to the zone of m's extent at the same place.
    Returns the figures: files whose every extent has the same file offset,
    length and offset in its zone as m's, with zones renamed consistently
    (one zone of r to one of m, and back); their bytes; the zones mapped
    with the same condition and write pointer; the other zones (no live
    file data on either side, e.g. GC's) compared as a multiset of states;
    and the renaming itself (r's zone -> m's)."""
    fwd, back, files_same, bytes_same, nfiles, nbytes = {}, {}, 0, 0, 0, 0
    for n in sorted(set(r["files"]) | set(m["files"])):
        rf, mf = r["files"].get(n), m["files"].get(n)
        rext = rf["extents"] if rf else []
        mext = mf["extents"] if mf else []
        nfiles += 1
        nbytes += sum(e[1] for e in rext)
        ok = bool(rf and mf and rf["size"] == mf["size"] and len(rext) == len(mext))
        for a, b in zip(rext, mext):
            if (a[0], a[1], a[3]) != (b[0], b[1], b[3]) or fwd.get(a[2], b[2]) != b[2] or \
                    back.get(b[2], a[2]) != a[2]:
                ok = False
                break
        if ok:
            for a, b in zip(rext, mext):
                fwd[a[2]], back[b[2]] = b[2], a[2]
            files_same += 1
            bytes_same += sum(e[1] for e in rext)
    zones_same = 0
    rz, mz = r["zones"], m["zones"]
    for a, b in fwd.items():
        zones_same += str(a) in rz and rz.get(str(a)) == mz.get(str(b))
    rest_r = sorted(tuple(v) for z, v in rz.items() if int(z) not in fwd)
    rest_m = sorted(tuple(v) for z, v in mz.items() if int(z) not in back)
    left = list(rest_m)
    for v in rest_r:
        if v in left:
            left.remove(v)
            zones_same += 1
    nzones = len(fwd) + max(len(rest_r), len(rest_m))
    # each zone's append sizes in issue order: a mapped zone against its
    # image, the others (reset since, or never holding live data) as a multiset
    ra, ma = r.get("appends") or {}, m.get("appends") or {}
    app_same = 0
    left = [tuple(v["issued"]) for z, v in ma.items() if int(z) not in back]
    for z, v in ra.items():
        if int(z) in fwd:
            app_same += v["issued"] == ma.get(str(fwd[int(z)]), {}).get("issued")
        elif tuple(v["issued"]) in left:
            left.remove(tuple(v["issued"]))
            app_same += 1
    return {"files_same": files_same, "files": nfiles, "bytes_same": bytes_same, "bytes": nbytes,
            "zones_same": zones_same, "zones": nzones, "renamed": sum(1 for a, b in fwd.items() if a != b),
            "append_zones_same": app_same, "append_zones": max(len(ra), len(ma)), "renaming": fwd}


def fmt_renaming(t):
    return "files %d/%d, bytes %d/%d, zones %d/%d, append zones in order %d/%d (%d zones renamed)" % (
        t["files_same"], t["files"], t["bytes_same"], t["bytes"], t["zones_same"], t["zones"],
        t["append_zones_same"], t["append_zones"], t["renamed"])


def fmt_append_figures(t):
    return "append sizes %d/%d (model %d), append zones in order %d/%d, as multisets %d/%d" % (
        t["appends_same"], t["appends_real"], t["appends_model"], t["append_zones_seq_same"],
        t["append_zones"], t["append_zones_set_same"], t["append_zones"])


def agree(real_json, model_json):
    """Exit 0 only if the kernel and the model agree on everything: every
    call's result, the shut down state, every file, every zone."""
    r, m = load(real_json), load(model_json)
    keys = ("ops", "shutdown", "files", "zones")
    bad = [k for k in keys if r.get(k) != m.get(k)]
    for k in bad:
        print("%s differ:\n  kernel %s\n  model  %s" % (k, json.dumps(r.get(k), sort_keys=True),
                                                     json.dumps(m.get(k), sort_keys=True)))
    if not bad:
        print("the kernel and the model agree: %s" % ", ".join(keys))
    return 1 if bad else 0


def append_pieces(out):
    """{ZONE: sorted [(FILE, OFF, LEN)]}: every file's data cut at the
    boundaries of the zone appends that landed in its zone (each append
    carries one piece of one file), positions left out; and {ZONE: [(FILE,
    OFF, LEN, ZONE_OFF)]} with them.  The zones start empty in a scenario
    (mkfs.xfs resets them), so the appends that landed fill each zone from
    its start in the order of their sectors ("landed")."""
    bounds = {}
    for z, a in out.get("appends", {}).items():
        b, pos = [], 0
        for n in a["landed"]:
            pos += n * 512
            b.append(pos)
        bounds[int(z)] = b
    pieces, placed = {}, {}
    for name, f in out["files"].items():
        for off, ln, z, zo in f["extents"]:
            cuts = [c for c in bounds.get(z, []) if zo < c < zo + ln] + [zo + ln]
            start = zo
            for c in cuts:
                pieces.setdefault(z, []).append((name, off + start - zo, c - start))
                placed.setdefault(z, []).append((name, off + start - zo, c - start, start))
                start = c
    return {z: sorted(p) for z, p in pieces.items()}, placed


def judge(real_json, model_json):
    """The kernel on zwsim's device (zwsim ublk) against the model on the
    same spec: exit 0 if they agree on every call's result, the shut down
    state, every zone, every file's size, and, per zone, on which pieces of
    which files its zone appends carried, so that where each append landed
    in its zone is the one thing allowed to differ (the order in which the
    server received the zone's appends: docs/ublk.md).  The first line
    says 'same' (nothing differs), 'append order' (only that) or
    'DIFFERENT', what follows shows it."""
    rc, lines = judge_outcomes(load(real_json), load(model_json))
    print("\n".join(lines))
    return rc


def judge_outcomes(r, m):
    """judge() of two outcomes: (exit status, lines)."""
    bad = []
    for k in ("ops", "shutdown", "zones"):
        if r.get(k) != m.get(k):
            bad.append("%s differ:\n  kernel %s\n  model  %s" % (k, json.dumps(r.get(k), sort_keys=True),
                                                               json.dumps(m.get(k), sort_keys=True)))
    rs = {n: f["size"] for n, f in r["files"].items()}
    ms = {n: f["size"] for n, f in m["files"].items()}
    if rs != ms:
        bad.append("file sizes differ: kernel %s, model %s" % (rs, ms))
    rp, rplaced = append_pieces(r)
    mp, mplaced = append_pieces(m)
    moved = []
    for z in sorted(set(rp) | set(mp)):
        if rp.get(z) != mp.get(z):
            bad.append("zone %d's appends carried other data:\n  kernel %s\n  model  %s" % (z, rp.get(z), mp.get(z)))
        elif sorted(rplaced[z], key=lambda p: p[3]) != sorted(mplaced[z], key=lambda p: p[3]):
            moved.append(z)
    if bad:
        return 1, ["DIFFERENT"] + bad
    if not moved:
        return 0, ["same", "the kernel and the model agree: results, shut down state, zones, every file's extents"]
    lines = ["append order",
             "the kernel and the model agree on results, the shut down state, zones and file sizes, and each "
             "zone's appends carried the same pieces of the same files; where they landed differs in zone%s %s:" %
             ("s" if len(moved) > 1 else "", " ".join(map(str, moved)))]
    for z in moved:
        def order(pl):
            return " ".join("%s+%d" % (p[0], p[1]) for p in sorted(pl, key=lambda p: p[3]))
        lines.append("  zone %d, the pieces (FILE+OFFSET) by where they landed:\n    kernel %s\n    model  %s" %
                     (z, order(rplaced[z]), order(mplaced[z])))
    return 0, lines


def summary(tally):
    tot = dict.fromkeys(TALLY_FIELDS[1:], 0)
    n = exact = exact_appends = 0
    with open(tally) as f:
        for line in f:
            v = line.rstrip("\n").split("\t")
            if len(v) == TALLY_OLD:
                v += ["0"] * (len(TALLY_FIELDS) - TALLY_OLD)
            if len(v) != len(TALLY_FIELDS):
                continue
            n += 1
            row = dict(zip(TALLY_FIELDS[1:], map(int, v[1:])))
            exact += row["files_same"] == row["files"] and row["zones_same"] == row["zones"] and \
                row["ops_same"] == row["ops"]
            exact_appends += row["append_zones_seq_same"] == row["append_zones"]
            for k in tot:
                tot[k] += row[k]
    print("xfs-zoned fidelity, %d scenarios (%d identical, %d with the same append sizes): files %d/%d, bytes placed alike %d/%d, "
          "extents %d/%d (model %d), extent counts %d/%d, zones %d/%d, results %d/%d, %s" %
          (n, exact, exact_appends, tot["files_same"], tot["files"], tot["bytes_same"], tot["bytes"], tot["extents_same"],
           tot["extents_real"], tot["extents_model"], tot["extent_counts_same"], tot["files"],
           tot["zones_same"], tot["zones"], tot["ops_same"], tot["ops"], fmt_append_figures(tot)))
    return 0 if n else 1


# The kernel side's dirty policy (real(): dirty_bytes 1 GiB, dirty_background_bytes
# 768 MiB, no periodic writeback) as the model's options: 20% of 5 GiB is
# 262080 pages (the kernel's 262144), 15% 196480 (196608)
KERNEL_POLICY = ["--memory", "5G", "--dirty-background-ratio", "15", "--writeback-interval", "0"]


def run(name, dev, zwsim, spec, mopts, script, outdir, tally):
    """The scenario on the kernel and on the model, then the comparison
    (OUTDIR/NAME.real.json, NAME.model.json; the figures appended to TALLY)."""
    base = os.path.join(outdir, name)
    for ext, v in ((".mopts", mopts), (".spec", spec)):  # what cached_model() checks
        with open(base + ext, "w") as f:
            f.write(v + "\n")
    print("# %s: the kernel (mount options: %s)" % (name, mopts), flush=True)
    r = real(dev, mopts, script)
    save(r, base + ".real.json")
    m = cached_model(name, spec, mopts, script)
    if m is None:
        print("# %s: the model (%s)" % (name, spec), flush=True)
        m = model(zwsim, spec, mopts, script, KERNEL_POLICY)
    save(m, base + ".model.json")
    if os.environ.get("XF_JUDGE"):  # the kernel on zwsim's device: judged, not only compared
        with open(base + ".judge", "w") as f:
            f.write("\n".join(judge_outcomes(r, m)[1]) + "\n")
    return compare(name, r, m, tally)


def cached_model(name, spec, mopts, script):
    """The model's outcome from $XF_MODEL_FROM (an earlier run's OUTDIR) when
    it ran the same script with the same mount options on the same spec
    (NAME.fs, NAME.mopts, NAME.spec there): the model is deterministic, so it is the outcome a
    new run would give.  None otherwise."""
    d = os.environ.get("XF_MODEL_FROM")
    if not d:
        return None
    try:
        with open(os.path.join(d, name + ".spec")) as f:
            twin = f.read().strip()
        with open(os.path.join(d, name + ".fs")) as f, open(script) as g:
            same_script = f.read() == g.read()
        with open(os.path.join(d, name + ".mopts")) as f:
            same_mopts = f.read().strip() == mopts
        m = load(os.path.join(d, name + ".model.json"))
    except OSError:
        return None
    if twin != spec or not same_script or not same_mopts:
        return None
    print("# %s: the model's outcome from %s (the same spec, script and mount options)" % (name, d), flush=True)
    return m


# --- through GC (tests/vm/xfs-gc-fidelity.sh) --------------------------------

VMSTAT_THRESHOLDS = ("nr_dirty_threshold", "nr_dirty_background_threshold")


def vmstat_thresholds():
    """The guest's own dirty thresholds now, in pages (/proc/vmstat, as
    domain_dirty_limits() computed them at the last balance_dirty_pages() or
    vmstat read: of the memory available now)."""
    out = {}
    with open("/proc/vmstat") as f:
        for line in f:
            k, _, v = line.partition(" ")
            if k in VMSTAT_THRESHOLDS:
                out[k] = int(v)
    return out


def zone_report(dev):
    return subprocess.run(["blkzone", "report", dev], capture_output=True, text=True, check=True).stdout


def gc_settle(dev, interval=2.0, stable=3, limit=600):
    """Wait until the zone report stops changing (GC has settled): the same
    report `stable` times in a row, `interval` seconds apart.  The seconds
    waited (the first report that stayed the same counts from its poll)."""
    import time
    t0 = time.monotonic()
    last, same = zone_report(dev), 1
    while same < stable and time.monotonic() - t0 < limit:
        time.sleep(interval)
        rep = zone_report(dev)
        same = same + 1 if rep == last else 1
        last = rep
    return round(time.monotonic() - t0, 1)


def split_gc_opts(mopts):
    """zonegc_low_space=PCT is a mount option of the model and a sysfs knob
    of the kernel (/sys/fs/xfs/DEV/zoned/zonegc_low_space): (mount options
    for the kernel, the percentage or None)."""
    if mopts == "-":
        return "-", None
    keep, pct = [], None
    for o in mopts.split(","):
        if o.startswith("zonegc_low_space="):
            pct = int(o.split("=", 1)[1])
        else:
            keep.append(o)
    return ",".join(keep) or "-", pct


def user_bytes(ops):
    """Bytes the script's writes put in files (their results)."""
    n = 0
    for op, res in ops:
        if op.split()[0] in ("write", "dwrite", "append"):
            try:
                n += int(res.split()[0])
            except ValueError:
                pass
    return n


def append_bytes(appends):
    return sum(sum(a["landed"]) for a in appends.values()) * 512


def real_gc(dev, mopts, script, checkpoint):
    """The kernel side through GC: as real(), but with the guest's own dirty
    thresholds (only periodic writeback off, as the model is told), sampled
    before and after every operation; after the first `checkpoint`
    operations (the fill, before any delete) the files and zones as they
    are then; after the script, waits until GC has settled."""
    ops = parse(script)
    kopts, pct = split_gc_opts(mopts)
    opts = [] if kopts == "-" else [kopts]
    subprocess.run(["umount", dev], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["mkfs.xfs", "-q", "-f", dev], check=True, stdout=subprocess.DEVNULL)
    mnt = tempfile.mkdtemp(prefix="xfs-gc-")
    subprocess.run(["mount"] + (["-o", ",".join(opts)] if opts else []) + [dev, mnt], check=True)
    name = os.path.basename(dev)
    if pct is not None:
        with open("/sys/fs/xfs/%s/zoned/zonegc_low_space" % name, "w") as f:
            f.write(str(pct))
    old = {k: sysctl(k) for k in ("dirty_writeback_centisecs", "dirty_background_ratio", "dirty_ratio")}
    sysctl("dirty_writeback_centisecs", 0)
    thresholds = [vmstat_thresholds()]
    ratios = {"dirty_ratio": int(old["dirty_ratio"]), "dirty_background_ratio": int(old["dirty_background_ratio"])}
    trace = None
    snap = None
    try:
        r = Real(dev, mnt)
        try:
            trace = AppendTrace(dev, 32768)
            done = []
            for i, w in enumerate(ops):
                done.append([" ".join(w), r.run(w)])
                thresholds.append(vmstat_thresholds())
                if i + 1 == checkpoint:
                    snap = r.outcome(list(done))
            settle = gc_settle(dev)
            appends = trace.stop(r.zone_bytes // 512)
            trace = None
            out = r.outcome(done)
            out["appends"] = appends
        finally:
            if trace:
                trace.stop(r.zone_bytes // 512)
            for fd in r.fds.values():
                os.close(fd)
        try:
            with open("/sys/fs/xfs/%s/stats/stats" % name) as f:
                out["xfs_stats"] = f.read()
        except OSError:
            pass
    finally:
        for k, v in old.items():
            sysctl(k, v)
        subprocess.run(["umount", mnt], check=True)
        os.rmdir(mnt)
    out["gc_bytes"] = append_bytes(out["appends"]) - user_bytes(out["ops"])
    out["settle_seconds"] = settle
    out["thresholds"] = thresholds
    out["ratios"] = ratios
    out["checkpoint"] = snap
    return out


def model_memory(real_out):
    """--memory for the model from the kernel's dirty threshold before the
    run: the memory the kernel computed it from (nr_dirty_threshold is
    dirty_ratio percent of it, domain_dirty_limits())."""
    t = real_out["thresholds"][0]["nr_dirty_threshold"]
    return t * 4096 * 100 // real_out["ratios"]["dirty_ratio"]


def model_gc(zwsim, spec, mopts, script, memory, ratios, with_appends=True):
    """The model with the guest's dirty policy (periodic writeback off on both sides)."""
    return model(zwsim, spec, mopts, script, ["--memory", str(memory), "--dirty-ratio", str(ratios["dirty_ratio"]),
                                              "--dirty-background-ratio", str(ratios["dirty_background_ratio"]),
                                              "--writeback-interval", "0"], with_appends)


def run_gc(name, dev, zwsim, spec, mopts, script, checkpoint, outdir, tally):
    """The GC scenario on the kernel and on the model (data=tags on the twin:
    the model keeps a tag a block), the fill compared as it was at the
    checkpoint and everything after GC; OUTDIR/NAME.{real,model,fill.model}.json."""
    base = os.path.join(outdir, name)
    checkpoint = int(checkpoint)
    spec = spec + ("" if "data=" in spec else ",data=tags")
    print("# %s: the kernel (mount options: %s)" % (name, mopts), flush=True)
    r = real_gc(dev, mopts, script, checkpoint)
    save(r, base + ".real.json")
    memory = model_memory(r)
    th = r["thresholds"]
    print("# the guest's dirty thresholds (pages): before %s; during: threshold %d..%d, background %d..%d; "
          "the model: --memory %d (%d MiB), ratios %s" %
          (th[0], min(t["nr_dirty_threshold"] for t in th), max(t["nr_dirty_threshold"] for t in th),
           min(t["nr_dirty_background_threshold"] for t in th), max(t["nr_dirty_background_threshold"] for t in th),
           memory, memory >> 20, r["ratios"]), flush=True)
    print("# GC settled %.1f s after the script" % r["settle_seconds"], flush=True)
    part = base + ".fill.fs"
    with open(script) as f:
        lines = [ln for ln in f if ln.split("#", 1)[0].strip()]
    with open(part, "w") as f:
        f.write("".join(lines[:checkpoint]))
    print("# %s: the model (%s)" % (name, spec), flush=True)
    mf = model_gc(zwsim, spec, mopts, part, memory, r["ratios"], with_appends=False)  # the fill: no appends compared
    save(mf, base + ".fill.model.json")
    m = model_gc(zwsim, spec, mopts, script, memory, r["ratios"])
    save(m, base + ".model.json")
    print("## before GC: the fill (%d operations), before any delete" % checkpoint)
    compare(name + "-fill", r["checkpoint"], mf, tally)
    print("## after GC settled")
    compare(name, r, m, tally)
    print("alike up to a renaming of zones %s: %s" % (name, fmt_renaming(zone_renaming(r, m))))
    print("GC bytes moved: kernel %d (zone appends %d less %d written by the script; XFS's own stats: %s), "
          "model %d (stats.gc_bytes; from its appends %d)" %
          (r["gc_bytes"], append_bytes(r["appends"]), user_bytes(r["ops"]), xfs_stats_gc(r.get("xfs_stats", "")),
           m["gc_bytes"], append_bytes(m["appends"]) - user_bytes(m["ops"])))
    return 0


def self_gc(real1, real2, model_json):
    """The kernel against itself through GC (two runs of the same script on
    a fresh device each), as it is and up to a renaming of zones, and the
    model against each run up to a renaming.  Exit 1 if the two kernel runs
    place every file and zone alike up to a renaming but the model does not
    agree with the first that well; 0 otherwise (a figure, not a verdict,
    when the kernel does not agree with itself)."""
    r1, r2, m = load(real1), load(real2), load(model_json)
    print("## the kernel against itself (a second run)")
    compare("gc-kernel-vs-kernel", r1, r2)
    kk = zone_renaming(r1, r2)
    print("alike up to a renaming of zones gc-kernel-vs-kernel: %s" % fmt_renaming(kk))
    print("GC bytes moved: kernel runs %d and %d, model %d" % (r1["gc_bytes"], r2["gc_bytes"], m["gc_bytes"]))
    worst = None
    for i, r in enumerate((r1, r2), 1):
        km = zone_renaming(r, m)
        print("alike up to a renaming of zones gc-kernel%d-vs-model: %s" % (i, fmt_renaming(km)))
        if i == 1:
            worst = km
    whole = lambda t: t["files_same"] == t["files"] and t["zones_same"] == t["zones"]  # noqa: E731
    if whole(kk) and not whole(worst):
        print("harness: the kernel agrees with itself up to a renaming of zones, the model does not")
        return 1
    return 0


def xfs_stats_gc(text):
    """The bytes GC moved by /sys/fs/xfs/DEV/stats/stats ('gc xpc N'), or '-'."""
    for line in text.splitlines():
        w = line.split()
        if len(w) == 3 and w[:2] == ["gc", "xpc"]:
            return w[2]
    return "-"


def main(argv):
    cmd, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    if cmd == "real" and len(args) == 3:
        save(real(*args))
        return 0
    if cmd == "model" and len(args) == 4:
        save(model(*args))
        return 0
    if cmd == "compare" and len(args) in (3, 4):
        return compare(args[0], load(args[1]), load(args[2]), *args[3:])
    if cmd == "run" and len(args) == 8:
        return run(*args)
    if cmd == "real-gc" and len(args) == 4:
        save(real_gc(*args[:3], int(args[3])))
        return 0
    if cmd == "self-gc" and len(args) == 3:
        return self_gc(*args)
    if cmd == "run-gc" and len(args) == 9:
        return run_gc(*args)
    if cmd == "agree" and len(args) == 2:
        return agree(*args)
    if cmd == "judge" and len(args) == 2:
        return judge(*args)
    if cmd == "summary" and len(args) == 1:
        return summary(args[0])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
