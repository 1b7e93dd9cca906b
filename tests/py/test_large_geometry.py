"""A 20 TB SMR-like layout: 80000 zones of 256 MiB, data kept as per-block tags."""
import json
import time

from conftest import dedent

BIG = "emu:zones=80000,zone_size=256M,data=tags"


def test_a_20tb_tags_device_opens_and_shows_its_geometry(zw):
    t = time.monotonic()
    r = zw.zone("info", BIG, "--json")
    assert r.rc == 0
    info = json.loads(r.out)
    assert info["data"] == "tags"
    assert info["nr_zones"] == 80000
    assert info["capacity_sectors"] * 512 == 80000 * (256 << 20)   # 20 TB (20000 GiB)
    assert info["zone_size_sectors"] == 256 << 11
    text = zw.zone("info", BIG)
    assert "backend:      emu (data kept as tags)" in text.out
    assert "capacity:     41943040000 sectors (20480000 MiB)" in text.out
    assert time.monotonic() - t < 10


def test_data_auto_keeps_tags_above_16g_and_bytes_below(zw):
    assert json.loads(zw.zone("info", "emu:zones=80000,zone_size=256M", "--json").out)["data"] == "tags"
    assert json.loads(zw.zone("info", "emu:zones=64,zone_size=256M", "--json").out)["data"] == "bytes"
    assert json.loads(zw.zone("info", "emu:zones=65,zone_size=256M", "--json").out)["data"] == "tags"


def test_a_20tb_tags_device_reports_every_zone(zw):
    t = time.monotonic()
    rep = zw.report_json(BIG)
    zones = rep["zones"]
    assert len(zones) == 80000
    assert zones[-1] == {"zone": 79999, "start": 79999 * (256 << 11), "len": 256 << 11, "cap": 256 << 11,
                         "wp": 0, "type": "SEQ_WRITE_REQUIRED", "cond": "em"}
    r = zw.script(BIG, "report\n")
    assert len(r.lines) == 80000
    assert r.lines[79999] == "report 79999 => OK 0 cond=em wp=0"
    assert time.monotonic() - t < 20


def test_a_20tb_tags_device_takes_full_zone_writes_quickly_and_reads_them_back(zw):
    t = time.monotonic()
    r = zw.script(BIG, """
        write 79999 0 65536
        write 40000 0 1000
        append 40000 24
        finish 3
        read 79999 0 65536
        read 40000 0 1024
        read 3 0 65536
        reset 79999
        read 79999 0 16
        """, "--verify")
    assert r.rc == 0
    assert r.out == dedent("""
        write 79999 0 65536 => OK 0 cond=fu wp=65536
        write 40000 0 1000 => OK 0 cond=oi wp=1000
        append 40000 24 => OK 0 cond=oi wp=1024 at=1000
        finish 3 => OK 0 cond=fu wp=65536
        read 79999 0 65536 => OK 0 cond=fu wp=65536 data=ok
        read 40000 0 1024 => OK 0 cond=oi wp=1024 data=ok
        read 3 0 65536 => OK 0 cond=fu wp=65536 data=ok
        reset 79999 => OK 0 cond=em wp=0
        read 79999 0 16 => OK 0 cond=em wp=0 data=ok
        """)
    assert time.monotonic() - t < 20
