"""zwsim-fio.so: fio's own job files and zoned test cases through the engine.

fio (Debian's 3.33) runs unmodified options against emulated devices of the
three personalities; the engine must be built (make zwsim-fio.so) and fio
installed, or these tests fail loudly.
"""
import json
import os
import re
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SO = os.path.join(TOP, "zwsim-fio.so")
EXAMPLES = "/usr/share/doc/fio/examples"

PERSONALITIES = {
    # 256 MiB zones as fio's examples expect (zonesize=256M); tags: no bytes kept
    "nullblk": "model=nullblk,conv=4",
    "zns": "model=zns,max_open=32,max_active=32",
    "zbc": "model=zbc,conv=4,lba=512",
}


def fio(*args, timeout=120, check=True):
    p = subprocess.run(["fio"] + [str(a) for a in args], capture_output=True, text=True,
                       timeout=timeout, cwd="/tmp")
    if check and p.returncode != 0:
        raise AssertionError("fio %s failed (%d):\n%s\n%s" % (" ".join(map(str, args)), p.returncode,
                                                           p.stdout[-3000:], p.stderr[-3000:]))
    return p


def engine(spec):
    return ["--ioengine=external:" + SO, "--zwdev=" + spec]


def fio_json(*args, timeout=120):
    p = fio("--output-format=json", *args, timeout=timeout)
    return {j["jobname"]: j for j in json.loads(p.stdout)["jobs"]}, p.stderr


def job_file(example, spec, runtime=None, thread=True, prefill=None):
    """fio's example with only its device swapped: filename= and ioengine= name the engine.

    @runtime cuts a time-based example short; @prefill adds a job writing
    what a read example reads (the emulated device starts empty), which the
    example's jobs wait for."""
    out = []
    for line in open(os.path.join(EXAMPLES, example)):
        key = line.split("=", 1)[0].strip()
        if key == "filename":
            line = "filename=zwsim\n"
        elif key == "ioengine":
            line = "ioengine=external:%s\nzwdev=%s\n" % (SO, spec)
        elif key == "runtime" and runtime is not None:
            line = "runtime=%d\n" % runtime
        if prefill and line.startswith("[") and line.strip() != "[global]":
            out.append("[prefill]\nfilename=zwsim\nioengine=external:%s\nzwdev=%s\n%s\n" % (SO, spec, prefill))
            out.append(line)
            line = "wait_for=prefill\n"
            prefill = None
        out.append(line)
        if line.strip() == "[global]" and thread:
            out.append("thread=1\n")
    return "".join(out)


def test_the_engine_is_built_for_the_installed_fio_and_lists_its_options():
    assert os.path.exists(SO), "zwsim-fio.so is missing: make zwsim-fio.so"
    p = fio("--enghelp=" + SO)
    for opt in ("zwdev", "zone_append", "clock"):
        assert re.search(r"^\s*%s\s*:" % opt, p.stdout, re.M), p.stdout


@pytest.mark.parametrize("model", sorted(PERSONALITIES))
def test_fios_zoned_random_write_example_runs_on_each_personality(model, tmp_path):
    spec = "emu:zones=48,zone_size=256M,data=tags," + PERSONALITIES[model]
    job = tmp_path / "zbd-rand-write.fio"
    job.write_text(job_file("zbd-rand-write.fio", spec, runtime=1))
    jobs, err = fio_json(job)
    j = jobs["dev1"]
    assert j["error"] == 0, err
    assert j["write"]["io_bytes"] > 0
    # 16 jobs (group_reporting) shared one model: the engine saw them all
    assert err.count("zwsim-fio: dev1:") == 16, err


def test_an_example_with_jobs_as_processes_is_refused_with_the_setting_it_needs(tmp_path):
    job = tmp_path / "zbd-rand-write.fio"
    job.write_text(job_file("zbd-rand-write.fio", "emu:zones=48,zone_size=256M,data=tags", runtime=1,
                            thread=False))
    p = fio(job, check=False)
    assert "other job(s) use zwdev=emu:zones=48,zone_size=256M,data=tags: add thread=1" in p.stderr
    assert "err= 0" not in p.stdout


@pytest.mark.parametrize("model", sorted(PERSONALITIES))
def test_fios_zoned_sequential_read_example_reads_what_was_written(model, tmp_path):
    # the example reads from offset 131 GiB: a prefill job writes 1 GiB there first
    spec = "emu:zones=600,zone_size=256M,data=tags," + PERSONALITIES[model]
    job = tmp_path / "zbd-seq-read.fio"
    prefill = "\n".join(["rw=write", "bs=1M", "iodepth=4", "offset=140660178944", "size=1G"])
    job.write_text(job_file("zbd-seq-read.fio", spec, prefill=prefill))
    jobs, err = fio_json(job)
    assert jobs["prefill"]["error"] == 0 and jobs["dev1"]["error"] == 0, err
    assert jobs["prefill"]["write"]["io_bytes"] == 1 << 30
    # read_beyond_wp=0: of its 10G the example reads what lies below the write pointers
    assert jobs["dev1"]["read"]["io_bytes"] == 1 << 30


def test_the_random_write_example_asks_more_open_zones_than_a_zn540_has(tmp_path):
    job = tmp_path / "zbd-rand-write.fio"
    job.write_text(job_file("zbd-rand-write.fio", "emu:zones=48,profile=zn540,zone_size=256M,zone_cap=192M",
                            runtime=1))
    p = fio(job, check=False)
    assert p.returncode != 0
    assert "Specified --max_open_zones (32) is larger than max (14)" in p.stdout + p.stderr


@pytest.mark.parametrize("model", sorted(PERSONALITIES))
def test_a_verify_job_reads_back_every_block_it_wrote(model):
    spec = "emu:zones=24,zone_size=1M,data=bytes," + PERSONALITIES[model].replace(",lba=512", "")
    jobs, err = fio_json("--name=v", "--filename=zwsim", *engine(spec), "--rw=randwrite", "--bs=4k",
                         "--direct=1", "--zonemode=zbd", "--max_open_zones=4", "--iodepth=16",
                         "--size=16M", "--verify=crc32c", "--do_verify=1", "--thread=1")
    v = jobs["v"]
    assert v["error"] == 0, err
    assert v["write"]["io_bytes"] == 16 << 20
    assert v["read"]["io_bytes"] == v["write"]["io_bytes"]


def test_zone_appends_land_where_fio_expects_and_verify():
    spec = "emu:zones=16,zone_size=1M,model=zns,data=bytes"
    jobs, err = fio_json("--name=a", "--filename=zwsim", *engine(spec), "--zone_append=1", "--rw=write",
                         "--bs=64k", "--direct=1", "--zonemode=zbd", "--iodepth=8", "--size=8M",
                         "--verify=md5", "--do_verify=1", "--thread=1")
    assert jobs["a"]["error"] == 0, err
    assert jobs["a"]["read"]["io_bytes"] == 8 << 20


def test_verify_on_a_device_that_keeps_only_tags_is_refused():
    p = fio("--name=v", "--filename=zwsim", *engine("emu:zones=8,zone_size=1M,data=tags"), "--rw=write",
            "--bs=4k", "--direct=1", "--zonemode=zbd", "--size=1M", "--verify=md5", check=False)
    assert "verify=: the device keeps only block tags (data=tags): give data=bytes" in p.stderr


def test_trims_are_zone_resets(tmp_path):
    d = tmp_path / "zones"
    zwsim = os.environ.get("ZWSIM", os.path.join(TOP, "zwsim"))
    spec = "file:%s,zones=8,zone_size=1M,model=zns" % d
    subprocess.run([zwsim, "zone", "info", "--dev", spec], check=True, capture_output=True)
    spec = "file:%s" % d
    jobs, err = fio_json("--name=w", "--filename=zwsim", *engine(spec), "--rw=write", "--bs=128k",
                         "--direct=1", "--size=4M", "--thread=1",
                         "--name=t", "--stonewall", "--filename=zwsim", *engine(spec), "--rw=trim",
                         "--bs=1M", "--size=2M", "--thread=1")
    assert jobs["w"]["error"] == 0 and jobs["t"]["error"] == 0, err
    assert jobs["t"]["trim"]["io_bytes"] == 2 << 20
    report = subprocess.run([zwsim, "zone", "report", "--dev", spec, "0", "4"], check=True,
                            capture_output=True, text=True).stdout.splitlines()
    conds = [re.search(r"zcond:\s*(\d+)", line).group(1) for line in report]
    assert conds == ["1", "1", "14", "14"], report  # two reset, two still full


def test_a_write_off_the_write_pointer_fails_as_on_a_real_device():
    # without zonemode=zbd fio writes where it likes: the first I/O fails, and fio gives its hint
    p = fio("--name=r", "--filename=zwsim", *engine("emu:zones=8,zone_size=1M,model=zns"), "--rw=randwrite",
            "--bs=4k", "--direct=1", "--size=4M", "--randseed=7", check=False)
    assert "consider --zonemode=zbd" in p.stdout + p.stderr
    assert "BLK_STS_IOERR: write at sector 488 is not at the write pointer 0 of zone 0" in p.stderr
    assert "Input/output error" in p.stdout + p.stderr


def test_a_job_asking_more_open_zones_than_the_device_has_is_refused():
    p = fio("--name=m", "--filename=zwsim", *engine("emu:zones=16,zone_size=1M,model=zns,max_open=4,max_active=4"),
            "--rw=randwrite", "--bs=4k", "--direct=1", "--zonemode=zbd", "--max_open_zones=8",
            "--size=8M", check=False)
    assert "Specified --max_open_zones (8) is larger than max (4)" in p.stdout + p.stderr


def test_fios_latencies_are_the_profiles_in_virtual_time():
    spec = "emu:zones=16,zone_size=4M,profile=zn540,data=tags"
    jobs, err = fio_json("--name=w", "--filename=zwsim", *engine(spec), "--rw=write", "--bs=4k",
                         "--direct=1", "--zonemode=zbd", "--iodepth=1", "--size=8M", "--thread=1",
                         "--name=r", "--stonewall", "--filename=zwsim", *engine(spec), "--rw=randread",
                         "--bs=4k", "--direct=1", "--zonemode=zbd", "--iodepth=32", "--size=8M",
                         "--thread=1")
    w = jobs["w"]["write"]["clat_ns"]
    r = jobs["r"]["read"]["clat_ns"]
    # 11.4 us a write at QD 1 (+2.1 for each of the two zone-opening writes); 116 us a read at QD 32
    assert 11400 <= w["mean"] < 11600, w
    assert 11400 <= w["percentile"]["50.000000"] < 11500, w
    assert 115000 <= r["mean"] < 117500, r
    # the engine reports the device's own figures in virtual time
    m = re.search(r"zwsim-fio: r: 2048 I/Os, 8388608 bytes in ([0-9.]+) s of virtual time \((\d+) IOPS", err)
    assert m, err
    assert 270000 < int(m.group(2)) < 280000  # 32 / 116 us; the sheet measured 274.1k


def test_clock_real_paces_fio_to_the_profile():
    spec = "emu:zones=16,zone_size=4M,profile=zn540,data=tags"
    jobs, err = fio_json("--name=w", "--filename=zwsim", *engine(spec), "--clock=real", "--rw=write",
                         "--bs=128k", "--direct=1", "--zonemode=zbd", "--iodepth=1", "--size=16M",
                         "--thread=1")
    w = jobs["w"]["write"]
    # 106.5 us a 128 KiB write: at most about 9.4k IOPS in fio's own (wall) clock,
    # never faster than the device (slower when the machine is loaded)
    assert w["iops"] < 9700, w["iops"]
    assert w["clat_ns"]["min"] >= 100000, w["clat_ns"]
    assert "128 I/Os, 16777216 bytes in 0.0136" in err, err


# A sample of fio's t/zbd cases for make test (each fio run costs ~0.5 s of
# fio's own start-up): the whole list is `make test-fio-zbd` (docs/fio.md).
ZBD_SAMPLE = {
    "zones=272,zone_size=1M,conv=16,model=nullblk": [1, 2, 5, 8, 12, 24, 33, 41, 45, 55],
    "zones=256,zone_size=1M,model=zns": [5, 8, 12, 14, 45],
    "zones=272,zone_size=1M,conv=16,model=zbc": [5, 8, 12, 45],
}


@pytest.mark.parametrize("keys", sorted(ZBD_SAMPLE))
def test_fios_own_zoned_test_cases_pass_through_the_engine(keys):
    tests = ZBD_SAMPLE[keys]
    args = [os.path.join(TOP, "tests", "fio", "zbd-support.sh"), "-r", "1"]
    for t in tests:
        args += ["-t", str(t)]
    p = subprocess.run(args + [keys], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]
    results = dict((int(t), r) for t, r in re.findall(r"^test (\d+) \.\.\. +(?:[0-9.]+s +)?(\S+)", p.stdout, re.M))
    assert sorted(map(int, results)) == sorted(tests), p.stdout
    # ZNS has no conventional zones: test 14 needs 16 MiB of them and skips, as on a real ZNS drive
    expect = {t: "SKIP" if "zns" in keys and t == 14 else "PASS" for t in tests}
    assert results == expect, p.stdout


def test_a_job_on_a_profiled_device_gives_the_same_virtual_figures_every_run():
    spec = "emu:zones=16,zone_size=1M,profile=zn540,data=tags"
    args = ["--name=d", "--filename=zwsim", *engine(spec), "--rw=randwrite", "--bs=4k", "--direct=1",
            "--zonemode=zbd", "--max_open_zones=4", "--iodepth=16", "--size=8M", "--randseed=3",
            "--thread=1"]
    runs = [fio(*args).stderr for _ in range(2)]
    lines = [[l for l in r.splitlines() if l.startswith("zwsim-fio: d:")] for r in runs]
    assert len(lines[0]) == 1 and "of virtual time" in lines[0][0], runs[0]
    assert lines[0] == lines[1]


def test_a_job_without_a_usable_device_says_what_to_give():
    p = fio("--name=a", "--ioengine=external:" + SO, "--filename=z", "--rw=read", "--size=1M", check=False)
    assert p.returncode != 0
    assert "no device: give the engine option zwdev=SPEC" in p.stderr
    p = fio("--name=c", *engine("zbd:/dev/nullb0"), "--filename=z", "--rw=read", "--size=1M", check=False)
    assert p.returncode != 0
    assert "zwdev=zbd:/dev/nullb0: zwsim-fio drives emulated devices" in p.stderr
