"""What one change costs a run: two versions of reconcile side by side on identical data.

The benchmark's wall-clock figures move by a tenth from one run to the next on a shared
machine; this times only the step asked for, in a fresh process, as wall and CPU seconds, so
that runs of two versions can be interleaved and their medians compared. The version measured
is the `reconciler` first on the path: put another checkout first with PYTHONPATH.

    python bench/runcost.py prepare DATA OUT     # import DATA (bench/generate.py's output), first run
    python bench/runcost.py time OUT full        # a full run on the imported claims (and when each
                                                 # stage began: loading, matching, clustering, writing)
    python bench/runcost.py time OUT inc DATA    # DATA's claims-extra.jsonl imported (import_wall), a run
    python bench/runcost.py time OUT import DATA # DATA's claims into a new file, read as stored
    python bench/runcost.py time OUT check       # the content check alone (reconciler.content)
    python bench/runcost.py time OUT verify      # `audit verify`: the chain, then every row

Example, the previous commit against this one (OUT directories kept apart):

    git archive HEAD~1 | tar -x -C /tmp/before
    (cd /tmp/before && PYTHONPATH=/tmp/before python bench/runcost.py prepare DATA /tmp/A)
    python bench/runcost.py prepare DATA /tmp/B
    for i in 1 2 3 4 5; do
      (cd /tmp/before && PYTHONPATH=/tmp/before python bench/runcost.py time /tmp/A full)
      python bench/runcost.py time /tmp/B full
    done
"""

from __future__ import annotations

import inspect
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import _snapshot as _copy  # noqa: E402  (a consistent copy of a WAL database)


def _import(data: Path, target: Path):
    """A new file at ``target`` holding DATA's sources and claims, imported as `reconcile import`
    does (the claims read as they are stored; the sources and the gazetteer's loading untimed);
    returns (database, the import's timing)."""
    from reconciler import schema
    from reconciler.db import open_database
    from reconciler.importing import import_claims
    from reconciler.limits import Limits
    from reconciler.places import PlaceNormaliser
    from reconciler.reading import claim_records
    from reconciler.sources import import_sources, read_source_file

    target.unlink(missing_ok=True)
    db = open_database(str(target))
    schema.upgrade(db)
    with db.write() as session:
        import_sources(session, read_source_file(data / "sources.yaml"), "bench", "sources.yaml")
    normaliser = PlaceNormaliser()   # the gazetteer loaded before the clock starts
    wall, cpu = time.perf_counter(), time.process_time()
    problems: list = []
    # As `reconcile import` reads a large claims file: in a process beside (a version before that
    # had no such option).
    beside = {"read_beside": True} if "read_beside" in inspect.signature(import_claims).parameters else {}
    with db.write() as session:
        import_claims(session, claim_records(data / "claims.jsonl", Limits(), problems), "bench", normaliser,
                      problems=problems, **beside)
    return db, {"step": "import", "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def prepare(data: Path, out: Path) -> dict:
    """OUT/imported.sqlite: sources and claims imported as the benchmark does; OUT/ran.sqlite:
    after the first run."""
    from reconciler.config import Config
    from reconciler.runs import reconcile

    out.mkdir(parents=True, exist_ok=True)
    work = out / "work.sqlite"
    db, timing = _import(data, work)
    _copy(work, out / "imported.sqlite")
    with db.write() as session:
        reconcile(session, "bench", Config())
    db.dispose()
    _copy(work, out / "ran.sqlite")
    work.unlink()
    return timing


def time_import(out: Path, data: Path) -> dict:
    """The import of DATA's claims into a new file (OUT/timing-import.sqlite, removed after)."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "timing-import.sqlite"
    db, timing = _import(data, target)
    db.dispose()
    target.unlink()
    return timing


def time_step(out: Path, step: str, data: Path | None) -> dict:
    from reconciler.config import Config
    from reconciler.db import open_database
    from reconciler.importing import import_claims
    from reconciler.places import PlaceNormaliser
    from reconciler.reading import read_claim_file
    from reconciler.runs import reconcile

    target = out / f"timing-{step}.sqlite"
    _copy(out / ("imported.sqlite" if step == "full" else "ran.sqlite"), target)
    db = open_database(str(target))
    extra = {}
    PlaceNormaliser()   # the gazetteer loaded before the clock starts
    if step == "inc":   # timed apart: the import of the claims, then the run
        wall = time.perf_counter()
        with db.write() as session:
            import_claims(session, read_claim_file(data / "claims-extra.jsonl"), "bench", PlaceNormaliser())
        extra["import_wall"] = time.perf_counter() - wall
    wall, cpu = time.perf_counter(), time.process_time()
    if step in ("full", "inc"):
        # When each stage began, in seconds from the run's start (the run's progress stages).
        stages: list[list] = []

        def progress(stage: str, _done: int, _total: int | None) -> None:
            if not stages or stages[-1][0] != stage:
                stages.append([stage, round(time.perf_counter() - wall, 1)])

        with db.write() as session:
            reconcile(session, "bench", Config(), progress=progress)
        extra["stages"] = stages
    elif step == "check":
        from reconciler import content

        with db.write() as session:
            content.check_run(session, "bench")
    elif step == "verify":
        from reconciler import audit, content

        with db.read() as session:
            assert audit.verify(session).ok and not content.verify(session).findings
    else:
        raise SystemExit(f"unknown step {step!r}; expected full, inc, check or verify")
    timing = {"step": step, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu} | extra
    db.dispose()
    target.unlink()
    return timing


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "prepare":
        print(json.dumps(prepare(Path(argv[1]), Path(argv[2]))))
        return 0
    if len(argv) >= 4 and argv[:3:2] == ["time", "import"]:
        print(json.dumps(time_import(Path(argv[1]), Path(argv[3]))))
        return 0
    if len(argv) >= 3 and argv[0] == "time":
        print(json.dumps(time_step(Path(argv[1]), argv[2], Path(argv[3]) if len(argv) > 3 else None)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
