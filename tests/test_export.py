"""`reconcile export`: the round trip (export → import into a fresh file → run gives the same
events and grades), each format's shape, hostile claims, and the command's errors.

Expected values are worked out by hand from examples/illustrative/README.md (events E1–E19,
P1, P2) and from the hostile claims below.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import Result

from cli.main import cli
from cli.output import spreadsheet_cell
from conftest import USER, Desk

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ILLUSTRATIVE = EXAMPLES / "illustrative"
CONTRACT = ["ref", "source", "via", "report", "published", "date", "place", "region", "lat", "lon", "type", "target",
            "actor", "victims", "killed", "wounded", "stance", "text", "lang", "note"]


def at(desk: Desk, db: str, *args: str) -> Result:
    """`reconcile --db DB ...` in the desk's directory: a second database beside the desk's own."""
    return desk.runner.invoke(cli, ["--db", db, "--user", USER, *args], catch_exceptions=False)


def load(desk: Desk, db: str, example: Path, *claim_files: str) -> None:
    for args in (("sources", "import", str(example / "sources.yaml")),
                 ("import", *(claim_files or [str(example / "claims.jsonl")])), ("run",)):
        result = at(desk, db, *args)
        assert result.exit_code == 0, result.output


def events_of(desk: Desk, db: str) -> list[tuple]:
    """Each event as (its claims' refs, grade, reason), sorted: what must survive a round trip."""
    result = at(desk, db, "events", "--json")
    assert result.exit_code == 0, result.output
    return sorted((tuple(sorted(c["ref"] for c in e["claims"])), e["status"], e["reason"])
                  for e in json.loads(result.stdout))


def exported(desk: Desk, *args: str) -> Result:
    result = desk("export", *args)
    assert result.exit_code == 0, result.output
    return result


def csv_text(desk: Desk, *args: str) -> str:
    """The CSV export as written, line ends and all (``Result.stdout`` turns CRLF into LF)."""
    return exported(desk, *args).stdout_bytes.decode("utf-8")


@pytest.fixture
def illustrative(desk: Desk) -> Desk:
    load(desk, "desk.sqlite", ILLUSTRATIVE)
    return desk


def refs_by_event(desk: Desk) -> dict[tuple[str, ...], dict]:
    result = desk("events", "--json")
    return {tuple(sorted(c["ref"] for c in e["claims"])): e for e in json.loads(result.stdout)}


# --- the round trip ----------------------------------------------------------------------------

EXPECTED_EVENTS = {"dpa-2021-04-07": 17, "illustrative": 21}


@pytest.mark.parametrize("example", ["dpa-2021-04-07", "illustrative"])
def test_export_round_trip_gives_the_same_events_and_grades(desk, example):
    load(desk, "desk.sqlite", EXAMPLES / example)
    exported(desk, "claims", "--format", "jsonl", "--out", "claims-out.jsonl")
    load(desk, "fresh.sqlite", EXAMPLES / example, "claims-out.jsonl")
    before, after = events_of(desk, "desk.sqlite"), events_of(desk, "fresh.sqlite")
    assert after == before
    # The illustrative example's 21 events (E1–E19, P1, P2). The dpa report's 17 claims are 17
    # events, all unverified (examples/dpa-2021-04-07/README.md): all come from one report, so the
    # army's four deaths (one origin) are four incidents; the three period totals differ in scope
    # and source; each of the ten statements is one origin's words and no other claim repeats it.
    assert len(before) == EXPECTED_EVENTS[example]
    if example == "dpa-2021-04-07":
        assert {grade for _, grade, _ in before} == {"unverified"}
        assert all(len(refs) == 1 for refs, _, _ in before)
    stored = [json.loads(line) for line in (EXAMPLES / example / "claims.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    lines = [json.loads(line) for line in (desk.directory / "claims-out.jsonl").read_text(encoding="utf-8").splitlines()]
    # Every claim exactly as given (its fields in the contract's order), nothing else.
    assert sorted(lines, key=lambda c: c["ref"]) == sorted(stored, key=lambda c: c["ref"])


def test_export_claims_json_and_csv_hold_the_import_contract_as_given(illustrative):
    claims = json.loads(exported(illustrative, "claims", "--format", "json").stdout)
    given = {c["ref"]: c for c in map(json.loads, (ILLUSTRATIVE / "claims.jsonl").read_text(encoding="utf-8").splitlines())}
    assert len(claims) == 51
    for claim in claims:
        # The stance is "asserts" where the file left it out (as in `claims --json`), via [] where none.
        assert {k: v for k, v in claim.items() if k in CONTRACT and v not in (None, [])} == \
            given[claim["ref"]] | {"stance": given[claim["ref"]].get("stance", "asserts")}
    rows = list(csv.DictReader(io.StringIO(csv_text(illustrative, "claims", "--format", "csv"), newline="")))
    assert list(rows[0]) == CONTRACT + ["claim_id", "origin", "event_id", "grade", "reason", "event_origins"]
    ill_005 = next(r for r in rows if r["ref"] == "ill-005")
    # Relays ;-joined, nearest first, as the CSV import reads them; the grade of E2 and its origins.
    assert ill_005["via"] == "Continental Press Agency; Eastmark News Service"
    assert (ill_005["grade"], ill_005["origin"]) == ("independently_verified", "Eastmark People's Authority")
    assert ill_005["event_origins"] == "Eastmark People's Authority; Frontline Medics Network"
    assert ill_005["stance"] == ""   # not given in the file: left empty, as given


def test_export_claims_in_no_event_come_only_without_a_filter(illustrative):
    # Imported after the run: in no event. 13 May is E7's day (ill-019, the mission in Maryinka).
    result = illustrative("import", illustrative.write_jsonl("late.jsonl", [
        {"ref": "late-1", "source": "Frontline Medics Network", "date": "2031-05-13", "place": "Maryinka",
         "type": "shelling", "wounded": 1, "text": "one wounded"}]))
    assert result.exit_code == 0, result.output
    claims = json.loads(exported(illustrative, "claims", "--format", "json").stdout)
    assert len(claims) == 52
    late = next(c for c in claims if c["ref"] == "late-1")
    assert (late["event_id"], late["event"], late["parsed"]["source"]) == (None, None, "Frontline Medics Network")
    # By date, then id: after the claims dated 13 May or earlier, before those dated later.
    dates = [c["parsed"]["date"]["start"] for c in claims]
    assert dates == sorted(dates) and claims[claims.index(late) + 1]["parsed"]["date"]["start"] > "2031-05-13"
    # The same fields as a claim in an event (claims --json's), no date_label.
    assert set(late) == set(claims[0]) and "date_label" not in late
    since = json.loads(exported(illustrative, "claims", "--format", "json", "--since", "2031-05-13",
                                "--until", "2031-05-13").stdout)
    assert "late-1" not in {c["ref"] for c in since} and since
    result = exported(illustrative, "claims", "--format", "claimreview")
    assert len(json.loads(result.stdout)["@graph"]) == 51
    assert result.stderr.startswith("Left out 1 claim (in no event yet, so not reviewed")


# --- each format -------------------------------------------------------------------------------

def test_export_events_json_is_events_json_with_the_details(illustrative):
    listed = json.loads(illustrative("events", "--json").stdout)
    details = json.loads(exported(illustrative, "events", "--format", "json").stdout)
    assert [{k: d[k] for k in listed[0]} for d in details] == listed
    e4 = next(d for d in details if {c["ref"] for c in d["claims"]} == {"ill-010", "ill-011", "ill-012"})
    assert e4["status"] == "independently_verified"
    assert [c["ref"] for c in e4["claim_details"]] == ["ill-010", "ill-011", "ill-012"]
    assert {"agree", "differ", "links", "lineage", "decisions", "active"} <= set(e4)


def test_export_events_csv_one_row_a_claim_filtered_by_grade(illustrative):
    text = csv_text(illustrative, "events", "--format", "csv", "--status", "contested")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    # E10, E11, E12, E13 and P1: 3 + 2 + 4 + 2 + 2 claims.
    assert sorted(r["ref"] for r in rows) == ["ill-0%02d" % n for n in range(27, 38)] + ["ill-041", "ill-042"]
    assert {r["grade"] for r in rows} == {"contested"}
    e11 = [r for r in rows if r["ref"] in ("ill-030", "ill-031")]
    assert e11[0]["event_id"] == e11[1]["event_id"] and e11[0]["reason"] == e11[1]["reason"]
    assert e11[0]["origins"] == "Eastmark People's Authority; Government of Valdoria"
    assert text.endswith("\r\n") and not text.startswith("\ufeff")


def test_export_claims_by_dates_are_those_of_the_events_chosen(illustrative):
    text = csv_text(illustrative, "claims", "--format", "csv", "--since", "2031-05-21", "--until", "2031-05-22")
    # E11 (21 May) and E12 (22 May); P1 and P2 end on 20 May.
    assert [r["ref"] for r in csv.DictReader(io.StringIO(text, newline=""))] == [
        "ill-030", "ill-031", "ill-032", "ill-033", "ill-034", "ill-035"]


def test_export_geojson_points_lon_lat_and_events_left_out(illustrative):
    by_refs = refs_by_event(illustrative)
    result = exported(illustrative, "events", "--format", "geojson")
    data = json.loads(result.stdout)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 19
    e1 = next(f for f in data["features"] if f["id"] == by_refs[("ill-001", "ill-002", "ill-003")]["id"])
    lon, lat = e1["geometry"]["coordinates"]
    assert 37 < lon < 38 and 48 < lat < 49   # Avdiivka, [lon, lat] (RFC 7946)
    assert e1["properties"]["location_from"] == "gazetteer"
    assert e1["properties"]["status"] == "unverified" and e1["properties"]["grade"] == "unverified"
    assert [c["via"] for c in e1["properties"]["claims"]] == [["Continental Press Agency"]] * 2 + [[]]
    # P1 and P2 name no place: counted and named on stderr, not dropped silently.
    p1, p2 = by_refs[("ill-041", "ill-042")]["id"], by_refs[("ill-043",)]["id"]
    assert result.stderr == ("Left out 2 events (no location: no coordinates given, no place found in the "
                             f"gazetteer): {', '.join(map(str, sorted([p1, p2])))}\n")
    claims = json.loads(exported(illustrative, "claims", "--format", "geojson").stdout)
    ill_003 = next(f for f in claims["features"] if f["properties"]["ref"] == "ill-003")
    # The mission gave coordinates: they are the point.
    assert (ill_003["geometry"]["coordinates"], ill_003["properties"]["location_from"]) == ([37.743, 48.139], "claim")
    # ill-041, 042, 043 (periods) and ill-047 (only an oblast) have no point.
    assert len(claims["features"]) == 47


def test_export_claimreview_rates_each_claim_by_its_event(illustrative):
    by_refs = refs_by_event(illustrative)
    graph = json.loads(exported(illustrative, "claims", "--format", "claimreview", "--publisher", "Example Desk")
                       .stdout)
    assert graph["@context"] == "https://schema.org" and len(graph["@graph"]) == 51
    reviews = {r["itemReviewed"]["identifier"]: r for r in graph["@graph"]}
    e4 = by_refs[("ill-010", "ill-011", "ill-012")]
    rating = reviews["ill-011"]["reviewRating"]
    assert rating == {"@type": "Rating", "ratingValue": 3, "worstRating": 1, "bestRating": 3,
                      "alternateName": "independently verified", "ratingExplanation": e4["reason"]}
    assert reviews["ill-011"]["author"] == {"@type": "Organization", "name": "Example Desk"}
    # Irena Vask is a person (kind individual) speaking for the Government of Valdoria (E11, contested).
    ill_031 = reviews["ill-031"]
    assert ill_031["itemReviewed"]["author"] == {"@type": "Person", "name": "Irena Vask", "affiliation": {
        "@type": "Organization", "name": "Government of Valdoria"}}
    # A contested event rates none of its claims (either side may be right): no value, no scale.
    assert ill_031["reviewRating"] == {"@type": "Rating", "alternateName": "contested",
                                       "ratingExplanation": by_refs[("ill-030", "ill-031")]["reason"]}
    # ill-005: CPA quoted ENS, which quoted the militia: the relay chain, nearest first.
    appearance = reviews["ill-005"]["itemReviewed"]["appearance"]
    assert appearance["publisher"] == {"@type": "Organization", "name": "Continental Press Agency"}
    assert appearance["isBasedOn"] == {"@type": "CreativeWork",
                                       "publisher": {"@type": "Organization", "name": "Eastmark News Service"}}
    assert appearance["headline"] == "CPA: Eastmark says Valdorian shelling killed civilian in Gorlovka"
    assert reviews["ill-005"]["claimReviewed"] == json.loads(
        next(line for line in (ILLUSTRATIVE / "claims.jsonl").read_text(encoding="utf-8").splitlines()
             if '"ill-005"' in line))["text"]


def test_export_claimreview_rates_each_claim_by_its_stance_and_its_events_grade(illustrative):
    by_refs = refs_by_event(illustrative)
    e6, e8 = by_refs[("ill-017", "ill-018")], by_refs[("ill-021", "ill-022", "ill-023")]
    e10 = by_refs[("ill-027", "ill-028", "ill-029")]
    # E10 (Svitlodarsk): the government asserts the shelling (ill-027), the militia command denies
    # it (ill-028, ill-029): contested. A person grades it independently verified by hand.
    reason = "JCMM crater analysis of 20 May confirms the shelling"
    result = illustrative("grade", str(e10["id"]), "--status", "independently_verified", "--reason", reason)
    assert result.exit_code == 0, result.output
    graph = json.loads(exported(illustrative, "claims", "--format", "claimreview").stdout)["@graph"]
    ratings = {r["itemReviewed"]["identifier"]: r["reviewRating"] for r in graph}

    def rating(value: int, name: str, explanation: str) -> dict:
        return {"@type": "Rating", "ratingValue": value, "worstRating": 1, "bestRating": 3, "alternateName": name,
                "ratingExplanation": explanation}

    # The assertion in a verified event: 3; the denials there: 1, contradicted, not "verified".
    assert ratings["ill-027"] == rating(3, "independently verified", reason)
    assert ratings["ill-028"] == ratings["ill-029"] == rating(1, "contradicted by independently verified reports",
                                                              reason)
    # Any claim in an unverified event: 2. E6's channel is unregistered, E8's blog (kind unknown)
    # has no known origin: rated as their event, the explanation says they do not count.
    assert ratings["ill-017"] == rating(2, "unverified", e6["reason"])
    assert ratings["ill-018"] == rating(2, "unverified", e6["reason"] + "; this claim's source "
                                        "(@frontline_truth_31) is not counted: it is not registered")
    assert ratings["ill-023"] == rating(2, "unverified", e8["reason"] + "; this claim's source "
                                        "(Steppe Watcher) is not counted: it has no known origin")
    # The grade each claim gets, by event: E1–E19, P1, P2 less E10 as above (README's table).
    values = {r["itemReviewed"]["identifier"]: r["reviewRating"].get("ratingValue") for r in graph}
    assert sorted(ref for ref, value in values.items() if value is None) == (
        ["ill-030", "ill-031"] + ["ill-0%02d" % n for n in range(32, 38)] + ["ill-041", "ill-042"])
    assert sorted(ref for ref, value in values.items() if value == 3) == (
        ["ill-%03d" % n for n in [4, 5, 6, 7, 8, 9, 10, 11, 12, 19, 20, 27, 44, 45, 47, 48, 49]])
    assert sorted(ref for ref, value in values.items() if value == 1) == ["ill-028", "ill-029"]
    assert sum(value == 2 for value in values.values()) == 51 - 10 - 17 - 2


def test_export_claimreview_of_dataset_claims_reviews_a_summary_not_the_datasets_text(desk):
    from test_datasets import UCDP_COLUMNS, csv_text as dataset_csv, ucdp_row

    # One UCDP event naming two original sources: two claims, relayed by UCDP GED, neither registered.
    desk.write("ged.csv", dataset_csv(UCDP_COLUMNS, [ucdp_row(900002, "2031-03-16", "Horlivka",
                                                              "Ukrainian army; OSCE SMM", 1)]))
    # A ref that looks like a dataset's, typed by hand: the text is the source's words.
    for args in (("import", "--format", "ucdp", "ged.csv"),
                 ("import", desk.write_jsonl("own.jsonl", [{"ref": "ucdp:by-hand", "source": "Army",
                                                             "date": "2031-04-30", "text": "my own words"}])),
                 ("run",)):
        result = desk(*args)
        assert result.exit_code == 0, result.output
    graph = json.loads(exported(desk, "claims", "--format", "claimreview").stdout)["@graph"]
    reviews = {r["itemReviewed"]["identifier"]: r for r in graph}
    army = reviews["ucdp:900002:ukrainian-army"]
    # UCDP's source_headline is the article's headline, not the army's words: it is the headline of
    # the appearance (UCDP's record, citing the article); the claim reviewed is a line from its fields
    # (place and oblast of where_prec 1, the day, best = low = high = 1 killed).
    assert army["claimReviewed"] == "Horlivka town, Donetsk oblast on 2031-03-16: killed 1"
    assert army["itemReviewed"]["appearance"] == {
        "@type": "CreativeWork", "headline": "Shelling of Horlivka",
        "citation": '"Ukrinform,2031-03-16,Shelling of Horlivka"', "datePublished": "2031-03-16",
        "publisher": {"@type": "Organization", "name": "UCDP GED"}}
    reason = "no known origin asserts it; not counted (no known origin): OSCE SMM and Ukrainian army"
    assert army["reviewRating"] == {"@type": "Rating", "ratingValue": 2, "worstRating": 1, "bestRating": 3,
                                    "alternateName": "unverified", "ratingExplanation": reason +
                                    "; this claim's source (Ukrainian army) is not counted: it is not registered"}
    assert reviews["ucdp:900002:osce-smm"]["claimReviewed"] == army["claimReviewed"]
    assert reviews["ucdp:by-hand"]["claimReviewed"] == "my own words"
    assert "appearance" not in reviews["ucdp:by-hand"]["itemReviewed"]


def test_export_claimreview_leaves_out_claims_in_no_event(registered):
    registered("import", registered.write_jsonl("c.jsonl", [
        {"ref": "a", "source": "Army", "date": "2021-04-06", "text": "two killed"}]))
    result = exported(registered, "claims", "--format", "claimreview")
    assert json.loads(result.stdout)["@graph"] == []
    assert result.stderr == "Left out 1 claim (in no event yet, so not reviewed; run `reconcile run` first): 1\n"


# --- hostile claims ----------------------------------------------------------------------------

HOSTILE = [
    {"ref": "h-1", "source": "<script>alert(1)</script>", "date": "2031-06-01",
     "place": "\"><img src=x onerror=alert(1)>", "text": "=HYPERLINK(\"http://evil\",\"x\")", "note": "+cmd",
     "report": "-2+3", "type": "@SUM(A1)", "actor": "\tleading tab", "victims": "\rleading cr",
     "lat": -33.5, "lon": -70.25, "killed": "2"},
    {"ref": "h-2", "source": "Army \u202eevil", "date": "2031-06-01", "place": "Avdiivka",
     "text": "\u202egnp.exe", "note": "-3", "report": "javascript:alert(1)", "via": ["@relay"]},
]

# Each hostile value as its CSV cell, worked out by hand: a ' before =, +, -, @, tab and CR (the
# tab and CR then written as \t and \r, as every control character); markup and plain numbers as
# they are; the right-to-left override as the six characters \u202e.
EXPECTED_CELLS = {
    ("h-1", "source"): "<script>alert(1)</script>",
    ("h-1", "place"): "\"><img src=x onerror=alert(1)>",
    ("h-1", "text"): "'=HYPERLINK(\"http://evil\",\"x\")",
    ("h-1", "note"): "'+cmd",
    ("h-1", "report"): "'-2+3",
    ("h-1", "type"): "'@SUM(A1)",
    ("h-1", "actor"): "'\\tleading tab",
    ("h-1", "victims"): "'\\rleading cr",
    ("h-1", "lat"): "-33.5",
    ("h-1", "lon"): "-70.25",
    ("h-2", "source"): "Army \\u202eevil",
    ("h-2", "text"): "\\u202egnp.exe",
    ("h-2", "note"): "-3",
    ("h-2", "via"): "'@relay",
}


@pytest.fixture
def hostile(desk: Desk) -> Desk:
    for args in (("import", desk.write_jsonl("hostile.jsonl", HOSTILE)), ("run",)):
        result = desk(*args)
        assert result.exit_code == 0, result.output
    return desk


@pytest.mark.parametrize("kind", ["claims", "events"])
def test_export_csv_neutralises_formulas_and_escapes_controls(hostile, kind):
    text = csv_text(hostile, kind, "--format", "csv", "--bom")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    cells = {(r["ref"], name): value for r in rows for name, value in r.items()}
    assert {key: cells[key] for key in EXPECTED_CELLS} == EXPECTED_CELLS
    # No cell of the whole file starts a formula (plain numbers aside), none holds a raw control
    # or bidi character.
    for value in cells.values():
        assert not value.startswith(("=", "+", "@", "\t", "\r")), value
        assert not value.startswith("-") or value.lstrip("-").replace(".", "", 1).isdigit(), value
    assert "\u202e" not in text and "\t" not in text and "\r\n" in text and "\r" not in text.replace("\r\n", "")


# Spreadsheet neutralisation, worked out by hand from the rules in docs/export.md: a ' in front of
# a cell whose first character after spaces and quotes (read after NFKC) starts a formula; a '
# before the formula character of each segment after ; , | tab or a line break; plain numbers kept.
NEUTRALISED = [
    ("a;=cmd|' /C calc'!A0", "a;'=cmd|' /C calc'!A0"),  # DDE after ; (Excel in de/fr/uk/ru/pl)
    ("x;=1+1", "x;'=1+1"),
    ("x,=1+1", "x,'=1+1"),
    ("x|+1", "x|'+1"),
    ("x\t@SUM(A1)", "x\\t'@SUM(A1)"),                   # the tab is then written as \t
    ("a\n-2+3", "a\n'-2+3"),                             # a line break is kept
    ("a; \"=1", "a; \"'=1"),                             # after a space and a quote
    (" =1", "' =1"),
    ("\u00a0=1", "'\u00a0=1"),                            # a no-break space
    ("\u3000=1", "'\u3000=1"),                            # an ideographic space
    ("\"=1", "'\"=1"),
    ("\uff1d1", "'\uff1d1"),                              # fullwidth =, NFKC =
    ("\uff0bcmd", "'\uff0bcmd"),                          # fullwidth +
    ("\uff20SUM(A1)", "'\uff20SUM(A1)"),                  # fullwidth @
    ("-3", "-3"),
    ("-37.5", "-37.5"),
    (" -3", " -3"),
    ("a;-3", "a;-3"),
    ("48.1, -37.5", "48.1, -37.5"),
    ("-3;=1", "-3;'=1"),
    ("-2+3", "'-2+3"),
    ("-1e5", "'-1e5"),
    ("-3 killed", "'-3 killed"),
    ("2031-05-13", "2031-05-13"),                         # a - inside a value starts nothing
    ("Avdiivka, Donetsk oblast; shelling", "Avdiivka, Donetsk oblast; shelling"),
    ("a=b; c+d", "a=b; c+d"),
]


@pytest.mark.parametrize("given, cell", NEUTRALISED)
def test_spreadsheet_cell_neutralises_every_segment(given, cell):
    assert spreadsheet_cell(given) == cell


def test_export_csv_quotes_every_cell_and_neutralises_segments(desk):
    values = [given for given, _ in NEUTRALISED]
    claims = [{"ref": f"n-{n:02d}", "source": "Army", "date": "2031-06-01", "note": value}
              for n, value in enumerate(values)]
    result = desk("import", desk.write_jsonl("n.jsonl", claims))
    assert result.exit_code == 0, result.output
    text = csv_text(desk, "claims", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["ref"]: r["note"] for r in rows} == {f"n-{n:02d}": cell for n, (_, cell) in enumerate(NEUTRALISED)}
    # Every cell quoted, empty ones too: a ; inside a cell never cuts it in a ;-separated locale.
    header, first = text.split("\r\n")[:2]
    assert header == ",".join(f'"{name}"' for name in CONTRACT + ["claim_id", "origin", "event_id", "grade",
                                                                     "reason", "event_origins"])
    assert first.startswith('"n-00","Army","","","","2031-06-01","",')


@pytest.mark.parametrize("kind", ["claims", "events"])
def test_export_json_formats_carry_hostile_values_exactly(hostile, kind):
    by_ref = {c["ref"]: c for c in HOSTILE}
    claims = (json.loads(exported(hostile, "claims", "--format", "json").stdout) if kind == "claims" else
              [c for e in json.loads(exported(hostile, "events", "--format", "json").stdout) for c in e["claim_details"]])
    for claim in claims:
        assert {k: claim[k] for k in by_ref[claim["ref"]]} == by_ref[claim["ref"]]
    geo = json.loads(exported(hostile, kind, "--format", "geojson").stdout)
    texts = ([f["properties"]["text"] for f in geo["features"]] if kind == "claims" else
             [c["text"] for f in geo["features"] for c in f["properties"]["claims"]])
    assert sorted(texts) == sorted(c["text"] for c in HOSTILE)
    reviews = json.loads(exported(hostile, kind, "--format", "claimreview").stdout)["@graph"]
    assert sorted(r["claimReviewed"] for r in reviews) == sorted(c["text"] for c in HOSTILE)
    assert sorted(r["itemReviewed"]["author"]["name"] for r in reviews) == sorted(c["source"] for c in HOSTILE)
    # javascript: is no URL to follow: the report is a headline.
    h2 = next(r for r in reviews if r["itemReviewed"]["identifier"] == "h-2")
    assert h2["itemReviewed"]["appearance"]["headline"] == "javascript:alert(1)"
    assert "url" not in h2["itemReviewed"]["appearance"]
    # The right-to-left override is in the data, never raw in the file.
    for fmt in ("json", "geojson", "claimreview"):
        text = exported(hostile, kind, "--format", fmt).stdout
        assert "\u202e" not in text and "\\u202e" in text
    # JSON-LD goes into a page's <script> element: no value can close it or open a tag there.
    text = exported(hostile, kind, "--format", "claimreview").stdout
    assert not {"<", ">", "&"} & set(text) and "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in text


def test_export_jsonl_of_hostile_claims_imports_back_exactly(hostile):
    exported(hostile, "claims", "--format", "jsonl", "--out", "again.jsonl")
    assert "\u202e" not in (hostile.directory / "again.jsonl").read_text(encoding="utf-8")
    result = at(hostile, "fresh.sqlite", "import", "again.jsonl")
    assert result.exit_code == 0, result.output
    again = json.loads(at(hostile, "fresh.sqlite", "claims", "--json").stdout)
    assert {c["ref"]: {k: c[k] for k in by} for c in again for by in [next(h for h in HOSTILE if h["ref"] == c["ref"])]} \
        == {h["ref"]: h for h in HOSTILE}


# --- the command -------------------------------------------------------------------------------

def test_export_unknown_status_is_refused(illustrative):
    result = illustrative("export", "events", "--format", "csv", "--status", "true")
    assert result.exit_code == 2 and result.stdout == ""
    assert "Invalid value for '--status': 'true' is not one of 'independently_verified', 'unverified', " \
           "'contested'." in result.stderr


def test_export_jsonl_of_events_is_refused(illustrative):
    result = illustrative("export", "events", "--format", "jsonl")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("Error: events cannot be exported as jsonl; expected one of csv, json, geojson, "
                             "claimreview\n")


def test_export_since_after_until_is_refused(illustrative):
    result = illustrative("export", "claims", "--format", "csv", "--since", "2031-05-22", "--until", "2031-05-21")
    assert (result.exit_code, result.stderr) == (2, "Error: --since 2031-05-22 is after --until 2031-05-21\n")


def test_export_bom_only_for_csv(illustrative):
    result = illustrative("export", "claims", "--format", "json", "--bom")
    assert (result.exit_code, result.stderr) == (2, "Error: --bom is for --format csv\n")


def test_export_out_into_a_missing_folder_is_refused(illustrative):
    result = illustrative("export", "claims", "--format", "csv", "--out", "nowhere/claims.csv")
    assert result.exit_code == 2
    assert result.stderr == "Error: --out nowhere/claims.csv: cannot write there (No such file or directory)\n"


def test_export_failed_write_leaves_the_old_file_and_no_half_file(illustrative, monkeypatch):
    # Regression guard: a failure while writing must not leave a truncated export behind.
    target = illustrative.directory / "events.json"
    target.write_text("the previous export\n", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    result = illustrative("export", "events", "--format", "json", "--out", "events.json")
    assert result.exit_code == 2
    assert result.stderr == "Error: --out events.json: cannot write there (No space left on device)\n"
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in illustrative.directory.iterdir() if "events.json" in p.name) == ["events.json"]


def test_export_out_writes_the_file_and_says_so(illustrative):
    result = exported(illustrative, "events", "--format", "csv", "--out", "events.csv")
    assert (result.stdout, result.stderr) == ("", "Wrote 21 events to events.csv\n")
    mode = (illustrative.directory / "events.csv").stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
