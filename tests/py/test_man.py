"""make install: the binary, a manual page per command (made from its --help) and the lessons."""
import os
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def render(page):
    """man -l PAGE as plain text (no overstrike, wide enough for the help text)."""
    env = dict(os.environ, MANWIDTH="250", LANG="C.UTF-8", MANPAGER="cat", PAGER="cat")
    env.pop("MAN_KEEP_FORMATTING", None)
    p = subprocess.run(["man", "-l", str(page)], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert "warning" not in p.stderr.lower(), p.stderr
    return re.sub(r".\x08", "", p.stdout)


def help_lines(binary, *args):
    p = subprocess.run([str(binary)] + list(args) + ["--help"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()


def commands(binary):
    out = help_lines(binary)
    start = out.index("Commands:") + 1
    names = []
    for line in out[start:]:
        if not line.strip():
            break
        names.append(line.split()[0])
    return names


def assert_page_matches_help(text, lines):
    """Every line of --help is in the page, in order (usage: lines as the synopsis)."""
    page = [" ".join(l.split()) for l in text.splitlines() if l.strip()]
    at = 0
    for line in lines:
        want = " ".join(re.sub(r"^usage:\s*", "", line).split())
        if not want:
            continue
        if want.endswith(":") and want[:-1].upper() in page[at:]:
            at = page.index(want[:-1].upper(), at) + 1   # a section heading
            continue
        assert want in page[at:], "the page lacks (or misorders) the --help line %r" % line
        at = page.index(want, at) + 1


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dest = tmp_path_factory.mktemp("destdir")
    p = subprocess.run(["make", "-s", "install", "DESTDIR=%s" % dest], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    return dest / "usr/local"


def test_install_puts_the_binary_pages_and_lessons_under_destdir_prefix(installed):
    binary = installed / "bin/zwsim"
    assert os.access(binary, os.X_OK)
    p = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("zwsim ")
    lessons = sorted((installed / "share/zwsim/lessons").glob("*.lesson"))
    assert [l.name for l in lessons] == sorted(l.name for l in (ROOT / "lessons").glob("*.lesson"))


def test_the_installed_binary_finds_its_lessons_and_runs_one(installed):
    env = dict(os.environ)
    env.pop("ZWSIM_LESSONS", None)
    binary = installed / "bin/zwsim"
    p = subprocess.run([str(binary), "teach"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert "Zones and the write pointer" in p.stdout
    p = subprocess.run([str(binary), "teach", "--auto", "zones"], capture_output=True, text=True, env=env)
    assert p.returncode == 0 and "lesson done" in p.stdout, p.stderr


def test_every_command_has_a_page_that_renders_and_matches_its_help(installed):
    binary = installed / "bin/zwsim"
    man1 = installed / "share/man/man1"
    names = commands(binary)
    assert "teach" in names and "zone" in names
    pages = sorted(p.name for p in man1.glob("*.1"))
    assert pages == sorted(["zwsim.1"] + ["zwsim-%s.1" % n for n in names])
    top = render(man1 / "zwsim.1")
    assert_page_matches_help(top, help_lines(binary))
    for n in names:
        text = render(man1 / ("zwsim-%s.1" % n))
        assert re.search(r"^NAME\n\s+zwsim-%s - \S" % re.escape(n), text, re.M), text[:300]
        assert_page_matches_help(text, help_lines(binary, n))
        assert "zwsim-%s(1)" % n in top


def test_a_new_command_in_the_table_gets_its_page_with_no_work(tmp_path):
    fake = tmp_path / "zwsim"
    fake.write_text("""#!/bin/sh
case "$*" in
--version) echo "zwsim 9.9" ;;
--help) printf 'usage: zwsim COMMAND\\n\\nCommands:\\n  zone       zones\\n  replay     replay a trace\\n\\nmore\\n' ;;
"zone --help") printf 'usage: zwsim zone\\n\\nZones.\\n' ;;
"replay --help") printf 'usage: zwsim replay TRACE\\n\\nReplays -- a trace.\\n\\nOptions:\\n  --speed X  how fast\\n' ;;
*) exit 2 ;;
esac
""")
    fake.chmod(0o755)
    out = tmp_path / "man"
    p = subprocess.run(["/usr/bin/python3", str(ROOT / "tools/mkman.py"), str(fake), str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert sorted(x.name for x in out.iterdir()) == ["zwsim-replay.1", "zwsim-zone.1", "zwsim.1"]
    text = render(out / "zwsim-replay.1")
    assert "zwsim-replay - replay a trace" in text
    assert "Replays -- a trace." in text and "OPTIONS" in text and "--speed X  how fast" in text


def test_a_command_whose_help_fails_stops_the_pages(tmp_path):
    fake = tmp_path / "zwsim"
    fake.write_text('#!/bin/sh\ncase "$*" in --version) echo "zwsim 1";; --help) printf "Commands:\\n  bad  x\\n\\n";;'
                    ' *) echo nope >&2; exit 2;; esac\n')
    fake.chmod(0o755)
    p = subprocess.run(["/usr/bin/python3", str(ROOT / "tools/mkman.py"), str(fake), str(tmp_path / "m")],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "bad --help exited 2" in p.stderr
