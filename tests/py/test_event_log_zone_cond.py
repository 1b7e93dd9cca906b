"""The event log records every change of a zone's condition (docs/event-log.md)."""
import json


def test_zone_conditions_changes_are_logged_with_their_cause_in_order(zw, tmp_path):
    log = tmp_path / "events.jsonl"
    r = zw.script("emu:zones=4,zone_size=1M,max_open=2",
                  "write 1 0 8\nwrite 2 0 8\nwrite 3 0 8\nfinish 3\n", "--log", str(log))
    assert r.rc == 0
    conds = [(e["zone"], e["from"], e["to"]) for e in map(json.loads, log.read_text().splitlines())
             if e["ev"] == "zone_cond"]
    # the third implicit open closes zone 1 (null_blk's round robin), finish fills zone 3
    assert conds == [(1, "em", "oi"), (2, "em", "oi"), (1, "oi", "cl"), (3, "em", "oi"), (3, "oi", "fu")]
