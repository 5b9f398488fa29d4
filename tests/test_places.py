"""Place names across scripts and spellings resolved to one comparable key."""

from __future__ import annotations

import pytest

from reconciler.places import NormalisedPlace, PlaceNormaliser, place_key, place_similarity


@pytest.fixture(scope="module")
def normaliser() -> PlaceNormaliser:
    return PlaceNormaliser()


AVDIIVKA_SPELLINGS = [
    "Avdiivka",  # Ukrainian, official romanisation
    "Avdeevka",  # from Russian
    "Avdiyivka",  # GeoNames
    "Awdijiwka",  # German
    "Авдіївка",  # Ukrainian Cyrillic
    "Авдеевка",  # Russian Cyrillic
    "near the village of Avdiivka",
    "Avdiivka, Donetsk region",
]


def test_place_normaliser_resolves_every_avdiivka_spelling_to_one_place(normaliser: PlaceNormaliser) -> None:
    places = [normaliser.normalise(text) for text in AVDIIVKA_SPELLINGS]
    assert {place.key for place in places} == {places[0].key}
    assert places[0].method == "gazetteer"
    assert places[0].key == f"geonames:{places[0].geonameid}"
    # Avdiivka lies at about 48.14 N, 37.75 E (north of Donetsk).
    assert places[0].lat == pytest.approx(48.14, abs=0.05)
    assert places[0].lon == pytest.approx(37.75, abs=0.05)


@pytest.mark.parametrize(
    "a, b",
    [("Kiev", "Kyiv"), ("Lugansk", "Luhansk"), ("Artemivsk", "Bakhmut"), ("north of Donetsk", "Donetsk"),
     ("5 km north of Donetsk", "Donetsk"), ("Київ", "Kyiv")],
)
def test_place_normaliser_treats_other_names_as_one_place(normaliser: PlaceNormaliser, a: str, b: str) -> None:
    first, second = normaliser.normalise(a), normaliser.normalise(b)
    assert first.key == second.key
    assert first.key.startswith("geonames:")


def test_place_normaliser_keeps_different_towns_apart(normaliser: PlaceNormaliser) -> None:
    keys = {normaliser.normalise(name).key for name in ("Kyiv", "Donetsk", "Luhansk", "Bakhmut", "Avdiivka")}
    assert len(keys) == 5


def test_place_normaliser_kyiv_is_the_capital(normaliser: PlaceNormaliser) -> None:
    kyiv = normaliser.normalise("Kiev")
    # Kyiv lies at about 50.45 N, 30.52 E.
    assert (kyiv.lat, kyiv.lon) == (pytest.approx(50.45, abs=0.05), pytest.approx(30.52, abs=0.05))


def test_place_normaliser_unknown_place_keeps_cleaned_text(normaliser: PlaceNormaliser) -> None:
    assert normaliser.normalise("near the village of Xyzzyville") == NormalisedPlace(
        "xyzzyville", "xyzzyville", method="text", names=("xyzzyville",)
    )


@pytest.mark.parametrize("text", [None, "", "   ", "near the", "5 km north of"])
def test_place_normaliser_empty_or_positional_gives_no_key(normaliser: PlaceNormaliser, text: str | None) -> None:
    assert normaliser.normalise(text) == NormalisedPlace(None, None)


@pytest.mark.parametrize(
    "text, key",
    [
        ("near the village of Avdiivka", "avdiivka"),
        ("5 km north of Donetsk", "donetsk"),
        ("Avdiivka industrial zone", "avdiivka"),
        ("  KYIV  ", "kyiv"),
        ("Мар'їнка", "marinka"),
        ("", None),
        ("north of", None),
    ],
)
def test_place_key_strips_positional_words(text: str, key: str | None) -> None:
    assert place_key(text) == key


@pytest.mark.parametrize(
    "a, b, similarity",
    [("geonames:1", "geonames:1", 1.0), ("geonames:1", "geonames:2", 0.0), (None, "geonames:1", None),
     ("xyz", None, None), ("abcd", "abcd", 1.0)],
)
def test_place_similarity_compares_keys(a: str | None, b: str | None, similarity: float | None) -> None:
    assert place_similarity(a, b) == similarity


def test_place_normaliser_coordinates_alone_take_the_nearest_place(normaliser: PlaceNormaliser) -> None:
    # GeoNames puts Avdiyivka (713122) at 48.14019 N, 37.75008 E; this point is ~0.09 km from it
    # (0.00079° of latitude ≈ 0.088 km, 0.00038° of longitude at 48° N ≈ 0.028 km).
    place = normaliser.normalise(None, 48.1394, 37.7497)
    assert (place.key, place.label, place.method) == ("geonames:713122", "Avdiyivka", "coordinates")
    assert place.similarity == pytest.approx(0.092, abs=0.002)   # the distance in km


def test_place_normaliser_coordinates_far_from_any_place_give_no_place(normaliser: PlaceNormaliser) -> None:
    # The open Black Sea, over 5 km from any populated place.
    assert normaliser.normalise(None, 45.0, 30.0) == NormalisedPlace(None, None)


def test_place_normaliser_a_name_wins_over_coordinates(normaliser: PlaceNormaliser) -> None:
    # Coordinates near Donetsk (48.0 N, 37.8 E) do not turn a named Avdiivka into Donetsk.
    place = normaliser.normalise("Avdiivka", 48.0, 37.8)
    assert (place.key, place.method) == ("geonames:713122", "gazetteer")


@pytest.mark.parametrize("text, region", [
    # The oblast in English, Ukrainian (adjective and "-щина" forms) and Russian.
    ("Donetsk oblast", "UA.05"), ("the Donetsk region", "UA.05"), ("Донецька область", "UA.05"),
    ("Донеччина", "UA.05"), ("Донецкая обл.", "UA.05"),
    ("Харківська область", "UA.07"), ("Харьковская область", "UA.07"),   # not the village Kharkivka
    ("Запорізька область", "UA.26"), ("Херсонщина", "UA.08"), ("Луганская область", "UA.14"),
    ("Київська область", "UA.13"), ("Крим", "UA.11"), ("Volyn oblast", "UA.24"),   # centres: Lutsk, Simferopol
    ("Белгородская область", "RU.09"), ("Kursk oblast", "RU.41"),
    ("Avdiivka", None), ("somewhere in the east", None), ("", None), (None, None),
    ("в Донецкой области", "UA.05"), ("north of Donetsk oblast", "UA.05"), ("Хмельниччина", "UA.09"),
    ("Автономна Республіка Крим", "UA.11"), ("Sevastopol", "UA.11"), ("м. Київ", "UA.13"), ("Kharkiv", "UA.07"),
    # Never a guess: a district named after another place, a village named after a region's
    # centre, two regions, a word that only starts like one.
    ("Дніпровський район Херсона", None), ("Киевский район Донецка", None), ("Mykolaivka", None),
    ("Kharkiv and Donetsk oblasts", None), ("Summit", None),
    ("Bilhorod-Dnistrovskyi district, Odesa oblast", "UA.17"), ("Krymskyi district, Krasnodar krai", "RU.38"),
    # Two regions, a river, a town named after a region: unknown. A village before its oblast:
    # the oblast. The whole text a name of the centre: the centre's region.
    ("Донецька та Луганська області", None), ("Донецкая и Луганская области", None),
    ("Siverskyi Donets river", None), ("Bilhorod-Dnistrovskyi", None),
    ("Mykolaivka, Donetsk oblast", "UA.05"), ("Kharkivka, Sumy oblast", "UA.21"),
    ("Запорожье", "UA.26"), ("Ровно", "UA.19"), ("Прикарпаття", "UA.06"), ("Mykolaiv", "UA.16"),
])
def test_region_named_across_languages(normaliser: PlaceNormaliser, text: str | None, region: str | None) -> None:
    assert normaliser.gazetteer.region_named(text) == region


def test_region_of_a_claim(normaliser: PlaceNormaliser) -> None:
    avdiivka = normaliser.normalise("Авдіївка")
    # A place's own oblast wins over what the region field says.
    assert normaliser.region(avdiivka, "Авдіївка", "Kharkiv oblast") == "UA.05"
    # Kyiv city is a division of its own in GeoNames; as a region it is Kyiv oblast.
    assert normaliser.region(normaliser.normalise("Kyiv"), "Kyiv", None) == "UA.13"
    # No place: the region field, or the part of an unresolved place after a comma.
    nowhere = normaliser.normalise(None)
    assert normaliser.region(nowhere, None, "Донеччина") == "UA.05"
    unknown = normaliser.normalise("Hill 203, Luhansk region")
    assert unknown.geonameid is None
    assert normaliser.region(unknown, "Hill 203, Luhansk region", None) == "UA.14"
    assert normaliser.region(nowhere, None, None) is None
    assert normaliser.gazetteer.region_label("UA.05") == "Donetsk oblast"


def test_place_normaliser_region_chooses_among_towns_of_one_name(normaliser: PlaceNormaliser) -> None:
    # Seventeen places are called Novoselivka; one of them is in Zaporizhzhia oblast.
    found = normaliser.normalise("Novoselivka", region="Запорізька область")
    assert normaliser.gazetteer.region_of(found.geonameid) == "UA.26"
    assert normaliser.normalise("Novoselivka", region="Odesa oblast").geonameid != found.geonameid
