"""`zwsim zone run`: the fixed output format of zone scripts (a public interface)."""
import pathlib
import re

from conftest import dedent

REPO = pathlib.Path(__file__).resolve().parents[2]

DEV = "emu:zones=3,zone_size=1M,conv=1"

LINE_RE = re.compile(
    r"^(?P<op>\S+(?: \S+)*) => (?P<status>OK|BLK_STS_[A-Z_]+) (?P<errno>0|-E[A-Z]+) "
    r"cond=(?P<cond>nw|em|oi|oe|cl|fu|ro|ol|-) wp=(?P<wp>\d+|-)(?: at=(?P<at>\d+))?"
    r"(?: data=(?P<data>ok|bad@\d+))?(?:  # (?P<reason>.+))?$")

JSON_KEYS = {"line", "op", "status", "errno", "errno_name", "cond", "wp"}


def test_each_operation_prints_one_line_with_status_errno_cond_and_wp(zw):
    r = zw.script(DEV, """
        write 1 0 8
        write 1 4 1
        read 0 0 2
        """)
    assert r.rc == 0
    assert r.out == dedent("""
        write 1 0 8 => OK 0 cond=oi wp=8
        write 1 4 1 => BLK_STS_IOERR -EIO cond=oi wp=8
        read 0 0 2 => OK 0 cond=nw wp=-
        """)
    assert r.err == ""


def test_op_is_echoed_with_blanks_folded_and_comments_and_blank_lines_ignored(zw):
    text = ("# a comment line\n"
            "\n"
            "   write\t1   0  8   # trailing comment\n"
            "\t  \n"
            "write 1 8 1\r\n"
            "      # indented comment\n"
            "append  1\t\t4\n")
    r = zw("zone", "run", "--dev", DEV, "-", input=text)
    assert r.rc == 0
    assert r.out == dedent("""
        write 1 0 8 => OK 0 cond=oi wp=8
        write 1 8 1 => OK 0 cond=oi wp=9
        append 1 4 => OK 0 cond=oi wp=13 at=9
        """)


def test_report_without_a_zone_prints_one_report_line_per_zone(zw):
    r = zw.script(DEV, """
        write 1 0 12
        report
        report 1
        """)
    assert r.out == dedent("""
        write 1 0 12 => OK 0 cond=oi wp=12
        report 0 => OK 0 cond=nw wp=-
        report 1 => OK 0 cond=oi wp=12
        report 2 => OK 0 cond=em wp=0
        report 1 => OK 0 cond=oi wp=12
        """)


def test_reset_all_and_flush_print_dashes_for_cond_and_wp(zw):
    r = zw.script(DEV, """
        write 2 0 3
        reset all
        flush
        report 2
        """)
    assert r.out == dedent("""
        write 2 0 3 => OK 0 cond=oi wp=3
        reset all => OK 0 cond=- wp=-
        flush => OK 0 cond=- wp=-
        report 2 => OK 0 cond=em wp=0
        """)


def test_append_prints_at_the_block_where_the_data_landed(zw):
    r = zw.script(DEV, """
        append 2 5
        append 2 3
        write 2 8 2
        append 2 1
        """)
    assert r.out == dedent("""
        append 2 5 => OK 0 cond=oi wp=5 at=0
        append 2 3 => OK 0 cond=oi wp=8 at=5
        write 2 8 2 => OK 0 cond=oi wp=10
        append 2 1 => OK 0 cond=oi wp=11 at=10
        """)


def test_explain_appends_the_reason_to_failed_lines_only(zw):
    r = zw.script(DEV, """
        write 1 4 1
        write 1 0 1
        write 1 0 1
        """, "--explain")
    assert r.out == dedent("""
        write 1 4 1 => BLK_STS_IOERR -EIO cond=em wp=0  # write at sector 2080 is not at the write pointer 2048 of zone 1
        write 1 0 1 => OK 0 cond=oi wp=1
        write 1 0 1 => BLK_STS_IOERR -EIO cond=oi wp=1  # write at sector 2048 is not at the write pointer 2056 of zone 1 (the zone write plug refuses it)
        """)


def test_explain_names_the_nvme_status_on_zns(zw):
    r = zw.script("emu:model=zns,zones=3,zone_size=1M", """
        write 0 4 1
        write 0 0 1
        """, "--explain")
    assert r.out == dedent("""
        write 0 4 1 => BLK_STS_IOERR -EIO cond=em wp=0  # write at sector 32 is not at the write pointer 0 of zone 0 (NVMe status 0x1BC Zone Invalid Write)
        write 0 0 1 => OK 0 cond=oi wp=1
        """)


def test_explain_names_the_sense_data_on_zbc(zw):
    r = zw.script("emu:model=zbc,zones=3,zone_size=1M", """
        write 0 4 1
        write 0 0 1
        """, "--explain")
    assert r.out == dedent("""
        write 0 4 1 => BLK_STS_TARGET -EREMOTEIO cond=em wp=0  # write at sector 32 is not at the write pointer 0 of zone 0 (sense 5h/21h/04h ILLEGAL REQUEST)
        write 0 0 1 => OK 0 cond=oi wp=1
        """)


def test_json_prints_one_object_per_line_with_the_documented_fields(zw):
    r = zw.script("emu:model=zns,zones=2,zone_size=1M", """
        write 0 0 4
        write 0 0 1
        append 0 2
        reset all
        report
        """, "--json")
    assert r.rc == 0
    objs = r.json_lines()
    assert len(objs) == 6
    for o in objs:
        assert JSON_KEYS <= set(o), o
    assert objs[0] == {"line": 1, "op": "write 0 0 4", "status": "OK", "errno": 0,
                       "errno_name": "0", "zone": 0, "cond": "oi", "wp": 4}
    fail = objs[1]
    assert fail["line"] == 2
    assert fail["op"] == "write 0 0 1"
    assert (fail["status"], fail["errno"], fail["errno_name"]) == ("BLK_STS_IOERR", -5, "-EIO")
    assert (fail["zone"], fail["cond"], fail["wp"]) == (0, "oi", 4)
    assert fail["reason"] == ("write at sector 0 is not at the write pointer 32 of zone 0 "
                              "(the zone write plug refuses it)")
    assert "native" not in fail      # the plug refused it: the device never saw it
    assert objs[2]["at"] == 4 and objs[2]["wp"] == 6
    assert "at" not in objs[0] and "reason" not in objs[0]
    assert objs[3] == {"line": 4, "op": "reset all", "status": "OK", "errno": 0,
                       "errno_name": "0", "cond": "-", "wp": None}
    assert [(o["line"], o["op"], o["zone"], o["wp"]) for o in objs[4:]] == [
        (5, "report 0", 0, 0), (5, "report 1", 1, 0)]


def test_json_failure_carries_the_device_s_native_code(zw):
    r = zw.script("emu:model=zns,zones=2,zone_size=1M", "write 1 3 1\n", "--json")
    assert r.json_lines() == [{
        "line": 1, "op": "write 1 3 1", "status": "BLK_STS_IOERR", "errno": -5, "errno_name": "-EIO",
        "zone": 1, "cond": "em", "wp": 0,
        "reason": "write at sector 2072 is not at the write pointer 2048 of zone 1",
        "native": "NVMe status 0x1BC Zone Invalid Write"}]


def test_json_wp_is_null_for_a_conventional_zone(zw):
    r = zw.script(DEV, "write 0 0 1\n", "--json")
    (o,) = r.json_lines()
    assert o["cond"] == "nw"
    assert o["wp"] is None


def test_script_from_a_file_prints_the_same_as_from_stdin(zw, tmp_path):
    text = "write 1 0 8\nwrite 1 4 1\nappend 1 2\nreport\n"
    path = tmp_path / "s.zs"
    path.write_text(text)
    from_file = zw("zone", "run", "--dev", DEV, path)
    from_stdin = zw("zone", "run", "--dev", DEV, "-", input=text)
    assert from_file.rc == from_stdin.rc == 0
    assert from_file.out == from_stdin.out
    assert len(from_file.lines) == 6


def test_every_line_of_the_demo_script_matches_the_documented_format(zw):
    demo = (REPO / "tools" / "demo.zs").read_text()
    dev = "emu:zones=8,zone_size=1M,zone_cap=768k,conv=1,max_open=2,max_active=3,model=nullblk"
    r = zw("zone", "run", "--explain", "--dev", dev, "-", input=demo)
    assert r.rc == 0
    ops = [ln.split("#")[0].split() for ln in demo.splitlines()]
    ops = [o for o in ops if o]
    # 'report' without a zone expands to one line per zone (8 zones).
    expected = sum(8 if o == ["report"] else 1 for o in ops)
    assert len(r.lines) == expected
    for line in r.lines:
        m = LINE_RE.match(line)
        assert m, line
        assert (m.group("status") == "OK") == (m.group("reason") is None), line
    # The demo's comments state these outcomes.
    assert "write 1 4 1 => BLK_STS_IOERR -EIO cond=oi wp=8  # " in r.out
    assert "append 1 4 => OK 0 cond=oi wp=20 at=16\n" in r.out
    assert "write 1 20 172 => OK 0 cond=fu wp=192\n" in r.out
    assert "report 2 => OK 0 cond=cl wp=1\n" in r.out
    assert "open 5 => BLK_STS_ZONE_ACTIVE_RESOURCE -EOVERFLOW cond=em wp=0  # " in r.out
    assert "finish 4 => OK 0 cond=fu wp=256\n" in r.out
