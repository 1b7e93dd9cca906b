"""A seeded generator of valid `zwsim fs` and `zwsim zone` scripts with
random values: every operation kind, offsets and lengths near block, zone
and file edges, faults injected, random mount and dirty-policy options.
The same seed gives the same script, device and options
(tests/py/test_script_fuzz.py runs them under the sanitizers)."""
import random

KiB = 1 << 10
MiB = 1 << 20

FS_DEVICES = {
    "zonefs": ["emu:zones=12,zone_size=1M,conv=2,max_open=3,max_active=4",
               "emu:model=zns,zones=10,zone_size=1M,zone_cap=768k,max_open=2,max_active=3",
               "emu:zones=8,zone_size=512k,conv=2,lba=512"],
    "xfs-zoned": ["emu:zones=20,zone_size=1M,conv=2",
                  "emu:zones=17,zone_size=1M,conv=1,max_open=4",
                  "emu:zones=24,zone_size=1M,zone_cap=768k,conv=2,max_open=6,max_active=8"],
    "xfs": ["emu:zoned=0,size=32M", "emu:zoned=0,size=16M,lba=512"],
}
MOUNTS = {
    "zonefs": ["", "explicit-open", "errors=zone-ro", "errors=zone-offline", "errors=repair",
               "explicit-open,errors=remount-ro"],
    "xfs-zoned": ["", "kernel=6.17", "max_open_zones=3", "nolifetime", "zonegc_low_space=50",
                  "prior_data=deleted", "max_open_zones=2,kernel=6.17"],
    "xfs": [""],
}
HINTS = ("notset", "none", "short", "medium", "long", "extreme")


def _size(rnd, top, block):
    """A length: often whole blocks, sometimes odd, sometimes 0 or large."""
    k = rnd.random()
    if k < 0.55:
        return block * rnd.randint(1, max(1, top // block))
    if k < 0.8:
        return rnd.randint(1, top)
    return block * rnd.choice((1, 2, 3, 31, 32, 33, 255, 256, 257))


def _offset(rnd, top, block):
    k = rnd.random()
    if k < 0.3:
        return 0
    if k < 0.7:
        return block * rnd.randint(0, max(1, top // block))
    return rnd.randint(0, top)


def _fault(rnd, zones, zone_bytes, nconv=0, sector_bytes=512, zone_faults=True, faulted=None):
    """A fault for 'inject'.  For file systems (zone_faults False): no zone
    taken offline (its data is lost in a way the --verify oracle cannot
    know), and a zone made read-only once at most (null_blk's toggle: a
    second ro= of the same zone makes it empty again under the file
    system's data)."""
    k = rnd.random()
    z = rnd.randrange(nconv, zones) if nconv < zones else 0
    if k < 0.35 and (nconv >= zones or (faulted is not None and z in faulted)):
        k = 0.5
    if not zone_faults and 0.2 <= k < 0.35:
        k = 0.5
    if faulted is not None and k < 0.2:
        faulted.add(z)
    if k < 0.2:
        return "ro=%d" % z
    if k < 0.35:
        return "offline=%d" % z
    if k < 0.85:
        sec = z * zone_bytes // sector_bytes + rnd.randrange(zone_bytes // sector_bytes)
        # writes only: data behind a lasting read error cannot be read back by --verify
        return "err=%d:%d%s:write" % (sec, rnd.choice((1, 8, 64, 256)), rnd.choice(("", ":once")))
    return "fail_write=%d" % rnd.randint(1, 20)


def _dev_geometry(spec):
    kv = dict(p.split("=", 1) for p in spec.split(":", 1)[1].split(","))

    def sz(s):
        mult = {"k": KiB, "M": MiB, "G": 1 << 30}
        return int(s[:-1]) * mult[s[-1]] if s[-1] in mult else int(s)
    zone = sz(kv.get("zone_size", "256M"))
    if "size" in kv:
        zones = sz(kv["size"]) // zone
    else:
        zones = int(kv.get("zones", "16"))
    return zones, zone, int(kv.get("lba", "4096"))


def _conv(spec, zones):
    if "zoned=0" in spec:
        return zones
    for p in spec.split(":", 1)[1].split(","):
        if p.startswith("conv="):
            return int(p[5:])
    return 0


def fs_case(seed, fsname, nops=40):
    """(device spec, options, script text) for seed."""
    rnd = random.Random("fs:%s:%d" % (fsname, seed))
    dev = rnd.choice(FS_DEVICES[fsname])
    zones, zone_bytes, lba = _dev_geometry(dev)
    if fsname == "xfs":
        zones, zone_bytes = 1, 4 * MiB	# a regular device: offsets within a few MiB
    block = 4096 if fsname != "zonefs" else lba
    opts = ["--verify", "--order", rnd.choice(("fifo", "latency", "shuffle")), "--seed", str(rnd.randrange(1 << 16))]
    mount = rnd.choice(MOUNTS[fsname])
    if mount:
        opts += ["--mount", mount]
    if rnd.random() < 0.4:
        opts += ["--memory", rnd.choice(("1M", "4M", "16M", "64M", "6G"))]
    if rnd.random() < 0.2:
        opts += ["--dirty-background-ratio", str(rnd.randint(0, 100)), "--dirty-ratio", str(rnd.randint(0, 100))]
    if rnd.random() < 0.2:
        opts += ["--writeback-interval", str(rnd.choice((0, 1, 10, 5000))), "--dirty-expire", str(rnd.choice((0, 1, 30000)))]
    if fsname == "zonefs":
        nconv = 2 if "conv=2" in dev else 0
        names = ["cnv/0"] + ["seq/%d" % i for i in range(zones - nconv)] + ["seq/99"]
    else:
        names = ["a", "b", "c", "d", "big"]
    span = 3 * zone_bytes
    lines = []
    faulted = set()
    kinds = ["write"] * 8 + ["dwrite"] * 3 + ["append"] * 3 + ["read"] * 3 + ["truncate"] * 2 + \
        ["open", "close", "fsync", "fsync", "sync", "unlink", "hint", "inject"] + \
        (["reflink", "reflink", "fallocate", "fallocate"] if fsname == "xfs" else [])
    for _ in range(nops):
        op = rnd.choice(kinds)
        f = rnd.choice(names)
        if op in ("write", "dwrite"):
            ln = _size(rnd, span, block)
            call = " %d" % rnd.choice((block, 64 * KiB, 1 * MiB, rnd.randint(1, 2 * MiB))) if rnd.random() < 0.3 else ""
            lines.append("%s %s %d %d%s" % (op, f, _offset(rnd, span, block), ln, call))
        elif op == "append":
            lines.append("append %s %d" % (f, _size(rnd, zone_bytes, block)))
        elif op == "read":
            lines.append("read %s %d %d" % (f, _offset(rnd, span, block), _size(rnd, span, block)))
        elif op == "truncate":
            lines.append("truncate %s %d" % (f, _offset(rnd, span, block)))
        elif op == "hint":
            lines.append("hint %s %s" % (f, rnd.choice(HINTS)))
        elif op == "inject":
            lines.append("inject %s" % _fault(rnd, zones, zone_bytes, _conv(dev, zones), zone_faults=False,
                                              faulted=faulted))
        elif op == "reflink":
            lines.append("reflink %s %s" % (f, rnd.choice(names)))
        elif op == "fallocate":
            lines.append("fallocate %s %d %d" % (f, _offset(rnd, span, block), _size(rnd, span, block)))
        elif op == "sync":
            lines.append("sync")
        else:
            lines.append("%s %s" % (op, f))
    return dev, opts, "\n".join(lines) + "\n"


ZONE_DEVICES = [
    "emu:zones=8,zone_size=1M,conv=1,max_open=2,max_active=3",
    "emu:model=zns,zones=8,zone_size=1M,zone_cap=768k,max_open=3,max_active=4,max_append=64k",
    "emu:model=zbc,zones=6,zone_size=1M,conv=2,max_open=2,lba=512",
    "emu:zones=6,zone_size=512k,max_sectors=64,seq=pref",
    "emu:model=nullblk,zones=10,zone_size=256k,zone_cap=192k,conv=2,max_sectors=16",
]


def zone_case(seed, nops=80):
    """(device spec, options, script text) for seed: zone blocks near zone ends and capacities."""
    rnd = random.Random("zone:%d" % seed)
    dev = rnd.choice(ZONE_DEVICES)
    zones, zone_bytes, lba = _dev_geometry(dev)
    zb = zone_bytes // lba
    opts = ["--verify", "--order", rnd.choice(("fifo", "latency", "shuffle")), "--seed", str(rnd.randrange(1 << 16))]
    if rnd.random() < 0.3:
        opts.append("--explain")
    lines = []
    for _ in range(nops):
        k = rnd.random()
        z = rnd.randrange(zones)
        near = rnd.choice((0, 1, zb - 1, zb, zb + 1, zb * 3 // 4, zb * 3 // 4 - 1, rnd.randrange(zb + 1)))
        n = rnd.choice((1, 2, 8, 16, 17, 64, 255, 256, zb, zb + 1, rnd.randint(1, 2 * zb)))
        if k < 0.3:
            lines.append("write %d %d %d" % (z, max(0, near), n))
        elif k < 0.45:
            lines.append("append %d %d" % (z, n))
        elif k < 0.6:
            lines.append("read %d %d %d" % (z, max(0, near), n))
        elif k < 0.8:
            lines.append("%s %d" % (rnd.choice(("open", "close", "finish", "reset")), z))
        elif k < 0.84:
            lines.append("reset all")
        elif k < 0.9:
            lines.append("report" + (" %d" % z if rnd.random() < 0.5 else ""))
        elif k < 0.93:
            lines.append("flush")
        else:
            lines.append("inject %s" % _fault(rnd, zones, zone_bytes, _conv(dev, zones)))
    return dev, opts, "\n".join(lines) + "\n"
