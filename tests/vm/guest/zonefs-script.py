#!/usr/bin/python3
"""Run a `zwsim fs` script on the kernel's zonefs, or on the model, and print
the same normalized transcript for both (tests/vm/zonefs-fidelity.sh).

  zonefs-script.py real DEV MOUNT_OPTS SCRIPT
      mkzonefs -f DEV, mount it (-o MOUNT_OPTS unless '-'), run SCRIPT with
      real system calls, print the transcript, unmount.  DEV is a null_blk
      disk named after its configfs directory: 'inject ro=Z', 'offline=Z'
      and 'err=SECTOR:NR:once' become zone_readonly, zone_offline and
      badblocks writes (the device must have badblocks_once=1).
  zonefs-script.py model ZWSIM SPEC MOUNT_OPTS SCRIPT
      the same script on the model (zwsim fs --fs zonefs --json --verify);
      fails if the model's data does not verify.
  zonefs-script.py real-batch MANIFEST OUTDIR NULLB_ATTR=VALUE...
  zonefs-script.py ublk-batch MANIFEST OUTDIR DEV
  zonefs-script.py model-batch MANIFEST OUTDIR ZWSIM SPEC
      every 'NAME MOUNT_OPTS SCRIPT' line of MANIFEST, each transcript in
      OUTDIR/NAME.txt; real-batch makes a fresh null_blk device 'zfid' (with
      these configfs attributes) for each, ublk-batch makes the model that
      zwsim ublk serves as DEV fresh (fsscript.ublk_fresh(); the server's
      control socket in $ZWSIM_UBLK_CONTROL, which also takes the faults).
      One Python process for them all: under TCG, starting Python costs
      seconds.

The transcript: one 'OPERATION => RESULT' line per script line (as zwsim fs
prints them), then '# files' (NAME size= mode= zone=), '# sysfs' (the
/sys/fs/zonefs counters and whether the file system is read-only) and
'# zones' (every sequential zone's condition, and its write pointer in bytes
when it has one).

The system calls behind each script operation:
  open F        open(F, O_RDWR), kept until 'close F'
  write/dwrite  pwrite(2) calls of CALL bytes, O_DIRECT for dwrite (fcntl
                F_SETFL on an open file); a file not open is opened for the
                operation and closed after it
  append        write(2) with O_DIRECT|O_APPEND
  read F O L    pread(2) on a new O_RDONLY descriptor
  truncate F L  truncate(2);  unlink F  unlink(2)
  fsync F       fsync(2) on F's open descriptor, else on a new O_RDONLY one
  sync          sync(2)
"""
import ctypes
import fcntl
import json
import mmap
import os
import subprocess
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fsscript import Syscalls, is_ublk, parse, ublk_control, ublk_fresh  # noqa: E402

SEQ_CONDS_WITH_WP = ("em", "oi", "oe", "cl")
# BLKREPORTZONE = _IOWR(0x12, 130, struct blk_zone_report), and the zone
# conditions by number (blkzone's abbreviations, but 'ol' for offline as zwsim)
BLKREPORTZONE = 0xC0101282
COND_NAMES = {0: "nw", 1: "em", 2: "oi", 3: "oe", 4: "cl", 0xD: "ro", 0xE: "fu", 0xF: "ol"}
LIBC = ctypes.CDLL("libc.so.6", use_errno=True)


class Real(Syscalls):
    def __init__(self, dev, mnt):
        super().__init__(mnt)
        self.dev = dev
        self.name = os.path.basename(dev)
        q = "/sys/block/%s/queue/chunk_sectors" % self.name
        with open(q) as f:
            self.zone_sectors = int(f.read())

    def buf(self, n):
        """A page-aligned buffer of n bytes (O_DIRECT needs alignment)."""
        if n not in self.bufs:
            length = (n + 4095) // 4096 * 4096
            m = mmap.mmap(-1, length)
            m.write(bytes(range(1, 256)) * (length // 255) + bytes(length % 255))
            self.bufs[n] = m
        return memoryview(self.bufs[n])[:n]

    def inject(self, fault):
        if is_ublk(self.dev):  # the served model takes the fault itself
            reply = ublk_control("inject " + fault)
            return reply if reply == "0" else "-EINVAL  # zwsim ublk: " + reply
        cfg = "/sys/kernel/config/nullb/" + self.name
        key, _, val = fault.partition("=")
        if key in ("ro", "offline"):
            attr = "zone_readonly" if key == "ro" else "zone_offline"
            for z in val.split(":"):
                with open(os.path.join(cfg, attr), "w") as f:
                    f.write(str(int(z) * self.zone_sectors))
            return "0"
        if key == "err":
            parts = val.split(":")
            if len(parts) != 3 or parts[2] != "once":
                return "-EINVAL  # null_blk: only err=SECTOR:NR:once (badblocks_once)"
            first, nr = int(parts[0]), int(parts[1])
            with open(os.path.join(cfg, "badblocks"), "w") as f:
                f.write("+%d-%d" % (first, first + nr - 1))
            return "0"
        return "-EINVAL  # no null_blk equivalent of " + fault

    def report(self):
        out = ["# files"]
        for d in ("cnv", "seq"):
            p = self.path(d)
            if not os.path.isdir(p):
                continue
            for n in sorted(os.listdir(p), key=int):
                st = os.stat(os.path.join(p, n))
                out.append("%s/%s size=%d mode=0%o zone=%d" % (d, n, st.st_size, st.st_mode & 0o777, st.st_ino))
        sysfs = "/sys/fs/zonefs/" + self.name
        vals = {}
        for k in ("max_wro_seq_files", "nr_wro_seq_files", "max_active_seq_files", "nr_active_seq_files"):
            with open(os.path.join(sysfs, k)) as f:
                vals[k] = int(f.read())
        ro = False
        with open("/proc/mounts") as f:
            for line in f:
                fields = line.split()
                if fields[1] == self.mnt:
                    ro = "ro" in fields[3].split(",")
        out.append("# sysfs")
        out.append(sysfs_line(vals, ro))
        out.append("# zones")
        for i, (start, wp, ztype, cond) in enumerate(report_zones(self.dev)):
            if ztype == 1:  # BLK_ZONE_TYPE_CONVENTIONAL
                continue
            cond = COND_NAMES.get(cond, str(cond))
            wp = str((wp - start) * 512) if cond in SEQ_CONDS_WITH_WP else "-"
            out.append("zone %d cond=%s wp=%s" % (i, cond, wp))
        return out


def report_zones(dev):
    """The kernel's zone report (BLKREPORTZONE): (start, wp, type, cond) per zone."""
    zones = []
    fd = os.open(dev, os.O_RDONLY)
    try:
        while True:
            sector = zones[-1][0] + zones[-1][4] if zones else 0
            buf = bytearray(struct.pack("=QII", sector, 64, 0) + bytes(64 * 64))
            fcntl.ioctl(fd, BLKREPORTZONE, buf)
            nr = struct.unpack_from("=QII", buf)[1]
            if not nr:
                break
            for i in range(nr):
                start, length, wp, ztype, cond = struct.unpack_from("=QQQBB", buf, 16 + 64 * i)
                zones.append((start, wp, ztype, cond, length))
    finally:
        os.close(fd)
    return [z[:4] for z in zones]


def syscall(name, *args):
    if getattr(LIBC, name)(*args) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (name, os.strerror(e)))


def sysfs_line(v, ro):
    return "wro=%d/%d active=%d/%d read_only=%d" % (v["nr_wro_seq_files"], v["max_wro_seq_files"],
                                                     v["nr_active_seq_files"], v["max_active_seq_files"], ro)


def real(dev, mopts, script, super_block=None):
    """The transcript of SCRIPT on the kernel's zonefs on DEV: formatted by
    mkzonefs (or, on a fresh device of the same geometry, given the super
    block mkzonefs wrote on another), mounted, unmounted."""
    ops = parse(script)
    out = []
    if super_block is None:
        subprocess.run(["mkzonefs", "-f", dev], check=True, stdout=subprocess.DEVNULL)
    else:
        fd = os.open(dev, os.O_WRONLY)
        try:
            os.pwrite(fd, super_block, 0)
            os.fsync(fd)
        finally:
            os.close(fd)
    mnt = tempfile.mkdtemp(prefix="zonefs-")
    syscall("mount", dev.encode(), mnt.encode(), b"zonefs", ctypes.c_ulong(0),
            mopts.encode() if mopts != "-" else None)
    try:
        r = Real(dev, mnt)
        try:
            for w in ops:
                out.append("%s => %s" % (" ".join(w), r.run(w)))
            out += r.report()
        finally:
            for fd in r.fds.values():
                os.close(fd)
    finally:
        syscall("umount2", mnt.encode(), 0)
        os.rmdir(mnt)
    return out


def model(zwsim, spec, mopts, script):
    """The transcript of SCRIPT on the model (zwsim fs) on the emulated device SPEC."""
    cmd = [zwsim, "fs", "--fs", "zonefs", "--dev", spec, "--json", "--verify"]
    if mopts != "-":
        cmd += ["--mount", mopts]
    p = subprocess.run(cmd + [script], capture_output=True, text=True)
    out = [line for line in p.stderr.splitlines() if " => " in line]
    if p.returncode != 0:
        return out + ["# zwsim fs exited with status %d: %s" % (p.returncode, p.stderr.strip().splitlines()[-1:])]
    rep = json.loads(p.stdout)
    files = rep["files"]
    out.append("# files")
    for d in ("cnv", "seq"):
        names = sorted((n for n in files if n.startswith(d + "/")), key=lambda n: int(n.split("/")[1]))
        for n in names:
            f = files[n]
            out.append("%s size=%d mode=0%o zone=%d" % (n, f["size"], f["mode"], f["zone"]))
    st = files["/sys/fs/zonefs"]
    out.append("# sysfs")
    out.append(sysfs_line(st, st["read_only"]))
    out.append("# zones")
    for z in rep["zones"]:
        if z["cond"] == "nw":
            continue
        wp = str(z["wp"]) if z["cond"] in SEQ_CONDS_WITH_WP and z["wp"] is not None else "-"
        out.append("zone %d cond=%s wp=%s" % (z["zone"], z["cond"], wp))
    return out


NULLB_CFG = "/sys/kernel/config/nullb"


def nullb_create(name, attrs):
    """A null_blk device through configfs (as guest/lib.sh's nullb_create); its /dev path."""
    d = os.path.join(NULLB_CFG, name)
    os.mkdir(d)
    for a in ["blocksize=4096", "zoned=1", "memory_backed=1"] + attrs:
        k, v = a.split("=", 1)
        with open(os.path.join(d, k), "w") as f:
            f.write(v)
    with open(os.path.join(d, "power"), "w") as f:
        f.write("1")
    dev = "/dev/" + name
    for _ in range(100):
        if os.path.exists(dev):
            return dev
        time.sleep(0.1)
    raise RuntimeError("no " + dev)


def nullb_remove(name):
    d = os.path.join(NULLB_CFG, name)
    with open(os.path.join(d, "power"), "w") as f:
        f.write("0")
    os.rmdir(d)


def batch(manifest, outdir, one):
    """Runs one(MOUNT_OPTS, SCRIPT) for each 'NAME MOUNT_OPTS SCRIPT' line of MANIFEST
    into OUTDIR/NAME.txt; a scenario that breaks gets its error as its transcript."""
    os.makedirs(outdir, exist_ok=True)
    bad = 0
    with open(manifest) as f:
        lines = [ln.split() for ln in f if ln.strip()]
    for name, mopts, script in lines:
        try:
            out = one(mopts, script)
        except Exception as e:  # the transcript shows it, the comparison fails
            out = ["# %s: %s" % (type(e).__name__, e)]
            bad = 1
        with open(os.path.join(outdir, name + ".txt"), "w") as f:
            f.write("\n".join(out) + "\n")
    return bad


def real_on_fresh_nullb(attrs):
    """Each scenario on a fresh null_blk device; mkzonefs formats the first,
    the others get a copy of its super block (4 KiB at sector 0: on a device
    just made, all that mkzonefs changes; saves an exec per scenario)."""
    sb = []

    def one(mopts, script):
        dev = nullb_create("zfid", attrs)
        try:
            out = real(dev, mopts, script, sb[0] if sb else None)
            if not sb:
                fd = os.open(dev, os.O_RDONLY)
                sb.append(os.pread(fd, 4096, 0))
                os.close(fd)
            return out
        finally:
            nullb_remove("zfid")
    return one


def real_on_fresh_ublk(dev):
    """Each scenario on the ublk device made fresh; the super block as
    real_on_fresh_nullb() gives it."""
    sb = []

    def one(mopts, script):
        ublk_fresh(dev)
        out = real(dev, mopts, script, sb[0] if sb else None)
        if not sb:
            fd = os.open(dev, os.O_RDONLY)
            sb.append(os.pread(fd, 4096, 0))
            os.close(fd)
        return out
    return one


def main(argv):
    if len(argv) == 5 and argv[1] == "real":
        print("\n".join(real(argv[2], argv[3], argv[4])))
        return 0
    if len(argv) == 6 and argv[1] == "model":
        out = model(argv[2], argv[3], argv[4], argv[5])
        print("\n".join(out))
        return 1 if out and out[-1].startswith("# zwsim fs exited") else 0
    if len(argv) >= 4 and argv[1] == "real-batch":
        return batch(argv[2], argv[3], real_on_fresh_nullb(argv[4:]))
    if len(argv) == 5 and argv[1] == "ublk-batch":
        return batch(argv[2], argv[3], real_on_fresh_ublk(argv[4]))
    if len(argv) == 6 and argv[1] == "model-batch":
        return batch(argv[2], argv[3], lambda mopts, script: model(argv[4], argv[5], mopts, script))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
