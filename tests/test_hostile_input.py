"""Pathological input files (issue 12 §5 and §6): each is refused with exit code 2, one line per
problem naming file, line and field, and the database is left exactly as it was.

Every case here crashed with a traceback or was silently accepted before the limits existed.
"""

from __future__ import annotations

import json
import tracemalloc

import pytest

from conftest import Desk
from test_places_import import DUMP_ROWS, dump
from reconciler.errors import InputError
from reconciler.limits import Limits
from reconciler.reading import read_claim_file

REJECTED_ONE = "Rejected: 1 problem; nothing was written to the database.\n"
CLAIM = '"source": "Army", "date": "2021-04-06"'
DEEP = 10_000
MULTI_LINE = ("text", "note", "report", "place", "region", "type", "target", "actor", "victims")


def refused(desk: Desk, args: list[str], problems: list[str]) -> None:
    """Run the command and check the exact error lines, exit code 2 and an unchanged database."""
    before = desk.dump()
    result = desk(*args)
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    count = len(problems)
    assert result.stderr == "".join(f"Error: {p}\n" for p in problems) + (
        f"Rejected: {count} problem{'s' if count != 1 else ''}; nothing was written to the database.\n")
    assert desk.dump() == before


CLAIM_FILES = {
    # Regression: json.loads recursed 10,000 levels deep and crashed with RecursionError.
    "nesting_10000": (
        "deep.jsonl", "{" + CLAIM + ', "place": ' + "[" * DEEP + "]" * DEEP + "}\n",
        "deep.jsonl:1: field 'place': is nested more than 2 levels deep; a claim needs 2 "
        "(the claim's object and the list in via)",
    ),
    "nesting_at_the_top": (
        "deep.jsonl", "[" * DEEP + "]" * DEEP + "\n",
        "deep.jsonl:1: is nested more than 2 levels deep; a claim needs 2 (the claim's object and the list in via)",
    ),
    "nesting_three_levels": (
        "deep.jsonl", "{" + CLAIM + ', "via": [["dpa"]]}\n',
        "deep.jsonl:1: field 'via': is nested more than 2 levels deep; a claim needs 2 "
        "(the claim's object and the list in via)",
    ),
    # Regression: a 5,000-digit integer crashed with ValueError (Python's int-string limit).
    "integer_5000_digits_killed": (
        "big.jsonl", "{" + CLAIM + ', "killed": ' + "9" * 5000 + "}\n",
        "big.jsonl:1: field 'killed': is a number 5,000 characters long; a number is at most 40",
    ),
    "integer_5000_digits_lat": (
        "big.jsonl", "{" + CLAIM + ', "lat": ' + "9" * 5000 + ', "lon": 37.7}\n',
        "big.jsonl:1: field 'lat': is a number 5,000 characters long; a number is at most 40",
    ),
    "integer_5000_digits_ref": (
        "big.jsonl", '{"ref": ' + "1" * 5000 + ", " + CLAIM + "}\n",
        "big.jsonl:1: field 'ref': is a number 5,000 characters long; a number is at most 40",
    ),
    "number_beyond_a_float": (
        "big.jsonl", "{" + CLAIM + ', "lat": 1e400, "lon": 37.7}\n',
        "big.jsonl:1: field 'lat': 1e400 is too large a number to hold",
    ),
    "nan_is_not_json": (
        "big.jsonl", "{" + CLAIM + ', "wounded": NaN}\n',
        "big.jsonl:1: field 'wounded': NaN is not a JSON value; give a number or text",
    ),
    # Regression: a lone surrogate passed reading and crashed with UnicodeEncodeError when stored.
    "lone_surrogate": (
        "bad.jsonl", "{" + CLAIM + ', "place": "Avdiivka \\ud800"}\n',
        "bad.jsonl:1: field 'place': contains \\ud800, half of a UTF-16 surrogate pair, which is not a "
        "character; check the \\u escapes",
    ),
    "lone_surrogate_in_a_field_name": (
        "bad.jsonl", "{" + CLAIM + ', "\\udc00": "x"}\n',
        "bad.jsonl:1: field '\\udc00': unknown field; expected one of ref, source, via, report, published, date, "
        "place, region, lat, lon, type, target, actor, victims, killed, wounded, stance, text, lang, note",
    ),
    "nul_character": (
        "bad.jsonl", "{" + CLAIM + ', "note": "a\\u0000b"}\n',
        "bad.jsonl:1: field 'note': contains the NUL character (U+0000), which cannot be stored",
    ),
    # Regression: str.isdigit accepts superscripts, int() does not: ValueError.
    "superscript_two": (
        "bad.jsonl", "{" + CLAIM + ', "killed": "²"}\n',
        "bad.jsonl:1: field 'killed': expected a casualty figure such as '2', 'two', 'more than 40', "
        "'at least 3', 'up to 5', '3-5', 'about 10' or 'dozens', got '²'",
    ),
    # Regression: the moment overflowed (OverflowError) when converted to UTC.
    "published_after_the_last_day": (
        "bad.jsonl", "{" + CLAIM + ', "published": "9999-12-31T23:59:59-12:00"}\n',
        "bad.jsonl:1: field 'published': '9999-12-31T23:59:59-12:00' is later than 9999-12-31 23:59:59 UTC, "
        "the last moment that can be stored",
    ),
    "published_before_the_first_day": (
        "bad.jsonl", "{" + CLAIM + ', "published": "0001-01-01T00:00:00+12:00"}\n',
        "bad.jsonl:1: field 'published': '0001-01-01T00:00:00+12:00' is earlier than 0001-01-01 00:00:00 UTC, "
        "the first moment that can be stored",
    ),
    # Regression: a JSON object with a key twice was read with the last value (even for source).
    "duplicate_key": (
        "dup.jsonl", '{"source": "Army", "date": "2021-04-06", "source": "Kremlin"}\n',
        "dup.jsonl:1: field 'source': is given twice in one claim; give each field once",
    ),
    # Regression: a CSV header naming a column twice kept the last column's values.
    "duplicate_csv_header": (
        "dup.csv", "source,date,source\nArmy,2021-04-06,Kremlin\n",
        "dup.csv:1: field 'source': is a column twice in the header row; name each column once",
    ),
    # Regression: a 50 MB line was read (several copies in memory) and stored.
    "line_50_mb": (
        "big.jsonl", "{" + CLAIM + ', "note": "' + "x" * 50_000_000 + '"}\n',
        "big.jsonl:1: is longer than 1,000,000 bytes, the limit for a line; nothing after it was read",
    ),
    # Nine quoted fields of 60,000 lines each: 1,080,000 bytes in one record.
    "csv_record_over_many_lines": (
        "big.csv", "source,date," + ",".join(MULTI_LINE) + "\nArmy,2021-04-06,"
        + ",".join(['"' + "x\n" * 60_000 + '"'] * len(MULTI_LINE)) + "\n",
        "big.csv:2: is longer than 1,000,000 bytes, the limit for a line; nothing after it was read",
    ),
    "csv_field_over_the_csv_limit": (
        "big.csv", 'source,date,note\nArmy,2021-04-06,"' + "x" * 200_000 + '"\n',
        "big.csv:2: has a field longer than 131,072 characters, the most a CSV field may hold; "
        "nothing after it was read",
    ),
    # Regression: place names of any length were stored (a run then took 18 s on one pair).
    "place_too_long": (
        "long.jsonl", "{" + CLAIM + ', "place": "' + "Авдіївка " * 1000 + '"}\n',
        "long.jsonl:1: field 'place': is 9,000 characters long; at most 300",
    ),
    "via_entry_too_long": (
        "long.jsonl", "{" + CLAIM + ', "via": ["dpa", "' + "x" * 301 + '"]}\n',
        "long.jsonl:1: field 'via': is 301 characters long; at most 300",
    ),
    "note_too_long": (
        "long.jsonl", "{" + CLAIM + ', "note": "' + "x" * 50_001 + '"}\n',
        "long.jsonl:1: field 'note': is 50,001 characters long; at most 50,000",
    ),
    "lat_text_too_long": (
        "long.csv", "source,date,lat,lon\nArmy,2021-04-06," + "4" * 100 + ",37.7\n",
        "long.csv:2: field 'lat': is 100 characters long; at most 64",
    ),
    "boolean_as_text": (
        "bad.jsonl", "{" + CLAIM + ', "place": true}\n',
        "bad.jsonl:1: field 'place': expected text or a number, got true",
    ),
}


@pytest.mark.parametrize("case", list(CLAIM_FILES))
def test_import_pathological_file_is_refused_and_changes_nothing(registered: Desk, case: str) -> None:
    name, content, problem = CLAIM_FILES[case]
    refused(registered, ["import", registered.write(name, content)], [problem])


def test_import_lists_an_unstorable_character_and_a_wrong_shape_in_field_order(registered: Desk) -> None:
    # Texts are checked for unstorable characters all at once, after the other fields (the
    # region's list here); the problems are still listed in the order of the fields.
    content = "{" + CLAIM + ', "place": "Avdiivka\\u0000", "region": ["Donetsk"], "note": "a\\ud800"}\n'
    refused(registered, ["import", registered.write("two.jsonl", content)], [
        "two.jsonl:1: field 'place': contains the NUL character (U+0000), which cannot be stored",
        "two.jsonl:1: field 'region': expected text or a number, got a list",
        "two.jsonl:1: field 'note': contains \\ud800, half of a UTF-16 surrogate pair, which is not a character; "
        "check the \\u escapes",
    ])


def test_import_problems_before_a_too_long_line_are_listed(registered: Desk) -> None:
    content = '{"source": "Army"}\n{' + CLAIM + ', "note": "' + "x" * 1_000_000 + '"}\n{"source": }\n'
    refused(registered, ["import", registered.write("big.jsonl", content)], [
        "big.jsonl:1: field 'date': is required: when the event happened, e.g. 2021-04-06",
        "big.jsonl:2: is longer than 1,000,000 bytes, the limit for a line; nothing after it was read",
    ])


def test_import_place_of_one_megabyte_is_refused_by_the_field_limit(registered: Desk) -> None:
    # With the line limit raised, a 1 MB place still fails the field limit, not the database.
    content = "{" + CLAIM + ', "place": "' + "x" * 1_000_000 + '"}\n'
    refused(registered, ["import", "--max-line-bytes", "2000000", registered.write("big.jsonl", content)],
            ["big.jsonl:1: field 'place': is 1,000,000 characters long; at most 300"])


def test_import_limits_are_read_from_options_and_environment(registered: Desk,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    row = {"source": "Army", "date": "2021-04-06", "place": "Avdiivka", "note": "n" * 60}
    name = registered.write_jsonl("claims.jsonl", [row])
    refused(registered, ["import", "--max-name-chars", "5", "--max-text-chars", "50", name], [
        "claims.jsonl:1: field 'place': is 8 characters long; at most 5",
        "claims.jsonl:1: field 'note': is 60 characters long; at most 50",
    ])
    monkeypatch.setenv("RECONCILE_MAX_TEXT_CHARS", "59")
    refused(registered, ["import", name], ["claims.jsonl:1: field 'note': is 60 characters long; at most 59"])
    monkeypatch.setenv("RECONCILE_MAX_TEXT_CHARS", "60")
    result = registered("import", name)
    assert (result.exit_code, result.stdout) == (0, "claims.jsonl: added 1, updated 0, already stored 0\n")


def test_import_line_limit_counts_bytes_not_characters(registered: Desk) -> None:
    # 40 Cyrillic letters are 80 bytes in UTF-8: the line (with the other fields) is over 100 bytes.
    row = {"source": "Army", "date": "2021-04-06", "place": "Д" * 40}
    line = json.dumps(row, ensure_ascii=False)
    assert len(line) < 100 < len(line.encode())
    refused(registered, ["import", "--max-line-bytes", "100", registered.write("claims.jsonl", line + "\n")],
            ["claims.jsonl:1: is longer than 100 bytes, the limit for a line; nothing after it was read"])


@pytest.mark.parametrize("option, value, message", [
    ("--max-name-chars", "301", "(env var: 'RECONCILE_MAX_NAME_CHARS'): 301 is not in the range 1<=x<=300"),
    ("--max-depth", "1", "(env var: 'RECONCILE_MAX_DEPTH'): 1 is not in the range 2<=x<=100"),
    ("--max-line-bytes", "99", "(env var: 'RECONCILE_MAX_LINE_BYTES'): 99 is not in the range 100<=x<=100000000"),
])
def test_import_limit_options_refuse_values_out_of_range(registered: Desk, option: str, value: str,
                                                         message: str) -> None:
    result = registered("import", option, value, registered.write_jsonl("c.jsonl", [{"source": "A"}]))
    assert result.exit_code == 2
    assert result.stderr == ("Usage: cli import [OPTIONS] FILES...\nTry 'cli import --help' for help.\n\n"
                             f"Error: Invalid value for '{option}' {message}.\n")


def test_import_deeper_limit_still_refuses_what_the_contract_does_not_hold(registered: Desk) -> None:
    content = "{" + CLAIM + ', "via": [["dpa"]]}\n'
    refused(registered, ["import", "--max-depth", "3", registered.write("deep.jsonl", content)], [
        "deep.jsonl:1: field 'via': expected a list of relay names, nearest first, e.g. [\"dpa\", \"Interfax\"]"])


def test_read_claim_file_does_not_hold_a_long_line_in_memory(tmp_path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text("{" + CLAIM + ', "note": "' + "x" * 50_000_000 + '"}\n', encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(InputError):
            read_claim_file(path, Limits())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One bounded read of the limit (1 MB) and its decoding, not copies of the 50 MB line.
    assert peak < 5_000_000


SOURCE_FILES = {
    # Regression: YAML nested 10,000 deep crashed the composer with RecursionError.
    "yaml_nesting_10000": (
        "sources.yaml", "- name: dpa\n  kind: media\n  side: " + "[" * DEEP + "]" * DEEP + "\n",
        "sources.yaml:3: field 'side': is nested more than 2 levels deep; a source needs 2 "
        "(the source's mapping and the list in aliases)",
    ),
    # Regression: PyYAML turned a 5,000-digit scalar into an int and crashed with ValueError.
    "yaml_integer_5000_digits": (
        "sources.yaml", "- name: " + "9" * 5000 + "\n",
        "sources.yaml:1: field 'name': is 5,000 characters long; at most 300",
    ),
    # Regression: the last of two 'name' keys won silently.
    "yaml_duplicate_key": (
        "sources.yaml", "- name: dpa\n  kind: media\n  name: Interfax\n",
        "sources.yaml:3: field 'name': is given twice in one source; give each field once",
    ),
    "yaml_alias": (
        "sources.yaml", "- name: &n dpa\n- name: *n\n",
        "sources.yaml:2: field 'name': uses a YAML alias (*n); write the value out",
    ),
    "yaml_tag": (
        "sources.yaml", "- name: !!binary ZHBh\n",
        "sources.yaml:1: field 'name': has the YAML tag !!binary; a source file holds plain text",
    ),
    "yaml_surrogate": (
        "sources.yaml", '- name: "dpa \\ud800"\n',
        "sources.yaml:1: field 'name': contains \\ud800, half of a UTF-16 surrogate pair, which is not a "
        "character; check the \\u escapes",
    ),
    "yaml_side_too_long": (
        "sources.yaml", "- name: dpa\n  side: " + "x" * 201 + "\n",
        "sources.yaml:1: field 'side': is 201 characters long; at most 200",
    ),
    "csv_duplicate_header": (
        "sources.csv", "name,kind,name\ndpa,media,Interfax\n",
        "sources.csv:1: field 'name': is a column twice in the header row; name each column once",
    ),
    "csv_too_many_values": (
        "sources.csv", "name,kind\ndpa,media,Germany\n",
        "sources.csv:2: has 3 values; the header has 2 columns",
    ),
    "yaml_line_too_long": (
        "sources.yaml", "- name: " + "x" * 2_000_000 + "\n",
        "sources.yaml:1: is longer than 1,000,000 bytes, the limit for a line; nothing after it was read",
    ),
}


@pytest.mark.parametrize("case", list(SOURCE_FILES))
def test_sources_import_pathological_file_is_refused_and_changes_nothing(desk: Desk, case: str) -> None:
    name, content, problem = SOURCE_FILES[case]
    assert desk("init").exit_code == 0
    refused(desk, ["sources", "import", desk.write(name, content)], [problem])


def test_sources_import_yaml_scalars_are_text_as_written(desk: Desk) -> None:
    # YAML 1.1 reads 'no' as false and 1945 as a number; a source file holds names, as written.
    content = "- name: Unit 1945\n  aliases: [1945, 0x1F]\n  side: no\n"
    result = desk("sources", "import", desk.write("sources.yaml", content))
    assert result.exit_code == 0, result.output
    [source] = json.loads(desk("sources", "list", "--json").stdout)
    assert (source["name"], source["aliases"], source["side"]) == ("Unit 1945", ["1945", "0x1F"], "no")


@pytest.mark.parametrize("day, near, far", [
    ("9999-12-31", "9999-12-29", "9999-12-28"),
    ("0001-01-01", "0001-01-03", "0001-01-04"),
])
def test_import_correction_at_the_ends_of_the_calendar_marks_the_claims_near_it(registered: Desk, day: str,
                                                                                near: str, far: str) -> None:
    # Regression: correcting a claim dated on the first or last day crashed with OverflowError
    # (its window, two days either side at the default one-day tolerance, left the calendar).
    placed = {"ref": "p", "source": "Army", "date": day, "place": "Avdiivka", "killed": 1}
    rows = [placed, {"ref": "near", "source": "Army", "date": near, "killed": 1},
            {"ref": "far", "source": "Army", "date": far, "killed": 1}]
    assert registered("import", registered.write_jsonl("claims.jsonl", rows)).exit_code == 0
    assert registered("run").exit_code == 0
    assert registered.query("SELECT count(*) FROM claim_marks") == [(0,)]
    result = registered("import", registered.write_jsonl("correction.jsonl", [dict(placed, killed=2)]))
    assert (result.exit_code, result.stdout) == (0, "correction.jsonl: added 0, updated 1, already stored 0\n")
    # Two days from the old date: marked again; three days: not.
    assert registered.query("SELECT c.ref FROM claims c JOIN claim_marks m ON m.claim_id = c.id ORDER BY c.ref") \
        == [("near",), ("p",)]
    # Each at the version its claim has now (raised first, then marked).
    assert registered.query("SELECT count(*) FROM claim_marks m JOIN claims c ON c.id = m.claim_id "
                            "WHERE m.version != c.version") == [(0,)]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_show_event_on_the_first_or_last_day_of_the_calendar(registered: Desk, day: str) -> None:
    # Regression: `show` widened a claim without a place by the blocker's window past the calendar's
    # end and crashed with ValueError (year 10000 is out of range; ordinal must be >= 1). Claims
    # spread over eleven years keep the window narrow, so that only the claims around it are read.
    spread = [{"ref": f"p{year}", "source": "Army", "date": f"{year}-04-06", "place": "Avdiivka",
               "type": "shelling", "killed": 1} for year in range(2010, 2021)]
    here = [{"ref": "placed", "source": "Army", "date": day, "place": "Avdiivka", "type": "shelling",
             "victims": "soldiers", "killed": 2},
            {"ref": "region", "source": "Kremlin", "date": day, "region": "Donetsk oblast", "type": "shelling",
             "victims": "soldiers", "killed": 2},
            {"ref": "shooting", "source": "Kremlin", "date": day, "place": "Avdiivka", "type": "shooting",
             "killed": "two"}]
    assert registered("import", registered.write_jsonl("claims.jsonl", spread + here)).exit_code == 0
    assert registered("run").exit_code == 0
    event = {c["ref"]: c["event_id"] for c in registered.claims()}["shooting"]
    result = registered("show", str(event))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2] == f"Date {day}, place Avdiyivka; killed 2, wounded —"  # the GeoNames label


@pytest.mark.parametrize("name, header, record", [
    ("claims.jsonl", "", '{"source": "Army", "date": "2021-04-06", "place": "Авдіївка", "note": "' + "n" * 60 + '"}'),
    ("claims.csv", "source,date,note\r\n", 'Army,2021-04-06,"line one\r\nline two' + "n" * 90 + '"'),
])
def test_import_line_limit_holds_a_line_of_exactly_the_limit(registered: Desk, name: str, header: str,
                                                             record: str) -> None:
    # The limit counts a line without its ending, and a CSV record with the line breaks inside it.
    size = len(record.encode())
    registered.write(name, header + record + "\r\n")
    refused(registered, ["import", "--max-line-bytes", str(size - 1), name],
            [f"{name}:{2 if header else 1}: is longer than {size - 1:,} bytes, the limit for a line; "
             "nothing after it was read"])
    result = registered("import", "--max-line-bytes", str(size), name)
    assert (result.exit_code, result.stdout) == (0, f"{name}: added 1, updated 0, already stored 0\n")


def test_import_place_and_actor_keys_fit_their_columns(registered: Desk) -> None:
    # Regression: 300 Chinese characters (within the name limit) transliterate to 1,500 ('Zhong' each):
    # PostgreSQL refused the place and actor keys (VARCHAR(300)) and the import crashed.
    row = {"source": "Army", "date": "2021-04-06", "place": "中" * 300, "actor": "中" * 300}
    result = registered("import", registered.write_jsonl("cjk.jsonl", [row]))
    assert result.exit_code == 0, result.output
    [(place_key, place_label, actor_key)] = registered.query("SELECT place_key, place_label, actor_key FROM claims")
    assert (place_key, place_label, actor_key) == ("zhong" * 60, "zhong" * 60, "zhong" * 60)
    [claim] = registered.claims()
    assert claim["place"] == "中" * 300


@pytest.mark.parametrize("field, row", [
    ("source", {"source": "中" * 61, "date": "2021-04-06"}),
    ("via", {"source": "Army", "via": ["dpa", "中" * 61], "date": "2021-04-06"}),
])
def test_import_source_whose_key_is_too_long_is_refused(registered: Desk, field: str, row: dict) -> None:
    # A source's key (the name as compared, in Latin letters) is unique: cut short, two long names
    # would become one source. 61 × 'zhong' is 305 characters.
    refused(registered, ["import", registered.write_jsonl("cjk.jsonl", [row])], [
        f"cjk.jsonl:1: field '{field}': is 305 characters long in Latin letters, as names are compared; at most 300"])


def test_sources_import_name_whose_key_is_too_long_is_refused(desk: Desk) -> None:
    assert desk("init").exit_code == 0
    refused(desk, ["sources", "import", desk.write("sources.yaml", "- name: dpa\n  aliases: [" + "中" * 61 + "]\n")],
            ["sources.yaml:1: field 'aliases': is 305 characters long in Latin letters, as names are compared; "
             "at most 300"])


@pytest.mark.parametrize("args, problem", [
    (["中" * 61], "'" + "中" * 40 + "…' is 305 characters long in Latin letters, as names are compared; at most 300"),
    (["dpa", "--alias", "x" * 301], "'" + "x" * 40 + "…' is 301 characters long; at most 300"),
    (["dpa \ud800"], "'dpa \\ud800' contains \\ud800, half of a UTF-16 surrogate pair, which is not a character; "
                     "check the \\u escapes"),
])
def test_sources_add_name_too_long_or_not_text_is_refused(desk: Desk, args: list[str], problem: str) -> None:
    assert desk("init").exit_code == 0
    before = desk.dump()
    result = desk("sources", "add", *args)
    assert (result.exit_code, result.stderr) == (2, f"Error: source name {problem}\n")
    assert desk.dump() == before


def _row(**cells: str) -> list[str]:
    """The first invented GeoNames row with some cells replaced (by their GeoNames column names)."""
    columns = ("geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature class",
               "feature code", "country code", "cc2", "admin1 code")
    row = list(DUMP_ROWS[0])
    for column, value in cells.items():
        row[columns.index(column.replace("_", " "))] = value
    return row


PLACE_FILES = {
    # Regression: the whole file was read at once (three copies of it in memory), a 2 MB line
    # with it, and each of that line's 200,000 alternate names was stored.
    "geonames_line_too_long": (
        "UA.txt", dump([_row(alternatenames=",".join(["Zhuravka"] * 200_000))]),
        "UA.txt:1: is longer than 1,000,000 bytes, the limit for a line; nothing after it was read",
    ),
    # Regression: values wider than their columns were stored in SQLite, and PostgreSQL refused
    # them with a traceback.
    "country_code_too_long": (
        "UA.txt", dump([_row(country_code="UKR")]), "UA.txt:1: field 'country code': is 3 characters long; at most 2",
    ),
    "feature_code_too_long": (
        "UA.txt", dump([_row(feature_code="PPLXXXXXXXX")]),
        "UA.txt:1: field 'feature code': is 11 characters long; at most 10",
    ),
    "admin1_too_long": (
        "UA.txt", dump([_row(admin1_code="1" * 21)]), "UA.txt:1: field 'admin1 code': is 21 characters long; at most 20",
    ),
    "nul_in_a_name": (
        "UA.txt", dump([_row(name="Zhuravka\x00Mala")]),
        "UA.txt:1: field 'name': contains the NUL character (U+0000), which cannot be stored",
    ),
    # 61 Chinese characters are 305 letters in the key a name is looked up by (VARCHAR(300)).
    "name_key_too_long": (
        "UA.txt", dump([_row(name="中" * 61)]),
        "UA.txt:1: field 'name': is 305 characters long in Latin letters, as names are compared; at most 300",
    ),
    "landmark_line_too_long": (
        "l.csv", "name,lat,lon,aliases\nCrash site,48,38," + "x;" * 600_000 + "\n",
        "l.csv:2: is longer than 1,000,000 bytes, the limit for a line; nothing after it was read",
    ),
    "landmark_nul_in_a_name": (
        "l.csv", "name,lat,lon\nCrash\x00site,48,38\n",
        "l.csv:2: field 'name': contains the NUL character (U+0000), which cannot be stored",
    ),
}


@pytest.mark.parametrize("case", list(PLACE_FILES))
def test_places_import_pathological_file_is_refused_and_changes_nothing(desk: Desk, case: str) -> None:
    name, content, problem = PLACE_FILES[case]
    assert desk("init").exit_code == 0
    refused(desk, ["places", "import", desk.write(name, content)], [problem])


def test_places_import_alternate_names_that_cannot_be_stored_are_left_out(desk: Desk) -> None:
    # As an empty name or one without letters is: the place is kept with its other names.
    row = _row(alternatenames="Журавка Мала,Zhuravka\x00Malaya," + "中" * 61)
    result = desk("places", "import", desk.write("UA.txt", dump([row])))
    assert result.exit_code == 0, result.output
    [place] = json.loads(desk("places", "list", "--json").stdout)
    assert place["names"] == ["Журавка Мала"]


def test_places_import_line_limit_is_an_option(desk: Desk) -> None:
    line = "\t".join(DUMP_ROWS[0])
    refused(desk, ["places", "import", "--max-line-bytes", str(len(line.encode()) - 1), desk.write("UA.txt", line + "\n")],
            [f"UA.txt:1: is longer than {len(line.encode()) - 1:,} bytes, the limit for a line; nothing after it was read"])
    result = desk("places", "import", "--max-line-bytes", str(len(line.encode())), "UA.txt")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("first, second, refused_line", [(2021, 2021.0, 2), (2021.0, 2021, 1)])
def test_read_claim_file_reads_each_date_as_written_whatever_was_read_before(tmp_path, first, second,
                                                                             refused_line) -> None:
    # Each distinct date is read once: 2021 (a year) and 2021.0 (not a date) are equal in Python,
    # and neither is taken for the other, in either order.
    path = tmp_path / "claims.jsonl"
    path.write_text(f'{{"source": "Army", "date": {first}}}\n{{"source": "Army", "date": {second}}}\n',
                    encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_claim_file(path, Limits())
    assert [str(p) for p in refused.value.problems] == [
        f"{path}:{refused_line}: field 'date': expected YYYY-MM-DD, YYYY-MM, YYYY or START/END "
        "(e.g. 2021-01-01/2021-04-07), got 2021.0"]


def test_read_claim_file_keeps_one_copy_of_a_files_repeated_values(tmp_path) -> None:
    # An import holds every claim of its files at once: a source, report, place or date that
    # many claims repeat is kept once (a million claims read in half the memory), and each
    # claim's fields are still exactly as given.
    rows = [{"ref": f"r{i}", "source": "Armed Forces of Ukraine", "via": ["dpa", "Interfax"],
             "report": "dpa, 7 April 2021", "date": "2021-04-06", "place": "near Avdiivka",
             "killed": "two", "text": "Two soldiers were killed near Avdiivka."} for i in range(3)]
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first, second, third = read_claim_file(path, Limits())
    assert [c.raw for c in (first, second, third)] == rows
    for name in ("source", "report", "date", "place", "killed"):
        assert first.raw[name] is second.raw[name] is third.raw[name], name
    assert first.raw["via"][1] is third.raw["via"][1] and first.via is third.via == ("dpa", "Interfax")
    assert first.raw["via"] is not third.raw["via"]   # a list each: one claim's cannot change another's
    assert first.raw["text"] is not second.raw["text"]   # a claim's own text is its own
