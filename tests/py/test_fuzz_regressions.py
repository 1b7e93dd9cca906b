"""What the seeded script fuzz (test_script_fuzz.py) found, as fixed small
scripts run by the ASan+UBSan binary with --verify."""
from conftest import dedent


def test_reflink_of_a_file_that_never_had_data_verifies(zwsim_san):
    # UBSan stopped fs_oracle.c's fso_reflink(): memcpy() from the source's
    # range array, NULL for a file created and never written
    # (tests/py/scriptfuzz.py, xfs seeds 0, 1, 2, ...)
    r = zwsim_san("fs", "--fs", "xfs", "--dev", "emu:zoned=0,size=16M", "--verify", "-",
                  input=dedent("""
                      open a
                      close a
                      reflink a b
                      write b 0 4k
                      reflink b c
                      reflink a c
                  """))
    assert r.rc == 0, r
    assert "reflink a b => 0" in r.out and "reflink a c => 0" in r.out
    assert "c size=0" in r.out


def test_a_direct_write_failing_with_enospc_after_overwriting_in_place_verifies(zwsim_san):
    # --verify took -ENOSPC for an error before anything changed, but the
    # direct write's second 1 MiB call overwrote block 1443 of c in place
    # before the allocation for the rest failed, and iomap_dio_complete()
    # returns the error for the whole call (xfs seeds 166, 167)
    r = zwsim_san("fs", "--fs", "xfs", "--dev", "emu:zoned=0,size=32M", "--verify", "-",
                  input=dedent("""
                      write d 0 3473495
                      write c 0 5320704
                      write c 9564160 4069459
                      write big 5825107 10862712 1048576
                      write b 7000222 9187982
                      write c 3987887 1925120 376203
                      dwrite c 4243456 4853760
                  """))
    assert r.rc == 0, r
    assert "dwrite c 4243456 4853760 => 1048576 -ENOSPC" in r.out


def test_a_write_past_eof_zeroes_what_a_failed_direct_write_left_mapped_there(zwsim_san):
    # 6.17's rules (no shutdown on a failed data write): the direct write to a
    # fails in its last piece, its first pieces stay mapped past the size,
    # and the buffered write further out grew the file over them; the kernel
    # zeroes from EOF first (xfs_file_write_zero_eof()), the model did not
    # (xfs-zoned seed 380 of ZWSIM_FUZZ_FIRST=200)
    r = zwsim_san("fs", "--fs", "xfs-zoned", "--dev",
                  "emu:zones=24,zone_size=1M,zone_cap=768k,conv=2,max_open=6,max_active=8",
                  "--verify", "--mount", "kernel=6.17", "-", input=dedent("""
                      write a 913408 258048
                      append c 995328
                      inject err=31617:8:once:write
                      write c 2408448 2637824 444341
                      append d 1052672
                      append b 1044480
                      write b 1154761 1052672
                      write c 630986 1736704 1048576
                      sync
                      append d 552960
                      dwrite a 1392640 1814528
                      write a 2528251 139264 1048576
                  """))
    assert r.rc == 0, r
    assert "dwrite a 1392640 1814528 => -EIO" in r.out
