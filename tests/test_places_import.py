"""The desk's own places: a GeoNames dump and a landmarks CSV, stored, shared and audited."""

from __future__ import annotations

import json

import pytest

from conftest import Desk

# Invented rows in the GeoNames dump format (19 tab-separated columns): a village too small for
# the bundled gazetteer, a section of Donetsk, an airport (class S) and a lake (class H: not kept
# by default). The GeoNames ids are above any real one, so nothing bundled is replaced.
DUMP_ROWS = [
    ["99000001", "Zhuravka Mala", "Zhuravka Mala", "Журавка Мала,Zhuravka Malaya", "48.05", "37.60", "P", "PPL",
     "UA", "", "05", "", "", "", "120", "", "200", "Europe/Kyiv", "2024-01-01"],
    ["99000002", "Test Quarter", "Test Quarter", "Тестовий квартал", "48.01", "37.80", "P", "PPLX", "UA", "", "05",
     "", "", "", "0", "", "200", "Europe/Kyiv", "2024-01-01"],
    ["99000003", "Donetsk Test Airport", "Donetsk Test Airport", "", "48.07", "37.74", "S", "AIRP", "UA", "", "05",
     "", "", "", "0", "", "200", "Europe/Kyiv", "2024-01-01"],
    ["99000004", "Test Lake", "Test Lake", "", "48.10", "37.70", "H", "LK", "UA", "", "05", "", "", "", "0", "",
     "200", "Europe/Kyiv", "2024-01-01"],
]


def dump(rows: list[list[str]]) -> str:
    return "".join("\t".join(row) + "\n" for row in rows)


def places(desk: Desk) -> list[dict]:
    result = desk("places", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_places_import_a_geonames_dump_keeps_the_classes_asked_for(desk: Desk) -> None:
    result = desk("places", "import", desk.write("UA.txt", dump(DUMP_ROWS)))
    assert (result.exit_code, result.stdout) == (0, (
        "UA.txt: added 3, updated 0, already stored 0\n"
        "Claims stored before keep what they were read as; run `reconcile renormalise` to read them again.\n"))
    stored = places(desk)
    assert [(p["name"], p["geonameid"], p["feature"], p["region"], p["names"]) for p in stored] == [
        ("Donetsk Test Airport", 99000003, "AIRP", "UA.05", []),
        ("Test Quarter", 99000002, "PPLX", "UA.05", ["Тестовий квартал"]),
        ("Zhuravka Mala", 99000001, "PPL", "UA.05", ["Журавка Мала", "Zhuravka Malaya"]),
    ]
    # The same file again changes nothing; the lake is kept when its class is asked for.
    again = desk("places", "import", "UA.txt", "--json")
    assert json.loads(again.stdout) == {"added": 0, "updated": 0, "unchanged": 3, "file": "UA.txt", "dry_run": False}
    assert json.loads(desk("places", "import", "UA.txt", "--classes", "H", "--json").stdout)["added"] == 1


def test_places_import_a_changed_row_updates_the_place_and_is_audited(desk: Desk) -> None:
    desk("places", "import", desk.write("UA.txt", dump(DUMP_ROWS[:1])))
    moved = [DUMP_ROWS[0][:4] + ["48.06"] + DUMP_ROWS[0][5:]]
    result = desk("places", "import", desk.write("UA2.txt", dump(moved)), "--json")
    assert json.loads(result.stdout)["updated"] == 1
    assert desk.query("SELECT lat, file, updated_by FROM places") == [(48.06, "UA2.txt", "tester")]
    log = desk.query("SELECT action, object_type, after FROM audit_log ORDER BY seq")
    assert [(a, o, json.loads(after)["file"], json.loads(after)["updated"]) for a, o, after in log] == [
        ("places import", "places", "UA.txt", []), ("places import", "places", "UA2.txt", [1])]


def test_a_claim_names_a_village_of_the_dump_in_any_of_its_names(desk: Desk) -> None:
    desk("places", "import", desk.write("UA.txt", dump(DUMP_ROWS)))
    desk.write_jsonl("c.jsonl", [{"ref": "a", "source": "A", "date": "2021-04-05", "place": "near Журавка Мала"},
                                 {"ref": "b", "source": "B", "date": "2021-04-05", "place": "Zhuravka Malaya"}])
    assert desk("import", "c.jsonl").exit_code == 0
    parsed = {c["ref"]: c["parsed"]["place"] for c in desk.claims()}
    assert {ref: (p["key"], p["region"]) for ref, p in parsed.items()} == {
        "a": ("geonames:99000001", "UA.05"), "b": ("geonames:99000001", "UA.05")}


def test_places_import_the_desks_landmarks_and_a_claim_resolves_to_one(desk: Desk) -> None:
    csv_text = ("name,aliases,lat,lon,region\n"
                "IL-76 crash site,Il-76 crash;Ил-76,48.426,39.37,Luhansk oblast\n"
                "Hill 277,,47.95,38.40,\n")
    result = desk("places", "import", desk.write("landmarks.csv", csv_text), "--json")
    assert json.loads(result.stdout)["added"] == 2
    stored = {p["name"]: p for p in places(desk)}
    assert (stored["IL-76 crash site"]["origin"], stored["IL-76 crash site"]["names"],
            stored["IL-76 crash site"]["region"]) == ("desk", ["Il-76 crash", "Ил-76"], "UA.14")
    # Without a region, the region of the nearest bundled place within 20 km (Donetsk oblast here).
    assert stored["Hill 277"]["region"] == "UA.05"
    shown = desk("places", "show", "IL-76 crash site")
    assert shown.stdout.splitlines()[0] == ("'IL-76 crash site' → IL-76 crash site (gazetteer; key place:"
                                            f"{stored['IL-76 crash site']['id']}), region Luhansk oblast")


@pytest.mark.parametrize("name, text, messages", [
    ("UA.txt", "1\tOnly three\tcolumns\n",
     ["Error: UA.txt:1: expected 19 tab-separated columns (the GeoNames dump format), got 3"]),
    ("UA.txt", dump([DUMP_ROWS[0][:4] + ["95.5"] + DUMP_ROWS[0][5:]]),
     ["Error: UA.txt:1: field 'latitude': expected a number between -90 and 90, got '95.5'"]),
    ("UA.txt", dump([DUMP_ROWS[0][:6] + ["Q"] + DUMP_ROWS[0][7:]]),
     ["Error: UA.txt:1: field 'feature class': expected one of the GeoNames feature classes A, H, L, P, R, S, T, "
      "U, V, got 'Q'"]),
    ("l.csv", "name,lat,lon,height\nX,1,2,3\n", ["Error: l.csv:1: field 'height': unknown column; expected name, "
                                                 "aliases, lat, lon, region, population"]),
    ("l.csv", "name,lat,lon,region\nCrash site,48,38,\nCrash site,48.1,38,\nHill,48,38,Atlantis oblast\n",
     ["Error: l.csv:3: field 'name': 'Crash site' is given at line 2 too",
      "Error: l.csv:4: field 'region': expected a region the regions table knows (e.g. 'Donetsk oblast', "
      "'Луганська область'), got 'Atlantis oblast'"]),
    ("l.csv", "name,lat\nX,1\n", ["Error: l.csv:1: field 'lon': is a required column"]),
    ("places.json", "[]", ["Error: places.json: has an unknown extension; expected .txt (a GeoNames dump) or .csv "
                           "(the desk's own places)"]),
])
def test_places_import_refuses_a_bad_file_whole_and_writes_nothing(desk: Desk, name: str, text: str,
                                                                     messages: list[str]) -> None:
    desk("places", "import", desk.write("UA.txt", dump(DUMP_ROWS[:1])))   # something stored already
    before = desk.dump()
    result = desk("places", "import", desk.write(name, text))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:len(messages)] == messages
    assert desk.dump() == before


def test_renormalise_reads_claims_again_with_the_places_imported(desk: Desk) -> None:
    desk.write_jsonl("c.jsonl", [{"ref": "a", "source": "A", "date": "2021-04-05", "place": "Zhuravka Mala"}])
    assert desk("import", "c.jsonl").exit_code == 0
    [claim] = desk.claims()
    assert (claim["parsed"]["place"]["key"], claim["parsed"]["place"]["method"]) == ("zhuravka mala", "text")
    desk("places", "import", desk.write("UA.txt", dump(DUMP_ROWS[:1])))
    assert desk("renormalise").exit_code == 0
    [claim] = desk.claims()
    assert (claim["parsed"]["place"]["key"], claim["parsed"]["place"]["method"]) == ("geonames:99000001", "gazetteer")
    assert desk.query("SELECT claim_id FROM claim_marks") == [(claim["id"],)]   # marked for the next run


def test_places_import_moving_a_place_marks_the_claims_that_may_be_there(desk: Desk) -> None:
    # A run reads a place's coordinates as stored now: a place given other coordinates changes
    # how its claims score, so they are marked for the next run (names alone: renormalise).
    csv_text = ("name,aliases,lat,lon,region\nHill 277,,47.95,38.40,Donetsk oblast\n"
                "Hill 301,,48.20,38.10,Donetsk oblast\n")
    desk("places", "import", desk.write("hills.csv", csv_text))
    desk.write("s.yaml", "- {name: A, kind: ngo}\n- {name: B, kind: ngo}\n")
    assert desk("sources", "import", "s.yaml").exit_code == 0
    desk.write_jsonl("c.jsonl", [
        {"ref": "a", "source": "A", "date": "2021-04-05", "place": "Hill 277", "type": "shelling"},
        {"ref": "b", "source": "B", "date": "2021-04-05", "place": "Hill 301", "type": "shelling"}])
    assert desk("import", "c.jsonl").exit_code == 0
    assert desk("run").exit_code == 0
    assert desk.query("SELECT count(*) FROM claim_marks") == [(0,)]
    # Hill 301 was misplaced: it lies 2 km from Hill 277. Its claim is marked; Hill 277's is not.
    moved = csv_text.replace("48.20,38.10", "47.96,38.42")
    result = desk("places", "import", desk.write("hills.csv", moved), "--json")
    assert json.loads(result.stdout)["updated"] == 1
    ids = dict(desk.query("SELECT ref, id FROM claims"))
    assert desk.query("SELECT claim_id FROM claim_marks") == [(ids["b"],)]
    # A name added to a place moves nothing: no more marks.
    result = desk("places", "import", desk.write("hills.csv", moved.replace("Hill 277,,", "Hill 277,Height 277,")),
                  "--json")
    assert json.loads(result.stdout)["updated"] == 1
    assert desk.query("SELECT claim_id FROM claim_marks") == [(ids["b"],)]
    result = desk("run")
    assert "1 of 2 claims matched, 1 pair scored" in result.output   # b, and its pair with a scored again
    incremental = desk.query("SELECT claim_id, event_id, score FROM claim_links ORDER BY claim_id")
    assert desk("run", "--full").exit_code == 0
    assert desk.query("SELECT claim_id, event_id, score FROM claim_links ORDER BY claim_id") == incremental


def test_places_show_says_what_each_qualifier_kept(desk: Desk) -> None:
    desk("init")
    result = desk("places", "show", "Novoselivka", "--region", "Запорізька область", "--json")
    shown = json.loads(result.stdout)
    # Seventeen places are called Novoselivka in the bundled gazetteer; the region keeps one.
    assert shown["steps"][1].startswith("the gazetteer knows 17 place(s) of this name: ")
    assert shown["steps"][2] == "in Zaporizhzhia oblast: 1 left"
    assert (shown["region"], len(shown["candidates"])) == ("UA.26", 1)
