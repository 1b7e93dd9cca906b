"""The dirty-memory policy options that `zwsim fs` and `zwsim writeback`
share (--memory, --dirty-background-ratio, --dirty-ratio,
--writeback-interval, --dirty-expire: tools/dirty_policy.c), and sync(2)
as Linux 7.2 runs it: the flusher's WB_SYNC_NONE pass over every dirty
file, a chunk each in turn (writeback_sb_inodes(), writeback_chunk_size()),
before the WB_SYNC_ALL pass; zoned XFS's chunk of a zone
(s_min_writeback_pages, xfs_mount_zones())."""
import json

import pytest

from conftest import dedent

OPTIONS = ("--memory", "--dirty-background-ratio", "--dirty-ratio", "--writeback-interval", "--dirty-expire")
REGULAR = "emu:zoned=0,size=1G"
BIG = "emu:model=nullblk,size=2G,zone_size=64M,conv=8,data=tags"
MiB = 1 << 20

INTERLEAVED = """
    write a 0 4M
    write b 0 4M
    write a 4M 4M
    write b 4M 4M
    sync
"""


def fs(zw, fsname, dev, script, *opts):
    return zw("fs", "--fs", fsname, "--dev", dev, "--json", *opts, "-", input=dedent(script))


def extents(r):
    assert r.rc == 0, r
    return {n: [(e["off"], e["len"], e["zone"], e["zone_off"]) for e in f["extents"]]
            for n, f in json.loads(r.out)["files"].items()}


@pytest.mark.parametrize("cmd", ["fs", "writeback"])
def test_both_commands_document_the_same_dirty_policy_options(zwsim, cmd):
    r = zwsim(cmd, "--help")
    assert r.rc == 0
    for opt in OPTIONS:
        assert opt in r.out, opt
    assert "%%" not in r.out


@pytest.mark.parametrize("cmd", ["fs", "writeback"])
@pytest.mark.parametrize("opt,value,says", [
    ("--memory", "0", "--memory 0: a size"),
    ("--memory", "lots", "--memory lots: a size"),
    ("--dirty-ratio", "101", "--dirty-ratio 101: a percentage"),
    ("--dirty-background-ratio", "-1", "--dirty-background-ratio -1: a percentage"),
    ("--writeback-interval", "5s", "--writeback-interval 5s: a number of milliseconds"),
    ("--dirty-expire", "", "--dirty-expire : a number of milliseconds"),
])
def test_a_bad_policy_value_is_refused_naming_the_option(zw, cmd, opt, value, says):
    extra = ["--fs", "xfs"] if cmd == "fs" else []
    r = zw(cmd, *extra, "--dev", REGULAR, opt, value, "-", input="sync\n")
    assert r.rc == 2
    assert ("zwsim %s: %s" % (cmd, says)) in r.err


def test_fs_without_policy_options_is_a_1g_machine(zw):
    a = fs(zw, "xfs", REGULAR, INTERLEAVED)
    b = fs(zw, "xfs", REGULAR, INTERLEAVED, "--memory", "1G", "--dirty-ratio", "20",
           "--dirty-background-ratio", "10", "--writeback-interval", "5000", "--dirty-expire", "30000")
    assert a.out == b.out


def test_fs_memory_moves_background_writeback_into_the_writes(zw):
    # 1 GiB: nothing reaches the background threshold; sync writes a, then b, each whole
    assert extents(fs(zw, "xfs", REGULAR, INTERLEAVED)) == {
        "a": [(0, 8 * MiB, 0, 0)], "b": [(0, 8 * MiB, 0, 8 * MiB)]}
    # 16 MiB: 1.6 MiB dirty starts the flusher during the writes: the files interleave on disk
    assert extents(fs(zw, "xfs", REGULAR, INTERLEAVED, "--memory", "16M")) == {
        "a": [(0, 4 * MiB, 0, 0), (4 * MiB, 4 * MiB, 0, 8 * MiB)],
        "b": [(0, 4 * MiB, 0, 4 * MiB), (4 * MiB, 4 * MiB, 0, 12 * MiB)]}


def test_xfs_zoned_closed_files_written_back_by_sync_are_packed_across_zones(zw):
    # Files of 60 MiB, closed, then sync: the flusher writes each whole (a chunk
    # is at least a zone, 64 MiB), in the order they were dirtied, back to back
    # across zone boundaries (as Linux 7.2 on a 2 GiB null_blk, docs/fidelity-xfs-zoned.md)
    script = "".join("write f%d 0 60M\n" % i for i in range(3)) + "sync\n"
    ext = extents(fs(zw, "xfs-zoned", BIG, script))
    assert ext == {"f0": [(0, 60 * MiB, 8, 0)],
                   "f1": [(0, 4 * MiB, 8, 60 * MiB), (4 * MiB, 56 * MiB, 9, 0)],
                   "f2": [(0, 8 * MiB, 9, 56 * MiB), (8 * MiB, 52 * MiB, 10, 0)]}


def test_xfs_zoned_617_flusher_chunks_cut_large_files_in_turn(zw):
    # 6.17 has no s_min_writeback_pages: on 6 GiB (no background writeback) the
    # flusher's chunk is half of INIT_BW, 12800 pages, plus 1024 rounded down to
    # 1024s: 52 MiB.  sync's first pass writes 52 MiB of each file in turn, then
    # the 8 MiB left of each: the files' tails come after all three heads.
    script = "".join("write f%d 0 60M\n" % i for i in range(3)) + "sync\n"
    ext = extents(fs(zw, "xfs-zoned", BIG, script, "--mount", "kernel=6.17", "--memory", "6G"))
    assert ext["f0"] == [(0, 52 * MiB, 8, 0), (52 * MiB, 8 * MiB, 10, 28 * MiB)]
    assert ext["f1"][0] == (0, 12 * MiB, 8, 52 * MiB)
    assert ext["f2"][-1] == (52 * MiB, 8 * MiB, 10, 44 * MiB)


def test_writeback_command_takes_the_same_options(zw):
    r = zw("writeback", "--dev", REGULAR, "--memory", "64M", "--writeback-interval", "0", "-",
           input="write 0 4096\nsync\n")
    assert r.rc == 0, r
    assert r.lines == ["write 0 4096 => 4096", "sync => 0"]
