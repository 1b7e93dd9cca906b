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
