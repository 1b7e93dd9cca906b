"""zwsim teach in a pseudo-terminal: key presses in, the screen out (python3-pexpect)."""
import os
import pathlib
import re

import pexpect
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROMPT = "a key for the next step, q to quit"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def binary():
    path = os.environ.get("ZWSIM")
    if not path:
        pytest.fail("ZWSIM is not set: run the suite with `make test-py`", pytrace=False)
    return path


def spawn(*args, term="xterm-256color", no_color=None):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM=term, ZWSIM_LESSONS=str(ROOT / "lessons"))
    if no_color is not None:
        env["NO_COLOR"] = no_color
    child = pexpect.spawn(binary(), ["teach"] + list(args), env=env, encoding="utf-8", timeout=20,
                          dimensions=(50, 160))
    return child


def finish(child, rc=0):
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == rc, child.before


def test_one_step_per_key_press():
    child = spawn("zones")
    child.expect("Step 1/7: write 0 10 4")
    child.expect(PROMPT)
    # nothing of step 2 before a key is pressed
    assert "Step 2/" not in child.before
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("Step 2/", timeout=0.5)
    child.send(" ")
    child.expect("Step 2/7: write 1 0 8")
    child.expect(PROMPT)
    screen = ANSI.sub("", child.before)
    assert re.search(r"\* zone  1 seq \[####\.+ +\] oi wp=8/48  \(was em wp=0\)", screen)
    for _ in range(5):
        child.send("\r")
    child.expect("lesson done: 7 steps")
    finish(child)


def test_q_stops_the_lesson():
    child = spawn("zones")
    child.expect(PROMPT)
    child.send("q")
    child.expect("stopped before step 2 of 7")
    finish(child)


def test_a_terminal_gets_colour():
    child = spawn("--auto", "zones")
    child.expect("lesson done")
    out = child.before
    finish(child)
    assert "\x1b[" in out
    assert "\x1b[33m" in out  # an implicitly open zone in yellow


@pytest.mark.parametrize("term,no_color,args", [
    ("dumb", None, []),
    ("xterm", "1", []),
    ("xterm", None, ["--color=never"]),
])
def test_no_colour_for_a_dumb_terminal_no_color_or_never(term, no_color, args):
    child = spawn("--auto", *args, "zones", term=term, no_color=no_color)
    child.expect("lesson done")
    out = child.before
    finish(child)
    assert "\x1b[" not in out
    assert "zone  1 seq [" in out


def test_the_quiz_answered_right_and_wrong_is_scored():
    child = spawn("--quiz", "--color=never", "zones")
    child.expect(PROMPT)
    child.send(" ")
    # step 2: "What condition is zone 1 in after its first write?" em oi oe cl fu
    child.expect("Quiz: What condition is zone 1 in after its first write")
    child.expect(r"your answer \(1-5, q to quit\): ")
    assert "Step 2/" in child.before or "2) oi" in child.before
    child.send("9")            # not a choice: asked again
    child.expect(r"your answer \(1-5, q to quit\): ")
    child.send("2")            # oi: right
    child.expect("right: cond=oi")
    child.expect(PROMPT)
    child.send(" ")
    # step 3: the rewrite in place: OK BLK_STS_IOERR BLK_STS_ZONE_OPEN_RESOURCE
    child.expect(r"your answer \(1-3, q to quit\): ")
    child.send("1")            # OK: wrong
    child.expect("not quite: you said OK, the model says status=BLK_STS_IOERR")
    for _ in range(4):
        child.expect(PROMPT)
        child.send(" ")
    child.expect("quiz: 1 of 2 right")
    child.expect("lesson done: 7 steps")
    finish(child)


def test_a_prediction_is_asked_before_the_outcome_is_shown():
    child = spawn("--quiz", "--color=never", "zones")
    child.expect(PROMPT)
    child.send(" ")
    child.expect(r"your answer \(1-5, q to quit\): ")
    assert "=> OK" not in child.before.split("Step 2/")[1]
    child.send("q")
    child.expect("stopped at step 2 of 7")
    finish(child)


def test_a_wrong_expectation_stops_the_lesson_in_the_terminal(tmp_path):
    lesson = tmp_path / "wrong.lesson"
    lesson.write_text("title Wrong\ndevice emu:zones=2,zone_size=256k\nlayer zone\n"
                      "step write 0 0 1\nkernel null_zone_write()\nexpect cond=fu\n")
    child = spawn("--auto", str(lesson))
    child.expect(r"wrong.lesson:6: the model disagrees with the lesson at step 1 \(write 0 0 1\): "
                 r"expected cond=fu, the model gave cond=oi")
    finish(child, rc=1)


def test_ctrl_c_gives_the_terminal_back():
    import termios
    child = spawn("zones")
    child.expect(PROMPT)
    lflag = termios.tcgetattr(child.child_fd)[3]
    assert not lflag & termios.ICANON      # keys are read one by one
    child.sendintr()
    child.expect(pexpect.EOF)
    lflag = termios.tcgetattr(child.child_fd)[3]
    assert lflag & termios.ICANON and lflag & termios.ECHO
    child.close()
    assert child.signalstatus == 2


def test_a_bad_lesson_file_says_file_and_line_in_the_terminal(tmp_path):
    lesson = tmp_path / "bad.lesson"
    lesson.write_text("title Bad\ndevice emu:zones=2,zone_size=256k\nlayer zone\n"
                      "step write 0 0 1\nkernel null_zone_write()\nexpect cond=oi\nquiz cond | Which?\n")
    child = spawn(str(lesson))
    child.expect(r"bad.lesson:7: expected quiz KEY \| QUESTION \| CHOICE CHOICE \.\.\.")
    finish(child, rc=2)
