"""The xfs-zoned model (zwsim fs --fs xfs-zoned): where zoned XFS
(fs/xfs/xfs_zone_alloc.c, xfs_aops.c) puts each file's data, read from the
--json report (files: NAME -> {size, extents: [{off, len, zone, zone_off}]},
zones: [{zone, cond, wp}]) and the event log.  One behaviour per test; every
scenario runs with --verify (each mapped block holds what was written there).

The devices have 1 MiB zones (256 blocks of 4 KiB) and one conventional zone
(zone 0, where XFS keeps its metadata); the realtime groups are the
sequential zones, so realtime group N is zone N+1.  Open zones for user data:
one less than the open limit (one is kept for GC), the limit being the
max_open_zones mount option, else the device's limit, else
max(2, min((groups - 5) / 2 + 2, groups / 4)); 16 sequential zones give 4.

Where kernels differ, the model follows Linux 7.2 (the kernel of the VM
tier) by default and Linux 6.17 with --mount kernel=6.17; a test of such a
rule runs both, with each kernel's placement stated (KERNELS, mount()).
"""
import json

import pytest

from conftest import dedent

K = 1024
M = 1024 * K
ZONE = M

# 16 sequential zones: open limit 4, three open zones for user data
DEV = "emu:zones=17,zone_size=1M,conv=1"
# 8 sequential zones: open limit 2, one open zone for user data
DEV_ONE_ZONE = "emu:zones=9,zone_size=1M,conv=1"
# 32 sequential zones: open limit 8 (the mount option chooses fewer)
DEV_MANY = "emu:zones=33,zone_size=1M,conv=1"


class Run:
    def __init__(self, res):
        self.res = res
        self.report = json.loads(res.out)
        # 'OPERATION => RESULT' lines go to stderr with --json
        self.results = [line.split(" => ", 1)[1] for line in res.err.splitlines() if " => " in line]

    def extents(self, name):
        """The file's extents as (off, len, zone, zone_off) tuples."""
        return [(e["off"], e["len"], e["zone"], e["zone_off"]) for e in self.report["files"][name]["extents"]]

    def size(self, name):
        return self.report["files"][name]["size"]

    def zone(self, n):
        """(cond, wp) of zone n."""
        z = self.report["zones"][n]
        return z["cond"], z["wp"]

    def open_zones(self):
        return [z["zone"] for z in self.report["zones"] if z["cond"] in ("oi", "oe", "cl")]


# The two rule sets: "7.2" runs with no kernel= option (it is the default).
KERNELS = ("7.2", "6.17")


def mount(kernel, *opts):
    """--mount arguments: the options given, plus kernel=6.17 for 6.17's rules."""
    opts = list(opts) + (["kernel=6.17"] if kernel == "6.17" else [])
    return ["--mount", ",".join(opts)] if opts else []


def xfs(zw, dev, script, *opts):
    """Run a workload; it must succeed and verify."""
    res = zw("fs", "--fs", "xfs-zoned", "--dev", dev, "--json", "--verify", *opts, "-", input=dedent(script))
    assert res.rc == 0, res
    return Run(res)


def log_events(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


# --- one file, one zone, zone ends -------------------------------------------

def test_an_uninterrupted_large_write_stays_one_extent_within_a_zone(zw):
    r = xfs(zw, DEV, """
        write f 0 768k
        sync
    """)
    assert r.results == ["786432", "0"]
    assert r.extents("f") == [(0, 768 * K, 1, 0)]
    assert r.zone(1) == ("oi", 768 * K)


def test_zone_appends_cut_at_the_append_limit_land_back_to_back_as_one_extent(zwsim, tmp_path):
    log = tmp_path / "events.jsonl"
    r = xfs(zwsim, DEV + ",max_append=64k", """
        write f 0 512k
        sync
    """, "--log", log)
    assert r.extents("f") == [(0, 512 * K, 1, 0)]
    ends = [e for e in log_events(log) if e["ev"] == "bio_end" and e["op"] == "zone_append"]
    assert [(e["sector"], e["bytes"]) for e in ends] == [(2048 + 128 * i, 64 * K) for i in range(8)]


def test_a_large_write_splits_exactly_at_the_zone_capacity(zw):
    # one open zone for user data: each zone must be written to its capacity
    # (and leave the open list) before the next one opens
    r = xfs(zw, "emu:zones=9,zone_size=1M,zone_cap=768k,conv=1", """
        write f 0 2M
        sync
    """)
    assert r.results == ["2097152", "0"]
    assert r.extents("f") == [(0, 768 * K, 1, 0), (768 * K, 768 * K, 2, 0), (1536 * K, 512 * K, 3, 0)]
    assert [r.zone(z) for z in (1, 2, 3, 4)] == [("fu", 768 * K), ("fu", 768 * K), ("oi", 512 * K), ("em", 0)]


def test_a_file_crossing_a_zone_end_is_two_extents_even_where_the_zones_touch(zwsim):
    # zones 1 and 2 are adjacent on disk, but an extent never spans two realtime groups
    r = xfs(zwsim, DEV, """
        write f 0 1280k
        sync
    """)
    assert r.extents("f") == [(0, 1 * M, 1, 0), (1 * M, 256 * K, 2, 0)]


# --- which zone: open files, closed files ------------------------------------

def test_files_open_for_write_land_in_different_zones(zw):
    r = xfs(zw, DEV, """
        open a
        open b
        open c
        write a 0 64k
        write b 0 64k
        write c 0 64k
        sync
        close a
        close b
        close c
    """)
    assert [r.extents(n) for n in "abc"] == [[(0, 64 * K, 1, 0)], [(0, 64 * K, 2, 0)], [(0, 64 * K, 3, 0)]]
    assert r.open_zones() == [1, 2, 3]


def test_closed_files_are_packed_into_the_same_zone(zw):
    r = xfs(zw, DEV, """
        write a 0 64k
        write b 0 128k
        write c 0 4k
        sync
    """)
    assert [r.extents(n) for n in "abc"] == [[(0, 64 * K, 1, 0)], [(0, 128 * K, 1, 64 * K)],
                                             [(0, 4 * K, 1, 192 * K)]]
    assert r.open_zones() == [1]
    assert r.zone(1) == ("oi", 196 * K)


def test_a_closed_file_is_packed_into_the_most_recently_used_zone(zwsim):
    r = xfs(zwsim, DEV, """
        open x
        open y
        write x 0 64k
        fsync x
        write y 0 64k
        fsync y
        write c 0 4k
        fsync c
    """)
    assert r.extents("x") == [(0, 64 * K, 1, 0)]
    assert r.extents("y") == [(0, 64 * K, 2, 0)]
    assert r.extents("c") == [(0, 4 * K, 2, 64 * K)]


# --- write hints --------------------------------------------------------------
# 7.2: xfs_zoned_hint_score[zone][file]; 6.17: xfs_good_hint_match(),
# xfs_colocate_eagerly()

HINTED = """
    open a
    open b
    hint a {}
    hint b {}
    write a 0 64k
    fsync a
    write b 0 64k
    fsync b
    close a
    close b
"""


@pytest.mark.parametrize("first, second, shared_7_2, shared_6_17", [
    # 7.2: only a GOOD score (short with short, medium with medium) beats
    # opening a new zone; 6.17: short, none and unset data go together
    ("short", "none", False, True),
    ("none", "short", False, True),
    ("none", "none", False, True),    # 7.2: none with none is only OK
    ("short", "short", True, True),
    ("medium", "medium", True, True),  # medium with medium only
    ("short", "medium", False, False),
    ("medium", "short", False, False),
    ("long", "long", False, False),    # long and extreme: not before a new zone
    ("long", "extreme", False, False),
])
@pytest.mark.parametrize("kernel", KERNELS)
def test_write_hints_colocate_open_files_by_each_kernels_rules(zwsim, kernel, first, second, shared_7_2,
                                                               shared_6_17):
    r = xfs(zwsim, DEV, HINTED.format(first, second), *mount(kernel))
    shared = shared_7_2 if kernel == "7.2" else shared_6_17
    assert r.extents("a") == [(0, 64 * K, 1, 0)]
    assert r.extents("b") == ([(0, 64 * K, 1, 64 * K)] if shared else [(0, 64 * K, 2, 0)])


def test_long_and_extreme_files_share_a_zone_once_none_can_be_opened(zwsim):
    # two open zones for user data: short data opened one, long data the other
    r = xfs(zwsim, DEV, """
        open s
        open l
        open x
        hint s short
        hint l long
        hint x extreme
        write s 0 64k
        fsync s
        write l 0 64k
        fsync l
        write x 0 64k
        fsync x
    """, "--mount", "max_open_zones=3")
    assert r.extents("s") == [(0, 64 * K, 1, 0)]
    assert r.extents("l") == [(0, 64 * K, 2, 0)]
    assert r.extents("x") == [(0, 64 * K, 2, 64 * K)]


@pytest.mark.parametrize("kernel, u", [
    # 7.2: no zone scores even OK for unset data (short/unset and long/unset
    # are ANY): the least recently used zone, the long one
    ("7.2", (0, 64 * K, 1, 64 * K)),
    # 6.17: a zone good for unset data first (xfs_good_hint_match(): short)
    ("6.17", (0, 64 * K, 2, 64 * K)),
])
def test_unhinted_data_with_no_zone_to_open_goes_by_each_kernels_rules(zwsim, kernel, u):
    r = xfs(zwsim, DEV, """
        open l
        open s
        open u
        hint l long
        hint s short
        write l 0 64k
        fsync l
        write s 0 64k
        fsync s
        write u 0 64k
        fsync u
    """, *mount(kernel, "max_open_zones=3"))
    assert r.extents("l") == [(0, 64 * K, 1, 0)]
    assert r.extents("s") == [(0, 64 * K, 2, 0)]
    assert r.extents("u") == [u]


@pytest.mark.parametrize("kernel, v", [
    # 7.2: after no new zone, a zone scoring OK: unset data with unset data
    ("7.2", (0, 64 * K, 2, 64 * K)),
    # 6.17: the least recently used zone good for unset data: the short one
    ("6.17", (0, 64 * K, 1, 64 * K)),
])
def test_unhinted_data_with_no_zone_to_open_prefers_an_unhinted_zone_on_7_2(zwsim, kernel, v):
    r = xfs(zwsim, DEV, """
        open s
        open u
        open v
        hint s short
        write s 0 64k
        fsync s
        write u 0 64k
        fsync u
        write v 0 64k
        fsync v
    """, *mount(kernel, "max_open_zones=3"))
    assert r.extents("s") == [(0, 64 * K, 1, 0)]
    assert r.extents("u") == [(0, 64 * K, 2, 0)]
    assert r.extents("v") == [v]


def test_with_no_match_and_no_zone_to_open_data_goes_to_the_least_recently_used_zone(zwsim):
    # zone 1 long (used by l, then x), zone 2 medium (used by m): short data
    # matches neither and takes zone 2, the least recently used
    r = xfs(zwsim, DEV, """
        open l
        open m
        open x
        open s
        hint l long
        hint m medium
        hint x extreme
        hint s short
        write l 0 64k
        fsync l
        write m 0 64k
        fsync m
        write x 0 64k
        fsync x
        write s 0 64k
        fsync s
    """, "--mount", "max_open_zones=3")
    assert r.extents("x") == [(0, 64 * K, 1, 64 * K)]
    assert r.extents("s") == [(0, 64 * K, 2, 64 * K)]


@pytest.mark.parametrize("kernel, c", [
    # 7.2 (xfs_select_open_zone_mru() wants XFS_ZONE_ALLOC_OK): neither a
    # long nor a short zone is OK for unset data: a new zone
    ("7.2", (0, 64 * K, 3, 0)),
    # 6.17: zone 2 (long) is the most recently used; the closed unhinted
    # file goes to zone 1 (short), the most recent good match
    ("6.17", (0, 64 * K, 1, 64 * K)),
])
def test_a_closed_file_is_packed_only_into_a_zone_its_hint_matches(zwsim, kernel, c):
    r = xfs(zwsim, DEV, """
        hint a short
        write a 0 64k
        fsync a
        hint b long
        write b 0 64k
        fsync b
        write c 0 64k
        fsync c
    """, *mount(kernel))
    assert r.extents("a") == [(0, 64 * K, 1, 0)]
    assert r.extents("b") == [(0, 64 * K, 2, 0)]
    assert r.extents("c") == [c]


@pytest.mark.parametrize("kernel", KERNELS)
def test_nolifetime_ignores_write_hints(zwsim, kernel):
    # two short files share a zone; without hints, two open files do not
    script = HINTED.format("short", "short")
    assert xfs(zwsim, DEV, script, *mount(kernel)).extents("b") == [(0, 64 * K, 1, 64 * K)]
    assert xfs(zwsim, DEV, script, *mount(kernel, "nolifetime")).extents("b") == [(0, 64 * K, 2, 0)]


# --- overwrites, appends ------------------------------------------------------

def test_an_overwrite_goes_out_of_place_after_the_data_already_in_the_zone(zw):
    r = xfs(zw, DEV, """
        write f 0 256k
        sync
        write f 64k 64k
        sync
    """)
    assert r.extents("f") == [(0, 64 * K, 1, 0), (64 * K, 64 * K, 1, 256 * K), (128 * K, 128 * K, 1, 128 * K)]
    assert r.zone(1) == ("oi", 320 * K)


@pytest.mark.parametrize("kernel, g_zone", [
    ("7.2", 1),     # zone 1, emptied by the overwrite and reset: the lowest free zone
    ("6.17", 3),    # the rotating cursor goes on past zone 2
])
def test_an_overwrite_frees_the_old_blocks_for_new_writes(zwsim, kernel, g_zone):
    # 6 sequential zones: 2 zones of user space (4 kept back), 3 writable
    # without GC.  The second 1 MiB overwrites the first: its blocks come
    # back, so g still gets 1 MiB; then the space writable without GC is used up.
    dev = "emu:zones=7,zone_size=1M,conv=1"
    r = xfs(zwsim, dev, """
        write f 0 1M
        sync
        write f 0 1M
        sync
        write g 0 2M
        sync
        write h 0 4k
    """, *mount(kernel))
    assert r.results == ["1048576", "0", "1048576", "0", "1048576 -ENOSPC", "0", "-ENOSPC"]
    assert r.extents("f") == [(0, 1 * M, 2, 0)]
    assert r.extents("g") == [(0, 1 * M, g_zone, 0)]
    # without the overwrite the same device has room for 2 MiB in all
    r = xfs(zwsim, dev, """
        write f 0 1M
        write g 0 2M
        sync
    """)
    assert r.results == ["1048576", "1048576 -ENOSPC", "0"]


def test_appending_continues_in_the_zone_of_the_files_previous_extent(zw):
    # f is open for write, so without its previous extent it would open zone 3
    r = xfs(zw, DEV, """
        open f
        open g
        write f 0 64k
        fsync f
        write g 0 64k
        fsync g
        write f 64k 64k
        fsync f
    """)
    assert r.extents("f") == [(0, 128 * K, 1, 0)]  # one extent: the new blocks continue the old
    assert r.extents("g") == [(0, 64 * K, 2, 0)]
    assert r.open_zones() == [1, 2]


def test_a_write_beyond_a_hole_continues_in_the_zone_of_the_extent_before_the_hole(zwsim):
    r = xfs(zwsim, DEV, """
        open f
        open g
        write f 0 64k
        fsync f
        write g 0 64k
        fsync g
        write f 512k 64k
        fsync f
    """)
    assert r.extents("f") == [(0, 64 * K, 1, 0), (512 * K, 64 * K, 1, 64 * K)]


@pytest.mark.parametrize("kernel", KERNELS)
def test_an_overwrite_from_offset_zero_continues_in_the_files_cached_zone(zwsim, kernel):
    # the zone selected for the inode is cached, whatever the offset (7.2:
    # xfs_get_cached_zone(); 6.17: nothing before offset 0 for
    # xfs_last_used_zone(), then xfs_cached_zone()); without the cache the
    # open file would get a new zone
    r = xfs(zwsim, DEV, """
        open f
        write f 0 128k
        fsync f
        write f 0 64k
        fsync f
    """, *mount(kernel))
    assert r.extents("f") == [(0, 64 * K, 1, 128 * K), (64 * K, 64 * K, 1, 64 * K)]


@pytest.mark.parametrize("kernel", KERNELS)
def test_a_closed_file_rewritten_from_offset_zero_goes_back_to_its_cached_zone(zwsim, kernel):
    # the cached zone outlives the close (it goes with the inode); without it
    # the closed file would be packed into the most recently used zone, b's
    r = xfs(zwsim, DEV, """
        open a
        open b
        write a 0 64k
        fsync a
        write b 0 64k
        fsync b
        close a
        close b
        write a 0 64k
        fsync a
    """, *mount(kernel))
    assert r.extents("a") == [(0, 64 * K, 1, 64 * K)]
    assert r.extents("b") == [(0, 64 * K, 2, 0)]


def test_6_17_looks_at_the_extent_before_the_offset_first(zw):
    # f's 1088 KiB: zone 1's 1 MiB (two appends of 512 KiB), then 64 KiB in
    # zone 2, which is cached for f.  The second append fails: zone 1 has
    # no space left to hand out but is never written full, so it stays
    # open.  Rewriting the lost range: 6.17's xfs_last_used_zone() finds
    # zone 1 (the extent before the offset), which has no space, and
    # selects a new zone without looking at the cache.  (7.2 shuts down at
    # the failed append: test_7_2_shuts_down_at_a_failed_append_of_a_split_write.)
    r = xfs(zw, DEV + ",max_append=512k", """
        open f
        write f 0 1088k
        inject fail_write=2
        fsync f
        write f 512k 64k
        fsync f
    """, *mount("6.17"))
    assert r.results == ["0", "1114112", "0", "-EIO", "65536", "0"]
    assert r.extents("f") == [(0, 512 * K, 1, 0), (512 * K, 64 * K, 3, 0), (1 * M, 64 * K, 2, 0)]
    assert r.zone(1) == ("oi", 512 * K)
    assert stats(r)["shutdown"] is False


def test_7_2_shuts_down_at_a_failed_append_of_a_split_write(zw):
    # the same write as above under 7.2's rules: the failed append (f's
    # 512 KiB-1 MiB) shuts the file system down.  Completion takes f's
    # ioends in file order (iomap_sort_ioends()): the first is remapped, the
    # failed one shuts down, the third (written to zone 2 all right) only
    # cleans up.  The rewrite fails: nothing is written after a shutdown.
    r = xfs(zw, DEV + ",max_append=512k", """
        open f
        write f 0 1088k
        inject fail_write=2
        fsync f
        write f 512k 64k
        fsync f
    """)
    assert r.results == ["0", "1114112", "0", "-EIO", "-EIO", "-EIO"]
    assert r.extents("f") == [(0, 512 * K, 1, 0)]
    assert r.zone(1) == ("oi", 512 * K)
    assert r.zone(2) == ("oi", 64 * K)
    assert stats(r)["shutdown"] is True


def test_a_file_whose_cached_zone_was_unlinked_with_it_starts_afresh(zw):
    # unlink drops the inode's cached zone (xfs_fs_evict_inode(); with the
    # sanitizer build: no reference leaked); a new file of that name is a
    # new inode, packed like any closed file
    r = xfs(zw, DEV, """
        open f
        open g
        write f 0 64k
        fsync f
        write g 0 64k
        fsync g
        close f
        unlink f
        write f 0 64k
        fsync f
    """)
    assert r.extents("f") == [(0, 64 * K, 2, 64 * K)]
    assert r.extents("g") == [(0, 64 * K, 2, 0)]


@pytest.mark.parametrize("size, packed_7_2", [
    (1 * M, False),        # a zone's capacity: 7.2 does not pack it
    (1020 * K, True),      # less: packed
])
@pytest.mark.parametrize("kernel", KERNELS)
def test_a_closed_file_of_a_zones_capacity_is_not_packed_on_7_2(zwsim, kernel, size, packed_7_2):
    r = xfs(zwsim, DEV, """
        write small 0 64k
        write big 0 %d
        sync
    """ % size, *mount(kernel))
    assert r.extents("small") == [(0, 64 * K, 1, 0)]
    if kernel == "6.17" or packed_7_2:
        # after small in zone 1, the rest in zone 2
        assert r.extents("big") == [(0, 960 * K, 1, 64 * K), (960 * K, size - 960 * K, 2, 0)]
    else:
        # xfs_zoned_pack_tight(): "already using a full zone": a new zone
        assert r.extents("big") == [(0, 1 * M, 2, 0)]


def test_truncate_then_extend_continues_after_the_data_already_written(zwsim):
    r = xfs(zwsim, DEV, """
        write f 0 1M
        sync
        truncate f 256k
        write f 256k 256k
        sync
    """)
    assert r.size("f") == 512 * K
    assert r.extents("f") == [(0, 256 * K, 1, 0), (256 * K, 256 * K, 2, 0)]


# --- zones leaving the open list, open limits -------------------------------

def test_a_zone_stays_open_until_its_last_block_is_written_then_the_next_zone_opens(zw):
    # one open zone for user data: b takes the last 4 KiB of zone 1; zone 1
    # leaves the open list when that write completes, and zone 2 opens
    r = xfs(zw, DEV_ONE_ZONE, """
        open a
        open b
        write a 0 1020k
        fsync a
        write b 0 64k
        fsync b
    """)
    assert r.extents("a") == [(0, 1020 * K, 1, 0)]
    assert r.extents("b") == [(0, 4 * K, 1, 1020 * K), (4 * K, 60 * K, 2, 0)]
    assert [r.zone(z) for z in (1, 2, 3)] == [("fu", 1 * M), ("oi", 60 * K), ("em", 0)]


def test_a_zone_filled_exactly_is_full_and_the_next_file_opens_the_next_zone(zwsim):
    r = xfs(zwsim, DEV, """
        write a 0 1M
        write b 0 64k
        sync
    """)
    assert r.extents("a") == [(0, 1 * M, 1, 0)]
    assert r.extents("b") == [(0, 64 * K, 2, 0)]
    assert r.zone(1) == ("fu", 1 * M)
    assert r.open_zones() == [2]


FIVE_OPEN_FILES = """
    open a
    open b
    open c
    open d
    open e
    write a 0 64k
    write b 0 64k
    write c 0 64k
    write d 0 64k
    write e 0 64k
    sync
"""


def placement(r):
    return {n: r.extents(n)[0][2:] for n in "abcde"}


@pytest.mark.parametrize("dev, mount, user_zones", [
    (DEV_MANY, "max_open_zones=4", 3),          # the mount option
    (DEV_MANY, "max_open_zones=2", 1),
    (DEV_MANY + ",max_open=3", None, 2),        # the device's limit
    (DEV_MANY + ",max_open=3", "max_open_zones=6", 2),  # never above the device's limit
    (DEV, None, 3),                             # 16 zones: min((16 - 5) / 2 + 2, 16 / 4) = 4
    (DEV, "max_open_zones=10", 3),              # never above that either
    (DEV_ONE_ZONE, None, 1),                    # 8 zones: max(2, min(3, 2))
])
def test_open_zones_for_user_data_are_one_less_than_the_open_limit(zwsim, dev, mount, user_zones):
    r = xfs(zwsim, dev, FIVE_OPEN_FILES, *(["--mount", mount] if mount else []))
    # the first files open a zone each; the rest share them, least recently used first
    want = {}
    for i, n in enumerate("abcde"):
        z = i % user_zones
        want[n] = (1 + z, 64 * K * (i // user_zones))
    assert placement(r) == want
    assert len(r.open_zones()) == user_zones


@pytest.mark.parametrize("kernel, user_zones", [
    # 600 sequential zones, no device limit: xfs_max_open_zones() is
    # min((600 - 5) / 2 + 2, 600 / 4) = 150; 7.2 starts from
    # XFS_DEFAULT_MAX_OPEN_ZONES (128), 6.17 from the formula itself
    ("7.2", 127),
    ("6.17", 149),
])
def test_the_default_open_limit_is_128_on_7_2_and_the_formula_on_6_17(zwsim, kernel, user_zones):
    files = ["f%d" % i for i in range(160)]
    script = "".join("open %s\n" % f for f in files) + "".join("write %s 0 4k\n" % f for f in files) + "sync\n"
    r = xfs(zwsim, "emu:zones=601,zone_size=64k,conv=1", script, *mount(kernel))
    assert len(r.open_zones()) == user_zones
    # a zone each for the first files, then the least recently used ones again
    assert [r.extents(f)[0][2:] for f in files[:user_zones + 2]] == \
        [(z, 0) for z in range(1, user_zones + 1)] + [(1, 4 * K), (2, 4 * K)]


@pytest.mark.parametrize("kernel, g_zone", [
    ("7.2", 1),     # the lowest free zone: zone 1, reset after the overwrite emptied it
    ("6.17", 3),    # the rotating cursor: on from zone 2, where it found the last one
])
def test_a_new_zone_is_the_lowest_free_one_on_7_2_and_the_cursors_next_on_6_17(zwsim, kernel, g_zone):
    r = xfs(zwsim, DEV, """
        write f 0 1M
        sync
        write f 0 1M
        sync
        open g
        write g 0 64k
        fsync g
    """, *mount(kernel))
    assert stats(r)["zone_resets"] == 1
    assert r.extents("f") == [(0, 1 * M, 2, 0)]
    assert r.extents("g") == [(0, 64 * K, g_zone, 0)]
    assert r.open_zones() == [g_zone]


def test_kernel_7_2_is_the_default_and_other_kernels_are_refused(zwsim):
    script = HINTED.format("short", "none")
    default = xfs(zwsim, DEV, script)
    assert xfs(zwsim, DEV, script, "--mount", "kernel=7.2").report == default.report
    assert xfs(zwsim, DEV, script, "--mount", "kernel=6.17").report != default.report
    for bad in ("6.18", "7", "", "latest"):
        res = zwsim("fs", "--fs", "xfs-zoned", "--dev", DEV, "--mount", "kernel=" + bad, "-", input="sync\n")
        assert res.rc == 2
        assert "xfs: kernel=%s: the model has the rules of kernel=7.2 (the default) and kernel=6.17" % bad in res.err


def test_mount_is_refused_below_two_open_zones(zwsim):
    res = zwsim("fs", "--fs", "xfs-zoned", "--dev", DEV, "--mount", "max_open_zones=1", "-", input="sync\n")
    assert res.rc == 2
    assert "1 open zones: zoned XFS needs at least 2" in res.err


def test_mount_is_refused_below_five_sequential_zones(zw):
    res = zw("fs", "--fs", "xfs-zoned", "--dev", "emu:zones=5,zone_size=1M,conv=1", "-", input="sync\n")
    assert res.rc == 2
    assert "4 sequential zones: zoned XFS needs at least 5" in res.err
    r = xfs(zw, "emu:zones=6,zone_size=1M,conv=1", """
        write f 0 4k
        sync
    """)
    assert r.extents("f") == [(0, 4 * K, 1, 0)]


def test_a_partly_written_zone_found_at_mount_is_open_and_takes_the_next_data(zwsim, tmp_path):
    dev = "file:%s,zones=9,zone_size=1M,conv=1" % (tmp_path / "dev")
    assert zwsim("zone", "write", "--dev", dev, "1", "0", "16").rc == 0
    # the open limit is 2: zone 1 holds the one slot for user data
    r = xfs(zwsim, dev, """
        open a
        write a 0 64k
        fsync a
    """)
    assert r.extents("a") == [(0, 64 * K, 1, 64 * K)]


def test_a_refused_mount_releases_the_partly_written_zones_it_opened(zw, tmp_path):
    dev = "file:%s,zones=9,zone_size=1M,conv=1" % (tmp_path / "dev")
    assert zw("zone", "write", "--dev", dev, "1", "0", "16").rc == 0
    res = zw("fs", "--fs", "xfs-zoned", "--dev", dev, "--mount", "max_open_zones=1", "-", input="sync\n")
    assert res.rc == 2  # and, with the sanitizer binary, nothing leaked
    assert "1 open zones: zoned XFS needs at least 2" in res.err


def test_new_zones_open_in_zone_order_skipping_zones_that_are_not_empty(zwsim, tmp_path):
    dev = "file:%s,zones=17,zone_size=1M,conv=1" % (tmp_path / "dev")
    assert zwsim("zone", "finish", "--dev", dev, "1").rc == 0
    assert zwsim("zone", "finish", "--dev", dev, "3").rc == 0
    r = xfs(zwsim, dev, """
        open a
        open b
        write a 0 64k
        write b 0 64k
        sync
    """)
    assert r.extents("a") == [(0, 64 * K, 2, 0)]
    assert r.extents("b") == [(0, 64 * K, 4, 0)]


# --- space -------------------------------------------------------------------

def test_enospc_when_the_space_is_used_up(zw):
    # 5 sequential zones, 4 kept back: one zone of user space, no GC
    r = xfs(zw, "emu:zones=6,zone_size=1M,conv=1", """
        write f 0 2M
        sync
        write g 0 4k
    """)
    assert r.results == ["1048576 -ENOSPC", "0", "-ENOSPC"]
    assert r.extents("f") == [(0, 1 * M, 1, 0)]
    assert r.zone(1) == ("fu", 1 * M)
    assert r.report["files"]["g"]["extents"] == []


def test_a_write_larger_than_the_space_left_is_cut_to_it(zwsim):
    r = xfs(zwsim, "emu:zones=6,zone_size=1M,conv=1", """
        write f 0 512k
        write g 0 1M
        write h 0 4k
        sync
    """)
    assert r.results == ["524288", "524288", "-ENOSPC", "0"]
    assert r.extents("g") == [(0, 512 * K, 1, 512 * K)]


def test_truncating_or_unlinking_dirty_data_gives_its_reservation_back(zwsim):
    # one zone of user space: each 1 MiB of delalloc holds all of it until cut away
    r = xfs(zwsim, "emu:zones=6,zone_size=1M,conv=1", """
        write f 0 1M
        truncate f 0
        write g 0 1M
        unlink g
        write h 0 1M
        sync
    """)
    assert r.results == ["1048576", "0", "1048576", "0", "1048576", "0"]
    assert r.extents("f") == []
    assert r.extents("h") == [(0, 1 * M, 1, 0)]


def test_a_direct_write_that_does_not_fit_fails_whole_where_a_buffered_one_is_cut(zwsim):
    # 512 KiB left: a 512 KiB write reserves 128 blocks + 3, too many; the
    # buffered write takes what is left, the direct write nothing
    script = """
        write f 0 512k
        {} g 0 512k
        sync
    """
    assert xfs(zwsim, "emu:zones=6,zone_size=1M,conv=1", script.format("dwrite")).results == \
        ["524288", "-ENOSPC", "0"]
    assert xfs(zwsim, "emu:zones=6,zone_size=1M,conv=1", script.format("write")).results == \
        ["524288", "524288", "0"]


# --- direct writes (xfs_file_dio_write_zoned) ---------------------------------

def test_a_direct_write_is_zone_appends_with_no_folio_in_writeback(zw, tmp_path):
    log = tmp_path / "events.jsonl"
    # one call of 1.5 MiB (CALL 2M)
    r = xfs(zw, DEV, """
        dwrite f 0 1536k 2M
    """, "--log", log)
    assert r.results == ["1572864"]
    ev = log_events(log)
    # nothing went through the page cache: no folio, no ioend of writeback
    assert [e for e in ev if e["ev"].startswith("folio_") or e["ev"] == "ioend_submit"] == []
    # one dio, its bios (1 MiB, then 512 KiB) zone appends aimed at a zone start
    assert [e["ev"] for e in ev if e["ev"].startswith("dio_")] == ["dio_submit", "dio_end"]
    start = next(e for e in ev if e["ev"] == "dio_submit")
    end = next(e for e in ev if e["ev"] == "dio_end")
    assert (start["pos"], start["bytes"], end["bytes"], end["ret"]) == (0, 1536 * K, 1536 * K, 1536 * K)
    # (--verify reads the file back at the end: those reads are not the write's)
    bios = [e for e in ev if e["ev"] == "bio_submit" and e["op"] != "read"]
    assert [(e["op"], e["bytes"], e.get("dio")) for e in bios] == \
        [("zone_append", 1 * M, True), ("zone_append", 512 * K, True)]
    assert all(e["sector"] % (ZONE // 512) == 0 for e in bios)
    # every bio ended before the dio did
    ends = [i for i, e in enumerate(ev) if e["ev"] == "bio_end" and e["op"] != "read"]
    assert max(ends) < ev.index(end)
    # the first bio filled zone 1, the second went to zone 2
    assert r.extents("f") == [(0, 1 * M, 1, 0), (1 * M, 512 * K, 2, 0)]
    assert r.size("f") == 1536 * K


def test_o_direct_appends_continue_in_each_files_zone(zw):
    r = xfs(zw, DEV, """
        open f
        open g
        append f 64k
        append g 64k
        append f 64k
        append g 128k
        append f 4k
    """)
    assert r.results == ["0", "0", "65536", "65536", "65536", "131072", "4096"]
    assert r.extents("f") == [(0, 132 * K, 1, 0)]
    assert r.extents("g") == [(0, 192 * K, 2, 0)]
    assert (r.size("f"), r.size("g")) == (132 * K, 192 * K)


def test_an_o_direct_append_starts_at_the_size_the_file_has_at_issue(zwsim):
    # a buffered write moves the size at once; the append goes after it
    r = xfs(zwsim, DEV, """
        write f 0 64k
        append f 32k
        sync
    """)
    assert r.results == ["65536", "32768", "0"]
    assert r.size("f") == 96 * K
    # the dirty 64 KiB is outside the direct write's range, so it stays in
    # the cache: the direct data reaches zone 1 first, the cached data
    # follows it at sync (the closed file packed into the same zone)
    assert r.extents("f") == [(0, 64 * K, 1, 32 * K), (64 * K, 32 * K, 1, 0)]


def test_a_misaligned_direct_write_is_einval(zwsim):
    r = xfs(zwsim, DEV, """
        dwrite f 512 4k
        dwrite f 0 6k
        dwrite f 4k 4k
    """)
    assert r.results == ["-EINVAL", "-EINVAL", "4096"]
    assert r.extents("f") == [(4 * K, 4 * K, 1, 0)]


@pytest.mark.parametrize("kernel", KERNELS)
def test_a_device_error_fails_the_direct_write_with_eio_and_keeps_the_old_mapping(zw, kernel):
    r = xfs(zw, DEV, """
        write f 0 128k
        sync
        inject fail_write=1
        dwrite f 0 64k
        fsync f
        dwrite f 0 64k
    """, *mount(kernel))
    assert r.size("f") == 128 * K
    assert r.zone(2) == ("em", 0)
    if kernel == "7.2":
        # the failed direct write completes like writeback (xfs_end_bio()),
        # and shuts the file system down: fsync and the retry fail
        assert r.results == ["131072", "0", "0", "-EIO", "-EIO", "-EIO"]
        assert r.extents("f") == [(0, 128 * K, 1, 0)]
        assert r.zone(1) == ("oi", 128 * K)
        assert stats(r)["shutdown"] is True
        return
    # the error is the call's, not the mapping's: fsync has nothing to report
    assert r.results == ["131072", "0", "0", "-EIO", "0", "65536"]
    # the failed write went to the file's cached zone, zone 1, and was not
    # remapped: the device's write pointer did not move, so the retry's
    # zone append lands where the failed one would have (128 KiB)
    assert r.extents("f") == [(0, 64 * K, 1, 128 * K), (64 * K, 64 * K, 1, 64 * K)]
    # zone 1 handed out 16 blocks that were never written: its oz_allocated
    # runs ahead of the write pointer, and no other zone was opened
    assert r.zone(1) == ("oi", 192 * K)
    assert stats(r)["shutdown"] is False


def test_a_failed_direct_write_is_not_remapped(zwsim):
    r = xfs(zwsim, DEV, """
        write f 0 128k
        sync
        inject fail_write=1
        dwrite f 0 64k
    """)
    assert r.results == ["131072", "0", "0", "-EIO"]
    assert r.extents("f") == [(0, 128 * K, 1, 0)]


def test_a_failed_direct_append_does_not_move_the_size(zwsim):
    r = xfs(zwsim, DEV, """
        write f 0 64k
        sync
        inject fail_write=1
        append f 64k
    """)
    assert r.results == ["65536", "0", "0", "-EIO"]
    assert r.size("f") == 64 * K


def test_a_direct_write_over_dirty_cached_data_writes_it_back_first_then_wins(zw, tmp_path):
    log = tmp_path / "events.jsonl"
    r = xfs(zw, DEV, """
        write f 0 128k
        dwrite f 32k 64k
        sync
        read f 0 128k
    """, "--log", log)
    assert r.results == ["131072", "65536", "0", "131072"]
    ev = log_events(log)
    dio_start = next(i for i, e in enumerate(ev) if e["ev"] == "dio_submit")
    wb_start = next(i for i, e in enumerate(ev) if e["ev"] == "folio_writeback_start")
    wb_end = next(i for i, e in enumerate(ev) if e["ev"] == "folio_writeback_end")
    first_dio_bio = next(i for i, e in enumerate(ev) if e["ev"] == "bio_submit" and e.get("dio"))
    # the cached 128 KiB went out inside the direct write, before its bio
    assert dio_start < wb_start < wb_end < first_dio_bio
    # and only once: the cache range was dropped, sync has nothing to write
    assert sum(e["ev"] == "folio_writeback_start" for e in ev) == 1
    dio_end = next(e for e in ev if e["ev"] == "bio_end" and e.get("dio"))
    landed = dio_end["sector"] * 512 % ZONE
    assert landed == 128 * K
    # the direct data maps the middle; the cached data the rest
    assert r.extents("f") == [(0, 32 * K, 1, 0), (32 * K, 64 * K, 1, 128 * K), (96 * K, 32 * K, 1, 96 * K)]


def test_when_writing_back_the_cached_range_fails_the_direct_write_falls_back_to_buffered(zw, tmp_path):
    # (6.17's rules: 7.2 shuts down at the failed write-back, below)
    # kiocb_invalidate_pages() fails (the write-back's -EIO, AS_EIO):
    # iomap_dio_rw() says -ENOTBLK and xfs_file_write_iter() writes through
    # the cache instead; fsync then writes it back and reports the error once
    log = tmp_path / "events.jsonl"
    r = xfs(zw, DEV, """
        write f 0 64k
        inject fail_write=1
        dwrite f 0 64k
        fsync f
        fsync f
    """, "--log", log, *mount("6.17"))
    assert r.results == ["65536", "0", "65536", "-EIO", "0"]
    ev = log_events(log)
    assert [e for e in ev if e.get("dio") is True] == []
    assert [e["ret"] for e in ev if e["ev"] == "dio_end"] == ["-ENOTBLK"]
    # the cached data went out twice: failed inside the direct write, then at fsync
    assert sum(e["ev"] == "folio_writeback_start" for e in ev) == 2
    assert r.extents("f") == [(0, 64 * K, 1, 0)]


def test_7_2_a_failed_write_back_before_a_direct_write_shuts_down_and_fails_it(zw, tmp_path):
    # the write-back of the cached range fails and shuts the file system
    # down; the direct write falls back to buffered (-ENOTBLK), which a
    # shut down file system refuses (xfs_zoned_write_space_reserve())
    log = tmp_path / "events.jsonl"
    r = xfs(zw, DEV, """
        write f 0 64k
        inject fail_write=1
        dwrite f 0 64k
        fsync f
    """, "--log", log)
    assert r.results == ["65536", "0", "-EIO", "-EIO"]
    ev = log_events(log)
    assert [e for e in ev if e.get("dio") is True] == []
    assert sum(e["ev"] == "folio_writeback_start" for e in ev) == 1
    assert r.extents("f") == []
    assert stats(r)["shutdown"] is True


def test_a_direct_write_gives_back_the_reservation_it_did_not_use(zwsim):
    # 64 KiB reserves 16 + 3 blocks; the 3 extra come back
    r = xfs(zwsim, DEV, """
        dwrite f 0 64k
    """)
    r0 = xfs(zwsim, DEV, """
        open f
    """)
    used = stats(r0)["free_rtextents"] - stats(r)["free_rtextents"]
    assert used == 16
    assert stats(r0)["free_rtavailable"] - stats(r)["free_rtavailable"] == 16
    assert stats(r)["user_bytes"] == stats(r)["device_bytes"] == 64 * K


# --- errors: the seed's error path through XFS --------------------------------

@pytest.mark.parametrize("kernel, second_fsync, shutdown", [
    # 7.2: the failed write shuts the file system down (xfs_end_ioend_write(),
    # xfs_force_shutdown()): every later fsync fails too
    ("7.2", "-EIO", True),
    # 6.17: the error reaches the mapping and fsync returns it once
    ("6.17", "0", False),
])
def test_a_device_write_error_in_writeback_fails_fsync(zw, kernel, second_fsync, shutdown):
    r = xfs(zw, DEV, """
        write f 0 64k
        inject fail_write=1
        fsync f
        fsync f
    """, *mount(kernel))
    assert r.results == ["65536", "0", "-EIO", second_fsync]
    assert r.size("f") == 64 * K
    assert r.extents("f") == []
    # the append did not move the write pointer; the zone stays open
    assert r.zone(1) == ("oi", 0)
    assert stats(r)["shutdown"] is shutdown


def test_a_failed_overwrite_is_not_remapped_and_the_old_data_stays(zwsim):
    r = xfs(zwsim, DEV, """
        write f 0 128k
        sync
        write f 0 64k
        inject fail_write=1
        fsync f
        sync
    """)
    assert r.results == ["131072", "0", "65536", "0", "-EIO", "0"]
    assert r.extents("f") == [(0, 128 * K, 1, 0)]


@pytest.mark.parametrize("kernel", KERNELS)
def test_nothing_stays_in_writeback_after_a_write_error(zwsim, tmp_path, kernel):
    log = tmp_path / "events.jsonl"
    r = xfs(zwsim, DEV, """
        write f 0 64k
        inject err=2048:8:once
        fsync f
        sync
        write g 0 64k
        fsync g
    """, "--log", log, *mount(kernel))
    ev = log_events(log)
    started = [(e["ino"], e["pos"]) for e in ev if e["ev"] == "folio_writeback_start"]
    ended = [(e["ino"], e["pos"]) for e in ev if e["ev"] == "folio_writeback_end"]
    assert sorted(started) == sorted(ended)
    assert r.extents("f") == []
    appends = [e for e in ev if e["ev"] == "bio_submit" and e["op"] == "zone_append"]
    if kernel == "7.2":
        # shut down: g cannot be made, nothing more reaches the device
        assert r.results == ["65536", "0", "-EIO", "0", "-EIO", "-EIO"]
        assert len(appends) == 1
        assert "g" not in r.report["files"]
        return
    assert r.results == ["65536", "0", "-EIO", "0", "65536", "0"]
    # the failed folio came back clean: f is not written again, g is written once
    assert len(appends) == 2
    # the failed append did not move the zone's write pointer: g lands at its start
    assert r.extents("g") == [(0, 64 * K, 1, 0)]


@pytest.mark.parametrize("kernel, after", [
    # shut down: whatever reaches XFS fails (xfs_file_open(), xfs_create(),
    # xfs_file_read_iter(), xfs_vn_change_ok(), xfs_remove(), xfs_lookup());
    # the VM tier saw the same on Linux 7.2 (docs/fidelity-xfs-zoned.md)
    ("7.2", ["-EIO"] * 6),
    ("6.17", ["0", "4096", "0", "0", "4096", "0"]),
])
def test_after_a_failed_write_back_a_shut_down_file_system_fails_every_call(zwsim, kernel, after):
    r = xfs(zwsim, DEV, """
        write a 0 64k
        sync
        write b 0 64k
        inject fail_write=1
        fsync b
        open c
        read a 0 4k
        truncate a 32k
        unlink b
        dwrite d 0 4k
        fsync a
        fsync nosuchfile
    """, *mount(kernel))
    assert r.results[:5] == ["65536", "0", "65536", "0", "-EIO"]
    assert r.results[5:] == after + (["-EIO"] if kernel == "7.2" else ["-ENOENT"])
    assert r.extents("a") == [(0, (64 if kernel == "7.2" else 32) * K, 1, 0)]
    assert stats(r)["shutdown"] is (kernel == "7.2")


@pytest.mark.parametrize("kernel, second_fsync", [("7.2", "-EIO"), ("6.17", "0")])
def test_a_failed_part_of_a_split_write_is_the_only_part_left_unmapped(zwsim, kernel, second_fsync):
    # 1.5 MiB: the first 1 MiB fills zone 1, the rest goes to zone 2 and
    # fails (7.2: and shuts down; the part before it completed first)
    r = xfs(zwsim, DEV, """
        write f 0 1536k
        inject fail_write=2
        fsync f
        fsync f
    """, *mount(kernel))
    assert r.results == ["1572864", "0", "-EIO", second_fsync]
    assert r.extents("f") == [(0, 1 * M, 1, 0)]
    assert r.zone(1) == ("fu", 1 * M)
    assert r.zone(2) == ("oi", 0)


# --- the event log --------------------------------------------------------------

@pytest.mark.parametrize("kernel, want", [
    # 7.2: c (more than a zone's capacity) is not packed: a new zone, then the next
    ("7.2", [(1, 0, 64 * K), (1, 64 * K, 128 * K), (2, 0, 1 * M), (3, 0, 64 * K)]),
    # 6.17: c is packed after a and b, and goes on in zone 2
    ("6.17", [(1, 0, 64 * K), (1, 64 * K, 128 * K), (1, 192 * K, 832 * K), (2, 0, 256 * K)]),
])
def test_zone_appends_go_to_the_zone_start_and_complete_where_the_extent_landed(zw, tmp_path, kernel, want):
    log = tmp_path / "events.jsonl"
    r = xfs(zw, DEV, """
        write a 0 64k
        fsync a
        write b 0 128k
        fsync b
        write c 0 1088k
        fsync c
    """, "--log", log, *mount(kernel))
    ev = log_events(log)
    submits = {e["id"]: e for e in ev if e["ev"] == "bio_submit" and e["op"] == "zone_append"}
    ends = [e for e in ev if e["ev"] == "bio_end" and e["op"] == "zone_append"]
    assert len(ends) == len(submits) == 4
    zone_sectors = ZONE // 512
    for e in ends:
        assert e["status"] == "OK"
        assert submits[e["id"]]["sector"] % zone_sectors == 0  # aimed at the zone start
    landed = sorted((e["sector"] * 512 // ZONE, e["sector"] * 512 % ZONE, e["bytes"]) for e in ends)
    extents = sorted((z, zo, ln) for n in "abc" for _, ln, z, zo in r.extents(n))
    assert landed == extents == want


# --- garbage collection (fs/xfs/xfs_zone_gc.c) -------------------------------

def stats(r):
    return r.report["stats"]


def test_overwriting_more_than_the_device_holds_runs_through_gc(zw):
    # 16 zones of 1 MiB, 13 writable without GC: 8 MiB of data, then 40 MiB
    # of scattered 64 KiB overwrites, each made durable at once
    import random
    rnd = random.Random(1)
    lines = ["write f 0 8M", "sync"]
    for _ in range(640):
        lines += ["write f %d 64k" % (rnd.randrange(128) * 64 * K), "fsync f"]
    r = xfs(zw, DEV, "\n".join(lines) + "\n")
    assert all(res in ("0", str(64 * K), str(8 * M)) for res in r.results), r.results
    s = stats(r)
    assert s["user_bytes"] == 8 * M + 640 * 64 * K > 13 * M
    assert s["gc_bytes"] > 0
    # zones are reset and written again: far more resets than zones
    assert s["zone_resets"] > 16
    # the figures add up: every byte written reached the device once, GC added its own
    assert s["device_bytes"] == s["user_bytes"] + s["gc_bytes"]
    assert s["write_amplification"] == pytest.approx(s["device_bytes"] / s["user_bytes"])
    assert s["write_amplification"] > 1
    z = s["zones"]
    assert z["free"] + z["open"] + z["full"] == 16


def test_zones_by_state_over_time_follow_the_run(zwsim):
    # stats.zones_over_time: a row after the mount (op 0) and after each
    # script operation that changed the zone counts
    lines = ["write f 0 8M", "sync"]
    for i in range(48):
        lines += ["write f %d 64k" % ((i * 37 % 128) * 64 * K), "fsync f"]
    r = xfs(zwsim, DEV, "\n".join(lines) + "\n")
    rows = stats(r)["zones_over_time"]
    keys = ("free", "open", "full", "reclaimable", "reset_pending")
    assert rows[0] == dict(op=0, t=0, free=16, open=0, full=0, reclaimable=0, reset_pending=0)
    # the 8 MiB fill: 8 zones full after the sync (op 2)
    assert rows[1]["op"] == 2 and (rows[1]["free"], rows[1]["full"]) == (8, 8)
    assert all(a["op"] < b["op"] and a["t"] <= b["t"] for a, b in zip(rows, rows[1:]))
    assert all(any(a[k] != b[k] for k in keys) for a, b in zip(rows, rows[1:]))
    assert all(x["free"] + x["open"] + x["full"] == 16 for x in rows)
    # overwrites made zones reclaimable on the way; the last row is the end state
    assert max(x["reclaimable"] for x in rows) > 0
    assert {k: rows[-1][k] for k in keys} == {k: stats(r)["zones"][k] for k in keys}


def test_a_fully_overwritten_zone_is_reset_and_reused_without_moving_data(zw):
    # every 1 MiB overwrite empties a whole zone: reset, nothing to move
    lines = ["write f 0 8M", "sync"]
    for _ in range(4):
        for i in range(8):
            lines += ["write f %d 1M" % (i * M), "fsync f"]
    r = xfs(zw, DEV, "\n".join(lines) + "\n")
    s = stats(r)
    assert s["gc_bytes"] == 0
    assert s["zone_resets"] >= 32 - 13
    assert s["device_bytes"] == s["user_bytes"] == 40 * M
    assert s["write_amplification"] == 1.0


@pytest.mark.parametrize("kernel, gc_zone", [
    ("7.2", 1),     # the GC zone is the lowest free one: zone 1, reset by then
    ("6.17", 7),    # the rotating cursor's next free zone
])
def test_gc_collects_the_least_used_zone_first(zw, kernel, gc_zone):
    # one open zone for user data, GC needed below one zone writable:
    # a keeps 256k in zone 1, b 512k in zone 2; GC moves a's first
    r = xfs(zw, DEV_ONE_ZONE, """
        write a 0 1M
        sync
        write b 0 1M
        sync
        write c 0 1M
        sync
        write a 0 768k
        sync
        write b 0 512k
        sync
    """, *mount(kernel))
    assert stats(r)["zones"]["gc_zone"] == gc_zone
    assert r.extents("a")[-1] == (768 * K, 256 * K, gc_zone, 0)
    assert r.extents("b")[-1] == (512 * K, 512 * K, gc_zone, 256 * K)
    # both victims were reset (7.2: zone 1 then became the GC zone)
    assert r.zone(2) == ("em", 0)
    assert r.zone(1) == (("oi", 768 * K) if kernel == "7.2" else ("em", 0))
    assert stats(r)["gc_bytes"] >= 768 * K


@pytest.mark.parametrize("kernel, moved", [
    ("7.2", (768 * K, 256 * K, 1, 0)),
    ("6.17", (768 * K, 256 * K, 7, 0)),
])
def test_appending_after_data_gc_moved_does_not_write_into_the_gc_zone(zw, kernel, moved):
    # as above; then a, open, appends after its last extent, which GC moved
    # into the GC zone: user data never goes there (6.17: xfs_last_used_zone()
    # skips the GC zone; 7.2: the inode caches only user zones)
    r = xfs(zw, DEV_ONE_ZONE, """
        write a 0 1M
        sync
        write b 0 1M
        sync
        write c 0 1M
        sync
        write a 0 768k
        sync
        write b 0 512k
        sync
        open a
        write a 1M 64k
        fsync a
    """, *mount(kernel))
    assert stats(r)["zones"]["gc_zone"] == moved[2]
    assert r.extents("a")[1:] == [moved, (1 * M, 64 * K, 6, 256 * K)]
    assert r.zone(moved[2]) == ("oi", 768 * K)


def test_zonegc_low_space_starts_gc_earlier(zw):
    # plenty of space writable without GC: zone 2 keeps its garbage, unless
    # zonegc_low_space asks GC to run while less is available than 100% of the free space
    script = """
        write f 0 2M
        sync
        write f 0 1536k
        sync
    """
    r = xfs(zw, DEV, script)
    assert stats(r)["gc_bytes"] == 0
    assert stats(r)["zones"]["reclaimable"] == 1
    r = xfs(zw, DEV, script, "--mount", "zonegc_low_space=100")
    assert stats(r)["gc_bytes"] == 512 * K
    assert stats(r)["zones"]["reclaimable"] == 0
    assert r.zone(2) == ("em", 0)


def test_zonegc_low_space_must_be_a_percentage(zw):
    res = zw("fs", "--fs", "xfs-zoned", "--dev", DEV, "--mount", "zonegc_low_space=101", "-", input="sync\n")
    assert res.rc != 0
    assert "zonegc_low_space" in res.err


def test_enospc_only_when_nothing_is_reclaimable(zw):
    # all data live: no GC can help, the writer fails instead of waiting
    r = xfs(zw, "emu:zones=6,zone_size=1M,conv=1", """
        write f 0 1M
        sync
        write g 0 4k
    """)
    assert r.results == ["1048576", "0", "-ENOSPC"]
    assert stats(r)["gc_bytes"] == 0


def test_a_gc_read_error_shuts_down_and_nothing_reaches_the_device_after(zwsim):
    # GC reads its victims from zones that fail every read: the first GC
    # chunk shuts the file system down (xfs_force_shutdown()); from then on
    # writes fail with -EIO, writeback maps nothing (xfs_zoned_map_blocks(),
    # xfs_zone_alloc_and_submit()) and completions only clean up
    # (xfs_end_ioend()), so a's dirty data never lands
    import random
    rnd = random.Random(1)
    lines = ["write f 0 8M", "sync", "inject err=2048:32768:read", "write a 0 64k"]
    for _ in range(40):
        lines += ["write f %d 64k" % (rnd.randrange(128) * 64 * K), "fsync f"]
    lines.append("fsync a")
    res = zwsim("fs", "--fs", "xfs-zoned", "--dev", DEV, "--json", "-", input="\n".join(lines) + "\n")
    assert res.rc == 0, res
    r = Run(res)
    first = r.results.index("-EIO")
    ok = {str(64 * K), "0", str(8 * M)}
    assert set(r.results[:first]) <= ok
    assert set(r.results[first:]) == {"-EIO"}
    assert 4 < first < len(r.results) - 2    # GC ran, and failed, in the middle
    assert r.results[-1] == "-EIO"           # fsync a
    assert r.extents("a") == []
    assert stats(r)["gc_bytes"] == 0


# --- mount on a device that holds data (xfs_mount_zones(), xfs_init_zone()) -----------

def fs_on(zw, spec, script, *opts):
    """One run of the model on a device that keeps its data between runs."""
    return xfs(zw, spec, script, *opts)


def test_data_found_at_mount_counts_as_used_by_default(zw, tmp_path):
    spec = "file:%s,zones=17,zone_size=1M,conv=1" % (tmp_path / "d")
    fs_on(zw, spec, "write f 0 1536k\nsync\n")
    # the second mount sees zone 1 full and zone 2 written up to 512 KiB
    r = fs_on(zw, spec, "write g 0 64k\nsync\n")
    s = stats(r)
    # zone 2 is open again at its write pointer: the closed file g packs in after it
    assert r.extents("g") == [(0, 64 * K, 2, 512 * K)]
    assert r.zone(1) == ("fu", 1 * M) and r.zone(2) == ("oi", 576 * K)
    assert s["zone_resets"] == 0
    assert s["zones"] == {"free": 14, "open": 1, "full": 1, "reclaimable": 0, "reset_pending": 0,
                          "gc_zone": None}
    # blocks of 4 KiB: 14 free zones and 128 blocks of zone 2 available, less the pools
    # (3 zones for GC, 4 reserved); nothing reclaimable; then g's 16 blocks
    assert s["free_rtavailable"] == 14 * 256 + 128 - 3 * 256 - 16
    assert s["free_rtextents"] == 14 * 256 + 128 - 4 * 256 - 16


def test_prior_data_deleted_resets_full_zones_and_counts_the_rest_reclaimable(zw, tmp_path):
    spec = "file:%s,zones=17,zone_size=1M,conv=1" % (tmp_path / "d")
    fs_on(zw, spec, "write f 0 1536k\nsync\n")
    r = fs_on(zw, spec, "write g 0 64k\nsync\n", "--mount", "prior_data=deleted")
    s = stats(r)
    # the full zone with no used block is reset at mount (the reset pending at the unmount)
    assert r.zone(1) == ("em", 0)
    assert s["zone_resets"] == 1
    # the partly written one is open again, its written half reclaimable
    assert r.extents("g") == [(0, 64 * K, 2, 512 * K)]
    assert s["zones"]["free"] == 15 and s["zones"]["open"] == 1 and s["zones"]["full"] == 0
    assert s["free_rtavailable"] == 15 * 256 + 128 - 3 * 256 - 16
    assert s["free_rtextents"] == 15 * 256 + 128 + 128 - 4 * 256 - 16


def test_a_zone_found_open_with_only_dead_data_is_reset_once_full_and_emptied(zw, tmp_path):
    spec = "file:%s,zones=17,zone_size=1M,conv=1" % (tmp_path / "d")
    fs_on(zw, spec, "write f 0 512k\nsync\n")
    r = fs_on(zw, spec, """
        write g 0 512k
        sync
        write g 0 512k
        sync
    """, "--mount", "prior_data=deleted")
    # g filled zone 1 after the dead half, then moved on: nothing used there, reset
    assert r.extents("g") == [(0, 512 * K, 2, 0)]
    assert r.zone(1) == ("em", 0)
    assert stats(r)["zone_resets"] == 1
    assert stats(r)["gc_bytes"] == 0


def test_mount_fails_without_a_zone_for_gc(zw, tmp_path):
    # every sequential zone full of data the model must count as used
    spec = "file:%s,zones=6,zone_size=1M,conv=1" % (tmp_path / "d")
    r = zw.script(spec, "\n".join("write %d 0 256" % z for z in range(1, 6)) + "\n")
    assert r.rc == 0, r
    res = zw("fs", "--fs", "xfs-zoned", "--dev", spec, "-", input="sync\n")
    assert res.rc != 0
    assert "unable to allocate a zone for gc" in res.err
    # with the data deleted, the zones are reset at mount and the file system is empty
    r = fs_on(zw, spec, "write f 0 64k\nsync\n", "--mount", "prior_data=deleted")
    assert stats(r)["zone_resets"] == 5
    assert r.extents("f") == [(0, 64 * K, 1, 0)]


def test_at_the_open_limit_at_mount_the_least_written_open_zone_becomes_the_gc_zone(zw, tmp_path):
    # 8 sequential zones: open limit 2; two zones found partly written
    spec = "file:%s,zones=9,zone_size=1M,conv=1" % (tmp_path / "d")
    r = zw.script(spec, "write 1 0 5\nwrite 2 0 3\n")
    assert r.rc == 0, r
    r = fs_on(zw, spec, "write f 0 64k\nsync\n", "--mount", "prior_data=deleted")
    s = stats(r)
    # zone 2 (3 blocks written) is GC's now (xfs_zone_gc_steal_open()); the user zone is zone 1
    assert s["zones"]["gc_zone"] == 2
    assert r.extents("f") == [(0, 64 * K, 1, 5 * 4 * K)]


def test_gc_leaves_zones_whose_only_used_blocks_belong_to_unknown_files(zw, tmp_path):
    # half of zone 1 holds data of a previous run: used, but of no file the model
    # knows, so GC has nothing it could move there and never picks the zone
    spec = "file:%s,zones=9,zone_size=1M,conv=1" % (tmp_path / "d")
    r = zw.script(spec, "write 1 0 128\n")
    assert r.rc == 0, r
    lines = ["write f 0 2560k", "sync"]
    for i in range(24):
        lines += ["write f %d 256k" % (i * 5 % 10 * 256 * K), "sync"]
    r = fs_on(zw, spec, "\n".join(lines) + "\n")
    s = stats(r)
    # GC ran and every write got its space: zone 1 (the least used) was never
    # taken as the victim, where GC would find nothing to move
    assert all(res in ("0", str(256 * K), str(2560 * K)) for res in r.results), r.results
    assert s["user_bytes"] == 2560 * K + 24 * 256 * K
    assert s["gc_bytes"] > 0
    assert r.zone(1) == ("fu", 1 * M)
    assert all(z != 1 for _, _, z, _ in r.extents("f"))


# --- GC details of the newest xfs_zone_gc.c ---------------------------------------

DEV_4M = "emu:zones=9,zone_size=4M,conv=1,max_sectors=8192"


def test_gc_chunks_fill_the_scratch_ring_and_wait_for_its_tail(zw, tmp_path):
    # zone 1 keeps four live runs of 768 KiB of a; GC reads them into its scratch
    # ring of 2 MiB (two buffers of XFS_GC_BUF_SIZE used as one ring, 7.2's
    # xfs_zone_gc_scratch_available(): the size less what the chunks in flight hold)
    log = tmp_path / "events.jsonl"
    xfs(zw, DEV_4M, """
        write a 0 4M
        sync
        write b 0 4M
        sync
        write c 0 4M
        sync
        write a 768k 256k
        write a 1792k 256k
        write a 2816k 256k
        write a 3840k 256k
        sync
        write d 0 3M
        sync
        write e 0 64k
        sync
    """, "--log", log)
    zone = 4 * M // 512
    ev = log_events(log)
    gc = [(e["op"], e["sector"] % zone * 512 // K, e["bytes"] // K) for e in ev
          if e["ev"] == "bio_submit" and ((e["op"] == "read" and e["sector"] // zone == 1) or
                                          (e["op"] == "zone_append" and e["sector"] // zone == 6))]
    assert gc == [
        # 768 + 768 KiB, then the 512 KiB the ring has left: full
        ("read", 0, 768), ("read", 1024, 768), ("read", 2048, 512),
        ("zone_append", 0, 768), ("zone_append", 0, 768), ("zone_append", 0, 512),
        # the rest once the first chunks are done and the tail has moved
        ("read", 2560, 256), ("read", 3072, 768),
        ("zone_append", 0, 256), ("zone_append", 0, 768),
    ]


def test_zones_emptied_together_are_reset_last_queued_first(zw, tmp_path):
    # the reset list is a stack (xg_next_reset): zone 2 emptied last, reset first
    log = tmp_path / "events.jsonl"
    r = xfs(zw, DEV, """
        write f 0 2M
        sync
        write f 0 2M
        sync
    """, "--log", log)
    zone = M // 512
    resets = [e["sector"] // zone for e in log_events(log) if e["ev"] == "bio_submit" and e["op"] == "zone_reset"]
    assert resets == [2, 1]
    assert r.extents("f") == [(0, 1 * M, 3, 0), (1 * M, 1 * M, 4, 0)]


def test_gc_copies_a_record_that_went_stale_and_skips_it_at_the_remap(zw, tmp_path):
    # GC queries zone 1 while a's overwrite of its last live run is in flight;
    # the overwrite completes before GC reaches that record, which GC reads and
    # writes all the same (its writes are speculative) and then does not remap
    log = tmp_path / "events.jsonl"
    r = xfs(zw, DEV_4M, """
        write a 0 4M
        sync
        write b 0 4M
        sync
        write c 0 4M
        sync
        write a 768k 256k
        write a 1792k 256k
        write a 2816k 256k
        write a 3840k 256k
        sync
        write d 0 3M
        sync
        write a 3072k 768k
        sync
    """, "--log", log)
    s = stats(r)
    # all four runs of 768 KiB moved, though only three were still a's
    assert s["gc_bytes"] == 3 * M
    assert s["device_bytes"] == s["user_bytes"] + 3 * M
    ext = r.extents("a")
    assert ext[6] == (3 * M, 768 * K, 5, 0)             # the overwrite's blocks, not GC's
    assert [e for e in ext if e[2] == 6] == [(0, 768 * K, 6, 0), (1 * M, 768 * K, 6, 768 * K),
                                             (2 * M, 768 * K, 6, 1536 * K)]
    zone = 4 * M // 512
    ev = [e for e in log_events(log) if e["ev"] in ("bio_submit", "bio_end")]
    overwrite_done = next(i for i, e in enumerate(ev) if e["ev"] == "bio_end" and e["op"] == "zone_append"
                          and e["sector"] // zone == 5)
    stale_read = next(i for i, e in enumerate(ev) if e["ev"] == "bio_submit" and e["op"] == "read"
                      and e["sector"] == 1 * zone + 3 * M // 512)
    assert overwrite_done < stale_read
    assert r.zone(1) == ("em", 0)


def test_gc_queries_the_rmap_1024_records_at_a_time_each_batch_by_inode(zw, tmp_path):
    # zone 1 (8 MiB): b's 1100 one-block extents (every other block of the file),
    # then a's 100 (a is the older inode), then c, which moves on and leaves
    # garbage; GC takes the rmap in batches of XFS_ZONE_GC_RECS in disk order,
    # each sorted by (inode, offset): b's first 1024, then a's 100, then b's rest
    log = tmp_path / "events.jsonl"
    lines = ["write a 0 4k"]
    lines += ["write b %dk 4k" % (i * 8) for i in range(1100)]
    lines += ["fsync b"]
    lines += ["write a %dk 4k" % (i * 8) for i in range(1, 100)]
    lines += ["fsync a", "write c 0 3392k", "fsync c", "write c 0 3392k", "fsync c",
              "write d 0 21M", "fsync d", "sync"]
    r = xfs(zw, "emu:zones=9,zone_size=8M,conv=1", "\n".join(lines) + "\n", "--log", log)
    zone = 8 * M // 512
    reads = [(e["sector"] - zone) // 8 for e in log_events(log)
             if e["ev"] == "bio_submit" and e["op"] == "read" and e["sector"] // zone == 1]
    assert reads == list(range(0, 1024)) + list(range(1100, 1200)) + list(range(1024, 1100))
    assert stats(r)["gc_bytes"] == 1200 * 4 * K
    assert r.zone(1) == ("em", 0)


# --- zone-append sizes, as the VM tier saw the kernel submit them --------------

# The twin of the VM tier's first null_blk device (tests/vm/xfs-fidelity.sh:
# 4 MiB zones, 80 conventional, append limit 124 KiB), as `zwsim zone twin`
# prints it.
VM_NULLB = ("emu:model=nullblk,size=536870912,zone_size=4194304,zone_cap=4194304,conv=80,max_open=0,"
            "max_active=0,max_append=126976,max_sectors=248,lba=4096")


def append_sizes(log, zone_sectors):
    """{zone: [KiB, ...]}: the zone appends that reached the device, as they completed."""
    out = {}
    for e in log_events(log):
        if e["ev"] == "bio_end" and e["op"] == "zone_append":
            out.setdefault(e["sector"] // zone_sectors, []).append(e["bytes"] // K)
    return out


@pytest.mark.parametrize("script, sizes", [
    # large-write: each zone's 4 MiB cut at the append limit, 4 KiB left at its end
    ("write big 0 10M\nsync\n", {80: [124] * 33 + [4], 81: [124] * 33 + [4], 82: [124] * 16 + [64]}),
    # closed-files-packed: one append per file up to the limit, in inode order
    ("write a 0 64k\nwrite b 0 128k\nwrite c 0 4k\nwrite d 0 1M\nsync\n",
     {80: [64, 124, 4, 4] + [124] * 8 + [32]}),
    # direct-appends-interleaved: each O_DIRECT write its own appends, cut at the limit
    ("append a 64k\nappend b 64k\nappend a 64k\nappend b 128k\nappend a 192k\nappend b 4k\nappend a 4k\nsync\n",
     {80: [64, 64, 124, 68, 4], 81: [64, 124, 4, 4]}),
])
def test_zone_append_sizes_are_those_the_kernel_submitted_in_the_vm(zwsim, tmp_path, script, sizes):
    # the sizes and their order per zone as Linux 7.2's zoned XFS submitted them
    # (block_bio_queue) in the VM tier's scenarios (docs/fidelity-xfs-zoned.md)
    log = tmp_path / "events.jsonl"
    xfs(zwsim, VM_NULLB, script, "--log", log)
    assert append_sizes(log, 4 * M // 512) == sizes
