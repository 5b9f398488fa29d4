"""Migrations: an empty database upgraded to head matches the models; mismatches are refused."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from conftest import DB_NAME, Desk
from reconciler import schema
from reconciler.db import open_database
from reconciler.models import Base
from reconciler.schema import alembic_config

SCRIPTS = ScriptDirectory.from_config(alembic_config())
HEAD = SCRIPTS.get_current_head()
# Oldest first.
REVISIONS = [script.revision for script in reversed(list(SCRIPTS.walk_revisions()))]


def set_revision(desk: Desk, revision: str) -> None:
    con = sqlite3.connect(desk.db)
    with con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.close()


def downgrade(desk: Desk, revision: str) -> None:
    """Take the desk's database down to ``revision``, as alembic does, in one transaction of the
    tool's own engine as ``schema.upgrade`` goes up (it begins the transaction itself, so that
    SQLite's DDL is part of it: a step that refuses takes back the steps before it)."""
    db = open_database(str(desk.db))
    try:
        cfg = alembic_config()
        with db.writer.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        db.dispose()


def every_command(desk: Desk) -> list[list[str]]:
    """One invocation of each command that opens the database, with valid input files."""
    claims = desk.write_jsonl("claims.jsonl", [{"source": "dpa", "date": "2021-04-06"}])
    sources = desk.write("sources.yaml", "- name: dpa\n  kind: media\n")
    return [["init"], ["claims"], ["claims", "--json"], ["sources", "list"], ["sources", "add", "dpa"],
            ["sources", "import", sources], ["import", claims], ["import", "--dry-run", claims]]


def test_the_head_every_command_checks_against_is_alembics(desk: Desk) -> None:
    # schema.HEAD spares each command alembic's import; a migration added without it would
    # make every command refuse a database at the new head as "older".
    assert schema.HEAD == HEAD == REVISIONS[-1]
    assert "alembic" not in subprocess.run(
        [sys.executable, "-c", "import sys, cli.main; print(sorted(m for m in sys.modules if m.startswith('alembic')))"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent).stdout


def test_init_creates_an_empty_database_at_head(desk: Desk) -> None:
    result = desk("init")
    assert (result.exit_code, result.stdout) == (0, f"Created {DB_NAME} (schema {HEAD})\n")
    assert desk.query("SELECT version_num FROM alembic_version") == [(HEAD,)]
    again = desk("init")
    assert (again.exit_code, again.stdout) == (0, f"{DB_NAME} is up to date (schema {HEAD})\n")


def test_migrations_head_matches_models(desk: Desk) -> None:
    desk("init")
    engine = create_engine(f"sqlite:///{desk.db}")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_migrations_upgrade_one_revision_at_a_time(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'steps.sqlite'}")
    try:
        for revision in REVISIONS:
            cfg = alembic_config()
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            with engine.connect() as conn:
                assert MigrationContext.configure(conn).get_current_revision() == revision
    finally:
        engine.dispose()


def test_every_command_refuses_a_database_of_a_newer_version(desk: Desk) -> None:
    desk("init")
    set_revision(desk, "ffff_future")
    before = desk.dump()
    for args in every_command(desk):
        result = desk(*args)
        assert (args, result.exit_code, result.stderr) == (args, 3, (
            f"Error: {DB_NAME} was made by a newer version of reconcile (schema revision ffff_future); "
            "upgrade reconcile to use it\n"))
    assert desk.dump() == before


@pytest.mark.skipif(len(REVISIONS) < 2, reason="only one revision: no older schema exists yet")
def test_every_command_but_init_refuses_an_older_schema(desk: Desk) -> None:
    desk("init")
    set_revision(desk, REVISIONS[0])
    for args in every_command(desk)[1:]:
        result = desk(*args)
        assert (args, result.exit_code, result.stderr) == (args, 3, (
            f"Error: {DB_NAME} has an older schema (revision {REVISIONS[0]}, latest {HEAD}); "
            "run `reconcile init` to upgrade it\n"))


def table_columns(desk: Desk) -> dict[str, list[str]]:
    """Each table but alembic_version, with its columns."""
    tables = [name for (name,) in desk.query("SELECT name FROM sqlite_master WHERE type = 'table'")
              if name != "alembic_version" and not name.startswith("sqlite_")]
    return {t: [name for (_, name, *_) in desk.query(f'PRAGMA table_info("{t}")')] for t in tables}


def table_rows(desk: Desk, columns: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every row of every table, as sorted reprs of (column, value) pairs; with ``columns``,
    only those tables and columns (what an older schema had)."""
    rows = {}
    for table, names in (columns or table_columns(desk)).items():
        quoted = ", ".join(f'"{n}"' for n in names)
        rows[table] = sorted(repr(list(zip(names, row))) for row in desk.query(f'SELECT {quoted} FROM "{table}"'))
    return rows


@pytest.mark.parametrize("back", [2, 3, 4], ids=["previous revision", "the one before", "three back"])
def test_init_upgrades_a_database_holding_data_from_an_older_revision(registered: Desk, back: int) -> None:
    if len(REVISIONS) < back:
        pytest.skip("no revision that old yet")
    claims = [{"ref": "r1", "source": "Army", "via": ["dpa"], "date": "2021-04-06", "place": "Avdiivka",
               "killed": "one"},
              {"ref": "r2", "source": "Volodymyr Zelensky", "date": "2021", "killed": "24"}]
    assert registered("import", registered.write_jsonl("claims.jsonl", claims)).exit_code == 0
    downgrade(registered, REVISIONS[-back])
    old_columns = table_columns(registered)
    # The one column an upgrade moved out of its table (the claims' marks for the next run,
    # rows of claim_marks since 0011) is compared on its own.
    kept_columns = {t: [c for c in cols if c in Base.metadata.tables[t].c] for t, cols in old_columns.items()}
    moved = "needs_match" in old_columns["claims"]
    marked = registered.query("SELECT id, version FROM claims WHERE needs_match ORDER BY id") if moved else None
    before = table_rows(registered, kept_columns)
    assert before["claims"] and before["sources"]
    result = registered("init")
    entries = len(before["audit_log"])
    # From a revision before content hashes, the upgrade records a baseline of them (one more entry).
    baseline = REVISIONS.index(REVISIONS[-back]) < REVISIONS.index(CONTENT_HASHES)
    assert (result.exit_code, result.stdout) == (
        0, f"Upgraded {DB_NAME} from schema {REVISIONS[-back]} to {HEAD}\n"
           "Claims stored before keep what the older version read from them (a newer schema may add fields to "
           "read); run `reconcile renormalise` to read them again.\n"
           + (f"Recorded the content hashes of the claims, sources and decisions stored before in audit entry "
              f"{entries + 1}: from now on `reconcile audit verify` names any row changed outside reconcile "
              "(changes made before cannot be detected).\n" if baseline else ""))
    # Every value the older schema held is kept, and the trail gained its baseline entry if it
    # had none; columns the upgrade added start empty. The one column an upgrade moved (the
    # claims' marks for the next run, now rows of claim_marks: 0011) is compared on its own.
    after = table_rows(registered, kept_columns)
    if baseline:
        assert registered.query("SELECT seq, action FROM audit_log ORDER BY seq DESC LIMIT 1") == [
            (entries + 1, "baseline")]
        assert set(before["audit_log"]) < set(after["audit_log"]) and len(after["audit_log"]) == entries + 1
    else:
        assert after["audit_log"] == before["audit_log"]
    assert {t: r for t, r in after.items() if t != "audit_log"} == {t: r for t, r in before.items() if t != "audit_log"}
    added = {t: [c for c in cols if c not in old_columns.get(t, [])] for t, cols in table_columns(registered).items()}
    for table, columns in added.items():
        if columns and table in before:
            quoted = ", ".join(f'"{c}"' for c in columns)
            older = " WHERE action != 'baseline'" if table == "audit_log" else ""
            assert {row for row in registered.query(f'SELECT {quoted} FROM "{table}"{older}')} <= {
                (None,) * len(columns)}
    assert sorted(claim["ref"] for claim in registered.claims()) == ["r1", "r2"]
    if moved:   # every claim marked before (both: imported, never run) is marked still, at its version
        assert marked == [(1, 1), (2, 1)]
        assert registered.query("SELECT claim_id, version FROM claim_marks ORDER BY claim_id") == marked
    # renormalise fills what the new revision added (the region of the claim placed at Avdiivka).
    assert registered("renormalise").exit_code == 0
    assert registered.query("SELECT ref, place_region FROM claims ORDER BY ref") == [("r1", "UA.05"), ("r2", None)]


@pytest.mark.parametrize("args", [["claims"], ["sources", "list"], ["sources", "add", "dpa"]])
def test_commands_refuse_a_sqlite_file_without_schema(desk: Desk, args: list[str]) -> None:
    con = sqlite3.connect(desk.db)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.close()
    before = desk.dump()
    result = desk(*args)
    assert (result.exit_code, result.stderr) == (3, (
        f"Error: {DB_NAME} is not a reconcile database (no schema); run `reconcile init` to create one\n"))
    assert desk.dump() == before


def test_commands_refuse_an_empty_file(desk: Desk) -> None:
    desk.db.write_bytes(b"")
    result = desk("claims")
    assert (result.exit_code, result.stderr) == (3, (
        f"Error: {DB_NAME} is not a reconcile database (no schema); run `reconcile init` to create one\n"))


@pytest.mark.parametrize("args", [["claims"], ["sources", "add", "dpa"], ["init"]])
def test_commands_refuse_a_file_that_is_not_sqlite(desk: Desk, args: list[str]) -> None:
    # Regression: a --db that is not an SQLite file crashed with sqlalchemy.exc.DatabaseError.
    desk.db.write_text("source,date\ndpa,2021-04-06\n" * 100, encoding="utf-8")
    before = desk.db.read_bytes()
    result = desk(*args)
    assert (result.exit_code, result.stderr) == (3, (
        f"Error: cannot open {DB_NAME} as a database (file is not a database); "
        "give --db an existing reconcile database or a new file name\n"))
    assert desk.db.read_bytes() == before


def test_write_command_creates_a_missing_database(desk: Desk) -> None:
    result = desk("sources", "add", "dpa", "--kind", "media")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "dpa: created\n", f"Created a new database at {DB_NAME}\n")
    assert desk.query("SELECT version_num FROM alembic_version") == [(HEAD,)]


@pytest.mark.parametrize("args", [["claims"], ["sources", "list"]])
def test_read_command_on_a_missing_database_names_init(desk: Desk, args: list[str]) -> None:
    result = desk(*args)
    assert (result.exit_code, result.stderr) == (3, (
        f"Error: no database at {DB_NAME}; create one with `reconcile init` or by importing claims\n"))
    assert not desk.db.exists()


SOURCE_IDENTITY = "0007"   # the revision that folds source names with NFKC_Casefold
CONTENT_HASHES = "0008"    # the revision that adds content hashes


def test_init_rewrites_source_keys_that_fold_otherwise(registered: Desk) -> None:
    # The revision SOURCE_IDENTITY folds source names with NFKC_Casefold before transliterating: "µ" (MICRO SIGN)
    # is the Greek letter mu, "m", where the old folding read "u"; a name with an invisible tag
    # character, which the old folding read as a letter, is the name without it.
    tag = "Armed Forces of Ukr\U000E0041aine"
    claims = [{"ref": "r1", "source": "Armed Forces of Ukraine", "via": ["µ Wire"], "date": "2021-04-06"},
              {"ref": "r2", "source": tag, "date": "2021-04-07"},
              {"ref": "r3", "source": "µ Wire", "date": "2021-04-08"}]
    assert registered("import", registered.write_jsonl("claims.jsonl", claims)).exit_code == 0
    fingerprints = registered.query("SELECT ref, fingerprint FROM claims ORDER BY ref")
    downgrade(registered, SCRIPTS.get_revision(SOURCE_IDENTITY).down_revision)
    assert registered.query("SELECT name_key FROM sources WHERE name = 'µ Wire'") == [("u wire",)]
    # As the revision before filed r2: under a source of its own, keyed with the tag letter read as "a".
    registered.execute("INSERT INTO sources (name, name_key, kind, registered, created_by, created_at) "
                       "VALUES (?, 'armed forces of ukraaine', 'unknown', 0, 'eve', '2026-01-01 00:00:00')", tag)
    [(tag_id,)] = registered.query("SELECT id FROM sources WHERE name = ?", tag)
    registered.execute("UPDATE claims SET source_id = ? WHERE ref = 'r2'", tag_id)
    assert registered("init").exit_code == 0
    assert registered.query("SELECT name, name_key FROM sources WHERE name LIKE '%Wire' OR name LIKE 'Armed%' "
                            "ORDER BY id") == [
        ("Armed Forces of Ukraine", "armed forces of ukraine"), ("µ Wire", "m wire"),
        (tag, f"armed forces of ukraine#{tag_id}")]
    assert registered.query("SELECT ref, fingerprint FROM claims ORDER BY ref") == fingerprints
    again = registered("import", "claims.jsonl")
    assert (again.exit_code, again.stdout) == (0, (
        "claims.jsonl: added 0, updated 0, already stored 3\nUnregistered sources (kept, but never counted as "
        "independent corroboration; register them with `reconcile sources add`):\n  - µ Wire\n"))
    # A new claim naming the look-alike goes to the source its name now folds to.
    new = registered("import", registered.write_jsonl("new.jsonl", [{"source": tag, "date": "2021-04-09"}]))
    assert new.exit_code == 0
    assert [c["parsed"]["source"] for c in registered.claims("--date", "2021-04-09")] == ["Armed Forces of Ukraine"]


COMPACT_LINKS = "0009"   # the revision that stores each link's components once


def test_links_stored_before_compact_components_show_the_same_after_the_upgrade(desk: Desk) -> None:
    claims = [{"ref": "a", "source": "Army", "date": "2021-04-06", "place": "Avdiivka", "type": "shelling",
               "killed": "2"},
              {"ref": "b", "source": "Monitors", "date": "2021-04-06", "place": "Avdeevka", "type": "shelling",
               "killed": "two"},
              {"ref": "c", "source": "Army", "date": "2021-03-01", "place": "Kharkiv", "type": "drone strike"}]
    assert desk("import", desk.write_jsonl("claims.jsonl", claims)).exit_code == 0
    assert desk("run").exit_code == 0
    events = {tuple(c["ref"] for c in e["claims"]): e["id"] for e in json.loads(desk("events", "--json").stdout)}
    assert sorted(events) == [("a", "b"), ("c",)]
    pair = json.loads(desk("show", str(events[("a", "b")]), "--json").stdout)["links"]
    alone = json.loads(desk("show", str(events[("c",)]), "--json").stdout)["links"]
    assert [link["explanation"] for link in alone] == ["no other claim matched"]
    # At this revision a scored link keeps its components once, as rows, and no text.
    stored = desk.query("SELECT components, explanation FROM claim_links WHERE score IS NOT NULL")
    assert len(stored) == 2 and {explanation for _c, explanation in stored} == {None}
    rows = json.loads(stored[0][0])
    assert [name for name, _points, _note in rows] == list(pair[0]["components"])
    assert pair[0]["explanation"] == "score {:g}: ".format(pair[0]["score"]) + "; ".join(
        f"{name} {'+' if points > 0 else '−' if points < 0 else '±'}{abs(points):g} ({note})"
        for name, points, note in rows)
    # The revision before: components by name, the explanation as text, as that version wrote them.
    downgrade(desk, SCRIPTS.get_revision(COMPACT_LINKS).down_revision)
    old = {cid: (json.loads(c), e) for cid, c, e in desk.query(
        "SELECT claim_id, components, explanation FROM claim_links")}
    by_claim = {link["claim_id"]: link for link in pair + alone}
    assert old == {cid: (link["components"], link["explanation"]) for cid, link in by_claim.items()}
    assert desk("init").exit_code == 0
    assert json.loads(desk("show", str(events[("a", "b")]), "--json").stdout)["links"] == pair
    assert json.loads(desk("show", str(events[("c",)]), "--json").stdout)["links"] == alone
    assert {e for _c, e in desk.query("SELECT components, explanation FROM claim_links WHERE score IS NOT NULL")} \
        == {None}


def test_init_refuses_an_sqlite_library_too_old_to_run_the_migrations(desk: Desk, monkeypatch) -> None:
    import reconciler.schema as schema

    assert schema.sqlite_too_old((3, 34, 1)) and not schema.sqlite_too_old((3, 35, 0))
    monkeypatch.setattr(schema.sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(schema.sqlite3, "sqlite_version", "3.34.1")
    result = desk("init")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: this Python's SQLite library is version 3.34.1; reconcile needs 3.35 or "
                                    f"later to create or upgrade {DB_NAME}")
    assert "or a PostgreSQL server" in result.stderr
    assert desk.dump() in (None, [])   # nothing written


WITHOUT_ROWID = "0014"   # the revision that stores review_pairs and content_hashes without a rowid


def test_review_pairs_and_content_hashes_lose_their_rowid_and_keep_every_row(desk: Desk) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples" / "illustrative"
    for args in (["sources", "import", str(examples / "sources.yaml")], ["import", str(examples / "claims.jsonl")],
                 ["run"]):
        result = desk(*args)
        assert result.exit_code == 0, result.output
    tables = ("review_pairs", "content_hashes")

    def rowid_and_rows() -> dict[str, tuple[bool, list]]:
        return {t: ("WITHOUT ROWID" in desk.query("SELECT sql FROM sqlite_master WHERE name = ?", t)[0][0],
                    sorted(desk.query(f"SELECT * FROM {t}"))) for t in tables}

    at_head = rowid_and_rows()
    # The illustrative claims leave pairs in the review queue, and every claim and source has its hash.
    assert all(without for without, _rows in at_head.values())
    assert len(at_head["review_pairs"][1]) > 0 and len(at_head["content_hashes"][1]) > 51
    downgrade(desk, SCRIPTS.get_revision(WITHOUT_ROWID).down_revision)
    assert rowid_and_rows() == {t: (False, rows) for t, (_w, rows) in at_head.items()}
    assert desk("init").exit_code == 0
    assert rowid_and_rows() == at_head
    assert desk.query("SELECT name FROM sqlite_master WHERE tbl_name = 'review_pairs' AND type = 'index'") == [
        ("ix_review_pairs_claim_b",)]
    result = desk("audit", "verify")
    assert result.exit_code == 0, result.output


def test_claims_by_source_are_found_through_the_unique_source_and_ref_index(desk: Desk) -> None:
    # Migration 0015 dropped the index on source_id alone: the unique (source_id, ref) leads with it.
    assert desk("init").exit_code == 0
    indexes = {name for (name,) in desk.query("SELECT name FROM sqlite_master WHERE tbl_name = 'claims' "
                                              "AND type = 'index'")}
    assert "ix_claims_source_id" not in indexes
    plan = " ".join(row[-1] for row in desk.query("EXPLAIN QUERY PLAN SELECT id FROM claims WHERE source_id IN (1, 2)"))
    assert "sqlite_autoindex_claims_2 (source_id=?)" in plan and "SCAN" not in plan


def test_an_orphan_review_pair_does_not_stop_the_upgrade_to_without_rowid(desk: Desk) -> None:
    # A claim deleted by another program with the foreign keys off leaves its review pairs: the
    # upgrade copies the pairs of claims that exist (every run rebuilds the queue anyway).
    examples = Path(__file__).resolve().parent.parent / "examples" / "illustrative"
    for args in (["sources", "import", str(examples / "sources.yaml")], ["import", str(examples / "claims.jsonl")],
                 ["run"]):
        assert desk(*args).exit_code == 0
    downgrade(desk, SCRIPTS.get_revision(WITHOUT_ROWID).down_revision)
    pairs = desk.query("SELECT claim_a, claim_b, score FROM review_pairs ORDER BY claim_a, claim_b")
    gone = pairs[0][0]
    desk.execute("DELETE FROM claims WHERE id = ?", gone)   # (sqlite3's foreign keys are off by default)
    result = desk("init")
    assert result.exit_code == 0, result.output
    assert desk.query("SELECT claim_a, claim_b, score FROM review_pairs ORDER BY claim_a, claim_b") == [
        p for p in pairs if gone not in p[:2]]


def test_the_drafts_index_holds_the_drafts_only_and_serves_look_ups_by_state(desk: Desk) -> None:
    # Migration 0017: partial, WHERE draft_state IS NOT NULL; going back makes it whole again,
    # and coming up partial again. SQLite's plan for a look-up by state searches it.
    def index_sql() -> str:
        return desk.query("SELECT sql FROM sqlite_master WHERE name = 'ix_claims_draft_state'")[0][0]

    assert desk("init").exit_code == 0
    assert index_sql().endswith("WHERE draft_state IS NOT NULL")
    plan = " ".join(row[-1] for row in desk.query("EXPLAIN QUERY PLAN SELECT id FROM claims WHERE draft_state = 'draft'"))
    assert "ix_claims_draft_state" in plan
    downgrade(desk, "0016")
    assert "WHERE" not in index_sql()
    assert desk("init").exit_code == 0
    assert index_sql().endswith("WHERE draft_state IS NOT NULL")
