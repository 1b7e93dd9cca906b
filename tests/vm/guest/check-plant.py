#!/usr/bin/python3
"""Plant one fault in a tracefs capture of a zoned device (block_rq_issue /
block_rq_complete lines), for zwsim check to find (tests/vm/check.sh, and
tests/py/test_check_captures.py on the kept captures).

    check-plant.py FAULT CAPTURE OUT ZONE_SECTORS ZONE_CAP_SECTORS [MAX_ACTIVE]

FAULT is one of
  swap-writes      two writes of one zone, one after the other, swapped
                   (each takes the other's sector)   -> write-not-at-wp
  move-append      the last completed zone append of a zone lands 8 sectors
                   further                            -> append-not-at-wp
  overlap-append   a completed zone append lands where the one before it
                   did                                -> append-overlap
  past-capacity    the last write to a zone grows by a zone's worth of
                   sectors                             -> capacity
  open-past-limit  a write to a zone nothing wrote is inserted at the first
                   moment MAX_ACTIVE zones are active   -> active-limit
Prints the rule zwsim check must report; exits 1 if the capture has no
place for the fault.
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


def main():
    fault, src, dst, zone, cap = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    lines = open(src).read().splitlines(keepends=True)
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
