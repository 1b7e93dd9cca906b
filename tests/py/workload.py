"""What the seeded random `zwsim fs` workloads of the stress tests share
(test_fs_stress.py, test_xfs_zoned_stress.py): the script being built, each
line's expected result, the files' sizes, and the operations on names."""

HINTS = ["notset", "none", "short", "medium", "long", "extreme"]


class Workload:
    def __init__(self, rnd):
        self.rnd = rnd
        self.lines, self.expect = [], []
        self.sizes, self.opened = {}, set()

    def call(self, line, result):
        """A script line and the result zwsim must print for it."""
        self.lines.append(line)
        self.expect.append(str(result))

    def name_op(self, op, f):
        """unlink, fsync, sync, open, close, hint of file f, where they make sense."""
        if op == "unlink" and f in self.sizes and f not in self.opened:
            self.call("unlink " + f, 0)
            del self.sizes[f]
        elif op == "fsync" and f in self.sizes:
            self.call("fsync " + f, 0)
        elif op == "sync":
            self.call("sync", 0)
        elif op == "open" and f not in self.opened:
            self.call("open " + f, 0)
            self.opened.add(f)
            self.sizes.setdefault(f, 0)
        elif op == "close" and f in self.opened:
            self.call("close " + f, 0)
            self.opened.discard(f)
        elif op == "hint" and f in self.sizes:
            self.call("hint %s %s" % (f, self.rnd.choice(HINTS)), 0)

    def script(self):
        """Every file closed, then the script."""
        for f in sorted(self.opened):
            self.call("close " + f, 0)
        return "\n".join(self.lines) + "\n"
