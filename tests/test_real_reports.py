"""Scores of the kinds of real report that the generator does not write: periods that cross, a
bulletin's list of places, a city against a village, two districts of one city.

Each claim's place goes through the real normaliser and the run's own location step, as a run
would read it; the expected points are the weights of reconciler/config.py, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from reconciler.config import Config
from reconciler.gazetteer import shared_gazetteer
from reconciler.matching import ClaimFeatures, score_pair
from reconciler.places import PlaceNormaliser
from reconciler.features import Locations

D = date(2023, 2, 5).toordinal()


@pytest.fixture(scope="module")
def claim():
    normaliser, config = PlaceNormaliser(), Config()
    locations = Locations(shared_gazetteer(), config.place_neighbour_km)
    texts = ["Donetsk", "Donetsk town", "Yuzivskyi", "Kalynivskyi", "Bakhmut", "Pisky", "Toretsk",
             "Donetsk region: 3 in Bakhmut, 2 in Toretsk", "Donetsk region: 1 in Toretsk and 1 in Bakhmut",
             "Donetsk region: 2 in Bakhmut and 1 in Avdiivka"]
    places = {t: normaliser.normalise(t) for t in texts}
    locations.prepare([(",".join(map(str, p.candidates)) or None, p.geonameid) for p in places.values()])

    def make(cid: int, place: str, start: int = D, end: int | None = None, precision: str = "day",
             origin: int | None = None, killed=(1, 1)) -> ClaimFeatures:
        p = places[place]
        key = (",".join(map(str, p.candidates)) or None, p.geonameid)
        (ids, spots, extent), near = locations.spots(*key), locations.near_of(*key)
        return ClaimFeatures(cid, f"fp{cid}", cid, origin or cid, None, start, end if end is not None else start,
                             precision, p.key, p.label, None, "civilian", None, "asserts", killed, None, None,
                             None, "UA.05", True, ids, spots, near, frozenset(p.names or ()), None,
                             p.method == "list", extent)
    return make


def component(a: ClaimFeatures, b: ClaimFeatures, name: str):
    score = score_pair(a, b, Config(), explain=True)
    found = [c for c in score.components if c.name == name]
    return found[0], score


def test_periods_that_cross_are_neither_for_nor_against(claim) -> None:
    # 5-6 February and 6-7 February: two daily tallies, not one incident told two ways.
    date_, score = component(claim(1, "Pisky", D, D + 1, "range"), claim(2, "Pisky", D + 1, D + 2, "range"), "date")
    assert (date_.points, date_.note) == (0.0, "periods that cross (1 of 3 days shared)")
    # place 4 + date 0 + victims 1 + figures 0.5 (the overlap alone had added 2 × 1/3)
    assert score.total == 5.5


def test_a_day_within_a_stated_period_still_counts_by_how_much_they_share(claim) -> None:
    # 6 February inside 5-6 February: one period told vaguely and one exactly, 2 × 1/2 = 1.
    date_, _ = component(claim(1, "Pisky", D, D + 1, "range"), claim(2, "Pisky", D + 1), "date")
    assert (date_.points, date_.note) == (1.0, "dates overlap (1 of 2 days)")


def test_a_place_one_of_several_a_bulletin_lists_counts_little(claim) -> None:
    bulletin, report = claim(1, "Donetsk region: 3 in Bakhmut, 2 in Toretsk"), claim(2, "Bakhmut")
    assert bulletin.listed and not report.listed
    place, score = component(bulletin, report, "place")
    assert place.points == 1.0
    assert place.note.startswith("one of the places a list names: Bakhmut")
    # place 1 + same day 2 + victims 1 + figures 0.5 = 4.5: reviewed, not linked
    assert score.total == 4.5


def test_one_bulletin_told_twice_is_the_same_place(claim) -> None:
    one, two = (claim(cid, "Donetsk region: 3 in Bakhmut, 2 in Toretsk") for cid in (1, 2))
    place, _ = component(one, two, "place")
    assert place.points == 4.0


def test_two_bulletins_listing_the_same_places_are_the_same_place(claim) -> None:
    one = claim(1, "Donetsk region: 3 in Bakhmut, 2 in Toretsk")
    two = claim(2, "Donetsk region: 1 in Toretsk and 1 in Bakhmut")
    place, _ = component(one, two, "place")
    assert (place.points, place.note) == (4.0, "same place: Bakhmut")


def test_two_bulletins_listing_other_places_count_as_lists(claim) -> None:
    one = claim(1, "Donetsk region: 3 in Bakhmut, 2 in Toretsk")
    two = claim(2, "Donetsk region: 2 in Bakhmut and 1 in Avdiivka")
    place, _ = component(one, two, "place")
    assert place.points == 1.0


def test_the_same_city_says_less_than_the_same_village(claim) -> None:
    city, _ = component(claim(1, "Donetsk"), claim(2, "Donetsk town"), "place")
    village, _ = component(claim(3, "Pisky"), claim(4, "Pisky"), "place")
    assert city.points == 3.0 and village.points == 4.0
    assert city.note.startswith("same city: Donetsk; a city holds many incidents a day")
    # Without explanations (the run's fast path) the points are the same.
    assert score_pair(claim(1, "Donetsk"), claim(2, "Donetsk"), Config()).total == \
        score_pair(claim(1, "Donetsk"), claim(2, "Donetsk"), Config(), explain=True).total == 3 + 2 + 1 + 0.5


def test_a_district_in_a_city_counts_as_the_city(claim) -> None:
    place, _ = component(claim(1, "Donetsk"), claim(2, "Yuzivskyi"), "place")
    assert place.points == 3.0
    assert place.note.startswith("in or beside one another, in a city: Donetsk (Donetsk and Yuzivskyi")


def test_two_adjoining_districts_of_a_city_are_two_places(claim) -> None:
    # Centres 4.1 km apart, extents 3.4 and 3.6 km: neither centre lies within the other district,
    # so they are near (within 5 km of the edge), not one in the other.
    place, _ = component(claim(1, "Yuzivskyi"), claim(2, "Kalynivskyi"), "place")
    assert place.points == -1.0
    assert place.note.startswith("near: Yuzivskyi and Kalynivskyi, 4.1 km apart")


def test_a_list_of_places_corroborates_no_report_at_one_of_them(claim) -> None:
    from reconciler.matching import corroboration_gaps
    config = Config()
    bulletin, report = claim(1, "Donetsk region: 3 in Bakhmut, 2 in Toretsk"), claim(2, "Bakhmut")
    assert corroboration_gaps(bulletin, report, config) == ("one names a list of places",)
    assert corroboration_gaps(claim(3, "Bakhmut"), report, config) == ()
