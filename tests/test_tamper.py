"""Content hashes: edits made behind the tool's back (with the real sqlite3 module) are named by
`audit verify`, refused by `run`, and undone by a re-import, a new decision or `audit accept`.

The desk below: two claims of one origin (the Army) about one shelling, with figures that
differ: one origin, so the event is *unverified*. Entries: 1 and 2 register the sources, 3 is
the import (claims 1 and 2), 4 the run.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from reconciler.processes import can_fork
from test_decisions import ran
from test_run import events, grouping, load_example

SOURCES = "- {name: Army, kind: military, side: North}\n- {name: Monitors, kind: ngo}\n"
CLAIMS = [
    {"ref": "a", "source": "Army", "date": "2021-04-06", "place": "Avdiivka", "type": "shelling",
     "victims": "civilians", "killed": "2"},
    {"ref": "b", "source": "Army", "date": "2021-04-06", "place": "Avdiivka", "type": "shelling",
     "victims": "civilians", "killed": "5"},
]
HELP = ("1 row changed outside reconcile since the audit trail recorded it. Restore it (from a backup; "
        "re-import a claim's file; decide or grade again), or record it as it is now with "
        "`reconcile audit accept --reason TEXT`.\n")


def shelling(desk) -> None:
    desk.write("sources.yaml", SOURCES)
    ran(desk, "sources", "import", "sources.yaml")
    desk.write_jsonl("claims.jsonl", CLAIMS)
    ran(desk, "import", "claims.jsonl")
    ran(desk, "run")
    assert [(e["id"], e["status"]) for e in events(desk)] == [(1, "unverified")]


def refused(desk, *args: str) -> str:
    """The error a command refused with: exit code 7, the audit's."""
    result = desk(*args)
    assert (result.exit_code, result.stdout) == (7, ""), result.output
    return result.stderr


def broken(desk, *lines: str, help_text: str = HELP) -> None:
    result = desk("audit", "verify")
    assert (result.exit_code, result.stdout) == (7, "")
    assert result.stderr == "".join(f"Audit trail BROKEN: {line}\n" for line in lines) + help_text


def intact(desk) -> str:
    result = desk("audit", "verify")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_audit_verify_names_a_claim_edited_outside_reconcile(desk):
    shelling(desk)
    desk.execute("UPDATE claims SET source_id = 2 WHERE ref = 'b'")
    broken(desk, "claim 2 (ref b) was edited outside reconcile: its content no longer matches audit entry 3")


@pytest.mark.parametrize("sql", [
    "UPDATE claims SET place_text = 'Bakhmut' WHERE ref = 'b'",
    "UPDATE claims SET killed_low = 1 WHERE ref = 'b'",
    "UPDATE claims SET date_start = '2021-04-05' WHERE ref = 'b'",
    "UPDATE claims SET text = 'nothing happened' WHERE ref = 'b'",
    # The fields as given that no other column holds (reconciler.given): now "killed" given as 9.
    "UPDATE claims SET raw = json_set(CASE json_array_length(raw) WHEN 0 THEN '[{}]' ELSE raw END, '$[0].killed', 9) "
    "WHERE ref = 'b'",
    "UPDATE claim_relays SET source_text = 'x' WHERE claim_id = 2",
    "INSERT INTO claim_relays (claim_id, position, source_id, source_text) VALUES (2, 0, 2, 'Monitors')",
], ids=["place", "figure", "date", "text", "as given", "relay", "relay added"])
def test_audit_verify_names_a_claim_whose_place_figures_dates_text_or_relays_were_edited(desk, sql):
    shelling(desk)
    if "UPDATE claim_relays" in sql:
        desk.execute("INSERT INTO claim_relays (claim_id, position, source_id, source_text) "
                              "VALUES (2, 0, 2, 'Monitors')")
    desk.execute(sql)
    broken(desk, "claim 2 (ref b) was edited outside reconcile: its content no longer matches audit entry 3")


def test_audit_verify_names_a_source_edited_outside_reconcile(desk):
    shelling(desk)
    desk.execute("UPDATE sources SET kind = 'ngo', side = NULL WHERE name = 'Army'")
    broken(desk, "source 1 (Army) was edited outside reconcile: its content no longer matches audit entry 1")


def test_audit_verify_names_a_decision_edited_outside_reconcile(desk):
    shelling(desk)
    ran(desk, "unlink", "1", "2")   # entry 5 (its run is entry 6)
    desk.execute("UPDATE pair_constraints SET kind = 'must'")
    broken(desk, "the decision on claims 1 and 2 was edited outside reconcile: its content no longer matches "
                 "audit entry 6")


def test_audit_verify_names_a_manual_grade_edited_outside_reconcile(desk):
    shelling(desk)
    ran(desk, "grade", "1", "--status", "contested", "--reason", "the mission saw nothing")   # entry 5
    desk.execute("UPDATE events SET status = 'independently_verified' WHERE id = 1")
    broken(desk, "the manual grade of event 1 was edited outside reconcile: its content no longer matches "
                 "audit entry 5")


def test_audit_verify_names_a_claim_deleted_outside_reconcile(desk):
    shelling(desk)
    desk.execute("DELETE FROM claims WHERE ref = 'b'")
    broken(desk, "claim 2 was deleted outside reconcile: audit entry 3 recorded it")


FORGED_CLAIM = ("INSERT INTO claims (ref, source_id, source_text, date_text, date_start, date_end, date_precision, "
                "stance, raw, fingerprint, version, created_by, created_at) "
                "SELECT 'c', source_id, source_text, date_text, date_start, date_end, date_precision, "
                "stance, raw, 'forged', 1, created_by, created_at FROM claims WHERE ref = 'a'")


def test_audit_verify_names_rows_inserted_outside_reconcile(desk):
    shelling(desk)
    desk.execute(FORGED_CLAIM)
    desk.execute("INSERT INTO sources (name, name_key, kind, registered, created_by, created_at) "
                          "VALUES ('Ghost', 'ghost', 'ngo', 1, 'eve', '2021-01-01')")
    broken(desk, "claim 3 (ref c) was inserted outside reconcile: no audit entry records it",
           "source 3 (Ghost) was inserted outside reconcile: no audit entry records it",
           help_text=HELP.replace("1 row changed", "2 rows changed").replace("recorded it. Restore it",
                                                                             "recorded them. Restore them")
           .replace("record it as it is", "record them as they are"))


# A run checks the claims in this process (one worker) or in a process beside it (two: RunCheck;
# the desks here are small, so the `beside` fixture lowers the store size that takes).
WORKERS = [pytest.param("1", id="here"),
           pytest.param("2", id="beside", marks=pytest.mark.skipif(not can_fork(), reason="needs fork"))]


@pytest.fixture(autouse=True)
def beside(monkeypatch):
    monkeypatch.setattr("reconciler.content.BESIDE_MIN", 1)


@pytest.mark.parametrize("workers", WORKERS)
def test_run_refuses_a_claim_whose_source_was_changed_outside_reconcile(desk, workers):
    # Regression: changing a claim's source with sqlite3 turned the event from unverified to
    # contested at the next `run --full`, and `audit verify` said the trail was intact.
    shelling(desk)
    desk.execute("UPDATE claims SET source_id = 2 WHERE ref = 'b'")
    before = desk.dump()
    assert refused(desk, "run", "--full", "--workers", workers) == (
        "Error: claim 2 (ref b) was changed outside reconcile since audit entry 3; nothing was graded. Re-import "
        "the file that holds it (`reconcile import FILE`) or restore the database from a backup, then run again\n")
    assert desk.dump() == before
    assert [(e["id"], e["status"]) for e in events(desk)] == [(1, "unverified")]


def test_run_full_reports_a_claim_deleted_outside_reconcile_instead_of_crashing(desk):
    # Regression: a claim row deleted by hand made `run --full` crash with a KeyError.
    shelling(desk)
    desk.execute("DELETE FROM claims WHERE ref = 'b'")
    assert refused(desk, "run", "--full") == (
        "Error: claim 2 was deleted outside reconcile since audit entry 3; nothing was graded. Re-import the file "
        "that holds it (`reconcile import FILE`: it comes back as claim 2) or restore the database from a backup, "
        "then run again\n")


def test_run_after_a_deletion_outside_reconcile_is_accepted_re_decides_its_events(desk):
    # Claims deleted with the sqlite3 shell (foreign keys off) leave their links behind. Once a
    # person accepts the deletion, a run removes those links and re-decides the events from the
    # claims left: an event left with none is retired. It crashed with a KeyError (`run --full`)
    # or left the events counting the deleted claims (an incremental run).
    load_example(desk, "illustrative")
    ran(desk, "run")
    ids = {ref: cid for cid, ref in desk.query("SELECT id, ref FROM claims")}
    # A person linked two claims; one of them is deleted below (its decision stays).
    ran(desk, "link", str(ids["ill-043"]), str(ids["ill-046"]))
    lone = desk.query("SELECT event_id FROM claim_links WHERE claim_id = ?", ids["ill-039"])[0][0]
    desk.execute("DELETE FROM claims WHERE ref IN ('ill-039', 'ill-001', 'ill-046')")
    ran(desk, "audit", "accept", "--reason", "withdrawn by their sources")
    result = ran(desk, "run")
    assert "1 retired" in result.stdout
    [entry] = [e for e in json.loads(ran(desk, "log", "--json").stdout) if e["action"] == "run"][-1:]
    assert entry["after"]["counts"]["claims_deleted_outside"] == 3
    groups = grouping(desk)
    # ill-002 and ill-003 stay one event, without ill-001 (expected outcome: examples/illustrative).
    assert ("ill-002", "ill-003") in groups and ("ill-043",) in groups
    assert not [g for g in groups if {"ill-001", "ill-039", "ill-046"} & set(g)]
    assert desk.query("SELECT active, n_claims FROM events WHERE id = ?", lone) == [(0, 0)]
    assert desk.query("SELECT count(*) FROM claim_links WHERE claim_id NOT IN (SELECT id FROM claims)") == [(0,)]
    assert desk.query("SELECT count(*) FROM pair_constraints WHERE claim_b = ?", ids["ill-046"]) == [(1,)]
    incremental = desk.query("SELECT claim_id, event_id FROM claim_links ORDER BY claim_id")
    ran(desk, "run", "--full")
    assert desk.query("SELECT claim_id, event_id FROM claim_links ORDER BY claim_id") == incremental
    assert grouping(desk) == groups


@pytest.mark.parametrize("workers", WORKERS)
def test_run_lists_several_rows_changed_outside_reconcile(desk, workers):
    shelling(desk)
    desk.execute("UPDATE claims SET killed_low = 1")
    desk.execute("UPDATE sources SET side = 'South' WHERE name = 'Army'")
    assert refused(desk, "run", "--workers", workers) == (
        "Error: 3 rows were changed outside reconcile since the audit trail recorded them (claim 1 (ref a), "
        "claim 2 (ref b), source 1 (Army)); nothing was graded. `reconcile audit verify` names each; restore them, "
        "then run again\n")


def test_import_of_the_same_file_restores_a_claim_edited_outside_reconcile(desk):
    shelling(desk)
    desk.execute("UPDATE claims SET source_id = 2 WHERE ref = 'b'")
    result = ran(desk, "import", "claims.jsonl")
    assert result.stdout == ("claims.jsonl: added 0, updated 0, already stored 1, restored 1 "
                             "(changed outside reconcile: claim 2)\n")
    assert intact(desk) == ("Audit trail intact: 5 entries, head 5; content of 2 claims, 2 sources, 0 decisions, "
                            "0 manual grades and 0 places matches it\n")
    ran(desk, "run", "--full")
    assert [(e["id"], e["status"]) for e in events(desk)] == [(1, "unverified")]
    [entry] = [e for e in json.loads(ran(desk, "log", "--json").stdout) if e["seq"] == 5]
    assert entry["action"] == "import" and entry["after"]["restored"] == [2]


@pytest.mark.parametrize("ref, claim", [("a", 1), ("b", 2)], ids=["first: the new row is renumbered", "last"])
def test_import_restores_a_claim_deleted_outside_reconcile_under_its_own_id(desk, ref, claim):
    shelling(desk)
    desk.execute("DELETE FROM claims WHERE ref = ?", ref)
    result = ran(desk, "import", "claims.jsonl")
    assert result.stdout == ("claims.jsonl: added 0, updated 0, already stored 1, restored 1 "
                             f"(changed outside reconcile: claim {claim})\n")
    assert desk.query("SELECT id, ref FROM claims ORDER BY id") == [(1, "a"), (2, "b")]
    intact(desk)
    ran(desk, "run", "--full")
    assert [(e["id"], e["status"]) for e in events(desk)] == [(1, "unverified")]


@pytest.mark.parametrize("ref, claim", [("a", 1), ("b", 2)], ids=["first: the new row is renumbered", "last"])
def test_import_restores_a_claim_stored_whole_by_a_version_before_and_deleted_outside(desk, ref, claim):
    # A version before stored a claim whole (raw the whole claim, reconciler.given), and the trail
    # recorded that row; the claim was then deleted outside reconcile.
    shelling(desk)
    whole = json.dumps(next(c for c in CLAIMS if c["ref"] == ref))
    desk.execute("UPDATE claims SET raw = ? WHERE ref = ?", whole, ref)
    ran(desk, "audit", "accept", "--reason", "as a version before stored it")
    desk.execute("DELETE FROM claims WHERE ref = ?", ref)
    result = ran(desk, "import", "claims.jsonl")
    assert result.stdout == ("claims.jsonl: added 0, updated 0, already stored 1, restored 1 "
                             f"(changed outside reconcile: claim {claim})\n")
    # Its own id back, stored whole as it was; the other claim as this version stores it.
    assert desk.query("SELECT id, ref FROM claims ORDER BY id") == [(1, "a"), (2, "b")]
    assert [json.loads(raw) for (raw,) in desk.query("SELECT raw FROM claims WHERE ref = ?", ref)] == [json.loads(whole)]
    assert desk.query("SELECT raw FROM claims WHERE ref != ?", ref) == [('[{}, ["stance"]]',)]   # no stance given
    intact(desk)


def test_audit_accept_records_rows_as_they_are_now(desk):
    shelling(desk)
    desk.execute("UPDATE sources SET side = 'South' WHERE name = 'Army'")
    refused = desk("audit", "accept")
    assert refused.exit_code == 2 and "Missing option '--reason'" in refused.stderr
    result = ran(desk, "audit", "accept", "--reason", "side corrected by the desk editor in sqlite3")
    assert result.stdout == ("Recorded 1 row as it is now (audit entry 5): source 1 (Army) was edited outside "
                             "reconcile: its content no longer matches audit entry 1\n")
    intact(desk)
    ran(desk, "run")
    [entry] = [e for e in json.loads(ran(desk, "log", "--json").stdout) if e["seq"] == 5]
    assert (entry["action"], entry["user"], entry["after"]) == ("accept", "tester", {
        "reason": "side corrected by the desk editor in sqlite3",
        "rows": ["source 1 (Army) was edited outside reconcile: its content no longer matches audit entry 1"]})
    assert list(entry["content"]) == ["source"]


def test_audit_accept_with_nothing_changed_records_nothing(desk):
    shelling(desk)
    before = desk.dump()
    result = ran(desk, "audit", "accept", "--reason", "just checking")
    assert result.stdout == ("Nothing to record: every claim, source, decision, manual grade and place matches the "
                             "audit trail\n")
    assert desk.dump() == before


def test_sources_add_refuses_to_build_on_a_source_changed_outside_reconcile(desk):
    shelling(desk)
    desk.execute("UPDATE sources SET side = 'South' WHERE name = 'Army'")
    assert refused(desk, "sources", "add", "Army", "--alias", "North Army") == (
        "Error: source 1 (Army) was changed outside reconcile since audit entry 1; nothing was written. Restore the "
        "database from a backup, or record it as it is now with `reconcile audit accept --reason TEXT`, then "
        "correct it\n")


def test_a_new_decision_replaces_a_decision_changed_outside_reconcile(desk):
    shelling(desk)
    ran(desk, "unlink", "1", "2")
    desk.execute("DELETE FROM pair_constraints")
    assert refused(desk, "run").startswith("Error: the decision on claims 1 and 2 was deleted outside reconcile")
    ran(desk, "unlink", "1", "2")
    intact(desk)
    ran(desk, "run")


def test_every_write_keeps_the_content_in_step_with_the_audit_trail(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    ids = {c["ref"]: c["id"] for c in desk.claims()}
    ran(desk, "link", str(ids["ill-001"]), str(ids["ill-004"]))
    ran(desk, "unlink", str(ids["ill-001"]), str(ids["ill-004"]))
    by_ref = {c["ref"]: e["id"] for e in events(desk) for c in e["claims"]}
    ran(desk, "merge", str(by_ref["ill-001"]), str(by_ref["ill-004"]))
    ran(desk, "split", str(by_ref["ill-001"]), "--claim", str(ids["ill-004"]), "--claim", str(ids["ill-005"]))
    ran(desk, "grade", str(by_ref["ill-001"]), "--status", "contested", "--reason", "why not")
    ran(desk, "grade", str(by_ref["ill-001"]), "--auto")
    ran(desk, "grade", str(by_ref["ill-003"]), "--status", "unverified", "--reason", "kept by hand")
    ran(desk, "sources", "add", "Valdorian General Staff", "--alias", "Valdorian GS")
    ran(desk, "sources", "add", "Newcomer", "--kind", "media")
    desk.write_jsonl("more.jsonl", [{"ref": "ill-001", "source": "Valdorian General Staff", "date": "2031-05-10",
                                     "place": "Avdiivka", "killed": 3},
                                    {"ref": "new-1", "source": "Unheard Of", "date": "2031-05-10"}])
    ran(desk, "import", "more.jsonl")
    ran(desk, "renormalise")
    ran(desk, "run")
    ran(desk, "run", "--full")
    assert intact(desk).startswith("Audit trail intact: ")
    # Every row the trail covers has one current hash, recorded by the entry the table names.
    counts = dict(desk.query("SELECT kind, count(*) FROM content_hashes GROUP BY kind"))
    assert counts == {"claim": desk.query("SELECT count(*) FROM claims")[0][0],
                      "source": desk.query("SELECT count(*) FROM sources")[0][0],
                      "decision": desk.query("SELECT count(*) FROM pair_constraints")[0][0],
                      "grade": 1}


def test_run_trusts_the_hash_table_so_a_forged_table_row_is_left_to_audit_verify(desk):
    from reconciler.content import hashes
    from reconciler.db import open_database

    shelling(desk)
    desk.execute("UPDATE claims SET source_id = 2 WHERE ref = 'b'")
    db = open_database(str(desk.db))
    with db.read() as session:
        [(_whole, forged)] = hashes(session, "claim", [2]).values()
    db.dispose()
    # Somebody who knows the tool also rewrites the run's hash of the claim: the run trusts the table...
    desk.execute("UPDATE content_hashes SET run_hash = ? WHERE kind = 'claim' AND row_id = 2", forged)
    ran(desk, "run")
    # ...but `audit verify` compares the claim with the trail itself.
    broken(desk, "claim 2 (ref b) was edited outside reconcile: its content no longer matches audit entry 3")


def test_audit_verify_names_a_run_hash_edited_in_the_table_and_a_run_writes_it_again(desk):
    shelling(desk)
    desk.execute("UPDATE content_hashes SET run_hash = ? WHERE kind = 'claim' AND row_id = 2", "0" * 64)
    broken(desk, "the content hash table's run hash of claim 2 (ref b) was edited outside reconcile: it no longer "
                 "matches the claim as audit entry 3 recorded it")
    # The run hash is a cache: the claim itself still matches its recorded hash, so it is intact.
    ran(desk, "run")
    intact(desk)


def test_a_run_hash_an_earlier_version_wrote_is_no_finding_and_a_run_writes_it_again(desk):
    import hashlib
    import marshal

    from reconciler.content import RUN_READS

    shelling(desk)
    [(short,)] = desk.query("SELECT run_hash FROM content_hashes WHERE kind = 'claim' AND row_id = 2")
    assert len(short) == 16   # 64 bits of BLAKE2b
    # As versions before wrote it: SHA-256 of the same values, 64 hex digits.
    [values] = desk.query(f"SELECT {', '.join(RUN_READS)} FROM claims WHERE id = 2")
    earlier = hashlib.sha256(marshal.dumps(tuple(values), 2)).hexdigest()
    desk.execute("UPDATE content_hashes SET run_hash = ? WHERE kind = 'claim' AND row_id = 2", earlier)
    intact(desk)
    ran(desk, "run")
    assert desk.query("SELECT run_hash FROM content_hashes WHERE kind = 'claim' AND row_id = 2") == [(short,)]
    # 64 hex digits that are not the earlier hash of the claim are an edit.
    desk.execute("UPDATE content_hashes SET run_hash = ? WHERE kind = 'claim' AND row_id = 2", earlier[::-1])
    broken(desk, "the content hash table's run hash of claim 2 (ref b) was edited outside reconcile: it no longer "
                 "matches the claim as audit entry 3 recorded it")


def test_audit_verify_names_a_content_hash_table_row_edited_outside_reconcile(desk):
    shelling(desk)
    desk.execute("UPDATE content_hashes SET hash = ? WHERE kind = 'source' AND row_id = 2", "0" * 64)
    broken(desk, "the content hash table's row for source 2 (Monitors) does not match audit entry 2: the table was "
                 "edited outside reconcile")


def migrate(desk, step, revision: str) -> None:
    """alembic's ``command.upgrade`` or ``command.downgrade`` on the desk's file, from code."""
    from sqlalchemy import create_engine

    from reconciler.schema import alembic_config

    engine = create_engine(f"sqlite:///{desk.db}")
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)
    finally:
        engine.dispose()


CONTENT_HASHES = "0008"   # the revision that adds content hashes


def as_before_content_hashes(desk) -> None:
    """The database as the previous version left it: the revision before CONTENT_HASHES,
    entries hashed without content."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from reconciler.schema import alembic_config

    from reconciler.audit import GENESIS, entry_hash

    migrate(desk, command.downgrade, ScriptDirectory.from_config(alembic_config()).get_revision(CONTENT_HASHES)
            .down_revision)
    con = sqlite3.connect(desk.db)
    prev = GENESIS
    for seq, at, user, action, otype, oid, ev, before, after in con.execute(
            "SELECT seq, at, user, action, object_type, object_id, events, before, after FROM audit_log "
            "ORDER BY seq").fetchall():
        digest = entry_hash(seq, at, user, action, otype, oid, json.loads(ev), json.loads(before) if before else None,
                            json.loads(after) if after else None, prev)
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest
    con.commit()
    con.close()


def test_init_after_an_upgrade_records_a_baseline_and_names_edits_made_after_it(desk):
    shelling(desk)
    as_before_content_hashes(desk)
    # Made before the upgrade: the baseline takes it as it is (the README says so).
    desk.execute("UPDATE claims SET killed_text = '1', killed_low = 1, killed_high = 1 WHERE ref = 'a'")
    result = ran(desk, "init")
    assert result.stdout.endswith(
        "Recorded the content hashes of the claims, sources and decisions stored before in audit entry 5: from now "
        "on `reconcile audit verify` names any row changed outside reconcile (changes made before cannot be "
        "detected).\n")
    [(after,)] = desk.query("SELECT after FROM audit_log WHERE seq = 5 AND action = 'baseline'")
    assert json.loads(after) == {"claims": 2, "sources": 2, "decisions": 0, "grades": 0, "places": 0, "note": (
        "content hashes of the rows stored before this version; changes made to them before this entry cannot be "
        "detected")}
    assert intact(desk).startswith("Audit trail intact: 5 entries, head 5; content of 2 claims")
    from alembic.script import ScriptDirectory

    from reconciler.schema import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert ran(desk, "init").stdout == f"desk.sqlite is up to date (schema {head})\n"   # once only
    desk.execute("UPDATE claims SET killed_low = 3 WHERE ref = 'b'")
    broken(desk, "claim 2 (ref b) was edited outside reconcile: its content no longer matches audit entry 5")


def test_init_after_an_upgrade_records_a_baseline_of_source_distinctions(desk):
    distinct(desk)
    as_before_content_hashes(desk)
    assert "in audit entry 6:" in ran(desk, "init").stdout
    desk.execute("DELETE FROM source_distinctions")
    broken(desk, f"source 3 ({LOOKALIKE}) was edited outside reconcile: its content no longer matches audit entry 6")


def test_init_after_an_upgrade_records_a_baseline_of_a_desk_holding_only_places(desk):
    ran(desk, "init")
    as_before_content_hashes(desk)
    desk.execute("INSERT INTO places (origin, name, lat, lon, population, created_by, created_at) "
                 "VALUES ('desk', 'Checkpoint 7', 48.141, 37.752, 0, 'eve', '2026-01-01 00:00:00')")
    assert ran(desk, "init").stdout.endswith("(changes made before cannot be detected).\n")
    [(seq, after)] = desk.query("SELECT seq, after FROM audit_log WHERE action = 'baseline'")
    assert seq == 1 and {k: v for k, v in json.loads(after).items() if k != "note"} == {
        "claims": 0, "sources": 0, "decisions": 0, "grades": 0, "places": 1}
    desk.execute("UPDATE places SET lat = 48.3")
    broken(desk, "place 1 (Checkpoint 7) was edited outside reconcile: its content no longer matches audit entry 1")


def test_first_write_after_an_upgrade_without_init_records_the_baseline_first(desk):
    from alembic import command

    shelling(desk)
    as_before_content_hashes(desk)
    migrate(desk, command.upgrade, "head")   # with alembic itself, not `reconcile init`
    assert intact(desk) == ("Audit trail intact: 4 entries, head 4; content not recorded yet (the first write after "
                            "the upgrade records it)\n")
    ran(desk, "sources", "add", "Observers", "--kind", "ngo")
    assert desk.query("SELECT seq, action FROM audit_log WHERE seq > 4 ORDER BY seq") == [(5, "baseline"),
                                                                                           (6, "source")]
    assert intact(desk).startswith("Audit trail intact: 6 entries, head 6; content of 2 claims, 3 sources")


# Tables a run reads that its check leaves alone: what runs derive and the trail itself (docs/audit-content.md).
DERIVED = {"events", "claim_links", "review_pairs", "strong_links", "event_lineage", "runs", "run_lease", "audit_log", "content_hashes"}
# Bookkeeping a run reads and writes but grades nothing from: which claims to match (reconciler.marks),
# and which to check (unchecked_claims, and its triggers in sqlite_master: reconciler.content.ChangeLog).
BOOKKEEPING = {"claim_marks", "unchecked_claims", "sqlite_master"}


def test_content_run_reads_cover_every_claim_column_and_table_a_run_reads(desk):
    # A run checks only RUN_READS of each claim and the kinds' tables: a column or table that
    # matching or grading starts to read must be added there, or a run would grade from it unchecked.
    import re

    from sqlalchemy import event

    from reconciler.config import Config
    from reconciler.content import KINDS, RUN_READS
    from reconciler.db import open_database
    from reconciler.runs import reconcile

    shelling(desk)
    desk.execute("INSERT INTO claim_marks (claim_id, version) SELECT id, version FROM claims")
    db = open_database(str(desk.db))
    statements: list[str] = []
    # SQLite's own trace of every statement a connection runs: also those through the driver's
    # cursor, which SQLAlchemy's events do not see (the loader's, reconciler.features).
    for engine in (db.reader, db.writer):
        event.listen(engine, "checkout", lambda dbapi_connection, *_: dbapi_connection.set_trace_callback(
            statements.append))
    with db.write() as session:
        reconcile(session, "tester", Config(), full=True)
    with db.write() as session:
        reconcile(session, "tester", Config())   # incremental: the two claims marked again above
    db.dispose()
    # Columns named through the table, or through its alias where a statement reads "FROM claims c".
    columns = {name for sql in statements for name in re.findall(r'\bclaims\."?(\w+)', sql)}
    columns |= {name for sql in statements if re.search(r'\bFROM claims c\b', sql)
                for name in re.findall(r'\bc\."?(\w+)', sql)}
    assert {"text", "place_candidates", "note"} <= columns   # the listener saw the run's reads
    assert columns - {"id", "version"} <= set(RUN_READS)
    tables = {name for sql in statements for name in re.findall(r'\b(?:FROM|JOIN|INTO|UPDATE) "?(\w+)', sql)}
    checked = {k.table for k in KINDS} | {c.table for k in KINDS[1:] for c in k.children}
    # Relays only name relays in an unverified grade's reason: `audit verify` checks them, a run does not.
    assert {"claim_marks", "unchecked_claims"} <= tables   # the listener saw the marks and the log read and cleared
    assert tables - DERIVED - BOOKKEEPING - {"claim_relays"} <= checked, tables - DERIVED - checked


LOOKALIKE = "\u13b7onitors"   # CHEROKEE LETTER LU for the M: looks like Monitors


def distinct(desk) -> None:
    """The shelling desk and a source a person said differs from its look-alike Monitors (entry 5)."""
    shelling(desk)
    ran(desk, "sources", "add", LOOKALIKE, "--kind", "media", "--distinct-from", "Monitors")
    assert desk.query("SELECT source_id, other_id, created_by FROM source_distinctions") == [(3, 2, "tester")]


@pytest.mark.parametrize("sql, source, seq", [
    ("UPDATE source_distinctions SET other_id = 1", f"source 3 ({LOOKALIKE})", 5),
    ("UPDATE source_distinctions SET created_by = 'the editor'", f"source 3 ({LOOKALIKE})", 5),
    ("DELETE FROM source_distinctions", f"source 3 ({LOOKALIKE})", 5),
    ("INSERT INTO source_distinctions (source_id, other_id, created_by, created_at) "
     "VALUES (1, 2, 'eve', '2026-01-01 00:00:00')", "source 1 (Army)", 1),
], ids=["other source", "who", "deleted", "inserted"])
def test_audit_verify_names_a_source_whose_distinctions_were_edited_outside_reconcile(desk, sql, source, seq):
    distinct(desk)
    intact(desk)
    desk.execute(sql)
    broken(desk, f"{source} was edited outside reconcile: its content no longer matches audit entry {seq}")
    assert refused(desk, "run") == (
        f"Error: {source} was changed outside reconcile since audit entry {seq}; nothing was graded. Restore the "
        "database from a backup, or record it as it is now with `reconcile audit accept --reason TEXT`, then run "
        "again\n")


LANDMARKS = ("name,aliases,lat,lon,region\n"
             "Checkpoint 7,КПП-7,48.141,37.752,Donetsk oblast\n"
             "Stepove crossroads,,48.2,37.6,Donetsk oblast\n")


def gazetteer(desk) -> None:
    """The shelling desk and two places of the desk's own gazetteer (entry 5, `places import`)."""
    shelling(desk)
    assert ran(desk, "places", "import", desk.write("landmarks.csv", LANDMARKS)).stdout.startswith(
        "landmarks.csv: added 2, updated 0, already stored 0\n")
    [(content,)] = desk.query("SELECT content FROM audit_log WHERE seq = 5 AND action = 'places import'")
    assert list(json.loads(content)["place"]) == ["1", "2"]


EDITED = "was edited outside reconcile: its content no longer matches audit entry 5"


EDITED_PLACE = ("was changed outside reconcile since audit entry 5", "Import its file again (`reconcile places "
                "import FILE`), restore the database from a backup, or record it as it is now with `reconcile audit "
                "accept --reason TEXT`")
RESTORE = "Restore the database from a backup, or record it as it is now with `reconcile audit accept --reason TEXT`"


@pytest.mark.parametrize("sql, line, refusal, remedy", [
    ("UPDATE places SET lat = 48.3 WHERE id = 1", f"place 1 (Checkpoint 7) {EDITED}",
     f"place 1 (Checkpoint 7) {EDITED_PLACE[0]}", EDITED_PLACE[1]),
    ("UPDATE place_names SET name = 'KPP-7' WHERE name = 'КПП-7'", f"place 1 (Checkpoint 7) {EDITED}",
     f"place 1 (Checkpoint 7) {EDITED_PLACE[0]}", EDITED_PLACE[1]),
    ("INSERT INTO place_names (place_id, name, name_key) VALUES (2, 'Avdiivka', 'avdiivka')",
     f"place 2 (Stepove crossroads) {EDITED}", f"place 2 (Stepove crossroads) {EDITED_PLACE[0]}", EDITED_PLACE[1]),
    ("DELETE FROM places WHERE id = 2", "place 2 was deleted outside reconcile: audit entry 5 recorded it",
     "place 2 was deleted outside reconcile since audit entry 5", RESTORE),
    ("INSERT INTO places (origin, name, lat, lon, population, created_by, created_at) "
     "VALUES ('desk', 'Bakhmut', 48.6, 38.0, 0, 'eve', '2026-01-01 00:00:00')",
     "place 3 (Bakhmut) was inserted outside reconcile: no audit entry records it",
     "place 3 (Bakhmut) was inserted outside reconcile (no audit entry records it)", RESTORE),
], ids=["place", "name", "name added", "deleted", "inserted"])
def test_audit_verify_names_and_run_refuses_a_place_of_the_desks_gazetteer_changed_outside_reconcile(
        desk, sql, line, refusal, remedy):
    gazetteer(desk)
    assert intact(desk).startswith("Audit trail intact: 5 entries, head 5; content of 2 claims, 2 sources, "
                                   "0 decisions, 0 manual grades and 2 places matches it")
    desk.execute(sql)
    broken(desk, line)
    assert refused(desk, "run") == f"Error: {refusal}; nothing was graded. {remedy}, then run again\n"
    ran(desk, "audit", "accept", "--reason", "the desk's gazetteer corrected in sqlite3")
    intact(desk)
    ran(desk, "run")


def test_places_import_of_the_same_file_restores_a_place_edited_outside_reconcile(desk):
    gazetteer(desk)
    desk.execute("UPDATE places SET lat = 47.0 WHERE id = 1")
    desk.execute("DELETE FROM place_names WHERE name = 'КПП-7'")
    assert ran(desk, "places", "import", "landmarks.csv").stdout.startswith(
        "landmarks.csv: added 0, updated 1, already stored 1\n")
    assert desk.query("SELECT lat FROM places WHERE id = 1") == [(48.141,)]
    assert intact(desk).startswith("Audit trail intact: 6 entries, head 6;")
    ran(desk, "run")



@pytest.mark.parametrize("workers", WORKERS)
def test_run_refuses_a_claim_inserted_outside_reconcile(desk, workers):
    shelling(desk)
    desk.execute(FORGED_CLAIM)
    before = desk.dump()
    assert refused(desk, "run", "--workers", workers) == (
        "Error: claim 3 (ref c) was inserted outside reconcile (no audit entry records it); nothing was graded. "
        "Restore the database from a "
        "backup, or record it as it is now with `reconcile audit accept --reason TEXT`, then run again\n")
    assert desk.dump() == before


def _run_check(desk, workers: int, write_first: bool = False, journal_mode: str = "wal", every_claim: bool = True):
    """A RunCheck made as a run makes it, in a write transaction of the desk's file: whether it
    checked beside the run, and what it found (None: nothing). With ``every_claim``, the log of
    claims to check asks for every claim first (as after the upgrade that made it)."""
    from reconciler import content
    from reconciler.db import open_database
    from reconciler.errors import ContentChanged
    from reconciler.features import load_features
    from reconciler.models import Run, utcnow
    from reconciler.sources import SourceIndex

    if every_claim:
        desk.execute(f"INSERT OR IGNORE INTO unchecked_claims (claim_id) VALUES ({content.EVERY_CLAIM})")
    db = open_database(str(desk.db), journal_mode=journal_mode)
    try:
        with db.write() as session:
            if write_first:
                session.add(Run(user="t", started_at=utcnow(), full=False, config={}, counts={}))
                session.flush()
            check = content.RunCheck(session, "t", workers)
            beside = check.beside is not None
            try:
                load_features(session, SourceIndex.load(session), check=check)   # as a run reads the claims
                check.finish()
            except ContentChanged as exc:
                return beside, str(exc)
            finally:
                check.close()
                session.rollback()
            return beside, None
    finally:
        db.dispose()


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_claims_are_checked_beside_the_run_only_where_that_sees_what_the_run_sees(desk, monkeypatch):
    shelling(desk)
    # Two workers, a write transaction that has written nothing: the process beside checks.
    assert _run_check(desk, 2) == (True, None)
    # Fewer claims than BESIDE_MIN (the desk holds 2): forking would cost more than it saves.
    monkeypatch.setattr("reconciler.content.BESIDE_MIN", 3)
    assert _run_check(desk, 2) == (False, None)
    monkeypatch.setattr("reconciler.content.BESIDE_MIN", 2)
    assert _run_check(desk, 2) == (True, None)
    # One worker, or a transaction that has written a row (a second connection would not see
    # it): the claims are checked in this process.
    assert _run_check(desk, 1) == (False, None)
    assert _run_check(desk, 2, write_first=True) == (False, None)
    # A rollback journal (a reader could be locked out by the writer): checked here too.
    assert _run_check(desk, 2, journal_mode="delete") == (False, None)
    assert desk.query("PRAGMA journal_mode") == [("delete",)]


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_an_edit_is_found_alike_beside_the_run_and_in_it(desk):
    shelling(desk)
    desk.execute("UPDATE claims SET killed_low = 1 WHERE ref = 'a'")
    found = [_run_check(desk, workers) for workers in (2, 1)]
    assert [beside for beside, _ in found] == [True, False]
    assert found[0][1] == found[1][1]
    assert found[0][1].startswith("claim 1 (ref a) was changed outside reconcile since audit entry 3")


def _killed():
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_a_check_beside_the_run_whose_process_is_killed_is_done_again_in_it(desk, monkeypatch):
    # Regression: a process killed before it answered (out of memory, SIGKILL) left the run
    # waiting for its result for ever, holding the write lock.
    shelling(desk)
    desk.execute("UPDATE claims SET killed_low = 1 WHERE ref = 'a'")
    monkeypatch.setattr("reconciler.content._check_beside", _killed)
    beside, message = _run_check(desk, 2)
    assert beside is True
    assert message.startswith("claim 1 (ref a) was changed outside reconcile since audit entry 3")


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_a_failed_check_beside_the_run_is_done_again_in_it(desk, monkeypatch):
    shelling(desk)
    desk.execute("UPDATE claims SET killed_low = 1 WHERE ref = 'a'")

    def fails():
        raise OSError("the process beside could not read the file")

    monkeypatch.setattr("reconciler.content._check_beside", fails)
    beside, message = _run_check(desk, 2)
    assert beside is True
    assert message.startswith("claim 1 (ref a) was changed outside reconcile since audit entry 3")


# --- the log of claims written since a run last checked them (unchecked_claims, SQLite) ---

def _listed(desk) -> list[int]:
    return [row[0] for row in desk.query("SELECT claim_id FROM unchecked_claims ORDER BY claim_id")]


def _triggers(desk) -> list[str]:
    return [row[0] for row in desk.query("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]


def test_a_run_empties_the_log_and_an_import_lists_the_claims_it_wrote(desk):
    from reconciler.content import CHANGE_TRIGGERS

    ran(desk, "init")
    assert _listed(desk) == [0]   # a new store: the first run checks every claim
    assert _triggers(desk) == sorted(CHANGE_TRIGGERS)
    shelling(desk)   # sources, claims 1 and 2, a run
    assert _listed(desk) == []
    desk.write_jsonl("more.jsonl", [CLAIMS[0] | {"ref": "c", "killed": "3"}])
    ran(desk, "import", "more.jsonl")
    assert _listed(desk) == [3]
    # Only claim 3 is checked: with two workers and every claim not to be read, nobody checks beside.
    assert _run_check(desk, 2, every_claim=False) == (False, None)
    ran(desk, "run")
    assert _listed(desk) == []


@pytest.mark.parametrize("edit, claim, refusal", [
    ("UPDATE claims SET killed_low = 1 WHERE ref = 'a'", 1,
     "Error: claim 1 (ref a) was changed outside reconcile since audit entry 3"),
    ("DELETE FROM claims WHERE ref = 'b'", 2, "Error: claim 2 was deleted outside reconcile since audit entry 3"),
    # The table of hashes is listed too: a claim whose hash is gone reads as one nobody recorded.
    ("DELETE FROM content_hashes WHERE kind = 'claim' AND row_id = 1", 1,
     "Error: claim 1 (ref a) was inserted outside reconcile (no audit entry records it)"),
])
def test_an_edit_outside_reconcile_is_listed_and_the_run_refuses_it(desk, edit, claim, refusal):
    shelling(desk)
    desk.execute(edit)   # another program: the triggers list the claim all the same
    assert _listed(desk) == [claim]
    before = desk.dump()
    assert refused(desk, "run").startswith(refusal)
    assert desk.dump() == before   # the list too: the next run refuses again


def test_a_dropped_trigger_makes_the_run_check_every_claim_and_make_it_again(desk):
    from reconciler.content import CHANGE_TRIGGERS

    shelling(desk)
    desk.execute("DROP TRIGGER unchecked_claims_update")
    desk.execute("UPDATE claims SET killed_low = 1 WHERE ref = 'b'")
    assert _listed(desk) == []   # nothing listed it
    assert refused(desk, "run").startswith("Error: claim 2 (ref b) was changed outside reconcile")
    desk.execute("UPDATE claims SET killed_low = 5 WHERE ref = 'b'")   # put back as it was
    ran(desk, "run")
    assert _triggers(desk) == sorted(CHANGE_TRIGGERS) and _listed(desk) == []
    desk.execute("UPDATE claims SET killed_low = 1 WHERE ref = 'b'")
    assert _listed(desk) == [2]


def test_another_trigger_beside_the_log_makes_every_run_check_every_claim(desk):
    # A trigger that empties the list as it is written would hide every edit from a run that
    # trusted it: with any trigger but the log's own, every claim is checked, every run.
    shelling(desk)
    desk.execute("CREATE TRIGGER forget AFTER INSERT ON unchecked_claims BEGIN DELETE FROM unchecked_claims; END")
    desk.execute("UPDATE claims SET killed_low = 1 WHERE ref = 'a'")
    assert _listed(desk) == []
    assert refused(desk, "run").startswith("Error: claim 1 (ref a) was changed outside reconcile")
    desk.execute("UPDATE claims SET killed_low = 2 WHERE ref = 'a'")
    ran(desk, "run")
    assert "forget" in _triggers(desk)   # left for a person to look at
    desk.execute("UPDATE claims SET killed_low = 1 WHERE ref = 'a'")
    assert refused(desk, "run").startswith("Error: claim 1 (ref a) was changed outside reconcile")


def test_a_store_upgraded_to_the_log_checks_every_claim_at_its_first_run(desk):
    # An edit made before the upgrade made the triggers is listed nowhere: the upgrade asks the
    # first run to check every claim, which finds it.
    from alembic import command

    from reconciler.content import CHANGE_TRIGGERS

    shelling(desk)
    migrate(desk, command.downgrade, "0015")
    assert _triggers(desk) == [] and not desk.query("SELECT name FROM sqlite_master WHERE name = 'unchecked_claims'")
    desk.execute("UPDATE claims SET killed_low = 1 WHERE ref = 'a'")
    migrate(desk, command.upgrade, "head")
    assert _listed(desk) == [0] and _triggers(desk) == sorted(CHANGE_TRIGGERS)
    assert refused(desk, "run").startswith("Error: claim 1 (ref a) was changed outside reconcile")
    desk.execute("UPDATE claims SET killed_low = 2 WHERE ref = 'a'")
    ran(desk, "run")
    assert _listed(desk) == []


def _blob_edit(desk, claim_id: int, column: str, value: bytes) -> None:
    """Overwrite a stored text in place through SQLite's BLOB API (same length), which fires no trigger."""
    con = sqlite3.connect(desk.db)
    try:
        with con.blobopen("claims", column, claim_id) as blob:
            blob.write(value)
        con.commit()
    finally:
        con.close()


def test_an_edit_no_trigger_sees_passes_an_incremental_run_and_run_full_refuses_it(desk):
    # A limit (docs/audit-content.md): writing through SQLite's BLOB API fires no trigger, so the
    # claim is not listed. `run --full` checks every claim whatever the list says.
    shelling(desk)
    _blob_edit(desk, 2, "killed_text", b"9")
    assert desk.query("SELECT killed_text FROM claims WHERE id = 2") == [("9",)] and _listed(desk) == []
    ran(desk, "run")
    assert refused(desk, "run", "--full").startswith("Error: claim 2 (ref b) was changed outside reconcile")


def test_the_list_asks_for_every_claim_whatever_other_ids_it_holds(desk):
    # Claim 0 asks for every claim even beside a negative id (moved there and back by another
    # program), which sorts before it.
    shelling(desk)
    _blob_edit(desk, 2, "killed_text", b"9")   # listed nowhere
    desk.execute("INSERT INTO unchecked_claims (claim_id) VALUES (-2), (0)")
    assert refused(desk, "run").startswith("Error: claim 2 (ref b) was changed outside reconcile")


def test_a_claim_sqlite_replaced_is_named_once_the_claim_in_its_place_is_restored(desk):
    # INSERT OR REPLACE deletes claim 2 (its ref is taken) without a trigger and inserts claim 3.
    # The run names claim 3 (listed); once the file restores it, claims and recorded hashes no
    # longer count alike, and the run checks every claim and names claim 2.
    shelling(desk)
    columns = ", ".join(row[1] for row in desk.query("PRAGMA table_info(claims)") if row[1] != "id")
    desk.execute(f"INSERT OR REPLACE INTO claims ({columns}) SELECT {columns} FROM claims WHERE id = 2")
    assert desk.query("SELECT id, ref FROM claims ORDER BY id") == [(1, "a"), (3, "b")] and _listed(desk) == [3]
    assert refused(desk, "run").startswith("Error: claim 3 (ref b) was inserted outside reconcile")
    ran(desk, "import", "claims.jsonl")   # restores claim 3 as the file gives it
    assert refused(desk, "run").startswith("Error: claim 2 was deleted outside reconcile since audit entry 3")


def test_an_import_looks_up_every_recorded_claim_only_where_the_log_cannot_say_none_is_deleted(desk):
    # content.deleted_claims: where the log lists particular claims, as many claims are stored as
    # claims' hashes recorded, and no listed claim lacks a hash, no claim is deleted and the
    # look-up of every recorded claim's row is spared; otherwise it runs, and finds what it finds.
    from sqlalchemy import event

    from reconciler import content
    from reconciler.db import open_database

    def deleted() -> tuple[dict[str, int], bool]:
        """What deleted_claims finds, and whether it looked up every recorded claim."""
        db = open_database(str(desk.db))
        statements: list[str] = []
        event.listen(db.writer, "before_cursor_execute",
                     lambda conn, cursor, sql, *args: statements.append(sql))
        try:
            with db.write() as session:
                found = content.deleted_claims(session)
                session.rollback()
        finally:
            db.dispose()
        return found, any("NOT EXISTS (SELECT 1 FROM claims c" in sql for sql in statements)

    shelling(desk)
    assert _listed(desk) == [] and deleted() == ({}, False)
    desk.write_jsonl("more.jsonl", [CLAIMS[0] | {"ref": "c", "killed": "3"}])
    ran(desk, "import", "more.jsonl")   # listed, with its hash recorded
    hash_of = dict(desk.query("SELECT row_id, hash FROM content_hashes WHERE kind = 'claim'"))
    assert _listed(desk) == [3] and deleted() == ({}, False)
    # Deleted: fewer claims than hashes, so the log asks for every claim.
    desk.execute("DELETE FROM claims WHERE ref = 'c'")
    assert deleted() == ({hash_of[3]: 3}, True)
    ran(desk, "import", "more.jsonl")   # restored under its id
    ran(desk, "run")
    assert _listed(desk) == [] and deleted() == ({}, False)
    # Replaced by SQLite (claim 2's ref taken by a new row): as many claims as hashes, but the new
    # claim, listed, has none; every recorded claim is looked up, and claim 2 found.
    columns = ", ".join(row[1] for row in desk.query("PRAGMA table_info(claims)") if row[1] != "id")
    desk.execute(f"INSERT OR REPLACE INTO claims ({columns}) SELECT {columns} FROM claims WHERE id = 2")
    assert desk.query("SELECT id FROM claims ORDER BY id") == [(1,), (3,), (4,)] and _listed(desk) == [4]
    assert deleted() == ({hash_of[2]: 2}, True)
