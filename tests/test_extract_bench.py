"""bench/extract_ucdp.py's article view: a story UCDP splits into events is scored against all of them."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import extract_ucdp  # noqa: E402
from reconciler.gazetteer import shared_gazetteer  # noqa: E402

HEADLINE = "Five killed in shelling of Avdiivka"


def _event(event_id: int, low: int, high: int, lat: str, lon: str, where: str = "Avdiivka town") -> dict:
    return {"id": str(event_id), "low": str(low), "high": str(high), "latitude": lat, "longitude": lon,
            "where_coordinates": where, "where_prec": "1", "date_start": "2021-04-06",
            "date_end": "2021-04-06", "deaths_a": "0", "deaths_b": "0", "deaths_civilians": "0", "deaths_unknown": "0"}


def test_an_article_is_scored_against_each_event_citing_it_and_their_sum():
    # UCDP split the story's five deaths: two at Avdiivka (its point), three 30 km away.
    at_avdiivka, elsewhere = (_event(1, 2, 2, "48.139", "37.742"),
                               _event(2, 3, 3, "48.40", "37.90", "Druzhkivka town"))
    items = [(HEADLINE, "AFP", date(2021, 4, 7), at_avdiivka), (HEADLINE, "AFP", date(2021, 4, 7), elsewhere),
             (HEADLINE, "AFP", date(2021, 4, 7), at_avdiivka)]   # an event citing it twice counts once
    articles = extract_ucdp.articles_of(items)
    assert list(articles) == [(HEADLINE, "AFP", date(2021, 4, 7))]
    assert [e["id"] for e in articles[(HEADLINE, "AFP", date(2021, 4, 7))]] == ["1", "2"]

    gazetteer = shared_gazetteer()
    draft = extract_ucdp.draft_of(HEADLINE, "AFP", date(2021, 4, 7))
    assert draft.fields["killed"] == "Five"
    # Per event: five meets neither 2–2 nor 3–3.
    per_event = extract_ucdp.Tally()
    for _text, _office, _day, row in items[:2]:
        extract_ucdp.score(gazetteer, per_event, HEADLINE, row, draft)
    assert (per_event.n["killed"], per_event.n["killed_ok"]) == (2, 0)
    # By article: five is the sum, 2 + 3; Avdiivka lies at the first event's point.
    by_article = extract_ucdp.Tally()
    extract_ucdp.score_article(gazetteer, by_article, HEADLINE, [at_avdiivka, elsewhere], draft)
    assert (by_article.n["articles"], by_article.n["a_killed"], by_article.n["a_killed_ok"]) == (1, 1, 1)
    assert (by_article.n["a_place"], by_article.n["a_place_ok"], by_article.n["a_place_strict_ok"]) == (1, 1, 1)
    # Neither the sum nor any event meets seven, and no event lies near Avdiivka: both count as missed.
    far = [_event(3, 2, 2, "48.40", "37.90", "Druzhkivka town"), _event(4, 3, 3, "48.45", "37.95", "Druzhkivka town")]
    missed = extract_ucdp.Tally()
    extract_ucdp.score_article(gazetteer, missed, "Seven killed in shelling of Avdiivka", far,
                               extract_ucdp.draft_of("Seven killed in shelling of Avdiivka", "AFP", date(2021, 4, 7)))
    assert (missed.n["a_killed"], missed.n["a_killed_ok"], missed.n["a_place"], missed.n["a_place_ok"]) == (1, 0, 1, 0)
