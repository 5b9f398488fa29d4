"""Pair scoring and blocking on hand-built claims."""

from datetime import date

import pytest

from reconciler.config import Config, Weights
from reconciler import matching, scoring
from reconciler.matching import (
    Blocker, ClaimFeatures, Component, PlaceHints, Score, cannot_link, out_of_reach, quote_idle, score_pair,
    score_unless_idle,
)
from reconciler.scoring import score_candidate

D = date(2021, 4, 6).toordinal()
AVDIIVKA = "geonames:713122"


def feat(cid, *, place=AVDIIVKA, label="Avdiyivka", start=D, end=None, precision="day", type_="indirect_fire",
         victims="military", actor=None, killed=(1, 1), origin=None, report=None, stance="asserts", text=None,
         target=None, region="", known=True):
    region = (None if place is None else "UA.05") if region == "" else region   # a placeless claim names none
    return ClaimFeatures(cid, f"fp{cid:03d}", cid, origin if origin is not None else cid, report, start,
                         end if end is not None else start, precision, place, label, type_, victims, actor,
                         stance, killed, None, text, target, region, known)


def test_score_pair_same_incident_sums_named_components():
    score = score_pair(feat(1), feat(2, start=D + 1), Config())
    points = {c.name: c.points for c in score.components}
    # same place 4 + one day apart 1 + same type 1.5 + same victims 1 + figures agree 0.5
    assert points == {"place": 4.0, "date": 1.0, "type": 1.5, "victims": 1.0, "figures": 0.5}
    assert score.total == 8.0


def test_score_pair_differing_figures_alone_do_not_keep_reports_apart():
    config = Config()
    score = score_pair(feat(1, killed=(2, 2)), feat(2, killed=(11, None)), config)
    # same place 4 + same day 2 + type 1.5 + victims 1 − figures differ 1.5 = 7.0
    assert score.total == 7.0
    figures = [c for c in score.components if c.name == "figures"][0]
    assert figures.points == -1.5
    assert figures.note == "differ: killed 2 vs ≥11 (graded; alone never enough to keep reports apart)"


def test_differing_figures_never_part_reports_agreeing_on_place_type_and_victims():
    # A day apart, figures far apart (2 vs ≥11), nothing else in favour.
    config = Config()
    score = score_pair(feat(1, killed=(2, 2)), feat(2, start=D + 1, killed=(11, None)), config)
    # place 4 + date 1 + type 1.5 + victims 1 − figures 1.5 = 6.0: linked
    assert score.total == 6.0 >= config.link_threshold
    # The worst case the blocker proposes, two days apart (−0.5), goes to the review queue:
    # 4 − 0.5 + 1.5 + 1 − 1.5 = 4.5, between the review threshold 3.5 and the link threshold 5.
    score = score_pair(feat(1, killed=(2, 2)), feat(2, start=D + 2, killed=(11, None)), config)
    assert score.total == 4.5 and config.review_threshold <= score.total < config.link_threshold


def test_config_refuses_weights_that_let_figures_alone_part_reports():
    with pytest.raises(ValueError, match="figures_differ -3 would let differing figures alone part claims"):
        Config(weights=Weights(figures_differ=-3.0))
    with pytest.raises(ValueError, match=r"= 6 < link_threshold 6.5"):
        Config(link_threshold=6.5)
    with pytest.raises(ValueError, match=r"two days apart .* = 3 < review_threshold 3.5"):
        Config(weights=Weights(date_two_days=-2.0))


def test_config_refuses_a_merge_margin_that_lets_figures_part_groups_a_day_apart():
    # place 4 + type 1.5 + victims 1 + one day 1 − figures 1.5 = 6: groups of reports of one
    # incident a day apart, each with its own figures, still merge at the default 5 + 1.
    assert Config().merge_threshold == 6.0
    assert Config(merge_margin=0.5).merge_threshold == 5.5
    with pytest.raises(ValueError, match=r"merge_margin 1.5 would let differing figures part groups .* = 6 "
                                         r"< merge threshold 6.5 \(link_threshold \+ merge_margin\)$"):
        Config(merge_margin=1.5)
    with pytest.raises(ValueError, match="merge_margin -0.5 is negative"):
        Config(merge_margin=-0.5)


def test_figures_that_differ_count_against_when_other_evidence_is_incomplete():
    config = Config()
    # type unknown for one claim, one day apart: place 4 + date 1 + victims 1 − figures 1.5 = 4.5
    score = score_pair(feat(1, killed=(2, 2), type_=None), feat(2, start=D + 1, killed=(5, 5)), config)
    assert score.total == 4.5
    assert config.review_threshold <= score.total < config.link_threshold


def test_score_pair_hard_negative_same_place_next_day_other_type_and_victims():
    config = Config()
    score = score_pair(feat(1, type_="sniper"), feat(2, start=D + 1, type_="indirect_fire", victims="civilian"),
                       config)
    # 4 + 1 - 3 (type differs) - 3.5 (victims differ) + 0.5 (figures agree) = -1.0
    assert score.total == -1.0
    assert score.total < config.review_threshold


def test_score_pair_different_targets_keep_neighbouring_reports_apart():
    # One town, one day apart, the same type and victims: a market and a school were hit.
    market, school = feat(1, target="market", killed=(2, 2)), feat(2, start=D + 1, target="school", killed=(2, 2))
    score = score_pair(market, school, Config())
    points = {c.name: c.points for c in score.components}
    # place 4 + date 1 + type 1.5 + victims 1 − target 3.5 + figures 0.5 = 4.5 < link threshold 5
    assert points["target"] == -3.5
    assert score.total == 4.5
    assert [c.note for c in score_pair(market, school, Config(), explain=True).components
            if c.name == "target"] == ["different: market vs school"]
    # A report naming the school and houses shares something with one naming houses: +1.
    both = score_pair(feat(3, target="homes,school"), feat(4, target="homes"), Config(), explain=True)
    assert [(c.points, c.note) for c in both.components if c.name == "target"] == [(1.0, "both name homes")]
    # Only one says what was hit: nothing for or against.
    assert "target" not in {c.name for c in score_pair(market, feat(5), Config()).components}


def test_score_pair_missing_place_is_unknown_not_a_mismatch():
    score = score_pair(feat(1, place=None, label=None), feat(2), Config())
    place = [c for c in score.components if c.name == "place"][0]
    # −1, not the −6 of a mismatch: a claim without a place can reach the review queue, not a link.
    assert (place.points, place.note) == (-1.0, "unknown for one claim: weaker evidence, not a mismatch")
    # −1 + same day 2 + type 1.5 + victims 1 + figures 0.5 = 4.0: uncertain, between 3.5 and 5.
    assert score.total == 4.0


def test_score_pair_different_gazetteer_places_count_against():
    score = score_pair(feat(1), feat(2, place="geonames:709717", label="Donetsk"), Config())
    place = [c for c in score.components if c.name == "place"][0]
    assert place.points == -6.0


def test_score_pair_is_symmetric():
    a, b = feat(1, actor="separatists"), feat(2, start=D + 1, actor="ukrainian", killed=(3, 3))
    assert score_pair(a, b, Config()) == score_pair(b, a, Config())


def test_score_explain_names_components_and_marks_points_against():
    text = score_pair(feat(1), feat(2, place="geonames:709717", label="Donetsk"), Config()).explain()
    # −6 + 2 + 1.5 + 1 + 0.5 = −1
    assert text.startswith("score -1: place −6 (different places: Avdiyivka vs Donetsk); date +2 (same day)")


def test_score_pair_one_origin_on_another_day_with_other_figures_reports_another_occasion():
    # The army: 1 soldier killed in Avdiivka on 6 April, 3 on 7 April, in two daily reports.
    first, second = feat(1, origin=7, report=1, killed=(1, 1)), feat(2, origin=7, report=2, start=D + 1, killed=(3, 3))
    score = score_pair(first, second, Config(), explain=True)
    points = {c.name: c.points for c in score.components}
    # place 4 + 1 day 1 + type 1.5 + victims 1 − figures 0.5 (1 vs 3: close) − origin 4 = 3:
    # apart, below the review threshold 3.5
    assert points["origin"] == -4.0 and score.total == 3.0
    assert [c.note for c in score.components if c.name == "origin"] == [
        "one origin, another day and other figures: its report of another occasion"]
    # Not when the toll is revised for the same day, or when two origins differ (competing
    # figures are graded, never a reason to split).
    for other in (feat(3, origin=7, report=2, killed=(3, 3)), feat(5, origin=8, report=2, start=D + 1, killed=(3, 3))):
        assert "origin" not in {c.name for c in score_pair(first, other, Config()).components}
    # When the figures can both be true, one origin's other day counts a little against
    # (Weights.origin_other_day): more often another occasion than one told twice.
    again = score_pair(first, feat(4, origin=7, report=2, start=D + 1, killed=(1, 2)), Config())
    assert [(c.points, c.note) for c in again.components if c.name == "origin"] == [
        (-0.5, "one origin, another day: more often another occasion than one told twice")]
    # Nor for an unknown origin: "local residents" and "sources on the ground" are many voices.
    unknown = feat(7, origin=9, report=1, killed=(1, 1), known=False)
    assert "origin" not in {c.name for c in score_pair(
        unknown, feat(8, origin=9, report=2, start=D + 1, killed=(3, 3), known=False), Config()).components}
    # Nor for dates that are not day-precise (a month and a day in it).
    month = feat(6, origin=7, start=date(2021, 4, 1).toordinal(), end=date(2021, 4, 30).toordinal(),
                 precision="month", killed=(3, 3))
    assert "origin" not in {c.name for c in score_pair(first, month, Config()).components}


def test_cannot_link_same_origin_same_report():
    config = Config()
    assert cannot_link(feat(1, origin=7, report=3), feat(2, origin=7, report=3), config) is not None
    assert cannot_link(feat(1, origin=7, report=3), feat(2, origin=7, report=4), config) is None
    assert cannot_link(feat(1, origin=7, report=3), feat(2, origin=8, report=3), config) is None


def test_cannot_link_period_with_incident():
    period = feat(1, start=date(2021, 1, 1).toordinal(), end=D, precision="range")
    assert cannot_link(period, feat(2), Config()) == "a claim about a period never joins a claim about a single incident"


def test_blocker_proposes_only_overlapping_dates_in_the_same_place():
    claims = [feat(1), feat(2, start=D + 1), feat(3, start=D + 2), feat(6, start=D + 3),
              feat(4, place="geonames:709717", label="Donetsk"), feat(5, place=None, label=None)]
    blocker = Blocker(claims, Config())
    # Each interval is widened by the one-day tolerance: 2 (a day later) and 3 (two days later,
    # each a day off the incident's date) are candidates; 6 (three days) is not; 4 is elsewhere;
    # 5 has no place but the same type, so the kind block proposes it.
    assert sorted(c.id for c in blocker.candidates(claims[0])) == [2, 3, 5]


def test_blocker_period_claims_meet_only_period_claims_of_the_same_scope():
    year = dict(start=date(2021, 1, 1).toordinal(), end=D, precision="range", place=None, label=None,
                type_=None)
    claims = [feat(1, **year), feat(2, **year), feat(3, **(year | {"start": date(2014, 4, 1).toordinal()})),
              feat(4, place=None, label=None, type_=None)]
    blocker = Blocker(claims, Config())
    assert [c.id for c in blocker.candidates(claims[0])] == [2]


def test_score_pair_dates_beyond_the_window_count_against_per_day():
    # The blocker never proposes these; they are scored inside a group other links formed.
    score = score_pair(feat(1), feat(2, start=D + 4), Config())
    date_part = [c for c in score.components if c.name == "date"][0]
    # 4 days apart, the window is 2 (one day either side): 2 days beyond at −2 a day.
    assert (date_part.points, date_part.note) == (-4.0, "4 days apart: beyond the tolerance")
    # place 4 − 4 + type 1.5 + victims 1 + figures 0.5 = 3.0
    assert score.total == 3.0


def test_score_pair_period_claims_of_other_periods_count_against():
    config = Config()
    jan = date(2021, 1, 1).toordinal()
    a = feat(1, place=None, label=None, start=jan, end=jan + 96, type_=None)
    b = feat(2, place=None, label=None, start=jan + 3, end=jan + 96, type_=None)
    date_part = [c for c in score_pair(a, b, config).components if c.name == "date"][0]
    # starts 3 days apart, one day's tolerance: 2 days beyond, −2 a day
    assert (date_part.points, date_part.note) == (-4.0, "different periods")


DONETSK = "geonames:709717"


def hinted(*claims, config=None):
    config = config or Config()
    features = list(claims)
    return PlaceHints(Blocker(features, config), config), config


def test_place_hint_the_only_place_with_a_compatible_report():
    nowhere, avdiivka = feat(1, place=None, label=None), feat(2)
    hints, config = hinted(nowhere, avdiivka)
    assert hints.of(nowhere) == frozenset({713122})   # Avdiivka: the places it could be
    assert hints.of(avdiivka) is None   # placed claims need no hint
    score = score_pair(nowhere, avdiivka, config, hints=hints)
    place = [c for c in score.components if c.name == "place"][0]
    assert (place.points, place.note) == (
        1.0, "unknown for one claim; Avdiyivka is the only place with a compatible report within the dates")
    # place +1 + same day 2 + type 1.5 + victims 1 + figures 0.5 = 6.0: linked
    assert score.total == 6.0
    # Without hints, the same pair is uncertain: −1 + 2 + 1.5 + 1 + 0.5 = 4.0.
    assert score_pair(nowhere, avdiivka, config).total == 4.0


def test_place_hint_none_when_two_places_are_compatible():
    nowhere = feat(1, place=None, label=None)
    hints, config = hinted(nowhere, feat(2), feat(3, place=DONETSK, label="Donetsk"))
    assert hints.of(nowhere) is None
    assert score_pair(nowhere, feat(2), config, hints=hints).total == 4.0


def test_place_hint_with_and_without_new_claims_in_one_pass():
    # Avdiivka's report was there; Donetsk's (3) and a second Avdiivka report (4) arrive now.
    nowhere = feat(1, place=None, label=None)
    avdiivka, donetsk, again = feat(2), feat(3, place=DONETSK, label="Donetsk"), feat(4)
    hints, _config = hinted(nowhere, avdiivka, donetsk, again)
    # With Donetsk's report two places are compatible: no hint now; before it came, Avdiivka.
    assert hints.with_and_without(nowhere, {3, 4}) == (None, frozenset({713122}))
    assert hints.of(nowhere) is None   # the hint with every claim is memoised as of() gives it
    # Nothing ignored: the same hint twice; only the second Avdiivka report new: Avdiivka both ways.
    assert hints.with_and_without(nowhere, set()) == (None, None)
    assert hints.with_and_without(nowhere, {4}) == (None, None)
    hints, _config = hinted(nowhere, avdiivka, again)
    assert hints.with_and_without(nowhere, {4}) == (frozenset({713122}), frozenset({713122}))
    # No report before the new ones: no hint before, Avdiivka's now.
    assert hints.with_and_without(nowhere, {2, 4}) == (frozenset({713122}), None)
    assert hints.with_and_without(avdiivka, {4}) == (None, None)   # placed claims need none


KHARKIV = "geonames:706483"


def test_place_hint_only_from_the_region_a_claim_without_a_place_names():
    # Reports of the same kind from Avdiivka (Donetsk oblast) and Kharkiv (Kharkiv oblast) the same day.
    avdiivka, kharkiv = feat(2), feat(3, place=KHARKIV, label="Kharkiv", region="UA.07")
    in_donetsk_oblast = feat(1, place=None, label=None, region="UA.05")
    hints, config = hinted(in_donetsk_oblast, avdiivka, kharkiv)
    assert hints.of(in_donetsk_oblast) == frozenset({713122})
    assert score_pair(in_donetsk_oblast, avdiivka, config, hints=hints).total == 6.0
    # Against the report from another region the place counts as different: −6 + 2 + 1.5 + 1 + 0.5 = −1.
    other = score_pair(in_donetsk_oblast, kharkiv, config, hints=hints, explain=True)
    assert [(c.points, c.note) for c in other.components if c.name == "place"] == [
        (-6.0, "different regions: Donetsk oblast vs Kharkiv oblast")]
    assert other.total == -1.0
    # Saying no region, the claim has two places to choose from, and no hint.
    nowhere = feat(4, place=None, label=None, region=None)
    hints, _ = hinted(nowhere, avdiivka, kharkiv)
    assert hints.of(nowhere) is None
    assert score_pair(nowhere, kharkiv, config, hints=hints).total == 4.0


def test_a_claim_without_a_place_against_one_in_another_region_is_counted_not_scored():
    # Everything agrees but the region, and the texts are the same: −6 + 2 + 1.5 + 1 + 0.5 + 1 = 0,
    # and at most −6 + 7.5 (the most the other components give: date 2, type 1.5, victims 1,
    # target 1, actor 0.5, figures 0.5, text 1) = 1.5 < 3.5, the review threshold.
    words = "Two soldiers were killed by shelling, the army said"
    in_donetsk_oblast = feat(1, place=None, label=None, region="UA.05", text=words)
    kharkiv = feat(2, place=KHARKIV, label="Kharkiv", region="UA.07", text=words)
    config = Config()
    assert score_pair(in_donetsk_oblast, kharkiv, config).total == 0.0
    assert out_of_reach(in_donetsk_oblast, kharkiv, config) and out_of_reach(kharkiv, in_donetsk_oblast, config)
    assert score_candidate(in_donetsk_oblast, kharkiv, config, None, set()) is None
    # A person linked them: scored, and kept.
    linked = score_candidate(in_donetsk_oblast, kharkiv, config, None, set(), {(1, 2)})
    assert (linked.total, linked.forbidden) == (0.0, False)
    # One origin in one report: forbidden, kept as such.
    same_report = feat(3, place=KHARKIV, label="Kharkiv", region="UA.07", origin=1, report=7)
    forbidden = score_candidate(feat(1, place=None, label=None, region="UA.05", report=7), same_report, config,
                                None, set())
    assert forbidden.forbidden and scoring.worth_keeping(forbidden, config, set())
    # The same region, no region, both placed, or a period: scored.
    assert not out_of_reach(in_donetsk_oblast, feat(4, region="UA.05"), config)
    assert not out_of_reach(feat(5, place=None, label=None, region=None), kharkiv, config)
    assert not out_of_reach(feat(6), kharkiv, config)
    period = feat(7, place=None, label=None, region="UA.05", end=D + 60, precision="range")
    assert not out_of_reach(period, feat(8, place=None, label=None, region="UA.07", end=D + 60,
                                         precision="range"), config)
    # Weights under which the region alone no longer decides (differing places cost only 3.5):
    # −3.5 + 7.5 = 4 ≥ 3.5, so the pair is scored.
    assert not out_of_reach(in_donetsk_oblast, kharkiv, Config(weights=Weights(place_differs=-3.5)))


def test_quotes_are_not_compared_where_they_could_not_change_what_a_run_keeps():
    # The same place 4, two days apart −0.5, the same type 1.5, soldiers vs civilians −3.5,
    # figures agree 0.5: 2.0. The quotes are the same (+1 at most: 100 % alike), 3.0 < 3.5, the
    # review threshold; and two components count against, so none holds the pair back.
    words = "Two soldiers were killed by shelling near Avdiivka, the army said"
    config = Config()
    a, b = feat(1, text=words), feat(2, start=D + 2, victims="civilian", text=words)
    assert score_pair(a, b, config).total == 3.0
    assert [c.points for c in score_pair(a, b, config).components if c.name == "text"] == [1.0]
    assert score_unless_idle(a, b, config) is None and score_candidate(a, b, config, None, set()) is None
    # One day apart instead (+1): 2.0 + 1.5 + 1 = 4.5 ≥ 3.5: compared, as score_pair scores it.
    near = feat(3, start=D + 1, victims="civilian", text=words)
    assert score_unless_idle(a, near, config) == score_pair(a, near, config, explain=False)
    assert score_candidate(a, near, config, None, set()).total == 4.5
    # A person linked the first pair: scored in full (3.0, the quotes counted).
    assert score_candidate(a, b, config, None, set(), {(1, 2)}).total == 3.0
    # Weights of three decimals: the quotes' points are rounded to hundredths, 1.006 to 1.01, so
    # the bound counts 1.01 too: figures 0.99 make 2.49 + 1.01 = 3.5, the review threshold: kept.
    odd = Config(weights=Weights(text_similar=1.006, figures_agree=0.99))
    assert score_unless_idle(a, b, odd) is not None and score_candidate(a, b, odd, None, set()).total == 3.5


def test_the_quote_bound_keeps_every_pair_a_component_could_hold_back():
    config = Config()   # review 3.5, link 5, quotes 0 to 1

    def one(*parts):
        return Score(1, 2, tuple(Component(name, points, "") for name, points in parts))

    # Two against: −6.5 + 1 < 3.5, and no single component holds it back.
    assert quote_idle(one(("place", -6.0), ("date", -0.5)), config)
    # The place alone against: −5.5 + 1 < 3.5, but with the quotes' point the place would hold it
    # back (−5.5 + 1 + 6 + 4 = 5.5 ≥ 5, the link threshold), without it not (4.5): compared.
    assert not quote_idle(one(("place", -6.0), ("date", 0.5)), config)
    # 2.5 + 1 = 3.5, the review threshold: compared.
    assert not quote_idle(one(("place", 4.0), ("date", -0.5), ("type", -1.0)), config)
    assert quote_idle(one(("place", 4.0), ("date", -0.5), ("type", -1.5)), config)   # 2 + 1 < 3.5
    # Quotes that could count against: always compared.
    assert not quote_idle(one(("place", -6.0), ("date", -0.5)), Config(weights=Weights(text_similar=-1.0)))
    # Score.plus adds the last component as a new Score would.
    added = one(("place", -6.0), ("date", 0.5)).plus(Component("text", -0.75, ""))
    again = one(("place", -6.0), ("date", 0.5), ("text", -0.75))
    assert (added.total, added.worst, added.against) == (again.total, again.worst, again.against) == (-6.25, again.components[0], 2)


def test_figures_score_the_same_with_and_without_notes():
    # A run scores without notes (a shorter path); what a person reads must give the same points,
    # for every pair of these figures (killed and wounded, none, open-ended), single days and periods.
    figures = [None, (0, 0), (1, 1), (2, 2), (3, 3), (2, 4), (5, None), (11, None), (40, 40)]
    config = Config()
    for end in (None, D + 60):
        precision = "day" if end is None else "range"
        for killed_a in figures:
            for killed_b in figures:
                for wounded_a, wounded_b in ((None, None), ((1, 1), (1, 2)), ((1, 1), (9, 9)), ((2, 2), None)):
                    a = feat(1, killed=killed_a, end=end, precision=precision)
                    b = feat(2, killed=killed_b, end=end, precision=precision)
                    a.wounded, b.wounded = wounded_a, wounded_b
                    quiet, noted = matching._figures(a, b, config, False), matching._figures(a, b, config, True)
                    assert (quiet is None) == (noted is None)
                    assert quiet is None or quiet.points == noted.points, (killed_a, killed_b, wounded_a, wounded_b, end)


def test_place_hint_needs_a_compatible_report():
    nowhere = feat(1, place=None, label=None)
    # One day apart: −1 + 1 + 1.5 + 1 + 0.5 = 3.0 < 4.0 (place_inference_min).
    assert hinted(nowhere, feat(2, start=D + 1))[0].of(nowhere) is None
    # A different place one day apart does not spoil the hint from the same-day report.
    hints, _ = hinted(nowhere, feat(2), feat(3, place=DONETSK, label="Donetsk", start=D + 1))
    assert hints.of(nowhere) == frozenset({713122})   # Avdiivka: the places it could be


def test_place_hint_ignores_claims_it_can_never_join():
    # The same origin in the same report: a bulletin listing two incidents, never one event.
    nowhere = feat(1, place=None, label=None, origin=7, report=3)
    assert hinted(nowhere, feat(2, origin=7, report=3))[0].of(nowhere) is None


def test_place_hint_skips_a_report_a_person_decided_is_another_incident():
    nowhere, avdiivka = feat(1, place=None, label=None), feat(2)
    config = Config()
    hints = PlaceHints(Blocker([nowhere, avdiivka], config), config, decided_apart={(1, 2)})
    assert hints.of(nowhere) is None
