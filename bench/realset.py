"""Scoring `reconcile` on a labelled set of real claims, with its errors grouped by kind.

A labelled set is a directory in the format of ``../shared/data/ucdp-ukraine-dev/``:
``claims.jsonl`` (the import contract), ``sources.yaml`` and ``truth.json`` (claim ``ref`` →
incident id). The claims are imported into a fresh SQLite file and reconciled through the
library, exactly as `reconcile sources import`, `reconcile import` and `reconcile run` do, and
the result is scored:

- pairwise and B-cubed precision, recall and F1 against the truth;
- incidents that two or more sources report, and how many of them reach an event graded
  *independently verified*;
- verified events whose support comes from different incidents: no incident in the event has
  claims of two sources of its own (the error a fact-checker must never see);
- missed pairs (two claims of one incident in two events) that the review queue offers: a pair
  counts when some queued pair joins the two events holding it;
- the errors by kind (neighbouring places, ambiguous names, places the gazetteer lacks, kinds of
  incident, dates, figures, clustering, corroboration), with examples;
- the evidence ceiling: the best pairwise F1 of any rule deciding pairs on what the claims state
  (``evaluate.evidence_ceiling``).

Example:

    python bench/realset.py ../shared/data/ucdp-ukraine-dev
    python bench/realset.py ../shared/data/ucdp-ukraine-dev --set link_threshold=5.5 --examples 3
    python bench/realset.py ../shared/data/ucdp-ukraine-dev --json > dev.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

USER = "realset"


def load_set(directory: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """The set's claims by ref, and its truth (ref → incident)."""
    claims = {}
    for line in (directory / "claims.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            claim = json.loads(line)
            claims[claim["ref"]] = claim
    truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    return claims, {str(k): str(v) for k, v in truth.items()}


def reconcile_set(directory: Path, db_path: Path, overrides: dict) -> dict:
    """Import and run in a fresh database; the run's timings."""
    from reconciler import schema
    from reconciler.config import Config
    from reconciler.db import open_database
    from reconciler.importing import import_claims
    from reconciler.places import PlaceNormaliser
    from reconciler.reading import read_claim_file
    from reconciler.runs import reconcile
    from reconciler.sources import import_sources, read_source_file

    config = Config.from_dict(overrides)
    db = open_database(str(db_path), journal_mode="wal")
    schema.upgrade(db)
    start = time.perf_counter()
    with db.write() as session:
        import_sources(session, read_source_file(directory / "sources.yaml"), USER, "sources.yaml")
    with db.write() as session:
        import_claims(session, read_claim_file(directory / "claims.jsonl"), USER, PlaceNormaliser())
    imported = time.perf_counter()
    with db.write() as session:
        reconcile(session, USER, config)
    done = time.perf_counter()
    db.dispose()
    return {"import_s": imported - start, "run_s": done - imported}


def score(db_path: Path, claims: dict[str, dict], truth: dict[str, str], overrides: dict, examples: int) -> dict:
    """Every figure of the module docstring, from the database a run left."""
    from sqlalchemy import select

    import evaluate as ev
    from reconciler.config import Config
    from reconciler.db import open_database
    from reconciler.models import ReviewPair

    config = Config.from_dict(overrides)
    db = open_database(str(db_path), journal_mode="wal")
    with db.read() as session:
        pred, status, ids = ev.load_prediction(session)
        queue = session.execute(select(ReviewPair.claim_a, ReviewPair.claim_b)).all()
        ref_of = {cid: ref for ref, cid in ids.items()}
        clustering = ev.clustering_scores(pred, truth)
        out = {"clustering": clustering, "review_queue_pairs": len(queue)}
        out |= _grades(pred, status, claims, truth)
        coverage = _queue_coverage(pred, truth, queue, ref_of)
        joined = coverage.pop("joined")
        out |= coverage
        out["errors"] = _errors(session, pred, status, claims, truth, ids, config, examples, joined)
        from reconciler.features import load_features
        from reconciler.sources import SourceIndex

        features, _ = load_features(session, SourceIndex.load(session), config=config)
        out["evidence_ceiling"] = ev.evidence_ceiling(features, {ids[r]: i for r, i in truth.items() if r in ids},
                                                      config)
    db.dispose()
    return out


def _grades(pred: dict[str, int], status: dict[int, str], claims: dict[str, dict], truth: dict[str, str]) -> dict:
    by_incident: dict[str, list[str]] = defaultdict(list)
    for ref, incident in truth.items():
        by_incident[incident].append(ref)
    multi = [refs for refs in by_incident.values() if len({claims[r]["source"] for r in refs}) >= 2]
    reached = sum(1 for refs in multi if any(status.get(pred.get(r)) == "independently_verified" for r in refs))
    members: dict[int, list[str]] = defaultdict(list)
    for ref, event in pred.items():
        members[event].append(ref)
    verified = [e for e in members if status.get(e) == "independently_verified"]
    joining = []
    for event in verified:
        sources_of: dict[str, set[str]] = defaultdict(set)
        for ref in members[event]:
            sources_of[truth[ref]].add(claims[ref]["source"])
        if not any(len(s) >= 2 for s in sources_of.values()):
            joining.append(event)
    return {"multi_source_incidents": len(multi), "multi_source_incidents_verified": reached,
            "verified_events": len(verified), "verified_joining_incidents": len(joining),
            "verified_joining_examples": sorted(joining)[:20],
            "statuses": dict(Counter(status[e] for e in members))}


def _queue_coverage(pred: dict[str, int], truth: dict[str, str], queue: list, ref_of: dict[int, str]) -> dict:
    joined = set()
    for a, b in queue:
        ra, rb = ref_of.get(a), ref_of.get(b)
        if ra in pred and rb in pred:
            joined.add(frozenset((pred[ra], pred[rb])))
    by_incident: dict[str, list[str]] = defaultdict(list)
    for ref, incident in truth.items():
        by_incident[incident].append(ref)
    missed = [(x, y) for refs in by_incident.values() for x, y in combinations(sorted(refs), 2)
              if pred.get(x) != pred.get(y)]
    offered = sum(1 for x, y in missed if frozenset((pred.get(x), pred.get(y))) in joined)
    return {"missed_pairs": len(missed), "missed_pairs_offered": offered, "joined": joined}


# --- errors by kind ------------------------------------------------------------------------

# The kinds of issue 11, in the order a pair is attributed to the first that applies.
MISS_KINDS = (
    "not proposed by the blocker",
    "places the gazetteer lacks",
    "ambiguous names",
    "neighbouring places (within 25 km)",
    "different places",
    "kinds of incident",
    "multi-day dates",
    "dates apart",
    "figures (a recount or far apart)",
    "victims",
    "weak evidence (nothing against, too little for)",
    "kept apart by clustering",
)


def _miss_kind(a, b, score, proposed: bool, config) -> str:
    parts = {c.name: c for c in score.components}
    if not proposed:
        return "not proposed by the blocker"
    if score.total >= config.link_threshold:
        return "kept apart by clustering"
    place = parts["place"]
    if place.points < config.weights.place_same and a.place_key is not None and b.place_key is not None:
        if "text" in (_method(a), _method(b)):
            return "places the gazetteer lacks"
        if "ambiguous" in place.note or "could be" in place.note:
            return "ambiguous names"
        if place.note.startswith(("near", "neighbour", "in or beside", "within")) or " km" in place.note:
            return "neighbouring places (within 25 km)"
        return "different places"
    if parts["type"].points < 0:
        return "kinds of incident"
    if a.end > a.start or b.end > b.start:
        if parts["date"].points < config.weights.date_same:
            return "multi-day dates"
    if parts["date"].points < config.weights.date_same:
        return "dates apart"
    if "figures" in parts and parts["figures"].points < 0:
        return "figures (a recount or far apart)"
    if parts["victims"].points < 0:
        return "victims"
    return "weak evidence (nothing against, too little for)"


def _method(f) -> str | None:
    if f.place_key is None:
        return None
    return "gazetteer" if f.place_key.startswith("geonames:") else "text"


def _false_kind(a, b, score, same_origin: bool) -> str:
    parts = {c.name: c for c in score.components}
    place = parts["place"].note.split(":")[0] if parts["place"].note else "?"
    date = parts["date"].note or "?"
    figures = parts["figures"].note.split(":")[0] if "figures" in parts else "no figures"
    who = "one origin" if same_origin else "two origins"
    return f"{place}; {date}; {figures}; {who}"


def _errors(session, pred, status, claims, truth, ids, config, examples: int, joined: set) -> dict:
    from reconciler.matching import Blocker, PlaceHints, score_pair
    from reconciler.features import load_features
    from reconciler.sources import SourceIndex

    features, _ = load_features(session, SourceIndex.load(session), config=config)
    blocker = Blocker(features.values(), config)
    hints = PlaceHints(blocker, config)
    misses: Counter = Counter()
    offered: Counter = Counter()
    miss_examples: dict[str, list] = defaultdict(list)
    by_incident: dict[str, list[str]] = defaultdict(list)
    for ref, incident in truth.items():
        if ref in pred:
            by_incident[incident].append(ref)
    for refs in by_incident.values():
        for x, y in combinations(sorted(refs), 2):
            if pred[x] == pred[y]:
                continue
            a, b = features[ids[x]], features[ids[y]]
            s = score_pair(a, b, config, hints=hints)
            kind = _miss_kind(a, b, s, blocker.proposes(a, b), config)
            misses[kind] += 1
            in_queue = frozenset((pred[x], pred[y])) in joined
            offered[kind] += in_queue
            if len(miss_examples[kind]) < examples and not in_queue:
                miss_examples[kind].append(_example(claims[x], claims[y], s))
    falses: Counter = Counter()
    false_examples: dict[str, list] = defaultdict(list)
    by_event: dict[int, list[str]] = defaultdict(list)
    for ref, event in pred.items():
        by_event[event].append(ref)
    for refs in by_event.values():
        for x, y in combinations(sorted(refs), 2):
            if truth[x] == truth[y]:
                continue
            a, b = features[ids[x]], features[ids[y]]
            s = score_pair(a, b, config, hints=hints)
            kind = _false_kind(a, b, s, a.origin_id == b.origin_id)
            falses[kind] += 1
            if len(false_examples[kind]) < examples:
                false_examples[kind].append(_example(claims[x], claims[y], s))
    ordered = {k: misses[k] for k in MISS_KINDS if misses[k]}
    return {"missed_by_kind": ordered, "missed_offered_by_kind": {k: offered[k] for k in ordered},
            "missed_examples": dict(miss_examples),
            "false_by_kind": dict(falses.most_common()), "false_examples": dict(false_examples)}


def _example(x: dict, y: dict, s) -> dict:
    keep = ("source", "date", "place", "region", "killed", "victims", "type", "text")
    return {"a": {k: x[k] for k in keep if k in x}, "b": {k: y[k] for k in keep if k in y}, "score": s.explain()}


# --- report --------------------------------------------------------------------------------

def summary_line(name: str, r: dict) -> str:
    c = r["clustering"]
    return (f"{name}: pairwise P {c['pairwise_p']:.3f} R {c['pairwise_r']:.3f} F1 {c['pairwise_f1']:.3f}; "
            f"B-cubed P {c['b3_p']:.3f} R {c['b3_r']:.3f} F1 {c['b3_f1']:.3f}; missed pairs offered for review "
            f"{r['missed_pairs_offered']}/{r['missed_pairs']}; multi-source incidents verified "
            f"{r['multi_source_incidents_verified']}/{r['multi_source_incidents']}; verified events joining "
            f"different incidents {r['verified_joining_incidents']}/{r['verified_events']}; review queue "
            f"{r['review_queue_pairs']} pairs; evidence ceiling F1 {r['evidence_ceiling']['pairwise_f1']:.3f} "
            f"(P {r['evidence_ceiling']['pairwise_p']:.3f}, R {r['evidence_ceiling']['pairwise_r']:.3f})")


def report(name: str, r: dict, examples: int) -> None:
    print(summary_line(name, r))
    print(f"  import {r['timings']['import_s']:.2f} s, run {r['timings']['run_s']:.2f} s; grades: {r['statuses']}")
    errors = r["errors"]
    print("  missed pairs by kind (offered for review; examples are of pairs not offered):")
    for kind, n in errors["missed_by_kind"].items():
        print(f"    {n:5d}  {kind} ({errors['missed_offered_by_kind'][kind]} offered)")
        for ex in errors["missed_examples"].get(kind, [])[:examples]:
            print(f"           {json.dumps(ex['a'], ensure_ascii=False)}\n           "
                  f"{json.dumps(ex['b'], ensure_ascii=False)}\n           {ex['score']}")
    print("  false pairs by kind (place; date; figures; origins):")
    for kind, n in list(errors["false_by_kind"].items())[:15]:
        print(f"    {n:5d}  {kind}")
        for ex in errors["false_examples"].get(kind, [])[:examples]:
            print(f"           {json.dumps(ex['a'], ensure_ascii=False)}\n           "
                  f"{json.dumps(ex['b'], ensure_ascii=False)}\n           {ex['score']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", type=Path, nargs="+", help="Directories of labelled sets.")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="Run with one setting changed (a Config or Weights field), repeatable.")
    parser.add_argument("--examples", type=int, default=0, help="Examples to print per kind of error.")
    parser.add_argument("--json", action="store_true", help="Print every figure as JSON.")
    parser.add_argument("--keep", type=Path, help="Keep the database of the (last) set at this path.")
    args = parser.parse_args(argv)
    from benchmark import settings

    overrides = settings(args.settings)
    results = {}
    for directory in args.sets:
        claims, truth = load_set(directory)
        with tempfile.TemporaryDirectory() as tmp:
            db_path = args.keep or Path(tmp) / "set.sqlite"
            if db_path.exists():
                db_path.unlink()
            timings = reconcile_set(directory, db_path, overrides)
            results[directory.name] = score(db_path, claims, truth, overrides, max(args.examples, 3)) | {
                "timings": timings}
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    else:
        for name, r in results.items():
            report(name, r, args.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
