"""Scripted scenarios that reproduce rows of the observed table
(/work/shared/reference/zone-model-observed.md, "Zone state machine and
errors") line for line, per personality.

Devices use 1 MiB zones of 4 KiB blocks: 256 blocks a zone; where the row
needs cap < size, a capacity of 768 KiB = 192 blocks.  zwsim talks to the
device alone (--raw, today's only path), so rows that only the block layer
produces (zone write plug, splitting) are not part of these scenarios.
"""
import pytest

from conftest import dedent

GEO = "zones=8,zone_size=1M"
GEO_CAP = "zones=8,zone_size=1M,zone_cap=768k"


def run(zw, dev, script, *opts):
    r = zw.script(dev, script, *opts)
    assert r.rc == 0, r
    return r.out


# --- write placement ---------------------------------------------------

@pytest.mark.parametrize("model,expected", [
    ("nullblk", "write 0 4 1 => BLK_STS_IOERR -EIO cond=em wp=0\n"),
    ("zns", "write 0 4 1 => BLK_STS_IOERR -EIO cond=em wp=0\n"),
    ("zbc", "write 0 4 1 => BLK_STS_TARGET -EREMOTEIO cond=em wp=0\n"),
])
def test_write_not_at_wp_in_an_empty_zone_fails_without_opening_it(zw, model, expected):
    # row "write not at wp, zone EMPTY": null_blk -EIO, ZNS -EIO (0x1BC), ZBC -EREMOTEIO (21h/04h)
    assert run(zw, "emu:model=%s,%s" % (model, GEO), "write 0 4 1\n") == expected


@pytest.mark.parametrize("model,native", [
    ("zns", "(NVMe status 0x1BC Zone Invalid Write)"),
    ("zbc", "(sense 5h/21h/04h ILLEGAL REQUEST)"),
])
def test_write_not_at_wp_names_the_device_code(zw, model, native):
    out = run(zw, "emu:model=%s,%s" % (model, GEO), "write 0 4 1\n", "--explain")
    assert out.rstrip("\n").endswith(native)


@pytest.mark.parametrize("model,expected", [
    ("nullblk", "write 1 0 1 => BLK_STS_IOERR -EIO cond=fu wp=256  # write at sector 2048 to full zone 1"),
    ("zns", "write 1 0 1 => BLK_STS_IOERR -EIO cond=fu wp=256  # zone 1 is full (NVMe status 0x1B9 Zone Is Full)"),
    ("zbc", "write 1 0 1 => BLK_STS_TARGET -EREMOTEIO cond=fu wp=256  # zone 1 is full (sense 5h/24h/00h ILLEGAL REQUEST)"),
])
def test_write_to_a_full_zone_fails_and_leaves_it_full(zw, model, expected):
    # row "write to FULL zone": null_blk -EIO, ZNS -EIO (0x1B9), ZBC -EREMOTEIO (24h/00h)
    out = run(zw, "emu:model=%s,%s" % (model, GEO), "finish 1\nwrite 1 0 1\n", "--explain")
    assert out == "finish 1 => OK 0 cond=fu wp=256\n" + expected + "\n"


@pytest.mark.parametrize("model", ["nullblk", "zns"])
def test_write_at_the_wp_of_a_zone_filled_by_writes_fails_eio(zw, model):
    # row "write to FULL zone", for a zone that writes filled up to its capacity
    out = run(zw, "emu:model=%s,%s" % (model, GEO_CAP), "write 4 0 192\nwrite 4 192 1\nreport 4\n")
    wp = {"nullblk": 192, "zns": 256}[model]
    assert out == dedent("""
        write 4 0 192 => OK 0 cond=fu wp=%d
        write 4 192 1 => BLK_STS_IOERR -EIO cond=fu wp=%d
        report 4 => OK 0 cond=fu wp=%d
        """ % (wp, wp, wp))


@pytest.mark.parametrize("model,full_line", [
    ("nullblk", "write 0 190 2 => OK 0 cond=fu wp=192"),
    ("zns", "write 0 190 2 => OK 0 cond=fu wp=256"),
])
def test_write_across_the_capacity_writes_nothing_and_keeps_the_wp(zw, model, full_line):
    # row "write across capacity (cap < size), one command": -EIO, nothing written
    out = run(zw, "emu:model=%s,%s" % (model, GEO_CAP), """
        write 0 0 190
        write 0 190 4
        report 0
        read 0 190 2
        write 0 190 2
        """, "--verify")
    assert out == dedent("""
        write 0 0 190 => OK 0 cond=oi wp=190
        write 0 190 4 => BLK_STS_IOERR -EIO cond=oi wp=190
        report 0 => OK 0 cond=oi wp=190
        read 0 190 2 => OK 0 cond=oi wp=190 data=ok
        %s
        """ % full_line)


def test_zns_write_across_the_capacity_is_a_zone_boundary_error(zw):
    out = run(zw, "emu:model=zns," + GEO_CAP, "write 0 0 190\nwrite 0 190 4\n", "--explain")
    assert out.splitlines()[1].endswith("(NVMe status 0x1B8 Zone Boundary Error)")


@pytest.mark.parametrize("model", ["nullblk", "zns", "zbc"])
def test_reads_above_the_write_pointer_succeed_and_return_zeros(zw, model):
    # row "read beyond wp": OK everywhere (null_blk returns 0xFF there, not zeros,
    # which --verify also takes as unwritten)
    out = run(zw, "emu:model=%s,%s" % (model, GEO), """
        write 2 0 4
        read 2 0 64
        read 3 100 8
        """, "--verify")
    assert out == dedent("""
        write 2 0 4 => OK 0 cond=oi wp=4
        read 2 0 64 => OK 0 cond=oi wp=4 data=ok
        read 3 100 8 => OK 0 cond=em wp=0 data=ok
        """)


def test_zns_read_across_the_zone_end_is_a_zone_boundary_error_without_the_block_layer(zw):
    # row "read across the zone end": ZNS passthrough -EIO (0x1B8)
    out = run(zw, "emu:model=zns," + GEO, "read 0 250 10\n", "--explain", "--raw")
    assert out == ("read 0 250 10 => BLK_STS_IOERR -EIO cond=em wp=0  # read of 80 sectors at sector 2000 "
                   "crosses the end of zone 0 (NVMe status 0x1B8 Zone Boundary Error)\n")


@pytest.mark.parametrize("model", ["nullblk", "zns", "zbc"])
def test_read_across_the_zone_end_succeeds_through_the_block_layer(zw, model):
    # row "read across the zone end": null_blk OK (split), ZNS through the block layer OK, ZBC OK (split)
    out = run(zw, "emu:model=%s,%s" % (model, GEO), "write 1 0 4\nread 0 250 10\n", "--verify")
    assert out == "write 1 0 4 => OK 0 cond=oi wp=4\nread 0 250 10 => OK 0 cond=em wp=0 data=ok\n"


# --- state transitions -------------------------------------------------

@pytest.mark.parametrize("model,expected", [
    ("nullblk", "close 1 => BLK_STS_IOERR -EIO cond=em wp=0\n"),
    ("zns", "close 1 => BLK_STS_IOERR -EIO cond=em wp=0\n"),
    ("zbc", "close 1 => OK 0 cond=em wp=0\n"),
])
def test_close_of_an_empty_zone_fails_except_on_zbc_where_it_is_a_noop(zw, model, expected):
    # row "close of an EMPTY zone": null_blk -EIO, ZNS -EIO (0x1BF), ZBC OK no-op
    assert run(zw, "emu:model=%s,%s" % (model, GEO), "close 1\n") == expected


@pytest.mark.parametrize("model,expected", [
    ("nullblk", """
        finish 3 => OK 0 cond=fu wp=256
        open 3 => BLK_STS_IOERR -EIO cond=fu wp=256
        close 3 => BLK_STS_IOERR -EIO cond=fu wp=256
        """),
    ("zns", """
        finish 3 => OK 0 cond=fu wp=256
        open 3 => BLK_STS_IOERR -EIO cond=fu wp=256
        close 3 => BLK_STS_IOERR -EIO cond=fu wp=256
        """),
    ("zbc", """
        finish 3 => OK 0 cond=fu wp=256
        open 3 => OK 0 cond=fu wp=256
        close 3 => OK 0 cond=fu wp=256
        """),
])
def test_open_and_close_of_a_full_zone_fail_except_on_zbc(zw, model, expected):
    # row "open / close of a FULL zone": null_blk -EIO, ZNS -EIO (0x1BF), ZBC OK no-op
    assert run(zw, "emu:model=%s,%s" % (model, GEO), "finish 3\nopen 3\nclose 3\n") == dedent(expected)


@pytest.mark.parametrize("model", ["nullblk", "zns", "zbc"])
def test_finish_full_reset_empty_open_exp_open_and_close_closed_are_noops(zw, model):
    # row "finish FULL / reset EMPTY / open EXP_OPEN / close CLOSED": OK no-op
    out = run(zw, "emu:model=%s,%s" % (model, GEO), """
        finish 1
        finish 1
        reset 2
        open 3
        open 3
        write 4 0 1
        close 4
        close 4
        """)
    assert out == dedent("""
        finish 1 => OK 0 cond=fu wp=256
        finish 1 => OK 0 cond=fu wp=256
        reset 2 => OK 0 cond=em wp=0
        open 3 => OK 0 cond=oe wp=0
        open 3 => OK 0 cond=oe wp=0
        write 4 0 1 => OK 0 cond=oi wp=1
        close 4 => OK 0 cond=cl wp=1
        close 4 => OK 0 cond=cl wp=1
        """)


@pytest.mark.parametrize("model,after_close", [
    ("nullblk", "close 1 => OK 0 cond=em wp=0"),
    ("zns", "close 1 => OK 0 cond=cl wp=0"),
    ("zbc", "close 1 => OK 0 cond=em wp=0"),
])
def test_close_of_an_explicitly_opened_empty_zone(zw, model, after_close):
    # row "close of an EXPLICITLY opened EMPTY zone": null_blk/ZBC -> EMPTY, ZNS -> CLOSED wp 0
    out = run(zw, "emu:model=%s,%s" % (model, GEO), "open 1\nclose 1\nreport 1\n")
    cond = after_close.split("cond=")[1]
    assert out == "open 1 => OK 0 cond=oe wp=0\n%s\nreport 1 => OK 0 cond=%s\n" % (after_close, cond)


def test_zns_zone_closed_while_empty_stays_active(zw):
    # ... "it stays active!": with max_active=2, the closed empty zone still takes a slot
    out = run(zw, "emu:model=zns,zones=8,zone_size=1M,max_active=2,max_open=2", """
        open 1
        close 1
        write 2 0 1
        write 3 0 1
        """)
    assert out == dedent("""
        open 1 => OK 0 cond=oe wp=0
        close 1 => OK 0 cond=cl wp=0
        write 2 0 1 => OK 0 cond=oi wp=1
        write 3 0 1 => BLK_STS_ZONE_ACTIVE_RESOURCE -EOVERFLOW cond=em wp=0
        """)


@pytest.mark.parametrize("model,expected", [
    ("nullblk", "finish 2 => BLK_STS_ZONE_ACTIVE_RESOURCE -EOVERFLOW cond=em wp=0"),
    ("zns", "finish 2 => OK 0 cond=fu wp=256"),
])
def test_finish_of_an_empty_zone_at_the_active_limit(zw, model, expected):
    # row "finish of an EMPTY or CLOSED zone": null_blk resource-checked (-EOVERFLOW), ZNS never checked
    out = run(zw, "emu:model=%s,zones=8,zone_size=1M,max_open=2,max_active=2" % model, """
        write 0 0 1
        write 1 0 1
        finish 2
        report 0
        report 1
        """)
    assert out == dedent("""
        write 0 0 1 => OK 0 cond=oi wp=1
        write 1 0 1 => OK 0 cond=oi wp=1
        %s
        report 0 => OK 0 cond=oi wp=1
        report 1 => OK 0 cond=oi wp=1
        """ % expected)


def test_zbc_finish_of_an_empty_zone_is_never_resource_checked(zw):
    out = run(zw, "emu:model=zbc,zones=8,zone_size=1M,max_open=1", "open 0\nfinish 2\n")
    assert out == "open 0 => OK 0 cond=oe wp=0\nfinish 2 => OK 0 cond=fu wp=256\n"


# --- FULL write pointer ------------------------------------------------

def test_nullblk_full_zone_wp_is_the_capacity_when_filled_by_writes_and_the_size_after_finish(zw):
    # row "wp reported for a FULL zone": null_blk finish: size; filled by writes with cap < size: capacity
    out = run(zw, "emu:model=nullblk," + GEO_CAP, """
        write 1 0 192
        finish 2
        write 3 0 100
        finish 3
        report 1
        """)
    assert out == dedent("""
        write 1 0 192 => OK 0 cond=fu wp=192
        finish 2 => OK 0 cond=fu wp=256
        write 3 0 100 => OK 0 cond=oi wp=100
        finish 3 => OK 0 cond=fu wp=256
        report 1 => OK 0 cond=fu wp=192
        """)


def test_zns_full_zone_wp_is_always_the_size(zw):
    # row "wp reported for a FULL zone": ZNS always the size (1024 in the table's geometry)
    out = run(zw, "emu:model=zns," + GEO_CAP, """
        write 1 0 192
        finish 2
        append 3 100
        append 3 92
        """)
    assert out == dedent("""
        write 1 0 192 => OK 0 cond=fu wp=256
        finish 2 => OK 0 cond=fu wp=256
        append 3 100 => OK 0 cond=oi wp=100 at=0
        append 3 92 => OK 0 cond=fu wp=256 at=100
        """)


def test_zbc_full_zone_wp_is_the_size(zw):
    out = run(zw, "emu:model=zbc," + GEO, "write 1 0 256\nfinish 2\n")
    assert out == "write 1 0 256 => OK 0 cond=fu wp=256\nfinish 2 => OK 0 cond=fu wp=256\n"


# --- open resources ----------------------------------------------------

@pytest.mark.parametrize("model,expected", [
    # write 1, write 0, write 2: victim 0 (nullblk cursor at 0), 1 (zns, oldest), 0 (zbc, lowest).
    # write 0 reopens zone 0; write 5: nullblk cursor -> 1 then 2; zns oldest of {2,0}... see table.
    ("nullblk", """
        write 1 0 1 => OK 0 cond=oi wp=1
        write 0 0 1 => OK 0 cond=oi wp=1
        write 2 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=cl wp=1
        report 1 => OK 0 cond=oi wp=1
        report 2 => OK 0 cond=oi wp=1
        write 0 1 1 => OK 0 cond=oi wp=2
        write 5 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=oi wp=2
        report 1 => OK 0 cond=cl wp=1
        report 2 => OK 0 cond=cl wp=1
        """),
    ("zns", """
        write 1 0 1 => OK 0 cond=oi wp=1
        write 0 0 1 => OK 0 cond=oi wp=1
        write 2 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=oi wp=1
        report 1 => OK 0 cond=cl wp=1
        report 2 => OK 0 cond=oi wp=1
        write 0 1 1 => OK 0 cond=oi wp=2
        write 5 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=cl wp=2
        report 1 => OK 0 cond=cl wp=1
        report 2 => OK 0 cond=oi wp=1
        """),
    ("zbc", """
        write 1 0 1 => OK 0 cond=oi wp=1
        write 0 0 1 => OK 0 cond=oi wp=1
        write 2 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=cl wp=1
        report 1 => OK 0 cond=oi wp=1
        report 2 => OK 0 cond=oi wp=1
        write 0 1 1 => OK 0 cond=oi wp=2
        write 5 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=cl wp=2
        report 1 => OK 0 cond=cl wp=1
        report 2 => OK 0 cond=oi wp=1
        """),
])
def test_implicit_close_victim_is_round_robin_on_nullblk_fifo_on_zns_lowest_on_zbc(zw, model, expected):
    # row "implicit-close victim"
    out = run(zw, "emu:model=%s,zones=6,zone_size=1M,max_open=2" % model, """
        write 1 0 1
        write 0 0 1
        write 2 0 1
        report 0
        report 1
        report 2
        write 0 1 1
        write 5 0 1
        report 0
        report 1
        report 2
        """)
    assert out == dedent(expected)


def test_nullblk_round_robin_cursor_is_not_reset_by_reset_all(zw):
    # row "implicit-close victim", null_blk: "The cursor is not reset by `reset all`"
    out = run(zw, "emu:model=nullblk,zones=6,zone_size=1M,max_open=2", """
        write 0 0 1
        write 1 0 1
        write 2 0 1
        report 0
        reset all
        write 0 0 1
        write 1 0 1
        write 2 0 1
        report 0
        report 1
        """)
    assert out == dedent("""
        write 0 0 1 => OK 0 cond=oi wp=1
        write 1 0 1 => OK 0 cond=oi wp=1
        write 2 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=cl wp=1
        reset all => OK 0 cond=- wp=-
        write 0 0 1 => OK 0 cond=oi wp=1
        write 1 0 1 => OK 0 cond=oi wp=1
        write 2 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=oi wp=1
        report 1 => OK 0 cond=cl wp=1
        """)


def test_zns_rewriting_an_implicitly_open_zone_does_not_refresh_its_fifo_place(zw):
    # row "implicit-close victim", ZNS: "Rewriting it does not refresh it"
    out = run(zw, "emu:model=zns,zones=6,zone_size=1M,max_open=2", """
        write 0 0 1
        write 1 0 1
        write 0 1 1
        write 2 0 1
        report 0
        report 1
        """)
    assert out == dedent("""
        write 0 0 1 => OK 0 cond=oi wp=1
        write 1 0 1 => OK 0 cond=oi wp=1
        write 0 1 1 => OK 0 cond=oi wp=2
        write 2 0 1 => OK 0 cond=oi wp=1
        report 0 => OK 0 cond=cl wp=2
        report 1 => OK 0 cond=oi wp=1
        """)


@pytest.mark.parametrize("model,native", [
    ("nullblk", ""),
    ("zns", " (NVMe status 0x1BE Too Many Open Zones)"),
    ("zbc", " (sense 7h/55h/0Eh DATA PROTECT)"),
])
def test_open_or_write_of_an_empty_zone_with_all_open_slots_explicit_fails_etoomanyrefs(zw, model, native):
    # rows "explicit open, all open slots explicit" and "write to an EMPTY zone, all open slots explicit"
    out = run(zw, "emu:model=%s,zones=6,zone_size=1M,max_open=2" % model, """
        open 0
        open 1
        open 2
        write 3 0 1
        write 0 0 1
        """, "--explain")
    why = "no open zone resource for zone %d: 2 of 2 zones open (2 explicitly)"
    assert out == dedent("""
        open 0 => OK 0 cond=oe wp=0
        open 1 => OK 0 cond=oe wp=0
        open 2 => BLK_STS_ZONE_OPEN_RESOURCE -ETOOMANYREFS cond=em wp=0  # %s%s
        write 3 0 1 => BLK_STS_ZONE_OPEN_RESOURCE -ETOOMANYREFS cond=em wp=0  # %s%s
        write 0 0 1 => OK 0 cond=oe wp=1
        """ % (why % 2, native, why % 3, native))


@pytest.mark.parametrize("model", ["nullblk", "zns", "zbc"])
def test_open_at_max_open_with_an_implicitly_open_zone_closes_it_and_succeeds(zw, model):
    # row "implicit or explicit open at max_open with an implicitly open zone present"
    out = run(zw, "emu:model=%s,zones=6,zone_size=1M,max_open=2" % model, """
        open 0
        write 1 0 3
        open 2
        report 1
        """)
    assert out == dedent("""
        open 0 => OK 0 cond=oe wp=0
        write 1 0 3 => OK 0 cond=oi wp=3
        open 2 => OK 0 cond=oe wp=0
        report 1 => OK 0 cond=cl wp=3
        """)


@pytest.mark.parametrize("model", ["nullblk", "zns"])
def test_write_or_open_of_an_empty_zone_at_the_active_limit_fails_eoverflow(zw, model):
    # row "write or open of an EMPTY zone at the active limit": -EOVERFLOW
    out = run(zw, "emu:model=%s,zones=6,zone_size=1M,max_open=2,max_active=2" % model, """
        write 0 0 1
        write 1 0 1
        close 1
        open 2
        write 3 0 1
        report 0
        report 1
        """)
    assert out == dedent("""
        write 0 0 1 => OK 0 cond=oi wp=1
        write 1 0 1 => OK 0 cond=oi wp=1
        close 1 => OK 0 cond=cl wp=1
        open 2 => BLK_STS_ZONE_ACTIVE_RESOURCE -EOVERFLOW cond=em wp=0
        write 3 0 1 => BLK_STS_ZONE_ACTIVE_RESOURCE -EOVERFLOW cond=em wp=0
        report 0 => OK 0 cond=oi wp=1
        report 1 => OK 0 cond=cl wp=1
        """)


@pytest.mark.parametrize("model,victim", [
    ("nullblk", "report 0 => OK 0 cond=oi wp=1"),   # no side effect
    ("zns", "report 0 => OK 0 cond=cl wp=1"),       # QEMU auto-closed the oldest first
])
def test_refused_open_at_the_active_limit_with_full_open_slots(zw, model, victim):
    # row "write or open of an EMPTY zone at the active limit": null_blk no side effect;
    # ZNS "the oldest implicitly open zone has already been closed"
    out = run(zw, "emu:model=%s,zones=6,zone_size=1M,max_open=2,max_active=2" % model, """
        write 0 0 1
        write 1 0 1
        open 3
        report 0
        report 1
        """, "--explain")
    lines = out.splitlines()
    assert lines[2].startswith("open 3 => BLK_STS_ZONE_ACTIVE_RESOURCE -EOVERFLOW cond=em wp=0  # ")
    if model == "zns":
        assert lines[2].endswith("(NVMe status 0x1BD Too Many Active Zones)")
    assert lines[3] == victim
    assert lines[4] == "report 1 => OK 0 cond=oi wp=1"


@pytest.mark.parametrize("model,expected", [
    ("nullblk", """
        write 0 1 1 => BLK_STS_ZONE_OPEN_RESOURCE -ETOOMANYREFS cond=cl wp=1
        open 0 => BLK_STS_ZONE_OPEN_RESOURCE -ETOOMANYREFS cond=cl wp=1
        report 1 => OK 0 cond=oi wp=1
        report 2 => OK 0 cond=oi wp=1
        """),
    ("zns", """
        write 0 1 1 => OK 0 cond=oi wp=2
        open 0 => OK 0 cond=oe wp=2
        report 1 => OK 0 cond=cl wp=1
        report 2 => OK 0 cond=oi wp=1
        """),
])
def test_reopen_of_a_closed_zone_at_the_active_limit_with_all_open_slots_implicit(zw, model, expected):
    # row "reopen a CLOSED zone (write or open) when the open slots are all implicit and
    # active == max_active": null_blk -ETOOMANYREFS, ZNS OK (closes one implicit zone)
    out = run(zw, "emu:model=%s,zones=6,zone_size=1M,max_open=2,max_active=3" % model, """
        write 0 0 1
        write 1 0 1
        write 2 0 1
        write 0 1 1
        open 0
        report 1
        report 2
        """)
    assert out == dedent("""
        write 0 0 1 => OK 0 cond=oi wp=1
        write 1 0 1 => OK 0 cond=oi wp=1
        write 2 0 1 => OK 0 cond=oi wp=1
        """) + dedent(expected)


def test_zbc_reopen_of_a_closed_zone_at_max_open_closes_an_implicit_zone(zw):
    # row "reopen a CLOSED zone ...": ZBC OK (it has no active limit)
    out = run(zw, "emu:model=zbc,zones=6,zone_size=1M,max_open=2", """
        write 0 0 1
        write 1 0 1
        write 2 0 1
        write 0 1 1
        report 1
        """)
    assert out.splitlines()[3:] == ["write 0 1 1 => OK 0 cond=oi wp=2", "report 1 => OK 0 cond=cl wp=1"]


# --- conventional zones, append, reset all ------------------------------

@pytest.mark.parametrize("model,status", [
    ("nullblk", "BLK_STS_IOERR -EIO"),
    ("zbc", "BLK_STS_TARGET -EREMOTEIO"),
])
def test_open_and_close_of_a_conventional_zone_fail(zw, model, status):
    # row "open / close on a conventional zone": null_blk -EIO, ZBC -EREMOTEIO (24h/00h)
    out = run(zw, "emu:model=%s,zones=4,zone_size=1M,conv=1" % model, "open 0\nclose 0\nwrite 0 7 3\n")
    assert out == dedent("""
        open 0 => %s cond=nw wp=-
        close 0 => %s cond=nw wp=-
        write 0 7 3 => OK 0 cond=nw wp=-
        """ % (status, status))


def test_zns_append_lands_at_the_old_wp_and_fails_on_full_and_across_capacity(zw):
    # row "append (ZNS only)": at = old wp. FULL -> -EIO (0x1B9); across cap -> -EIO (0x1B8)
    out = run(zw, "emu:model=zns," + GEO_CAP, """
        append 0 100
        append 0 100
        append 0 92
        append 0 1
        """, "--explain")
    assert out == dedent("""
        append 0 100 => OK 0 cond=oi wp=100 at=0
        append 0 100 => BLK_STS_IOERR -EIO cond=oi wp=100  # zone append of 800 sectors at sector 800 crosses the capacity of zone 0 (ends at sector 1536) (NVMe status 0x1B8 Zone Boundary Error)
        append 0 92 => OK 0 cond=fu wp=256 at=100
        append 0 1 => BLK_STS_IOERR -EIO cond=fu wp=256  # zone 0 is full (NVMe status 0x1B9 Zone Is Full)
        """)


def test_zns_append_follows_the_open_and_active_limits_like_writes(zw):
    out = run(zw, "emu:model=zns,zones=6,zone_size=1M,max_open=1,max_active=1", """
        open 0
        append 1 1
        """)
    assert out == dedent("""
        open 0 => OK 0 cond=oe wp=0
        append 1 1 => BLK_STS_ZONE_ACTIVE_RESOURCE -EOVERFLOW cond=em wp=0
        """)


@pytest.mark.parametrize("model", ["nullblk", "zns", "zbc"])
def test_reset_all_resets_written_zones_and_skips_read_only_and_offline_zones(zw, model):
    # row "`reset all`": OK; skips RO and offline zones
    out = run(zw, "emu:model=%s,zones=4,zone_size=1M" % model, """
        write 1 0 4
        write 2 0 4
        write 3 0 4
        inject ro=1
        inject offline=2
        reset all
        report
        read 1 0 4
        """, "--verify")
    assert out == dedent("""
        write 1 0 4 => OK 0 cond=oi wp=4
        write 2 0 4 => OK 0 cond=oi wp=4
        write 3 0 4 => OK 0 cond=oi wp=4
        inject ro=1 => OK 0 cond=ro wp=-
        inject offline=2 => OK 0 cond=ol wp=-
        reset all => OK 0 cond=- wp=-
        report 0 => OK 0 cond=em wp=0
        report 1 => OK 0 cond=ro wp=-
        report 2 => OK 0 cond=ol wp=-
        report 3 => OK 0 cond=em wp=0
        read 1 0 4 => OK 0 cond=ro wp=- data=ok
        """)


# --- kernel-path effects (the block layer between the program and the device) ---

@pytest.mark.parametrize("model", ["nullblk", "zns", "zbc"])
def test_write_not_at_wp_in_a_partly_written_zone_is_refused_by_the_plug_with_eio(zw, model):
    # row "write not at wp, zone partly written": -EIO everywhere; ZBC -EIO because the
    # zone write plug refuses it and the device never sees it
    out = run(zw, "emu:model=%s,%s" % (model, GEO), "write 0 0 4\nwrite 0 2 1\nwrite 0 4 1\n", "--explain")
    assert out == dedent("""
        write 0 0 4 => OK 0 cond=oi wp=4
        write 0 2 1 => BLK_STS_IOERR -EIO cond=oi wp=4  # write at sector 16 is not at the write pointer 32 of zone 0 (the zone write plug refuses it)
        write 0 4 1 => OK 0 cond=oi wp=5
        """)


@pytest.mark.parametrize("model", ["nullblk", "zns", "zbc"])
def test_write_across_the_zone_end_is_split_and_each_piece_lands_in_its_zone(zw, model):
    # row "write across the zone END (block layer)": split, Z's and Z+1's pieces succeed independently
    out = run(zw, "emu:model=%s,%s" % (model, GEO), """
        write 1 0 250
        write 1 250 10
        report 1
        report 2
        """)
    assert out == dedent("""
        write 1 0 250 => OK 0 cond=oi wp=250
        write 1 250 10 => OK 0 cond=fu wp=256
        report 1 => OK 0 cond=fu wp=256
        report 2 => OK 0 cond=oi wp=4
        """)


@pytest.mark.parametrize("model", ["nullblk", "zbc"])
def test_write_across_the_zone_end_can_fill_the_zone_and_still_fail(zw, model):
    # row "write across the zone END": "Z can end FULL ... while the op still returns -EIO"
    out = run(zw, "emu:model=%s,%s" % (model, GEO), """
        write 2 0 4
        write 1 0 250
        write 1 250 10
        report 1
        report 2
        """)
    assert out == dedent("""
        write 2 0 4 => OK 0 cond=oi wp=4
        write 1 0 250 => OK 0 cond=oi wp=250
        write 1 250 10 => BLK_STS_IOERR -EIO cond=fu wp=256
        report 1 => OK 0 cond=fu wp=256
        report 2 => OK 0 cond=oi wp=4
        """)


def test_write_across_the_zone_end_lands_in_the_next_zone_even_when_the_first_piece_is_refused(zw):
    # row "write across the zone END": "Z's piece and Z+1's piece succeed or fail independently"
    # Zone 1 was implicitly closed by 'open 3'; reopening it needs an open slot, and both
    # slots are explicit: its piece fails, zone 2's piece (explicitly open) is written.
    out = run(zw, "emu:model=nullblk,zones=6,zone_size=1M,max_open=2", """
        write 1 0 250
        open 2
        open 3
        write 1 250 10
        report 1
        report 2
        """)
    assert out == dedent("""
        write 1 0 250 => OK 0 cond=oi wp=250
        open 2 => OK 0 cond=oe wp=0
        open 3 => OK 0 cond=oe wp=0
        write 1 250 10 => BLK_STS_ZONE_OPEN_RESOURCE -ETOOMANYREFS cond=cl wp=250
        report 1 => OK 0 cond=cl wp=250
        report 2 => OK 0 cond=oe wp=4
        """)


def test_write_across_the_zone_end_fails_whole_on_the_device_alone(zw):
    # --raw: one command to the device, which refuses to cross the capacity; nothing written
    # (max_sectors=2048: a 250-block command is larger than null_blk's 255 sectors, which
    # the kernel refuses to pass through whole)
    out = run(zw, "emu:model=nullblk,max_sectors=2048," + GEO, "write 1 0 250\nwrite 1 250 10\nreport 2\n",
              "--raw")
    assert out == dedent("""
        write 1 0 250 => OK 0 cond=oi wp=250
        write 1 250 10 => BLK_STS_IOERR -EIO cond=oi wp=250
        report 2 => OK 0 cond=em wp=0
        """)


def test_split_write_across_the_capacity_writes_its_leading_pieces_then_fails(zw):
    # "Partial progress: ... zone capacity 768 blocks, wp 736, a 33-block write: wp ends at 767, the op fails"
    out = run(zw, "emu:model=nullblk,zones=4,zone_size=4M,zone_cap=3M", """
        write 0 0 736
        write 0 736 33
        report 0
        write 0 767 1
        """)
    assert out == dedent("""
        write 0 0 736 => OK 0 cond=oi wp=736
        write 0 736 33 => BLK_STS_IOERR -EIO cond=oi wp=767
        report 0 => OK 0 cond=oi wp=767
        write 0 767 1 => OK 0 cond=fu wp=768
        """)


def test_split_write_at_the_active_limit_fails_eio_instead_of_eoverflow(zw):
    # "Resource errors become -EIO: at the active limit, `write Z 0 1` gives -EOVERFLOW,
    # but `write Z 0 62` gives -EIO" (null_blk: 62 blocks are split at 255 sectors)
    out = run(zw, "emu:model=nullblk,zones=4,zone_size=1M,max_open=2,max_active=2", """
        write 0 0 1
        write 1 0 1
        write 2 0 1
        write 2 0 62
        report 2
        """)
    assert out == dedent("""
        write 0 0 1 => OK 0 cond=oi wp=1
        write 1 0 1 => OK 0 cond=oi wp=1
        write 2 0 1 => BLK_STS_ZONE_ACTIVE_RESOURCE -EOVERFLOW cond=em wp=0
        write 2 0 62 => BLK_STS_IOERR -EIO cond=em wp=0
        report 2 => OK 0 cond=em wp=0
        """)


def test_zbc_reset_and_finish_of_a_conventional_zone_are_refused_by_the_block_layer(zw):
    # rows "reset / finish on a conventional zone": ZBC -EIO (the block layer refuses);
    # "open / close on a conventional zone": ZBC -EREMOTEIO (5/24h/00h)
    out = run(zw, "emu:model=zbc,zones=4,zone_size=1M,conv=1", "reset 0\nfinish 0\nopen 0\nclose 0\n", "--explain")
    assert out == dedent("""
        reset 0 => BLK_STS_IOERR -EIO cond=nw wp=-  # zone_reset of conventional zone 0 (the block layer refuses it)
        finish 0 => BLK_STS_IOERR -EIO cond=nw wp=-  # zone_finish of conventional zone 0 (the block layer refuses it)
        open 0 => BLK_STS_TARGET -EREMOTEIO cond=nw wp=-  # zone_open of conventional zone 0 (sense 5h/24h/00h ILLEGAL REQUEST)
        close 0 => BLK_STS_TARGET -EREMOTEIO cond=nw wp=-  # zone_close of conventional zone 0 (sense 5h/24h/00h ILLEGAL REQUEST)
        """)


def test_a_zone_whose_write_failed_refuses_writes_until_a_zone_report(zw):
    # "Zone write plug caches the wp": after a failed write, -EIO until a zone report
    # (blk-zoned.md, error recovery).  Zone 2's piece of the split write fails; with
    # no report between operations (--no-report), zone 2 stays poisoned until 'report 2'.
    script = """
        write 1 0 250
        write 2 0 4
        write 1 250 10
        write 2 4 1
        report 2
        write 2 4 1
        """
    lines = run(zw, "emu:model=nullblk," + GEO, script, "--explain", "--no-report").splitlines()
    assert lines[3] == ("write 2 4 1 => BLK_STS_IOERR -EIO  # zone 2's write plug awaits a write "
                        "pointer update (a zone report, reset or finish) after a failed write")
    assert lines[4:] == ["report 2 => OK 0 cond=oi wp=4", "write 2 4 1 => OK 0"]
    # a report of every zone after each operation (the default) resyncs zone 2 at once
    lines = run(zw, "emu:model=nullblk," + GEO, script, "--explain").splitlines()
    assert lines[3] == "write 2 4 1 => OK 0 cond=oi wp=5"
