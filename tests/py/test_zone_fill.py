"""zwsim zone fill: sequential zones written from the write pointer to their
capacity, one write in flight per zone, up to the device's queue depth of
zones at once (zbd:DEV,qd=N; emulated devices complete each write at once).
Real devices at qd=8 are checked by the VM tier (tests/vm/run.sh)."""
import pytest

GEO = "zones=6,zone_size=1M,zone_cap=768k,conv=1,max_open=2"


@pytest.fixture
def dev(tmp_path, zw):
    path = tmp_path / "zdev"
    r = zw.zone("info", "file:%s,%s" % (path, GEO))
    assert r.rc == 0, r
    return "file:%s" % path


def test_fill_all_fills_every_sequential_zone_and_verifies(zw, dev):
    r = zw.zone("write", dev, 2, 0, 10)
    assert r.rc == 0, r
    r = zw.zone("fill", dev, "all")
    assert r.rc == 0, r
    assert r.lines == ["fill %d => OK 0 cond=fu wp=192" % z for z in range(1, 6)]
    for z in range(1, 6):
        r = zw.zone("read", dev, "--verify", z, 0, 192)
        assert r.lines == ["read %d 0 192 => OK 0 cond=fu wp=192 data=ok" % z], r


def test_fill_named_zones_in_the_order_named_and_full_zone_is_ok(zw, dev):
    assert zw.zone("fill", dev, 4).rc == 0
    r = zw.zone("fill", dev, 4, 2)
    assert r.rc == 0, r
    assert r.lines == ["fill 4 => OK 0 cond=fu wp=192", "fill 2 => OK 0 cond=fu wp=192"]
    assert zw.zone("report", dev, 3).out.split("zcond:")[1].startswith(" 1(em)")


def test_fill_reports_the_failing_zone(zw):
    r = zw.zone("fill", "emu:%s,ro=3" % GEO, "--explain", 2, 3)
    assert r.rc == 1, r
    assert r.lines[0] == "fill 2 => OK 0 cond=fu wp=192"
    assert r.lines[1].startswith("fill 3 => BLK_STS_IOERR -EIO cond=ro wp=- at=0  # ")


@pytest.mark.parametrize("args,msg", [
    ((), "takes ZONE... or all"),
    ((0,), "zone 0 is conventional"),
    ((9,), "zone '9' does not exist"),
    ((2, 2), "zone 2 named twice"),
    (("all", 2), "'all' stands alone"),
])
def test_fill_usage_errors(zw, args, msg):
    r = zw.zone("fill", "emu:" + GEO, *args)
    assert r.rc == 2, r
    assert msg in r.err


def test_fill_is_in_zone_help(zw):
    r = zw("zone", "--help")
    assert "fill ZONE...|all" in r.out
    assert "qd=N" in r.out
