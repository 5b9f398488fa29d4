"""The loader's habits: each claim's features, and one copy of each distinct value."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from reconciler.db import open_database
from reconciler.features import load_features, load_window
from reconciler.sources import SourceIndex

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "illustrative"


def test_equal_values_are_one_object(desk):
    for args in (("sources", "import", str(EXAMPLE / "sources.yaml")), ("import", str(EXAMPLE / "claims.jsonl"))):
        assert desk(*args).exit_code == 0
    db = open_database(str(desk.db))
    with db.read() as session:
        features, dirty = load_features(session, SourceIndex.load(session))
    db.dispose()
    assert len(features) == 51 and dirty == set(features)
    claims = [features[i] for i in sorted(features)]
    # ill-001 and ill-002: the General Staff's Avdiivka shelling of 10 May, in English and in German
    # ("Awdijiwka"; examples/illustrative/README.md, E1): one place, one day.
    first, second = claims[0], claims[1]
    assert first.place_key == second.place_key == "geonames:713122"
    assert first.start == second.start and first.precision == second.precision == "day"
    assert first.place_key is second.place_key
    assert first.start is second.start
    # Every claim dated by the day shares one "day"; every claim about Avdiivka one key.
    assert len({id(c.precision) for c in claims if c.precision == "day"}) == 1
    assert len({id(c.place_key) for c in claims if c.place_key == "geonames:713122"}) == 1


def test_places_near_a_claim_do_not_depend_on_how_the_claims_are_read(desk, monkeypatch):
    # Regression: read in parts (a decision's or the review queue's claims, CHUNK ids a query),
    # a claim's places near its own were those of the first part that named its place.
    for args in (("sources", "import", str(EXAMPLE / "sources.yaml")), ("import", str(EXAMPLE / "claims.jsonl"))):
        assert desk(*args).exit_code == 0
    db = open_database(str(desk.db))
    with db.read() as session:
        index = SourceIndex.load(session)
        ids = sorted(load_features(session, index)[0])
        whole, _ = load_features(session, index, claim_ids=ids)
        monkeypatch.setattr("reconciler.features.CHUNK", 2)
        parts, _ = load_features(session, index, claim_ids=ids)
    db.dispose()
    assert any(f.near for f in whole.values())   # the example has neighbouring places
    assert {i: f.near for i, f in parts.items()} == {i: f.near for i, f in whole.items()}


def test_a_wider_window_added_to_a_load_gives_what_loading_it_alone_gives(desk):
    # A run that leaves its window of dates reads only the claims the wider one adds
    # (runs._reconcile); each claim's places near its own are then those among every claim
    # loaded. In the illustrative claims, the 14 May window's claims have places near places
    # that only claims of other days name: loaded alone they have fewer neighbours.
    for args in (("sources", "import", str(EXAMPLE / "sources.yaml")), ("import", str(EXAMPLE / "claims.jsonl"))):
        assert desk(*args).exit_code == 0
    db = open_database(str(desk.db))
    narrow, wide = (date(2031, 5, 14), date(2031, 5, 14)), (date(2031, 5, 1), date(2031, 5, 30))
    with db.read() as session:
        index = SourceIndex.load(session)
        versions: dict[int, int] = {}
        first = load_window(session, index, narrow, versions)
        alone = {i: replace(f) for i, f in first.features.items()}   # copies: the load is taken over
        added = load_window(session, index, wide, versions, before=first)
        whole = load_window(session, index, wide)
        with pytest.raises(ValueError):
            load_window(session, index, (date(2031, 5, 20), date(2031, 5, 30)), before=whole)
    db.dispose()
    assert len(alone) == 6 and len(whole.features) > 2 * len(alone)
    assert added.features == whole.features and added.dirty == whole.dirty == set(whole.features)
    assert sorted(versions) == sorted(whole.features)
    assert added.window == wide
    assert [i for i in alone if alone[i].near != whole.features[i].near]   # near worked out again
