"""Fault injection: spec keys at open and 'inject' lines in scripts."""
import pytest

from conftest import dedent

DEV = "emu:zones=4,zone_size=1M"


def test_an_injected_once_error_fails_one_write_then_the_write_succeeds(zw):
    # Zone 1 starts at sector 2048.
    r = zw.script(DEV, """
        inject err=2048:8:once
        write 1 0 4
        report 1
        write 1 0 4
        read 1 0 4
        """, "--verify", "--explain")
    assert r.rc == 0
    assert r.out == dedent("""
        inject err=2048:8:once => OK 0 cond=- wp=-
        write 1 0 4 => BLK_STS_IOERR -EIO cond=oi wp=0  # injected write error on sectors 2048+8
        report 1 => OK 0 cond=oi wp=0
        write 1 0 4 => OK 0 cond=oi wp=4
        read 1 0 4 => OK 0 cond=oi wp=4 data=ok
        """)


def test_an_injected_error_without_once_keeps_failing(zw):
    r = zw.script(DEV, "inject err=4096:8\nwrite 2 0 1\nreport 2\nwrite 2 0 1\nwrite 3 0 1\n")
    assert r.out == dedent("""
        inject err=4096:8 => OK 0 cond=- wp=-
        write 2 0 1 => BLK_STS_IOERR -EIO cond=oi wp=0
        report 2 => OK 0 cond=oi wp=0
        write 2 0 1 => BLK_STS_IOERR -EIO cond=oi wp=0
        write 3 0 1 => OK 0 cond=oi wp=1
        """)


def test_an_injected_read_error_fails_reads_of_those_sectors_only(zw):
    r = zw.script(DEV, """
        write 1 0 8
        inject err=2056:8:read
        read 1 0 1
        read 1 1 1
        read 1 1 1
        read 1 2 6
        write 1 8 1
        """, "--verify")
    assert r.out == dedent("""
        write 1 0 8 => OK 0 cond=oi wp=8
        inject err=2056:8:read => OK 0 cond=- wp=-
        read 1 0 1 => OK 0 cond=oi wp=8 data=ok
        read 1 1 1 => BLK_STS_IOERR -EIO cond=oi wp=8
        read 1 1 1 => BLK_STS_IOERR -EIO cond=oi wp=8
        read 1 2 6 => OK 0 cond=oi wp=8 data=ok
        write 1 8 1 => OK 0 cond=oi wp=9
        """)


def test_a_failed_write_leaves_the_wp_and_the_data_unchanged(zw):
    r = zw.script(DEV, """
        write 1 0 4
        inject err=2080:8:write:once
        write 1 4 4
        report 1
        read 1 0 8
        write 1 4 4
        read 1 0 8
        """, "--verify")
    assert r.out == dedent("""
        write 1 0 4 => OK 0 cond=oi wp=4
        inject err=2080:8:write:once => OK 0 cond=- wp=-
        write 1 4 4 => BLK_STS_IOERR -EIO cond=oi wp=4
        report 1 => OK 0 cond=oi wp=4
        read 1 0 8 => OK 0 cond=oi wp=4 data=ok
        write 1 4 4 => OK 0 cond=oi wp=8
        read 1 0 8 => OK 0 cond=oi wp=8 data=ok
        """)


def test_inject_fail_write_fails_the_nth_write_from_the_inject(zw):
    r = zw.script(DEV, """
        write 1 0 1
        write 1 1 1
        inject fail_write=3
        write 1 2 1
        append 1 1
        write 1 4 1
        write 1 4 1
        write 1 5 1
        """)
    assert r.out == dedent("""
        write 1 0 1 => OK 0 cond=oi wp=1
        write 1 1 1 => OK 0 cond=oi wp=2
        inject fail_write=3 => OK 0 cond=- wp=-
        write 1 2 1 => OK 0 cond=oi wp=3
        append 1 1 => OK 0 cond=oi wp=4 at=3
        write 1 4 1 => BLK_STS_IOERR -EIO cond=oi wp=4
        write 1 4 1 => OK 0 cond=oi wp=5
        write 1 5 1 => OK 0 cond=oi wp=6
        """)


def test_spec_fault_keys_apply_from_open(zw):
    r = zw.script("emu:zones=4,zone_size=1M,conv=1,fail_write=2,err=4096:8:read,ro=3", """
        write 1 0 4
        write 1 4 4
        write 2 0 1
        read 2 0 1
        read 3 0 1
        write 3 0 1
        report
        """, "--explain")
    assert r.out == dedent("""
        write 1 0 4 => OK 0 cond=oi wp=4
        write 1 4 4 => BLK_STS_IOERR -EIO cond=oi wp=4  # injected failure of write #2
        write 2 0 1 => OK 0 cond=oi wp=1
        read 2 0 1 => BLK_STS_IOERR -EIO cond=oi wp=1  # injected read error on sectors 4096+8
        read 3 0 1 => OK 0 cond=ro wp=-
        write 3 0 1 => BLK_STS_IOERR -EIO cond=ro wp=-  # zone 3 is read-only
        report 0 => OK 0 cond=nw wp=-
        report 1 => OK 0 cond=oi wp=4
        report 2 => OK 0 cond=oi wp=1
        report 3 => OK 0 cond=ro wp=-
        """)


def test_spec_offline_key_takes_several_zones(zw):
    r = zw.script("emu:zones=4,zone_size=1M,offline=1:3", "report\n")
    assert r.out == dedent("""
        report 0 => OK 0 cond=em wp=0
        report 1 => OK 0 cond=ol wp=-
        report 2 => OK 0 cond=em wp=0
        report 3 => OK 0 cond=ol wp=-
        """)


@pytest.mark.parametrize("model", ["nullblk", "zns"])
def test_an_offline_zone_fails_everything_with_eio_reads_included(zw, model):
    # row "offline zone": everything -EIO, reads included (observed on null_blk; ZNS
    # Zone Is Offline 0x1BB is one of the zone codes nvme_error_status() makes -EIO)
    r = zw.script("emu:model=%s,zones=4,zone_size=1M,offline=2" % model, """
        read 2 0 1
        write 2 0 1
        open 2
        close 2
        finish 2
        reset 2
        read 1 250 10
        """)
    assert r.out == dedent("""
        read 2 0 1 => BLK_STS_IOERR -EIO cond=ol wp=-
        write 2 0 1 => BLK_STS_IOERR -EIO cond=ol wp=-
        open 2 => BLK_STS_IOERR -EIO cond=ol wp=-
        close 2 => BLK_STS_IOERR -EIO cond=ol wp=-
        finish 2 => BLK_STS_IOERR -EIO cond=ol wp=-
        reset 2 => BLK_STS_IOERR -EIO cond=ol wp=-
        read 1 250 10 => BLK_STS_IOERR -EIO cond=em wp=0
        """)


def test_zbc_offline_zone_fails_everything_with_the_data_protect_sense(zw):
    # not observed (the table has no ZBC RO/offline row): every op fails alike, with
    # DATA PROTECT 2Ch/0Eh, reads included
    r = zw.script("emu:model=zbc,zones=4,zone_size=1M,offline=2", """
        read 2 0 1
        write 2 0 1
        open 2
        close 2
        finish 2
        reset 2
        """, "--explain")
    assert r.rc == 0
    assert len(r.lines) == 6
    statuses = {ln.split(" => ")[1].split(" cond=")[0] for ln in r.lines}
    assert len(statuses) == 1 and "OK 0" not in statuses, r.out
    assert all(ln.endswith("(sense 7h/2Ch/0Eh DATA PROTECT)") for ln in r.lines), r.out
    assert all(" cond=ol wp=-  # " in ln for ln in r.lines), r.out


def test_a_read_only_zone_reads_its_data_and_refuses_writes_and_zone_operations(zw):
    # row "read-only zone (null_blk fault)": read OK; write/open/close/finish/reset -EIO
    r = zw.script(DEV, """
        write 1 0 4
        inject ro=1
        read 1 0 4
        read 1 0 256
        write 1 4 1
        append 1 1
        open 1
        close 1
        finish 1
        reset 1
        """, "--verify")
    assert r.out == dedent("""
        write 1 0 4 => OK 0 cond=oi wp=4
        inject ro=1 => OK 0 cond=ro wp=-
        read 1 0 4 => OK 0 cond=ro wp=- data=ok
        read 1 0 256 => OK 0 cond=ro wp=- data=ok
        write 1 4 1 => BLK_STS_IOERR -EIO cond=ro wp=-
        append 1 1 => BLK_STS_IOERR -EIO cond=ro wp=-
        open 1 => BLK_STS_IOERR -EIO cond=ro wp=-
        close 1 => BLK_STS_IOERR -EIO cond=ro wp=-
        finish 1 => BLK_STS_IOERR -EIO cond=ro wp=-
        reset 1 => BLK_STS_IOERR -EIO cond=ro wp=-
        """)


def test_making_an_open_zone_read_only_frees_its_open_slot(zw):
    r = zw.script("emu:zones=6,zone_size=1M,max_open=2", """
        open 1
        open 2
        inject ro=1
        open 3
        report 2
        """)
    assert r.out == dedent("""
        open 1 => OK 0 cond=oe wp=0
        open 2 => OK 0 cond=oe wp=0
        inject ro=1 => OK 0 cond=ro wp=-
        open 3 => OK 0 cond=oe wp=0
        report 2 => OK 0 cond=oe wp=0
        """)


@pytest.mark.parametrize("model,write,read", [
    ("zns",
     "write 1 0 4 => BLK_STS_MEDIUM -ENODATA cond=oi wp=0  # injected write error on sectors 2048+8 (NVMe status 0x280 Write Fault)",
     "read 1 0 1 => BLK_STS_MEDIUM -ENODATA cond=oi wp=0  # injected read error on sectors 2048+8 (NVMe status 0x281 Unrecovered Read Error)"),
    ("zbc",
     "write 1 0 4 => BLK_STS_IOERR -EIO cond=oi wp=0  # injected write error on sectors 2048+8 (sense 3h/0Ch/00h MEDIUM ERROR)",
     "read 1 0 1 => BLK_STS_MEDIUM -ENODATA cond=oi wp=0  # injected read error on sectors 2048+8 (sense 3h/11h/00h MEDIUM ERROR)"),
], ids=["zns", "zbc"])
def test_an_injected_medium_error_is_reported_the_personality_s_way(zw, model, write, read):
    r = zw.script("emu:model=%s,zones=4,zone_size=1M,err=2048:8" % model, "write 1 0 4\nread 1 0 1\n", "--explain")
    assert r.out == write + "\n" + read + "\n"


def test_inject_on_a_file_device_keeps_zone_faults_but_not_io_faults(zw, tmp_path):
    dev = "file:%s,zones=4,zone_size=1M" % (tmp_path / "d")
    r = zw.script(dev, "inject err=2048:8\ninject fail_write=1\ninject offline=3\nwrite 2 0 1\n")
    assert r.out.splitlines()[-1] == "write 2 0 1 => BLK_STS_IOERR -EIO cond=oi wp=0"
    r = zw.script("file:%s" % (tmp_path / "d"), "write 1 0 1\nwrite 2 0 1\nreport 3\n")
    assert r.out == dedent("""
        write 1 0 1 => OK 0 cond=oi wp=1
        write 2 0 1 => OK 0 cond=oi wp=1
        report 3 => OK 0 cond=ol wp=-
        """)
