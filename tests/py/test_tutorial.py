"""docs/tutorial.md: every command in its console blocks prints what the page says.

A console block (```console) holds commands ("$ " lines, a heredoc
("<<'EOF'") carrying on to its EOF line) each followed by its output.  Each
runs in bash, in a fresh temporary directory, with the zwsim under test first
on PATH and the repository's lessons; stdout and stderr together must be the
output shown, byte for byte.  TUTORIAL_UPDATE=1 rewrites the outputs in place
from what the program prints (then read the diff before committing it).
"""
import os
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/tutorial.md"
FENCE = re.compile(r"^```console\n(.*?)^```\n", re.M | re.S)


def parse(body):
    """[(command, expected output)] of one console block."""
    lines = body.splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise AssertionError("console block text before any command: %r" % lines[i])
        cmd = lines[i][2:]
        i += 1
        if "<<'EOF'" in cmd:
            while i < len(lines) and lines[i] != "EOF\n":
                cmd += lines[i]
                i += 1
            if i == len(lines):
                raise AssertionError("heredoc without EOF in %r" % cmd)
            cmd += lines[i]
            i += 1
        expect = ""
        while i < len(lines) and not lines[i].startswith("$ "):
            expect += lines[i]
            i += 1
        out.append((cmd, expect))
    return out


def blocks():
    return [parse(m.group(1)) for m in FENCE.finditer(DOC.read_text())]


def run(cmd, cwd):
    zwsim = os.environ.get("ZWSIM")
    if not zwsim:
        pytest.fail("ZWSIM is not set: run the suite with `make test-py`", pytrace=False)
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(zwsim)) + ":" + os.environ["PATH"],
               ZWSIM_LESSONS=str(ROOT / "lessons"), TERM="dumb", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    p = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    return p.stdout


def test_the_tutorial_has_console_blocks_for_every_lesson():
    text = DOC.read_text()
    cmds = [c for b in blocks() for c, _ in b]
    assert len(cmds) >= 12
    for lesson in sorted((ROOT / "lessons").glob("*.lesson")):
        name = re.sub(r"^\d+-", "", lesson.stem)
        assert re.search(r"zwsim teach .*\b%s\b" % re.escape(name), text), "the tutorial never runs lesson %s" % name


@pytest.mark.parametrize("index", range(len(blocks())))
def test_each_console_block_prints_what_the_tutorial_shows(index, tmp_path):
    for cmd, expect in blocks()[index]:
        got = run(cmd, tmp_path)
        if os.environ.get("TUTORIAL_UPDATE") == "1":
            update(cmd, expect, got)
            continue
        assert got == expect, "docs/tutorial.md: `%s` printed:\n%s" % (cmd.strip(), got)


def update(cmd, old, new):
    text = DOC.read_text()
    old_block = "$ " + cmd + old
    assert text.count(old_block) >= 1, cmd
    DOC.write_text(text.replace(old_block, "$ " + cmd + new, 1))
