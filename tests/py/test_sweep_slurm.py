"""zwsim sweep on a single-node Slurm cluster that this test starts itself
(Debian's slurm-wlm and munge, no systemd): munged with a key made here,
slurmctld and slurmd on localhost from a slurm.conf written to a temporary
directory, on free ports, all of them stopped at the end.  If the cluster
cannot start, the test fails with the daemons' logs: it never skips.

A small sweep's job array runs to completion; --collect merges it; a run
that failed is listed with its logs and --resubmit runs it (only it) again;
the figures equal a local sweep's of the same matrix."""
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from sweep_util import read_csv, results, write_iolog, write_matrix

DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cluster:
    def __init__(self, d):
        self.d = d
        self.procs = []
        self.host = socket.gethostname().split(".")[0]
        self.env = dict(os.environ, SLURM_CONF=str(d / "slurm.conf"))

    def logs(self):
        out = []
        for f in sorted((self.d / "log").iterdir()):
            out.append("== %s\n%s" % (f.name, f.read_text(errors="replace")[-3000:]))
        return "\n".join(out)

    def fail(self, why):
        pytest.fail("single-node Slurm did not start: %s\n%s" % (why, self.logs()), pytrace=False)

    def spawn(self, name, argv):
        log = open(self.d / "log" / (name + ".out"), "w")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
        self.procs.append((name, p))
        return p

    def start(self):
        d = self.d
        for sub in ("munge", "state", "spool", "log"):
            (d / sub).mkdir()
        os.chmod(d, 0o755)
        os.chmod(d / "munge", 0o700)
        key = d / "munge" / "munge.key"
        key.write_bytes(os.urandom(128))
        os.chmod(key, 0o600)
        sock = d / "munge" / "socket"
        self.spawn("munged", ["munged", "--foreground", "--force", "--key-file=%s" % key, "--socket=%s" % sock,
                              "--pid-file=%s" % (d / "munge" / "munged.pid"),
                              "--seed-file=%s" % (d / "munge" / "munged.seed"),
                              "--log-file=%s" % (d / "log" / "munged.log")])
        self.wait_for(lambda: subprocess.run("munge -S %s -n | unmunge -S %s" % (sock, sock), shell=True,
                                             capture_output=True).returncode == 0, "munged answers", 10)
        cpus = min(2, os.cpu_count() or 1)
        conf = {
            "ClusterName": "zwsimtest", "SlurmctldHost": "%s(127.0.0.1)" % self.host,
            "SlurmctldPort": free_port(), "SlurmdPort": free_port(),
            "SlurmUser": "root", "SlurmdUser": "root",
            "AuthType": "auth/munge", "CredType": "cred/munge", "AuthInfo": "socket=%s" % sock,
            "ProctrackType": "proctrack/linuxproc", "TaskPlugin": "task/none", "MpiDefault": "none",
            "ReturnToService": 2, "MailProg": "/bin/true",
            "SchedulerType": "sched/backfill", "SchedulerParameters": "batch_sched_delay=0,sched_min_interval=0",
            "SelectType": "select/cons_tres", "SelectTypeParameters": "CR_Core",
            "AccountingStorageType": "accounting_storage/none", "JobCompType": "jobcomp/none",
            "JobAcctGatherType": "jobacct_gather/none",
            "StateSaveLocation": d / "state", "SlurmdSpoolDir": d / "spool",
            "SlurmctldPidFile": d / "slurmctld.pid", "SlurmdPidFile": d / "slurmd.pid",
            "SlurmctldLogFile": d / "log" / "slurmctld.log", "SlurmdLogFile": d / "log" / "slurmd.log",
        }
        text = "".join("%s=%s\n" % kv for kv in conf.items())
        text += "NodeName=%s NodeAddr=127.0.0.1 CPUs=%d RealMemory=2000 State=UNKNOWN\n" % (self.host, cpus)
        text += "PartitionName=zw Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n"
        (d / "slurm.conf").write_text(text)
        self.spawn("slurmctld", ["slurmctld", "-D", "-c", "-i"])
        self.spawn("slurmd", ["slurmd", "-D"])

        def idle():
            r = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True, env=self.env)
            return r.returncode == 0 and r.stdout.strip() in ("idle", "idle*") and not r.stdout.startswith("idle*")
        self.wait_for(idle, "the node idle in sinfo", 20)

    def wait_for(self, cond, what, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for name, p in self.procs:
                if p.poll() is not None:
                    self.fail("%s exited with status %d (waiting for %s)" % (name, p.returncode, what))
            if cond():
                return
            time.sleep(0.1)
        self.fail("no %s after %d s" % (what, seconds))

    def stop(self):
        subprocess.run(["scontrol", "shutdown"], capture_output=True, env=self.env, timeout=20)
        for name, p in reversed(self.procs):
            try:
                p.wait(timeout=5 if name != "munged" else 0.1)
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        # slurmd's step daemons (slurmstepd) of this cluster: its process group
        for name, p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def cluster(tmp_path_factory):
    missing = [d for d in DAEMONS if not shutil.which(d) and not os.path.exists("/usr/sbin/" + d)]
    if missing:
        pytest.fail("Slurm test: %s not installed (make deps installs slurm-wlm and munge)" % " ".join(missing),
                    pytrace=False)
    if os.geteuid() != 0:
        pytest.fail("Slurm test: runs as root (slurmd starts jobs as their users)", pytrace=False)
    c = Cluster(tmp_path_factory.mktemp("slurm"))
    try:
        c.start()
        yield c
    finally:
        c.stop()
    for name, p in c.procs:
        assert p.poll() is not None, "%s (pid %d) still running" % (name, p.pid)


def sweep(zwsim, cluster, *args, timeout=120):
    return zwsim("sweep", *args, env=cluster.env, timeout=timeout)


def test_slurm_sweep(zwsim, cluster, tmp_path):
    for i, n in enumerate((600, 300, 900)):
        write_iolog(tmp_path / ("t%d.iolog" % i), n, seed=i + 1)
    m = {"name": "slurm-test",
         "fixed": {"fs": "xfs-zoned"},
         "axes": {"trace": ["t0.iolog", "t1.iolog", "t2.iolog"],
                  "dev": [{"label": "1M", "value": "emu:zones=32,zone_size=1M,max_open=4"},
                          {"label": "2M", "value": "emu:zones=16,zone_size=2M,max_open=4"}]}}
    write_matrix(tmp_path / "m.json", m)
    mj = tmp_path / "m.json"
    out = tmp_path / "m.sweep"

    # written, then submitted by hand while one trace is missing: that run fails
    r = sweep(zwsim, cluster, "--slurm", "--throttle", "2", mj)
    assert r.rc == 0, r
    script = out / "slurm" / "sweep.sbatch"
    assert "#SBATCH --array=0-5%2" in script.read_text()
    (tmp_path / "t1.iolog").rename(tmp_path / "t1.away")
    sb = subprocess.run(["sbatch", "--wait", str(script)], capture_output=True, text=True, env=cluster.env,
                        timeout=120)
    assert sb.returncode != 0 and "Submitted batch job" in sb.stdout, (sb, cluster.logs())
    job = sb.stdout.split()[-1]
    logs = sorted(os.listdir(out / "slurm"))
    assert logs == sorted(["%s_%d.out" % (job, i) for i in range(6)] + ["sweep.sbatch"]), logs

    col = sweep(zwsim, cluster, "--collect", mj)
    assert col.rc == 1, col
    failed = [ln for ln in col.err.splitlines() if ln.startswith("zwsim sweep: failed ")]
    assert len(failed) == 2 and all("trace-t1_" in ln for ln in failed), col
    for ln in failed:
        assert "exit 2" in ln and "/logs/trace-t1_" in ln and "Slurm log %s/slurm/%s_" % (out, job) in ln, ln
    assert "4 of 6 runs" in col.err
    assert len(read_csv(out / "results.csv")) == 4
    name = failed[0].split()[3].rstrip(":")
    assert "t1.iolog" in (out / "logs" / (name + ".log")).read_text()

    # the trace back, the failed runs resubmitted: only they run
    (tmp_path / "t1.away").rename(tmp_path / "t1.iolog")
    r = sweep(zwsim, cluster, "--resubmit", "--wait", mj)
    assert r.rc == 0, (r, cluster.logs())
    idx = sorted(i for i, p in enumerate(__import__("json").loads((out / "plan.json").read_text())["runs"])
                 if p["name"].startswith("trace-t1_"))
    assert "resubmitting 2 runs: %d,%d%%16" % tuple(idx) in r.err, r
    job2 = (out / "slurm" / "jobs").read_text().split()[-1]
    assert sorted(f for f in os.listdir(out / "slurm") if f.startswith(job2 + "_")) == \
        sorted("%s_%d.out" % (job2, i) for i in idx)
    assert "6 of 6 runs" in r.err, r

    # the same matrix here: the same figures, the same table
    loc = zwsim("sweep", "--out", tmp_path / "local", mj, timeout=120)
    assert loc.rc == 0, loc
    assert results(out) == results(tmp_path / "local")
    assert (out / "results.csv").read_text() == (tmp_path / "local" / "results.csv").read_text()

    # --submit --wait in one step, into another directory: the same again
    r = sweep(zwsim, cluster, "--submit", "--wait", "--out", tmp_path / "again", mj)
    assert r.rc == 0 and "6 of 6 runs" in r.err, (r, cluster.logs())
    assert results(tmp_path / "again") == results(out)
