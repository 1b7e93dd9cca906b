#!/usr/bin/python3
"""Plant one fault in a tracefs capture of a zoned device (block_rq_issue /
block_rq_complete lines), for zwsim check to find (tests/vm/check.sh, and
tests/py/test_check_captures.py on the kept captures).

    check-plant.py FAULT CAPTURE OUT ZONE_SECTORS ZONE_CAP_SECTORS [MAX_ACTIVE [LBA_BYTES]]

FAULT is one of
  swap-writes      two writes of one zone, one after the other, swapped
                   (each takes the other's sector)   -> write-not-at-wp
  move-append      the last completed zone append of a zone lands 8 sectors
                   further                            -> append-not-at-wp
  overlap-append   a completed zone append lands where the one before it
                   did                                -> append-overlap
  past-capacity    the last write to a zone grows by a zone's worth of
                   sectors                             -> capacity
  open-past-limit  a write to a zone nothing wrote, and its completion
                   without error, are inserted at the first moment
                   MAX_ACTIVE zones are active          -> active-limit
                   (a device refuses such a write: only one that took it
                   has opened a zone past the limit)
Prints the rule zwsim check must report; exits 1 if the capture has no
place for the fault.

A capture of the NVMe driver's tracepoints (nvme_setup_cmd /
nvme_complete_rq, zone appends through io_uring passthrough) takes LBA_BYTES
after MAX_ACTIVE (default 4096), and its faults are in the completions'
results (the LBA each Zone Append was given):
  move-append      the append placed last in a zone lands one block
                   further                            -> append-not-at-wp
  overlap-append   a completed append lands where the one completed before
                   it in its zone did                 -> append-overlap
  past-capacity    the append placed last in a zone lands one block
                   before the zone's capacity ends    -> capacity
  open-past-limit  appends to fresh zones at the end, one more zone than
                   MAX_ACTIVE allows                  -> active-limit
"""
import re
import sys

EV = re.compile(r"block_rq_(issue|complete): (\d+,\d+) (\S+) (?:(\d+) )?\(\) (\d+) \+ (\d+)")
RULE = {
    "swap-writes": "write-not-at-wp",
    "move-append": "append-not-at-wp",
    "overlap-append": "append-overlap",
    "past-capacity": "capacity",
    "open-past-limit": "active-limit",
}


def parse(lines):
    evs = []
    for i, line in enumerate(lines):
        m = EV.search(line)
        if m:
            evs.append(dict(i=i, kind=m.group(1), rwbs=m.group(3), sector=int(m.group(5)),
                            n=int(m.group(6)), span=m.span(5)))
    return evs


def set_range(lines, ev, sector=None, n=None):
    line = lines[ev["i"]]
    m = EV.search(line)
    sector = m.group(5) if sector is None else str(sector)
    n = m.group(6) if n is None else str(n)
    lines[ev["i"]] = line[:m.start(5)] + sector + " + " + n + line[m.end(6):]


def is_write(ev):
    return ev["rwbs"].lstrip("F").startswith("W")


def is_append(ev):
    return ev["rwbs"].lstrip("F").startswith("ZA")


def completion_of(evs, issue):
    for e in evs:
        if e["i"] > issue["i"] and e["kind"] == "complete" and e["sector"] == issue["sector"] \
                and e["n"] == issue["n"]:
            return e
    return None


NVME_SETUP = re.compile(r"nvme_setup_cmd: nvme\d+: disk=[^,]+, qid=(\d+), cmdid=(\d+),.*cmd=\((\w+) slba=(\d+), len=(\d+)")
NVME_DONE = re.compile(r"nvme_complete_rq: nvme\d+: disk=[^,]+, qid=(\d+), cmdid=(\d+), res=(0x[0-9a-f]+|0)")


def nvme_appends(lines):
    """The completed zone appends, in completion order: (line, zslba, nlb, lba)."""
    inflight, done = {}, []
    for i, line in enumerate(lines):
        m = NVME_SETUP.search(line)
        if m:
            key = (int(m.group(1)), int(m.group(2)) & 0xfff)
            inflight[key] = (m.group(3), int(m.group(4)), int(m.group(5)) + 1)
            continue
        m = NVME_DONE.search(line)
        if m:
            cmd = inflight.pop((int(m.group(1)), int(m.group(2)) & 0xfff), None)
            if cmd and cmd[0] == "nvme_cmd_zone_append":
                done.append((i, cmd[1], cmd[2], int(m.group(3), 16)))
    return done


def set_res(lines, i, lba):
    m = NVME_DONE.search(lines[i])
    lines[i] = lines[i][:m.start(3)] + hex(lba) + lines[i][m.end(3):]


def plant_nvme(fault, lines, zone, cap, max_active):
    """zone, cap in LBAs; True when planted."""
    done = nvme_appends(lines)
    if not done:
        return False
    last = {}  # the append placed highest in each zone
    for d in done:
        if d[1] not in last or d[3] > last[d[1]][3]:
            last[d[1]] = d
    if fault == "move-append":
        i, _, _, lba = next(iter(last.values()))
        set_res(lines, i, lba + 1)
    elif fault == "overlap-append":
        prev = {}  # the append completed before, in the same zone
        for d in done:
            if d[1] in prev:
                set_res(lines, d[0], prev[d[1]][3])
                break
            prev[d[1]] = d
        else:
            return False
    elif fault == "past-capacity":
        i, zslba, nlb, _ = next(iter(last.values()))
        if nlb < 2:
            return False
        set_res(lines, i, zslba + cap - 1)
    elif fault == "open-past-limit":
        written = {}
        for _, zslba, nlb, _ in done:
            written[zslba] = written.get(zslba, 0) + nlb
        active = sum(1 for w in written.values() if w < cap)
        setup = next(l for l in lines if NVME_SETUP.search(l) and "nvme_cmd_zone_append" in l)
        complete = lines[done[-1][0]]
        fresh = [z * zone for z in range(1, 10 ** 6) if z * zone not in written][:max_active - active + 1]
        add = []
        for k, zslba in enumerate(fresh):
            cid = 4000 + k
            m = NVME_SETUP.search(setup)
            s = setup[:m.start(2)] + str(cid) + setup[m.end(2):m.start(4)] + str(zslba) + setup[m.end(4):]
            m = NVME_DONE.search(complete)
            c = complete[:m.start(2)] + str(cid) + complete[m.end(2):m.start(3)] + hex(zslba) + complete[m.end(3):]
            add += [s, c]
        at = done[-1][0] + 1
        lines[at:at] = add
    else:
        return False
    return True


def main():
    fault, src, dst, zone, cap = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    lines = open(src).read().splitlines(keepends=True)
    if fault not in RULE:
        sys.exit("check-plant.py: unknown fault %s" % fault)
    if any(NVME_SETUP.search(l) for l in lines):
        max_active = int(sys.argv[6]) if len(sys.argv) > 6 else 0
        spb = (int(sys.argv[7]) if len(sys.argv) > 7 else 4096) // 512
        if not plant_nvme(fault, lines, zone // spb, cap // spb, max_active):
            print("check-plant.py: no place for %s in %s" % (fault, src), file=sys.stderr)
            sys.exit(1)
        open(dst, "w").writelines(lines)
        print(RULE[fault])
        return
    evs = parse(lines)
    ok = False
    if fault == "swap-writes":
        issues = [e for e in evs if e["kind"] == "issue" and is_write(e) and e["n"]]
        for a, b in zip(issues, issues[1:]):
            if a["sector"] // zone == b["sector"] // zone and a["sector"] + a["n"] == b["sector"] \
                    and a["n"] == b["n"]:
                ca, cb = completion_of(evs, a), completion_of(evs, b)
                if not ca or not cb:
                    continue
                for e, s in ((a, b["sector"]), (ca, b["sector"]), (b, a["sector"]), (cb, a["sector"])):
                    set_range(lines, e, sector=s)
                ok = True
                break
    elif fault in ("move-append", "overlap-append"):
        done = [e for e in evs if e["kind"] == "complete" and is_append(e) and e["n"]]
        if fault == "move-append":
            last = {}
            for e in done:
                last[e["sector"] // zone] = e
            for e in last.values():
                set_range(lines, e, sector=e["sector"] + 8)
                ok = True
                break
        else:
            for a, b in zip(done, done[1:]):
                if a["sector"] // zone == b["sector"] // zone:
                    set_range(lines, b, sector=a["sector"])
                    ok = True
                    break
    elif fault == "past-capacity":
        issues = [e for e in evs if e["kind"] == "issue" and is_write(e) and e["n"]]
        if issues:
            a = issues[-1]
            c = completion_of(evs, a)
            set_range(lines, a, n=a["n"] + zone)
            if c:
                set_range(lines, c, n=a["n"] + zone)
            ok = True
    elif fault == "open-past-limit":
        max_active = int(sys.argv[6])
        used = {e["sector"] // zone for e in evs if (is_write(e) or is_append(e)) and e["n"]}
        fresh = next(z for z in range(1, 10 ** 6) if z not in used)
        written = {}
        for e in evs:
            if e["kind"] != "issue" or not is_write(e) or not e["n"]:
                continue
            z = e["sector"] // zone
            written[z] = max(written.get(z, 0), e["sector"] % zone + e["n"])
            if sum(1 for w in written.values() if 0 < w < cap) >= max_active:
                line = lines[e["i"]]
                m = EV.search(line)
                done = next((d for d in evs if d["i"] > e["i"] and d["kind"] == "complete" and d["rwbs"] == e["rwbs"]
                             and d["sector"] == e["sector"] and d["n"] == e["n"]), None)
                if done is None:
                    continue
                c = lines[done["i"]]
                mc = EV.search(c)
                c = c[:mc.start(5)] + str(fresh * zone) + " + 8" + c[mc.end(6):]
                c = c[:c.rindex("[")] + "[0]" + c[c.rindex("]") + 1:]
                lines.insert(done["i"] + 1, c)
                lines.insert(e["i"] + 1, line[:m.start(5)] + str(fresh * zone) + " + 8" + line[m.end(6):])
                ok = True
                break
    else:
        sys.exit("check-plant.py: unknown fault %s" % fault)
    if not ok:
        print("check-plant.py: no place for %s in %s" % (fault, src), file=sys.stderr)
        sys.exit(1)
    open(dst, "w").writelines(lines)
    print(RULE[fault])


if __name__ == "__main__":
    main()
