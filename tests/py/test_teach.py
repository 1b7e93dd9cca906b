"""zwsim teach: every lesson runs on the models and does what it expects; bad lessons say FILE:LINE."""
import os
import pathlib
import re

import pytest

from conftest import dedent

ROOT = pathlib.Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "lessons").glob("*.lesson"))
ENV = {"ZWSIM_LESSONS": str(ROOT / "lessons")}
ESC = "\x1b["


def test_there_are_the_ten_lessons_of_the_course():
    names = [re.sub(r"^\d+-", "", p.stem) for p in LESSONS]
    for want in ("zones", "limits", "append", "pagecache", "wb-error", "plugging", "xfs-alloc", "gc",
                 "zonefs", "personalities"):
        assert want in names


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_lesson_runs_to_its_end_with_auto(zw, lesson):
    r = zw("teach", "--auto", "--color=never", str(lesson), env=ENV)
    assert r.rc == 0, r
    assert "lesson done" in r.out
    assert ESC not in r.out
    steps = len(re.findall(r"^step ", lesson.read_text(), re.M))
    assert "Step %d/%d:" % (steps, steps) in r.out


def test_the_list_names_every_lesson_by_number_and_name(zwsim):
    r = zwsim("teach", env=ENV)
    assert r.rc == 0, r
    assert re.search(r"^\s+1\s+zones\s+Zones and the write pointer$", r.out, re.M)
    assert len(re.findall(r"^\s+\d+\s+\S+\s+\S", r.out, re.M)) == len(LESSONS)


def test_a_lesson_is_found_by_name_and_by_number(zwsim):
    by_name = zwsim("teach", "--auto", "append", env=ENV)
    by_number = zwsim("teach", "--auto", "3", env=ENV)
    assert by_name.rc == 0 and by_number.rc == 0
    assert by_name.out == by_number.out
    assert "Write versus zone append" in by_name.out


def test_the_lessons_beside_the_binary_are_found_without_being_told(zwsim):
    env = {"ZWSIM_LESSONS": ""}
    if os.path.dirname(zwsim.path) != str(ROOT):
        pytest.fail("ZWSIM is expected to be the repository's ./zwsim, not %s" % zwsim.path)
    r = zwsim("teach", env=env)
    assert r.rc == 0, r
    assert "zones" in r.out


def test_an_unknown_lesson_is_a_usage_error(zwsim):
    r = zwsim("teach", "nosuch", env=ENV)
    assert r.rc == 2
    assert "no lesson 'nosuch'" in r.err


def test_a_refusal_is_explained_in_every_personalitys_terms(zwsim):
    r = zwsim("teach", "--auto", "zones", env=ENV)
    step = r.out.split("Step 3/")[1].split("Step 4/")[0]
    assert "rule:       a write to a sequential-write-required zone must start exactly at its write pointer" in step
    assert "Linux:      BLK_STS_IOERR, errno -EIO" in step
    assert "NVMe status 0x1BC Zone Invalid Write -> BLK_STS_IOERR -EIO" in step
    assert "sense 5h/21h/04h ILLEGAL REQUEST -> BLK_STS_TARGET -EREMOTEIO" in step


def test_each_step_names_its_kernel_function_and_redraws_the_zones(zwsim):
    r = zwsim("teach", "--auto", "zones", env=ENV)
    step = r.out.split("Step 2/")[1].split("Step 3/")[0]
    assert "kernel: null_zone_write()" in step
    assert re.search(r"^ \* zone  1 seq \[####\.+ +\] oi wp=8/48  \(was em wp=0\)$", step, re.M)


def test_colour_always_colours_and_never_does_not(zwsim):
    on = zwsim("teach", "--auto", "--color=always", "zones", env=ENV)
    off = zwsim("teach", "--auto", "--color=never", "zones", env=ENV)
    assert ESC in on.out and ESC not in off.out
    assert re.sub(r"\x1b\[[0-9;]*m", "", on.out) == off.out


def test_colour_auto_is_plain_when_not_a_terminal(zwsim):
    r = zwsim("teach", "--auto", "zones", env=ENV)
    assert ESC not in r.out


def test_a_bad_colour_word_is_a_usage_error(zwsim):
    r = zwsim("teach", "--color=sometimes", "zones", env=ENV)
    assert r.rc == 2 and "--color=sometimes" in r.err


def test_quiz_needs_key_presses(zwsim):
    r = zwsim("teach", "--auto", "--quiz", "zones", env=ENV)
    assert r.rc == 2 and "--quiz" in r.err


GOOD = """
title A lesson
device emu:zones=4,zone_size=256k,model=nullblk
layer zone
path device
step write 1 0 4
kernel null_zone_write()
expect status=OK cond=oi wp=4
step write 1 0 1
kernel null_zone_write()
expect status=BLK_STS_IOERR wp=4
"""


def write(tmp_path, text, name="my.lesson"):
    p = tmp_path / name
    p.write_text(dedent(text))
    return str(p)


def test_a_teachers_own_lesson_file_runs(zw, tmp_path):
    r = zw("teach", "--auto", write(tmp_path, GOOD))
    assert r.rc == 0, r
    assert "lesson done: 2 steps" in r.out


def test_a_lesson_whose_expectation_is_wrong_fails_naming_file_and_line(zw, tmp_path):
    path = write(tmp_path, GOOD.replace("expect status=OK cond=oi wp=4", "expect status=OK cond=oi wp=5"))
    r = zw("teach", "--auto", path)
    assert r.rc == 1, r
    assert "%s:7: the model disagrees with the lesson at step 1 (write 1 0 4): expected wp=5, the model gave wp=4" % path in r.err
    assert "lesson done" not in r.out
    assert "Step 2/" not in r.out


def test_a_wrong_status_expectation_fails_too(zwsim, tmp_path):
    path = write(tmp_path, GOOD.replace("expect status=BLK_STS_IOERR wp=4", "expect status=OK"))
    r = zwsim("teach", "--auto", path)
    assert r.rc == 1
    assert ":10: the model disagrees" in r.err and "expected status=OK, the model gave status=BLK_STS_IOERR" in r.err


@pytest.mark.parametrize("text,line,message", [
    (GOOD.replace("layer zone", "layer disk"), 3, "layer: zone, writeback or fs, not 'disk'"),
    (GOOD.replace("kernel null_zone_write()\nexpect status=OK", "expect status=OK"), 5, "the step has no 'kernel' line"),
    (GOOD.replace("expect status=OK cond=oi wp=4", "say nothing"), 5, "the step has no 'expect' line"),
    (GOOD.replace("cond=oi", "colour=oi"), 7, "unknown outcome 'colour'"),
    (GOOD.replace("cond=oi", "cond"), 7, "'cond' is not KEY=VALUE"),
    (GOOD.replace("title A lesson\n", "title A lesson\nstep write 1 0 1\n").replace("device emu", "device emu"), 3, "'device' belongs before the first 'step'"),
    (GOOD.replace("path device", "path device\nfrobnicate yes"), 5, "unknown keyword 'frobnicate'"),
    (GOOD.replace("device emu:", "device zbd:/dev/nullb0,"), 2, "a lesson runs on an emulated device"),
    (GOOD + "quiz cond | What? | oi\n", 11, "a quiz needs at least two choices"),
    (GOOD + "quiz cond | What? oi cl\n", 11, "expected quiz KEY | QUESTION | CHOICE CHOICE ..."),
    (GOOD.replace("title A lesson\n", ""), 9, "no 'title' line"),
])
def test_a_bad_lesson_file_says_file_and_line(zw, tmp_path, text, line, message):
    path = write(tmp_path, text)
    r = zw("teach", "--auto", path)
    assert r.rc == 2, r
    assert ("%s:%d: " % (path, line)) in r.err and message in r.err, r.err
    assert r.out == ""


@pytest.mark.parametrize("op,line,message", [
    ("write 9 0 1", 5, "zone 9 does not exist"),
    ("frob 1", 5, "unknown operation 'frob'"),
    ("write 1 0", 5, "'write' takes 3 arguments"),
])
def test_a_bad_operation_is_found_before_any_step_runs(zw, tmp_path, op, line, message):
    path = write(tmp_path, GOOD.replace("step write 1 0 1", "step " + op))
    r = zw("teach", "--auto", path)
    assert r.rc == 2, r
    assert "%s:8: step '%s'" % (path, op) in r.err and message in r.err, r.err
    assert "Step 1/" not in r.out


def test_a_quiz_whose_choices_miss_the_models_answer_fails(zwsim, tmp_path):
    path = write(tmp_path, GOOD.replace("expect status=OK cond=oi wp=4",
                                        "expect status=OK cond=oi wp=4\nquiz cond | Which? | em fu"))
    r = zwsim("teach", "--quiz", path, input="1\n")
    assert r.rc == 1, r
    assert "%s:8: the quiz has no right answer: the model gave cond=oi" % path in r.err


@pytest.mark.parametrize("lesson,old,new,key", [
    ("04-pagecache.lesson", "expect result=0 ioends=2 bios=2 dirty_folios=0", "expect result=0 ioends=1 bios=2 dirty_folios=0", "ioends"),
    ("05-wb-error.lesson", "expect result=-ENODATA", "expect result=-EIO", "result"),
    ("07-xfs-alloc.lesson", "zones.b=1", "zones.b=0", "zones.b"),
    ("08-gc.lesson", "write_amplification=1.29", "write_amplification=1.00", "write_amplification"),
    ("09-zonefs.lesson", "cond.4=fu", "cond.4=oi", "cond.4"),
    ("10-personalities.lesson", "cond@zns=cl", "cond@zns=em", "cond@zns"),
])
def test_every_layer_catches_a_wrong_expectation(zwsim, tmp_path, lesson, old, new, key):
    text = (ROOT / "lessons" / lesson).read_text()
    assert old in text
    line = text[:text.index(old)].count("\n") + 1
    path = tmp_path / lesson
    path.write_text(text.replace(old, new, 1))
    r = zwsim("teach", "--auto", str(path))
    assert r.rc == 1, r
    assert "%s:%d: the model disagrees" % (path, line) in r.err
    assert "expected %s=%s, the model gave %s=" % (key, new.split(key + "=")[1].split()[0], key) in r.err
