"""zwsim zone run --race and tests/vm/conf-races.py: a real device's output
is accepted when one of the completion orders the block layer allows gives
it, and only then.  The 'real' outputs here are the model's own under a
chosen order (what QEMU's ZNS printed in the VM tier: seed 2, a failed
front whose completion came after the rest was queued), and one changed
where no order can change it."""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
RACES = os.path.normpath(os.path.join(HERE, "..", "vm", "conf-races.py"))
ZNS = "emu:model=zns,zones=16,zone_size=4M,zone_cap=3M,max_sectors=248"
# a failed front (an empty zone, not at its write pointer), then a write at 0
SCRIPT = "write 8 766 48\nwrite 8 0 60\nwrite 9 0 4\nread 9 0 4\n"


def search(zwsim, tmp_path, real):
    script = tmp_path / "s.zs"
    script.write_text(SCRIPT)
    real_out = tmp_path / "real.out"
    real_out.write_text(real)
    out = tmp_path / "twin.out"
    p = subprocess.run(["/usr/bin/python3", RACES, zwsim.path, str(real_out), str(out), str(script), "--",
                        "--verify", "--no-report", "--dev", ZNS], capture_output=True, text=True, timeout=60)
    return p, out.read_text() if out.exists() else ""


def test_each_race_choice_is_said_and_changes_what_follows(zwsim):
    inline = zwsim.script(ZNS, SCRIPT, "--no-report", "--race", "")
    late = zwsim.script(ZNS, SCRIPT, "--no-report", "--race", "2")
    assert inline.rc == 0 and late.rc == 0, (inline, late)
    assert inline.lines[1] == "write 8 0 60 => BLK_STS_IOERR -EIO"
    assert late.lines[1] == "write 8 0 60 => OK 0"
    assert "zwsim: race 0 line 1 (write 8 766 48)" in inline.err
    # the default, with no --race, is the inline order and says nothing
    plain = zwsim.script(ZNS, SCRIPT, "--no-report")
    assert plain.out == inline.out and "race" not in plain.err
    bad = zwsim.script(ZNS, SCRIPT, "--race", "4")
    assert bad.rc == 2 and "--race 4" in bad.err


def test_the_search_finds_the_order_that_gives_the_real_output(zwsim, tmp_path):
    real = zwsim.script(ZNS, SCRIPT, "--verify", "--no-report", "--race", "2").out
    p, twin = search(zwsim, tmp_path, real)
    assert p.returncode == 0, p
    # finished late (1, tried first) gives the same lines here as completed late (2)
    assert "1 taken late (choices 1)" in p.stdout
    assert twin == real


def test_an_output_no_order_gives_is_refused(zwsim, tmp_path):
    real = zwsim.script(ZNS, SCRIPT, "--verify", "--no-report", "--race", "2").out
    lines = real.splitlines()
    assert lines[2] == "write 9 0 4 => OK 0"
    lines[2] = "write 9 0 4 => BLK_STS_IOERR -EIO"
    p, twin = search(zwsim, tmp_path, "\n".join(lines) + "\n")
    assert p.returncode == 1, p
    assert "no admissible order gives the real output: the closest matches 2 of 4 lines" in p.stdout
    assert twin.splitlines()[2] == "write 9 0 4 => OK 0"
