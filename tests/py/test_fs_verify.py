"""zwsim fs --verify: at the end, every file read back through the file
system (page cache dropped first) must hold, byte for byte, what the calls'
results say was written, zeros where nothing was, and have the size the
calls gave it; the file system's own check of its mappings runs too.  The
oracle itself is unit-tested against a fake file system
(tests/unit/test_fs_oracle.c); here, end to end.
"""
import pytest

from conftest import dedent

XFS_ZONED = "emu:zones=17,zone_size=1M,conv=1"
XFS = "emu:zoned=0,size=64M,zone_size=16M"
ZONEFS = "emu:zones=8,zone_size=1M,conv=2"
SETUPS = {
    "xfs-zoned": ("xfs-zoned", XFS_ZONED, "a"),
    "xfs": ("xfs", XFS, "a"),
    "zonefs": ("zonefs", ZONEFS, "cnv/0"),
}


def fs(zw, name, script, dev_extra=""):
    fsname, dev, f = SETUPS[name]
    return zw("fs", "--fs", fsname, "--dev", dev + dev_extra, "--verify", "-",
              input=dedent(script).replace("F", f))


@pytest.mark.parametrize("data", ["", ",data=tags"], ids=["bytes", "tags"])
@pytest.mark.parametrize("name", sorted(SETUPS))
def test_sub_block_writes_verify(zw, name, data):
    # zeros, then data, in the first block and the last: the check is per byte
    r = fs(zw, name, """
        write F 344749 130808
        write F 4000 200
        sync
        write F 600000 10
        """, data)
    assert r.rc == 0, r.err
    # in tags mode a write must be whole blocks
    assert ("=> -EINVAL" in r.out) == bool(data)


@pytest.mark.parametrize("name", sorted(SETUPS))
def test_data_a_failed_fsync_may_have_lost_is_not_checked(zw, name):
    # the folios are clean after the failed writeback: once the cache is
    # dropped the device's older content reads back
    r = fs(zw, name, """
        write F 0 8192
        fsync F
        write F 8192 8192
        inject fail_write=1
        fsync F
        """)
    assert r.rc == 0, r.err
    assert "fsync %s => -EIO" % SETUPS[name][2] in r.out


@pytest.mark.parametrize("name", sorted(SETUPS))
def test_a_writeback_error_no_call_reported_is_found_by_the_final_fsync(zw, name):
    r = fs(zw, name, """
        write F 0 8192
        inject fail_write=1
        sync
        """)
    assert r.rc == 0, r.err


def test_a_file_that_cannot_be_read_back_fails(zw):
    r = fs(zw, "xfs", """
        write F 0 8192
        sync
        inject err=0:16:read
        """)
    assert r.rc == 1
    assert "zwsim fs: verify: a: read of 8192 bytes at 0 returned -5" in r.err


def test_unlinked_and_rewritten_file_verifies_as_the_new_inode(zw):
    r = fs(zw, "xfs-zoned", """
        write F 0 16384
        sync
        unlink F
        write F 4096 100
        """)
    assert r.rc == 0, r.err


def test_reflinked_file_verifies_with_the_sources_data(zw):
    r = fs(zw, "xfs", """
        write s 0 20000
        write F 0 50000
        reflink s F
        write F 5000 10
        write s 0 4096
        """)
    assert r.rc == 0, r.err


def test_zonefs_data_from_before_the_run_is_not_checked(zw, tmp_path):
    dev = "file:%s,zones=8,zone_size=1M,conv=2" % tmp_path
    for script in ("write cnv/0 0 8192\ndwrite seq/0 0 8192\n", "write cnv/0 100 10\nappend seq/0 4096\n"):
        r = zw("fs", "--fs", "zonefs", "--dev", dev, "--verify", "-", input=script)
        assert r.rc == 0, r.err


@pytest.mark.parametrize("name", ["xfs-zoned", "xfs"])
def test_truncate_zeroes_the_tail_of_its_block(zw, name):
    # xfs_setattr_size() -> xfs_truncate_page(): the bytes past the new size
    # in its block are zeroed on the device, so growing the file again
    # exposes zeros, not the old data
    r = fs(zw, name, """
        write F 0 8192
        sync
        truncate F 5000
        write F 12288 4096
        """)
    assert r.rc == 0, r.err


@pytest.mark.parametrize("name", ["xfs-zoned", "xfs"])
def test_tags_mode_keeps_whole_blocks_past_a_truncate(zw, name):
    # data=tags cannot hold a block in part: the truncate does not zero the
    # rest of the block (xfs_truncate_page() is skipped), the block keeps its
    # tag whole, which --verify accepts where a bytes-mode block must read zeros
    r = fs(zw, name, """
        write F 0 8192
        sync
        truncate F 5000
        write F 12288 4096
        """, ",data=tags")
    assert r.rc == 0, r.err
    assert "truncate a 5000 => 0" in r.out


@pytest.mark.parametrize("name", ["xfs-zoned", "xfs"])
def test_tags_mode_file_of_a_size_in_the_middle_of_a_block_reads_back(zw, name):
    # the last block is read in part: rebuilt from its tag, then cut
    r = fs(zw, name, """
        write F 0 8192
        sync
        truncate F 5000
        """, ",data=tags")
    assert r.rc == 0, r.err


def test_tags_mode_refuses_part_of_a_block_and_says_why_once(zwsim):
    # a limit of the model's data=tags, not the kernel's: -EINVAL, and a note
    r = zwsim("fs", "--fs", "xfs-zoned", "--dev", SETUPS["xfs-zoned"][1] + ",data=tags", "-",
              input="write a 100 50\nwrite a 200 50\nwrite a 0 4096\n")
    assert r.rc == 0, r
    assert r.out.splitlines()[:3] == ["write a 100 50 => -EINVAL", "write a 200 50 => -EINVAL",
                                      "write a 0 4096 => 4096"]
    assert r.err.count("data=tags keeps one tag a block") == 1
