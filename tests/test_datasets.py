"""`reconcile import --format ucdp|acled`: dataset exports read as claims, one per original source.

The hand-made rows are INVENTED: real column sets, real place names, statements nobody made,
dated 2031 so that they cannot be mistaken for real events. A few real UCDP rows come from
../shared/data beside the checkout (CC BY 4.0, see its README).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from cli import claims as cli_claims
from conftest import Desk
from reconciler.datasets import DATASETS, _scope_of, read_dataset_file

REAL_UCDP = Path(__file__).resolve().parents[2] / "shared" / "data" / "ucdp-ged-ukraine-2014-2022-2023.csv"
REJECTED_ONE = "Rejected: 1 problem; nothing was written to the database.\n"


@pytest.fixture(autouse=True, params=["read whole", "streamed"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test twice: files read whole before the database is opened (as files under 64 MB
    are), and read as they are stored (as larger ones are): the same claims, problems and lists."""
    if request.param == "streamed":
        monkeypatch.setattr(cli_claims, "READ_WHOLE_BYTES", -1)   # an empty file too

        def whole(*args, **kwargs):
            raise AssertionError("a streamed import read a file whole")

        monkeypatch.setattr(cli_claims, "read_dataset_file", whole)
    return request.param

# UCDP GED's columns, as its CSV (GED 22.1 to 24.1, and the candidate releases) gives them.
UCDP_COLUMNS = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,"
    "low,gwnoa,gwnob").split(",")
# ACLED's export since March 2023 (actor types in words since 2024), and before it (as numbers).
ACLED_COLUMNS = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp").split(",")
ACLED_OLD_COLUMNS = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3").split(",")

PLACES = {"Avdiivka": (48.139, 37.743), "Horlivka": (48.2999, 38.0171), "Toretsk": (48.3948, 37.8478),
          "Pokrovsk": (48.2801, 37.1771), "Bakhmut": (48.5942, 37.9989), "Popasna": (48.6317, 38.371),
          "Shchastia": (48.7378, 39.2305), "Druzhkivka": (48.62, 37.5254), "Yasynuvata": (48.1268, 37.8592),
          "Selydove": (48.1465, 37.3022), "Mariupol": (47.0951, 37.5413), "Kramatorsk": (48.7311, 37.5678),
          "Sievierodonetsk": (48.9441, 38.4875), "Sloviansk": (48.8497, 37.5974), "Lysychansk": (48.9121, 38.4209),
          "Volnovakha": (47.6008, 37.4936), "Kostiantynivka": (48.5273, 37.7059)}


def ucdp_row(event: int, day: str, place: str, sources: str, best: int, **given: object) -> dict:
    """A UCDP GED row: every column, the ones a test does not name at plausible values."""
    lat, lon = PLACES.get(place, (48.0, 37.8))
    row = dict.fromkeys(UCDP_COLUMNS, "") | {
        "id": event, "relid": f"UKR-2031-1-99999-{event}", "year": 2031, "active_year": 1, "code_status": "Clear",
        "type_of_violence": 1, "conflict_name": "Ukraine: Donbas (invented)", "side_a": "Government of Ukraine",
        "side_b": "DPR", "number_of_sources": 1, "source_article": f'"Ukrinform,{day},Shelling of {place}"',
        "source_office": "Ukrinform", "source_date": day, "source_headline": f"Shelling of {place}",
        "source_original": sources, "where_prec": 1, "where_coordinates": f"{place} town",
        "where_description": f"{place}, Donetsk region", "adm_1": "Donetsk oblast", "adm_2": f"{place} raion",
        "latitude": lat, "longitude": lon, "geom_wkt": f"POINT ({lon} {lat})", "country": "Ukraine",
        "country_id": 369, "region": "Europe", "event_clarity": 1, "date_prec": 1, "date_start": day,
        "date_end": day, "deaths_a": 0, "deaths_b": 0, "deaths_civilians": best, "deaths_unknown": 0,
        "best": best, "high": best, "low": best, "gwnoa": 369}
    return row | given


def acled_row(event: str, day: str, place: str, sources: str, fatalities: int, **given: object) -> dict:
    """An ACLED row of the newer export: every column, those a test does not name plausible."""
    lat, lon = PLACES.get(place, (48.0, 37.8))
    row = dict.fromkeys(ACLED_COLUMNS, "") | {
        "event_id_cnty": event, "event_date": day, "year": 2031, "time_precision": 1,
        "disorder_type": "Political violence", "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack", "actor1": "Military Forces of Russia (2000-)",
        "inter1": "External/Other forces", "actor2": "Civilians (Ukraine)", "inter2": "Civilians",
        "interaction": "External/Other forces-Civilians", "civilian_targeting": "Civilian targeting", "iso": 804,
        "region": "Europe", "country": "Ukraine", "admin1": "Donetsk", "admin2": f"{place}", "location": place,
        "latitude": lat, "longitude": lon, "geo_precision": 1, "source": sources, "source_scale": "National",
        "notes": f"On {day}, {place} was shelled (invented).", "fatalities": fatalities, "timestamp": 1930000000}
    return row | given


def csv_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# A dozen UCDP events. Each two weeks or more from the next, so that no two are one incident.
UCDP_ROWS = [
    ucdp_row(900001, "2031-03-02", "Avdiivka", "Ukrainian army", 2),
    ucdp_row(900002, "2031-03-16", "Horlivka", "Ukrainian army; OSCE SMM", 1),
    ucdp_row(900003, "2031-03-30", "Toretsk", "People's Militia of the DPR", 1),
    # Known only to the oblast, within four days (date_prec 2).
    ucdp_row(900004, "2031-04-10", "Donetsk oblast", "OSCE SMM", 1, where_prec=4, where_coordinates="Donetsk oblast",
             adm_2="", date_end="2031-04-13", date_prec=2, deaths_a=1, deaths_civilians=0),
    ucdp_row(900005, "2031-04-27", "Pokrovsk", "local residents", 1),
    # One-sided violence: side A did it.
    ucdp_row(900006, "2031-07-06", "Bakhmut", "OSCE SMM", 1, type_of_violence=3, side_a="DPR", side_b="Civilians"),
    # Dates as a spreadsheet in US settings saves them; two articles of one source.
    ucdp_row(900007, "7/20/2031 12:00:00 AM", "Popasna", "Memorybook x2", 1, date_end="07/20/2031 00:00",
             source_date="20/07/2031", source_article='"MemoryBook,2031-07-20,Popasna"', deaths_a=1,
             deaths_civilians=0),
    # No original source named: the outlets UCDP read are who says it.
    ucdp_row(900008, "2031-08-03", "Shchastia", "", 1, source_office="Reuters News;Reuters News"),
    ucdp_row(900009, "2031-08-17", "Druzhkivka", "OSCE SMM", 4, low=3, high=6),
    # Estimates out of order, as in some of UCDP's candidate events: the interval holds all three.
    ucdp_row(900010, "2031-08-31", "Yasynuvata", "OSCE SMM", 7, low=7, high=6),
    # Known to the district (where_prec 3): no place, the oblast.
    ucdp_row(900011, "2031-09-14", "Selydove", "OSCE SMM", 1, where_prec=3, where_coordinates="Selydove raion"),
    ucdp_row(900012, "2031-09-28", "Volnovakha", "Ukrainian army", 2, deaths_a=1, deaths_civilians=1),
]

ACLED_ROWS = [
    acled_row("UKR900101", "2031-05-11", "Mariupol", "OSCE Special Monitoring Mission to Ukraine", 3),
    acled_row("UKR900102", "2031-05-25", "Kramatorsk", "Ministry of Defence of Ukraine", 1),
    # A battle in some week (time_precision 2): no direction between the actors, no death reported.
    acled_row("UKR900103", "2031-06-11", "Sievierodonetsk", "OSCE SMM", 0, time_precision=2, event_type="Battles",
              sub_event_type="Armed clash", actor2="Military Forces of Ukraine (2019-)", inter2="State forces",
              civilian_targeting="", admin1="Luhansk"),
    # Only the month and the region (time_precision 3, geo_precision 3).
    acled_row("UKR900104", "15 June 2031", "Kharkiv", "Ukrinform", 1, time_precision=3, geo_precision=3,
              admin1="Kharkiv"),
    acled_row("UKR900105", "2031-10-12", "Sloviansk", "Ukrinform; Ukrainian army", 1),
    acled_row("UKR900106", "2031-10-26", "Lysychansk", "OSCE SMM", 2, sub_event_type="Air/drone strike",
              admin1="Luhansk"),
    acled_row("UKR900107", "2031-11-09", "Kostiantynivka", "Ukrainian army", 1,
              sub_event_type="Remote explosive/landmine/IED"),
    acled_row("UKR900108", "2031-11-23", "Avdiivka", "OSCE SMM; Ukrainian army", 2),
    acled_row("UKR900109", "2031-12-07", "Horlivka", "People's Militia of the DPR", 1),
    acled_row("UKR900110", "2031-12-21", "Toretsk", "Local administration", 1),
    acled_row("UKR900111", "2032-01-04", "Pokrovsk", "OSCE SMM", 1, sub_event_type="Grenade"),
    acled_row("UKR900112", "2032-01-18", "Bakhmut", "Ukrainian army", 1),
]

SOURCES = """\
- name: Government of Ukraine
  kind: government
  side: Ukraine
- name: Armed Forces of Ukraine
  aliases: [Ukrainian army, General Staff of the Armed Forces of Ukraine]
  kind: military
  parent: Government of Ukraine
  side: Ukraine
- name: Ministry of Defence of Ukraine
  kind: government
  parent: Government of Ukraine
  side: Ukraine
- name: OSCE SMM
  aliases: [OSCE Special Monitoring Mission to Ukraine]
  kind: intergovernmental
- name: People's Militia of the DPR
  kind: military
  side: DPR
- name: Ukrinform
  kind: media
- name: Reuters News
  kind: media
- name: MemoryBook
  kind: ngo
- name: UCDP GED
  kind: ngo
- name: ACLED
  kind: ngo
"""


def hand(ref: str, source: str, day: str, place: str, killed: int | None = 1, **given: object) -> dict:
    claim = {"ref": ref, "source": source, "via": ["Ukrinform"], "date": day, "place": place, "type": "shelling",
             "victims": "civilians", "killed": killed, "text": f"{place} was shelled (invented)."}
    return {k: v for k, v in (claim | given).items() if v is not None}


HAND_CODED = [
    hand("h1", "Armed Forces of Ukraine", "2031-03-02", "Avdiivka", 2),
    hand("h3", "Armed Forces of Ukraine", "2031-03-30", "Toretsk", None, stance="denies", victims=None,
         text="The army denies shelling Toretsk (invented)."),
    hand("h5", "OSCE SMM", "2031-04-27", "Pokrovsk", 1, via=None),
    hand("h6", "Armed Forces of Ukraine", "2031-05-11", "Mariupol", 3),
    hand("h7", "Armed Forces of Ukraine", "2031-05-25", "Kramatorsk", 1),
]


@pytest.fixture
def sources(desk: Desk) -> Desk:
    result = desk("sources", "import", desk.write("sources.yaml", SOURCES))
    assert result.exit_code == 0, result.output
    desk.write("ged.csv", csv_text(UCDP_COLUMNS, UCDP_ROWS))
    desk.write("acled.csv", csv_text(ACLED_COLUMNS, ACLED_ROWS))
    return desk


def stored(desk: Desk, ref: str) -> dict:
    found = [c for c in desk.claims() if c["ref"] == ref]
    assert len(found) == 1, [c["ref"] for c in desk.claims()]
    return found[0]


def events(desk: Desk) -> dict[tuple[str, ...], str]:
    result = desk("events", "--json")
    assert result.exit_code == 0, result.output
    return {tuple(sorted(c["ref"] for c in e["claims"])): e["status"] for e in json.loads(result.stdout)}


def test_datasets_grades_follow_the_original_sources_not_the_dataset(sources: Desk) -> None:
    for args in (["--format", "ucdp", "ged.csv"], ["--format", "acled", "acled.csv"],
                 [sources.write_jsonl("hand.jsonl", HAND_CODED)]):
        result = sources("import", *args)
        assert result.exit_code == 0, result.output
    assert sources("run").exit_code == 0
    grades = events(sources)
    # Worked out by hand from the rows and sources.yaml above (origins: the root of each source's
    # parent chain; UCDP GED, ACLED and Ukrinform are relays and never add one):
    expected = {
        # UCDP 900001 rests on the Ukrainian army alone (an alias of Armed Forces of Ukraine, origin
        # Government of Ukraine); h1 is the army too: one origin however relayed, rule 6.
        ("h1", "ucdp:900001:ukrainian-army"): "unverified",
        # UCDP 900002 lists the army and the OSCE SMM: two origins (Government of Ukraine; OSCE SMM,
        # no parent, no side) whose two claims say the same of one place and day: rule 4.
        ("ucdp:900002:osce-smm", "ucdp:900002:ukrainian-army"): "independently_verified",
        # The DPR militia asserts a shelling of Toretsk that the army (h3) denies: rule 1.
        ("h3", "ucdp:900003:peoples-militia-of-the-dpr"): "contested",
        # "local residents" is nobody registered: never counted; the OSCE SMM (h5) alone, rule 6.
        ("h5", "ucdp:900005:local-residents"): "unverified",
        # ACLED UKR900101 rests on the OSCE mission (by its alias), h6 on the army: two origins
        # agreeing on place, day, victims and 3 killed: rule 4.
        ("acled:UKR900101:osce-special-monitoring-mission-to-ukraine", "h6"): "independently_verified",
        # ACLED UKR900102 rests on the Ministry of Defence, whose parent is the Government of Ukraine,
        # the army's origin too (h7): one origin, rule 6.
        ("acled:UKR900102:ministry-of-defence-of-ukraine", "h7"): "unverified",
        # UKR900108 lists the OSCE SMM and the army: two origins, one row, rule 4.
        ("acled:UKR900108:osce-smm", "acled:UKR900108:ukrainian-army"): "independently_verified",
        # UKR900105 lists Ukrinform beside the army. ACLED does not say whom an outlet quoted:
        # Ukrinform (media, no parent) is an outlet ACLED cites, no origin. One origin: rule 6.
        ("acled:UKR900105:ukrainian-army", "acled:UKR900105:ukrinform"): "unverified",
    }
    assert {refs: grades.get(refs) for refs in expected} == expected
    # Every other event rests on one source (or one and the unregistered "Local administration").
    others = {refs: grade for refs, grade in grades.items() if refs not in expected}
    assert set(others.values()) == {"unverified"}


def test_datasets_ucdp_row_maps_to_the_contract(sources: Desk) -> None:
    result = sources("import", "--format", "ucdp", "ged.csv")
    assert result.exit_code == 0
    # 12 events, 13 claims: event 900002 lists two sources.
    assert result.stdout == ("ged.csv: added 13, updated 0, already stored 0\n"
                             "Unregistered sources (kept, but never counted as independent corroboration; "
                             "register them with `reconcile sources add`):\n  - local residents\n")
    army = stored(sources, "ucdp:900002:ukrainian-army")
    assert {k: army[k] for k in ("source", "via", "date", "place", "region", "lat", "lon", "type", "actor",
                                 "victims", "killed", "published", "text")} == {
        "source": "Ukrainian army", "via": ["UCDP GED"], "date": "2031-03-16", "place": "Horlivka town",
        "region": "Donetsk oblast", "lat": "48.2999", "lon": "38.0171", "type": None, "actor": None,
        "victims": "civilians", "killed": "1", "published": "2031-03-16", "text": "Shelling of Horlivka"}
    assert army["parsed"]["origin"] == "Government of Ukraine"
    assert army["note"] == (
        "UCDP GED event 900002 (UKR-2031-1-99999-900002); country_id 369 (Ukraine); state-based armed conflict: Government of Ukraine – DPR; "
        "date_prec 1 (exact day); where_prec 1 (exact location), where_description Horlivka, Donetsk region, "
        "adm_2 Horlivka raion; deaths best 1 (low 1, high 1); side A 0, side B 0, civilians 1, unknown 0; "
        "event_clarity 1; sources listed: Ukrainian army; OSCE SMM")
    oblast = stored(sources, "ucdp:900004:osce-smm")
    # where_prec 4: the oblast only (UCDP's coordinates are its centroid); date_prec 2: the range given.
    assert (oblast["place"], oblast["lat"], oblast["region"], oblast["date"], oblast["victims"]) == (
        None, None, "Donetsk oblast", "2031-04-10/2031-04-13", "combatants")
    assert stored(sources, "ucdp:900006:osce-smm")["actor"] == "DPR"            # one-sided violence
    memory = stored(sources, "ucdp:900007:memorybook")                         # "Memorybook x2"
    assert (memory["source"], memory["date"], memory["published"]) == ("Memorybook", "2031-07-20", "2031-07-20")
    assert stored(sources, "ucdp:900008:office:reuters-news")["source"] == "Reuters News"   # from source_office
    assert stored(sources, "ucdp:900009:osce-smm")["killed"] == "3-6"
    assert stored(sources, "ucdp:900010:osce-smm")["killed"] == "6-7"          # low 7, best 7, high 6
    district = stored(sources, "ucdp:900011:osce-smm")
    assert (district["place"], district["region"]) == (None, "Donetsk oblast")
    assert stored(sources, "ucdp:900012:ukrainian-army")["victims"] == "people"   # civilians and side A


def test_datasets_acled_row_maps_to_the_contract(sources: Desk) -> None:
    result = sources("import", "--format", "acled", "acled.csv")
    assert result.exit_code == 0, result.output
    shelling = stored(sources, "acled:UKR900101:osce-special-monitoring-mission-to-ukraine")
    assert {k: shelling[k] for k in ("source", "via", "date", "place", "region", "type", "actor", "victims",
                                     "killed", "published")} == {
        "source": "OSCE Special Monitoring Mission to Ukraine", "via": ["ACLED"], "date": "2031-05-11",
        "place": "Mariupol", "region": "Donetsk", "type": "shelling", "actor": "Military Forces of Russia (2000-)",
        "victims": "civilians", "killed": "3", "published": None}
    # ACLED's timestamp is when ACLED last changed the row, not when a source published: not kept.
    assert shelling["note"].startswith("ACLED event UKR900101; Political violence")
    assert "1930000000" not in shelling["note"]
    assert shelling["parsed"]["origin"] == "OSCE SMM"
    battle = stored(sources, "acled:UKR900103:osce-smm")
    # A week (2031-06-11 ± 3 days); a battle names no side as the doer; 0 deaths reported is no figure.
    assert (battle["date"], battle["type"], battle["actor"], battle["victims"], battle["killed"]) == (
        "2031-06-08/2031-06-14", "armed clash", None, None, None)
    month = stored(sources, "acled:UKR900104:ukrinform")
    assert (month["date"], month["place"], month["lat"], month["region"]) == ("2031-06", None, None, "Kharkiv")
    assert [stored(sources, f"acled:UKR9001{n}")["type"] for n in ("06:osce-smm", "07:ukrainian-army",
                                                                   "11:osce-smm")] == [
        "air strike", "explosive", "explosive"]


def test_datasets_acled_older_export_with_numeric_actor_types(sources: Desk) -> None:
    old = {"data_id": 1, "iso": 804, "event_id_no_cnty": 1, "iso3": "UKR"}
    rows = [{k: v for k, v in (old | acled_row(f"UKR90020{n}", day, place, "OSCE SMM", 1, inter1=inter1,
                                               inter2=inter2, event_date=day)).items() if k in ACLED_OLD_COLUMNS}
            for n, day, place, inter1, inter2 in ((1, "02 March 2031", "Avdiivka", 8, 7),
                                                  (2, "16-March-2031", "Horlivka", 1, 0))]
    result = sources("import", "--format", "acled", sources.write("old.csv", csv_text(ACLED_OLD_COLUMNS, rows)))
    assert result.exit_code == 0, result.output
    # Inter 7 (civilians) makes actor 1 the doer; inter2 0 is no second actor.
    first, second = stored(sources, "acled:UKR900201:osce-smm"), stored(sources, "acled:UKR900202:osce-smm")
    assert (first["date"], first["actor"], first["victims"]) == ("2031-03-02", "Military Forces of Russia (2000-)",
                                                               "civilians")
    assert second["date"] == "2031-03-16"
    assert "Military Forces of Russia (2000-) (State forces)" in second["note"]


@pytest.mark.skipif(not REAL_UCDP.exists(), reason="the real UCDP rows are in ../shared/data beside the checkout")
def test_datasets_real_ucdp_rows_import(desk: Desk) -> None:
    lines = REAL_UCDP.read_text(encoding="utf-8").splitlines(keepends=True)
    # The header, and events 147997 (five AFP articles, one source_original) to 154413
    # ("Ukrainian regional interior mistry; MemoryBook (x2)").
    rows = [lines[0]] + [line for line in lines[1:] if line.startswith(("147997,", "149221,", "154413,"))]
    assert len(rows) == 4
    result = desk("import", "--format", "ucdp", desk.write("real.csv", "".join(rows)))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "real.csv: added 4, updated 0, already stored 0"
    interior = stored(desk, "ucdp:154413:ukrainian-regional-interior-mistry")
    memory = stored(desk, "ucdp:154413:memorybook")
    # 1/22/2014-style dates; Donetsk town; 4 deaths of side A (Government of Ukraine): combatants.
    assert (interior["date"], interior["place"], interior["killed"], interior["victims"], interior["published"]) == (
        "2014-07-03", "Donetsk town", "4", "combatants", "2014-07-03")
    assert memory["source"] == "MemoryBook" and memory["via"] == ["UCDP GED"]
    # Its source_date is 27/01/2014 (day first): published is read from the article's ISO date.
    assert stored(desk, "ucdp:149221:ukrainian-police")["published"] == "2014-01-27"



@pytest.mark.skipif(not REAL_UCDP.exists(), reason="the real UCDP rows are in ../shared/data beside the checkout")
def test_datasets_real_ucdp_file_reads_whole_month_first() -> None:
    # Its 4,376 dates are written 1/22/2014 12:00:00 AM: 2,773 can only be month first (1/22), none
    # only day first, 1,603 read both ways (7/3/2014): the file is month/day/year throughout.
    read = read_dataset_file(REAL_UCDP, DATASETS["ucdp"])
    assert (len(read.events), len(read.claims)) == (2188, 2255)
    july = [c for c in read.claims if c.raw["ref"].startswith("ucdp:154413:")]
    assert {(c.date.start, c.date.end) for c in july} == {(date(2014, 7, 3), date(2014, 7, 3))}

BAD_ROWS = {
    "date_prec": ({"date_prec": 9}, "field 'date_prec': expected a UCDP date precision code: 1 (exact day), 2 "
                  "(within 2-6 days), 3 (the week), 4 (within 8-30 days or the month), 5 (more than a month); got '9'"),
    # 3/32: no month 32, nor a day 32: no day in either order.
    "date_start": ({"date_start": "3/32/2031"}, "field 'date_start': is not a day of the calendar read either way "
                   "(month/day/year or day/month/year): expected a date such as 2014-01-22 or 1/22/2014, "
                   "got '3/32/2031'"),
    # UCDP's year column is the event's year: a day of another year is refused, whichever is wrong.
    "year": ({"date_start": "2030-03-02"}, "field 'date_start': is in 2030, but 'year' says 2031: expected a day "
             "of the event's year, got '2030-03-02'"),
    "best": ({"best": "many"}, "field 'best': expected a whole number of deaths, such as 0 or 12, got 'many'"),
    "latitude": ({"latitude": "95"}, "field 'latitude': expected decimal degrees between -90 and 90, got '95'"),
    "date_end": ({"date_end": "2031-03-01"}, "field 'date_end': is before date_start (2031-03-02); expected the "
                 "event's last possible day"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_datasets_bad_row_is_refused_whole_naming_file_line_and_column(sources: Desk, case: str) -> None:
    given, problem = BAD_ROWS[case]
    # Line 3: the second event; it lists two sources, and the problem is said once.
    rows = [UCDP_ROWS[0], ucdp_row(900001, "2031-03-02", "Avdiivka", "Ukrainian army; OSCE SMM", 2) | given]
    before = sources.dump()
    result = sources("import", "--format", "ucdp", sources.write("bad.csv", csv_text(UCDP_COLUMNS, rows)))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: bad.csv:3: {problem}\n" + REJECTED_ONE
    assert sources.dump() == before


def slash_file(desk: Desk, name: str, first: int, *days: str, **given: object) -> str:
    """A UCDP file of one event a day given (ids first, first + 1, ...; both its dates the day)."""
    rows = [ucdp_row(first + n, day, "Avdiivka", "OSCE SMM", 1, **given) for n, day in enumerate(days)]
    return desk.write(name, csv_text(UCDP_COLUMNS, rows))


def test_datasets_slash_dates_take_the_order_the_file_shows(sources: Desk) -> None:
    # 20/07/2031 can only be day first (there is no month 20): the file is day/month/year, and its
    # 3/4/2031 is 3 April. In the second file 7/21/2031 can only be month first: its 3/4 is 4 March.
    # ISO dates beside them say nothing of the order (the third event of each).
    for name, first, days, expected in (
            ("dmy.csv", 900501, ("20/07/2031", "3/4/2031 00:00", "2031-05-05"),
             ["2031-07-20", "2031-04-03", "2031-05-05"]),
            ("mdy.csv", 900601, ("7/21/2031 12:00:00 AM", "3/4/2031", "2031-05-05"),
             ["2031-07-21", "2031-03-04", "2031-05-05"])):
        result = sources("import", "--format", "ucdp", slash_file(sources, name, first, *days))
        assert result.exit_code == 0, result.output
        assert [stored(sources, f"ucdp:{first + n}:osce-smm")["date"] for n in range(3)] == expected


def test_datasets_slash_dates_in_both_orders_refuse_the_file(sources: Desk) -> None:
    # Line 2 can only be day first, line 3 only month first: one of them is misread whichever is
    # taken, so neither is; the other lines' dates are not said again.
    result = sources("import", "--format", "ucdp", slash_file(sources, "mixed.csv", 900501, "20/07/2031",
                                                              "7/21/2031", "3/4/2031"))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: mixed.csv:2: field 'date_start': '20/07/2031' can only be read day/month/year, but line 3, "
        "field 'date_start' ('7/21/2031') can only be read month/day/year: the file mixes both orders; expected "
        "one order throughout the file (nothing is guessed)\n" + REJECTED_ONE)
    # The order given does not make the file consistent: the date it contradicts is refused, twice
    # (date_start and date_end).
    result = sources("import", "--format", "ucdp", "--date-order", "mdy", "mixed.csv")
    assert result.exit_code == 2
    assert result.stderr == "".join(
        f"Error: mixed.csv:2: field '{column}': is not a day of the calendar read month/day/year (the order "
        "given): got '20/07/2031'\n" for column in ("date_start", "date_end")) + (
        "Rejected: 2 problems; nothing was written to the database.\n")
    assert not sources.query("SELECT count(*) FROM claims")[0][0]


def test_datasets_slash_dates_that_read_both_ways_need_the_order_given(sources: Desk) -> None:
    # 3/4/2031 and 12/11/2031 are days in either order; an ISO date says nothing of it: refused.
    name = slash_file(sources, "either.csv", 900501, "2031-05-05", "3/4/2031", "12/11/2031")
    before = sources.dump()
    result = sources("import", "--format", "ucdp", name)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: either.csv:3: field 'date_start': '3/4/2031' reads as 4 March 2031 (month/day/year) or 3 April "
        "2031 (day/month/year), and every date of the file written with slashes reads both ways: their order is "
        "unknown, and nothing is guessed; say which with --date-order mdy (month/day/year) or --date-order dmy "
        "(day/month/year)\n" + REJECTED_ONE)
    assert sources.dump() == before
    result = sources("import", "--format", "ucdp", "--date-order", "dmy", name)
    assert result.exit_code == 0, result.output
    assert [stored(sources, f"ucdp:{900501 + n}:osce-smm")["date"] for n in range(3)] == [
        "2031-05-05", "2031-04-03", "2031-11-12"]
    # The same rows with the other order given: the same two events, now 4 March and 11 December.
    result = sources("import", "--format", "ucdp", "--date-order", "mdy", "--json", name)
    assert (json.loads(result.stdout)["updated"], stored(sources, "ucdp:900502:osce-smm")["date"],
            stored(sources, "ucdp:900503:osce-smm")["date"]) == (2, "2031-03-04", "2031-12-11")


def test_datasets_slash_date_of_another_year_than_the_row_says(sources: Desk) -> None:
    # 7/21/2030 can only be month first; UCDP's year says 2031: refused on both dates.
    result = sources("import", "--format", "ucdp", slash_file(sources, "year.csv", 900501, "7/21/2030"))
    assert result.exit_code == 2
    assert result.stderr == "".join(
        f"Error: year.csv:2: field '{column}': is in 2030, but 'year' says 2031: expected a day of the event's "
        "year, got '7/21/2030'\n" for column in ("date_start", "date_end")) + (
        "Rejected: 2 problems; nothing was written to the database.\n")


def test_datasets_acled_slash_dates_and_the_date_order_option(sources: Desk) -> None:
    # ACLED's event_date re-saved by a spreadsheet: 5/25/2031 can only be month first, so 5/11 is 11 May.
    rows = [acled_row("UKR900201", "5/11/2031", "Mariupol", "OSCE SMM", 1),
            acled_row("UKR900202", "5/25/2031", "Kramatorsk", "OSCE SMM", 1)]
    result = sources("import", "--format", "acled", sources.write("slash.csv", csv_text(ACLED_COLUMNS, rows)))
    assert result.exit_code == 0, result.output
    assert [stored(sources, f"acled:UKR90020{n}:osce-smm")["date"] for n in (1, 2)] == ["2031-05-11", "2031-05-25"]
    # The option means nothing to the contract's files, whose dates are ISO: a usage error.
    result = sources("import", "--date-order", "dmy", sources.write_jsonl("c.jsonl", HAND_CODED))
    assert result.exit_code == 2
    assert "--date-order is for --format ucdp or acled" in result.stderr


def test_datasets_acled_problems_are_listed_together(sources: Desk) -> None:
    # Line 3's coded problems do not keep its latitude from being checked too.
    rows = [ACLED_ROWS[0] | {"inter1": "Soldiers"},
            ACLED_ROWS[1] | {"time_precision": 4, "source": " ; ", "latitude": 95}]
    result = sources("import", "--format", "acled", sources.write("bad.csv", csv_text(ACLED_COLUMNS, rows)))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: bad.csv:2: field 'inter1': expected an ACLED actor type: 1 or 'State forces', 2 or 'Rebel group', "
        "3 or 'Political militia', 4 or 'Identity militia', 5 or 'Rioters', 6 or 'Protesters', 7 or 'Civilians', "
        "8 or 'External/Other forces'; got 'Soldiers'\n"
        "Error: bad.csv:3: field 'time_precision': expected an ACLED time precision code: 1 (exact day), "
        "2 (the week), 3 (the month); got '4'\n"
        "Error: bad.csv:3: field 'source': is required: who ACLED coded the event from, ';' between sources\n"
        "Error: bad.csv:3: field 'latitude': expected decimal degrees between -90 and 90, got '95'\n"
        "Rejected: 4 problems; nothing was written to the database.\n")
    assert not sources.query("SELECT count(*) FROM claims")[0][0]


def test_datasets_row_with_a_coded_problem_has_its_other_problems_listed_too(sources: Desk) -> None:
    # Line 2: a date_prec no code, and a latitude out of range. Line 3: date_end before date_start
    # and the same latitude; the claim built without its dates is not said to lack a date.
    ucdp = [UCDP_ROWS[0] | {"date_prec": 9, "latitude": 95},
            UCDP_ROWS[1] | {"date_end": "2031-03-15", "latitude": 95}]
    result = sources("import", "--format", "ucdp", sources.write("bad.csv", csv_text(UCDP_COLUMNS, ucdp)))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: bad.csv:2: field 'date_prec': expected a UCDP date precision code: 1 (exact day), 2 (within 2-6 "
        "days), 3 (the week), 4 (within 8-30 days or the month), 5 (more than a month); got '9'\n"
        "Error: bad.csv:2: field 'latitude': expected decimal degrees between -90 and 90, got '95'\n"
        "Error: bad.csv:3: field 'date_end': is before date_start (2031-03-16); expected the event's last "
        "possible day\n"
        "Error: bad.csv:3: field 'latitude': expected decimal degrees between -90 and 90, got '95'\n"
        "Rejected: 4 problems; nothing was written to the database.\n")


def test_datasets_note_too_long_names_the_sources_column(sources: Desk) -> None:
    # The note lists every source of the event: what makes it long is the sources column, not the id.
    ucdp_note = (
        "UCDP GED event 900001 (UKR-2031-1-99999-900001); country_id 369 (Ukraine); state-based armed conflict: "
        "Government of Ukraine – DPR; date_prec 1 (exact day); where_prec 1 (exact location), where_description "
        "Avdiivka, Donetsk region, adm_2 Avdiivka raion; deaths best 2 (low 2, high 2); side A 0, side B 0, "
        "civilians 2, unknown 0; event_clarity 1; sources listed: Ukrainian army; OSCE SMM; MemoryBook")
    acled_note = (
        "ACLED event UKR900101; Political "
        "violence / Explosions/Remote violence / Shelling/artillery/missile attack; Military Forces of Russia "
        "(2000-) (External/Other forces) – Civilians (Ukraine) (Civilians); time_precision 1 (exact day), "
        "event_date 2031-05-11; geo_precision 1 (exact location), admin2 Mariupol; fatalities 3; source_scale "
        "National; sources listed: OSCE SMM; Ukrainian army")
    # Each note as written above: the problem gives its length (the rows' other fields are short).
    for dataset, columns, row, column, note in (
            ("ucdp", UCDP_COLUMNS, UCDP_ROWS[0] | {"source_original": "Ukrainian army; OSCE SMM; MemoryBook"},
             "source_original", ucdp_note),
            ("acled", ACLED_COLUMNS, ACLED_ROWS[0] | {"source": "OSCE SMM; Ukrainian army"}, "source", acled_note)):
        result = sources("import", "--format", dataset, "--max-text-chars", "300",
                         sources.write("long.csv", csv_text(columns, [row])))
        assert result.exit_code == 2
        assert result.stderr == (f"Error: long.csv:2: field '{column}': is {len(note)} characters long; at most 300\n"
                                 + REJECTED_ONE)


def test_datasets_file_of_the_other_dataset_is_refused(sources: Desk) -> None:
    result = sources("import", "--format", "acled", "ged.csv")
    assert result.exit_code == 2
    assert result.stderr == ("Error: ged.csv:1: is not an export of ACLED: the header row lacks 'event_id_cnty', "
                             "'event_date', 'time_precision', 'event_type', 'sub_event_type', 'actor1', 'actor2', "
                             "'admin1', 'location', 'geo_precision', 'source', 'fatalities'\n" + REJECTED_ONE)


def test_datasets_reimport_updates_changed_events_and_lists_those_gone_upstream(sources: Desk) -> None:
    assert sources("import", "--format", "acled", "acled.csv").exit_code == 0
    ids = {c["ref"]: c["id"] for c in sources.claims()}
    newer = [row | {"fatalities": 5, "timestamp": 1930100000} if row["event_id_cnty"] == "UKR900102" else
             row | {"source": "OSCE SMM"} if row["event_id_cnty"] == "UKR900108" else row
             for row in ACLED_ROWS if row["event_id_cnty"] != "UKR900107"]
    result = sources("import", "--format", "acled", sources.write("newer.csv", csv_text(ACLED_COLUMNS, newer)))
    assert result.exit_code == 0, result.output
    # 14 claims before; UKR900107 (1 claim) deleted upstream, UKR900108 no longer lists the army:
    # 12 given again, two of them changed: UKR900102 (5 killed) and the OSCE's claim of UKR900108
    # (its note lists the event's sources).
    gone, dropped = ids["acled:UKR900107:ukrainian-army"], ids["acled:UKR900108:ukrainian-army"]
    assert result.stdout == (
        "newer.csv: added 0, updated 2, already stored 10\n"
        "Unregistered sources (kept, but never counted as independent corroboration; register them with "
        "`reconcile sources add`):\n  - Local administration\n"
        "Deleted upstream (2 claims that an earlier export of ACLED gave and this one does not, in the countries "
        "and months it covers; kept, see them with `reconcile claims`):\n"
        f"  - claim {gone} (Armed Forces of Ukraine): event UKR900107 no longer in the export\n"
        f"  - claim {dropped} (Armed Forces of Ukraine): event UKR900108 no longer lists this source\n")
    assert stored(sources, "acled:UKR900102:ministry-of-defence-of-ukraine")["killed"] == "5"
    assert len(sources.claims()) == 14                                   # listed, not deleted
    data = json.loads(sources("import", "--format", "acled", "--json", "newer.csv").stdout)
    assert (data["updated"], data["unchanged"], data["format"]) == (0, 12, "acled")
    assert data["deleted_upstream"] == [
        {"claim_id": gone, "ref": "acled:UKR900107:ukrainian-army", "source": "Armed Forces of Ukraine",
         "event": "UKR900107", "reason": "event no longer in the export"},
        {"claim_id": dropped, "ref": "acled:UKR900108:ukrainian-army", "source": "Armed Forces of Ukraine",
         "event": "UKR900108", "reason": "event no longer lists this source"}]


def test_datasets_export_of_other_dates_lists_nothing_as_deleted(sources: Desk) -> None:
    # An export of other dates (or, for ACLED, another country) says nothing of these events.
    assert sources("import", "--format", "acled", "acled.csv").exit_code == 0
    later = [acled_row("UKR900301", "2033-01-01", "Avdiivka", "OSCE SMM", 1)]
    other = [acled_row("RUS900401", "2031-05-11", "Avdiivka", "OSCE SMM", 1)]
    for name, rows in (("later.csv", later), ("other.csv", other)):
        data = json.loads(sources("import", "--format", "acled", "--json",
                                  sources.write(name, csv_text(ACLED_COLUMNS, rows))).stdout)
        assert (data["added"], data["deleted_upstream"]) == (1, [])


def deleted(desk: Desk, name: str, columns: list[str], rows: list[dict], dataset: str) -> dict[str, str]:
    """The claims an import of these rows lists as deleted upstream: ref -> reason."""
    result = desk("import", "--format", dataset, "--json", desk.write(name, csv_text(columns, rows)))
    assert result.exit_code == 0, result.output
    return {m["ref"]: m["reason"] for m in json.loads(result.stdout)["deleted_upstream"]}


def test_datasets_ucdp_file_of_another_country_lists_nothing_as_deleted(sources: Desk) -> None:
    # UCDP's ids say no country: its country_id does (369 Ukraine, 365 Russia). A file of Russia's
    # events over the same months as ged.csv (March to September 2031) says nothing of Ukraine's.
    assert sources("import", "--format", "ucdp", "ged.csv").exit_code == 0
    russia = [ucdp_row(event, day, "Avdiivka", "OSCE SMM", 1, country="Russia (Soviet Union)", country_id=365)
              for event, day in ((900701, "2031-03-02"), (900702, "2031-09-28"))]
    assert deleted(sources, "russia.csv", UCDP_COLUMNS, russia, "ucdp") == {}


def test_datasets_ucdp_file_lists_as_deleted_only_in_the_months_it_covers(sources: Desk) -> None:
    # A file holding 900001 (2 March) and a new event of 21 September covers Ukraine's March and
    # September 2031: of ged.csv's events it lacks, those of March (900002, two sources, and
    # 900003) and September (900011, 900012) are listed; April to August (900004-900010) are not,
    # though they lie between its first and last day.
    assert sources("import", "--format", "ucdp", "ged.csv").exit_code == 0
    rows = [UCDP_ROWS[0], ucdp_row(900013, "2031-09-21", "Sloviansk", "OSCE SMM", 1)]
    gone = "event no longer in the export"
    assert deleted(sources, "partial.csv", UCDP_COLUMNS, rows, "ucdp") == {
        "ucdp:900002:ukrainian-army": gone, "ucdp:900002:osce-smm": gone,
        "ucdp:900003:peoples-militia-of-the-dpr": gone, "ucdp:900011:osce-smm": gone,
        "ucdp:900012:ukrainian-army": gone}


def test_datasets_acled_back_filled_event_does_not_stretch_what_is_listed(sources: Desk) -> None:
    # An ACLED update with UKR900112 (18 January 2032) and an event back-filled into May 2031 covers
    # Ukraine's May 2031 and January 2032: listed are May's UKR900101 (11 May) and UKR900102 (25 May)
    # and January's UKR900111 (4 January); June to December 2031 are not (UKR900103, a week around
    # 11 June, is filed under June; UKR900104 is the month of June).
    assert sources("import", "--format", "acled", "acled.csv").exit_code == 0
    rows = [ACLED_ROWS[-1], acled_row("UKR900199", "2031-05-20", "Mariupol", "OSCE SMM", 1)]
    gone = "event no longer in the export"
    assert deleted(sources, "update.csv", ACLED_COLUMNS, rows, "acled") == {
        "acled:UKR900101:osce-special-monitoring-mission-to-ukraine": gone,
        "acled:UKR900102:ministry-of-defence-of-ukraine": gone, "acled:UKR900111:osce-smm": gone}


def test_datasets_scope_of_a_claim_reads_its_country_and_month() -> None:
    day = date(2031, 3, 30)
    # UCDP: the country the note gives right after the event, the month of date_start.
    assert _scope_of("ucdp", "ucdp:1:x", "UCDP GED event 1 (UKR-1); country_id 369 (Ukraine); state-based",
                     day, date(2031, 4, 2)) == ("369", "2031-03")
    assert _scope_of("ucdp", "ucdp:1:x", "UCDP GED event 1; country DR Congo (Zaire); one-sided", day, day) == (
        "DR Congo (Zaire)", "2031-03")
    # A note written before notes gave the country: not known (the month alone decides).
    assert _scope_of("ucdp", "ucdp:1:x", "UCDP GED event 1 (UKR-1); state-based armed conflict: A – B", day,
                     day) == (None, "2031-03")
    # ACLED: the letters of the event id; the middle of the claim's dates (a week of 30 March to
    # 5 April is ACLED's 2 April: April).
    assert _scope_of("acled", "acled:UKR9:osce-smm", None, day, date(2031, 4, 5)) == ("UKR", "2031-04")


def test_datasets_dry_run_lists_but_writes_nothing(sources: Desk) -> None:
    assert sources("import", "--format", "ucdp", "ged.csv").exit_code == 0
    before = sources.dump()
    result = sources("import", "--format", "ucdp", "--dry-run", sources.write("one.csv", csv_text(
        UCDP_COLUMNS, UCDP_ROWS[:1] + UCDP_ROWS[2:])))
    assert result.exit_code == 0
    assert "event 900002 no longer in the export" in result.stdout
    assert sources.dump() == before


def test_datasets_outlets_a_dataset_cites_are_no_origin(sources: Desk) -> None:
    # A dataset names the outlets it read, not always whom they quoted. Worked out by hand:
    # - ACLED UKR900201 lists two outlets only (Ukrinform, Reuters News: media, no parent): no
    #   origin at all, unverified, the reason naming both as outlets the dataset cites.
    # - UKR900202 lists Reuters News beside the OSCE SMM: one origin, the mission's: unverified.
    # - UKR900203 lists MemoryBook (an NGO, not an outlet) beside the army: two origins, verified.
    # - UCDP 900301 names no original source; its offices are Reuters News and Ukrinform: outlets
    #   UCDP read, no origin: unverified.
    rows = [acled_row("UKR900201", "2032-01-04", "Sloviansk", "Ukrinform; Reuters News", 1),
            acled_row("UKR900202", "2032-01-18", "Bakhmut", "Reuters News; OSCE SMM", 2),
            acled_row("UKR900203", "2032-02-01", "Mariupol", "MemoryBook; Ukrainian army", 1)]
    result = sources("import", "--format", "acled", sources.write("outlets.csv", csv_text(ACLED_COLUMNS, rows)))
    assert result.exit_code == 0, result.output
    ged = [ucdp_row(900301, "2032-03-07", "Kramatorsk", "", 1, source_office="Reuters News;Ukrinform", year=2032)]
    result = sources("import", "--format", "ucdp", sources.write("office.csv", csv_text(UCDP_COLUMNS, ged)))
    assert result.exit_code == 0, result.output
    assert sources("run").exit_code == 0
    found = json.loads(sources("events", "--json").stdout)
    by_refs = {tuple(sorted(c["ref"] for c in e["claims"])): e for e in found}
    both = by_refs[("acled:UKR900201:reuters-news", "acled:UKR900201:ukrinform")]
    assert both["status"] == "unverified" and both["origins"] == []
    assert both["reason"].startswith("no known origin asserts it; not counted (outlets a dataset cites, whose "
                                     "source is not named): Reuters News and Ukrinform")
    mission = by_refs[("acled:UKR900202:osce-smm", "acled:UKR900202:reuters-news")]
    assert (mission["status"], mission["origins"]) == ("unverified", ["OSCE SMM"])
    ngo = by_refs[("acled:UKR900203:memorybook", "acled:UKR900203:ukrainian-army")]
    assert (ngo["status"], ngo["origins"]) == ("independently_verified", ["Government of Ukraine", "MemoryBook"])
    office = by_refs[("ucdp:900301:office:reuters-news", "ucdp:900301:office:ukrinform")]
    assert (office["status"], office["origins"]) == ("unverified", [])


def test_datasets_an_outlet_registered_later_stops_counting(sources: Desk) -> None:
    # The review's case: ACLED row "Kyiv Post; Ministry of Defence of Ukraine", Kyiv Post not yet
    # registered (unregistered: never counted) -> unverified. Registered afterwards as media (its
    # own origin), it must still not count: the rule is read when grading, not when importing.
    rows = [acled_row("UKR900401", "2032-04-04", "Sloviansk", "Kyiv Post; Ministry of Defence of Ukraine", 1)]
    assert sources("import", "--format", "acled", sources.write("later.csv", csv_text(ACLED_COLUMNS, rows))).exit_code == 0
    assert sources("run").exit_code == 0
    assert sources("sources", "add", "Kyiv Post", "--kind", "media").exit_code == 0
    assert sources("run").exit_code == 0
    (event,) = [e for e in json.loads(sources("events", "--json").stdout)
                if {c["ref"] for c in e["claims"]} == {"acled:UKR900401:kyiv-post",
                                                       "acled:UKR900401:ministry-of-defence-of-ukraine"}]
    assert (event["status"], event["origins"]) == ("unverified", ["Government of Ukraine"])
    assert "not counted (outlets a dataset cites, whose source is not named): Kyiv Post" in event["reason"]


def test_datasets_acled_recode_of_the_timestamp_alone_changes_nothing(sources: Desk) -> None:
    # ACLED's timestamp moves whenever ACLED touches a row; a newer export differing only there
    # gives the same claims: nothing updated, no event re-decided.
    assert sources("import", "--format", "acled", "acled.csv").exit_code == 0
    assert sources("run").exit_code == 0
    versions = sources.query("SELECT id, version FROM events ORDER BY id")
    touched = [row | {"timestamp": 1940000000} for row in ACLED_ROWS]
    result = sources("import", "--format", "acled", sources.write("touched.csv", csv_text(ACLED_COLUMNS, touched)))
    assert result.stdout.startswith("touched.csv: added 0, updated 0, already stored 14\n"), result.stdout
    assert sources("run").exit_code == 0
    assert sources.query("SELECT id, version FROM events ORDER BY id") == versions


# Files wrong as a whole, or in their shape, refused alike read whole or streamed; problems in
# the order of the lines (a record's number of values among the rows' own problems).
_HEADER = ",".join(UCDP_COLUMNS)
BAD_FILES = {
    "empty": ("", ["Error: bad.csv: is empty; expected an export of UCDP GED with a header row"]),
    "header only": (_HEADER + "\n", ["Error: bad.csv: holds no events"]),
    "a column twice": (_HEADER + ",best\n", ["Error: bad.csv:1: field 'best': is a column twice in the header "
                                              "row; name each column once"]),
    "values and a row's problem": (
        csv_text(UCDP_COLUMNS, [UCDP_ROWS[0], ucdp_row(900002, "2031-03-16", "Horlivka", "OSCE SMM", 1,
                                                       date_prec=9)]) + "1,2,3\n",
        ["Error: bad.csv:3: field 'date_prec': expected a UCDP date precision code: 1 (exact day), 2 (within 2-6 "
         "days), 3 (the week), 4 (within 8-30 days or the month), 5 (more than a month); got '9'",
         "Error: bad.csv:4: has 3 values; the header has 49 columns"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_datasets_a_file_wrong_as_a_whole_is_refused(sources: Desk, case: str) -> None:
    text, errors = BAD_FILES[case]
    before = sources.dump()
    result = sources("import", "--format", "ucdp", sources.write("bad.csv", text))
    assert result.exit_code == 2
    n = len(errors)
    assert result.stderr == "\n".join(errors) + (
        f"\nRejected: {n} problem{'s' if n > 1 else ''}; nothing was written to the database.\n")
    assert sources.dump() == before


def test_datasets_a_file_changed_between_its_two_readings_gives_nothing(tmp_path: Path) -> None:
    from reconciler.datasets import DatasetStream
    from reconciler.limits import Limits

    path = tmp_path / "ged.csv"
    path.write_text(csv_text(UCDP_COLUMNS, UCDP_ROWS[:3]), encoding="utf-8")
    stream = DatasetStream(path, DATASETS["ucdp"], Limits(), None)
    problems: list = []
    stream.first_reading(problems)
    assert problems == []
    # Cut to one row (as a download still being written, or written again) before the claims are read.
    path.write_text(csv_text(UCDP_COLUMNS, UCDP_ROWS[:1]), encoding="utf-8")
    list(stream.claims(problems))
    assert [(p.line, p.message) for p in problems] == [(None, (
        "changed while it was read (it is read twice, the second time for its claims); nothing was taken from it; "
        "import it again"))]
