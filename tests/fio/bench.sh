#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench: fio through zwsim-fio.so next to fio's own null engine, in one
# fio run (two jobs, one after the other): 4 KiB random writes at queue
# depth 32 to an emulated device in tags mode, for FIO_BENCH_SECONDS each.
# The figures are I/Os per second of the job's own CPU time (fio's usr_cpu +
# sys_cpu over its runtime): IOPS on one core, whatever else the machine
# runs; the wall-clock IOPS follow as *_wall.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FIO_BENCH_SECONDS:-3}
out=$(fio --output-format=json \
	--name=null --ioengine=null --size=4g --rw=randwrite --bs=4k --iodepth=32 \
	  --norandommap --randrepeat=0 --time_based --runtime="$secs" \
	--name=zwsim --stonewall --ioengine="external:$top/zwsim-fio.so" \
	  --zwdev=emu:zoned=0,size=4G,data=tags --filename=zwsim --direct=1 \
	  --size=4g --rw=randwrite --bs=4k --iodepth=32 \
	  --norandommap --randrepeat=0 --time_based --runtime="$secs" 2>/dev/null)
/usr/bin/python3 - "$out" <<'PY'
import json, sys
jobs = {j["jobname"]: j for j in json.loads(sys.argv[1])["jobs"]}
for name in ("null", "zwsim"):
    if jobs[name]["error"]:
        sys.exit(f"bench: fio job {name} failed: error {jobs[name]['error']}")
def per_core(j):
    cpu = (j["usr_cpu"] + j["sys_cpu"]) / 100.0
    return j["write"]["iops"] / cpu if cpu > 0 else float("nan")
z, n = per_core(jobs["zwsim"]), per_core(jobs["null"])
print(f"bench: fio_engine_iops {z:.0f} IOPS")
print(f"bench: fio_null_iops {n:.0f} IOPS")
print(f"bench: fio_engine_vs_null {z / n:.3f} ratio")
print(f"bench: fio_engine_iops_wall {jobs['zwsim']['write']['iops']:.0f} IOPS")
print(f"bench: fio_null_iops_wall {jobs['null']['write']['iops']:.0f} IOPS")
PY
