"""Helpers of the zwsim sweep tests: traces, matrices, reading a sweep's output."""
import csv
import json
import os
import random


def write_iolog(path, n, seed=1, span_blocks=2048):
    """A fio iolog v2 of N writes of 4-16 KiB at random 4 KiB blocks of one volume."""
    r = random.Random(seed)
    lines = ["fio version 2 iolog", "v add", "v open"]
    for _ in range(n):
        lines.append("v write %d %d" % (r.randrange(0, span_blocks) * 4096, 4096 * r.choice((1, 2, 4))))
    lines.append("v close")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_matrix(path, matrix):
    with open(path, "w") as f:
        json.dump(matrix, f, indent=2)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def results(out):
    """{name: report} of every finished run of the sweep in OUT."""
    d = os.path.join(out, "runs")
    res = {}
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".json"):
            with open(os.path.join(d, fn)) as f:
                res[fn[:-5]] = f.read()
    return res
