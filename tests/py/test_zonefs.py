"""The zonefs model (zonefs/, Linux 6.17 fs/zonefs): the semantics zonefs-tools'
tests check, as `zwsim fs --fs zonefs` scripts with their exact results.

Every run uses --json (the calls' results on stderr, the report on stdout) and
--verify: whatever the scenario, every file must read back as written.  The
same scenarios run against the kernel's zonefs in the VM tier
(tests/vm/zonefs-fidelity.sh, docs/fidelity.md).

The device, unless a test says otherwise: 8 zones of 1 MiB, capacity 768 KiB,
2 conventional, open limit 2, active limit 3 (null_blk personality).  Zone 0
holds the super block; cnv/0 is zone 1 (sectors 2048...), seq/N is zone N+2
(sectors (N+2)*2048...).  Conventional zones have no separate capacity: cnv/0
is 1 MiB.
"""
import json

import pytest

from conftest import dedent

DEV = "emu:zones=8,zone_size=1M,zone_cap=768k,conv=2,max_open=2,max_active=3"
CAP = 768 << 10
MODES = ["remount-ro", "zone-ro", "zone-offline", "repair"]


def run(zw, script, mount=None, dev=DEV):
    """Runs SCRIPT; returns its 'OP => RESULT' lines (one string) and the report."""
    args = ["fs", "--fs", "zonefs", "--dev", dev, "--json", "--verify"]
    if mount:
        args += ["--mount", mount]
    r = zw(*args, "-", input=dedent(script))
    assert r.rc == 0, r
    ops = "".join(line + "\n" for line in r.err.splitlines() if " => " in line)
    return ops, json.loads(r.out)


def files(rep):
    """{NAME: (size, mode, zone)} for every file."""
    return {n: (f["size"], f["mode"], f["zone"]) for n, f in rep["files"].items() if n != "/sys/fs/zonefs"}


def sizes(rep, *names):
    return [rep["files"][n]["size"] for n in names]


def zones(rep, *nos):
    """[(cond, wp)] of these zones (wp in bytes from the zone start, None without one)."""
    return [(rep["zones"][z]["cond"], rep["zones"][z]["wp"]) for z in nos]


def sysfs(rep):
    st = rep["files"]["/sys/fs/zonefs"]
    return "wro=%d/%d active=%d/%d read_only=%s" % (
        st["nr_wro_seq_files"], st["max_wro_seq_files"], st["nr_active_seq_files"],
        st["max_active_seq_files"], st["read_only"])


# --- layout: file names, sizes ---------------------------------------------

def test_zone_0_holds_the_super_block_and_every_other_zone_is_a_file(zw):
    _, rep = run(zw, "")
    assert files(rep) == {
        "cnv/0": (1 << 20, 0o640, 1),
        "seq/0": (0, 0o640, 2), "seq/1": (0, 0o640, 3), "seq/2": (0, 0o640, 4),
        "seq/3": (0, 0o640, 5), "seq/4": (0, 0o640, 6), "seq/5": (0, 0o640, 7),
    }


def test_files_are_numbered_from_0_in_zone_order_within_each_kind(zw):
    _, rep = run(zw, "", dev="emu:zones=6,zone_size=1M,conv=3")
    assert {n: z for n, (_, _, z) in files(rep).items()} == {
        "cnv/0": 1, "cnv/1": 2, "seq/0": 3, "seq/1": 4, "seq/2": 5}


def test_without_conventional_zones_there_are_no_cnv_files_and_zone_0_is_still_the_super_block(zw):
    _, rep = run(zw, "", dev="emu:zones=4,zone_size=1M")
    assert files(rep) == {"seq/0": (0, 0o640, 1), "seq/1": (0, 0o640, 2), "seq/2": (0, 0o640, 3)}


def test_a_conventional_file_is_as_large_as_its_zone_and_a_sequential_one_as_its_write_pointer(zw):
    _, rep = run(zw, "dwrite seq/1 0 12k\n")
    assert sizes(rep, "cnv/0", "seq/0", "seq/1") == [1 << 20, 0, 12288]
    assert zones(rep, 1, 2, 3) == [("nw", None), ("em", 0), ("oi", 12288)]


def test_at_mount_sizes_come_from_the_write_pointers_and_open_zones_are_closed(zw, tmp_path):
    dev = "file:%s,zones=8,zone_size=1M,zone_cap=768k,conv=2,max_open=2,max_active=3" % tmp_path
    _, rep = run(zw, "dwrite seq/0 0 12k\ndwrite seq/2 0 768k\n", dev=dev)
    assert zones(rep, 2, 4) == [("oi", 12288), ("fu", CAP)]
    ops, rep = run(zw, "read seq/0 0 12k\n", dev="file:%s" % tmp_path)
    assert ops == "read seq/0 0 12k => 12288\n"
    assert sizes(rep, "seq/0", "seq/1", "seq/2") == [12288, 0, CAP]
    assert zones(rep, 2, 4) == [("cl", 12288), ("fu", CAP)]
    assert sysfs(rep) == "wro=0/2 active=1/3 read_only=False"


def test_a_zone_found_read_only_or_offline_at_mount_is_an_empty_file_with_no_access(zw, tmp_path):
    dev = "file:%s,zones=8,zone_size=1M,zone_cap=768k,conv=2" % tmp_path
    run(zw, "dwrite seq/0 0 8k\ndwrite seq/1 0 8k\n", dev=dev)
    ops, rep = run(zw, """
        read seq/0 0 4k
        read seq/1 0 4k
        dwrite seq/0 8k 4k
        dwrite seq/1 8k 4k
        """, dev="file:%s,ro=2,offline=3" % tmp_path)
    assert ops == dedent("""
        read seq/0 0 4k => -EPERM
        read seq/1 0 4k => -EPERM
        dwrite seq/0 8k 4k => -EPERM
        dwrite seq/1 8k 4k => -EPERM
        """)
    assert files(rep)["seq/0"] == (0, 0, 2)
    assert files(rep)["seq/1"] == (0, 0, 3)


def test_a_name_that_is_no_zone_file_is_enoent(zw):
    ops, _ = run(zw, """
        open seq/6
        open seq/01
        open cnv/1
        dwrite seq/7 0 4k
        truncate seq/6 0
        unlink seq/6
        """)
    assert ops == dedent("""
        open seq/6 => -ENOENT
        open seq/01 => -ENOENT
        open cnv/1 => -ENOENT
        dwrite seq/7 0 4k => -ENOENT
        truncate seq/6 0 => -ENOENT
        unlink seq/6 => -ENOENT
        """)


# --- the maximum file size: the zone capacity --------------------------------

def test_a_write_at_or_past_the_capacity_fails_with_efbig(zw):
    ops, rep = run(zw, """
        dwrite seq/0 768k 4k
        dwrite seq/0 1M 4k
        write cnv/0 1M 4k
        dwrite cnv/0 1M 4k
        """)
    assert ops == dedent("""
        dwrite seq/0 768k 4k => -EFBIG
        dwrite seq/0 1M 4k => -EFBIG
        write cnv/0 1M 4k => -EFBIG
        dwrite cnv/0 1M 4k => -EFBIG
        """)
    assert sizes(rep, "seq/0") == [0]


def test_a_write_across_the_capacity_is_cut_short_there_and_fills_the_zone(zw):
    ops, rep = run(zw, """
        dwrite seq/0 0 1M
        append seq/0 4k
        write cnv/0 1040384 16k
        """)
    assert ops == dedent("""
        dwrite seq/0 0 1M => 786432
        append seq/0 4k => -EFBIG
        write cnv/0 1040384 16k => 8192
        """)
    assert sizes(rep, "seq/0") == [CAP]
    assert zones(rep, 2) == [("fu", CAP)]


# --- writes to sequential files: direct, aligned, at the write pointer -------

def test_a_buffered_write_to_a_sequential_file_fails_with_eio_and_changes_nothing(zw):
    ops, rep = run(zw, "write seq/0 0 4k\n")
    assert ops == "write seq/0 0 4k => -EIO\n"
    assert sizes(rep, "seq/0") == [0]
    assert zones(rep, 2) == [("em", 0)]
    assert sysfs(rep) == "wro=0/2 active=0/3 read_only=False"


def test_a_direct_write_not_block_aligned_fails_with_einval(zw):
    ops, rep = run(zw, """
        dwrite seq/0 0 100
        dwrite seq/0 0 6k
        dwrite seq/0 512 4k
        dwrite cnv/0 512 4k
        """)
    assert ops == dedent("""
        dwrite seq/0 0 100 => -EINVAL
        dwrite seq/0 0 6k => -EINVAL
        dwrite seq/0 512 4k => -EINVAL
        dwrite cnv/0 512 4k => -EINVAL
        """)
    assert sizes(rep, "seq/0") == [0]


def test_a_direct_write_away_from_the_write_pointer_fails_with_einval(zw):
    ops, rep = run(zw, """
        dwrite seq/0 0 8k
        dwrite seq/0 4k 4k
        dwrite seq/0 12k 4k
        dwrite seq/0 0 4k
        dwrite seq/0 8k 4k
        """)
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        dwrite seq/0 4k 4k => -EINVAL
        dwrite seq/0 12k 4k => -EINVAL
        dwrite seq/0 0 4k => -EINVAL
        dwrite seq/0 8k 4k => 4096
        """)
    assert sizes(rep, "seq/0") == [12288]
    assert zones(rep, 2) == [("oi", 12288)]


def test_o_append_writes_land_at_the_write_pointer_one_after_the_other(zw):
    ops, rep = run(zw, """
        append seq/0 8k
        append seq/0 12k 4k
        dwrite seq/0 20k 4k
        """)
    assert ops == dedent("""
        append seq/0 8k => 8192
        append seq/0 12k 4k => 12288
        dwrite seq/0 20k 4k => 4096
        """)
    assert sizes(rep, "seq/0") == [24576]


def test_o_append_on_a_conventional_file_fails_with_einval(zw):
    ops, _ = run(zw, "append cnv/0 4k\n")
    assert ops == "append cnv/0 4k => -EINVAL\n"


def test_a_sequential_file_reads_back_up_to_its_size_with_no_alignment_asked(zw):
    ops, _ = run(zw, """
        dwrite seq/0 0 8k
        read seq/0 0 8k
        read seq/0 100 1000
        read seq/0 4k 8k
        read seq/0 8k 4k
        read seq/0 768k 4k
        """)
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        read seq/0 0 8k => 8192
        read seq/0 100 1000 => 1000
        read seq/0 4k 8k => 4096
        read seq/0 8k 4k => 0
        read seq/0 768k 4k => 0
        """)


# --- truncate and unlink -----------------------------------------------------

def test_truncating_a_sequential_file_to_0_resets_its_zone(zw):
    ops, rep = run(zw, "dwrite seq/0 0 16k\ntruncate seq/0 0\ndwrite seq/0 0 4k\n")
    assert ops == "dwrite seq/0 0 16k => 16384\ntruncate seq/0 0 => 0\ndwrite seq/0 0 4k => 4096\n"
    assert sizes(rep, "seq/0") == [4096]
    assert zones(rep, 2) == [("oi", 4096)]


def test_truncating_a_sequential_file_to_its_capacity_finishes_its_zone(zw):
    ops, rep = run(zw, "dwrite seq/0 0 16k\ntruncate seq/0 768k\ntruncate seq/1 768k\nappend seq/0 4k\n")
    assert ops == dedent("""
        dwrite seq/0 0 16k => 16384
        truncate seq/0 768k => 0
        truncate seq/1 768k => 0
        append seq/0 4k => -EFBIG
        """)
    assert sizes(rep, "seq/0", "seq/1") == [CAP, CAP]
    # a finished zone's write pointer is its end (null_blk's, as a zone report shows it)
    assert zones(rep, 2, 3) == [("fu", 1 << 20), ("fu", 1 << 20)]
    assert sysfs(rep) == "wro=0/2 active=0/3 read_only=False"


def test_truncating_a_sequential_file_to_any_other_size_fails_with_eperm(zw):
    ops, rep = run(zw, """
        dwrite seq/0 0 16k
        truncate seq/0 8k
        truncate seq/0 16k
        truncate seq/0 32k
        truncate seq/0 1M
        """)
    assert ops == dedent("""
        dwrite seq/0 0 16k => 16384
        truncate seq/0 8k => -EPERM
        truncate seq/0 16k => -EPERM
        truncate seq/0 32k => -EPERM
        truncate seq/0 1M => -EPERM
        """)
    assert sizes(rep, "seq/0") == [16384]
    assert zones(rep, 2) == [("oi", 16384)]


def test_truncating_to_the_size_a_file_has_does_nothing(zw):
    ops, rep = run(zw, "truncate seq/0 0\n")
    assert ops == "truncate seq/0 0 => 0\n"
    assert zones(rep, 2) == [("em", 0)]


def test_truncating_a_conventional_file_fails_with_eperm(zw):
    ops, rep = run(zw, "truncate cnv/0 0\ntruncate cnv/0 1M\ntruncate cnv/0 4k\n")
    assert ops == "truncate cnv/0 0 => -EPERM\ntruncate cnv/0 1M => -EPERM\ntruncate cnv/0 4k => -EPERM\n"
    assert sizes(rep, "cnv/0") == [1 << 20]


def test_growing_a_file_past_the_largest_file_size_fails_with_efbig(zw):
    # s_maxbytes: the largest capacity, here cnv/0's 1 MiB
    ops, _ = run(zw, "truncate seq/0 2M\ntruncate cnv/0 2M\n")
    assert ops == "truncate seq/0 2M => -EFBIG\ntruncate cnv/0 2M => -EFBIG\n"


def test_files_cannot_be_unlinked(zw):
    ops, rep = run(zw, "dwrite seq/0 0 4k\nunlink seq/0\nunlink cnv/0\n")
    assert ops == "dwrite seq/0 0 4k => 4096\nunlink seq/0 => -EPERM\nunlink cnv/0 => -EPERM\n"
    assert sizes(rep, "seq/0") == [4096]


# --- open and active accounting ----------------------------------------------

def test_with_explicit_open_the_third_write_open_sequential_file_gets_ebusy_with_an_open_limit_of_2(zw):
    ops, rep = run(zw, """
        open seq/0
        open seq/1
        open seq/2
        append seq/3 4k
        close seq/1
        open seq/2
        """, mount="explicit-open")
    assert ops == dedent("""
        open seq/0 => 0
        open seq/1 => 0
        open seq/2 => -EBUSY
        append seq/3 4k => -EBUSY
        close seq/1 => 0
        open seq/2 => 0
        """)
    assert sysfs(rep) == "wro=2/2 active=2/3 read_only=False"


def test_with_explicit_open_a_write_open_file_has_its_zone_explicitly_open(zw):
    _, rep = run(zw, "open seq/0\nopen seq/1\ndwrite seq/0 0 4k\n", mount="explicit-open")
    assert zones(rep, 2, 3, 4) == [("oe", 4096), ("oe", 0), ("em", 0)]
    assert sysfs(rep) == "wro=2/2 active=2/3 read_only=False"


def test_with_explicit_open_the_last_close_closes_a_written_zone_and_resets_an_empty_one(zw):
    ops, rep = run(zw, """
        open seq/0
        open seq/1
        dwrite seq/0 0 4k
        close seq/0
        close seq/1
        """, mount="explicit-open")
    assert ops.endswith("close seq/0 => 0\nclose seq/1 => 0\n")
    assert zones(rep, 2, 3) == [("cl", 4096), ("em", 0)]
    assert sysfs(rep) == "wro=0/2 active=1/3 read_only=False"


def test_a_file_written_to_its_capacity_is_full_and_neither_open_nor_active(zw):
    _, rep = run(zw, "open seq/0\ndwrite seq/0 0 768k\n", mount="explicit-open")
    assert zones(rep, 2) == [("fu", CAP)]
    assert sysfs(rep) == "wro=1/2 active=0/3 read_only=False"
    _, rep = run(zw, "open seq/0\ndwrite seq/0 0 768k\nclose seq/0\nopen seq/1\nopen seq/2\n",
                 mount="explicit-open")
    assert zones(rep, 2, 3, 4) == [("fu", CAP), ("oe", 0), ("oe", 0)]
    assert sysfs(rep) == "wro=2/2 active=2/3 read_only=False"


def test_conventional_files_and_repeated_opens_are_not_counted(zw):
    ops, rep = run(zw, "open cnv/0\nopen seq/0\nopen seq/0\nopen seq/1\n", mount="explicit-open")
    assert ops == "open cnv/0 => 0\nopen seq/0 => 0\nopen seq/0 => 0\nopen seq/1 => 0\n"
    assert sysfs(rep) == "wro=2/2 active=2/3 read_only=False"


def test_closing_a_file_that_is_not_open_is_ebadf(zw):
    ops, _ = run(zw, "open seq/0\nclose seq/0\nclose seq/0\n")
    assert ops == "open seq/0 => 0\nclose seq/0 => 0\nclose seq/0 => -EBADF\n"


def test_without_explicit_open_write_opens_are_counted_but_never_refused(zw):
    ops, rep = run(zw, "open seq/0\nopen seq/1\nopen seq/2\n")
    assert ops == "open seq/0 => 0\nopen seq/1 => 0\nopen seq/2 => 0\n"
    assert zones(rep, 2, 3, 4) == [("em", 0), ("em", 0), ("em", 0)]
    assert sysfs(rep) == "wro=3/2 active=0/3 read_only=False"


def test_explicit_open_means_nothing_on_a_device_without_open_and_active_limits(zw):
    ops, rep = run(zw, "open seq/0\nopen seq/1\nopen seq/2\n", mount="explicit-open",
                   dev="emu:zones=8,zone_size=1M,conv=2")
    assert ops == "open seq/0 => 0\nopen seq/1 => 0\nopen seq/2 => 0\n"
    assert zones(rep, 2, 3, 4) == [("em", 0), ("em", 0), ("em", 0)]
    assert sysfs(rep) == "wro=3/0 active=0/0 read_only=False"


def test_partly_written_files_are_active_until_full_or_reset(zw):
    _, rep = run(zw, "dwrite seq/0 0 4k\ndwrite seq/1 0 4k\ndwrite seq/2 0 768k\n")
    assert sysfs(rep) == "wro=0/2 active=2/3 read_only=False"
    _, rep = run(zw, "dwrite seq/0 0 4k\ndwrite seq/1 0 4k\ntruncate seq/0 0\ntruncate seq/1 768k\n")
    assert sysfs(rep) == "wro=0/2 active=0/3 read_only=False"


def test_with_explicit_open_the_device_active_limit_refuses_an_open_with_eoverflow(zw):
    ops, rep = run(zw, """
        dwrite seq/0 0 4k
        dwrite seq/1 0 4k
        dwrite seq/2 0 4k
        open seq/3
        truncate seq/2 768k
        open seq/3
        """, mount="explicit-open")
    assert ops == dedent("""
        dwrite seq/0 0 4k => 4096
        dwrite seq/1 0 4k => 4096
        dwrite seq/2 0 4k => 4096
        open seq/3 => -EOVERFLOW
        truncate seq/2 768k => 0
        open seq/3 => 0
        """)
    assert zones(rep, 2, 3, 4, 5) == [("cl", 4096), ("cl", 4096), ("fu", 1 << 20), ("oe", 0)]
    assert sysfs(rep) == "wro=1/2 active=3/3 read_only=False"


def test_without_explicit_open_the_device_active_limit_is_a_write_error_eoverflow(zw):
    ops, rep = run(zw, """
        dwrite seq/0 0 4k
        dwrite seq/1 0 4k
        dwrite seq/2 0 4k
        dwrite seq/3 0 4k
        dwrite seq/0 4k 4k
        """)
    assert ops == dedent("""
        dwrite seq/0 0 4k => 4096
        dwrite seq/1 0 4k => 4096
        dwrite seq/2 0 4k => 4096
        dwrite seq/3 0 4k => -EOVERFLOW
        dwrite seq/0 4k 4k => -EROFS
        """)
    assert sizes(rep, "seq/3") == [0]
    assert zones(rep, 2, 3, 4, 5) == [("cl", 4096), ("oi", 4096), ("oi", 4096), ("em", 0)]
    assert sysfs(rep) == "wro=0/2 active=3/3 read_only=True"


# --- errors=: after a failed write -------------------------------------------

# seq/0 written 8 KiB, then its third block fails once
FAILED_WRITE = """
    dwrite seq/0 0 8k
    inject err=4112:8:once
    dwrite seq/0 8k 4k
    dwrite seq/0 8k 4k
    dwrite seq/1 0 4k
    read seq/0 0 8k
    """


def test_errors_remount_ro_is_the_default_and_a_failed_write_makes_every_later_write_erofs(zw):
    for mount in (None, "errors=remount-ro"):
        ops, rep = run(zw, FAILED_WRITE, mount=mount)
        assert ops == dedent("""
            dwrite seq/0 0 8k => 8192
            inject err=4112:8:once => 0
            dwrite seq/0 8k 4k => -EIO
            dwrite seq/0 8k 4k => -EROFS
            dwrite seq/1 0 4k => -EROFS
            read seq/0 0 8k => 8192
            """)
        assert files(rep)["seq/0"] == (8192, 0o640, 2)
        assert sysfs(rep) == "wro=0/2 active=1/3 read_only=True"


def test_errors_remount_ro_also_refuses_opens_truncates_and_unlinks_with_erofs(zw):
    ops, _ = run(zw, """
        inject fail_write=1
        dwrite seq/0 0 4k
        open seq/1
        open cnv/0
        truncate seq/1 0
        unlink seq/1
        write cnv/0 0 4k
        """)
    assert ops == dedent("""
        inject fail_write=1 => 0
        dwrite seq/0 0 4k => -EIO
        open seq/1 => -EROFS
        open cnv/0 => -EROFS
        truncate seq/1 0 => -EROFS
        unlink seq/1 => -EROFS
        write cnv/0 0 4k => -EROFS
        """)


def test_errors_zone_ro_makes_only_the_failed_file_read_only(zw):
    ops, rep = run(zw, FAILED_WRITE, mount="errors=zone-ro")
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject err=4112:8:once => 0
        dwrite seq/0 8k 4k => -EIO
        dwrite seq/0 8k 4k => -EPERM
        dwrite seq/1 0 4k => 4096
        read seq/0 0 8k => 8192
        """)
    assert files(rep)["seq/0"] == (8192, 0o440, 2)
    assert sysfs(rep) == "wro=0/2 active=1/3 read_only=False"


def test_errors_zone_offline_empties_the_failed_file_and_its_reads_fail_with_eperm(zw):
    ops, rep = run(zw, FAILED_WRITE + "truncate seq/0 0\nfsync seq/0\n", mount="errors=zone-offline")
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject err=4112:8:once => 0
        dwrite seq/0 8k 4k => -EIO
        dwrite seq/0 8k 4k => -EPERM
        dwrite seq/1 0 4k => 4096
        read seq/0 0 8k => -EPERM
        truncate seq/0 0 => -EPERM
        fsync seq/0 => -EPERM
        """)
    assert files(rep)["seq/0"] == (0, 0, 2)
    # the zone itself is untouched: zonefs only stops using it
    assert zones(rep, 2) == [("oi", 8192)]
    assert sysfs(rep) == "wro=0/2 active=1/3 read_only=False"


def test_errors_repair_leaves_the_file_writable_at_the_size_it_had(zw):
    ops, rep = run(zw, FAILED_WRITE, mount="errors=repair")
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject err=4112:8:once => 0
        dwrite seq/0 8k 4k => -EIO
        dwrite seq/0 8k 4k => 4096
        dwrite seq/1 0 4k => 4096
        read seq/0 0 8k => 8192
        """)
    assert files(rep)["seq/0"] == (12288, 0o640, 2)
    assert sysfs(rep) == "wro=0/2 active=2/3 read_only=False"


def test_an_injected_nth_write_failure_is_handled_like_a_bad_sector(zw):
    ops, rep = run(zw, """
        dwrite seq/0 0 8k
        inject fail_write=1
        dwrite seq/0 8k 4k
        dwrite seq/0 8k 4k
        """, mount="errors=zone-ro")
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject fail_write=1 => 0
        dwrite seq/0 8k 4k => -EIO
        dwrite seq/0 8k 4k => -EPERM
        """)
    assert files(rep)["seq/0"] == (8192, 0o440, 2)


# A 256 KiB write split in pieces of 248 sectors (null_blk's max_sectors
# 255, in 4 KiB blocks): the first piece reaches the zone, the second fails
# (the bad block is 200 KiB into the write), the third is never sent.
PARTIAL_WRITE = """
    dwrite seq/0 0 8k
    inject err=4512:8:once
    dwrite seq/0 8k 256k
    dwrite seq/0 8k 4k
    append seq/0 4k
    """


@pytest.mark.parametrize("mode,after,seq0", [
    ("remount-ro", ["-EROFS", "-EROFS"], (8192, 0o640)),
    ("zone-ro", ["-EPERM", "-EPERM"], (8192, 0o440)),
    ("zone-offline", ["-EPERM", "-EPERM"], (0, 0)),
    ("repair", ["-EINVAL", "4096"], (135168 + 4096, 0o640)),
])
def test_after_a_partly_done_write_only_errors_repair_takes_the_size_from_the_write_pointer(zw, mode, after, seq0):
    ops, rep = run(zw, PARTIAL_WRITE, mount="errors=" + mode)
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject err=4512:8:once => 0
        dwrite seq/0 8k 256k => -EIO
        dwrite seq/0 8k 4k => %s
        append seq/0 4k => %s
        """ % tuple(after))
    assert files(rep)["seq/0"] == seq0 + (2,)
    # the device kept the first piece: 8 KiB + 248 sectors
    assert zones(rep, 2) == [("oi", 135168 + (4096 if mode == "repair" else 0))]


# --- errors=: a zone gone read-only or offline ------------------------------

@pytest.mark.parametrize("mode,results,seq0,ro", [
    ("remount-ro", ["-EROFS", "-EROFS", "8192", "-EROFS"], (8192, 0o440), True),
    ("zone-ro", ["-EPERM", "4096", "8192", "-EPERM"], (8192, 0o440), False),
    ("zone-offline", ["-EPERM", "4096", "-EPERM", "-EPERM"], (0, 0), False),
    ("repair", ["-EPERM", "4096", "8192", "-EPERM"], (8192, 0o440), False),
])
def test_a_zone_gone_read_only_keeps_its_data_readable_unless_errors_zone_offline(zw, mode, results, seq0, ro):
    ops, rep = run(zw, """
        dwrite seq/0 0 8k
        inject ro=2
        dwrite seq/0 8k 4k
        dwrite seq/0 8k 4k
        dwrite seq/1 0 4k
        read seq/0 0 8k
        truncate seq/0 0
        """, mount="errors=" + mode)
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject ro=2 => 0
        dwrite seq/0 8k 4k => -EIO
        dwrite seq/0 8k 4k => %s
        dwrite seq/1 0 4k => %s
        read seq/0 0 8k => %s
        truncate seq/0 0 => %s
        """ % tuple(results))
    assert files(rep)["seq/0"] == seq0 + (2,)
    assert zones(rep, 2) == [("ro", None)]
    assert rep["files"]["/sys/fs/zonefs"]["read_only"] is ro


@pytest.mark.parametrize("mode,other,ro", [
    ("remount-ro", "-EROFS", True),
    ("zone-ro", "4096", False),
    ("zone-offline", "4096", False),
    ("repair", "4096", False),
])
def test_a_zone_gone_offline_empties_its_file_whatever_errors_says(zw, mode, other, ro):
    ops, rep = run(zw, """
        dwrite seq/0 0 8k
        inject offline=2
        dwrite seq/0 8k 4k
        read seq/0 0 8k
        dwrite seq/1 0 4k
        fsync seq/0
        """, mount="errors=" + mode)
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject offline=2 => 0
        dwrite seq/0 8k 4k => -EIO
        read seq/0 0 8k => -EPERM
        dwrite seq/1 0 4k => %s
        fsync seq/0 => -EPERM
        """ % other)
    assert files(rep)["seq/0"] == (0, 0, 2)
    assert zones(rep, 2) == [("ol", None)]
    assert rep["files"]["/sys/fs/zonefs"]["read_only"] is ro


def test_a_read_failing_on_a_zone_gone_offline_runs_the_error_handler_too(zw):
    ops, rep = run(zw, """
        dwrite seq/0 0 8k
        inject offline=2
        read seq/0 0 4k
        read seq/0 0 4k
        dwrite seq/1 0 4k
        """)
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject offline=2 => 0
        read seq/0 0 4k => -EIO
        read seq/0 0 4k => -EPERM
        dwrite seq/1 0 4k => -EROFS
        """)
    assert files(rep)["seq/0"] == (0, 0, 2)


def test_a_read_failing_once_is_retried_block_by_block_and_succeeds(zw):
    # filemap_read(): the blocks readahead could not read are read again one by one
    ops, rep = run(zw, """
        dwrite seq/0 0 8k
        inject err=4104:8:read:once
        read seq/0 0 8k
        dwrite seq/0 8k 4k
        """)
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject err=4104:8:read:once => 0
        read seq/0 0 8k => 8192
        dwrite seq/0 8k 4k => 4096
        """)
    assert sysfs(rep) == "wro=0/2 active=1/3 read_only=False"


def test_a_read_error_on_a_healthy_zone_is_only_returned_to_the_reader(zw):
    # the error handler finds the zone fine and the size right: nothing changes
    ops, rep = run(zw, """
        dwrite seq/0 0 8k
        inject err=4104:8:read
        read seq/0 0 8k
        read seq/0 4k 4k
        dwrite seq/0 8k 4k
        truncate seq/0 0
        """)
    assert ops == dedent("""
        dwrite seq/0 0 8k => 8192
        inject err=4104:8:read => 0
        read seq/0 0 8k => 4096
        read seq/0 4k 4k => -EIO
        dwrite seq/0 8k 4k => 4096
        truncate seq/0 0 => 0
        """)
    assert files(rep)["seq/0"] == (0, 0o640, 2)
    assert sysfs(rep) == "wro=0/2 active=0/3 read_only=False"


def test_with_explicit_open_a_zone_gone_offline_is_not_closed_and_frees_its_open_slot(zw):
    ops, rep = run(zw, """
        open seq/0
        dwrite seq/0 0 8k
        inject offline=2
        dwrite seq/0 8k 4k
        close seq/0
        open seq/1
        open seq/2
        open seq/3
        """, mount="errors=zone-ro,explicit-open")
    assert ops == dedent("""
        open seq/0 => 0
        dwrite seq/0 0 8k => 8192
        inject offline=2 => 0
        dwrite seq/0 8k 4k => -EIO
        close seq/0 => 0
        open seq/1 => 0
        open seq/2 => 0
        open seq/3 => -EBUSY
        """)
    assert zones(rep, 2, 3, 4) == [("ol", None), ("oe", 0), ("oe", 0)]
    assert sysfs(rep) == "wro=2/2 active=2/3 read_only=False"


# --- conventional files: the page cache ---------------------------------------

def test_a_conventional_file_takes_buffered_writes_of_any_size_and_reads_them_back(zw):
    ops, rep = run(zw, """
        write cnv/0 0 8k
        write cnv/0 100 50
        dwrite cnv/0 64k 4k
        fsync cnv/0
        read cnv/0 0 16k
        read cnv/0 99 2
        read cnv/0 1M 4k
        sync
        """)
    assert ops == dedent("""
        write cnv/0 0 8k => 8192
        write cnv/0 100 50 => 50
        dwrite cnv/0 64k 4k => 4096
        fsync cnv/0 => 0
        read cnv/0 0 16k => 16384
        read cnv/0 99 2 => 2
        read cnv/0 1M 4k => 0
        sync => 0
        """)
    assert files(rep)["cnv/0"] == (1 << 20, 0o640, 1)


def test_a_buffered_write_to_a_conventional_file_reaches_the_device_at_fsync(zw):
    # the bad block is injected after the write returned: only fsync's
    # writeback meets it
    ops, _ = run(zw, """
        write cnv/0 0 8k
        inject err=2048:8:write:once
        read cnv/0 0 8k
        fsync cnv/0
        """, mount="errors=repair")
    assert ops == dedent("""
        write cnv/0 0 8k => 8192
        inject err=2048:8:write:once => 0
        read cnv/0 0 8k => 8192
        fsync cnv/0 => -EIO
        """)


@pytest.mark.parametrize("mode,results,cnv0,ro", [
    ("remount-ro", ["-EROFS", "4096", "-EROFS"], (1 << 20, 0o640), True),
    ("zone-ro", ["-EPERM", "4096", "4096"], (1 << 20, 0o440), False),
    ("zone-offline", ["-EPERM", "-EPERM", "4096"], (0, 0), False),
    ("repair", ["4096", "4096", "4096"], (1 << 20, 0o640), False),
])
def test_a_conventional_file_whose_writeback_fails_at_fsync_follows_errors(zw, mode, results, cnv0, ro):
    ops, rep = run(zw, """
        write cnv/0 0 8k
        inject err=2048:8:once
        fsync cnv/0
        write cnv/0 0 4k
        read cnv/0 0 4k
        dwrite seq/0 0 4k
        """, mount="errors=" + mode)
    assert ops == dedent("""
        write cnv/0 0 8k => 8192
        inject err=2048:8:once => 0
        fsync cnv/0 => -EIO
        write cnv/0 0 4k => %s
        read cnv/0 0 4k => %s
        dwrite seq/0 0 4k => %s
        """ % tuple(results))
    assert files(rep)["cnv/0"] == cnv0 + (1,)
    assert rep["files"]["/sys/fs/zonefs"]["read_only"] is ro


def test_a_direct_write_to_a_conventional_file_writes_cached_data_back_first_and_drops_it(zw, tmp_path):
    # iomap_dio_rw() -> kiocb_invalidate_pages(): the dirty 64 KiB folio goes
    # to the device before the direct write, so that it cannot land on top of
    # it later; sync then has nothing left to write
    log = tmp_path / "ev.jsonl"
    r = zw("fs", "--fs", "zonefs", "--dev", DEV, "--verify", "--log", str(log), "-", input=dedent("""
        write cnv/0 0 64k
        dwrite cnv/0 0 16k
        sync
        """))
    assert r.rc == 0, r
    writes = [(e["sector"], e["bytes"]) for e in map(json.loads, log.read_text().splitlines())
              if e["ev"] == "bio_submit" and e["op"] == "write" and e["sector"] >= 2048]
    assert writes == [(2048, 65536), (2048, 16384)]


# --- aggr_cnv ----------------------------------------------------------------

def test_aggr_cnv_makes_the_conventional_zones_after_the_super_block_one_file(zw):
    ops, rep = run(zw, """
        write cnv/0 1048000 8192
        fsync cnv/0
        read cnv/0 1048000 8192
        write cnv/1 0 4096
        """, mount="aggr_cnv", dev="emu:zones=8,zone_size=1M,conv=4,max_open=2")
    assert ops == ("write cnv/0 1048000 8192 => 8192\n"
                   "fsync cnv/0 => 0\n"
                   "read cnv/0 1048000 8192 => 8192\n"
                   "write cnv/1 0 4096 => -ENOENT\n")
    # zones 1 to 3 are one 3 MiB file; the sequential files keep their numbers
    assert files(rep)["cnv/0"] == (3 << 20, 0o640, 1)
    assert sorted(n for n in files(rep) if n.startswith("cnv/")) == ["cnv/0"]
    assert files(rep)["seq/0"][2] == 4
