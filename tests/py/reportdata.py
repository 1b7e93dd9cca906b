"""Inputs for the zwsim report tests: a real run of zoned XFS through GC
(`zwsim fs --json --log`), a synthetic large event log, and the numbers a
report must show, computed here from those inputs (never written down)."""
import json
import math
import os

# 16 sequential 1 MiB zones: overwrites past the device's size make GC move data
DEV = "emu:zones=17,zone_size=1M,conv=1"
GC_SCRIPT = """\
open a
open b
write a 0 3M
write b 0 2M
sync
close a
close b
write c 0 256k
sync
write a 0 3M
sync
write a 0 3M
sync
unlink b
write d 0 4M
sync
write a 1M 1M
fsync a
"""


def make_run(zwsim, d, order="latency"):
    """Run the GC workload in d; return (result path, log path, result, events)."""
    script = os.path.join(d, "gc.fs")
    with open(script, "w") as f:
        f.write(GC_SCRIPT)
    res, log = os.path.join(d, "run.json"), os.path.join(d, "ev.jsonl")
    r = zwsim("fs", "--fs", "xfs-zoned", "--dev", DEV, "--order", order, "--json", "--log", log, script)
    assert r.rc == 0, r
    with open(res, "w") as f:
        f.write(r.out)
    with open(log) as f:
        events = [json.loads(line) for line in f if line.strip()]
    return res, log, json.loads(r.out), events


REPLAY_DEV = "emu:zones=24,zone_size=1M,max_open=4,model=zns"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def make_replay(zwsim, d, records=1500):
    """Replay the demo's fio iolog through zoned XFS in d; return (result path, log path, result, events)."""
    import subprocess
    trace = os.path.join(d, "demo.iolog")
    with open(trace, "w") as f:
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "samples", "make-demo.py"), str(records)],
                       stdout=f, check=True)
    res, log = os.path.join(d, "replay.json"), os.path.join(d, "replay.jsonl")
    r = zwsim("replay", "--dev", REPLAY_DEV, "--fs", "xfs-zoned", "--json", "--log", log, trace)
    assert r.rc == 0, r
    with open(res, "w") as f:
        f.write(r.out)
    with open(log) as f:
        events = [json.loads(line) for line in f if line.strip()]
    return res, log, json.loads(r.out), events


def valid_by_zone(result):
    """Bytes of file data each zone holds, from the files' extents."""
    v = [0] * len(result["zones"])
    for f in result["files"].values():
        for e in f["extents"]:
            v[e["zone"]] += e["len"]
    return v


def bio_latencies(events):
    """op -> sorted latencies (bio_submit or bio_split to bio_end)."""
    start, lat = {}, {}
    for e in events:
        if e["ev"] in ("bio_submit", "bio_split"):
            start[e["id"]] = e["t"]
        elif e["ev"] == "bio_end" and e["id"] in start:
            lat.setdefault(e["op"], []).append(e["t"] - start[e["id"]])
    return {op: sorted(v) for op, v in lat.items()}


def percentile(sorted_v, p):
    """Nearest rank."""
    rank = max(1, min(len(sorted_v), math.ceil(p / 100 * len(sorted_v) - 1e-9)))
    return sorted_v[rank - 1]


def write_big_log(path, nr_zones, n_events, zone_bytes=1 << 20):
    """A synthetic event log of about n_events: 4 KiB zone appends filling the
    zones in turn, with the zone_cond changes they make and resets; returns
    the number of lines written."""
    lines, t, bio, z, wp = 0, 0, 0, 1, 0
    sector = lambda zone, off: (zone * zone_bytes + off) // 512
    with open(path, "w") as f:
        while lines < n_events:
            bio += 1
            if wp == 0:
                f.write('{"t":%d,"ev":"zone_cond","zone":%d,"from":"em","to":"oi"}\n' % (t, z))
                lines += 1
            f.write('{"t":%d,"ev":"bio_submit","id":%d,"op":"zone_append","sector":%d,"bytes":4096}\n'
                    % (t, bio, sector(z, 0)))
            t += 7 + bio % 13
            f.write('{"t":%d,"ev":"bio_end","id":%d,"op":"zone_append","sector":%d,"bytes":4096,"status":"OK"}\n'
                    % (t, bio, sector(z, wp)))
            lines += 2
            wp += 4096
            if wp == zone_bytes:
                f.write('{"t":%d,"ev":"zone_cond","zone":%d,"from":"oi","to":"fu"}\n' % (t, z))
                lines += 1
                wp, z = 0, z + 1
                if z == nr_zones:
                    for r in range(1, nr_zones):
                        bio += 1
                        f.write('{"t":%d,"ev":"bio_submit","id":%d,"op":"zone_reset","sector":%d,"bytes":0}\n'
                                % (t, bio, sector(r, 0)))
                        f.write('{"t":%d,"ev":"zone_cond","zone":%d,"from":"fu","to":"em"}\n' % (t + 1, r))
                        f.write('{"t":%d,"ev":"bio_end","id":%d,"op":"zone_reset","sector":%d,"bytes":0,'
                                '"status":"OK"}\n' % (t + 2, bio, sector(r, 0)))
                        lines += 3
                        t += 3
                    z = 1
    return lines
