"""`reconcile sources add | import | list`: the registry of who says and who relays."""

from __future__ import annotations

import json

import pytest

from conftest import SOURCES_YAML, Desk

REJECTED_ONE = "Rejected: 1 problem; nothing was written to the database.\n"
KINDS = "military, government, intergovernmental, ngo, media, social, individual, unknown"


def listing(desk: Desk) -> list[dict]:
    result = desk("sources", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_name(desk: Desk) -> dict[str, dict]:
    return {row["name"]: row for row in listing(desk)}


def test_sources_add_creates_and_lists(desk: Desk) -> None:
    first = desk("sources", "add", "Government of Ukraine", "--kind", "government", "--side", "Ukraine")
    assert (first.exit_code, first.stdout, first.stderr) == (
        0, "Government of Ukraine: created\n", "Created a new database at desk.sqlite\n")
    second = desk("sources", "add", "Armed Forces of Ukraine", "--alias", "ZSU", "--alias", "Army",
                  "--kind", "military", "--parent", "Government of Ukraine", "--side", "Ukraine")
    assert (second.exit_code, second.stdout, second.stderr) == (0, "Armed Forces of Ukraine: created\n", "")
    # Sorted by name: "Armed ..." before "Government ...".
    assert listing(desk) == [
        {"id": 2, "name": "Armed Forces of Ukraine", "aliases": ["ZSU", "Army"], "kind": "military",
         "parent": "Government of Ukraine", "side": "Ukraine", "registered": True, "origin": "Government of Ukraine",
         "distinct_from": [], "looks_like": []},
        {"id": 1, "name": "Government of Ukraine", "aliases": [], "kind": "government",
         "parent": None, "side": "Ukraine", "registered": True, "origin": "Government of Ukraine",
         "distinct_from": [], "looks_like": []},
    ]


def test_sources_add_again_is_unchanged_then_updated(desk: Desk) -> None:
    desk("sources", "add", "dpa", "--kind", "media")
    assert desk("sources", "add", "dpa", "--kind", "media").stdout == "dpa: unchanged\n"
    assert desk("sources", "add", "DPA", "--kind", "media", "--side", "none of them").stdout == "dpa: updated\n"
    assert by_name(desk)["dpa"]["side"] == "none of them"


def test_sources_add_registers_a_source_met_in_claims(desk: Desk) -> None:
    desk("import", desk.write_jsonl("claims.jsonl", [{"source": "Volodymyr Zelensky", "date": "2021"}]))
    assert by_name(desk)["Volodymyr Zelensky"]["registered"] is False
    result = desk("sources", "add", "Volodymyr Zelensky", "--kind", "individual", "--side", "Ukraine")
    assert (result.exit_code, result.stdout) == (0, "Volodymyr Zelensky: registered\n")
    row = by_name(desk)["Volodymyr Zelensky"]
    assert (row["registered"], row["kind"], row["origin"]) == (True, "individual", "Volodymyr Zelensky")


def test_sources_add_unknown_kind_is_rejected(desk: Desk) -> None:
    desk("init")
    result = desk("sources", "add", "Russian MoD", "--kind", "militia")
    # A usage error (exit 2) from click's choice of kinds, which also lists them in --help.
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: Invalid value for '--kind': 'militia' is not one of 'military', "
                                  "'government', 'intergovernmental', 'ngo', 'media', 'social', 'individual', "
                                  "'unknown'.\n")
    assert listing(desk) == []


def test_sources_add_unknown_parent_is_rejected(desk: Desk) -> None:
    desk("init")
    result = desk("sources", "add", "Russian MoD", "--kind", "military", "--parent", "Kremlin")
    assert (result.exit_code, result.stderr) == (
        4, "Error: parent source 'Kremlin' is not registered; register it first\n")
    assert listing(desk) == []


def test_sources_add_alias_of_another_source_writes_nothing(registered: Desk) -> None:
    before = registered.dump()
    result = registered("sources", "add", "Russian MoD", "--alias", "Army", "--kind", "military")
    assert (result.exit_code, result.stderr) == (
        1, "Error: alias 'Army' already names another source (Armed Forces of Ukraine)\n")
    assert registered.dump() == before


def test_sources_import_yaml_with_parent_defined_later(desk: Desk) -> None:
    result = desk("sources", "import", desk.write("sources.yaml", SOURCES_YAML))
    assert (result.exit_code, result.stdout) == (0, "sources.yaml: 4 created\n")
    rows = by_name(desk)
    assert (rows["Armed Forces of Ukraine"]["parent"], rows["Armed Forces of Ukraine"]["origin"]) == (
        "Government of Ukraine", "Government of Ukraine")
    assert rows["Armed Forces of Ukraine"]["aliases"] == ["ZSU", "Army"]
    assert (rows["dpa"]["kind"], rows["dpa"]["origin"]) == ("media", "dpa")


def test_sources_import_same_file_again_is_unchanged(registered: Desk) -> None:
    result = registered("sources", "import", "sources.yaml")
    assert (result.exit_code, result.stdout) == (0, "sources.yaml: 4 unchanged\n")


def test_sources_import_parent_named_by_alias_defined_later(desk: Desk) -> None:
    # Regression: a parent named by an alias of a source further down the file was reported unregistered.
    text = ("- name: AFU Press Service\n  kind: military\n  parent: ZSU\n"
            "- name: Armed Forces of Ukraine\n  aliases: [ZSU]\n  kind: military\n")
    result = desk("sources", "import", desk.write("sources.yaml", text))
    assert (result.exit_code, result.stdout) == (0, "sources.yaml: 2 created\n")
    assert by_name(desk)["AFU Press Service"]["origin"] == "Armed Forces of Ukraine"


def test_sources_import_csv(desk: Desk) -> None:
    csv_text = ("name,aliases,kind,parent,side\n"
                "Armed Forces of Ukraine,ZSU; Army,military,Government of Ukraine,Ukraine\n"
                "Government of Ukraine,,government,,Ukraine\n")
    result = desk("sources", "import", desk.write("sources.csv", csv_text))
    assert (result.exit_code, result.stdout) == (0, "sources.csv: 2 created\n")
    assert listing(desk) == [
        {"id": 2, "name": "Armed Forces of Ukraine", "aliases": ["ZSU", "Army"], "kind": "military",
         "parent": "Government of Ukraine", "side": "Ukraine", "registered": True, "origin": "Government of Ukraine",
         "distinct_from": [], "looks_like": []},
        {"id": 1, "name": "Government of Ukraine", "aliases": [], "kind": "government",
         "parent": None, "side": "Ukraine", "registered": True, "origin": "Government of Ukraine",
         "distinct_from": [], "looks_like": []},
    ]


def test_sources_origin_resolves_through_an_alias(registered: Desk) -> None:
    # "Army" is an alias of the Armed Forces, whose word is the Government's.
    registered("import", registered.write_jsonl("claims.jsonl", [{"source": "Army", "date": "2021-04-06"}]))
    [claim] = registered.claims()
    assert (claim["source"], claim["parsed"]["source"], claim["parsed"]["origin"]) == (
        "Army", "Armed Forces of Ukraine", "Government of Ukraine")


BAD_SOURCE_FILES = {
    "unknown_kind_yaml": (
        "sources.yaml",
        "- name: Government of Ukraine\n  kind: government\n- name: Armed Forces of Ukraine\n  kind: militia\n",
        f"sources.yaml:3: field 'kind': expected one of {KINDS}, got 'militia'",
    ),
    "unknown_kind_csv": (
        "sources.csv",
        "name,aliases,kind,parent,side\nGovernment of Ukraine,,government,,Ukraine\nArmed Forces of Ukraine,ZSU,militia,,\n",
        f"sources.csv:3: field 'kind': expected one of {KINDS}, got 'militia'",
    ),
    "unknown_parent": (
        "sources.yaml",
        "- name: dpa\n  kind: media\n- name: Armed Forces of Ukraine\n  kind: military\n  parent: Ministry of Nothing\n",
        "sources.yaml:3: field 'parent': parent source 'Ministry of Nothing' is not registered; register it first",
    ),
    "unknown_field": (
        "sources.yaml",
        "- name: dpa\n  kind: media\n  country: Germany\n",
        "sources.yaml:1: field 'country': unknown field; expected one of name, aliases, kind, parent, side, "
        "distinct_from",
    ),
    "missing_name": ("sources.yaml", "- kind: media\n", "sources.yaml:1: field 'name': is required: the source's name"),
    "not_a_list": (
        "sources.yaml", "name: dpa\nkind: media\n",
        "sources.yaml:1: expected a YAML list of sources (lines starting with '- ')",
    ),
    "parent_loop": (
        "sources.yaml",
        "- name: A\n  parent: B\n- name: B\n  parent: A\n",
        "sources.yaml:1: field 'parent': parent chain loops: A, B",
    ),
    "csv_without_name": (
        "sources.csv", "title,kind\ndpa,media\n",
        "sources.csv:1: the header row must name the columns name, aliases, kind, parent, side, "
        "distinct_from; 'name' is missing",
    ),
    "not_utf8": ("sources.yaml", "- name: D\xe9partement\n".encode("latin-1"),
                 "sources.yaml:1: is not UTF-8 (invalid byte 0xe9); save the file as UTF-8"),
    "empty": ("sources.yaml", "", "sources.yaml: is empty; expected a list of sources"),
}


@pytest.mark.parametrize("case", list(BAD_SOURCE_FILES))
def test_sources_import_bad_file_is_rejected_whole(desk: Desk, case: str) -> None:
    name, content, problem = BAD_SOURCE_FILES[case]
    desk("init")
    before = desk.dump()
    result = desk("sources", "import", desk.write(name, content))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {problem}\n" + REJECTED_ONE
    assert desk.dump() == before
