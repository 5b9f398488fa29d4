"""`reconcile import` and `reconcile claims`, end to end on a real SQLite file."""

from __future__ import annotations

import json

import pytest

from cli.main import cli
from conftest import Desk

UNREGISTERED = (
    "Unregistered sources (kept, but never counted as independent corroboration; "
    "register them with `reconcile sources add`):\n"
)
REJECTED_ONE = "Rejected: 1 problem; nothing was written to the database.\n"
FIELDS = ("ref, source, via, report, published, date, place, region, lat, lon, type, target, actor, victims, "
          "killed, wounded, stance, text, lang, note")

# Claims from the dpa report of 2021-04-07 (see ../shared/seed beside the checkout).
SNIPER = {
    "ref": "afu-0406-1", "source": "Army", "via": ["dpa"],
    "report": "NATO assures Kiev of solidarity", "published": "2021-04-07T10:15:00+02:00",
    "date": "2021-04-06", "place": "Avdiivka", "type": "sniper fire", "victims": "soldier", "killed": "one",
    "text": "a soldier was shot several kilometers north of the Donetsk rebel stronghold in the city of Avdiivka",
    "lang": "en",
}
MORTAR = {
    "ref": "afu-0406-2", "source": "Armed Forces of Ukraine", "via": ["dpa"], "date": "2021-04-06",
    "place": "Авдіївка", "type": "mortar fire", "victims": "soldier", "killed": 1,
}
ZELENSKY = {
    "ref": "ze-2021", "source": "Volodymyr Zelensky", "via": ["dpa"], "date": "2021",
    "victims": "government soldiers", "killed": "24",
}
CLAIMS = [SNIPER, MORTAR, ZELENSKY]


def counts(desk: Desk) -> dict[str, int]:
    tables = ("sources", "reports", "claims", "claim_relays", "claim_changes")
    return {table: desk.query(f"SELECT count(*) FROM {table}")[0][0] for table in tables}


@pytest.fixture
def imported(registered: Desk) -> Desk:
    result = registered("import", registered.write_jsonl("claims.jsonl", CLAIMS))
    assert result.exit_code == 0, result.output
    return registered


def test_import_valid_file_adds_every_claim(registered: Desk) -> None:
    result = registered("import", registered.write_jsonl("claims.jsonl", CLAIMS))
    assert result.exit_code == 0
    assert result.stdout == ("claims.jsonl: added 3, updated 0, already stored 0\n"
                             + UNREGISTERED + "  - Volodymyr Zelensky\n")
    assert result.stderr == ""
    # 4 registered + Zelensky; one report; three claims each relayed by dpa.
    assert counts(registered) == {"sources": 5, "reports": 1, "claims": 3, "claim_relays": 3, "claim_changes": 0}


def test_import_records_who_entered_the_claims(imported: Desk) -> None:
    assert imported.query("SELECT DISTINCT created_by FROM claims") == [("tester",)]


def test_import_again_adds_nothing(imported: Desk) -> None:
    before = imported.dump()
    result = imported("import", "claims.jsonl")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "claims.jsonl: added 0, updated 0, already stored 3"
    assert imported.dump() == before


@pytest.mark.parametrize("with_ref", [True, False], ids=["by ref", "by content"])
def test_a_claim_given_again_further_down_a_long_file_is_already_stored(desk: Desk, with_ref: bool) -> None:
    # Claims are stored 500 at a time: line 502 repeats line 1, stored with the first 500.
    claims = [{"source": "Army", "date": "2021-04-06", "place": "Avdiivka", "killed": str(n)}
              | ({"ref": f"r{n}"} if with_ref else {}) for n in range(501)]
    result = desk("import", desk.write_jsonl("claims.jsonl", claims + [claims[0]]))
    assert (result.exit_code, result.stdout.splitlines()[0]) == (
        0, "claims.jsonl: added 501, updated 0, already stored 1")
    assert desk.query("SELECT count(*), count(updated_by) FROM claims") == [(501, 0)]
    assert desk("audit", "verify").exit_code == 0


def test_import_changed_claim_with_same_ref_is_updated_and_change_recorded(imported: Desk) -> None:
    changed = dict(SNIPER, killed="two")
    result = imported("import", imported.write_jsonl("correction.jsonl", [changed]))
    assert result.exit_code == 0
    assert result.stdout == "correction.jsonl: added 0, updated 1, already stored 0\n"
    assert imported.query("SELECT ref, killed_text, killed_low, killed_high, version, updated_by FROM claims "
                          "WHERE ref = 'afu-0406-1'") == [("afu-0406-1", "two", 2, 2, 2, "tester")]
    [(claim_id, changed_by, before, after)] = imported.query(
        "SELECT claim_id, changed_by, before, after FROM claim_changes")
    assert (claim_id, changed_by) == (1, "tester")
    assert json.loads(before) == SNIPER
    assert json.loads(after) == changed
    assert counts(imported)["claims"] == 3


def test_import_same_content_under_another_ref_is_not_added(imported: Desk) -> None:
    # Same content, a new ref, and the source by another of its names: one claim, not two.
    copy = dict(SNIPER, ref="copy-of-1", source="ZSU")
    before = imported.dump()
    result = imported("import", imported.write_jsonl("copy.jsonl", [copy]))
    assert result.exit_code == 0
    assert result.stdout == "copy.jsonl: added 0, updated 0, already stored 1\n"
    assert imported.dump() == before


def test_import_change_to_the_content_of_another_claim_is_rejected(imported: Desk) -> None:
    # Regression: this crashed with IntegrityError (UNIQUE constraint failed: claims.fingerprint).
    same_as_sniper = dict(SNIPER, ref="afu-0406-2", source="Armed Forces of Ukraine")
    before = imported.dump()
    result = imported("import", imported.write_jsonl("dup.jsonl", [same_as_sniper]))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: dup.jsonl:1: field 'ref': ref 'afu-0406-2' of 'Armed Forces of Ukraine' was changed to the "
        "same content as another stored claim; one claim is stored once\n" + REJECTED_ONE
    )
    assert imported.dump() == before


def test_import_unregistered_source_is_kept_as_unregistered(imported: Desk) -> None:
    result = imported("sources", "list", "--json")
    zelensky = [row for row in json.loads(result.stdout) if row["name"] == "Volodymyr Zelensky"]
    assert zelensky == [{"id": 5, "name": "Volodymyr Zelensky", "aliases": [], "kind": "unknown", "parent": None,
                         "side": None, "registered": False, "origin": None, "distinct_from": [], "looks_like": []}]
    [claim] = imported.claims("--source", "Volodymyr Zelensky")
    assert (claim["ref"], claim["parsed"]["source_registered"], claim["parsed"]["origin"]) == ("ze-2021", False, None)


def test_import_dry_run_writes_nothing(registered: Desk) -> None:
    before = registered.dump()
    result = registered("import", "--dry-run", registered.write_jsonl("claims.jsonl", CLAIMS))
    assert result.exit_code == 0
    assert result.stdout == ("claims.jsonl: would add 3, would update 0, already stored 0\n"
                             + UNREGISTERED + "  - Volodymyr Zelensky\n")
    assert registered.dump() == before


def test_import_dry_run_does_not_create_a_database(desk: Desk) -> None:
    result = desk("import", "--dry-run", desk.write_jsonl("claims.jsonl", CLAIMS))
    assert result.exit_code == 3
    assert result.stderr == ("Error: no database at desk.sqlite; create one with `reconcile init` "
                             "or by importing claims\n")
    assert not desk.db.exists()


def test_import_creates_a_missing_database(desk: Desk) -> None:
    result = desk("import", desk.write_jsonl("claims.jsonl", [ZELENSKY]))
    assert result.exit_code == 0
    assert result.stderr == "Created a new database at desk.sqlite\n"
    assert counts(desk)["claims"] == 1


BAD_INPUTS = {
    "bad_json": (
        "bad.jsonl",
        '{"source": "Army", "date": "2021-04-06"}\n{"source": }\n',
        "bad.jsonl:2: is not valid JSON (Expecting value at column 12)",
    ),
    "not_an_object": (
        "bad.jsonl",
        '["Army", "2021-04-06"]\n',
        "bad.jsonl:1: expected a JSON object {...}, got list",
    ),
    "unknown_field": (
        "bad.jsonl",
        '{"source": "Army", "date": "2021-04-06", "colour": "red"}\n',
        f"bad.jsonl:1: field 'colour': unknown field; expected one of {FIELDS}",
    ),
    "missing_source": (
        "bad.jsonl",
        '{"date": "2021-04-06", "killed": "2"}\n',
        "bad.jsonl:1: field 'source': is required: who makes the claim, e.g. 'Armed Forces of Ukraine'",
    ),
    "missing_date": (
        "bad.jsonl",
        '{"source": "Army", "killed": "2"}\n',
        "bad.jsonl:1: field 'date': is required: when the event happened, e.g. 2021-04-06",
    ),
    "unparseable_date": (
        "bad.jsonl",
        '{"source": "Army", "date": "06/04/2021"}\n',
        "bad.jsonl:1: field 'date': expected YYYY-MM-DD, YYYY-MM, YYYY or START/END "
        "(e.g. 2021-01-01/2021-04-07), got '06/04/2021'",
    ),
    "year_zero": (
        "bad.jsonl",
        '{"source": "Army", "date": "0000"}\n',
        "bad.jsonl:1: field 'date': expected YYYY-MM-DD, YYYY-MM, YYYY or START/END "
        "(e.g. 2021-01-01/2021-04-07), got '0000'",
    ),
    "unparseable_figure": (
        "bad.jsonl",
        '{"source": "Army", "date": "2021-04-06", "killed": "lots"}\n',
        "bad.jsonl:1: field 'killed': expected a casualty figure such as '2', 'two', 'more than 40', "
        "'at least 3', 'up to 5', '3-5', 'about 10' or 'dozens', got 'lots'",
    ),
    "figure_too_large": (
        "bad.jsonl",
        '{"source": "Army", "date": "2021-04-06", "wounded": "99999999999999999999"}\n',
        "bad.jsonl:1: field 'wounded': expected a casualty figure of at most 2,147,483,647, "
        "got '99999999999999999999'",
    ),
    "latitude_out_of_range": (
        "bad.jsonl",
        '{"source": "Army", "date": "2021-04-06", "lat": 148.1, "lon": 37.7}\n',
        "bad.jsonl:1: field 'lat': expected decimal degrees between -90 and 90, got 148.1",
    ),
    "not_utf8": (
        "bad.jsonl",
        '{"source": "Army", "date": "2021-04-06"}\n{"source": "Army", "date": "2021-04-06", "place": "Kyiv \xe9"}\n'
        .encode("latin-1"),
        "bad.jsonl:2: is not UTF-8 (invalid byte 0xe9); save the file as UTF-8",
    ),
    "empty_file": ("bad.jsonl", "", "bad.jsonl: is empty; expected at least one claim"),
    "blank_file": ("bad.jsonl", "\n  \n", "bad.jsonl: is empty; expected at least one claim"),
    "unknown_extension": (
        "claims.txt",
        '{"source": "Army", "date": "2021-04-06"}\n',
        "claims.txt: has an unknown extension; expected .jsonl or .csv",
    ),
    "csv_missing_header": (
        "bad.csv",
        "Army,2021-04-06,2\n",
        "bad.csv:1: the first line must be a header row naming the columns (at least 'source' and 'date'); "
        "got 'Army', '2021-04-06', '2'",
    ),
    "csv_unknown_column": (
        "bad.csv",
        "source,date,deaths\nArmy,2021-04-06,2\n",
        f"bad.csv:1: field 'deaths': unknown column; expected one of {FIELDS}",
    ),
    "csv_wrong_number_of_values": (
        "bad.csv",
        "source,date,killed\nArmy,2021-04-06,2\nArmy,2021-04-07\n",
        "bad.csv:3: has 2 values; the header has 3 columns",
    ),
    "csv_wrong_number_of_values_after_multiline_field": (
        "bad.csv",
        'source,date,text\nArmy,2021-04-06,"line one\nline two"\nArmy,2021-04-07\n',
        "bad.csv:4: has 2 values; the header has 3 columns",
    ),
    "csv_header_only": ("bad.csv", "source,date,killed\n", "bad.csv: holds no claims"),
    "same_ref_two_contents": (
        "bad.jsonl",
        '{"ref": "r1", "source": "Army", "date": "2021-04-06", "killed": "1"}\n'
        '{"ref": "r1", "source": "ZSU", "date": "2021-04-06", "killed": "2"}\n',
        "bad.jsonl:2: field 'ref': ref 'r1' of 'ZSU' was given different content at bad.jsonl:1; "
        "one ref names one claim",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_import_bad_input_is_rejected_whole(imported: Desk, case: str) -> None:
    name, content, problem = BAD_INPUTS[case]
    before = imported.dump()
    result = imported("import", imported.write(name, content))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {problem}\n" + REJECTED_ONE
    assert imported.dump() == before


def test_import_lists_every_problem_of_a_file(imported: Desk) -> None:
    content = '{"source": "Army"}\n{"date": "2021-04-06", "killed": "lots"}\n'
    result = imported("import", imported.write("bad.jsonl", content))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: bad.jsonl:1: field 'date': is required: when the event happened, e.g. 2021-04-06\n"
        "Error: bad.jsonl:2: field 'source': is required: who makes the claim, e.g. 'Armed Forces of Ukraine'\n"
        "Error: bad.jsonl:2: field 'killed': expected a casualty figure such as '2', 'two', 'more than 40', "
        "'at least 3', 'up to 5', '3-5', 'about 10' or 'dozens', got 'lots'\n"
        "Rejected: 3 problems; nothing was written to the database.\n"
    )


def test_import_second_file_bad_writes_nothing_from_the_first(registered: Desk) -> None:
    good = registered.write_jsonl("good.jsonl", CLAIMS)
    bad = registered.write("bad.jsonl", '{"source": }\n')
    before = registered.dump()
    result = registered("import", good, bad)
    assert result.exit_code == 2
    assert result.stderr == "Error: bad.jsonl:1: is not valid JSON (Expecting value at column 12)\n" + REJECTED_ONE
    assert registered.dump() == before
    assert counts(registered)["claims"] == 0


def test_import_bad_file_does_not_create_a_database(desk: Desk) -> None:
    result = desk("import", desk.write("bad.jsonl", '{"source": }\n'))
    assert result.exit_code == 2
    assert not desk.db.exists()


def test_import_csv_via_gives_ordered_relay_chain(registered: Desk) -> None:
    csv_text = ("ref,source,via,date,place,killed\n"
                "afu-1,Armed Forces of Ukraine,dpa; Interfax,2021-04-06,Avdiivka,1\n")
    result = registered("import", registered.write("claims.csv", csv_text))
    assert result.exit_code == 0, result.output
    assert result.stdout == "claims.csv: added 1, updated 0, already stored 0\n"
    [claim] = registered.claims()
    assert claim["via"] == ["dpa", "Interfax"]
    assert claim["parsed"]["relays"] == ["dpa", "Interfax"]
    assert registered.query("SELECT position, source_text FROM claim_relays ORDER BY position") == [
        (0, "dpa"), (1, "Interfax")]


def test_import_jsonl_via_as_text_gives_ordered_relay_chain(registered: Desk) -> None:
    claim = {"source": "Army", "via": "Interfax; dpa", "date": "2021-04-06"}
    result = registered("import", registered.write_jsonl("claims.jsonl", [claim]))
    assert result.exit_code == 0, result.output
    assert registered.claims()[0]["via"] == ["Interfax", "dpa"]


def test_import_csv_and_jsonl_store_the_same_claim_fields(registered: Desk) -> None:
    csv_text = ('source,date,place,killed,text\n'
                'Army,2021-04,"near the village of Avdiivka","more than 3","He said ""two""; not three"\n')
    result = registered("import", registered.write("claims.csv", csv_text))
    assert result.exit_code == 0, result.output
    [claim] = registered.claims()
    assert {k: claim[k] for k in ("source", "date", "place", "killed", "text")} == {
        "source": "Army", "date": "2021-04", "place": "near the village of Avdiivka", "killed": "more than 3",
        "text": 'He said "two"; not three'}
    assert claim["parsed"]["killed"] == {"low": 4, "high": None}
    assert claim["parsed"]["date"] == {"start": "2021-04-01", "end": "2021-04-30", "precision": "month"}


def test_import_csv_with_byte_order_mark_and_crlf(registered: Desk) -> None:
    csv_text = "\ufeffsource,date,killed\r\nArmy,2021-04-06,2\r\n"
    result = registered("import", registered.write("excel.csv", csv_text))
    assert (result.exit_code, result.stdout) == (0, "excel.csv: added 1, updated 0, already stored 0\n")
    [claim] = registered.claims()
    assert (claim["source"], claim["date"], claim["killed"]) == ("Army", "2021-04-06", "2")


def test_import_stores_text_verbatim(registered: Desk) -> None:
    hostile = {
        "source": "Army", "date": "2021-04-06",
        "place": "Avdiivka \"industrial zone\" '; DROP TABLE claims; --",
        "note": "  spaces kept, 100% _literal_ \\ backslash  ",
        "text": "Обстріл; «лапки» and O'Brien",
    }
    result = registered("import", registered.write_jsonl("hostile.jsonl", [hostile]))
    assert result.exit_code == 0, result.output
    [claim] = registered.claims()
    assert {k: claim[k] for k in hostile} == hostile
    assert registered.query("SELECT place_text FROM claims") == [(hostile["place"],)]


def test_claims_json_carries_id_and_input_fields_as_given(imported: Desk) -> None:
    by_ref = {claim["ref"]: claim for claim in imported.claims()}
    assert {ref: claim["id"] for ref, claim in by_ref.items()} == {"afu-0406-1": 1, "afu-0406-2": 2, "ze-2021": 3}
    for given in CLAIMS:
        claim = by_ref[given["ref"]]
        assert {k: claim[k] for k in given} == given
        not_given = {"ref", "source", "via", "report", "published", "date", "place", "region", "lat", "lon", "type",
                     "actor", "victims", "killed", "wounded", "text", "lang", "note"} - set(given)
        assert {k: claim[k] for k in not_given} == dict.fromkeys(not_given)
        # A claim that does not say otherwise asserts.
        assert claim["stance"] == "asserts"


def test_claims_json_gives_parsed_forms(imported: Desk) -> None:
    sniper = {c["ref"]: c for c in imported.claims()}["afu-0406-1"]
    parsed = sniper["parsed"]
    assert (parsed["source"], parsed["origin"], parsed["side"], parsed["relays"]) == (
        "Armed Forces of Ukraine", "Government of Ukraine", "Ukraine", ["dpa"])
    assert parsed["killed"] == {"low": 1, "high": 1}
    assert parsed["date"] == {"start": "2021-04-06", "end": "2021-04-06", "precision": "day"}
    assert (parsed["type"], parsed["victims"], parsed["stance"]) == ("sniper", "military", "asserts")
    assert sniper["entered_by"] == "tester"


def refs(claims: list[dict]) -> list[str]:
    return sorted(claim["ref"] for claim in claims)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("Armed Forces of Ukraine", ["afu-0406-1", "afu-0406-2"]),
        ("ZSU", ["afu-0406-1", "afu-0406-2"]),
        ("Government of Ukraine", ["afu-0406-1", "afu-0406-2"]),
        ("dpa", ["afu-0406-1", "afu-0406-2", "ze-2021"]),
        ("Volodymyr Zelensky", ["ze-2021"]),
        ("Interfax", []),
        ("Nobody at all", []),
    ],
)
def test_claims_filter_by_source_origin_or_relay(imported: Desk, source: str, expected: list[str]) -> None:
    assert refs(imported.claims("--source", source)) == expected


def test_claims_filter_by_source_includes_sources_under_it(imported: Desk) -> None:
    # Regression: only the source itself or sources whose root it is were found.
    # `claims --source` promises "this source or any source under it"; a press service under
    # the Armed Forces of Ukraine is under it, though its origin is the Government of Ukraine.
    imported("sources", "add", "AFU Press Service", "--kind", "military", "--parent", "ZSU")
    imported("import", imported.write_jsonl("press.jsonl", [
        {"ref": "ps-1", "source": "AFU Press Service", "date": "2021-04-08", "killed": "3"}]))
    assert refs(imported.claims("--source", "Armed Forces of Ukraine")) == ["afu-0406-1", "afu-0406-2", "ps-1"]


@pytest.mark.parametrize(
    "place, expected",
    [
        ("Avdeevka", ["afu-0406-1", "afu-0406-2"]),
        ("Авдеевка", ["afu-0406-1", "afu-0406-2"]),
        ("Авдіївка", ["afu-0406-1", "afu-0406-2"]),
        ("near Avdiyivka", ["afu-0406-1", "afu-0406-2"]),
        ("Donetsk", []),
    ],
)
def test_claims_filter_by_place_in_any_spelling(imported: Desk, place: str, expected: list[str]) -> None:
    assert refs(imported.claims("--place", place)) == expected


@pytest.mark.parametrize(
    "place, expected",
    [
        ("%", ["p-percent"]),
        ("_", ["p-underscore"]),
        ("v_O", ["p-underscore"]),
        ("\\", ["p-backslash"]),  # a guard: SQLite's LIKE has no escape character unless one is given
        ("\\S", ["p-backslash"]),
    ],
)
def test_claims_filter_by_place_matches_wildcards_literally(imported: Desk, place: str, expected: list[str]) -> None:
    # Regression: `claims --place %` listed every claim with a place, and `_` any one character:
    # the text reached SQL LIKE, whose wildcards they are.
    imported("import", imported.write_jsonl("odd.jsonl", [
        {"ref": "p-percent", "source": "dpa", "date": "2021-04-10", "place": "sector 100%"},
        {"ref": "p-underscore", "source": "dpa", "date": "2021-04-10", "place": "Kyiv_Oblast"},
        {"ref": "p-backslash", "source": "dpa", "date": "2021-04-10", "place": "Bakhmut\\Soledar"},
    ]))
    assert refs(imported.claims("--place", place)) == expected


@pytest.mark.parametrize(
    "when, expected",
    [
        ("2021-04-06", ["afu-0406-1", "afu-0406-2", "ze-2021"]),
        ("2021-04-07", ["ze-2021"]),
        ("2021-04", ["afu-0406-1", "afu-0406-2", "ze-2021"]),
        ("2020-12-31/2021-01-01", ["ze-2021"]),
        ("2020", []),
    ],
)
def test_claims_filter_by_overlapping_date(imported: Desk, when: str, expected: list[str]) -> None:
    assert refs(imported.claims("--date", when)) == expected


def test_claims_filters_combine(imported: Desk) -> None:
    assert refs(imported.claims("--source", "dpa", "--place", "Avdeevka", "--date", "2021-04-06")) == [
        "afu-0406-1", "afu-0406-2"]


def test_claims_lists_by_date_then_id(imported: Desk) -> None:
    # Zelensky's claim covers all of 2021, so it starts first.
    assert [claim["ref"] for claim in imported.claims()] == ["ze-2021", "afu-0406-1", "afu-0406-2"]


def test_claims_table_marks_unregistered_sources(imported: Desk) -> None:
    result = imported("claims")
    assert result.exit_code == 0
    assert "3 claims" in result.stdout
    # Only Zelensky is unregistered; rich may wrap the mark onto a second line of the cell.
    assert result.stdout.count("(unregistered)") == 1
    assert "one (1)" in result.stdout


def test_claims_bad_date_filter_is_one_line_error(imported: Desk) -> None:
    result = imported("claims", "--date", "April")
    # Bad input exits 2, as the README's table of exit codes says.
    assert (result.exit_code, result.stderr) == (2, (
        "Error: expected YYYY-MM-DD, YYYY-MM, YYYY or START/END (e.g. 2021-01-01/2021-04-07), got 'April'\n"))


def test_cli_empty_user_is_a_usage_error(desk: Desk) -> None:
    result = desk.runner.invoke(cli, ["--db", "desk.sqlite", "--user", "  ", "claims"])
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --user must not be empty\n")
    assert not desk.db.exists()


def test_import_an_updated_claim_given_twice_in_one_file_updates_once(registered: Desk) -> None:
    # Regression: the second copy was compared with the content from before the update and
    # rejected as "changed to the same content as another stored claim".
    first = {"ref": "x-1", "source": "ZSU", "date": "2021-04-06", "killed": "1"}
    assert registered("import", registered.write_jsonl("a.jsonl", [first])).exit_code == 0
    changed = first | {"killed": "2"}
    result = registered("import", registered.write_jsonl("b.jsonl", [changed, changed]))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("b.jsonl: added 0, updated 1, already stored 1")
    assert registered.query("SELECT killed_text FROM claims") == [("2",)]


def test_import_rejected_inside_the_transaction_leaves_no_new_file(desk: Desk) -> None:
    # Regression: a file rejected while writing (one ref, two contents) still left a new database behind.
    rows = [{"ref": "a", "source": "X", "date": "2021-01-01"}, {"ref": "a", "source": "X", "date": "2021-01-02"}]
    result = desk("import", desk.write_jsonl("dup.jsonl", rows))
    assert result.exit_code == 2
    assert result.stderr == ("Error: dup.jsonl:2: field 'ref': ref 'a' of 'X' was given different content at "
                             "dup.jsonl:1; one ref names one claim\n"
                             "Rejected: 1 problem; nothing was written to the database.\n")
    assert sorted(p.name for p in desk.directory.iterdir()) == ["dup.jsonl"]
