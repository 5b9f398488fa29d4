"""Soak test: several processes share one SQLite file for a while, mixing every kind of work.

    python bench/soak.py --workers 8 --seconds 60

Each worker process loops until the deadline over: importing a small file of claims of its
own (distinct refs), running reconciliation, deciding (a manual grade with --if-version, as a
person who looked at the event would), and reading. Afterwards the script checks that every
imported claim is present once, every successful decision is recorded once in the audit
trail (and no failed one), ``PRAGMA integrity_check`` is ok, the audit chain verifies, and no
worker died of a lock error. It prints the operations done, retries and the longest wait.

The test suite runs a short version (tests/test_concurrency.py).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import sqlite3
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCES = """\
- {name: Government of North, kind: government, side: North}
- {name: North Army, kind: military, parent: Government of North, side: North}
- {name: Government of South, kind: government, side: South}
- {name: Monitoring Mission, kind: intergovernmental}
- {name: Wire Agency, kind: media}
"""
PLACES = ["Avdiivka", "Авдеевка", "Horlivka", "Горлівка", "Mariupol", "Bakhmut", "Artemivsk", "Popasna"]
ORIGINS = ["North Army", "Government of South", "Monitoring Mission"]


def claims_for(worker: int, batch: int, rng: random.Random) -> list[dict]:
    rows = []
    for i in range(5):
        day = rng.randint(1, 20)
        rows.append({"ref": f"w{worker}-b{batch}-{i}", "source": rng.choice(ORIGINS), "via": ["Wire Agency"],
                     "date": f"2031-05-{day:02d}", "place": rng.choice(PLACES), "type": rng.choice(["shelling", "sniper fire"]),
                     "victims": rng.choice(["soldiers", "civilians"]), "killed": str(rng.randint(0, 4)),
                     "text": f"report w{worker}-b{batch}-{i}"})
    return rows


def worker(db_path: str, index: int, seconds: float, queue: mp.Queue) -> None:
    from reconciler import decisions
    from reconciler.config import Config
    from reconciler.db import open_database, retry_busy
    from reconciler.errors import BusyError, ConflictError, RunLockedError
    from reconciler.events import list_events
    from reconciler.claims import ClaimFilter, list_claims
    from reconciler.importing import import_claims
    from reconciler.lease import run_lease
    from reconciler.places import PlaceNormaliser
    from reconciler.reading import read_claim_file
    from reconciler.runs import reconcile

    rng = random.Random(index)
    db = open_database(db_path, busy_timeout=30)
    normaliser = PlaceNormaliser()
    stats = {"worker": index, "imports": 0, "claims": [], "runs": 0, "runs_waited_out": 0, "decisions": [],
             "conflicts": 0, "reads": 0, "busy_retries": 0, "longest_wait": 0.0, "error": None}
    tmp = Path(tempfile.mkdtemp(prefix=f"soak-{index}-"))
    deadline = time.monotonic() + seconds
    batch = 0

    def timed(fn):
        attempts = 0

        def once():
            nonlocal attempts
            attempts += 1
            with db.write() as session:
                return fn(session)

        started = time.monotonic()
        try:
            return retry_busy(once, attempts=5)
        finally:
            stats["busy_retries"] += attempts - 1
            stats["longest_wait"] = max(stats["longest_wait"], time.monotonic() - started)

    try:
        while time.monotonic() < deadline:
            op = rng.choices(["import", "run", "decide", "read"], weights=[3, 1, 3, 3])[0]
            if op == "import":
                rows = claims_for(index, batch, rng)
                path = tmp / f"b{batch}.jsonl"
                path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
                claims = read_claim_file(path)
                timed(lambda s: import_claims(s, claims, f"worker{index}", normaliser))
                stats["imports"] += 1
                stats["claims"].extend(r["ref"] for r in rows)
                batch += 1
            elif op == "run":
                started = time.monotonic()
                try:
                    with run_lease(db, f"worker{index}", wait=20):
                        timed(lambda s: reconcile(s, f"worker{index}", Config()))
                    stats["runs"] += 1
                except RunLockedError:
                    stats["runs_waited_out"] += 1
                stats["longest_wait"] = max(stats["longest_wait"], time.monotonic() - started)
            elif op == "decide":
                with db.read() as session:
                    events = list_events(session)
                if not events:
                    continue
                event = rng.choice(events)
                reason = f"soak worker {index} decision {len(stats['decisions']) + stats['conflicts']}"
                time.sleep(rng.random() * 0.05)  # a person looks at the event before deciding
                try:
                    timed(lambda s: decisions.grade(s, f"worker{index}", event["id"], "contested", reason,
                                                    if_version=event["version"]))
                    stats["decisions"].append(reason)
                except ConflictError:
                    stats["conflicts"] += 1
            else:
                with db.read() as session:
                    list_events(session)
                    list_claims(session, ClaimFilter(place="Avdiivka"), normaliser)
                stats["reads"] += 1
    except BusyError as exc:
        stats["error"] = f"lock error: {exc}"
    except Exception:  # noqa: BLE001 - reported, and the check fails on it
        stats["error"] = traceback.format_exc()
    finally:
        db.dispose()
        queue.put(stats)


def soak(db_path: str, workers: int, seconds: float) -> dict:
    """Run the soak against a fresh database at ``db_path`` and check the outcome."""
    from reconciler import audit, schema
    from reconciler.db import open_database
    from reconciler.sources import import_sources, read_source_file

    db = open_database(db_path)
    schema.upgrade(db)
    sources = Path(tempfile.mkdtemp()) / "sources.yaml"
    sources.write_text(SOURCES, encoding="utf-8")
    with db.write() as session:
        import_sources(session, read_source_file(sources), "setup")
    # A few events to decide on from the first second.
    from reconciler.config import Config
    from reconciler.importing import import_claims
    from reconciler.places import PlaceNormaliser
    from reconciler.reading import read_claim_file
    from reconciler.runs import reconcile

    seed = sources.parent / "seed.jsonl"
    seed.write_text("".join(json.dumps(r) + "\n" for r in claims_for(-1, 0, random.Random(0))), encoding="utf-8")
    with db.write() as session:
        import_claims(session, read_claim_file(seed), "setup", PlaceNormaliser())
        reconcile(session, "setup", Config())
    db.dispose()

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(db_path, i, seconds, queue)) for i in range(workers)]
    started = time.monotonic()
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    elapsed = time.monotonic() - started

    con = sqlite3.connect(db_path)
    refs = [r for (r,) in con.execute("SELECT ref FROM claims")]
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    grade_reasons = [json.loads(a)["reason"] for (a,) in con.execute(
        "SELECT after FROM audit_log WHERE action = 'grade'")]
    con.close()
    db = open_database(db_path)
    with db.read() as session:
        chain = audit.verify(session)
    db.dispose()

    imported = [f"w-1-b0-{i}" for i in range(5)] + [r for s in results for r in s["claims"]]
    decided = [d for s in results for d in s["decisions"]]
    report = {
        "workers": workers, "seconds": round(elapsed, 1),
        "operations": {k: sum(s[k] for s in results) for k in ("imports", "runs", "reads", "conflicts", "runs_waited_out")}
        | {"decisions": len(decided)},
        "busy_retries": sum(s["busy_retries"] for s in results),
        "longest_wait_s": round(max(s["longest_wait"] for s in results), 2),
        "checks": {
            "every_claim_once": sorted(refs) == sorted(imported) and len(set(refs)) == len(refs),
            "every_decision_once": sorted(grade_reasons) == sorted(decided),
            "integrity_check": integrity,
            "audit_chain": chain.ok,
            "no_worker_error": all(s["error"] is None for s in results) and all(p.exitcode == 0 for p in procs),
        },
        "errors": [s["error"] for s in results if s["error"]],
    }
    report["ok"] = (report["checks"]["every_claim_once"] and report["checks"]["every_decision_once"]
                    and integrity == "ok" and chain.ok and report["checks"]["no_worker_error"])
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--db", help="database file (default: a new temporary file)")
    args = parser.parse_args()
    db_path = args.db or str(Path(tempfile.mkdtemp(prefix="soak-")) / "soak.sqlite")
    report = soak(db_path, args.workers, args.seconds)
    print(json.dumps(report, indent=2))
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
