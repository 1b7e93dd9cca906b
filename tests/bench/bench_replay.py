#!/usr/bin/python3
"""make bench: zwsim replay end to end, one 'bench: NAME VALUE UNIT' line per
figure (docs/performance.md).

  replay_fio_iolog_records_per_s   4 KiB sequential writes from a fio iolog v2
  replay_text_records_per_s        the same from blkparse text
  replay_blktrace_records_per_s    the same from a blktrace binary capture
                                   (when zwsim has the reader; else said so on stderr)
  replay_pipe_10m_peak_rss_mib     10 million records streamed from a pipe
  replay_pipe_rss_growth_mib       peak RSS at 10 million minus at 2 million

Each through xfs-zoned on the emulated device in tags mode, timed by the
CPU time of the whole process (user + system, from its start to its end:
reading, replaying, the final sync, the report; CPU time, not wall-clock
time, since the machine is shared), best of three; the traces are written
first, outside the timing.
"""
import os
import struct
import subprocess
import sys
import tempfile

ZWSIM = os.environ.get("ZWSIM", os.path.join(os.path.dirname(__file__), "..", "..", "zwsim"))
DEV = "emu:zones=512,zone_size=64M,data=tags"
N = int(os.environ.get("BENCH_REPLAY_RECORDS", "2000000"))
BLOCK = 4096


def write_iolog(path, n):
    with open(path, "w") as f:
        f.write("fio version 2 iolog\nv add\nv open\n")
        for chunk in range(0, n, 65536):
            f.write("".join("v write %d 4096\n" % (i * BLOCK) for i in range(chunk, min(n, chunk + 65536))))


def write_blkparse(path, n):
    with open(path, "w") as f:
        for chunk in range(0, n, 65536):
            f.write("".join("  8,0    1 %8d %5d.%09d  4242  Q   W %d + 8 [fio]\n"
                            % (i + 1, i // 1000000, i % 1000000 * 1000, i * 8)
                            for i in range(chunk, min(n, chunk + 65536))))


def write_blktrace(path, n):
    """One CPU's file of a blktrace capture: a Q (queue) event for each 4 KiB write (v1 records)."""
    action = 1 | ((0x10 | 0x2) << 16)       # __BLK_TA_QUEUE, categories QUEUE | WRITE
    with open(path, "wb") as f:
        for chunk in range(0, n, 65536):
            f.write(b"".join(struct.pack("<IIQQIIIIIHH", 0x65617407, i + 1, i * 1000, i * 8, BLOCK, action, 4242,
                                         8 << 20, 0, 0, 0)
                             for i in range(chunk, min(n, chunk + 65536))))


def run(args, stdin=None):
    """(CPU seconds, peak RSS in KiB) of one zwsim run, which must succeed."""
    p = subprocess.Popen([ZWSIM] + args, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin is not None:
        stdin.close()
    _, status, ru = os.wait4(p.pid, 0)
    secs = ru.ru_utime + ru.ru_stime
    err = p.stderr.read().decode()
    if os.waitstatus_to_exitcode(status):
        sys.exit("bench_replay: zwsim %s failed: %s" % (" ".join(args), err))
    return secs, ru.ru_maxrss


def best(args, runs=3):
    return min(run(args)[0] for _ in range(runs))


def has_format(name):
    out = subprocess.run([ZWSIM, "replay", "--help"], capture_output=True, text=True).stdout
    return any(line.startswith("  %s " % name) for line in out.splitlines())


def pipe_rss(n):
    """Peak RSS of a replay of @n records streamed from a pipe: 64 MiB written over and over."""
    chunk = "".join("v write %d 4096\n" % (i * BLOCK) for i in range(16384)).encode()
    gen = subprocess.Popen([sys.executable, "-c",
                            "import sys\n"
                            "o = sys.stdout.buffer\n"
                            "o.write(b'fio version 2 iolog\\nv add\\nv open\\n')\n"
                            "c = sys.stdin.buffer.read()\n"
                            "for _ in range(%d): o.write(c)\n" % (n // 16384)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    gen.stdin.write(chunk)
    gen.stdin.close()
    _, rss = run(["replay", "--dev", DEV, "--fs", "xfs-zoned", "-"], stdin=gen.stdout)
    gen.wait()
    return rss / 1024.0


def main():
    with tempfile.TemporaryDirectory(prefix="bench_replay.") as d:
        iolog = os.path.join(d, "w.iolog")
        write_iolog(iolog, N)
        secs = best(["replay", "--dev", DEV, "--fs", "xfs-zoned", iolog])
        print("bench: replay_fio_iolog_records_per_s %.0f records/s" % (N / secs))
        os.unlink(iolog)
        text = os.path.join(d, "w.blkparse")
        write_blkparse(text, N)
        secs = best(["replay", "--dev", DEV, "--fs", "xfs-zoned", "--format", "blkparse", text])
        print("bench: replay_text_records_per_s %.0f records/s" % (N / secs))
        if has_format("blktrace"):
            bin_ = os.path.join(d, "w.blktrace.0")
            write_blktrace(bin_, N)
            secs = best(["replay", "--dev", DEV, "--fs", "xfs-zoned", bin_])
            print("bench: replay_blktrace_records_per_s %.0f records/s" % (N / secs))
        else:
            print("bench_replay: replay_blktrace_records_per_s not measured: zwsim has no blktrace reader yet",
                  file=sys.stderr)
    small, big = pipe_rss(2000000), pipe_rss(10000000)
    print("bench: replay_pipe_10m_peak_rss_mib %.1f MiB" % big)
    print("bench: replay_pipe_rss_growth_mib %.1f MiB" % (big - small))


if __name__ == "__main__":
    main()
