"""Many fact-checkers on one file: real processes, a real SQLite file, no mocks.

The 60-second soak is `python bench/soak.py`; a short one runs here.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

SOURCES = "- {name: North, kind: government, side: North}\n- {name: Mission, kind: intergovernmental}\n"


def reconcile(db: Path, *args: str, user: str = "tester", wait: bool = True, **kwargs):
    command = [sys.executable, "-m", "cli", "--db", str(db), "--user", user, *args]
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, **kwargs)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs)


def write_claims(path: Path, n: int, prefix: str = "c") -> Path:
    """``n`` distinct claims: pairs of reports (North, then the Mission) of one incident a day."""
    places = ["Avdiivka", "Horlivka", "Mariupol", "Bakhmut", "Popasna", "Zolote", "Marinka"]
    start = date(2001, 1, 1).toordinal()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            incident = i // 2
            fh.write(json.dumps({
                "ref": f"{prefix}{i}", "source": "North" if i % 2 else "Mission",
                "date": date.fromordinal(start + incident).isoformat(), "place": places[incident % len(places)],
                "type": "shelling", "victims": "civilians", "killed": str(i % 3), "text": f"claim {prefix}{i}"}) + "\n")
    return path


def count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    db = tmp_path / "shared.sqlite"
    (tmp_path / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    result = reconcile(db, "sources", "import", str(tmp_path / "sources.yaml"))
    assert result.returncode == 0, result.stderr
    return db


def wait_for_wal(db: Path, process: subprocess.Popen, size: int, timeout: float = 60.0) -> bool:
    """Wait until the write-ahead log holds ``size`` bytes (the transaction is under way)."""
    wal = Path(str(db) + "-wal")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size >= size:
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
def test_soak_short_many_processes_one_file(tmp_path: Path):
    from soak import soak

    report = soak(str(tmp_path / "soak.sqlite"), workers=8, seconds=4)
    assert report["checks"] == {"every_claim_once": True, "every_decision_once": True, "integrity_check": "ok",
                                "audit_chain": True, "no_worker_error": True}, report
    assert report["operations"]["imports"] > 0 and report["operations"]["runs"] > 0
    assert report["operations"]["decisions"] > 0


@pytest.mark.slow
def test_kill_during_import_leaves_nothing_and_the_retry_completes(shared: Path, tmp_path: Path):
    claims = write_claims(tmp_path / "big.jsonl", 20000)
    before = count(shared, "SELECT count(*) FROM claims")
    process = reconcile(shared, "import", str(claims), wait=False)
    started = wait_for_wal(shared, process, 1_000_000)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert started, "the import finished before it could be killed; make the file larger"
    assert integrity(shared) == "ok"
    assert count(shared, "SELECT count(*) FROM claims") == before  # all or nothing
    again = reconcile(shared, "import", str(claims))
    assert again.returncode == 0, again.stderr
    assert count(shared, "SELECT count(*) FROM claims") == 20000
    assert count(shared, "SELECT count(DISTINCT ref) FROM claims") == 20000


@pytest.mark.slow
def test_kill_during_run_leaves_the_database_as_it_was_and_the_retry_completes(shared: Path, tmp_path: Path):
    assert reconcile(shared, "import", str(write_claims(tmp_path / "big.jsonl", 20000))).returncode == 0
    process = reconcile(shared, "run", wait=False)
    started = wait_for_wal(shared, process, 2_000_000)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert started, "the run finished before it could be killed"
    assert integrity(shared) == "ok"
    assert count(shared, "SELECT count(*) FROM events") == 0
    assert count(shared, "SELECT count(*) FROM runs") == 0
    # The killed run's lease names a process that is gone: the next run takes it over at once.
    again = reconcile(shared, "run", "--wait", "5")
    assert again.returncode == 0, again.stderr
    assert count(shared, "SELECT count(*) FROM claim_links") == 20000
    assert count(shared, "SELECT count(*) FROM claim_marks") == 0


def test_two_concurrent_decisions_on_one_event_one_wins_one_conflicts(shared: Path, tmp_path: Path):
    (tmp_path / "c.jsonl").write_text(json.dumps({"ref": "a", "source": "North", "date": "2031-05-01",
                                                  "place": "Avdiivka", "type": "shelling"}) + "\n")
    assert reconcile(shared, "import", str(tmp_path / "c.jsonl")).returncode == 0
    assert reconcile(shared, "run").returncode == 0
    version = json.loads(reconcile(shared, "show", "1", "--json").stdout)["version"]
    # Both people looked at version `version`, and decide at the same moment.
    first = reconcile(shared, "grade", "1", "--status", "contested", "--reason", "alice's reason",
                      "--if-version", str(version), user="alice", wait=False)
    second = reconcile(shared, "grade", "1", "--status", "unverified", "--reason", "bob's reason",
                       "--if-version", str(version), user="bob", wait=False)
    outcomes = sorted([(p.wait(timeout=120), p.stderr.read()) for p in (first, second)])
    assert [code for code, _ in outcomes] == [0, 5]
    assert "was changed by" in outcomes[1][1] and "you decided on version" in outcomes[1][1]
    assert "Traceback" not in outcomes[1][1]
    grades = count(shared, "SELECT count(*) FROM audit_log WHERE action = 'grade'")
    assert grades == 1


def test_second_run_waits_then_names_the_holder(shared: Path):
    from reconciler.db import open_database
    from reconciler.lease import run_lease

    db = open_database(str(shared))
    with run_lease(db, "alice"):
        started = time.monotonic()
        result = reconcile(shared, "run", "--wait", "1", user="bob")
        waited = time.monotonic() - started
    db.dispose()
    assert result.returncode == 6
    assert result.stderr.startswith(f"Error: another run is in progress: alice (process {os.getpid()} on ")
    assert result.stderr.rstrip().endswith("waited 1 s (--wait to wait longer)")
    assert waited >= 1.0


def test_expired_lease_of_another_host_is_taken_over(shared: Path):
    con = sqlite3.connect(shared)
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    con.execute("INSERT INTO run_lease (id, holder, host, pid, token, acquired_at, expires_at) "
                "VALUES (1, 'carol', 'another-host', 4242, 'x', ?, ?)",
                ((past - timedelta(hours=1)).isoformat(), past.isoformat()))
    con.commit()
    con.close()
    result = reconcile(shared, "run", "--wait", "0")
    assert result.returncode == 0, result.stderr
    assert count(shared, "SELECT count(*) FROM run_lease") == 0


def test_locked_database_gives_a_one_line_message_not_a_traceback(shared: Path):
    holder = sqlite3.connect(shared, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = reconcile(shared, "--busy-timeout", "0.5", "sources", "add", "Someone")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 6
    assert result.stderr == ("Error: the database stayed locked by another writer for more than 0.5 s; "
                             "try again, or raise --busy-timeout\n")
