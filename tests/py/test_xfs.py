"""The regular XFS path (zwsim fs --fs xfs): Linux 6.17's non-zoned XFS
writeback on a conventional device (fs/xfs/xfs_aops.c xfs_map_blocks(),
xfs_writeback_submit(), xfs_end_ioend(); xfs_reflink.c; xfs_iomap.c), read
from the --json report (files: NAME -> {size, disk_size, extents: [{off,
len, zone, zone_off, block, unwritten, shared}]}, stats) and the event log.
One behaviour per test; scenarios run with --verify (each written block
holds the data its file should see there) unless a write failed on purpose.

The device is a regular one (emu:zoned=0) of 64 MiB in 4 KiB blocks: 16384
blocks, all free at mount; the allocator continues a file's previous extent
when the block after it is free, else takes the first free extent that
holds the whole delalloc extent from a cursor that follows the last
allocation (docs/xfs.md).
"""
import json

from conftest import dedent

K = 1024
M = 1024 * K
BS = 4 * K
DEV = "emu:zoned=0,size=64M,zone_size=16M"
BLOCKS = 64 * M // BS

IOEND_SHARED = 1
IOEND_UNWRITTEN = 2


class Run:
    def __init__(self, res):
        self.res = res
        self.report = json.loads(res.out)
        self.results = [line.split(" => ", 1)[1] for line in res.err.splitlines() if " => " in line]
        self.stats = self.report["stats"]

    def extents(self, name):
        """(off, len, device block, unwritten) of each extent of the file."""
        return [(e["off"], e["len"], e["block"], e["unwritten"]) for e in self.report["files"][name]["extents"]]

    def shared(self, name):
        return [e["shared"] for e in self.report["files"][name]["extents"]]

    def file(self, name):
        return self.report["files"][name]


def xfs(zw, script, *opts, dev=DEV, verify=True):
    args = ["fs", "--fs", "xfs", "--dev", dev, "--json"] + (["--verify"] if verify else []) + list(opts)
    res = zw(*args, "-", input=dedent(script))
    assert res.rc == 0, res
    return Run(res)


def events(path):
    return [json.loads(line) for line in open(path)]


# --- delalloc: blocks are chosen at writeback ------------------------------------

def test_buffered_writes_leave_delalloc_and_allocate_nothing(zwsim):
    r = xfs(zwsim, """
        write a 0 32k
        write b 0 32k
        write a 32k 32k
    """)
    assert r.extents("a") == [] and r.extents("b") == []
    assert r.stats["delalloc_blocks"] == 24
    assert r.stats["free_blocks"] == BLOCKS
    assert r.stats["fdblocks"] == BLOCKS - 24


def test_delalloc_is_converted_at_writeback_into_contiguous_blocks(zw):
    # written interleaved with b, yet a gets one extent: the whole delalloc
    # extent is allocated at once when writeback first reaches it
    r = xfs(zw, """
        write a 0 32k
        write b 0 32k
        write a 32k 32k
        sync
    """)
    assert r.extents("a") == [(0, 64 * K, 0, False)]
    assert r.extents("b") == [(0, 32 * K, 16, False)]
    assert r.stats["delalloc_blocks"] == 0
    assert r.stats["fdblocks"] == BLOCKS - 24


def test_delalloc_becomes_unwritten_blocks_written_at_completion(zw, tmp_path):
    # xfs_bmapi_convert_delalloc() allocates with XFS_BMAPI_PREALLOC: the new
    # extent is unwritten until the ioend's completion converts it
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write f 0 16k
        fsync f
    """, "--log", log)
    assert r.extents("f") == [(0, 16 * K, 0, False)]
    assert r.stats["unwritten_converted_blocks"] == 4
    ev = events(log)
    assert [(e["offset"], e["flags"]) for e in ev if e["ev"] == "ioend_submit"] == [(0, IOEND_UNWRITTEN)]
    assert [(e["offset"], e["flags"]) for e in ev if e["ev"] == "ioend_work"] == [(0, IOEND_UNWRITTEN)]


def test_a_failed_first_write_leaves_its_new_blocks_unwritten(zwsim):
    # no stale data is exposed: the blocks read as zeros (--verify skips nothing written)
    r = xfs(zwsim, """
        write f 0 64k
        inject fail_write=1
        fsync f
    """)
    assert r.results == ["65536", "0", "-EIO"]
    assert r.extents("f") == [(0, 64 * K, 0, True)]
    assert r.stats["unwritten_converted_blocks"] == 0


def test_an_append_continues_the_files_last_extent_on_disk(zwsim):
    r = xfs(zwsim, """
        write a 0 16k
        write b 0 16k
        sync
        write a 16k 16k
        sync
    """)
    # a's new block 8 would be the cursor's choice; the block after a's extent (4) is taken by b
    assert r.extents("a") == [(0, 16 * K, 0, False), (16 * K, 16 * K, 8, False)]
    r = xfs(zwsim, """
        write a 0 16k
        sync
        write b 0 16k
        truncate b 0
        write a 16k 16k
        sync
    """)
    # b never reached the disk: the block after a's extent is free, a grows in place
    assert r.extents("a") == [(0, 32 * K, 0, False)]


# --- overwrites ----------------------------------------------------------------------

def test_an_unshared_overwrite_goes_in_place(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write f 0 64k
        sync
        write f 16k 8k
        sync
    """, "--log", log)
    assert r.extents("f") == [(0, 64 * K, 0, False)]
    assert r.stats["device_bytes"] == 72 * K
    writes = [(e["sector"], e["bytes"]) for e in events(log) if e["ev"] == "bio_submit" and e["op"] == "write"]
    assert writes == [(0, 64 * K), (32, 8 * K)]


def test_reflink_then_overwrite_goes_to_new_blocks_and_the_other_file_keeps_the_old_data(zw):
    r = xfs(zw, """
        write a 0 64k
        reflink a b
        write b 16k 8k
        sync
    """)
    assert r.results == ["65536", "0", "8192", "0"]
    # a (written back by the reflink itself) keeps its blocks and its data (--verify)
    assert r.extents("a") == [(0, 64 * K, 0, False)]
    assert r.shared("a") == [56 * K]
    # b's overwrite went out of place: the COW reservation grew to the 32-block
    # COW extent size hint (blocks 0-31), allocated at 16-47, so blocks 4-5 landed at 20-21
    assert r.extents("b") == [(0, 16 * K, 0, False), (16 * K, 8 * K, 20, False), (24 * K, 40 * K, 6, False)]
    assert r.shared("b") == [16 * K, 0, 40 * K]
    assert r.stats["shared_blocks"] == 14
    assert r.stats["cow_remapped_blocks"] == 2
    # the rest of the COW allocation stays in b's COW fork, unwritten (the kernel's blockgc trims it later)
    assert r.stats["cow_blocks"] == 30
    assert r.file("b")["size"] == 64 * K


def test_reflink_shares_only_written_extents_and_unwritten_ones_become_holes(zw):
    # xfs_reflink_remap_extent(): an unwritten extent is not shared (it reads
    # as zeros; unwritten blocks are never shared), so b gets a hole there,
    # and a direct write into a's preallocation stays a's alone, in place
    r = xfs(zw, """
        write a 0 16k
        fallocate a 16k 16k
        sync
        reflink a b
        dwrite a 16k 16k
        dwrite b 16k 8k
        sync
    """)
    assert r.results == ["16384", "0", "0", "0", "16384", "8192", "0"]
    # the preallocation took blocks 0-3, the delalloc at writeback 4-7
    assert r.extents("a") == [(0, 16 * K, 4, False), (16 * K, 16 * K, 0, False)]
    assert r.shared("a") == [16 * K, 0]
    # b's direct write into its hole got new blocks (8-9), not a's 0-1
    assert r.extents("b") == [(0, 24 * K, 4, False)]
    assert r.shared("b") == [16 * K]
    assert r.stats["shared_blocks"] == 4


def test_the_source_is_copied_on_write_too(zwsim):
    r = xfs(zwsim, """
        write a 0 16k
        reflink a b
        write a 0 4k
        sync
    """)
    assert r.extents("a") == [(0, 4 * K, 4, False), (4 * K, 12 * K, 1, False)]
    assert r.extents("b") == [(0, 16 * K, 0, False)]


def test_when_both_files_copied_a_block_the_old_block_is_freed(zwsim):
    r = xfs(zwsim, """
        write a 0 16k
        reflink a b
        write a 0 16k
        write b 0 16k
        sync
    """)
    # each COW fork got a 32-block allocation (a: 4-35, b: 36-67)
    assert r.extents("a") == [(0, 16 * K, 4, False)]
    assert r.extents("b") == [(0, 16 * K, 36, False)]
    assert r.stats["shared_blocks"] == 0
    # blocks 0-3 are free again; 2 x 32 are in use (8 mapped, 56 left in the COW forks)
    assert r.stats["free_blocks"] == BLOCKS - 64
    assert r.stats["cow_blocks"] == 56


def test_a_block_the_cow_fork_covers_is_copied_on_write_even_when_no_longer_shared(zwsim):
    # the COW extent size hint reserved blocks 0-31 around block 4 (at 16-47);
    # once a is gone, block 2 is not shared, yet the COW fork covers it
    r = xfs(zwsim, """
        write a 0 64k
        reflink a b
        write b 16k 4k
        sync
        unlink a
        write b 8k 4k
        sync
    """)
    assert r.extents("b") == [(0, 8 * K, 0, False), (8 * K, 4 * K, 18, False), (12 * K, 4 * K, 3, False),
                              (16 * K, 4 * K, 20, False), (20 * K, 44 * K, 5, False)]
    assert r.stats["cow_remapped_blocks"] == 2
    assert r.stats["free_blocks"] == BLOCKS - 16 - 32 + 2


def test_the_cow_remap_releases_data_fork_delalloc_under_it(zwsim):
    # block 8 of b is a hole with delalloc; the COW reservation for block 0
    # (blocks 0-31) covers it too, so writeback sends it through the COW fork
    r = xfs(zwsim, """
        write a 0 16k
        reflink a b
        write b 32k 4k
        write b 0 4k
        sync
    """)
    assert r.extents("b") == [(0, 4 * K, 4, False), (4 * K, 12 * K, 1, False), (32 * K, 4 * K, 12, False)]
    assert r.stats["cow_remapped_blocks"] == 2
    # the data fork's delalloc at block 8 gave its reservation back
    assert r.stats["delalloc_blocks"] == 0
    assert r.stats["fdblocks"] == r.stats["free_blocks"] == BLOCKS - 4 - 32


def test_once_the_other_file_is_gone_an_overwrite_is_in_place_again(zwsim):
    r = xfs(zwsim, """
        write a 0 16k
        reflink a b
        unlink a
        write b 0 4k
        sync
    """)
    assert r.extents("b") == [(0, 16 * K, 0, False)]
    assert r.shared("b") == [0]
    assert r.stats["cow_remapped_blocks"] == 0


def test_shared_ioends_are_deferred_with_the_shared_flag(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    xfs(zw, """
        write a 0 16k
        reflink a b
        write b 0 8k
        fsync b
    """, "--log", log)
    ev = events(log)
    deferred = [(e["ino"], e["offset"], e["size"], e["flags"]) for e in ev if e["ev"] == "ioend_defer"]
    # a's first writeback (new blocks, unwritten until it completes), then b's
    # CoW write: shared, on blocks still unwritten in the COW fork
    assert deferred == [(128, 0, 16 * K, IOEND_UNWRITTEN), (129, 0, 8 * K, IOEND_SHARED | IOEND_UNWRITTEN)]
    done = [(e["ino"], e["offset"], e["flags"]) for e in ev if e["ev"] == "ioend_work"]
    assert done == [(128, 0, IOEND_UNWRITTEN), (129, 0, IOEND_SHARED | IOEND_UNWRITTEN)]


# --- unwritten extents (fallocate) --------------------------------------------------

def test_fallocate_preallocates_unwritten_extents(zwsim):
    r = xfs(zwsim, """
        fallocate u 0 64k
    """)
    assert r.extents("u") == [(0, 64 * K, 0, True)]
    assert r.file("u")["size"] == 64 * K
    assert r.file("u")["disk_size"] == 64 * K


def test_unwritten_extents_are_converted_at_completion_only_where_written(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        fallocate u 0 64k
        write u 16k 8k
        fsync u
    """, "--log", log)
    assert r.extents("u") == [(0, 16 * K, 0, True), (16 * K, 8 * K, 4, False), (24 * K, 40 * K, 6, True)]
    assert r.stats["unwritten_converted_blocks"] == 2
    ev = events(log)
    assert [(e["offset"], e["flags"]) for e in ev if e["ev"] == "ioend_defer"] == [(16 * K, IOEND_UNWRITTEN)]
    # the conversion ran in the completion work, after the bio ended
    order = [e["ev"] for e in ev if e["ev"] in ("bio_end", "ioend_work") and e.get("op", "write") == "write"]
    assert order == ["bio_end", "ioend_work"]


def test_unwritten_extents_stay_unwritten_until_writeback(zwsim):
    r = xfs(zwsim, """
        fallocate u 0 64k
        write u 16k 8k
    """)
    assert r.extents("u") == [(0, 64 * K, 0, True)]


def test_a_failed_write_to_unwritten_extents_converts_nothing(zwsim):
    r = xfs(zwsim, """
        fallocate u 0 64k
        write u 0 8k
        inject fail_write=1
        fsync u
        fsync u
    """, verify=False)
    assert r.results == ["0", "8192", "0", "-EIO", "0"]
    assert r.extents("u") == [(0, 64 * K, 0, True)]
    assert r.stats["unwritten_converted_blocks"] == 0


# --- the on-disk size ------------------------------------------------------------------

def test_append_ioends_are_deferred_and_the_disk_size_is_set_at_completion(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write f 0 8k
        fsync f
        write f 0 4k
        fsync f
    """, "--log", log)
    assert r.file("f")["disk_size"] == 8 * K
    ev = [e for e in events(log) if e["ev"] in ("ioend_defer", "ioend_submit", "ioend_work") or
          (e["ev"] == "bio_end" and e["op"] == "write")]
    # the append: deferred, and completed in the work after its bio; the
    # overwrite inside the on-disk size: completed in bio context
    assert [e["ev"] for e in ev] == ["ioend_defer", "ioend_submit", "bio_end", "ioend_work",
                                     "ioend_submit", "bio_end"]


def test_the_disk_size_waits_for_writeback(zwsim):
    r = xfs(zwsim, """
        write f 0 8k
    """)
    assert r.file("f")["size"] == 8 * K
    assert r.file("f")["disk_size"] == 0


def test_a_failed_append_leaves_the_disk_size(zwsim):
    r = xfs(zwsim, """
        write f 0 8k
        fsync f
        write f 8k 8k
        inject fail_write=1
        fsync f
    """, verify=False)
    assert r.results[-1] == "-EIO"
    assert r.file("f")["size"] == 16 * K
    assert r.file("f")["disk_size"] == 8 * K


# --- errors ---------------------------------------------------------------------------

def test_a_device_write_error_is_returned_by_fsync_once_and_leaves_no_folio_in_writeback(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write f 0 64k
        inject fail_write=1
        fsync f
        fsync f
        write g 0 16k
        fsync g
    """, "--log", log, verify=False)
    assert r.results == ["65536", "0", "-EIO", "0", "16384", "0"]
    ev = events(log)
    started = sorted((e["ino"], e["pos"]) for e in ev if e["ev"] == "folio_writeback_start")
    ended = sorted((e["ino"], e["pos"]) for e in ev if e["ev"] == "folio_writeback_end")
    assert started == ended
    assert [e["ino"] for e in ev if e["ev"] == "writeback_error"] == [128]


def test_a_failed_cow_write_cancels_the_cow_and_the_file_keeps_the_old_data(zwsim):
    r = xfs(zwsim, """
        write a 0 64k
        reflink a b
        write b 0 16k
        inject fail_write=1
        fsync b
        fsync b
    """)
    assert r.results == ["65536", "0", "16384", "0", "-EIO", "0"]
    # b still maps a's blocks (and --verify reads a's data there); the COW
    # blocks under the failed ioend (4 of the 32 the hint reserved) are freed
    assert r.extents("b") == [(0, 64 * K, 0, False)]
    assert r.shared("b") == [64 * K]
    assert r.stats["cow_blocks"] == 28
    assert r.stats["free_blocks"] == BLOCKS - 16 - 28
    assert r.stats["fdblocks"] == BLOCKS - 16 - 28


# --- direct writes (xfs_file_dio_write_aligned) ---------------------------------------

def test_direct_writes_and_appends_are_on_disk_when_they_return(zwsim):
    r = xfs(zwsim, """
        dwrite f 0 8k
        append f 8k
    """)
    assert r.extents("f") == [(0, 16 * K, 0, False)]
    assert r.file("f")["disk_size"] == 16 * K
    assert r.stats["delalloc_blocks"] == 0


def test_a_direct_write_into_a_hole_gets_unwritten_blocks_converted_when_it_completes(zw, tmp_path):
    # xfs_iomap_write_direct() allocates with XFS_BMAPI_PREALLOC;
    # xfs_dio_write_end_io() -> xfs_iomap_write_unwritten() converts
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        dwrite f 0 64k
    """, "--log", log)
    assert r.results == ["65536"]
    assert r.extents("f") == [(0, 64 * K, 0, False)]
    assert r.stats["unwritten_converted_blocks"] == 16
    assert r.stats["free_blocks"] == r.stats["fdblocks"] == BLOCKS - 16
    assert (r.file("f")["size"], r.file("f")["disk_size"]) == (64 * K, 64 * K)
    writes = [(e["sector"], e["bytes"], e.get("dio")) for e in events(log) if e["ev"] == "bio_submit"
              and e["op"] == "write"]
    assert writes == [(0, 64 * K, True)]


def test_a_failed_direct_write_into_a_hole_leaves_its_blocks_unwritten(zwsim):
    # nothing is converted on error: the blocks stay allocated but read as
    # zeros (--verify skips them), and the size does not move
    r = xfs(zwsim, """
        inject fail_write=1
        dwrite f 0 64k
        dwrite g 0 16k
    """)
    assert r.results == ["0", "-EIO", "16384"]
    assert r.extents("f") == [(0, 64 * K, 0, True)]
    assert (r.file("f")["size"], r.file("f")["disk_size"]) == (0, 0)
    assert r.stats["unwritten_converted_blocks"] == 4
    assert r.stats["free_blocks"] == BLOCKS - 16 - 4


def test_a_direct_write_into_unwritten_blocks_goes_there_and_converts_only_its_range(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        fallocate u 0 64k
        dwrite u 16k 8k
    """, "--log", log)
    assert r.extents("u") == [(0, 16 * K, 0, True), (16 * K, 8 * K, 4, False), (24 * K, 40 * K, 6, True)]
    assert r.stats["unwritten_converted_blocks"] == 2
    writes = [(e["sector"], e["bytes"]) for e in events(log) if e["ev"] == "bio_submit" and e["op"] == "write"]
    assert writes == [(32, 8 * K)]


def test_a_direct_overwrite_of_written_blocks_goes_in_place(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write f 0 64k
        sync
        dwrite f 16k 8k
    """, "--log", log)
    assert r.results == ["65536", "0", "8192"]
    assert r.extents("f") == [(0, 64 * K, 0, False)]
    # no new blocks, nothing converted by the direct write (16: the writeback's)
    assert r.stats["free_blocks"] == BLOCKS - 16
    assert r.stats["unwritten_converted_blocks"] == 16
    writes = [(e["sector"], e["bytes"], e.get("dio")) for e in events(log) if e["ev"] == "bio_submit"
              and e["op"] == "write"]
    assert writes == [(0, 64 * K, None), (32, 8 * K, True)]


def test_a_direct_write_over_a_reflinked_range_goes_to_new_blocks_and_the_other_file_keeps_the_old_data(zw,
                                                                                                         tmp_path):
    # xfs_reflink_allocate_cow() with the COW extent size hint (blocks 0-31
    # at 16-47), IOMAP_F_SHARED; xfs_reflink_end_cow() remaps at completion;
    # --verify reads a's data in a and b's in b
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write a 0 64k
        reflink a b
        dwrite b 16k 8k
    """, "--log", log)
    assert r.results == ["65536", "0", "8192"]
    assert r.extents("a") == [(0, 64 * K, 0, False)]
    assert r.shared("a") == [56 * K]
    assert r.extents("b") == [(0, 16 * K, 0, False), (16 * K, 8 * K, 20, False), (24 * K, 40 * K, 6, False)]
    assert r.stats["cow_remapped_blocks"] == 2
    assert r.stats["cow_blocks"] == 30
    assert r.stats["shared_blocks"] == 14
    dio = [(e["sector"], e["bytes"]) for e in events(log) if e["ev"] == "bio_submit" and e.get("dio")]
    assert dio == [(20 * BS // 512, 8 * K)]


def test_the_source_of_a_reflink_is_copied_on_a_direct_write_too(zwsim):
    r = xfs(zwsim, """
        dwrite a 0 16k
        reflink a b
        dwrite a 0 4k
        dwrite b 8k 4k
    """)
    # a's COW blocks at 4-35, b's at 36-67
    assert r.extents("a") == [(0, 4 * K, 4, False), (4 * K, 12 * K, 1, False)]
    assert r.extents("b") == [(0, 8 * K, 0, False), (8 * K, 4 * K, 38, False), (12 * K, 4 * K, 3, False)]
    assert r.stats["shared_blocks"] == 2


def test_a_shared_run_across_refcount_records_is_one_cow_mapping(zw, tmp_path):
    # after c's copy of blocks 0-7, a's blocks 0-7 have refcount 2 and 8-15
    # refcount 3: one shared run (xfs_reflink_find_shared() goes on to its
    # end), so one mapping and one bio for a's 64 KiB
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        dwrite a 0 64k
        reflink a b
        reflink b c
        dwrite c 0 32k
        dwrite a 0 64k
    """, "--log", log)
    assert r.extents("a") == [(0, 64 * K, 48, False)]
    dio = [(e["sector"], e["bytes"]) for e in events(log) if e["ev"] == "bio_submit" and e.get("dio")]
    assert dio == [(0, 64 * K), (16 * 8, 32 * K), (48 * 8, 64 * K)]


def test_a_direct_write_into_cow_delalloc_allocates_just_its_range(zwsim):
    # the buffered write reserved COW delalloc for blocks 0-31; the direct
    # write at block 10 finds no dirty cache there (the dirty block is 0):
    # xfs_bmapi_write() allocates only block 10 out of that reservation (at
    # 16), splitting it; writeback then converts the delalloc extent that
    # holds block 0, now blocks 0-9 (at 17-26), and 11-31 stay reserved
    r = xfs(zwsim, """
        write a 0 64k
        reflink a b
        write b 0 4k
        dwrite b 40k 4k
        sync
    """)
    assert r.extents("b") == [(0, 4 * K, 17, False), (4 * K, 36 * K, 1, False), (40 * K, 4 * K, 16, False),
                              (44 * K, 20 * K, 11, False)]
    assert r.stats["cow_remapped_blocks"] == 2
    assert r.stats["cow_blocks"] == 9
    assert r.stats["delalloc_blocks"] == 21
    assert r.stats["free_blocks"] == BLOCKS - 16 - 1 - 10
    assert r.stats["fdblocks"] == r.stats["free_blocks"] - 21


def test_a_direct_append_takes_the_size_at_issue_and_moves_it_at_completion(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write f 0 64k
        append f 32k
        sync
    """, "--log", log)
    # the buffered write moved the size at once: the append goes after it
    assert r.results == ["65536", "32768", "0"]
    assert [e["pos"] for e in events(log) if e["ev"] == "dio_submit"] == [64 * K]
    assert (r.file("f")["size"], r.file("f")["disk_size"]) == (96 * K, 96 * K)


def test_a_failed_direct_append_does_not_move_the_size(zwsim):
    r = xfs(zwsim, """
        append f 64k
        inject fail_write=1
        append f 64k
        append f 4k
    """)
    assert r.results == ["65536", "0", "-EIO", "4096"]
    # the failed append's blocks stay allocated, unwritten, past the size;
    # the next append starts where the size still is and writes in place over them
    assert (r.file("f")["size"], r.file("f")["disk_size"]) == (68 * K, 68 * K)
    assert r.extents("f") == [(0, 68 * K, 0, False), (68 * K, 60 * K, 17, True)]


def test_a_direct_write_over_dirty_cached_data_writes_it_back_first_then_wins(zw, tmp_path):
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write f 0 128k
        dwrite f 32k 64k
        sync
        read f 0 128k
    """, "--log", log)
    assert r.results == ["131072", "65536", "0", "131072"]
    ev = events(log)
    dio_start = next(i for i, e in enumerate(ev) if e["ev"] == "dio_submit")
    wb_start = next(i for i, e in enumerate(ev) if e["ev"] == "folio_writeback_start")
    wb_end = next(i for i, e in enumerate(ev) if e["ev"] == "folio_writeback_end")
    first_dio_bio = next(i for i, e in enumerate(ev) if e["ev"] == "bio_submit" and e.get("dio"))
    # the cached 128 KiB went out inside the direct write, before its bio
    assert dio_start < wb_start < wb_end < first_dio_bio
    # and only once: the cache range was dropped, sync has nothing to write
    assert sum(e["ev"] == "folio_writeback_start" for e in ev) == 1
    # the direct data went in place over the blocks writeback had just
    # allocated, and is the last write there
    writes = [(e["sector"], e["bytes"], e.get("dio")) for e in ev if e["ev"] == "bio_submit" and e["op"] == "write"]
    assert writes[-1] == (64, 64 * K, True)
    assert r.extents("f") == [(0, 128 * K, 0, False)]


def test_no_folio_is_in_writeback_and_no_ioend_is_deferred_for_direct_writes(zw, tmp_path):
    # new blocks, unwritten blocks, shared blocks: the bios complete in bio
    # context and the dio's ->end_io does the transactions; nothing goes
    # through the page cache or the inode's completion work
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        dwrite a 0 1536k 2M
        reflink a b
        dwrite b 0 8k
        fallocate u 0 64k
        dwrite u 16k 8k
    """, "--log", log)
    assert r.results == ["1572864", "0", "8192", "0", "8192"]
    ev = events(log)
    assert [e for e in ev if e["ev"].startswith(("folio_", "ioend_"))] == []
    assert [e["ev"] for e in ev if e["ev"].startswith("dio_")] == ["dio_submit", "dio_end"] * 3
    bios = [(e["sector"], e["bytes"], e.get("dio")) for e in ev if e["ev"] == "bio_submit" and e["op"] == "write"]
    assert bios == [(0, 1 * M, True), (2048, 512 * K, True), (384 * 8, 8 * K, True), (416 * 8 + 32, 8 * K, True)]
    # every bio of a dio ended before its dio_end
    for end in (i for i, e in enumerate(ev) if e["ev"] == "dio_end"):
        start = max(i for i, e in enumerate(ev[:end]) if e["ev"] == "dio_submit")
        ids = {e["id"] for e in ev[start:end] if e["ev"] == "bio_submit"}
        assert ids <= {e["id"] for e in ev[start:end] if e["ev"] == "bio_end"}


def test_a_misaligned_direct_write_is_einval(zwsim):
    # xfs_file_dio_write(): misaligned to the logical block size; the
    # model's file system block is the logical block, so the unaligned
    # (sub-block) path cannot be reached
    r = xfs(zwsim, """
        dwrite f 512 4k
        dwrite f 0 6k
        dwrite f 4k 4k
    """)
    assert r.results == ["-EINVAL", "-EINVAL", "4096"]
    assert r.extents("f") == [(4 * K, 4 * K, 0, False)]


def test_when_writing_back_the_cached_range_fails_the_direct_write_falls_back_to_buffered(zw, tmp_path):
    # kiocb_invalidate_pages() fails: iomap_dio_rw() says -ENOTBLK and
    # xfs_file_write_iter() writes through the cache; fsync writes it back
    # and reports the earlier error once
    log = tmp_path / "ev.jsonl"
    r = xfs(zw, """
        write f 0 64k
        inject fail_write=1
        dwrite f 0 64k
        fsync f
        fsync f
    """, "--log", log)
    assert r.results == ["65536", "0", "65536", "-EIO", "0"]
    ev = events(log)
    assert [e for e in ev if e.get("dio") is True] == []
    assert [e["ret"] for e in ev if e["ev"] == "dio_end"] == ["-ENOTBLK"]
    assert sum(e["ev"] == "folio_writeback_start" for e in ev) == 2
    assert r.extents("f") == [(0, 64 * K, 0, False)]


def test_a_direct_write_short_of_free_blocks_is_enospc(zwsim):
    r = xfs(zwsim, """
        dwrite f 0 1M
        dwrite g 0 4k
    """, dev="emu:zoned=0,size=1M,zone_size=1M")
    assert r.results == ["1048576", "-ENOSPC"]
    assert r.extents("g") == []


# --- mounting, refusals ---------------------------------------------------------------


def test_a_zoned_device_is_refused(zwsim):
    res = zwsim("fs", "--fs", "xfs", "--dev", "emu:zones=8,zone_size=1M,conv=1", "-", input="sync\n")
    assert res.rc == 2
    assert "zone 1 is sequential" in res.err and "--fs xfs-zoned" in res.err


def test_zoned_file_systems_refuse_reflink_and_fallocate(zwsim):
    script = "write a 0 4k\nreflink a b\nfallocate a 0 8k\n"
    res = zwsim("fs", "--fs", "xfs-zoned", "--dev", "emu:zones=17,zone_size=1M,conv=1", "-", input=script)
    assert res.rc == 0
    assert "reflink a b => -EOPNOTSUPP  # xfs-zoned has no reflink (FICLONE)" in res.out
    assert "fallocate a 0 8k => -EOPNOTSUPP  # xfs-zoned has no preallocation" in res.out
    res = zwsim("fs", "--fs", "zonefs", "--dev", "emu:zones=8,zone_size=1M,conv=1", "-",
                input="reflink seq/0 seq/1\nfallocate cnv/0 0 4k\n")
    assert "reflink seq/0 seq/1 => -EOPNOTSUPP" in res.out
    assert "fallocate cnv/0 0 4k => -EOPNOTSUPP" in res.out


def test_reflink_of_a_missing_file_fails(zwsim):
    r = xfs(zwsim, """
        reflink x y
    """)
    assert r.results == ["-ENOENT"]


def test_a_regular_device_spec(zwsim):
    res = zwsim("zone", "info", "--dev", "emu:zoned=0,size=64M,zone_size=16M")
    assert res.rc == 0
    assert "4 (4 conventional, 0 SEQ_WRITE_REQUIRED)" in res.out
    res = zwsim("zone", "info", "--dev", "emu:zoned=0,zones=4,zone_size=16M,conv=1")
    assert res.rc != 0 and "zoned=0: a regular device takes no conv" in res.err


# --- side by side: the regular path and the zoned path on the same workload ---------

SIDE_BY_SIDE = """
    # interleaved writes of two files
    write a 0 128k
    write b 0 64k
    write a 128k 128k
    write b 64k 64k
    write a 256k 256k
    sync
    # an overwrite and an append
    write a 64k 64k
    write b 128k 128k
    sync
    # truncate, a third file, unlink
    truncate a 384k
    write c 0 192k
    unlink b
    sync
"""
# the same 32 MiB: a regular device, and a zoned one (one conventional zone, 31 sequential)
DEV_REGULAR = "emu:zoned=0,size=32M,zone_size=1M"
DEV_ZONED = "emu:zones=32,zone_size=1M,conv=1"


def run_both(zw, tmp_path, script):
    out = {}
    for fs, dev in (("xfs", DEV_REGULAR), ("xfs-zoned", DEV_ZONED)):
        log = tmp_path / (fs + ".jsonl")
        res = zw("fs", "--fs", fs, "--dev", dev, "--json", "--verify", "--log", log, "-", input=dedent(script))
        assert res.rc == 0, res
        out[fs] = (Run(res), events(log))
    return out


def zone_extents(r, name):
    return [(e["off"], e["len"], e["zone"], e["zone_off"]) for e in r.report["files"][name]["extents"]]


def test_side_by_side_both_paths_run_the_same_workload_and_verify(zw, tmp_path):
    both = run_both(zw, tmp_path, SIDE_BY_SIDE)
    for fs in both:
        r = both[fs][0]
        assert r.results == ["131072", "65536", "131072", "65536", "262144", "0", "65536", "131072", "0",
                             "0", "196608", "0", "0"], fs
        assert sorted(r.report["files"]) == ["a", "c"]
        assert r.file("a")["size"] == 384 * K and r.file("c")["size"] == 192 * K
        # every byte written once: no GC, no CoW
        assert r.stats["user_bytes"] == r.stats["device_bytes"] == 1 * M


def test_side_by_side_an_overwrite_is_in_place_on_xfs_and_out_of_place_on_xfs_zoned(zw, tmp_path):
    both = run_both(zw, tmp_path, SIDE_BY_SIDE)
    xr, zr = both["xfs"][0], both["xfs-zoned"][0]
    # xfs: a's delalloc became one extent at the device's start, and the overwrite landed in it
    assert zone_extents(xr, "a") == [(0, 384 * K, 0, 0)]
    # xfs-zoned: the overwrite went to the zone's tail; a is cut in three
    assert zone_extents(zr, "a") == [(0, 64 * K, 1, 0), (64 * K, 64 * K, 1, 640 * K), (128 * K, 256 * K, 1, 128 * K)]
    xw = [(e["op"], e["sector"], e["bytes"]) for e in both["xfs"][1] if e["ev"] == "bio_submit" and e["op"] != "read"]
    zw_ = [(e["op"], e["sector"], e["bytes"]) for e in both["xfs-zoned"][1]
           if e["ev"] == "bio_submit" and e["op"] != "read"]
    # xfs writes where the blocks are (the overwrite at a's sector 128); xfs-zoned appends to zone 1's start
    assert xw == [("write", 0, 512 * K), ("write", 1024, 128 * K), ("write", 128, 64 * K),
                  ("write", 1280, 128 * K), ("write", 1536, 192 * K)]
    assert zw_ == [("zone_append", 2048, n) for n in (512 * K, 128 * K, 64 * K, 128 * K, 192 * K)]


def test_side_by_side_only_xfs_defers_just_the_ioends_that_need_it(zw, tmp_path):
    both = run_both(zw, tmp_path, SIDE_BY_SIDE)
    xev = both["xfs"][1]
    # the four appends go to the completion work; the overwrite inside the on-disk size does not
    assert [(e["ino"], e["offset"]) for e in xev if e["ev"] == "ioend_defer"] == \
        [(128, 0), (129, 0), (129, 128 * K), (130, 0)]
    assert len([e for e in xev if e["ev"] == "ioend_submit"]) == 5


def test_side_by_side_freed_space_is_reusable_at_once_only_on_xfs(zw, tmp_path):
    keep = SIDE_BY_SIDE.replace("unlink b\n", "")
    both, kept = run_both(zw, tmp_path, SIDE_BY_SIDE), run_both(zw, tmp_path, keep)
    # xfs: b's 64 blocks are free again after the unlink (and a's truncated 32 before it)
    assert both["xfs"][0].stats["free_blocks"] == 8192 - 96 - 48
    assert kept["xfs"][0].stats["free_blocks"] == 8192 - 96 - 48 - 64
    # xfs-zoned: the unlink frees nothing writable: zone 1 is full and waits for GC
    zs, zk = both["xfs-zoned"][0].stats, kept["xfs-zoned"][0].stats
    assert zs["free_rtavailable"] == zk["free_rtavailable"]
    assert zs["zones"]["full"] == 1 and zs["zones"]["reclaimable"] == 1


# --- a random workload keeps the books ------------------------------------------------

def random_workload(seed, n=1500):
    import random
    rnd = random.Random(seed)
    files = ["f%d" % i for i in range(5)]
    ops = []
    for _ in range(n):
        r, f = rnd.random(), rnd.choice(files)
        if r < 0.5:
            ops.append("write %s %d %d" % (f, rnd.randrange(256) * BS, rnd.randrange(1, 64) * BS))
        elif r < 0.6:
            ops.append("sync")
        elif r < 0.7:
            ops.append("reflink %s %s" % (f, rnd.choice(files)))
        elif r < 0.75:
            ops.append("truncate %s %d" % (f, rnd.randrange(256) * BS))
        elif r < 0.8:
            ops.append("fallocate %s %d %d" % (f, rnd.randrange(256) * BS, rnd.randrange(1, 32) * BS))
        elif r < 0.85:
            ops.append("unlink %s" % f)
        elif r < 0.9:
            ops.append("fsync %s" % f)
        else:
            ops.append("dwrite %s %d %d" % (f, rnd.randrange(256) * BS, rnd.randrange(1, 16) * BS))
    return "\n".join(ops + ["sync"]) + "\n"


def direct_workload(seed, n=1500):
    """Direct writes and appends as often as buffered writes, and injected write errors."""
    import random
    rnd = random.Random(seed)
    files = ["f%d" % i for i in range(5)]
    ops = []
    for _ in range(n):
        r, f = rnd.random(), rnd.choice(files)
        if r < 0.3:
            ops.append("write %s %d %d" % (f, rnd.randrange(256) * BS, rnd.randrange(1, 64) * BS))
        elif r < 0.55:
            ops.append("dwrite %s %d %d" % (f, rnd.randrange(256) * BS, rnd.randrange(1, 64) * BS))
        elif r < 0.6:
            ops.append("append %s %d" % (f, rnd.randrange(1, 16) * BS))
        elif r < 0.67:
            ops.append("sync")
        elif r < 0.77:
            ops.append("reflink %s %s" % (f, rnd.choice(files)))
        elif r < 0.82:
            ops.append("truncate %s %d" % (f, rnd.randrange(256) * BS))
        elif r < 0.87:
            ops.append("fallocate %s %d %d" % (f, rnd.randrange(256) * BS, rnd.randrange(1, 32) * BS))
        elif r < 0.9:
            ops.append("unlink %s" % f)
        elif r < 0.95:
            ops.append("fsync %s" % f)
        else:
            ops.append("inject fail_write=%d" % rnd.randrange(1, 4))
    return "\n".join(ops + ["sync"]) + "\n"


def check_books(report):
    stats, mapped = report["stats"], {}
    for f in report["files"].values():
        for e in f["extents"]:
            for b in range(e["block"], e["block"] + e["len"] // BS):
                mapped[b] = mapped.get(b, 0) + 1
    # COW forks hold what the extent size hint allocated beyond the written blocks
    assert stats["free_blocks"] + len(mapped) + stats["cow_blocks"] == stats["blocks"]
    assert stats["shared_blocks"] == sum(1 for n in mapped.values() if n >= 2)
    assert stats["fdblocks"] == stats["free_blocks"] - stats["delalloc_blocks"]


def test_a_random_workload_verifies_and_every_block_is_free_or_mapped_with_its_refcount(zwsim):
    for seed in (1, 2, 3):
        res = zwsim("fs", "--fs", "xfs", "--dev", "emu:zoned=0,size=256M,zone_size=64M", "--json", "--verify", "-",
                    input=random_workload(seed))
        assert res.rc == 0, res
        check_books(json.loads(res.out))


def test_a_random_direct_write_workload_with_write_errors_keeps_the_books(zwsim):
    # no --verify with the errors: after a failed write --verify cannot tell
    # which of its blocks reached the device (a direct write's bios may
    # partly succeed; writeback counts its data as written at submission)
    for seed in (1, 2, 3):
        script = direct_workload(seed)
        res = zwsim("fs", "--fs", "xfs", "--dev", "emu:zoned=0,size=256M,zone_size=64M", "--json", "-",
                    input=script)
        assert res.rc == 0, res
        results = [line for line in res.err.splitlines() if line.startswith(("dwrite", "append"))]
        assert any(line.endswith("=> -EIO") for line in results)
        check_books(json.loads(res.out))
        # without the errors, every block verifies too
        script = "\n".join(line for line in script.splitlines() if not line.startswith("inject")) + "\n"
        res = zwsim("fs", "--fs", "xfs", "--dev", "emu:zoned=0,size=256M,zone_size=64M", "--json", "--verify", "-",
                    input=script)
        assert res.rc == 0, res
        check_books(json.loads(res.out))
