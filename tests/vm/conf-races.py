#!/usr/bin/python3
"""Is a real device's output one the kernel can produce?  The twin's side of a
conformance script on a device whose completions race the submitter (QEMU's
NVMe ZNS, tcmu-runner's ZBC: docs/fidelity.md, "Zone scripts").

  conf-races.py ZWSIM REAL_OUT OUT SCRIPT -- ZONE_RUN_OPTION...

runs `ZWSIM zone run ZONE_RUN_OPTION... --race CHOICES SCRIPT` under the
completion orders the block layer allows at each race point (a failed write
through a zone write plug: `zwsim zone --help`, --race) and searches them, in
order, for one whose output is REAL_OUT line for line: depth first, the
inline order first at each point; a point is only worth choosing for when
its operation's line comes no later than the first line that differs (it
cannot change an earlier one), and an order that prints the same lines and
meets the same points as the one before it is not searched again.  OUT gets
the output of the order found, or of the one that matched REAL_OUT longest
(so `diff REAL_OUT OUT` shows the first line no admissible order prints).
A line on stdout says what was found: the choices (one digit a point met:
0 inline, 1 the request finished after the next submission, 2 completed
after the submitter's next bios, 3 the request finished after the next write
whole), the points met, the runs.

Exit 0 when an order gives REAL_OUT, 1 when none does (or more than
--max-runs runs would be needed: said so), 2 on bad usage or a failed run.
"""
import subprocess
import sys

MAX_RUNS = 4000


class Search:
    def __init__(self, zwsim, real, script, opts):
        self.zwsim, self.real, self.script, self.opts = zwsim, real, script, opts
        self.runs = 0
        self.cache = {}
        self.best = None  # (lines matched, choices, lines)

    def run(self, choices):
        choices = choices.rstrip("0")  # past the string's end: inline
        if choices in self.cache:
            return self.cache[choices]
        self.runs += 1
        if self.runs > MAX_RUNS:
            raise OverflowError
        p = subprocess.run([self.zwsim, "zone", "run"] + self.opts + ["--race", choices, self.script],
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.stderr.write(p.stderr)
            raise RuntimeError("zwsim zone run --race %s: exit %d" % (choices, p.returncode))
        lines = p.stdout.splitlines()
        races = []  # per race point: the output line (1-based) of its operation
        for ln in p.stderr.splitlines():
            w = ln.split()
            if len(w) >= 5 and w[:2] == ["zwsim:", "race"] and w[3] == "line":
                races.append(int(w[4]))
        out = (lines, races, self.first_diff(lines))
        self.cache[choices] = out
        return out

    def first_diff(self, lines):
        """The first (0-based) line that differs from the real output, None if none."""
        for i, (a, b) in enumerate(zip(self.real, lines)):
            if a != b:
                return i
        return None if len(lines) == len(self.real) else min(len(lines), len(self.real))

    def dfs(self, choices):
        lines, races, d = self.run(choices)
        matched = len(self.real) if d is None else d
        if self.best is None or matched > self.best[0]:
            self.best = (matched, choices, lines)
        if d is None:
            return choices
        k = len(choices)
        # the next point can change its own operation's line and later ones only
        if k >= len(races) or races[k] - 1 > d:
            return None
        found = self.dfs(choices + "0")  # the same run: the next point
        if found is not None:
            return found
        for c in "123":
            alt = self.run(choices + c)
            if alt[0] == lines and alt[1] == races:
                continue  # the same lines and points: nothing new down there
            found = self.dfs(choices + c)
            if found is not None:
                return found
        return None


def main(argv):
    if len(argv) < 6 or argv[5] != "--":
        sys.stderr.write(__doc__)
        return 2
    zwsim, real_out, out, script = argv[1:5]
    with open(real_out) as f:
        real = f.read().splitlines()
    s = Search(zwsim, real, script, argv[6:])
    sys.setrecursionlimit(100000)
    try:
        found = s.dfs("")
        limit = False
    except OverflowError:
        found, limit = None, True
    except RuntimeError as e:
        print("conf-races: %s" % e)
        return 2
    choices = found if found is not None else s.best[1]
    lines, races, _ = s.run(choices)
    with open(out, "w") as f:
        f.write("".join(ln + "\n" for ln in lines))
    late = sum(1 for c in choices if c != "0")
    if found is not None:
        print("races: an admissible order gives the real output: %d race points, %d taken late (choices %s), "
              "%d runs" % (len(races), late, choices.rstrip("0") or "all inline", s.runs))
        return 0
    print("races: no admissible order gives the real output%s: the closest matches %d of %d lines "
          "(choices %s, %d race points), %d runs" %
          (" within %d runs" % MAX_RUNS if limit else "", s.best[0], len(real), choices.rstrip("0") or "all inline",
           len(races), s.runs))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
