"""Progress of long runs (tools/progress.c): a status line on stderr,
redrawn in place and erased before the report; shown on a terminal only
(ZWSIM_PROGRESS=1 forces it from the start, =0 turns it off), never mixed
into results."""
import os
import pty
import select
import subprocess

from conftest import dedent

DEV = "emu:zones=17,zone_size=1M,conv=1"
SCRIPT = "write f 0 8M\nsync\n"


def run_bytes(zw, *args, stdin=b"", progress="1"):
    """(status, stdout, stderr) as bytes: text mode would turn the '\\r' into newlines."""
    p = subprocess.run([zw.path] + list(args), input=stdin, capture_output=True, timeout=60,
                       env=dict(os.environ, ZWSIM_PROGRESS=progress))
    return p.returncode, p.stdout, p.stderr


def test_fs_draws_a_status_line_and_erases_it(zw):
    rc, out, err = run_bytes(zw, "fs", "--fs", "xfs-zoned", "--dev", DEV, "-", stdin=SCRIPT.encode())
    assert rc == 0, err
    assert err.startswith(b"\rzwsim fs: 0/2 lines (0%)\x1b[K")
    assert err.endswith(b"\r\x1b[K")
    # the results and the report are untouched
    assert out.splitlines()[:2] == [b"write f 0 8M => 8388608", b"sync => 0"]


def test_results_on_stderr_leave_no_room_for_a_status_line(zwsim):
    # with --json the results go to stderr: no status line among them
    rc, _, err = run_bytes(zwsim, "fs", "--fs", "xfs-zoned", "--dev", DEV, "--json", "-", stdin=SCRIPT.encode())
    assert rc == 0, err
    assert b"\r" not in err and b"\x1b" not in err


def test_zone_fill_reports_mebibytes(zwsim):
    rc, out, err = run_bytes(zwsim, "zone", "fill", "--dev", DEV, "1", "2")
    assert rc == 0, err
    assert err.startswith(b"\rzwsim zone fill: 0/2 MiB (0%)\x1b[K")  # after the first write
    assert err.endswith(b"\r\x1b[K")
    assert out.decode() == dedent("""
        fill 1 => OK 0 cond=fu wp=256
        fill 2 => OK 0 cond=fu wp=256
        """)


def test_off_a_terminal_or_when_turned_off_nothing_is_drawn(zwsim):
    for env in ({}, {"ZWSIM_PROGRESS": "0"}):
        r = zwsim("fs", "--fs", "xfs-zoned", "--dev", DEV, "-", input=SCRIPT, env=env)
        assert r.rc == 0 and r.err == "", r


def test_a_short_run_on_a_terminal_shows_nothing(zwsim):
    # the first redraw waits half a second: quick runs stay quiet
    main, sub = pty.openpty()
    p = subprocess.Popen([zwsim.path, "fs", "--fs", "xfs-zoned", "--dev", DEV, "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=sub, env=dict(os.environ, ZWSIM_PROGRESS=""))
    os.close(sub)
    p.communicate(SCRIPT.encode(), timeout=60)
    seen = b""
    while select.select([main], [], [], 0.2)[0]:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert p.returncode == 0
    assert seen == b""
