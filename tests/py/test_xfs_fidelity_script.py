"""tests/vm/guest/xfs-zoned-script.py on the host: the zone-append sizes it
reads from the kernel's tracepoints and from the model's event log, and how
it compares them (the VM tier runs it only in the guest)."""
import importlib.util
import json
import os

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "vm", "guest", "xfs-zoned-script.py")


@pytest.fixture(scope="module")
def xf():
    spec = importlib.util.spec_from_file_location("xfs_zoned_script", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# Lines in Linux 7.2's formats (events/block/*/format), made up: zones of 8192 sectors,
# a 124 KiB append submitted before a 4 KiB one and issued after it, a failed append
TRACE = """\
# tracer: nop
 kworker/u8:1-40  [001] .....  9.70: block_bio_queue: 254,0 ZAS 655360 + 248 [kworker/u8:1]
 kworker/u8:1-40  [000] .....  9.71: block_bio_queue: 254,0 ZAS 655360 + 8 [kworker/u8:1]
 kworker/u8:1-40  [000] .....  9.72: block_rq_issue: 254,0 ZAS 4096 () 655360 + 8 be,0,4 [kworker/u8:1]
 kworker/u8:1-40  [000] .....  9.72: block_rq_complete: 254,0 ZAS () 655360 + 8 be,0,4 [0]
 kworker/0:1-26   [000] .....  9.73: block_rq_issue: 254,0 ZAS 126976 () 655360 + 248 be,0,4 [kworker/0:1]
 kworker/0:1-26   [000] .....  9.73: block_rq_complete: 254,0 ZAS () 655368 + 248 be,0,4 [0]
 kworker/0:1-26   [000] .....  9.74: block_rq_issue: 254,0 RM 16384 () 458880 + 32 be,0,4 [kworker/0:1]
 kworker/0:1-26   [000] .....  9.75: block_rq_issue: 254,0 ZAS 65536 () 663552 + 128 be,0,4 [kworker/0:1]
 kworker/0:1-26   [000] .....  9.75: block_rq_complete: 254,0 ZAS () 663552 + 128 be,0,4 [-5]
"""


def test_the_kernels_appends_per_zone_in_submission_issue_and_landing_order(xf):
    a = xf.AppendTrace.parse(TRACE, 8192)
    assert a["80"]["submitted"] == [248, 8]
    assert a["80"]["issued"] == [8, 248]
    assert a["80"]["landed"] == [8, 248]
    assert a["80"]["cpus"] == {"submitted": [1, 0], "issued": [0, 0]}
    assert a["81"]["issued"] == [128] and a["81"]["failed"] == 1 and a["81"]["landed"] == []
    assert set(a) == {"80", "81"}  # the read is not an append


def test_the_models_appends_from_its_event_log_leave_out_what_the_block_layer_refused(xf, tmp_path):
    log = tmp_path / "events.jsonl"
    ev = [{"ev": "bio_submit", "id": 1, "op": "zone_append", "sector": 8192, "bytes": 126976},
          {"ev": "bio_end", "id": 1, "op": "zone_append", "sector": 8192, "bytes": 126976, "status": "OK"},
          {"ev": "bio_end", "id": 2, "op": "zone_append", "sector": 8192, "bytes": 4096,
           "status": "BLK_STS_IOERR", "reason": "zone append at sector 8193 is not at the start of a "
                                                "sequential zone"},
          {"ev": "bio_end", "id": 3, "op": "zone_append", "sector": 8192, "bytes": 4096,
           "status": "BLK_STS_IOERR", "reason": "injected"},
          {"ev": "bio_end", "id": 4, "op": "write", "sector": 8440, "bytes": 4096, "status": "OK"}]
    log.write_text("".join(json.dumps(e) + "\n" for e in ev))
    assert xf.model_appends(str(log), 8192) == {"1": {"issued": [248, 8], "landed": [248], "failed": 1}}
    assert xf.spec_zone_sectors("emu:model=nullblk,size=536870912,zone_size=4194304,conv=80") == 8192
    assert xf.spec_zone_sectors("emu:zones=8,zone_size=64M") == 131072


def test_append_sizes_are_compared_per_zone_in_order_and_as_multisets(xf, tmp_path, capsys):
    def side(appends):
        return {"ops": [], "files": {}, "zones": {}, "shutdown": False, "appends": appends}
    real = side({"80": {"issued": [248, 8, 248], "landed": [248, 8, 248], "failed": 0,
                        "submitted": [248, 248, 8]},
                 "81": {"issued": [8], "landed": [8], "failed": 0, "submitted": [8]}})
    model = side({"80": {"issued": [248, 248, 8], "landed": [248, 248, 8], "failed": 0},
                  "82": {"issued": [16], "landed": [16], "failed": 0}})
    tally = tmp_path / "tally"
    xf.compare("s", real, model, str(tally))
    out = capsys.readouterr().out
    assert "DIFF   appends zone 80   kernel: 124k 4k 124k" in out
    assert "(the same sizes, in another order)" in out
    assert "kernel submitted (block_bio_queue) in another order: 124k*2 4k" in out
    assert "append sizes 3/4 (model 4), append zones in order 0/3, as multisets 1/3" in out
    xf.summary(str(tally))
    assert "0 with the same append sizes" in capsys.readouterr().out
    # an outcome from before appends were recorded compares none of them
    del real["appends"]
    xf.compare("s", real, model)
    assert "append sizes 0/0 (model 0)" in capsys.readouterr().out


def outcome(files, zones):
    return {"ops": [], "files": {n: {"size": sum(e[1] for e in ext), "extents": ext} for n, ext in files.items()},
            "zones": zones, "shutdown": False}


M = 1 << 20
# two runs of GC that took other free zones: a and b share zone 9 (kernel) or 12 (model)
KERNEL = outcome({"a": [[0, 4 * M, 9, 0], [4 * M, 2 * M, 10, 0]], "b": [[0, 1 * M, 9, 4 * M]]},
                 {"9": ["fu", None], "10": ["oi", 2 * M], "11": ["oi", 0]})
MODEL = outcome({"a": [[0, 4 * M, 12, 0], [4 * M, 2 * M, 8, 0]], "b": [[0, 1 * M, 12, 4 * M]]},
                {"12": ["fu", None], "8": ["oi", 2 * M], "13": ["oi", 0]})


def test_placements_alike_up_to_a_renaming_of_zones(xf):
    t = xf.zone_renaming(KERNEL, MODEL)
    assert (t["files_same"], t["files"], t["bytes_same"], t["bytes"]) == (2, 2, 7 * M, 7 * M)
    # zones 9 -> 12 and 10 -> 8 mapped with their states; 11 and 13 (no live data) as a multiset
    assert (t["zones_same"], t["zones"], t["renamed"]) == (3, 3, 2)
    assert t["renaming"] == {9: 12, 10: 8}


def test_a_renaming_must_be_one_to_one_and_keep_offsets_in_the_zone(xf):
    # b in a zone of its own on one side: zone 9 cannot become both 12 and 14
    split = outcome({"a": [[0, 4 * M, 12, 0], [4 * M, 2 * M, 8, 0]], "b": [[0, 1 * M, 14, 4 * M]]},
                    MODEL["zones"])
    t = xf.zone_renaming(KERNEL, split)
    assert (t["files_same"], t["bytes_same"]) == (1, 6 * M)
    # nor can two zones become one
    apart = outcome({"a": KERNEL["files"]["a"]["extents"], "b": [[0, 1 * M, 11, 4 * M]]}, KERNEL["zones"])
    assert xf.zone_renaming(apart, MODEL)["files_same"] == 1
    # the same zones but another offset in the zone
    moved = outcome({"a": MODEL["files"]["a"]["extents"], "b": [[0, 1 * M, 12, 5 * M]]}, MODEL["zones"])
    assert xf.zone_renaming(KERNEL, moved)["files_same"] == 1
    # as placed, nothing of it is alike
    assert xf.zone_renaming(KERNEL, KERNEL)["renamed"] == 0
def _outcome(extents, landed, zones=None, ops=None):
    """An outcome of one file f in zone 81 (zone offsets in bytes), with the
    appends that landed there (sectors, in the order of their sectors)."""
    return {"ops": ops or [["write f 0 256k", "262144"], ["sync", "0"]], "shutdown": False,
            "files": {"f": {"size": 262144, "extents": extents}},
            "zones": zones or {"81": ["oi", 262144]},
            "appends": {"81": {"issued": landed, "landed": landed, "failed": 0}}}


def test_the_judge_allows_only_where_each_zones_appends_landed(xf):
    model = _outcome([[0, 262144, 81, 0]], [256, 256])
    # the same: nothing differs
    assert xf.judge_outcomes(model, model)[1][0] == "same"
    # the kernel's second append landed first: the pieces swapped in the zone
    swapped = _outcome([[0, 131072, 81, 131072], [131072, 131072, 81, 0]], [256, 256])
    rc, lines = xf.judge_outcomes(swapped, model)
    assert rc == 0 and lines[0] == "append order"
    assert "kernel f+131072 f+0" in lines[-1] and "model  f+0 f+131072" in lines[-1]
    # another zone's condition, another result, other data in the appends: different
    for other in (_outcome([[0, 262144, 81, 0]], [256, 256], zones={"81": ["fu", None]}),
                  _outcome([[0, 262144, 81, 0]], [256, 256], ops=[["write f 0 256k", "-EIO"], ["sync", "0"]]),
                  _outcome([[0, 262144, 81, 0]], [128, 384])):
        rc, lines = xf.judge_outcomes(other, model)
        assert rc == 1 and lines[0] == "DIFFERENT"
