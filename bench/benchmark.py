"""Timing and accuracy of `reconcile` on synthetic claims with known ground truth.

For each size, claims are generated first (not timed, bench/generate.py), with
``--incremental`` more claims held back: about 70 % about incidents not reported before,
the rest new reports about incidents already stored (of any day; with ``--extra-days DAYS``
of the incidents of the last DAYS days, as a desk's new claims are). Then, per repeat, a fresh
subprocess (so that peak memory is that of one size) with a fresh SQLite file in WAL mode:

1. init: create the schema (what `reconcile init` does);
2. import: `sources import` and `import` through the library, as the CLI calls them for a
   large file (read_source_file + import_sources; claim_records streamed into import_claims
   in one write transaction), the claims in a forked process of their own, as `reconcile
   import` is a process of its own;
3. run: ``reconcile(session, user, Config())`` in one write transaction (a first run is full);
4. incremental: import the held-back claims, then an incremental run.

Peak memory is the subprocess's ru_maxrss, read before any evaluation; "worker peak" is
the largest of the processes it forked: a run's, to score pairs and grade events (their own
ru_maxrss: pages still shared with the parent count in both), and the import's; "file MB" is the SQLite file
after the first run, its write-ahead log checkpointed into it. Timings are
medians over the repeats (min and max beside them). The first repeat is then scored
against the truth: after the first run against the grades the base claims give, after
the incremental run against the grades of all claims. It also re-runs with ``full=True``
and checks that the incremental run gave the same events.

With ``--postgres URL`` (``postgresql+psycopg://user@/db?host=/var/run/postgresql``; needs the
``postgres`` extra) every size is measured on SQLite and then on that PostgreSQL server, each
repeat in a fresh database (``CREATE DATABASE``, dropped afterwards) when the user may create
databases, else in the URL's database with its tables dropped first (refused when it holds
tables that are not a reconcile schema); the table has a row per store. Peak memory is the
worker's, the client's: the server's own is not counted. A server that does not answer stops
the benchmark before anything is measured (exit 2).

When Splink 5 is installed (``pip install -e '.[bench]'``; ``--no-splink`` skips it), each size
is also matched by Splink with DuckDB on the same claims, in a subprocess of its own per repeat
(bench/splink_match.py, whose docstring gives the model, blocking, training and threshold):
matching only, no grades, timed from reading the claims file to the clusters, scored with the
same pairwise and B-cubed measures, and compared as "reconcile (import+run) vs Splink
(matching): ratio". Without Splink one line says so and the rest runs.

With ``--baseline DIR`` (a checkout of another commit, e.g. ``git worktree add /tmp/prev
HEAD~1``), the first repeat of each size is also run by that code (bench/baseline.py: its own
CLI, ``PYTHONPATH=DIR``, its own SQLite file: import and a full run) and its events (as sets of
claim refs) and each event's status and reason are compared with this code's after its first
run; any difference is printed with examples and the benchmark exits 1.

Example:

    python bench/benchmark.py --sizes 1000 10000 --repeat 1
    python bench/benchmark.py --sizes 100000 --repeat 3 --save bench-100k.json
    python bench/benchmark.py --show bench-100k.json
    python bench/benchmark.py --sizes 10000 --repeat 1 --set figures_differ=0   # an ablation
    python bench/benchmark.py --sizes 100000 1000000 --repeat 1 --postgres postgresql+psycopg://me@/bench
    python bench/benchmark.py --sizes 10000 --repeat 1 --baseline /tmp/prev    # same events as HEAD~1?
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from .world import SPAN_DAYS
except ImportError:   # run as a script from bench/, not as the bench package
    from world import SPAN_DAYS

HERE = Path(__file__).resolve().parent
USER = "bench"
TIMINGS = ("init", "import", "run", "total", "inc_import", "inc_run")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _workers_peak_mb() -> float:
    """The largest peak of a process this one forked and waited for (a run's scoring pool)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _file_mb(db_path: Path) -> float:
    """The SQLite file's size with its write-ahead log checkpointed into it."""
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return sum(p.stat().st_size for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists()) / 1e6


def _import(db, target: str, path: Path) -> dict:
    """Import a claims file as `reconcile import` does, in a process of its own (it is one:
    the import's memory is not the run's; its peak counts among the children's): read a part
    at a time as it is stored, in one write transaction. Returns the summary's figures."""
    from reconciler.processes import Beside, can_fork

    if not can_fork():
        return _import_here(target, path)
    db.dispose()   # no connection of this process's is used in the forked one
    return Beside(_import_apart, (target, path), may_fork=True).result()   # it reads beside, as `reconcile import` does


def _import_apart() -> dict:
    from reconciler.processes import shared

    return _import_here(*shared())


def _import_here(target: str, path: Path) -> dict:
    from reconciler.db import open_database
    from reconciler.importing import import_claims
    from reconciler.limits import Limits
    from reconciler.places import PlaceNormaliser
    from reconciler.reading import claim_records

    problems: list = []
    db = open_database(target)
    try:
        with db.write() as session:
            # Read as `reconcile import` reads a large claims file: in a process beside.
            summary = import_claims(session, claim_records(path, Limits(), problems), USER, PlaceNormaliser(),
                                    problems=problems, read_beside=True)
    finally:
        db.dispose()
    return summary.as_dict() | {"unregistered_sources": len(summary.unregistered_sources),
                                "in_file": summary.added + summary.updated + summary.unchanged}


def _snapshot(db_path: Path, to: Path) -> None:
    """A consistent copy of a WAL database (the backup API, not a file copy)."""
    src, dst = sqlite3.connect(db_path), sqlite3.connect(to)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


class _Stages:
    """A progress callback that records how long each stage of a run took."""

    def __init__(self):
        self.start = time.perf_counter()
        self.order: list[tuple[str, float]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.order or self.order[-1][0] != stage:
            self.order.append((stage, time.perf_counter()))

    def finish(self) -> dict[str, float]:
        end = time.perf_counter()
        marks = [("setup", self.start)] + self.order + [("end", end)]
        spent: dict[str, float] = {}
        for (name, at), (_next, until) in zip(marks, marks[1:]):
            spent[name] = spent.get(name, 0.0) + until - at
        return spent


def settings(pairs: list[str]) -> dict:
    """``--set`` values (``figures_differ=0``, ``link_threshold=5.5``) as a Config dict; a Weights
    field may be named alone. Checked by building the Config, so a bad value fails at once."""
    from dataclasses import fields

    from reconciler.config import Config, Weights

    top, weights = {f.name: f.type for f in fields(Config)}, {f.name for f in fields(Weights)}
    data: dict = {"weights": {}}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.removeprefix("weights.")
        if not sep or (name not in top and name not in weights) or name == "weights":
            raise SystemExit(f"--set {pair}: expected NAME=VALUE, NAME a field of Config or Weights "
                             f"(reconciler/config.py)")
        parsed = value.lower() in ("1", "true", "yes") if top.get(name) in (bool, "bool") else float(value)
        (data["weights"] if name in weights else data)[name] = parsed
    try:
        Config.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise SystemExit(f"--set: {exc}")
    return data


def worker(data: Path, target: str, evaluate: bool, overrides: dict, snapshot: bool = False,
           postgres: str | None = None) -> dict:
    """Time one size in this process; return timings, counts, peak memory and scores.

    ``target`` is a SQLite file or, with ``postgres`` (the --postgres URL, for copies), a fresh
    PostgreSQL database. ``snapshot`` keeps a SQLite file's state after the first run beside it
    (after-first-run.sqlite), as scoring does, for a comparison with a baseline."""
    from reconciler import schema
    from reconciler.config import Config
    from reconciler.db import open_database
    from reconciler.runs import reconcile
    from reconciler.sources import import_sources, read_source_file

    config = Config.from_dict(overrides)
    out: dict = {"timings": {}, "counts": {}}
    t = out["timings"]
    start = time.perf_counter()
    db = open_database(target, journal_mode="wal")
    schema.upgrade(db)
    t["init"] = time.perf_counter() - start

    start = time.perf_counter()
    specs = read_source_file(data / "sources.yaml")
    with db.write() as session:
        import_sources(session, specs, USER, str(data / "sources.yaml"))
    sources_done = time.perf_counter()
    summary = _import(db, target, data / "claims.jsonl")
    t["import"] = time.perf_counter() - start
    out["stages"] = {"import": {"sources": sources_done - start, "read+store": start + t["import"] - sources_done}}
    out["counts"]["claims_in_file"] = summary.pop("in_file")
    out["counts"]["import"] = summary

    start = time.perf_counter()
    stages = _Stages()
    with db.write() as session:
        result = reconcile(session, USER, config, progress=stages)
    t["run"] = time.perf_counter() - start
    out["stages"]["run"] = stages.finish()
    t["total"] = t["init"] + t["import"] + t["run"]
    out["counts"]["run"] = result.counts
    out["peak_mb_first_run"] = _peak_mb()
    if postgres is None:
        out["file_mb_first_run"] = _file_mb(Path(target))
    first: str | dict | None = None   # the state after the first run, for scoring: a copy, or its scores
    if postgres is None and (evaluate or snapshot):
        first = str(Path(target).with_name("after-first-run.sqlite"))
        _snapshot(Path(target), Path(first))
    elif postgres is not None and evaluate:
        import pgstore

        server = pgstore.Server(postgres)
        db.dispose()   # a template database must have nobody connected
        first = server.copy(target)
        db = open_database(target)
        if first is None:   # no copy can be made: score now, before the incremental step
            first = _score_first(data, db, config)
            out["peak_includes_scoring"] = True

    extra = data / "claims-extra.jsonl"
    if extra.exists():
        start = time.perf_counter()
        summary = _import(db, target, extra)
        t["inc_import"] = time.perf_counter() - start
        summary.pop("in_file")
        out["counts"]["inc_import"] = summary
        start = time.perf_counter()
        stages = _Stages()
        with db.write() as session:
            result = reconcile(session, USER, config, progress=stages)
        t["inc_run"] = time.perf_counter() - start
        out["stages"]["inc_run"] = stages.finish()
        out["counts"]["inc_run"] = result.counts
    out["peak_mb"] = _peak_mb()
    out["peak_mb_workers"] = _workers_peak_mb()
    if evaluate:
        out["scores"] = _evaluate(data, db, first, extra.exists(), config)
        if postgres is not None and isinstance(first, str):
            pgstore.Server(postgres).drop(first)
    db.dispose()
    return out


def _score_first(data: Path, db, config) -> dict:
    """Scores of the state after the first run, in ``db``, against the grades the base claims give."""
    import evaluate as ev

    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    incidents = truth["incidents"]
    base_refs = {json.loads(line)["ref"] for line in (data / "claims.jsonl").open(encoding="utf-8")}
    true_base = {r: i for r, i in truth["claims"].items() if r in base_refs}
    with db.read() as session:
        pred, status, _ids = ev.load_prediction(session)
        grades = {i: v["base_grade"] for i, v in incidents.items() if v["base_grade"]}
        strict = {i: v["base_grade_strict"] for i, v in incidents.items() if v["base_grade_strict"]}
        return {
            "clustering": ev.clustering_scores(pred, true_base),
            "grades": ev.grade_scores(pred, status, true_base, grades, strict),
            "verified_single_origin": ev.verified_single_origin(session),
            "errors": ev.error_analysis(session, pred, true_base, incidents, config),
            "grade_error_examples": ev.grade_error_examples(session, pred, status, true_base, grades, strict),
        }


def _evaluate(data: Path, db, first: str | dict, has_extra: bool, config) -> dict:
    """Scores after the first run (``first``: a copy of the database then, or its scores already
    taken) and after the incremental run (``db``), and whether a full re-run gives the same events."""
    from reconciler.db import open_database
    from reconciler.runs import reconcile

    import evaluate as ev

    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    incidents = truth["incidents"]
    scores: dict = {}
    if isinstance(first, dict):
        scores["first_run"] = first
    else:
        copy = open_database(first, journal_mode="wal")
        scores["first_run"] = _score_first(data, copy, config)
        copy.dispose()
    if not has_extra:
        return scores
    grades = {i: v["grade"] for i, v in incidents.items()}
    strict = {i: v["grade_strict"] for i, v in incidents.items()}
    with db.read() as session:
        pred_inc, status, _ids = ev.load_prediction(session)
        scores["incremental"] = {
            "clustering": ev.clustering_scores(pred_inc, truth["claims"]),
            "grades": ev.grade_scores(pred_inc, status, truth["claims"], grades, strict),
            "verified_single_origin": ev.verified_single_origin(session),
        }
    start = time.perf_counter()
    with db.write() as session:
        reconcile(session, USER, config, full=True)
    full_s = time.perf_counter() - start
    with db.read() as session:
        pred_full, _status, _ids = ev.load_prediction(session)
    same = ev.clustering_scores(pred_inc, {r: str(e) for r, e in pred_full.items()})
    scores["incremental_vs_full"] = {"full_rerun_s": full_s, "pairwise_p": same["pairwise_p"],
                                     "pairwise_r": same["pairwise_r"],
                                     "identical": same["pairwise_p"] == same["pairwise_r"] == 1.0
                                     and same["events"] == same["incidents"]}
    return scores


def code_version() -> dict:
    """Which reconciler is measured: its directory, and the git commit when it is a checkout."""
    import reconciler

    where = Path(reconciler.__file__).resolve().parent
    version = {"path": str(where.parent), "version": getattr(reconciler, "__version__", None)}
    try:
        commit = subprocess.run(["git", "-C", str(where), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(where), "status", "--porcelain", "--", "."], capture_output=True,
                               text=True, check=True).stdout.strip()
        version["commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        # A snapshot taken with `git archive` has no .git; a COMMIT file beside it may say which.
        stamp = where.parent / "COMMIT"
        version["commit"] = stamp.read_text().strip()[:12] if stamp.exists() else None
    return version


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def run_size(size: int, args, workdir: Path) -> list[dict]:
    """Generate one size's claims, then measure them on each store (SQLite, then PostgreSQL with
    --postgres), with Splink when installed and against a baseline with --baseline. One row per
    store; the SQLite row carries the Splink figures and the baseline comparison."""
    data = workdir / (f"n{size}-seed{args.seed}-span{args.span_days}-targets{args.target_rate:g}"
                      f"-regions{args.region_rate:g}" + (f"-recent{args.extra_days}" if args.extra_days else ""))
    start = time.perf_counter()
    done = data / "generated.json"   # written last: claims of these settings are complete
    wanted = {"claims": size, "extra": args.incremental}
    if not done.exists() or json.loads(done.read_text()) != wanted:
        recent = ["--extra-days", str(args.extra_days)] if args.extra_days else []
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--claims", str(size), "--extra",
                        str(args.incremental), *recent, "--seed", str(args.seed), "--span-days", str(args.span_days),
                        "--target-rate", str(args.target_rate), "--region-rate", str(args.region_rate),
                        "--out", str(data)], check=True, stderr=subprocess.DEVNULL)
        done.write_text(json.dumps(wanted))
    generate_s = time.perf_counter() - start
    rows = []
    for store in ("sqlite", "postgresql") if args.postgres else ("sqlite",):
        runs, extra = [], {}
        for repeat in range(args.repeat):
            db_dir = Path(tempfile.mkdtemp(prefix=f"bench-db-{size}-", dir=workdir))
            result = db_dir / "result.json"
            target = str(db_dir / "bench.sqlite") if store == "sqlite" else args.server.fresh()
            command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(data), "--db", target,
                       "--result", str(result), "--config", json.dumps(args.overrides)]
            if repeat == 0 and not args.no_eval:
                command.append("--evaluate")
            if store == "postgresql":
                command += ["--postgres", args.postgres]
            elif repeat == 0 and args.baseline:
                command.append("--snapshot")
            try:
                subprocess.run(command, check=True)
                runs.append(json.loads(result.read_text()))
                print(f"size {size}, {store}: repeat {repeat + 1}/{args.repeat} done "
                      f"({', '.join(f'{k} {v:.1f}s' for k, v in runs[-1]['timings'].items())})", file=sys.stderr)
                if store == "sqlite" and repeat == 0 and args.baseline:
                    extra["baseline"] = _against_baseline(args.baseline, data, db_dir)
            finally:
                if store == "postgresql" and not args.keep:
                    args.server.drop(target)
                if not args.keep:
                    shutil.rmtree(db_dir)
        if store == "sqlite" and args.splink:
            extra["splink"] = _splink(data, args, workdir)
        timings = {k: _spread([r["timings"][k] for r in runs]) for k in TIMINGS if k in runs[0]["timings"]}
        rows.append({"size": size, "store": store, "seed": args.seed, "span_days": args.span_days,
                     "target_rate": args.target_rate, "region_rate": args.region_rate,
                     "code": code_version(), "settings": args.settings,
                     "server": args.server.version if store == "postgresql" else sqlite3.sqlite_version,
                     "generate_s": generate_s, "repeats": args.repeat,
                     "timings": timings,
                     "stages": runs[0]["stages"],
                     "peak_mb": max(r["peak_mb"] for r in runs), "counts": runs[0]["counts"],
                     "peak_mb_workers": max(r.get("peak_mb_workers", 0) for r in runs),
                     "file_mb": runs[0].get("file_mb_first_run"),
                     "peak_includes_scoring": any(r.get("peak_includes_scoring") for r in runs),
                     "scores": runs[0].get("scores")} | extra)
    return rows


def _against_baseline(directory: Path, data: Path, db_dir: Path) -> dict:
    """Run the code in ``directory`` on the same claims (import and a full run, its own SQLite
    file) and compare its events and grades with this code's after its first run."""
    import baseline

    print(f"running the baseline in {directory} ...", file=sys.stderr)
    spent = baseline.run_baseline(directory, data, db_dir / "baseline.sqlite")
    found = baseline.compare_events(baseline.load_events(db_dir / "after-first-run.sqlite"),
                                    baseline.load_events(db_dir / "baseline.sqlite"))
    return found | {"path": str(directory), "commit": baseline.commit_of(directory), "seconds": spent}


def _splink(data: Path, args, workdir: Path) -> dict:
    """Splink on the same claims, in a subprocess per repeat (its memory its own): median
    seconds, peak memory, and the first repeat's clustering scores."""
    runs = []
    for repeat in range(args.repeat):
        result = Path(tempfile.mkstemp(prefix="splink-", suffix=".json", dir=workdir)[1])
        start = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "splink_match.py"), str(data), "--result", str(result)],
                       check=True)
        process_s = time.perf_counter() - start
        runs.append(json.loads(result.read_text()) | {"process_s": process_s})
        result.unlink()
        print(f"Splink: repeat {repeat + 1}/{args.repeat} done ({runs[-1]['seconds']:.1f}s)", file=sys.stderr)
    return {"version": runs[0]["version"], "threshold": runs[0]["threshold"],
            "seconds": _spread([r["seconds"] for r in runs]), "process_s": _spread([r["process_s"] for r in runs]),
            "stages": runs[0]["stages"], "peak_mb": max(r["peak_mb"] for r in runs),
            "clustering": runs[0]["clustering"]}


def _fmt(spread: dict | None) -> str:
    if spread is None:
        return "-"
    if spread["min"] == spread["max"]:
        return f"{spread['median']:.2f}"
    return f"{spread['median']:.2f} ({spread['min']:.2f}–{spread['max']:.2f})"


def report(results: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=260)
    table = Table(title="reconcile benchmark (seconds: median (min–max))")
    for column in ("size", "store", "import s", "run s", "total s", "incr. import s", "incr. run s", "peak MB",
                   "worker peak MB", "file MB", "pairwise P/R/F1", "B3 F1", "grade acc.", "verified, 1 origin"):
        table.add_column(column)
    for r in results:
        t, s = r["timings"], r["scores"]
        row = [f"{r['size']:,}", r.get("store", "sqlite"), _fmt(t["import"]), _fmt(t["run"]), _fmt(t["total"]),
               _fmt(t.get("inc_import")), _fmt(t.get("inc_run")),
               f"{r['peak_mb']:.0f}" + ("*" if r.get("peak_includes_scoring") else ""),
               f"{r['peak_mb_workers']:.0f}" if r.get("peak_mb_workers") else "-",
               f"{r['file_mb']:.0f}" if r.get("file_mb") else "-"]
        if s:
            c, g = s["first_run"]["clustering"], s["first_run"]["grades"]
            row += [f"{c['pairwise_p']:.3f}/{c['pairwise_r']:.3f}/{c['pairwise_f1']:.3f}", f"{c['b3_f1']:.3f}",
                    f"{g['accuracy']:.3f}", str(s["first_run"]["verified_single_origin"]["count"])]
        else:
            row += ["-"] * 4
        table.add_row(*row)
    console.print(table)
    if any(r.get("peak_includes_scoring") for r in results):
        console.print("* PostgreSQL without the right to create databases: the first run was scored in the "
                      "worker, and this peak includes that scoring.")
    if any(r.get("store") == "postgresql" for r in results):
        console.print("PostgreSQL: peak MB is that of the benchmark's process (the client), not of the server; "
                      "server " + ", ".join(sorted({str(r.get("server")) for r in results
                                                    if r.get("store") == "postgresql"})))
    _report_splink(console, results)
    _report_baseline(console, results)
    for version in {json.dumps(r.get("code"), sort_keys=True) for r in results}:
        console.print(f"reconciler measured: {version}")
    for changed in {", ".join(r.get("settings") or []) for r in results}:
        console.print(f"settings changed from the defaults (--set): {changed or 'none'}")
    for r in results:
        s = r["scores"]
        console.print(f"\n[bold]size {r['size']:,}, {r.get('store', 'sqlite')}[/bold] (incidents over {r.get('span_days', SPAN_DAYS)} days, "
                      f"target rate {r.get('target_rate', 0):g}, region rate {r.get('region_rate', 0):g}): "
                      f"{r['counts']['run']}")
        console.print("seconds by stage (first repeat): " + "; ".join(
            f"{part} " + ", ".join(f"{k} {v:.2f}" for k, v in spent.items()) for part, spent in r["stages"].items()))
        if not s:
            continue
        g = s["first_run"]["grades"]
        console.print(f"grades per incident {g['accuracy']:.3f} (against strict-actor truth "
                      f"{g['accuracy_strict_truth']:.3f}), per claim {g['accuracy_per_claim']:.3f}; exactly clustered "
                      f"incidents {g['exactly_clustered_incidents']}, of which graded right "
                      f"{g['accuracy_exactly_clustered']:.3f}")
        console.print("grade errors (expected -> given):", g["confusion"])
        console.print("grade error causes:", g["error_causes"])
        if "incremental" in s:
            c, g2 = s["incremental"]["clustering"], s["incremental"]["grades"]
            console.print(f"after the incremental run: pairwise F1 {c['pairwise_f1']:.3f}, B3 F1 {c['b3_f1']:.3f}, "
                          f"grade accuracy {g2['accuracy']:.3f}, verified on one origin "
                          f"{s['incremental']['verified_single_origin']['count']}; same events as a full re-run: "
                          f"{s['incremental_vs_full']['identical']} (full re-run {s['incremental_vs_full']['full_rerun_s']:.1f}s)")
        errors = s["first_run"]["errors"]
        console.print("strong-link groups (what an incremental run re-decides):", errors["strong_link_groups"])
        ceiling = errors["evidence_ceiling"]
        console.print(f"evidence ceiling (best pairwise F1 of any rule deciding pairs on what claims state, cells "
                      f"chosen with the truth, figures used freely): {ceiling['pairwise_f1']:.3f} (P "
                      f"{ceiling['pairwise_p']:.3f}, R {ceiling['pairwise_r']:.3f}; {ceiling['cells']} cells, "
                      f"{ceiling['true_pairs_never_proposed']} of {ceiling['true_pairs']} true pairs never proposed); "
                      f"proposed pairs whose claims agree on all they state: {ceiling['alike_true_pairs']} from one "
                      f"incident, {ceiling['alike_pairs_of_different_incidents']} from different incidents")
        for title, key in (("false merges by class (claim pairs)", "false_merges_by_class"),
                           ("misses by class (claim pairs)", "misses_by_class"),
                           ("false merges, detail", "false_merge_pairs"), ("misses, detail", "missed_pairs")):
            console.print(f"\n{title}:")
            for label, n in list(errors[key].items())[:12]:
                console.print(f"  {n:7d}  {label}")


def _report_splink(console, results: list[dict]) -> None:
    from rich.table import Table

    done = [r for r in results if r.get("splink")]
    if not done:
        return
    table = Table(title=f"Splink {done[0]['splink']['version']} (DuckDB), matching only, on the same claims "
                        f"(clusters at match probability >= {done[0]['splink']['threshold']:g})")
    for column in ("size", "matching s", "whole process s", "peak MB", "pairwise P/R/F1", "B3 F1"):
        table.add_column(column)
    for r in done:
        sp, c = r["splink"], r["splink"]["clustering"]
        table.add_row(f"{r['size']:,}", _fmt(sp["seconds"]), _fmt(sp["process_s"]), f"{sp['peak_mb']:.0f}",
                      f"{c['pairwise_p']:.3f}/{c['pairwise_r']:.3f}/{c['pairwise_f1']:.3f}", f"{c['b3_f1']:.3f}")
    console.print(table)
    for r in done:
        splink_s = r["splink"]["seconds"]["median"]
        for row in (x for x in results if x["size"] == r["size"]):
            ours = row["timings"]["import"]["median"] + row["timings"]["run"]["median"]
            console.print(f"size {r['size']:,}: reconcile (import+run, {row.get('store', 'sqlite')}) {ours:.2f} s vs "
                          f"Splink (matching) {splink_s:.2f} s: ratio {ours / splink_s:.2f}")


def _report_baseline(console, results: list[dict]) -> None:
    for r in results:
        b = r.get("baseline")
        if not b:
            continue
        name = f"{b['path']} (commit {b['commit'] or 'unknown'})"
        if b["same"]:
            console.print(f"size {r['size']:,}: same events and grades as {name}: yes ({b['events']:,} events)")
            continue
        console.print(f"size {r['size']:,}: same events and grades as {name}: [bold]no[/bold] — of {b['events']:,} "
                      f"events here and {b['baseline_events']:,} there, {b['only_here']:,} only here, "
                      f"{b['only_in_baseline']:,} only in the baseline, {b['grade_differs']:,} graded otherwise")
        for example in b["examples"]:
            console.print(f"  {example}")


def baseline_differs(results: list[dict]) -> bool:
    return any(r.get("baseline") and not r["baseline"]["same"] for r in results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--incremental", type=int, default=1000, help="Claims added for the incremental run.")
    parser.add_argument("--extra-days", type=int, default=None, metavar="DAYS",
                        help="The claims added for the incremental run are about the incidents of the last DAYS "
                             "days, as a desk's new claims are (bench/generate.py); by default of any day.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--span-days", type=int, default=SPAN_DAYS,
                        help=f"Days the incidents are spread over (default {SPAN_DAYS}); the same span for every "
                             "size, so larger sizes are denser: more different incidents at one place within days.")
    parser.add_argument("--target-rate", type=float, default=1.0,
                        help="Scales how often claims name what was hit (the generator's --target-rate; 0: never).")
    parser.add_argument("--region-rate", type=float, default=1.0,
                        help="Scales how often a claim without a town names its region "
                             "(the generator's --region-rate).")
    parser.add_argument("--json", action="store_true", help="Print every figure as JSON on stdout.")
    parser.add_argument("--save", type=Path, help="Also write every figure as JSON to this file.")
    parser.add_argument("--show", type=Path, help="Print the tables of a file written by --save, and stop.")
    parser.add_argument("--workdir", type=Path, help="Where data and databases go (default: a temporary directory); "
                        "claims generated there are used again by a later invocation with the same settings.")
    parser.add_argument("--keep", action="store_true", help="Keep the databases.")
    parser.add_argument("--no-eval", action="store_true", help="Time only; skip scoring against the truth.")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="Run with one setting changed, e.g. --set figures_differ=0 (repeatable): ablations.")
    parser.add_argument("--postgres", metavar="URL",
                        help="Also measure every size on this PostgreSQL server "
                             "(postgresql+psycopg://user@/db?host=/var/run/postgresql): a fresh database per repeat "
                             "when the user may create databases, else this database's tables dropped first.")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="A checkout of another commit: run it on the same claims (first repeat of each size) and "
                             "check that its events and grades equal these; exit 1 when they differ.")
    parser.add_argument("--no-splink", dest="splink", action="store_false",
                        help="Do not run Splink even when it is installed.")
    parser.add_argument("--snapshot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--evaluate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        out = worker(args.worker, args.db, args.evaluate, json.loads(args.config or "{}"), snapshot=args.snapshot,
                     postgres=args.postgres)
        args.result.write_text(json.dumps(out, ensure_ascii=False, default=str))
        return 0
    if args.show:
        results = json.loads(args.show.read_text(encoding="utf-8"))
        report(results)
        return 1 if baseline_differs(results) else 0
    from reconciler.places import Gazetteer

    args.overrides = settings(args.settings)
    args.server = None
    if args.postgres:
        import pgstore

        try:
            args.server = pgstore.Server(args.postgres)
            args.server.check()
        except (pgstore.Unreachable, pgstore.Refused) as exc:
            print(f"benchmark: {exc}; nothing measured", file=sys.stderr)
            return 2
        print(f"PostgreSQL {args.server.version} at {args.server.label}: "
              + ("a fresh database per repeat" if args.server.can_create else
                 "this user may not create databases: the database's tables are dropped before each repeat"),
              file=sys.stderr)
    if args.baseline and not (args.baseline / "reconciler").is_dir():
        print(f"benchmark: --baseline {args.baseline}: no reconciler/ there (give a checkout of this project)",
              file=sys.stderr)
        return 2
    if args.splink:
        import splink_match

        if splink_match.available() is None:
            print("Splink 5 is not installed (pip install -e '.[bench]'): measuring reconcile alone.", file=sys.stderr)
            args.splink = False

    Gazetteer.load()   # build the on-disk gazetteer cache once, outside any timing
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reconcile-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = [row for size in args.sizes for row in run_size(size, args, workdir)]
    if args.save:
        args.save.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    else:
        report(results)
    if not args.workdir and not args.keep:
        shutil.rmtree(workdir)
    return 1 if baseline_differs(results) else 0


if __name__ == "__main__":
    sys.exit(main())
