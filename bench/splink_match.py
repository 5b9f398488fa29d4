"""Splink 5 (DuckDB) on the benchmark's claims: matching only, scored like `reconcile`'s events.

`benchmark.py` runs this file in a subprocess of its own per size (so that its peak memory is
its own) when Splink is installed (`pip install -e '.[bench]'`). Splink groups claims into
clusters; it grades nothing, so only the clustering scores (pairwise and B-cubed, from
bench/evaluate.py, against the generator's truth) are comparable.

The model, one of the ordinary kind for such records:

- standardising (before Splink, timed with it): the date's first day (``reconciler.dates``),
  the kind of incident and of victims as `reconcile`'s vocabulary names them (``shelling``,
  ``Artilleriebeschuss`` and ``обстріл`` alike), the killed figure's lower bound
  (``reconciler.figures``: "at least 2", "two" -> 2), and the place name transliterated to
  Latin letters and lower-cased, with "near", "outskirts of", "5 km west of" and the like taken
  off; no gazetteer, so a claim that names only its oblast has no place;
- comparisons: date (same day, 1 day apart, 2 days apart, else), place (Jaro-Winkler >= 0.92,
  >= 0.80, else), kind, victims and killed figure (same or not); a missing value is neutral;
- blocking: same day and the same first three letters of the place, or one day apart and the
  same three letters (so 1,000,000 claims stay feasible: about 1,400 claims a day spread over
  hundreds of prefixes); claims without a place are never compared;
- training: u by random sampling (``max_pairs`` 2e6, seed 1); the prior that two random
  claims match from claims agreeing on day, place and kind (recall 0.6); m by expectation
  maximisation on pairs blocked on day and place prefix (trains kind, victims, figure, place)
  and on pairs blocked on place and kind (trains the date), each on at most 1e6 pairs;
- clustering: connected components of the pairs whose match probability is at least
  ``THRESHOLD`` (0.9).

Usage (what benchmark.py runs): ``python bench/splink_match.py DATA_DIR --result OUT.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import resource
import sys
import time
from pathlib import Path

THRESHOLD = 0.9
PREFIX = 3
_QUALIFIERS = re.compile(r"^(?:\d+\s*km\s+\w+\s+of|near(?:\s+the\s+(?:village|town|city)\s+of)?|outskirts\s+of|"
                         r"the\s+(?:village|town|city)\s+of|in)\s+")


def available() -> str | None:
    """Splink's version when Splink 5 and DuckDB can be imported, else None."""
    try:
        import duckdb  # noqa: F401
        import splink
    except ImportError:
        return None
    return splink.__version__ if splink.__version__.startswith("5.") else None


def place_key(text: str | None) -> str | None:
    """A place name as the model compares it: Latin letters, lower case, qualifiers off."""
    if not text:
        return None
    from anyascii import anyascii

    name = anyascii(str(text)).lower().strip()
    name = _QUALIFIERS.sub("", name)
    name = re.sub(r"[^a-z]+", " ", name).strip()
    return name or None


def standardise(claim: dict) -> dict:
    """One claim as a row for Splink (ref, date, day, place, place3, kind, victims, killed)."""
    from reconciler.dates import parse_event_date
    from reconciler.errors import ValueParseError
    from reconciler.figures import parse_figure
    from reconciler.vocabulary import event_type_category, victims_category

    try:
        start = parse_event_date(claim.get("date")).start
    except ValueParseError:
        start = None
    place = place_key(claim.get("place"))
    try:
        killed = parse_figure(claim.get("killed"))
    except ValueParseError:
        killed = None
    kind = claim.get("type")
    victims = claim.get("victims")
    return {"ref": claim["ref"], "date": start.isoformat() if start else None,
            "day": start.toordinal() if start else None, "place": place,
            "place3": place[:PREFIX] if place else None,
            "kind": (event_type_category(kind) or str(kind).lower()) if kind else None,
            "victims": (victims_category(victims) or str(victims).lower()) if victims else None,
            "killed": killed.low if killed is not None else None}


def rows(claims_path: Path) -> dict[str, list]:
    """The standardised claims of a JSON Lines file, as columns."""
    columns: dict[str, list] = {k: [] for k in ("ref", "date", "day", "place", "place3", "kind", "victims", "killed")}
    with claims_path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                for key, value in standardise(json.loads(line)).items():
                    columns[key].append(value)
    return columns


def settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="ref",
        comparisons=[
            cl.AbsoluteDateDifferenceAtThresholds("date", input_is_string=True, metrics=["day", "day"],
                                                  thresholds=[1, 2]),
            cl.JaroWinklerAtThresholds("place", [0.92, 0.8]),
            cl.ExactMatch("kind"),
            cl.ExactMatch("victims"),
            cl.ExactMatch("killed"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("day", "place3"),
            "l.day = r.day + 1 AND l.place3 = r.place3",
            "l.day + 1 = r.day AND l.place3 = r.place3",
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def match(columns: dict[str, list], threshold: float = THRESHOLD, quiet: bool = True) -> dict[str, int]:
    """Train, predict and cluster: claim ref -> cluster number."""
    import pyarrow as pa
    from splink import DuckDBAPI, Linker, block_on

    if quiet:
        logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = DuckDBAPI()
    table = db_api.register(pa.table({k: pa.array(v, type=pa.int64() if k in ("day", "killed") else pa.string())
                                      for k, v in columns.items()}))
    linker = Linker(table, settings(), log_level=logging.ERROR if quiet else logging.INFO)
    linker.training.estimate_probability_two_random_records_match([block_on("day", "place", "kind")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("day", "place3"), max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("place", "kind"), max_pairs=1e6)
    predictions = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions,
                                                                          threshold_match_probability=threshold)
    found = clusters.as_duckdbpyrelation().select("ref, cluster_id").fetchall()
    numbers: dict[str, int] = {}
    return {ref: numbers.setdefault(cluster, len(numbers)) for ref, cluster in found}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Splink 5 on the benchmark's claims (one size).")
    parser.add_argument("data", type=Path, help="A directory written by bench/generate.py.")
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args(argv)
    import splink  # noqa: F401  (imported before the clock starts, as reconcile's worker imports first)

    start = time.perf_counter()
    columns = rows(args.data / "claims.jsonl")
    prepared = time.perf_counter()
    pred = match(columns, args.threshold)
    seconds = time.perf_counter() - start
    out = {"version": available(), "threshold": args.threshold, "seconds": seconds,
           "stages": {"standardise": prepared - start, "splink": seconds - (prepared - start)},
           "peak_mb": _peak_mb(), "claims": len(columns["ref"])}
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import evaluate as ev

    truth = json.loads((args.data / "truth.json").read_text(encoding="utf-8"))
    true_base = {r: truth["claims"][r] for r in columns["ref"] if r in truth["claims"]}
    out["clustering"] = ev.clustering_scores(pred, true_base)
    args.result.write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
