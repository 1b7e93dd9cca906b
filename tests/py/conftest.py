"""Fixtures for the zwsim pytest suite.

The binary under test comes from $ZWSIM (the release build) and, for the
tests that take the ``zw`` fixture, also from $ZWSIM_SAN (the same program
built with AddressSanitizer and UndefinedBehaviorSanitizer).  Both are
required: a missing or unset variable fails the test loudly, it never skips.

Every call through a runner checks that the program did not crash: the exit
status must be 0, 1 or 2 (the documented ones) and stderr must carry no
sanitizer report.
"""
import json
import os
import subprocess
import textwrap

import pytest

SANITIZER_MARKERS = (
    "AddressSanitizer",
    "LeakSanitizer",
    "UndefinedBehaviorSanitizer",
    "runtime error:",
)


class Result:
    def __init__(self, args, rc, out, err):
        self.args = args
        self.rc = rc
        self.out = out
        self.err = err

    @property
    def lines(self):
        return self.out.splitlines()

    def json_lines(self):
        return [json.loads(line) for line in self.lines]

    def __repr__(self):
        return "Result(args=%r, rc=%r, out=%r, err=%r)" % (self.args, self.rc, self.out, self.err)


class Zwsim:
    """Runs one zwsim binary and checks that it never crashes."""

    def __init__(self, path, name):
        self.path = path
        self.name = name

    def __call__(self, *args, input=None, timeout=60, env=None):
        argv = [self.path] + [str(a) for a in args]
        full_env = dict(os.environ)
        # Leak reports are errors too; make the sanitizer exit code visible.
        full_env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        full_env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        if env:
            full_env.update(env)
        p = subprocess.run(argv, input=input, capture_output=True, text=True, errors="replace",
                           timeout=timeout, env=full_env)
        res = Result(argv, p.returncode, p.stdout, p.stderr)
        check_no_crash(res)
        return res

    def zone(self, sub, dev, *args, **kw):
        """zwsim zone SUB --dev DEV ARGS..."""
        return self("zone", sub, "--dev", dev, *args, **kw)

    def script(self, dev, text, *opts, **kw):
        """Run a zone script given as text on standard input ('-')."""
        return self("zone", "run", "--dev", dev, *opts, "-", input=dedent(text), **kw)

    def report_json(self, dev):
        r = self.zone("report", dev, "--json")
        assert r.rc == 0, r
        return json.loads(r.out)

    def __repr__(self):
        return "Zwsim(%s)" % self.name


def check_no_crash(res):
    assert res.rc in (0, 1, 2), "zwsim crashed or used an undocumented exit status: %r" % (res,)
    for marker in SANITIZER_MARKERS:
        assert marker not in res.err, "sanitizer report in stderr: %r" % (res,)


def dedent(text):
    """Dedent a triple-quoted literal and drop its leading newline."""
    text = textwrap.dedent(text)
    if text.startswith("\n"):
        text = text[1:]
    return text


def _binary(var):
    path = os.environ.get(var)
    if not path:
        pytest.fail("%s is not set: run the suite with `make test-py` (it sets ZWSIM and ZWSIM_SAN), "
                    "or export %s=/path/to/zwsim" % (var, var), pytrace=False)
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.fail("%s=%s is not an executable file (build it: make zwsim build/san/zwsim)" % (var, path),
                    pytrace=False)
    return Zwsim(os.path.abspath(path), var)


@pytest.fixture(scope="session")
def zwsim():
    """A runner for the release binary named by $ZWSIM."""
    return _binary("ZWSIM")


@pytest.fixture(scope="session")
def zwsim_san():
    """A runner for the sanitizer binary named by $ZWSIM_SAN."""
    return _binary("ZWSIM_SAN")


@pytest.fixture(params=["ZWSIM", "ZWSIM_SAN"], ids=["rel", "san"])
def zw(request):
    """The release binary, then the sanitizer binary: for the most important CLI tests."""
    return _binary(request.param)


def pytest_make_parametrize_id(config, val, argname):
    """Keep test ids readable: long expected outputs are named by their argument."""
    if isinstance(val, str) and ("\n" in val or len(val) > 40):
        return argname
    return None
