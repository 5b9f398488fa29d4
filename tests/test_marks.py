"""The claims the next run must match (claim_marks, reconciler.marks): who marks them, at which
version, and a run clearing them without writing the claims themselves."""

from __future__ import annotations

from sqlalchemy import event

from conftest import Desk
from reconciler import marks
from reconciler.config import Config
from reconciler.db import open_database
from reconciler.runs import reconcile

MARKED = "SELECT c.ref, m.version FROM claim_marks m JOIN claims c ON c.id = m.claim_id ORDER BY c.ref"

A = {"ref": "a", "source": "Army", "date": "2021-04-06", "place": "Avdiivka", "type": "shelling", "killed": 2}
B = {"ref": "b", "source": "Interfax", "date": "2021-04-06", "place": "Avdiivka", "type": "shelling", "killed": 2}


def _imported(desk: Desk, *rows: dict) -> None:
    result = desk("import", desk.write_jsonl("claims.jsonl", list(rows)))
    assert result.exit_code == 0, result.output


def test_an_import_marks_its_new_claims_and_a_run_clears_them_without_writing_a_claim(registered: Desk) -> None:
    _imported(registered, A, B)
    assert registered.query(MARKED) == [("a", 1), ("b", 1)]
    claims_before = registered.query("SELECT * FROM claims ORDER BY id")
    statements: list[str] = []
    db = open_database(str(registered.db))
    # SQLite's own trace of every statement (also those through the driver's cursor).
    event.listen(db.writer, "checkout", lambda dbapi_connection, *_: dbapi_connection.set_trace_callback(
        statements.append))
    with db.write() as session:
        reconcile(session, "tester", Config())
    db.dispose()
    assert registered.query(MARKED) == []
    assert any(sql.startswith("DELETE FROM claim_marks") for sql in statements)
    assert not [sql for sql in statements if sql.startswith("UPDATE claims")]
    assert registered.query("SELECT * FROM claims ORDER BY id") == claims_before


def test_a_correction_marks_its_claim_at_the_new_version_and_an_older_clear_leaves_it(registered: Desk) -> None:
    _imported(registered, A, B)
    assert registered("run").exit_code == 0
    _imported(registered, A | {"killed": 3})
    assert registered.query(MARKED) == [("a", 2)]
    db = open_database(str(registered.db))
    with db.write() as session:
        (claim_a,) = [i for (i,) in session.connection().exec_driver_sql("SELECT id FROM claims WHERE ref = 'a'")]
        marks.clear(session, {claim_a: 1})   # a run that read the claim before the correction
        assert marks.marked(session, [claim_a, claim_a + 1]) == {claim_a}
        marks.clear(session, {claim_a: 2})
        assert marks.marked(session, [claim_a]) == set()
    db.dispose()


def test_a_source_edited_marks_the_claims_it_made(registered: Desk) -> None:
    _imported(registered, A, B)
    assert registered("run").exit_code == 0
    assert registered.query(MARKED) == []
    # Army is an alias of the Armed Forces of Ukraine: a new side changes whose word its claims are.
    result = registered("sources", "add", "Armed Forces of Ukraine", "--side", "Russia")
    assert result.exit_code == 0, result.output
    assert registered.query(MARKED) == [("a", 2)]


def test_accepting_a_draft_marks_it(registered: Desk) -> None:
    draft = A | {"draft": {"rules": {"source": "the army said"}}}
    _imported(registered, draft, B)
    assert registered("run").exit_code == 0
    (claim_a,) = [i for (i,) in registered.query("SELECT id FROM claims WHERE ref = 'a'")]
    assert registered("accept", str(claim_a)).exit_code == 0
    # Accepting re-grades the events holding it at once (a run scoped to it), which leaves it
    # marked: the next run still looks at its neighbours without a place.
    assert registered.query(MARKED) == [("a", 2)]
    assert registered("run").exit_code == 0
    assert registered.query(MARKED) == []


def test_the_migration_moves_the_marks_down_and_up_again(registered: Desk) -> None:
    from test_schema import HEAD, SCRIPTS, downgrade

    _imported(registered, A, B)
    assert registered("run").exit_code == 0
    _imported(registered, A | {"killed": 3})
    downgrade(registered, SCRIPTS.get_revision("0011").down_revision)
    assert registered.query("SELECT ref, needs_match, version FROM claims ORDER BY ref") == [("a", 1, 2), ("b", 0, 1)]
    assert "claim_marks" not in {n for (n,) in registered.query("SELECT name FROM sqlite_master")}
    result = registered("init")
    assert result.stdout.startswith(f"Upgraded desk.sqlite from schema 0010 to {HEAD}"), result.output
    assert registered.query(MARKED) == [("a", 2)]
    assert "needs_match" not in {name for _i, name, *_ in registered.query("PRAGMA table_info(claims)")}
    assert registered("audit", "verify").exit_code == 0


def test_a_mark_left_by_a_claim_deleted_outside_reconcile_does_not_stop_an_import(registered: Desk) -> None:
    b_relayed = B | {"via": ["dpa"]}
    _imported(registered, A, b_relayed)
    # Another program, foreign keys off (sqlite3's default): the claim goes, its mark stays.
    registered.execute("DELETE FROM claims WHERE ref = 'b'")
    assert registered.query("SELECT claim_id FROM claim_marks ORDER BY claim_id") == [(1,), (2,)]
    # The next claim takes the id the deleted one had (SQLite gives the largest id plus one).
    c = B | {"ref": "c", "killed": 4}
    result = registered("import", registered.write_jsonl("more.jsonl", [c]))
    assert (result.exit_code, result.stdout) == (0, "more.jsonl: added 1, updated 0, already stored 0\n")
    assert registered.query(MARKED) == [("a", 1), ("c", 1)]
    # The deleted claim given again takes its own id back (reconciler.content), marked again.
    # Its relay, left behind too, does not stop it either.
    result = registered("import", registered.write_jsonl("again.jsonl", [b_relayed]))
    assert result.exit_code == 0, result.output
    assert registered.query(MARKED) == [("a", 1), ("b", 1), ("c", 1)]
    assert registered.query("SELECT c.ref, r.source_text FROM claim_relays r JOIN claims c ON c.id = r.claim_id "
                            "ORDER BY c.ref") == [("b", "dpa")]
    assert registered("audit", "verify").exit_code == 0


def test_a_claim_deleted_outside_reconcile_with_its_relay_left_behind_is_restored(registered: Desk) -> None:
    b_relayed = B | {"via": ["dpa"]}
    _imported(registered, A, b_relayed)
    registered.execute("DELETE FROM claims WHERE ref = 'b'")   # foreign keys off: relay and mark stay
    assert registered.query("SELECT count(*) FROM claim_relays") == [(1,)]
    result = registered("import", registered.write_jsonl("again.jsonl", [b_relayed]))
    assert result.exit_code == 0, result.output
    assert registered.query("SELECT id, ref FROM claims ORDER BY id") == [(1, "a"), (2, "b")]
    assert registered.query("SELECT claim_id, source_text FROM claim_relays") == [(2, "dpa")]
    assert registered.query(MARKED) == [("a", 1), ("b", 1)]
    assert registered("audit", "verify").exit_code == 0


def test_a_mark_never_goes_back_to_an_older_version(registered: Desk) -> None:
    # A writer that read the claim before another raised it must not put the older version back
    # (on PostgreSQL it waits for the other's lock on the mark, then finds it newer).
    _imported(registered, A)
    registered.execute("UPDATE claim_marks SET version = 5")   # as another writer left it
    db = open_database(str(registered.db))
    with db.write() as session:
        marks.mark(session, [1])   # the claim is at version 1
    db.dispose()
    assert registered.query(MARKED) == [("a", 5)]
