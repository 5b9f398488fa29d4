"""The blocker's two ways of meeting a neighbourhood (filing every claim under the places near
its own, or looking them up when asked) propose the same candidates."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import imported_database
from reconciler.config import Config
from reconciler.features import load_features
from reconciler.matching import Blocker
from reconciler.sources import SourceIndex

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import generate  # noqa: E402


def test_few_queries_blocker_proposes_the_same_candidates_as_the_filed_one(tmp_path):
    sources, claims, truth = generate.generate(1500, seed=5)
    data = tmp_path / "data"
    generate.write(data, sources, claims, [], truth)
    db = imported_database(tmp_path / "blocks.sqlite", data)
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
