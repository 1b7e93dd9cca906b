"""The event log's bio_end names the zone rule that refused a bio (zone_err), and only then."""
import json


def test_a_device_refusal_names_its_rule_and_a_plug_refusal_does_not(zw, tmp_path):
    log = tmp_path / "log.jsonl"
    # zone 1 has no plug yet: the device sees the misplaced write; zone 2's plug refuses its own
    r = zw.script("emu:zones=4,zone_size=256k,model=zns", """
        write 1 8 1
        write 2 0 4
        write 2 0 1
        """, "--log", str(log))
    assert r.rc == 0 or r.rc == 1, r
    ends = [e for e in map(json.loads, log.read_text().splitlines()) if e["ev"] == "bio_end"]
    failed = [e for e in ends if e["status"] != "OK"]
    assert len(failed) == 2
    assert failed[0]["zone_err"] == "not_at_wp"
    assert "zone_err" not in failed[1]
    assert all("zone_err" not in e for e in ends if e["status"] == "OK")
