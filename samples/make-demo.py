#!/usr/bin/python3
"""samples/demo-server.iolog.gz, the trace `make demo` replays: a fio iolog
v2 of three volumes, as a small server would write them, made from a fixed
seed so every run is the same.

  log  a journal: 4 KiB appends, a flush every 16 of them
  db   a table: 16 KiB overwrites at random places of its first 4 MiB
  tmp  scratch: 256 KiB writes, the same 2 MiB over and over

Usage: samples/make-demo.py [RECORDS] | gzip -n > samples/demo-server.iolog.gz
"""
import random
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rng = random.Random(20261206)
    out = ["fio version 2 iolog"]
    for vol in ("log", "db", "tmp"):
        out += [f"{vol} add", f"{vol} open"]
    log_off = tmp_off = 0
    for i in range(n):
        r = rng.random()
        if r < 0.5:
            out.append(f"log write {log_off} 4096")
            log_off += 4096
            if i % 16 == 15:
                out.append("log sync 0 0")
        elif r < 0.9:
            out.append(f"db write {rng.randrange(256) * 16384} 16384")
        else:
            out.append(f"tmp write {tmp_off} 262144")
            tmp_off = (tmp_off + 262144) % (2 << 20)
    for vol in ("log", "db", "tmp"):
        out.append(f"{vol} close")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
