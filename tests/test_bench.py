"""The benchmark's own pieces: scores worked out by hand, the generator's truth, settings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reconciler.vocabulary import target_categories

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import benchmark  # noqa: E402
import evaluate  # noqa: E402
import generate  # noqa: E402


def test_clustering_scores_pairwise_and_b_cubed_by_hand():
    # Predicted events {a, b, c} and {d}; true incidents {a, b} and {c, d}.
    pred = {"a": 1, "b": 1, "c": 1, "d": 2}
    true = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    scores = evaluate.clustering_scores(pred, true)
    # Predicted pairs ab, ac, bc; true pairs ab, cd; right: ab.
    assert (scores["predicted_pairs"], scores["true_pairs"], scores["correct_pairs"]) == (3, 2, 1)
    assert scores["pairwise_p"] == pytest.approx(1 / 3)
    assert scores["pairwise_r"] == pytest.approx(1 / 2)
    assert scores["pairwise_f1"] == pytest.approx(0.4)
    # B-cubed precision per claim: a 2/3, b 2/3, c 1/3, d 1 -> 2/3; recall: a 1, b 1, c 1/2, d 1/2 -> 3/4.
    assert scores["b3_p"] == pytest.approx(2 / 3)
    assert scores["b3_r"] == pytest.approx(3 / 4)
    assert scores["b3_f1"] == pytest.approx(12 / 17)


def test_generator_is_deterministic():
    first = generate.generate(1500, seed=7)
    again = generate.generate(1500, seed=7)
    assert first[1] == again[1] and first[2] == again[2]


def test_generator_target_rate_changes_only_what_was_hit():
    # What was hit comes from a random generator of its own: without it, the same seed gives
    # the same claims, field for field, except the target and the text that quotes it.
    _s, with_targets, truth = generate.generate(3000, seed=5)
    _s, without, _t = generate.generate(3000, seed=5, target_rate=0)
    assert not any("target" in c for c in without)
    named = [c for c in with_targets if "target" in c]
    assert 0.2 * len(with_targets) < len(named) < 0.6 * len(with_targets)
    strip = lambda c: {k: v for k, v in c.items() if k not in ("target", "text")}   # noqa: E731
    assert [strip(c) for c in with_targets] == [strip(c) for c in without]
    # Most claims that name what was hit name what their incident hit (5 % name the wrong thing).
    right = sum(target_categories(c["target"]) is None or truth["incidents"][truth["claims"][c["ref"]]]["target"]
                in target_categories(c["target"]).split(",") for c in named)
    assert right > 0.9 * len(named)


def test_generator_gives_each_period_scope_one_incident():
    # ~300 period incidents among ~5,700 possible scopes: drawn freely, about eight would share one.
    _sources, _claims, truth = generate.generate(20000, seed=3)
    periods = [v for v in truth["incidents"].values() if v["kind"] == "period"]
    assert len(periods) > 200
    scopes = [(v["date"], v["victims"]) for v in periods]
    assert len(scopes) == len(set(scopes))


def test_benchmark_settings_name_config_and_weights_fields():
    assert benchmark.settings(["figures_differ=0", "link_threshold=5.5", "require_neutral=true"]) == {
        "weights": {"figures_differ": 0.0}, "link_threshold": 5.5, "require_neutral": True}
    with pytest.raises(SystemExit, match="--set bogus=1: expected NAME=VALUE"):
        benchmark.settings(["bogus=1"])
    # Config's own check: differing figures alone must never part otherwise agreeing claims.
    with pytest.raises(SystemExit, match="figures_differ -3 would let differing figures alone part"):
        benchmark.settings(["figures_differ=-3"])


def test_evidence_ceiling_by_hand():
    from datetime import date

    from reconciler.config import Config
    from reconciler.matching import ClaimFeatures

    day = date(2021, 4, 6).toordinal()

    def claim(cid, place="geonames:713122"):
        return ClaimFeatures(cid, f"fp{cid}", cid, cid, None, day, day, "day", place, "Avdiyivka", "indirect_fire",
                             "military", None, "asserts", (2, 2), None, None)

    # a and b report one incident, c another at the same town the same day, saying the same
    # things: one cell of evidence with 1 true pair (a-b) and 2 false ones (a-c, b-c). d is
    # elsewhere and never proposed with the others.
    features = {1: claim(1), 2: claim(2), 3: claim(3), 4: claim(4, place="geonames:709717")}
    truth = {1: "X", 2: "X", 3: "Y", 4: "Z"}
    ceiling = evaluate.evidence_ceiling(features, truth, Config())
    # Linking the cell: P 1/3, R 1/1, F1 0.5; leaving it: F1 0. The best is 0.5.
    assert ceiling["pairwise_f1"] == pytest.approx(0.5)
    assert (ceiling["pairwise_p"], ceiling["pairwise_r"]) == (pytest.approx(1 / 3), 1.0)
    assert (ceiling["cells"], ceiling["true_pairs"], ceiling["true_pairs_never_proposed"]) == (1, 1, 0)
    assert (ceiling["alike_true_pairs"], ceiling["alike_pairs_of_different_incidents"]) == (1, 2)


def _events_file(path: Path, events: list[tuple[list[str], str, str, bool]]) -> Path:
    """A tiny SQLite file with only the columns the baseline comparison reads (any version has them)."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE claims (id INTEGER PRIMARY KEY, ref TEXT);"
                       "CREATE TABLE events (id INTEGER PRIMARY KEY, status TEXT, reason TEXT, active BOOLEAN);"
                       "CREATE TABLE claim_links (claim_id INTEGER, event_id INTEGER);")
    claim_id = 0
    # Ids offset per file, so that equal events have different event and claim ids in the two files.
    offset = 100 if "b" in path.stem else 0
    for number, (refs, status, reason, active) in enumerate(events, start=1 + offset):
        conn.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (number, status, reason, active))
        for ref in refs:
            claim_id += 1
            conn.execute("INSERT INTO claims VALUES (?, ?)", (claim_id + offset, ref))
            conn.execute("INSERT INTO claim_links VALUES (?, ?)", (claim_id + offset, number))
    conn.commit()
    conn.close()
    return path


def test_baseline_comparison_reports_one_event_graded_otherwise(tmp_path):
    import baseline

    same = [(["r1", "r2"], "independently_verified", "asserted by A and B", True),
            (["r3"], "unverified", "rests on one origin (C)", True)]
    ours = _events_file(tmp_path / "a.sqlite", same + [(["r4", "r5"], "contested", "denied by D", True)])
    theirs = _events_file(tmp_path / "b.sqlite", list(reversed(same)) + [(["r5", "r4"], "unverified", "x", True)])
    found = baseline.compare_events(baseline.load_events(ours), baseline.load_events(theirs))
    assert not found["same"]
    assert (found["events"], found["only_here"], found["only_in_baseline"], found["grade_differs"]) == (3, 0, 0, 1)
    assert found["examples"] == ["{r4, r5}: here contested ('denied by D'), baseline unverified ('x')"]
    # The same events, other ids and order, and a retired event left in one file: the same.
    again = _events_file(tmp_path / "b2.sqlite", list(reversed(same)) + [(["r4", "r5"], "contested", "denied by D", True),
                                                                        (["r9"], "unverified", "old", False)])
    assert baseline.compare_events(baseline.load_events(ours), baseline.load_events(again))["same"]


def test_baseline_comparison_reports_events_split_otherwise(tmp_path):
    import baseline

    ours = _events_file(tmp_path / "a.sqlite", [(["r1", "r2", "r3"], "unverified", "u", True)])
    theirs = _events_file(tmp_path / "b.sqlite", [(["r1", "r2"], "unverified", "u", True),
                                                   (["r3"], "unverified", "u", True)])
    found = baseline.compare_events(baseline.load_events(ours), baseline.load_events(theirs))
    assert (found["same"], found["only_here"], found["only_in_baseline"], found["grade_differs"]) == (False, 1, 2, 0)
    assert found["examples"][0] == "only here: {r1, r2, r3} unverified"
    assert benchmark.baseline_differs([{"baseline": found}]) and not benchmark.baseline_differs([{"size": 1}])


def test_splink_standardises_what_claims_say():
    import splink_match

    row = splink_match.standardise({"ref": "c1", "date": "2021-04-06/2021-04-08", "place": "5 km west of Авдіївка",
                                    "type": "mortar shelling", "victims": "civilians", "killed": "at least 2"})
    assert (row["date"], row["place"], row["place3"], row["killed"]) == ("2021-04-06", "avdiivka", "avd", 2)
    assert row["kind"] and row["victims"]
    assert splink_match.place_key("near the village of Dvorična") == "dvoricna"
    empty = splink_match.standardise({"ref": "c2", "date": "2021-04-06"})
    assert (empty["place"], empty["place3"], empty["kind"], empty["victims"], empty["killed"]) == (None,) * 5


def test_splink_clusters_a_small_set_and_is_scored_like_reconcile():
    import splink_match

    if splink_match.available() is None:
        pytest.skip("Splink 5 is not installed (pip install -e '.[bench]')")
    _sources, claims, truth = generate.generate(600, seed=4)
    columns = {k: [] for k in ("ref", "date", "day", "place", "place3", "kind", "victims", "killed")}
    for claim in claims:
        for key, value in splink_match.standardise(claim).items():
            columns[key].append(value)
    pred = splink_match.match(columns)
    assert set(pred) == {c["ref"] for c in claims}   # every claim in a cluster, singletons too
    scores = evaluate.clustering_scores(pred, truth["claims"])
    assert scores["claims"] == len(claims) and scores["unlinked_claims"] == 0
    # Not a bar for Splink, only that the glue links what it should: far better than chance.
    assert scores["pairwise_p"] > 0.5 and scores["pairwise_r"] > 0.3


def test_generator_draws_periods_on_any_day_once_those_from_the_first_of_a_month_are_taken():
    # A million claims hold more period incidents than there are scopes starting on the first of
    # a month (2 years × 10 starts, January to October, × 143 lengths × 2 kinds of victims =
    # 5,720): drawing one more
    # must end, with a scope of its own.
    from datetime import date, timedelta

    gen = generate.Generator(1, 730, 1.0, 1.0)
    starts = [date(y, m, 1) for y in (2021, 2022) for m in range(1, 11)]
    gen._scopes = {(s, s + timedelta(days=d), v) for s in starts for d in range(8, 151) for v in ("military", "civilian")}
    assert len(gen._scopes) == 5720
    gen.period_claim()
    [period] = gen.periods
    assert len(gen._scopes) == 5721
    assert (period.start, period.end, period.victims) in gen._scopes and not (period.start.day == 1
                                                                              and period.start.month <= 10)
