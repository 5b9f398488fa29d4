"""event_details: what `show` gives of one event, for many at once, filtered by grade and date.

Expected values are read off examples/illustrative/README.md (its table of events E1–E19, P1).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reconciler.db import open_database
from reconciler.errors import NotFound
from reconciler.events import EventFilter, event_detail, event_details

from conftest import USER

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "illustrative"


@pytest.fixture
def ran(desk):
    for args in (("sources", "import", str(EXAMPLE / "sources.yaml")), ("import", str(EXAMPLE / "claims.jsonl")),
                 ("run",)):
        result = desk(*args)
        assert result.exit_code == 0, result.output
    return desk


def _refs(detail: dict) -> set[str]:
    return {c["ref"] for c in detail["claims"]}


def test_filters_by_grade_and_date(ran):
    db = open_database(str(ran.db))
    with db.read() as session:
        everything = event_details(session)
        contested = event_details(session, EventFilter(status="contested"))
        late_may = event_details(session, EventFilter(since=date(2031, 5, 21), until=date(2031, 5, 22)))
    db.dispose()
    # 19 incidents and two periods (P1, P2).
    assert len(everything) == 21
    # E10, E11, E12, E13 and P1 are contested.
    assert sorted(map(sorted, (_refs(d) for d in contested))) == sorted(map(sorted, [
        {"ill-027", "ill-028", "ill-029"}, {"ill-030", "ill-031"}, {"ill-032", "ill-033", "ill-034", "ill-035"},
        {"ill-036", "ill-037"}, {"ill-041", "ill-042"}]))
    # E11 (21 May) and E12 (22 May); P1 and P2, whose periods end on 20 May, are out.
    assert [sorted(_refs(d)) for d in late_may] == [["ill-030", "ill-031"],
                                                    ["ill-032", "ill-033", "ill-034", "ill-035"]]
    # Dates first: the list is in event date order.
    starts = [d["date"].split("/")[0] for d in everything]
    assert starts == sorted(starts)


def test_matches_show_and_carries_decisions(ran):
    db = open_database(str(ran.db))
    with db.read() as session:
        e4 = next(d for d in event_details(session) if _refs(d) == {"ill-010", "ill-011", "ill-012"})
        shown = event_detail(session, e4["id"])
    db.dispose()
    assert e4["decisions"] == [] and "decisions" not in shown
    # E4 of examples/illustrative/README.md: Bakhmut shelling of 18 May 2031, three origins (the
    # Valdorian civil administration, the Observatory, the mission), killed 3 in every claim.
    for detail in (e4, shown):
        assert [c["ref"] for c in detail["claim_details"]] == ["ill-010", "ill-011", "ill-012"]
        assert (detail["status"], detail["date"], detail["killed"]) == (
            "independently_verified", "2031-05-18", {"low": 3, "best": 3, "high": 3})
        assert detail["origins"] == ["Government of Valdoria", "Joint Ceasefire Monitoring Mission",
                                     "Observatory for Civilian Harm"]
        assert detail["lineage"] == [] and "killed" in detail["agree"]
    result = ran("grade", str(e4["id"]), "--status", "contested", "--reason", "a later report disputes it")
    assert result.exit_code == 0, result.output
    db = open_database(str(ran.db))
    with db.read() as session:
        (after,) = event_details(session, event_ids=[e4["id"]])
    db.dispose()
    assert after["status"] == "contested" and after["manual"] is True
    assert [(d["action"], d["user"]) for d in after["decisions"]] == [("grade", USER)]
    assert after["decisions"][0]["after"]["reason"] == "a later report disputes it"


def test_unknown_grade_is_refused(ran):
    db = open_database(str(ran.db))
    with db.read() as session, pytest.raises(NotFound):
        event_details(session, EventFilter(status="verified-ish"))
    db.dispose()
