"""A claim's fields as given, stored once (reconciler.given): `raw` keeps only what the columns,
relays and report do not hold exactly as given, and every reader gets the claim back whole."""

from __future__ import annotations

import json

from hypothesis import given as for_all, settings, strategies as st

from conftest import Desk
from reconciler.given import held, restore, stored_form
from reconciler.reading import CLAIM_FIELDS

# What the columns of a claim hold when it gave exactly these (the column names of HELD_COLUMNS).
COLUMNS = {"ref": "r1", "source_text": "Army", "date_text": "2021-04-06", "place_text": "Avdiivka",
           "region_text": None, "lat": None, "lon": None, "type_text": "shelling", "target_text": None,
           "actor_text": None, "victims_text": "soldiers", "killed_text": "two", "wounded_text": None,
           "stance": "asserts", "text": "Two soldiers were killed.", "lang": "en", "note": None}
GIVEN = {"ref": "r1", "source": "Army", "via": ["dpa"], "report": "dpa, 7 April", "published": "2021-04-07",
         "date": "2021-04-06", "place": "Avdiivka", "type": "shelling", "victims": "soldiers", "killed": "two",
         "stance": "asserts", "text": "Two soldiers were killed.", "lang": "en"}


def test_a_claim_its_columns_hold_whole_stores_only_its_report():
    holds = held(COLUMNS, ["dpa"])
    # The report's title and date are the claim's own: the reports table keeps the first claim's.
    assert holds == {k: v for k, v in GIVEN.items() if k not in ("report", "published")}
    assert stored_form(GIVEN, holds) == [{"report": "dpa, 7 April", "published": "2021-04-07"}]
    assert restore(stored_form(GIVEN, holds), holds) == GIVEN
    assert list(restore(stored_form(GIVEN, holds), holds)) == [name for name in CLAIM_FIELDS if name in GIVEN]
    no_report = {k: v for k, v in GIVEN.items() if k not in ("report", "published")}
    assert stored_form(no_report, holds) == [] and restore([], holds) == no_report


def test_what_the_columns_hold_otherwise_is_kept_as_given():
    # A number where the column holds its text, spaces the column left out, a stance not given
    # ("asserts"), -0.0 (a float column gives 0.0 back).
    given = dict(GIVEN, killed=2, place=" Avdiivka ", lat=-0.0, lon=48.1)
    del given["stance"]
    holds = held(COLUMNS | {"place_text": "Avdiivka", "lat": 0.0, "lon": 48.1}, ["dpa"])
    stored = stored_form(given, holds)
    assert stored == [{"report": "dpa, 7 April", "published": "2021-04-07", "place": " Avdiivka ", "lat": -0.0,
                       "killed": 2}, ["stance"]]
    assert restore(stored, holds) == given
    # Through JSON, as the column keeps it: 2 stays a number, -0.0 its sign, 48.1 the same float.
    back = restore(json.loads(json.dumps(stored)), holds)
    assert back == given and str(back["lat"]) == "-0.0"


def test_equal_is_of_the_same_type():
    holds = {"killed": "2", "lat": 48.0, "via": ["dpa"]}
    assert stored_form({"killed": 2, "lat": 48, "via": ["dpa"]}, holds) == [{"killed": 2, "lat": 48}]
    assert stored_form({"killed": "2", "lat": True, "via": ["dpa", "AFP"]}, holds) == \
        [{"lat": True, "via": ["dpa", "AFP"]}]


def test_a_claim_stored_whole_reads_as_it_was():
    # Written before `raw` kept only the rest: a JSON object, whatever the columns hold.
    whole = {"source": "Army", "date": "2021-04-06", "killed": "two"}
    assert restore(whole, held(COLUMNS, [])) is whole


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
                    st.text(max_size=6), st.lists(st.text(max_size=4), max_size=3))


@settings(max_examples=400, deadline=None)
@for_all(st.dictionaries(st.sampled_from(CLAIM_FIELDS), _VALUES), st.dictionaries(st.sampled_from(CLAIM_FIELDS), _VALUES))
def test_any_claim_comes_back_exactly_as_given(given, holds):
    holds = {k: v for k, v in holds.items() if v is not None}   # a NULL column holds no field
    stored = json.loads(json.dumps(stored_form(given, holds)))
    back = restore(stored, holds)
    assert json.dumps(back) == json.dumps({name: given[name] for name in CLAIM_FIELDS if name in given})


def test_import_export_and_show_give_every_claim_exactly_as_given(desk: Desk):
    # One report named by claims written two ways (its key leaves out the spaces) and another
    # ("DPA", case); a claim with a number, spaces, -0.0 and no stance; one with no ref, no
    # relay and no report.
    claims = [
        {"ref": "a", "source": "Army", "via": ["dpa"], "report": "dpa, 7 April", "published": "2021-04-07",
         "date": "2021-04-06", "place": "Avdiivka", "killed": "two", "stance": "asserts", "text": "Two killed."},
        {"ref": "a2", "source": "Army", "via": ["dpa"], "report": "dpa,  7 April", "published": "2021-04-06",
         "date": "2021-04-05", "place": "Avdiivka", "wounded": "one", "stance": "asserts"},
        {"ref": "b", "source": " Army ", "via": [" dpa", "AFP"], "report": "DPA,  7 April", "published": "2021-04-08",
         "date": "2021-04-06", "place": "Avdeevka", "killed": 2, "lat": -0.0, "lon": 37.742, "note": ""},
        {"source": "Monitors", "date": "2021-04-06", "wounded": "at least 3", "type": "shelling"},
    ]
    result = desk("import", desk.write_jsonl("claims.jsonl", claims))
    assert result.exit_code == 0, result.output
    stored = dict(desk.query("SELECT coalesce(ref, ''), raw FROM claims"))
    # Every field but the report's is held by the columns and relays: the report stays the claim's.
    assert json.loads(stored["a"]) == [{"report": "dpa, 7 April", "published": "2021-04-07"}]
    assert json.loads(stored[""]) == [{}, ["stance"]]
    assert json.loads(stored["a2"]) == [{"report": "dpa,  7 April", "published": "2021-04-06"}]
    # The relays and the source are stored without their spaces; the number is a number; the
    # float column gives 0.0 back for -0.0.
    assert json.loads(stored["b"]) == [{"source": " Army ", "via": [" dpa", "AFP"], "report": "DPA,  7 April",
                                        "published": "2021-04-08", "lat": -0.0, "killed": 2}, ["stance"]]
    # An empty field is no field given (as before: the reader leaves it out).
    expected = [claims[0], claims[1], {k: v for k, v in claims[2].items() if k != "note"}, claims[3]]
    assert desk.given() == {c.get("ref"): c for c in expected}
    result = desk("export", "claims", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert sorted(map(json.loads, result.stdout.splitlines()), key=lambda c: c.get("ref", "")) == \
        sorted(expected, key=lambda c: c.get("ref", ""))
    # A claim stored whole, as a version before this one stored it, reads as it was stored.
    desk.execute("UPDATE claims SET raw = ? WHERE ref = 'a'", json.dumps(claims[0] | {"note": "stored whole"}))
    assert desk.given()["a"] == claims[0] | {"note": "stored whole"}
    shown = {c["ref"]: c for c in desk.claims()}
    assert shown["a"]["note"] == "stored whole"
    assert (shown["b"]["source"], shown["b"]["via"], shown["b"]["killed"]) == (" Army ", [" dpa", "AFP"], 2)


def test_a_claim_corrected_records_what_it_said_before(desk: Desk):
    first = {"ref": "a", "source": "Army", "via": ["dpa"], "date": "2021-04-06", "place": "Avdiivka", "killed": 2}
    assert desk("import", desk.write_jsonl("one.jsonl", [first])).exit_code == 0
    again = dict(first, killed="three", place="Avdeevka")
    result = desk("import", desk.write_jsonl("two.jsonl", [again]))
    assert result.exit_code == 0, result.output
    [(before, after)] = desk.query("SELECT before, after FROM claim_changes")
    assert (json.loads(before), json.loads(after)) == (first, again)
    assert desk.given() == {"a": again}
