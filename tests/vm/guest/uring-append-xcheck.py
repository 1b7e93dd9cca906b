#!/usr/bin/python3
"""Cross-check uring-append's own log of the LBAs its zone appends were given
(cqe->big_cqe[0]) against the NVMe driver's tracepoints of the same run
(nvme_complete_rq's res): the same appends, each (zone, blocks, LBA) seen on
both sides, as many times (tests/vm/check.sh, tests/py/test_check_captures.py).

    uring-append-xcheck.py LOG CAPTURE

Prints how many appends matched; exits 1 on any difference (listed).
"""
import collections
import importlib.util
import pathlib
import re
import sys

_spec = importlib.util.spec_from_file_location("check_plant", pathlib.Path(__file__).with_name("check-plant.py"))
check_plant = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_plant)

LOG = re.compile(r"^append zslba=(\d+) nlb=(\d+) lba=(\d+) status=(-?\d+)$")


def main():
    log, capture = sys.argv[1], sys.argv[2]
    mine = collections.Counter()
    for n, line in enumerate(open(log).read().splitlines(), 1):
        m = LOG.match(line)
        if not m:
            sys.exit("%s:%d: not an uring-append line" % (log, n))
        if m.group(4) != "0":
            sys.exit("%s:%d: the append failed (status %s)" % (log, n, m.group(4)))
        mine[(int(m.group(1)), int(m.group(2)), int(m.group(3)))] += 1
    traced = collections.Counter((z, nlb, lba) for _, z, nlb, lba in
                                 check_plant.nvme_appends(open(capture).read().splitlines()))
    if mine != traced:
        for k in sorted(set(mine) | set(traced)):
            if mine[k] != traced[k]:
                print("zslba=%d nlb=%d lba=%d: %d in the log, %d in the capture" % (k + (mine[k], traced[k])))
        sys.exit(1)
    print("%d zone appends: the LBAs in uring-append's log are the capture's" % sum(mine.values()))


if __name__ == "__main__":
    main()
