"""The same commands against a real PostgreSQL server (skipped without RECONCILE_TEST_PG_URL).

`.ci/run` installs Debian's postgresql and starts a throw-away cluster on loopback.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
from click.testing import CliRunner

from cli.main import cli
from test_run import EXAMPLES, ILLUSTRATIVE

PG_URL = os.environ.get("RECONCILE_TEST_PG_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="set RECONCILE_TEST_PG_URL to a PostgreSQL server")]


@pytest.fixture
def pg_url():
    """A fresh database on the server for one test, dropped afterwards."""
    import psycopg

    name = f"reconcile_test_{uuid.uuid4().hex[:12]}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _lock_waits(url: str, kind: str) -> int:
    """How many sessions of the server at ``url`` (a libpq URL) wait for a lock of ``kind``
    (``advisory``, ``transactionid``: another transaction's row)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND wait_event = %s", (kind,)).fetchone()[0]


def _until(condition, seconds: float = 20) -> bool:
    """Whether ``condition()`` came true within ``seconds`` (asked every 50 ms)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _run_noting(db, errors: list[BaseException], progress=lambda stage, done, total: None) -> None:
    """A run (user "runner"), for a thread: what it raises goes to ``errors``, for the test to check."""
    from reconciler.config import Config
    from reconciler.runs import reconcile

    try:
        with db.write() as session:
            reconcile(session, "runner", Config(), progress=progress)
    except BaseException as exc:   # noqa: BLE001 - reported by the caller
        errors.append(exc)


def run(url: str, *args: str, user: str = "tester"):
    result = CliRunner().invoke(cli, ["--db", url, "--user", user, *args], catch_exceptions=False)
    return result


def test_postgres_init_import_run_gives_the_illustrative_events(pg_url):
    assert run(pg_url, "init").output.startswith("Created postgresql+psycopg://")
    assert run(pg_url, "sources", "import", str(EXAMPLES / "illustrative" / "sources.yaml")).exit_code == 0
    imported = run(pg_url, "import", str(EXAMPLES / "illustrative" / "claims.jsonl"))
    assert imported.exit_code == 0, imported.output
    assert run(pg_url, "import", str(EXAMPLES / "illustrative" / "claims.jsonl")).output.startswith(
        f"{EXAMPLES / 'illustrative' / 'claims.jsonl'}: added 0, updated 0, already stored 51")
    assert run(pg_url, "run").exit_code == 0
    events = json.loads(run(pg_url, "events", "--json").stdout)
    assert {tuple(sorted(c["ref"] for c in e["claims"])): e["status"] for e in events} == ILLUSTRATIVE
    assert run(pg_url, "run", "--full").exit_code == 0
    again = json.loads(run(pg_url, "events", "--json").stdout)
    assert [(e["id"], [c["ref"] for c in e["claims"]]) for e in again] == [
        (e["id"], [c["ref"] for c in e["claims"]]) for e in events]


def test_postgres_decisions_conflicts_and_audit(pg_url):
    run(pg_url, "sources", "import", str(EXAMPLES / "illustrative" / "sources.yaml"))
    run(pg_url, "import", str(EXAMPLES / "illustrative" / "claims.jsonl"))
    run(pg_url, "run")
    version = json.loads(run(pg_url, "show", "1", "--json").stdout)["version"]
    first = run(pg_url, "grade", "1", "--status", "contested", "--reason", "a", "--if-version", str(version))
    assert first.exit_code == 0, first.output
    second = run(pg_url, "grade", "1", "--status", "unverified", "--reason", "b", "--if-version", str(version),
                 user="bob")
    assert second.exit_code == 5
    verified = run(pg_url, "audit", "verify")
    assert verified.exit_code == 0
    assert verified.output.startswith("Audit trail intact: ")


def test_postgres_renormalise_restores_an_older_reading(pg_url):
    import psycopg

    run(pg_url, "sources", "import", str(EXAMPLES / "illustrative" / "sources.yaml"))
    assert run(pg_url, "import", str(EXAMPLES / "illustrative" / "claims.jsonl")).exit_code == 0
    assert run(pg_url, "run").exit_code == 0
    # As a version without these readings would have stored them: no kinds of incident for three claims.
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("UPDATE claims SET type_category = NULL WHERE ref IN ('ill-001', 'ill-002', 'ill-003')")
    # The trail covers stored claims: recorded as the desk's, as the older version's writes would be.
    assert run(pg_url, "audit", "accept", "--reason", "what an older version stored").exit_code == 0
    result = run(pg_url, "renormalise", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["changed"], data["fields"]) == (3, {"type_category": 3})
    assert run(pg_url, "run").exit_code == 0
    events = json.loads(run(pg_url, "events", "--json").stdout)
    assert {tuple(sorted(c["ref"] for c in e["claims"])): e["status"] for e in events} == ILLUSTRATIVE
    again = json.loads(run(pg_url, "renormalise", "--json").stdout)
    assert again["changed"] == 0


def test_postgres_content_changed_outside_reconcile_is_named_refused_and_restored(pg_url, tmp_path):
    import psycopg

    claims = str(EXAMPLES / "illustrative" / "claims.jsonl")
    run(pg_url, "sources", "import", str(EXAMPLES / "illustrative" / "sources.yaml"))
    assert run(pg_url, "import", claims).exit_code == 0
    assert run(pg_url, "run").exit_code == 0
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("UPDATE claims SET source_id = (SELECT id FROM sources WHERE name = 'Joint Ceasefire Monitoring "
                     "Mission') WHERE ref = 'ill-002'")
        conn.execute("DELETE FROM claims WHERE ref = 'ill-005'")   # its links and relays go with it (cascades)
        [(edited,)] = conn.execute("SELECT id FROM claims WHERE ref = 'ill-002'").fetchall()
        [(entry,)] = conn.execute("SELECT seq FROM audit_log WHERE action = 'import'").fetchall()
    verified = run(pg_url, "audit", "verify")
    assert verified.exit_code == 7
    lines = verified.stderr.splitlines()
    assert lines[0] == (f"Audit trail BROKEN: claim {edited} (ref ill-002) was edited outside reconcile: its content "
                        f"no longer matches audit entry {entry}")
    assert lines[1] == f"Audit trail BROKEN: claim 5 was deleted outside reconcile: audit entry {entry} recorded it"
    refused = run(pg_url, "run", "--full")
    assert refused.exit_code == 7
    assert refused.stderr.startswith("Error: 2 rows were changed outside reconcile since the audit trail recorded them")
    restored = run(pg_url, "import", claims)
    ids = ", ".join(str(i) for i in sorted((5, edited)))
    assert restored.stdout.startswith(f"{claims}: added 0, updated 0, already stored 49, restored 2 (changed outside "
                                      f"reconcile: claims {ids})\n")
    assert run(pg_url, "audit", "verify").exit_code == 0
    assert run(pg_url, "run", "--full").exit_code == 0
    events = json.loads(run(pg_url, "events", "--json").stdout)
    assert {tuple(sorted(c["ref"] for c in e["claims"])): e["status"] for e in events} == ILLUSTRATIVE


def test_postgres_content_of_source_distinctions_and_places_is_named_when_edited(pg_url, tmp_path):
    # Their hashes hold a time with its zone (who declared two sources distinct, when) and floats
    # (a place's coordinates), as PostgreSQL's driver returns them.
    import psycopg

    lookalike = "\u13b7onitors"   # CHEROKEE LETTER LU for the M
    assert run(pg_url, "sources", "add", "Monitors", "--kind", "ngo").exit_code == 0
    assert run(pg_url, "sources", "add", lookalike, "--kind", "media", "--distinct-from", "Monitors").exit_code == 0
    landmarks = tmp_path / "landmarks.csv"
    landmarks.write_text("name,aliases,lat,lon,region\nCheckpoint 7,КПП-7,48.141,37.752,Donetsk oblast\n",
                         encoding="utf-8")
    assert run(pg_url, "places", "import", str(landmarks)).exit_code == 0
    assert run(pg_url, "audit", "verify").stdout == (
        "Audit trail intact: 3 entries, head 3; content of 0 claims, 2 sources, 0 decisions, 0 manual grades and "
        "1 place matches it\n")
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("UPDATE source_distinctions SET created_at = created_at - interval '1 day'")
        conn.execute("UPDATE place_names SET name = 'KPP-7' WHERE name = 'КПП-7'")
    verified = run(pg_url, "audit", "verify")
    assert (verified.exit_code, verified.stderr.splitlines()[:2]) == (7, [
        f"Audit trail BROKEN: source 2 ({lookalike}) was edited outside reconcile: its content no longer matches "
        "audit entry 2",
        "Audit trail BROKEN: place 1 (Checkpoint 7) was edited outside reconcile: its content no longer matches "
        "audit entry 3"])


def test_postgres_writers_during_a_run_keep_their_marks_and_the_run_commits(pg_url, tmp_path):
    """A run clears the marks of the claims it matched. Corrections imported while it runs (in
    the opposite order to the claims' ids) and a source edit must keep theirs, or no later run
    sees them; and neither they nor the run may wait for each other or deadlock."""
    import threading
    from datetime import date

    from sqlalchemy import text

    from reconciler.db import open_database

    (tmp_path / "s.yaml").write_text("- {name: A, kind: ngo}\n- {name: B, kind: ngo}\n", encoding="utf-8")
    rows = [{"ref": "a", "source": "A", "date": "2021-04-05", "place": "Avdiivka", "type": "shelling"},
            {"ref": "b", "source": "A", "date": "2021-04-05", "place": "Donetsk", "type": "shelling"},
            {"ref": "c", "source": "B", "date": "2021-04-05", "place": "Horlivka", "type": "shelling"}]
    (tmp_path / "one.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    fixes = [rows[1] | {"date": "2021-04-07"}, rows[0] | {"date": "2021-04-06"}]   # b first, then a
    (tmp_path / "fix.jsonl").write_text("".join(json.dumps(r) + "\n" for r in fixes), encoding="utf-8")
    assert run(pg_url, "sources", "import", str(tmp_path / "s.yaml")).exit_code == 0
    assert run(pg_url, "import", str(tmp_path / "one.jsonl")).exit_code == 0
    db = open_database(pg_url)
    loaded, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "clustering" and done == 0:   # every claim is loaded; the run is not over
            loaded.set()
            release.wait(20)

    writes: list[int] = []

    def the_writers():
        writes.append(run(pg_url, "import", str(tmp_path / "fix.jsonl"), user="fixer").exit_code)
        writes.append(run(pg_url, "sources", "add", "B", "--side", "North", user="editor").exit_code)

    runner = threading.Thread(target=_run_noting, args=(db, errors, progress))
    runner.start()
    assert loaded.wait(20)
    writers = threading.Thread(target=the_writers)
    writers.start()
    writers.join(20)
    finished_first = not writers.is_alive()   # the writers never waited for the run
    release.set()
    runner.join(30)
    writers.join(30)
    assert finished_first and writes == [0, 0]
    assert errors == []
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL")).scalar() == 1
        stored = session.execute(text("SELECT ref, date_start, m.claim_id IS NOT NULL FROM claims c "
                                      "LEFT JOIN claim_marks m ON m.claim_id = c.id ORDER BY ref")).all()
    assert [tuple(r) for r in stored] == [("a", date(2021, 4, 6), True), ("b", date(2021, 4, 7), True),
                                          ("c", date(2021, 4, 5), True)]


def test_postgres_deadlock_between_writers_is_a_busy_error(pg_url, tmp_path):
    """Two writers locking two claims in opposite orders: PostgreSQL rolls one back. That one
    is a BusyError (one line; the commands retry it), not a traceback."""
    import threading

    from sqlalchemy import text

    from reconciler.db import open_database
    from reconciler.errors import BusyError

    (tmp_path / "s.yaml").write_text("- {name: A, kind: ngo}\n", encoding="utf-8")
    rows = [{"ref": ref, "source": "A", "date": day, "place": "Avdiivka"}
            for ref, day in (("a", "2021-04-05"), ("b", "2021-04-06"))]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert run(pg_url, "sources", "import", str(tmp_path / "s.yaml")).exit_code == 0
    assert run(pg_url, "import", str(tmp_path / "c.jsonl")).exit_code == 0
    db = open_database(pg_url)
    both_hold_one = threading.Barrier(2)
    outcomes: list[object] = []

    def writer(first: str, second: str) -> None:
        try:
            with db.write() as session:
                session.execute(text("SELECT id FROM claims WHERE ref = :r FOR UPDATE"), {"r": first})
                both_hold_one.wait(5)
                session.execute(text("SELECT id FROM claims WHERE ref = :r FOR UPDATE"), {"r": second})
            outcomes.append("committed")
        except BusyError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=writer, args=("a", "b")), threading.Thread(target=writer, args=("b", "a"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o if isinstance(o, str) else type(o).__name__ for o in outcomes) == ["BusyError", "committed"]
    [busy] = [o for o in outcomes if isinstance(o, BusyError)]
    assert str(busy).startswith("another writer was in the way and PostgreSQL rolled this transaction back "
                                "(deadlock detected)")


def _one_claim_stored(url: str, tmp_path, row: dict, change: dict):
    """Source A registered and ``row`` imported; returns a file correcting it by ``change``."""
    (tmp_path / "s.yaml").write_text("- {name: A, kind: ngo}\n", encoding="utf-8")
    (tmp_path / "one.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (tmp_path / "fix.jsonl").write_text(json.dumps(row | change) + "\n", encoding="utf-8")
    assert run(url, "sources", "import", str(tmp_path / "s.yaml")).exit_code == 0
    assert run(url, "import", str(tmp_path / "one.jsonl")).exit_code == 0
    return tmp_path / "fix.jsonl"


def test_postgres_writer_waits_for_a_lock_only_as_long_as_the_busy_timeout(pg_url, tmp_path):
    """A transaction left holding a claim (somebody's open session): a correction of that claim
    gives up after --busy-timeout with the busy exit code and a one-line message, changing nothing,
    instead of hanging; once the lock is gone it goes through."""
    import time

    import psycopg

    fix = _one_claim_stored(pg_url, tmp_path, {"ref": "a", "source": "A", "date": "2021-04-05", "place": "Avdiivka",
                                               "killed": "1"}, {"killed": "2"})
    holder = psycopg.connect(pg_url)
    try:
        holder.execute("SELECT id FROM claims WHERE ref = 'a' FOR UPDATE")
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["--db", pg_url, "--busy-timeout", "1", "import", str(fix)])
        waited = time.monotonic() - started
        assert result.exit_code == 6, result.output
        assert "another writer held a lock this needed for more than 1 s; try again, or raise --busy-timeout" \
            in result.output
        assert waited < 20   # the command retries a few times, each giving up after a second
    finally:
        holder.rollback()
        holder.close()
    assert json.loads(run(pg_url, "claims", "--json").stdout)[0]["killed"] == "1"
    assert run(pg_url, "import", str(fix)).exit_code == 0
    assert json.loads(run(pg_url, "claims", "--json").stdout)[0]["killed"] == "2"


def test_postgres_correction_committed_after_the_run_cleared_its_mark_keeps_it(pg_url, tmp_path):
    """The other order: the run has cleared claim a's mark (not yet committed) when an import
    corrects a. The import waits for the run's row lock, then must still write its mark."""
    import threading
    from datetime import date

    import psycopg
    from sqlalchemy import text

    from reconciler.db import open_database

    fix = _one_claim_stored(pg_url, tmp_path, {"ref": "a", "source": "A", "date": "2021-04-05", "place": "Avdiivka",
                                               "type": "shelling"}, {"date": "2021-04-06"})
    db = open_database(pg_url)
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    errors: list[BaseException] = []
    outcomes: list[int] = []

    def the_correction():
        outcomes.append(run(pg_url, "import", str(fix), user="fixer").exit_code)

    # Hold the audit chain's lock: the run stops at its audit entry, after clearing the marks.
    with psycopg.connect(plain) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(7243001)")
        runner = threading.Thread(target=_run_noting, args=(db, errors))
        runner.start()
        assert _until(lambda: _lock_waits(plain, "advisory") == 1)
        fixer = threading.Thread(target=the_correction)
        fixer.start()
        assert _until(lambda: _lock_waits(plain, "transactionid") == 1)   # the import waits for the run's row
        holder.rollback()   # let the run go on: it commits, then the import
    runner.join(30)
    fixer.join(30)
    assert errors == [] and outcomes == [0]
    with db.read() as session:
        stored = session.execute(text("SELECT date_start, m.claim_id IS NOT NULL FROM claims c "
                                      "LEFT JOIN claim_marks m ON m.claim_id = c.id WHERE ref = 'a'")).one()
    assert tuple(stored) == (date(2021, 4, 6), True)


def test_postgres_long_names_in_other_scripts_are_stored_or_refused_cleanly(pg_url, tmp_path):
    # Regression: 300 Chinese characters transliterate to 1,500 letters; the place and actor keys
    # overflowed VARCHAR(300) and the import crashed. A source's key that long is refused.
    claims = tmp_path / "cjk.jsonl"
    claims.write_text(json.dumps({"source": "dpa", "date": "2021-04-06", "place": "中" * 300, "actor": "中" * 300},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    result = run(pg_url, "import", str(claims))
    assert result.exit_code == 0, result.output
    assert run(pg_url, "run").exit_code == 0
    claims.write_text(json.dumps({"source": "中" * 61, "date": "2021-04-06"}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    refused = run(pg_url, "import", str(claims))
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"Error: {claims}:1: field 'source': is 305 characters long in Latin letters")


def test_postgres_export_round_trip_report_and_a_dataset(pg_url, tmp_path):
    # The illustrative example on the server: exported as the import contract, imported into a
    # second database (a file), it gives the same events and grades (examples/illustrative/README.md);
    # the report holds its 21 events; an ACLED row lands as one claim per original source.
    sources = str(EXAMPLES / "illustrative" / "sources.yaml")
    assert run(pg_url, "sources", "import", sources).exit_code == 0
    assert run(pg_url, "import", str(EXAMPLES / "illustrative" / "claims.jsonl")).exit_code == 0
    assert run(pg_url, "run").exit_code == 0
    exported = tmp_path / "claims.jsonl"
    assert run(pg_url, "export", "claims", "--format", "jsonl", "--out", str(exported)).exit_code == 0
    copy = str(tmp_path / "copy.sqlite")
    for args in (("sources", "import", sources), ("import", str(exported)), ("run",)):
        assert run(copy, *args).exit_code == 0
    events = json.loads(run(copy, "events", "--json").stdout)
    assert {tuple(sorted(c["ref"] for c in e["claims"])): e["status"] for e in events} == ILLUSTRATIVE
    page = tmp_path / "report.html"
    assert run(pg_url, "report", "--out", str(page)).exit_code == 0
    assert page.read_text(encoding="utf-8").count('class="event ') == 21
    acled = tmp_path / "acled.csv"
    acled.write_text(
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,admin1,location,"
        "latitude,longitude,geo_precision,source,fatalities\n"
        "UKR1,2031-05-10,1,Explosions/Remote violence,Shelling/artillery/missile attack,A,B,Donetsk,Avdiivka,"
        "48.139,37.743,1,Joint Ceasefire Monitoring Mission; Valdorian General Staff,2\n", encoding="utf-8")
    imported = run(pg_url, "import", "--format", "acled", str(acled))
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith(f"{acled}: added 2, updated 0, already stored 0")


def test_postgres_reserved_event_ids_come_from_the_sequence_and_a_run_uses_them(pg_url):
    from reconciler.db import JSONText, open_database, reserve_ids
    from reconciler.models import Event, core
    from sqlalchemy import text

    run(pg_url, "sources", "import", str(EXAMPLES / "illustrative" / "sources.yaml"))
    run(pg_url, "import", str(EXAMPLES / "illustrative" / "claims.jsonl"))
    assert run(pg_url, "run").exit_code == 0
    db = open_database(pg_url)
    try:
        with db.write() as session:
            top = session.execute(text("SELECT max(id) FROM events")).scalar_one()
            count = session.execute(text("SELECT count(*) FROM events")).scalar_one()
            # The run inserted its new events whole, at version 1, under ids 1..count.
            assert top == count == len(ILLUSTRATIVE)
            assert session.execute(text("SELECT DISTINCT version FROM events")).scalars().all() == [1]
            first = reserve_ids(session, "events", 3)
            second = reserve_ids(session, "events", 2)
            assert first == [top + 1, top + 2, top + 3] and second == [top + 4, top + 5]
            session.connection().execute(core(Event).insert(), [
                {"id": second[0], "status": "unverified", "reason": "", "updated_by": "t",
                 "origins": JSONText('["A"]')}])
            assert session.execute(text("SELECT origins::text FROM events WHERE id = :i"),
                                   {"i": second[0]}).scalar_one() == '["A"]'
            session.rollback()
    finally:
        db.dispose()


def test_postgres_insert_rows_copies_what_a_core_insert_stores(pg_url):
    """db.insert_rows goes through COPY on PostgreSQL: the stored row must be the one Core stores."""
    import psycopg
    from datetime import date, datetime, timezone

    from reconciler import schema
    from reconciler.db import JSONText, insert_rows, open_database
    from reconciler.models import Event, Run, core

    def event(event_id: int, **changes) -> dict:
        row = {"id": event_id, "status": "unverified", "reason": 'rests on one origin ("Army"), tab\there\nline\r\\N \\.',
               "manual": False, "graded_by": None, "graded_at": None, "active": True, "date_start": date(2021, 4, 6),
               "date_end": date(2021, 4, 7), "place_key": "geonames:713122", "place_label": "Авдіївка\\north",
               "killed_low": 2, "killed_best": 2, "killed_high": 2, "wounded_low": None, "wounded_best": None,
               "wounded_high": None, "n_claims": 2, "n_origins": 1, "origins": ["Army", "UN \"HRMMU\""],
               "created_run_id": 1, "updated_run_id": 1,
               "updated_at": datetime(2021, 4, 7, 9, 30, 15, 250, tzinfo=timezone.utc), "updated_by": "tester",
               "version": 1}
        return row | changes

    db = open_database(pg_url)
    try:
        schema.upgrade(db)
        with db.write() as session:
            session.add(Run(id=1, user="tester", config={}))
            session.flush()
            session.connection().execute(core(Event).insert(), [event(1)])
            insert_rows(session, core(Event), [event(2), event(3, manual=True, origins=JSONText("[]"), date_end=None)])
    finally:
        db.dispose()
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        columns = [c.name for c in core(Event).c if c.name != "id"]
        stored = {row[0]: row[1:] for row in conn.execute(
            f"SELECT id, {', '.join(f'{c}::text' for c in columns)} FROM events ORDER BY id")}
    assert stored[2] == stored[1]
    third = dict(zip(columns, stored[3]))
    # Worked out by hand: the text with its quote, tab, line ends, backslashes and COPY's own
    # markers (\\N, \\.) as given, booleans, a date
    # left out as NULL, JSON as given, the time to the microsecond in UTC.
    assert (third["reason"], third["place_label"], third["manual"], third["active"], third["date_start"],
            third["date_end"], third["origins"], third["updated_at"]) == (
        'rests on one origin ("Army"), tab\there\nline\r\\N \\.', "Авдіївка\\north", "true", "true", "2021-04-06",
        None, "[]",
        "2021-04-07 09:30:15.00025+00")


def test_postgres_recorded_hashes_replace_and_remove_the_current_ones(pg_url):
    """audit.store_hashes on PostgreSQL (one upsert a row, a removed row deleted by its key)."""
    from sqlalchemy import text

    from reconciler import audit, schema
    from reconciler.db import open_database

    db = open_database(pg_url)
    try:
        schema.upgrade(db)
        with db.write() as session:
            audit.record(session, "ana", "test", "claims", content={
                ("claim", 1, 0): ("a" * 64, "b" * 64), ("claim", 2, 0): ("c" * 64, None),
                ("decision", 1, 2): ("d" * 64, None)})
            audit.record(session, "ana", "test", "claims", content={
                ("claim", 1, 0): ("e" * 64, "f" * 64), ("decision", 1, 2): (None, None), ("claim", 3, 0): (None, None)})
        with db.read() as session:
            rows = session.execute(text("SELECT kind, row_id, row_id2, hash, run_hash, seq FROM content_hashes "
                                        "ORDER BY kind, row_id, row_id2")).all()
            assert audit.verify(session).ok
    finally:
        db.dispose()
    assert [tuple(r) for r in rows] == [("claim", 1, 0, "e" * 64, "f" * 64, 2), ("claim", 2, 0, "c" * 64, None, 1)]


def test_postgres_select_in_gives_values_as_arrays_in_parts(pg_url):
    """db.select_in on PostgreSQL: the values go as one array a statement (db.among), in parts of
    ARRAY_CHUNK; rows of every part come back, for integer and text columns alike, and a text
    longer than its column matches nothing (no cast cuts it to the column's width)."""
    from sqlalchemy import event, select

    from reconciler import db as dbm
    from reconciler import schema
    from reconciler.models import Report, Source

    run(pg_url, "sources", "import", str(EXAMPLES / "illustrative" / "sources.yaml"))
    database = dbm.open_database(pg_url)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    try:
        schema.upgrade(database)
        event.listen(database.reader, "before_cursor_execute", seen)
        with database.read() as session:
            stored = dict(session.execute(select(Source.id, Source.name)).all())
            top = max(stored)
            # Three parts: the first holds id 1, the second none stored, the third the last id.
            wanted = [1] + list(range(top + 1, top + 2 * dbm.ARRAY_CHUNK)) + [top]
            statements.clear()
            found = sorted(row.id for row in dbm.select_in(session, select(Source.id), Source.id, wanted, 900))
            assert found == sorted({1, top})
            assert len(statements) == 3 and all("= ANY (" in s for s in statements)
            names = ["no such source", stored[1], "O'Brien \"quoted\"", stored[top]]
            by_name = sorted(row.id for row in dbm.select_in(session, select(Source.id), Source.name, names, 900))
            assert by_name == sorted({1, top})
        with database.write() as session:
            # A key longer than its column (64) that begins as a stored one is not that one.
            session.add(Report(title="t", title_key="a" * 64, created_by="tester"))
            session.flush()
            keys = [row.title_key for row in dbm.select_in(session, select(Report.title_key), Report.title_key,
                                                           ["a" * 65, "a" * 64 + "b"], 900)]
            assert keys == []
            assert len(list(dbm.select_in(session, select(Report.id), Report.title_key, ["a" * 64], 900))) == 1
            session.rollback()
    finally:
        event.remove(database.reader, "before_cursor_execute", seen)
        database.dispose()


def test_postgres_import_behind_another_adding_the_same_claim_is_a_busy_error(pg_url, tmp_path):
    """Two imports adding the same new claim: the second waits on the first's uncommitted row
    (the unique indexes) in its COPY, gives up after --busy-timeout with the busy exit code and
    its one-line message (the driver's own error goes through the same handling as a Core
    statement's), and goes through once the first is gone."""
    from sqlalchemy.orm import Session

    from reconciler.db import open_database
    from reconciler.importing import import_claims
    from reconciler.reading import read_claim_file

    (tmp_path / "s.yaml").write_text("- {name: A, kind: ngo}\n", encoding="utf-8")
    row = {"ref": "b", "source": "A", "date": "2021-04-05", "place": "Avdiivka", "killed": "1",
           "report": "A: bulletin of 5 April"}
    (tmp_path / "c.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert run(pg_url, "sources", "import", str(tmp_path / "s.yaml")).exit_code == 0
    db = open_database(pg_url)
    holder = Session(db.writer)
    try:
        import_claims(holder, read_claim_file(tmp_path / "c.jsonl"), "ana")
        holder.flush()   # its rows written, not committed: the other import meets them
        result = CliRunner().invoke(cli, ["--db", pg_url, "--busy-timeout", "1", "import", str(tmp_path / "c.jsonl")])
        assert result.exit_code == 6, result.output
        assert "another writer held a lock this needed for more than 1 s; try again, or raise --busy-timeout" \
            in result.output
    finally:
        holder.rollback()
        holder.close()
        db.dispose()
    assert run(pg_url, "claims", "--json").stdout.strip() == "[]"
    assert run(pg_url, "import", str(tmp_path / "c.jsonl")).stdout.startswith(f"{tmp_path / 'c.jsonl'}: added 1")


def test_postgres_run_clearing_a_mark_a_correction_holds_waits_and_leaves_it(pg_url, tmp_path):
    """The order reconciler.marks describes: an import has corrected claim a and marked it (not
    yet committed) when the run, which read a before, clears a's mark. The run's delete waits for
    the import's lock on the mark, then finds another version and leaves it for the next run."""
    import threading
    from datetime import date

    from sqlalchemy import text

    from reconciler.db import open_database
    from reconciler.importing import import_claims
    from reconciler.reading import read_claim_file

    fix = _one_claim_stored(pg_url, tmp_path, {"ref": "a", "source": "A", "date": "2021-04-05", "place": "Avdiivka",
                                               "type": "shelling"}, {"date": "2021-04-06"})
    db = open_database(pg_url)
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    errors: list[BaseException] = []
    corrected, commit = threading.Event(), threading.Event()

    def the_correction():
        try:
            with db.write() as session:
                import_claims(session, read_claim_file(fix), "fixer")
                corrected.set()
                assert commit.wait(30)
        except BaseException as exc:   # noqa: BLE001 - reported below
            errors.append(exc)

    fixer = threading.Thread(target=the_correction)
    fixer.start()
    assert corrected.wait(30)
    runner = threading.Thread(target=_run_noting, args=(db, errors))
    runner.start()
    try:
        assert _until(lambda: _lock_waits(plain, "transactionid") == 1)   # the run's delete waits for the import's mark
    finally:
        commit.set()
    fixer.join(30)
    runner.join(30)
    assert errors == []
    with db.read() as session:
        stored = session.execute(text("SELECT date_start, c.version, m.version FROM claims c "
                                      "JOIN claim_marks m ON m.claim_id = c.id WHERE ref = 'a'")).one()
        finished = session.execute(text("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL")).scalar()
    assert tuple(stored) == (date(2021, 4, 6), 2, 2) and finished == 1
    db.dispose()


def test_postgres_a_streamed_import_in_parts_stores_all_or_nothing(pg_url, tmp_path, monkeypatch):
    from cli import claims as cli_claims
    from reconciler import importing

    # Every file streamed, in parts of seven claims: the illustrative claims (51) are eight parts.
    monkeypatch.setattr(cli_claims, "READ_WHOLE_BYTES", 0)
    monkeypatch.setattr(importing, "PART", 7)
    assert run(pg_url, "init").exit_code == 0
    assert run(pg_url, "sources", "import", str(EXAMPLES / "illustrative" / "sources.yaml")).exit_code == 0
    lines = (EXAMPLES / "illustrative" / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines + ['{"source": "Army", "date": "2021-04-06", "killed": "lots"}']) + "\n",
                   encoding="utf-8")
    refused = run(pg_url, "import", str(bad))
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"Error: {bad}:{len(lines) + 1}: field 'killed':")
    assert json.loads(run(pg_url, "claims", "--json").stdout) == []
    imported = run(pg_url, "import", str(EXAMPLES / "illustrative" / "claims.jsonl"))
    assert imported.output.startswith(f"{EXAMPLES / 'illustrative' / 'claims.jsonl'}: added 51, updated 0, "
                                      "already stored 0")
    assert run(pg_url, "run").exit_code == 0
    events = json.loads(run(pg_url, "events", "--json").stdout)
    assert {tuple(sorted(c["ref"] for c in e["claims"])): e["status"] for e in events} == ILLUSTRATIVE


@pytest.mark.parametrize("recent_days", [None, 21])
def test_postgres_an_incremental_run_following_stored_strong_links_equals_a_full_run(pg_url, tmp_path, monkeypatch,
                                                                                    recent_days):
    # The strong links a run keeps (reconciler.strong) read, replaced and written through
    # PostgreSQL's arrays and COPY: after new claims, an incremental run that follows them leaves
    # the tables a full run on a copy of the database leaves. New claims of the last three weeks
    # (windows of dates on in a store of any size): the run loads the claims of their window.
    import sys
    from pathlib import Path

    import psycopg
    from sqlalchemy import text

    from conftest import imported_database
    from reconciler.config import Config
    from reconciler.db import open_database
    from reconciler.importing import import_claims
    from reconciler.places import PlaceNormaliser
    from reconciler.reading import read_claim_file
    from reconciler import runs
    from reconciler.runs import reconcile
    from test_strong_links import TABLES

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import generate

    sources, base, extra, truth = generate.generate_split(1200 if recent_days is None else 4000, 150, seed=29,
                                                          recent_days=recent_days)
    if recent_days is not None:
        monkeypatch.setattr(runs, "WINDOW_MIN", 0)
    data = tmp_path / "data"
    generate.write(data, sources, base, extra, truth)
    db = imported_database(pg_url, data)
    with db.write() as session:
        reconcile(session, "tester", Config(), workers=1)
    with db.write() as session:
        import_claims(session, read_claim_file(data / "claims-extra.jsonl"), "tester", PlaceNormaliser())
    with db.write() as session:
        result = reconcile(session, "tester", Config(), workers=1)
    assert not result.full and len(extra) < result.counts["claims_matched"] < result.counts["claims"]
    if recent_days is not None:
        assert len(extra) < result.counts["claims_loaded"] < result.counts["claims"] / 4
    else:
        assert "claims_loaded" not in result.counts   # new claims of any day: every claim loaded

    def tables(target) -> dict:
        with target.read() as session:
            return {table: [tuple(row) for row in session.execute(text(sql))] for table, sql in TABLES.items()}

    incremental = tables(db)
    assert incremental["strong_links"]
    db.dispose()
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    name, copy = pg_url.rsplit("/", 1)[1], f"{pg_url.rsplit('/', 1)[1]}_full"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    try:
        other = open_database(pg_url.rsplit("/", 1)[0] + "/" + copy)
        with other.write() as session:
            assert reconcile(session, "tester", Config(), full=True, workers=1).full
        assert tables(other) == incremental
        other.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{copy}" WITH (FORCE)')


def test_postgres_a_decision_during_a_run_waits_for_it(pg_url, tmp_path):
    # A decision re-clusters its claims at once, as a run does; `reconcile run`'s lease does not
    # cover it, so on PostgreSQL the two would interleave their writes to links, events and
    # kept strong links. Every run, a decision's too, takes one advisory lock: the decision
    # waits for the run, gives up after --busy-timeout with the busy exit code and changes
    # nothing; once the run has committed it goes through, on what the run wrote.
    import threading

    from sqlalchemy import text

    from reconciler.db import open_database

    assert run(pg_url, "sources", "import", str(EXAMPLES / "illustrative" / "sources.yaml")).exit_code == 0
    assert run(pg_url, "import", str(EXAMPLES / "illustrative" / "claims.jsonl")).exit_code == 0
    assert run(pg_url, "run").exit_code == 0
    ids = {c["ref"]: c["id"] for c in json.loads(run(pg_url, "claims", "--json").stdout)}
    db = open_database(pg_url)
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "clustering" and done == 0:
            holding.set()
            release.wait(30)

    runner = threading.Thread(target=_run_noting, args=(db, errors, progress))
    runner.start()
    try:
        assert holding.wait(20)
        refused = CliRunner().invoke(cli, ["--db", pg_url, "--busy-timeout", "1", "--user", "tester", "link",
                                           str(ids["ill-043"]), str(ids["ill-046"])])
        assert refused.exit_code == 6, refused.output
        assert "try again, or raise --busy-timeout" in refused.output
    finally:
        release.set()
        runner.join(30)
    assert errors == []
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM pair_constraints")).scalar() == 0
    db.dispose()
    assert run(pg_url, "link", str(ids["ill-043"]), str(ids["ill-046"])).exit_code == 0
    together = [sorted(c["ref"] for c in e["claims"]) for e in json.loads(run(pg_url, "events", "--json").stdout)]
    assert ["ill-043", "ill-046"] in together

