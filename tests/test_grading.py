"""The verification policy, rule by rule, on hand-built events."""

from reconciler.config import Config
from reconciler.grading import CONTESTED, UNVERIFIED, VERIFIED, GradedClaim, grade_event, tally
from reconciler.sources import OriginInfo

UKRAINE = OriginInfo(1, 1, "Government of Ukraine", "Ukraine", True)
RUSSIA = OriginInfo(2, 2, "Government of Russia", "Russia", True)
OSCE = OriginInfo(3, 3, "OSCE", None, True)
CHANNEL = OriginInfo(4, 4, "Channel X", None, False)   # unregistered: no known origin
ARMY = OriginInfo(5, 1, "Government of Ukraine", "Ukraine", True)  # another voice of Ukraine


def claim(cid, origin, stance="asserts", actor=None, victims="military", killed=None, source=None):
    return GradedClaim(cid, source or origin.origin_name, origin, stance, actor, victims, killed, None, ())


def graded(claims, config=Config(), gaps=None):
    """Grade hand-built claims whose known asserting origins all corroborate one another through
    a strong pair of claims, except the pairs ``gaps`` names (frozenset of two origin names ->
    what keeps their claims from corroborating)."""
    names = sorted({c.origin.origin_name for c in claims if c.origin.known and c.stance != "denies"})
    corroboration = {frozenset((a, b)): () for i, a in enumerate(names) for b in names[i + 1:]}
    return grade_event(claims, config, corroboration | (gaps or {}))


def test_grade_two_independent_origins_verified():
    grade = graded([claim(1, UKRAINE, killed=(1, 1)), claim(2, OSCE, killed=(1, None))], Config())
    assert grade.status == VERIFIED
    assert grade.reason == ("asserted by Government of Ukraine and OSCE, independent origins, corroborating each "
                            "other; figures agree: killed 1 / ≥1")


def test_grade_one_origin_relayed_many_times_unverified():
    claims = [GradedClaim(i, "Armed Forces of Ukraine", ARMY, "asserts", None, "military", (2, 2), None,
                          ("dpa", "Interfax")) for i in range(1, 5)]
    grade = graded(claims + [claim(9, UKRAINE)], Config())
    assert grade.status == UNVERIFIED
    assert grade.reason == "rests on one origin (Government of Ukraine), relayed by Interfax and dpa"


def test_grade_unregistered_source_never_corroborates():
    grade = graded([claim(1, UKRAINE), claim(2, CHANNEL, source="Channel X")], Config())
    assert grade.status == UNVERIFIED
    assert grade.reason.endswith("not counted (no known origin): Channel X")


def test_grade_denial_contested():
    grade = graded([claim(1, UKRAINE, actor="separatists"), claim(2, RUSSIA, stance="denies")], Config())
    assert (grade.status, grade.rule) == (CONTESTED, "denial")
    assert grade.reason == "Government of Russia denies what Government of Ukraine asserts"


def test_grade_denial_by_unknown_origin_does_not_contest():
    grade = graded([claim(1, UKRAINE), claim(2, OSCE), claim(3, CHANNEL, stance="denies")], Config())
    assert grade.status == VERIFIED


def test_grade_different_actors_contested():
    grade = graded([claim(1, UKRAINE, actor="russian separatists"), claim(2, RUSSIA, actor="ukrainian")], Config())
    assert (grade.status, grade.rule) == (CONTESTED, "actors")


def test_grade_same_actor_in_other_words_not_contested():
    grade = graded([claim(1, UKRAINE, actor="pro_russian separatists"), claim(2, OSCE, actor="separatists")],
                        Config())
    assert grade.status == VERIFIED


def test_grade_disjoint_figures_for_same_victims_contested():
    grade = graded([claim(1, UKRAINE, killed=(3, 3)), claim(2, OSCE, killed=(11, None))], Config())
    assert (grade.status, grade.rule) == (CONTESTED, "figures")
    # 11 is more than twice 3 and more than 2 above it: far apart.
    assert grade.reason == "figures far apart: Government of Ukraine killed military 3, OSCE ≥11"


def test_grade_a_toll_counted_differently_is_a_range_not_a_contest():
    # 2 and 3 killed: 3 is not more than twice 2 (nor more than 2 above it): close.
    grade = graded([claim(1, UKRAINE, killed=(2, 2)), claim(2, OSCE, killed=(3, 3))])
    assert (grade.status, grade.rule) == (VERIFIED, "corroborated")
    assert grade.reason == ("asserted by Government of Ukraine and OSCE, independent origins, corroborating each "
                            "other; figures counted differently (a range, not a contradiction): killed 2–3: "
                            "Government of Ukraine 2, OSCE 3")
    # 2 and 5: 5 > 2 × 2 and 5 − 2 = 3 > 2: far apart, contested.
    assert graded([claim(1, UKRAINE, killed=(2, 2)), claim(2, OSCE, killed=(5, 5))]).status == CONTESTED
    # None against some is far apart, however small the some: 0 and 1.
    assert graded([claim(1, UKRAINE, killed=(0, 0)), claim(2, OSCE, killed=(1, 1))]).status == CONTESTED
    # 10 and 19 (19 < 2 × 10): close. The rule is a setting: with ratio 1.5, 19 > 15 is far.
    close = [claim(1, UKRAINE, killed=(10, 10)), claim(2, OSCE, killed=(19, 19))]
    assert graded(close).status == VERIFIED
    assert graded(close, Config(figures_far_ratio=1.5)).status == CONTESTED


def test_grade_linked_origins_whose_reports_never_corroborate_are_unverified():
    # The run linked reports of Ukraine and the OSCE (a day apart, at neighbouring places), but no
    # pair of their claims is strong on its own: likely one incident, not confirmed.
    gaps = {frozenset(("Government of Ukraine", "OSCE")): ("places 3.1 km apart", "dates 1 day apart")}
    grade = graded([claim(1, UKRAINE, killed=(1, 1)), claim(2, OSCE, killed=(1, 1))], gaps=gaps)
    assert (grade.status, grade.rule) == (UNVERIFIED, "linked, not corroborated")
    assert grade.reason == ("likely one incident, but no two origins' reports corroborate each other (Government of "
                            "Ukraine and OSCE: places 3.1 km apart, dates 1 day apart); figures agree: killed 1")
    # A third origin corroborating one of them is enough; the one that does not is named.
    third = graded([claim(1, UKRAINE), claim(2, OSCE), claim(3, RUSSIA)],
                   gaps={frozenset(("Government of Ukraine", "OSCE")): ("dates 1 day apart",),
                         frozenset(("Government of Russia", "OSCE")): ("dates 1 day apart",)})
    assert third.status == VERIFIED
    assert third.reason == ("asserted by Government of Russia and Government of Ukraine, independent origins, "
                            "corroborating each other; also asserted by OSCE (no report of its corroborates)")


def test_grade_require_neutral_needs_the_neutral_origin_in_a_corroborating_pair():
    # Ukraine and Russia corroborate each other; the OSCE's reports corroborate neither.
    apart = {frozenset(("Government of Ukraine", "OSCE")): ("dates 1 day apart",),
             frozenset(("Government of Russia", "OSCE")): ("dates 1 day apart",)}
    claims = [claim(1, UKRAINE), claim(2, RUSSIA), claim(3, OSCE)]
    assert graded(claims, gaps=apart).status == VERIFIED
    assert graded(claims, Config(require_neutral=True), gaps=apart).status == UNVERIFIED


def test_grade_figures_for_different_victims_not_compared():
    grade = graded([claim(1, UKRAINE, killed=(3, 3)), claim(2, OSCE, victims="civilian", killed=(11, 11))],
                        Config())
    assert grade.status == VERIFIED


def test_grade_require_neutral_needs_an_origin_without_side():
    claims = [claim(1, UKRAINE), claim(2, RUSSIA)]
    assert graded(claims, Config()).status == VERIFIED
    strict = graded(claims, Config(require_neutral=True))
    assert strict.status == UNVERIFIED
    assert "neutral origin is required" in strict.reason
    assert graded(claims + [claim(3, OSCE)], Config(require_neutral=True)).status == VERIFIED


def test_tally_best_is_the_smallest_committed_figure():
    # "2", "at least 3", "up to 5": low 0 (up to 5), best 2, high unbounded (at least 3)
    t = tally([(2, 2), (3, None), (0, 5)])
    assert (t.low, t.best, t.high) == (0, 2, None)
    t = tally([(8, 12), (10, 10)])
    assert (t.low, t.best, t.high) == (8, 8, 12)
    t = tally([(0, 5)])
    assert (t.low, t.best, t.high) == (0, None, 5)
    assert tally([]).best is None


def test_grade_pro_russian_separatists_and_russian_troops_are_different_actors():
    # Regression: token-set similarity took "russian" to be part of "pro russian separatists".
    from reconciler.vocabulary import actor_key

    a, b = actor_key("pro-Russian separatists"), actor_key("Russian troops")
    assert (a, b) == ("pro_russ separatists", "russ")
    grade = graded([claim(1, UKRAINE, actor=a), claim(2, OSCE, actor=b)], Config())
    assert (grade.status, grade.rule) == (CONTESTED, "actors")
    same = graded([claim(1, UKRAINE, actor=a), claim(2, OSCE, actor=actor_key("separatists"))], Config())
    assert same.status == VERIFIED


def test_grade_one_party_named_as_adjective_and_noun_is_not_contested():
    # "North forces" and "northern troops", "Ukraine" and "Ukrainian army" name one party.
    from reconciler.vocabulary import actor_key

    assert actor_key("North forces") == actor_key("northern troops") == "north"
    assert actor_key("Ukraine") == actor_key("the Ukrainian army") == actor_key("украинские войска") == "ukrain"
    grade = graded([claim(1, UKRAINE, actor=actor_key("North forces")),
                         claim(2, OSCE, actor=actor_key("northern troops"))], Config())
    assert grade.status == VERIFIED


def test_grade_unverified_reason_carries_the_reporters_note():
    note = "Initially, the information provided by the military could not be independently verified."
    claims = [GradedClaim(1, "Armed Forces of Ukraine", ARMY, "asserts", None, "military", (1, 1), None, ("dpa",),
                          note)]
    grade = graded(claims, Config())
    assert grade.reason == f'rests on one origin (Government of Ukraine), relayed by dpa; reporter\'s note: "{note}"'


def nowhere(cid, origin, **kw):
    """A claim that does not say where (no place, no coordinates)."""
    c = claim(cid, origin, **kw)
    return GradedClaim(c.claim_id, c.source_name, c.origin, c.stance, c.actor_key, c.victims, c.killed, c.wounded,
                       c.relays, c.note, placed=False)


def test_grade_origin_that_never_says_where_does_not_corroborate_a_placed_event():
    grade = graded([claim(1, OSCE, killed=(2, 2)), nowhere(2, UKRAINE, killed=(2, 2))], Config())
    assert (grade.status, grade.rule) == (UNVERIFIED, "default")
    assert grade.reason == ("rests on one origin (OSCE); not counted for the place: Government of Ukraine "
                            "(no claim of its says where)")


def test_grade_one_placed_claim_is_enough_for_an_origin_to_count():
    grade = graded([claim(1, OSCE), nowhere(2, UKRAINE), claim(3, ARMY)], Config())
    assert grade.status == VERIFIED
    assert grade.reason == "asserted by Government of Ukraine and OSCE, independent origins, corroborating each other"


def test_grade_origins_without_a_place_still_contest():
    grade = graded([claim(1, OSCE, killed=(2, 2)), nowhere(2, RUSSIA, killed=(9, 9))], Config())
    assert (grade.status, grade.rule) == (CONTESTED, "figures")


def test_grade_an_event_nobody_places_counts_every_origin():
    # A tally over a period, or an incident no claim places: nothing to corroborate about a place.
    grade = graded([nowhere(1, OSCE), nowhere(2, UKRAINE)], Config())
    assert grade.status == VERIFIED


def test_grade_place_resting_on_an_unknown_source():
    grade = graded([claim(1, CHANNEL, source="Channel X"), nowhere(2, OSCE), nowhere(3, UKRAINE)], Config())
    assert grade.status == UNVERIFIED
    assert grade.reason == ("no known origin says where; asserted without a place by Government of Ukraine and "
                            "OSCE; not counted (no known origin): Channel X")
