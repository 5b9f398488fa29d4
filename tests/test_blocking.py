"""The blocker's two ways of meeting a neighbourhood (filing every claim under the places near
its own, or looking them up when asked) propose the same candidates."""

from __future__ import annotations

from conftest import generated_database
from reconciler.config import Config
from reconciler.features import load_features
from reconciler.matching import Blocker, PlaceHints, out_of_reach
from reconciler.scoring import score_candidate, worth_keeping
from reconciler.runs import reconcile
from reconciler.sources import SourceIndex


def test_few_queries_blocker_proposes_the_same_candidates_as_the_filed_one(tmp_path):
    db, _claims = generated_database(tmp_path, 1500, 5, "blocks")
    with db.read() as session:
        features, _dirty = load_features(session, SourceIndex.load(session), config=Config())
    db.dispose()
    filed, asked = Blocker(features.values(), Config()), Blocker(features.values(), Config(), few_queries=True)
    # The generated claims name real places, many with neighbours: the neighbourhood matters here.
    assert sum(1 for f in features.values() if f.near) > 500
    met = 0
    for claim in features.values():
        expected = {c.id for c in filed.candidates(claim)}
        assert {c.id for c in asked.candidates(claim)} == expected, claim.id
        assert {c.id for c in asked.candidates(claim, placeless=True)} == {
            c.id for c in filed.candidates(claim, placeless=True)}
        met += len(expected)
    assert met > 1500
    # And claims are filed far fewer times: no "near" block at all.
    assert not any(key[0] == "near" for key in asked.blocks)
    assert sum(len(m) for _s, m in asked.blocks.values()) < sum(len(m) for _s, m in filed.blocks.values())


def _unknown_places(claims: list[dict]) -> list[dict]:
    """Beside some of the generated claims, reports of places no gazetteer holds (the same day,
    kind and victims), with and without a region: those meet through their names and regions,
    blocks the generated claims alone never fill."""
    unknown = ["IL-76 crash site, Luhansk oblast", "IL-76 crash site", "Toploprylad plant, Donetsk oblast",
               "the Toploprylad plant", "checkpoint Zaitseve-2, Donetsk oblast"]
    extra = []
    for i, claim in enumerate(claims[:400:40]):
        extra.append(dict(claim, ref=f"unknown-{i}", place=unknown[i % len(unknown)], via=[], report=None))
    return [{k: v for k, v in c.items() if v is not None} for c in extra]


def test_candidates_are_symmetric_and_a_full_run_scores_each_pair_once(tmp_path):
    # A run that re-decides every claim scores each pair from its smaller claim only
    # (scoring.score_all): right only if b is a candidate of a exactly when a is one of b.
    db, _claims = generated_database(tmp_path, 1500, 7, "pairs", more=_unknown_places)
    with db.read() as session:
        features, _dirty = load_features(session, SourceIndex.load(session), config=Config())
    config = Config()
    kinds = {"placed": lambda f: bool(f.candidates), "no place": lambda f: f.place_key is None,
             "period": lambda f: f.is_period(config),
             "unknown place with a region": lambda f: f.place_key is not None and not f.candidates and f.region,
             "unknown place without one": lambda f: f.place_key is not None and not f.candidates and not f.region}
    for kind, test in kinds.items():
        assert any(test(f) for f in features.values()), kind   # every way of meeting is tried
    pairs = set()
    for blocker in (Blocker(features.values(), config), Blocker(features.values(), config, few_queries=True)):
        proposed = {claim.id: {other.id for other in blocker.candidates(claim)} for claim in features.values()}
        for a, others in proposed.items():
            for b in others:
                assert a in proposed[b], (a, b)
        pairs |= {(min(a, b), max(a, b)) for a, others in proposed.items() for b in others}
    # Each pair scored once, however many claims proposed it.
    with db.write() as session:
        counts = reconcile(session, "tester", config, workers=1).counts
    db.dispose()
    assert counts["pairs_scored"] == len(pairs) > 2000


def test_pairs_counted_without_scoring_are_pairs_no_run_keeps(tmp_path):
    # scoring.score_candidate leaves unscored the pairs matching.out_of_reach names (a claim
    # without a place against one in another region), and those whose quotes could not change
    # what a run keeps (matching.quote_idle): scored in full, none of them is a pair a run keeps
    # anything of (scoring.worth_keeping), on the generator's claims over 60 days (about as many
    # a day as 30,000 over its two years).
    db, _claims = generated_database(tmp_path, 2500, 7, "reach", more=_unknown_places, span_days=60)
    config = Config()
    with db.read() as session:
        features, _dirty = load_features(session, SourceIndex.load(session), config=config)
    db.dispose()
    blocker = Blocker(features.values(), config)
    hints = PlaceHints(blocker, config, set())
    counted = idle = kept = 0
    for claim in features.values():
        for other in blocker.candidates(claim):
            pair = (min(claim.id, other.id), max(claim.id, other.id))
            if score_candidate(claim, other, config, hints, set()) is not None:
                continue
            counted += 1
            idle += not out_of_reach(claim, other, config)   # left unscored for its quotes alone
            whole = score_candidate(claim, other, config, hints, set(), {pair})   # people's link: scored in full
            kept += worth_keeping(whole, config, set())
    assert counted > 500 and idle > 500 and kept == 0
