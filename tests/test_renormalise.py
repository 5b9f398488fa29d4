"""`reconcile renormalise`: stored claims read again after an upgrade, and their events re-decided.

An older version's reading is reproduced by writing into the derived columns what that version
stored (before this one knew "удар безпілотника" or "російські окупанти", or resolved
coordinates to places); the claims as given are never touched.
"""

from __future__ import annotations

import json

from reconciler.config import POLICY_VERSION

# The refs of the claims marked for the next run (reconciler.marks).
MARKED = "SELECT c.ref FROM claims c JOIN claim_marks m ON m.claim_id = c.id ORDER BY c.ref"
# Marks at another version than their claim's: none, ever (every writer raises the version first).
STALE_MARKS = "SELECT m.claim_id FROM claim_marks m JOIN claims c ON c.id = m.claim_id WHERE m.version != c.version"

SOURCES = "- {name: Army, kind: military, side: Ukraine}\n- {name: Mission, kind: intergovernmental}\n"


def _events(desk) -> list[dict]:
    result = desk("events", "--json")
    assert result.exit_code == 0, result.output
    return sorted(json.loads(result.stdout), key=lambda e: sorted(c["ref"] for c in e["claims"]))


def _groups(desk) -> list[list[str]]:
    return sorted(sorted(c["ref"] for c in e["claims"]) for e in _events(desk))


def _run_then_full(desk, expected: list[list[str]]) -> None:
    """An incremental run gives ``expected``, and a full run on the same data the same."""
    assert desk("run").exit_code == 0
    assert _groups(desk) == expected
    assert desk("run", "--full").exit_code == 0
    assert _groups(desk) == expected


def _drone_strike(desk) -> None:
    desk.write("sources.yaml", SOURCES)
    assert desk("sources", "import", "sources.yaml").exit_code == 0
    desk.write_jsonl("claims.jsonl", [
        {"ref": "a", "source": "Army", "date": "2021-04-05", "place": "Авдіївка", "type": "удар безпілотника",
         "victims": "бійці", "killed": "2", "actor": "російські окупанти"},
        {"ref": "b", "source": "Mission", "date": "2021-04-05", "place": "Avdiivka", "type": "drone strike",
         "victims": "soldiers", "killed": "2", "actor": "Russian forces"},
    ])
    assert desk("import", "claims.jsonl").exit_code == 0


def _stored_by_an_older_version(desk, sql: str) -> None:
    """Write what an older version stored. The trail covers stored claims (reconciler.content), so
    the change is recorded as the desk's, as an older version's own writes would have been."""
    desk.execute(sql)
    result = desk("audit", "accept", "--reason", "what an older version stored")
    assert result.exit_code == 0, result.output


def _as_an_older_version_read_it(desk) -> None:
    # Before this version: no words for the drone strike or the fighters, and the occupiers a
    # party of their own ("okupanti rosiyski", the old stemmed key).
    _stored_by_an_older_version(desk, "UPDATE claims SET type_category = NULL, victims_category = NULL, "
                                      "actor_key = 'okupanti rosiyski' WHERE ref = 'a'")


def test_renormalise_after_an_upgrade_turns_a_false_contest_into_corroboration(desk):
    _drone_strike(desk)
    _as_an_older_version_read_it(desk)
    assert desk("run").exit_code == 0
    # Old reading: place 4 + same day 2 + figures agree 0.5 = 6.5 ≥ 5, one event; the actors
    # "okupanti rosiyski" and "russ" look like two parties: contested.
    [event] = _events(desk)
    assert event["status"] == "contested"
    assert event["reason"] == 'Army blames "російські окупанти", Mission blames "Russian forces"'

    result = desk("renormalise")
    assert result.exit_code == 0, result.output
    assert "2 claims read again; changed 1 (actor_key 1, type_category 1, victims_category 1)" in result.output
    assert ("claim 1: type_category none → 'drone', actor_key 'okupanti rosiyski' → 'russ', "
            "victims_category none → 'military'") in result.output
    assert desk.query(MARKED) == [("a",)]
    assert desk.query(STALE_MARKS) == []
    assert desk.query("SELECT type_category, victims_category, actor_key FROM claims WHERE ref = 'a'") == [
        ("drone", "military", "russ")]
    [(after,)] = desk.query("SELECT after FROM audit_log WHERE action = 'renormalise'")
    assert json.loads(after) == {"changed": [1], "fields": {"actor_key": 1, "type_category": 1,
                                                            "victims_category": 1}}

    assert desk("run").exit_code == 0
    [event] = _events(desk)
    assert event["status"] == "independently_verified"
    assert event["reason"].startswith("asserted by Army and Mission, independent origins")


def test_renormalise_dry_run_writes_nothing(desk):
    _drone_strike(desk)
    _as_an_older_version_read_it(desk)
    before = desk.dump()
    result = desk("renormalise", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["claims"], data["changed"], data["dry_run"]) == (2, 1, True)
    assert data["examples"] == [{"claim_id": 1,
                                 "before": {"type_category": None, "actor_key": "okupanti rosiyski",
                                            "victims_category": None},
                                 "after": {"type_category": "drone", "actor_key": "russ",
                                           "victims_category": "military"}}]
    assert desk.dump() == before


def test_renormalise_of_claims_read_by_this_version_changes_nothing(desk):
    _drone_strike(desk)
    assert desk("run").exit_code == 0
    before = desk.dump()
    result = desk("renormalise")
    assert result.exit_code == 0
    assert "2 claims read again; changed 0" in result.output
    assert desk.dump() == before   # no audit entry, no claim marked


def test_renormalise_reads_what_was_hit_that_an_older_version_did_not_know(desk):
    desk.write("sources.yaml", SOURCES)
    assert desk("sources", "import", "sources.yaml").exit_code == 0
    shelling = {"date": "2021-04-05", "place": "Avdiivka", "type": "shelling", "victims": "civilians", "killed": "2"}
    desk.write_jsonl("claims.jsonl", [shelling | {"ref": "a", "source": "Army", "target": "ринок"},
                                      shelling | {"ref": "b", "source": "Mission", "target": "a school",
                                                  "date": "2021-04-06"}])
    assert desk("import", "claims.jsonl").exit_code == 0
    # An older version knew no word for the market; the school it knew.
    _stored_by_an_older_version(desk, "UPDATE claims SET target_categories = NULL WHERE ref = 'a'")
    assert desk("run").exit_code == 0
    # place 4 + one day apart 1 + type 1.5 + victims 1 + figures agree 0.5 = 8, a's target unread: one event.
    assert _groups(desk) == [["a", "b"]]
    result = desk("renormalise")
    assert result.exit_code == 0, result.output
    assert "changed 1 (target_categories 1)" in result.output
    assert "claim 1: target_categories none → 'market'" in result.output
    # A market and a school: 8 − 3.5 = 4.5 < 5, two events (the claim was marked for the run).
    _run_then_full(desk, [["a"], ["b"]])


def _shelling(ref, source, place=None):
    row = {"ref": ref, "source": source, "date": "2021-04-05", "type": "shelling", "victims": "soldiers", "killed": "2"}
    return row | ({"place": place} if place else {})


def test_renormalise_place_newly_resolved_re_decides_the_claims_without_a_place_near_it(desk):
    desk.write("sources.yaml", "- {name: A, kind: ngo}\n- {name: B, kind: ngo}\n- {name: C, kind: ngo}\n")
    assert desk("sources", "import", "sources.yaml").exit_code == 0
    desk.write_jsonl("claims.jsonl", [_shelling("q", "A", "Avdiivka"), _shelling("p", "B"),
                                      _shelling("r", "C", "Donetsk")])
    assert desk("import", "claims.jsonl").exit_code == 0
    # An older version could not resolve r's place: r has no place, like p.
    _stored_by_an_older_version(desk, "UPDATE claims SET place_key = NULL, place_label = NULL, "
                                      "place_geonameid = NULL, place_method = NULL WHERE ref = 'r'")
    assert desk("run").exit_code == 0
    # Avdiivka is the only placed report that day: p and r each take it (place +1, same day 2,
    # type 1.5, victims 1, figures 0.5 = 6 with q); p–r, both without a place, 4; the average
    # (6 + 4) / 2 = 5 lets the third join: one event.
    assert _groups(desk) == [["p", "q", "r"]]

    assert desk("renormalise").exit_code == 0
    # r is in Donetsk: p now has two compatible places and no hint (4 with q and with r); q and
    # r are in different places (−6): three events, as a full run on the same data gives.
    _run_then_full(desk, [["p"], ["q"], ["r"]])


def test_renormalise_lists_a_claim_that_no_longer_validates_and_leaves_it(desk):
    _drone_strike(desk)
    _as_an_older_version_read_it(desk)
    # A claim stored with a field this version no longer accepts.
    # (As a version before reconciler.given stored claims: whole, a JSON object.)
    whole = json.dumps(desk.given()["b"] | {"date": "spring"})
    _stored_by_an_older_version(desk, f"UPDATE claims SET raw = '{whole}' WHERE ref = 'b'")
    result = desk("renormalise", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["changed"] == 1   # a is still read again
    [unreadable] = data["unreadable"]
    assert unreadable["claim_id"] == 2
    assert unreadable["problems"][0].startswith("field 'date': ")
    assert desk.query("SELECT type_category FROM claims WHERE ref = 'b'") == [("drone",)]   # left as it was


def test_renormalise_marks_claims_without_a_place_near_a_changed_claims_old_dates(desk):
    # x and y: one bulletin of the army (never one event); p: the mission's report with no place.
    desk.write("sources.yaml", SOURCES)
    assert desk("sources", "import", "sources.yaml").exit_code == 0
    text = "two soldiers killed by shelling near the coke plant"
    bulletin = {"source": "Army", "report": "Bulletin of 5 April", "date": "2021-04-05", "place": "Avdiivka",
                "victims": "soldiers"}
    desk.write_jsonl("claims.jsonl", [
        bulletin | {"ref": "x", "type": "удар безпілотника", "killed": "2"},
        bulletin | {"ref": "y", "type": "shelling", "text": text},
        {"ref": "p", "source": "Mission", "date": "2021-04-05", "type": "shelling", "victims": "soldiers",
         "killed": "2", "text": text},
    ])
    assert desk("import", "claims.jsonl").exit_code == 0
    # The older version read x's drone strike as shelling.
    _stored_by_an_older_version(desk, "UPDATE claims SET type_category = 'indirect_fire' WHERE ref = 'x'")
    assert desk("run").exit_code == 0
    # p's only compatible placed report was x (−1 + 2 + 1.5 + 1 + 0.5 = 4 ≥ 4; y has no figures:
    # 3.5), so p takes Avdiivka: p–y 1 + 2 + 1.5 + 1 + text 1 = 6.5, p–x 6; x and y can never join.
    assert _groups(desk) == [["p", "y"], ["x"]]

    assert desk("renormalise").exit_code == 0
    # x is a drone strike now: no longer compatible with p (related types −1), and no longer in
    # p's blocks, so only the marking near x's old dates brings p back to the run.
    assert desk.query(MARKED) == [("p",), ("x",)]
    assert desk.query(STALE_MARKS) == []
    # p has no place to take: p–y −1 + 2 + 1.5 + 1 + 1 = 4.5 < 5, apart (and in review).
    _run_then_full(desk, [["p"], ["x"], ["y"]])


def test_first_run_after_an_upgrade_re_decides_every_event(desk):
    _drone_strike(desk)
    assert desk("run").exit_code == 0
    # The last run was made by a version with an older policy (before policy versions: 1).
    desk.execute("UPDATE runs SET config = json_remove(config, '$.policy_version')")
    result = desk("run", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["full"] is True
    assert data["note"] == ("this version of reconcile reads and grades claims differently from run 1's "
                            f"(policy 1 → {POLICY_VERSION}): every claim was re-matched and re-graded")
    assert json.loads(desk("run", "--json").stdout)["full"] is False   # the same version again: incremental


def test_renormalise_gives_up_on_a_run_in_progress_naming_it_and_writes_nothing(desk):
    # A run holding the lease would clear the marks at its end: renormalise waits for it.
    from reconciler.db import open_database
    from reconciler.lease import run_lease

    _drone_strike(desk)
    _as_an_older_version_read_it(desk)
    db = open_database(str(desk.db))
    with run_lease(db, "alice"):
        result = desk("renormalise", "--wait", "0.5")
    db.dispose()
    assert result.exit_code == 6
    assert "another run is in progress: alice" in result.output
    assert desk.query("SELECT type_category FROM claims WHERE ref = 'a'") == [(None,)]   # nothing written
    assert desk("renormalise").exit_code == 0   # the lease is free again
    assert desk.query("SELECT type_category FROM claims WHERE ref = 'a'") == [("drone",)]
