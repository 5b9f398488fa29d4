"""Scoring a run's pairs, explaining its links and grading its events over several processes
gives the run it gives in one."""

from __future__ import annotations

import math
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import generated_database, imported_database
from reconciler import runs, scoring
from reconciler.config import Config
from reconciler.importing import import_claims
from reconciler.places import PlaceNormaliser
from reconciler.reading import read_claim_file
from reconciler.runs import reconcile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import generate  # noqa: E402

TABLES = {
    "events": "SELECT id, status, reason, n_claims, n_origins, origins, date_start, date_end, place_key, "
              "killed_low, killed_best, killed_high, active, version FROM events ORDER BY id",
    "claim_links": "SELECT claim_id, event_id, score, partner_claim_id, components, explanation FROM claim_links "
                   "ORDER BY claim_id",
    "review_pairs": "SELECT claim_a, claim_b, score FROM review_pairs ORDER BY claim_a, claim_b",
}


def _run(tmp_path: Path, name: str, data: Path, workers: int, extra: Path | None = None) -> tuple[dict, dict]:
    """A run over ``workers`` processes on ``data``'s claims (with ``extra``: a first run in one
    process, then ``extra``'s claims imported and an incremental run over ``workers``): its
    counts and the tables after it."""
    db = imported_database(tmp_path / name, data)
    if extra is not None:
        with db.write() as session:
            reconcile(session, "tester", Config(), workers=1)
        with db.write() as session:
            import_claims(session, read_claim_file(extra), "tester", PlaceNormaliser())
    with db.write() as session:
        result = reconcile(session, "tester", Config(), workers=workers)
    with db.read() as session:
        rows = {table: session.execute(text(sql)).all() for table, sql in TABLES.items()}
    db.dispose()
    return result.counts, rows


def _strong_groups(path: Path) -> int:
    """How many groups the strong links a run kept join (each of two claims or more)."""
    con = sqlite3.connect(path)
    try:
        pairs = con.execute("SELECT claim_a, claim_b FROM strong_links").fetchall()
    finally:
        con.close()
    root: dict[int, int] = {}

    def find(x: int) -> int:
        while root.setdefault(x, x) != x:
            x = root[x]
        return x

    for a, b in pairs:
        root[find(a)] = find(b)
    return len({find(x) for x in root})


_REAL_TASK, _REAL_SETTLE, _REAL_HINTS = scoring._score_task, scoring._settle_task, runs._hint_task
_REAL_LINKS, _REAL_GRADES, _REAL_CLUSTERS = runs._link_task, runs._grade_task, runs._cluster_task
_TASKS_SEEN: list[Path] = []


def _spy(kind: str, real, task: list):
    """A task as a worker runs it, leaving a line with its kind, the worker's process id and its size."""
    with _TASKS_SEEN[0].open("a") as seen:
        seen.write(f"{kind} {os.getpid()} {len(task)}\n")
    return real(task)


def _spy_task(nodes: list[int]):
    return _spy("score", _REAL_TASK, nodes)


def _spy_settle(nodes: list):
    return _spy("settle", _REAL_SETTLE, nodes)


def _spy_hints(task: list):
    return _spy("hints", _REAL_HINTS, task)


def _spy_links(task: list):
    return _spy("links", _REAL_LINKS, task)


def _spy_grades(task: list):
    return _spy("grades", _REAL_GRADES, task)


def _spy_clusters(task: list):
    return _spy("clusters", _REAL_CLUSTERS, task)


@pytest.mark.skipif(not scoring.can_fork(), reason="several processes need fork")
def test_a_run_over_several_processes_equals_one_in_a_single_process(tmp_path, monkeypatch):
    sources, claims, truth = generate.generate(2500, seed=11)
    data = tmp_path / "data"
    generate.write(data, sources, claims, [], truth)
    alone_counts, alone = _run(tmp_path, "one.sqlite", data, workers=1)
    # Small tasks, so that pairs proposed by two tasks are met (each counts once), and no minimum.
    monkeypatch.setattr(scoring, "PARALLEL_MIN", 0)
    monkeypatch.setattr(scoring, "TASK_CLAIMS", 97)
    _TASKS_SEEN[:] = [tmp_path / "tasks.txt"]
    monkeypatch.setattr(scoring, "_score_task", _spy_task)
    monkeypatch.setattr(runs, "_link_task", _spy_links)
    monkeypatch.setattr(runs, "_grade_task", _spy_grades)
    monkeypatch.setattr(runs, "_cluster_task", _spy_clusters)
    pooled_counts, pooled = _run(tmp_path, "pool.sqlite", data, workers=2)
    # Every claim was in one scoring task of 97 (the last one shorter), and every event in one
    # task of 97 events for its links and one for its grade, all run in other processes than this.
    tasks = [line.split() for line in (tmp_path / "tasks.txt").read_text().splitlines()]
    by_kind = {kind: [int(n) for k, _pid, n in tasks if k == kind]
               for kind in ("score", "links", "grades", "clusters")}
    assert len(by_kind["score"]) == math.ceil(len(claims) / 97) and sum(by_kind["score"]) == len(claims)
    events = alone_counts["events"]
    assert len(by_kind["links"]) == len(by_kind["grades"]) == math.ceil(events / 97)
    assert sum(by_kind["links"]) == sum(by_kind["grades"]) == events
    # The groups strong links join, those of several claims, were clustered there too: each in
    # one task, in at most four tasks a worker (each but the last holding more than an eighth of
    # the groups' pairs).
    assert 2 <= len(by_kind["clusters"]) <= 8 and sum(by_kind["clusters"]) == _strong_groups(tmp_path / "one.sqlite")
    assert os.getpid() not in {int(pid) for _kind, pid, _n in tasks}
    # And the run is the same, row for row.
    assert alone_counts["pairs_scored"] > 2500 and alone_counts["events"] > 500
    assert pooled_counts == alone_counts
    for table in TABLES:
        assert pooled[table] == alone[table], table


@pytest.mark.skipif(not scoring.can_fork(), reason="several processes need fork")
def test_an_incremental_run_scoring_its_waves_over_several_processes_equals_one_in_a_single_process(
        tmp_path, monkeypatch):
    sources, base, extra, truth = generate.generate_split(2500, 250, seed=13)
    data = tmp_path / "data"
    generate.write(data, sources, base, extra, truth)
    alone_counts, alone = _run(tmp_path, "one.sqlite", data, 1, extra=data / "claims-extra.jsonl")
    monkeypatch.setattr(scoring, "WAVE_PAIRS_MIN", 0)   # every wave over the pool, however small
    monkeypatch.setattr(scoring, "SETTLE_PARALLEL_MIN", 0)   # and the settling of the groups reached
    monkeypatch.setattr(scoring, "PARALLEL_MIN", 0)     # and the grades and links of the events written
    monkeypatch.setattr(runs, "HINTS_PARALLEL_MIN", 0)  # and the place hints near the new claims
    _TASKS_SEEN[:] = [tmp_path / "tasks.txt"]
    monkeypatch.setattr(scoring, "_score_task", _spy_task)
    monkeypatch.setattr(scoring, "_settle_task", _spy_settle)
    monkeypatch.setattr(runs, "_hint_task", _spy_hints)
    pooled_counts, pooled = _run(tmp_path, "pool.sqlite", data, 2, extra=data / "claims-extra.jsonl")
    seen = [line.split() for line in (tmp_path / "tasks.txt").read_text().splitlines()]
    # The place hints of the claims without a place near the new ones were worked out in other
    # processes (runs._hint_neighbours), a few claims a task.
    hinted = [n for kind, _pid, n in seen if kind == "hints"]
    assert len(hinted) >= 2 and all(int(n) >= 1 for n in hinted)
    # The incremental run's claims were scored in other processes than this one, each claim at
    # most once (the first run, in one process, sent none): its new claims in waves, the stored
    # claims their links reached when settling their groups; a wave too small to split into two
    # tasks is scored here.
    tasks = [task for task in seen if task[0] != "hints"]
    assert {kind for kind, _pid, _n in tasks} == {"score", "settle"}
    assert os.getpid() not in {int(pid) for _kind, pid, _n in seen}
    sent = sum(int(n) for _kind, _pid, n in tasks)
    assert 0.9 * alone_counts["claims_matched"] <= sent <= alone_counts["claims_matched"]
    assert alone_counts["claims_matched"] > 250
    assert alone_counts["claims_matched"] < alone_counts["claims"]   # an incremental run, not a full one
    assert pooled_counts == alone_counts
    for table in TABLES:
        assert pooled[table] == alone[table], table


def test_a_full_run_replaces_the_whole_review_queue(tmp_path):
    # A run that re-decides every claim clears the queue in one statement: a pair queued by an
    # earlier run that the claims no longer make goes, and the queue is the one a first run makes.
    db, claims = generated_database(tmp_path, 1500, 17, "queue")
    with db.write() as session:
        reconcile(session, "tester", Config(), workers=1)
    with db.read() as session:
        first = session.execute(text(TABLES["review_pairs"])).all()
        a, b = session.execute(text("SELECT MIN(id), MAX(id) FROM claims")).one()
    assert len(first) > 20 and (a, b) not in {(x, y) for x, y, _s in first}
    with db.write() as session:   # a stale pair, as a run with other claims or settings left it
        session.execute(text("INSERT INTO review_pairs (claim_a, claim_b, score, components, explanation, run_id) "
                             "VALUES (:a, :b, 4.0, '{}', '', 1)"), {"a": a, "b": b})
    with db.write() as session:
        counts = reconcile(session, "tester", Config(), full=True, workers=1).counts
    with db.read() as session:
        again = session.execute(text(TABLES["review_pairs"])).all()
    db.dispose()
    assert counts["claims_matched"] == len(claims)
    assert again == first


def test_the_groups_are_clustered_in_tasks_of_about_equal_numbers_of_pairs_in_order():
    groups = [[1, 2], [3, 4, 5], [6], [7, 8, 9, 10], [11, 12]]
    several = [0, 1, 3, 4]   # the single claim is no task's: it is its own event
    # Pairs weigh as the square of a group's size: 4, 9, 16, 4 (33); two tasks of more than 16.
    assert runs._group_tasks(several, groups, 2) == [[0, 1, 3], [4]]
    assert runs._group_tasks(several, groups, 1) == [[0, 1, 3, 4]]
    assert runs._group_tasks([], groups, 8) == []


@pytest.mark.skipif(not scoring.can_fork(), reason="several processes need fork")
def test_people_s_decisions_hold_where_groups_are_clustered_over_several_processes(tmp_path, monkeypatch):
    # A person links two claims of different events and unlinks two of one; then every claim is
    # re-decided, once in one process and once over two with clustering shared out (each group
    # with its people's links and unlinks): the same tables, strong links too.
    from reconciler import decisions

    sources, claims, truth = generate.generate(2500, seed=11)
    data = tmp_path / "data"
    generate.write(data, sources, claims, [], truth)
    tables = TABLES | {"strong_links": "SELECT claim_a, claim_b FROM strong_links ORDER BY claim_a, claim_b",
                       "decisions": "SELECT claim_a, claim_b, kind FROM pair_constraints ORDER BY claim_a, claim_b"}
    found = {}
    for workers in (1, 2):
        db = imported_database(tmp_path / f"{workers}.sqlite", data)
        with db.write() as session:
            reconcile(session, "tester", Config(), workers=1)
        with db.read() as session:
            (a, b), (c, d) = session.execute(text(
                "SELECT x.claim_id, y.claim_id FROM claim_links x JOIN claim_links y ON x.event_id = y.event_id "
                "AND x.claim_id < y.claim_id ORDER BY x.claim_id LIMIT 2")).all()
            e = session.scalar(text("SELECT claim_id FROM claim_links WHERE event_id <> "
                                    "(SELECT event_id FROM claim_links WHERE claim_id = :a) ORDER BY claim_id LIMIT 1"),
                               {"a": a})
        with db.write() as session:
            decisions.unlink(session, "tester", a, b)
        with db.write() as session:
            decisions.link(session, "tester", c, e)
        if workers == 2:
            monkeypatch.setattr(scoring, "PARALLEL_MIN", 0)
            _TASKS_SEEN[:] = [tmp_path / "tasks.txt"]
            monkeypatch.setattr(runs, "_cluster_task", _spy_clusters)
        with db.write() as session:
            counts = reconcile(session, "tester", Config(), full=True, workers=workers).counts
        with db.read() as session:
            found[workers] = (counts, {t: session.execute(text(sql)).all() for t, sql in tables.items()})
        db.dispose()
    assert len(found[1][1]["decisions"]) == 2
    clustered = [line.split() for line in (tmp_path / "tasks.txt").read_text().splitlines()]
    assert len(clustered) >= 2 and os.getpid() not in {int(pid) for _kind, pid, _n in clustered}
    assert found[2][0] == found[1][0]
    for table in tables:
        assert found[2][1][table] == found[1][1][table], table
