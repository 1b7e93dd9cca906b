"""kill -9 in the middle of writes to a file: device.

A sequential zone's write pointer is its file size, so a process killed in
the middle of a write can leave at most a torn last block (cut off at the
next open): after a restart every zone's wp must equal its file size, and
every block below the wp must be whole data written there."""
import json
import random
import shutil
import signal
import subprocess
import time

LBA = 4096
ZONES = 4
ZONE_BLOCKS = 16384          # 64 MiB zones
CHUNK = 256                  # blocks per write (1 MiB)
SEED = 20241124


def zone_file(ddir, z):
    return ddir / ("seq-%06d" % z)


def total_bytes(ddir):
    return sum(zone_file(ddir, z).stat().st_size for z in range(ZONES) if zone_file(ddir, z).exists())


def check_restart(zw, ddir):
    """Reopen the device: wp == file size for every zone, and the data below it verifies."""
    rep = zw.report_json("file:%s" % ddir)
    wps = []
    for z in rep["zones"]:
        wp_bytes = z["wp"] * 512
        assert wp_bytes == zone_file(ddir, z["zone"]).stat().st_size, (z, rep)
        assert wp_bytes % LBA == 0
        assert z["cond"] in ("em", "cl", "fu"), z   # nothing is open after a restart
        assert z["cond"] != "fu" or wp_bytes == ZONE_BLOCKS * LBA
        wps.append(wp_bytes // LBA)
    for zno, wp in enumerate(wps):
        if wp:
            r = zw.zone("read", "file:%s" % ddir, "--verify", zno, 0, wp)
            assert r.rc == 0, r
            assert r.out.endswith(" data=ok\n"), r.out
    return wps


def script_from(wps):
    """Writes of CHUNK blocks from each zone's wp to its end, the zones taking turns."""
    lines = []
    for off in range(0, ZONE_BLOCKS, CHUNK):
        for z, wp in enumerate(wps):
            start = max(off, wp)
            end = min(off + CHUNK, ZONE_BLOCKS)
            if start < end:
                lines.append("write %d %d %d\n" % (z, start, end - start))
    return "".join(lines)


def run_and_kill(zw, ddir, script_path, threshold, log):
    with open(log, "w") as out:
        p = subprocess.Popen([zw.path, "zone", "run", "--dev", "file:%s" % ddir, str(script_path)],
                             stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        try:
            while p.poll() is None and time.monotonic() < deadline:
                if total_bytes(ddir) >= threshold:
                    break
                time.sleep(0.0005)
            still_running = p.poll() is None
            p.send_signal(signal.SIGKILL)
        finally:
            p.wait()
    return still_running, p.returncode


def test_kill_9_during_writes_leaves_wp_equal_to_file_size_and_whole_data(zw, tmp_path):
    rng = random.Random(SEED)
    ddir = tmp_path / "zdev"
    r = zw.zone("info", "file:%s,zones=%d,zone_size=64M,lba=%d" % (ddir, ZONES, LBA))
    assert r.rc == 0, r
    try:
        wps = [0] * ZONES
        killed_mid_run = 0
        for rnd in range(5):
            script = tmp_path / ("round%d.zs" % rnd)
            script.write_text(script_from(wps))
            before = total_bytes(ddir)
            # Kill once the zone files have grown by a seeded random amount (not a whole chunk).
            threshold = before + rng.randrange(3 << 20, 24 << 20) + rng.randrange(1, CHUNK) * LBA
            running, rc = run_and_kill(zw, ddir, script, threshold, tmp_path / ("round%d.out" % rnd))
            if running:
                killed_mid_run += 1
                assert rc == -signal.SIGKILL
            new_wps = check_restart(zw, ddir)
            assert sum(new_wps) * LBA > before, "round %d wrote nothing" % rnd
            assert all(n >= o for n, o in zip(new_wps, wps))
            wps = new_wps
        assert killed_mid_run >= 4, "the writer finished before most kills: the test proved little"

        # Carry on writing at each zone's wp after the restarts, then check again.
        lines = []
        for z, wp in enumerate(wps):
            n = min(300, ZONE_BLOCKS - wp)
            if n:
                lines.append("write %d %d %d\n" % (z, wp, n))
                lines.append("read %d 0 %d\n" % (z, wp + n))
        r = zw("zone", "run", "--verify", "--dev", "file:%s" % ddir, "-", input="".join(lines))
        assert r.rc == 0, r
        assert lines and all(" => OK 0 " in ln for ln in r.lines), r.out
        assert all(ln.endswith(" data=ok") for ln in r.lines if ln.startswith("read ")), r.out
        final = check_restart(zw, ddir)
        assert final == [min(ZONE_BLOCKS, wp + 300) for wp in wps]
    finally:
        shutil.rmtree(ddir, ignore_errors=True)   # up to 256 MiB: do not keep it around


def test_kill_9_right_after_start_leaves_a_usable_device(zw, tmp_path):
    ddir = tmp_path / "zdev"
    script = tmp_path / "s.zs"
    script.write_text(script_from([0] * ZONES))
    p = subprocess.Popen([zw.path, "zone", "run", "--dev",
                          "file:%s,zones=%d,zone_size=64M" % (ddir, ZONES), str(script)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not (ddir / "zwsim.conf").exists() and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert (ddir / "zwsim.conf").exists()
        wps = check_restart(zw, ddir)
        info = json.loads(zw.zone("info", "file:%s" % ddir, "--json").out)
        assert (info["nr_zones"], info["zone_size_sectors"]) == (ZONES, ZONE_BLOCKS * 8)
        r = zw.zone("write", "file:%s" % ddir, 3, wps[3], 1)
        assert r.rc == 0, r
    finally:
        shutil.rmtree(ddir, ignore_errors=True)
