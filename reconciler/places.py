"""Places as written, across scripts and spellings: which places they could be.

A place as written is read in two steps.

**Reading the text** (:func:`read_place`). Names of places are told from the words around
them ("near the village of", "district", "airport"; ``reconciler/data/place_words.yaml``), by
their capital letters where the text has any (so that "Krasna Talivka border post" is one
name, not the village Krasna), and sorted by what they do:

- the **names** the place is about: the first name ("near the village of Hranitne"), both sides
  of "Kiev/Kyiv" or "Zolotoe and Gorske", every item of a list after a colon ("Donetsk region: 3
  in Bakhmut, 2 in Toretsk");
- **regions** ("Donetsk region", "Луганська обл."): only the oblast's places;
- **districts** ("(Volnova district)", "Shakhtarskyi district", "Stepnoe in the Volnovakha
  region"): only places within ``DISTRICT_KM`` of the district's centre, a town the district is
  named after;
- **reference places** ("Pisky near Donetsk", "Oktyabrske village, 20 km from Kramatorsk",
  "Sartana, Mariupol", a second description after ";"): only places within ``REFERENCE_KM`` (or
  the distance given, plus ``REFERENCE_MARGIN_KM``) of them.

**Resolving** (:class:`PlaceNormaliser`). Each name is looked up among every alternate name of
the gazetteer (``reconciler.gazetteer``: Avdiivka, Avdeevka, Awdijiwka, Авдіївка and Авдеевка
all name GeoNames 713122), in the nominative if it is inflected ("біля Мар'їнки"), else by a
fuzzy look-up (rapidfuzz, similarity ≥ 90). A name may fit several places (seventeen villages
are called Novoselivka): all of them are kept as the claim's **candidates**, narrowed by the
qualifiers above (a narrowing that would leave none is not applied), and to the regions the desk
covers (``regions.yaml``) when any candidate lies there. Matching compares candidate sets, never
one arbitrary pick: "Pisky" and "Піски (Yasynuvata district)" may be one place. The candidate
shown (``label``) is the one whose own name is closest to the text, else the most populous.
Coordinates given with a claim pick the nearest candidate; with no name, the nearest populated
place within ``COORDINATES_KM``. A text no gazetteer knows keeps its cleaned words as its key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from rapidfuzz import fuzz

from .datafiles import load
from .gazetteer import Gazetteer, GazetteerPlace, distance_km, region_label, shared_gazetteer
from .translit import ascii_key

__all__ = ["ascii_key", "place_key", "place_similarity", "read_place", "region_label", "NormalisedPlace",
           "PlaceNormaliser", "PlaceReading"]

COORDINATES_KM = 5.0       # a claim with coordinates but no place name takes the nearest place this close
DISTRICT_KM = 40.0         # a district's places lie this close to the town it is named after
REFERENCE_KM = 30.0        # "Pisky near Donetsk": Pisky lies this close to Donetsk
REFERENCE_MARGIN_KM = 5.0  # "20 km from Kramatorsk": within 20 × 1.5 + 5 = 35 km of it (reported distances
REFERENCE_SLACK = 1.5      # are rough: UCDP's "20 km from Kramatorsk" is Shakhove, 34 km from its centre)
CERTAIN_POPULATION = 10000  # a qualifier naming a town this large places the place for certain

_DISTANCE = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(?:km|kilometres?|kilometers?|kilometrov|kilometriv|kilometra)\b")
_SPELLED_DISTANCE = re.compile(r"\b(?:several|a few|few|some)\s+(?:km|kilometres?|kilometers?|miles?)\b")


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    data = load("place_words")
    words = {name: frozenset(values) for name, values in data.items()}
    words["skip"] = words["positional"] | words["function_words"] | words["settlement"]
    words["not_name"] = words["skip"] | words["district"] | words["features"]
    return words


def place_key(text: str | None) -> str | None:
    """The cleaned words of a place as written (positional, settlement and small words dropped),
    or None for an empty or purely positional text. A place no gazetteer knows is compared by it."""
    if not text or not text.strip():
        return None
    key = _SPELLED_DISTANCE.sub(" ", _DISTANCE.sub(" ", ascii_key(text)))
    skip = _words()["skip"] | _words()["district"] | {"oblast", "oblasti", "obl", "region", "province"}
    key = " ".join(w for w in key.split() if w not in skip and not w.isdigit())
    return key or None


# --- reading the text ------------------------------------------------------------------------

@dataclass
class PlaceReading:
    """What a place as written says, before any look-up (see :func:`read_place`)."""

    names: list[str] = field(default_factory=list)        # the places it is about (ASCII keys)
    regions: list[str] = field(default_factory=list)      # phrases naming a region ("donetsk region")
    districts: list[str] = field(default_factory=list)    # district names ("volnovakha", "shakhtarskyi")
    references: list[tuple[str, float]] = field(default_factory=list)   # (name, km): places that locate it
    later: list[str] = field(default_factory=list)         # names of a second description (after ";"):
                                                            # also where it may have happened


_SEGMENTS = re.compile(r";|\.\s+(?=[A-ZА-ЯІЇЄҐ])|\n")
_HEADER = re.compile(r":|\s[—–-]\s")
_PARENS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_QUALIFIED = re.compile(r"[,;:(\[]")
_PLAIN = re.compile(r"[,;:()\[\]/—–]|\s-\s")   # what a plain name never holds
_CONJUNCTIONS = frozenset({"and", "ta", "i", "y", "ili", "or", "abo", "und", "et"})


def read_place(text: str, known: Callable[[str], bool] | None = None) -> PlaceReading:
    """Read a place as written into names, regions, districts and reference places.

    "near the village of Hranitne (Volnova district), Donetsk region" → names ['hranitne'],
    districts ['volnova'], regions ['donetsk region']; "Donetsk region: 3 in Bakhmut, 2 in
    Toretsk" → names ['bakhmut', 'toretsk'], regions ['donetsk region']; "Pisky near Donetsk" →
    names ['pisky'], references [('donetsk', REFERENCE_KM)]. ``known`` (a gazetteer's test for a
    name) lets a name take in the words a gazetteer knows it by ("Zaliznyi Port", "Bakynskyi
    kvartal") and drop the feature words it does not ("Donetsk International airport").
    """
    return _read_place(text, known)


@lru_cache(maxsize=65536)
def _read_place(text: str, known: Callable[[str], bool] | None) -> PlaceReading:
    reading = PlaceReading()
    cased = any(ch.isupper() for ch in text)
    qualifiers = [a or b for a, b in _PARENS.findall(text)]
    body = _PARENS.sub(" , ", text)
    for segment in (s for s in _SEGMENTS.split(body) if s.strip()):
        parts = _HEADER.split(segment, maxsplit=1)
        if len(parts) == 2 and parts[1].strip():
            # "Donetsk region: 3 in Bakhmut, 2 in Toretsk": a heading, then a list of places.
            _qualifier(parts[0], cased, known, reading)
            _primary(parts[1], cased, True, known, reading)
        else:
            primary, *more = segment.split(",")
            _primary(primary, cased, False, known, reading)
            for part in more:
                _qualifier(part, cased, known, reading)
    for part in qualifiers:
        _qualifier(part, cased, known, reading)
    if not reading.names and reading.references:
        # A landmark named by its kind alone, located by a place ("MH17 crash site, near
        # Hrabove"): the place that locates it is where it is.
        name, _km = reading.references.pop(0)
        reading.names.append(name)
    return reading


def _primary(phrase: str, cased: bool, listed: bool, known, reading: PlaceReading) -> None:
    """The names a primary phrase is about; its other names become qualifiers."""
    names: list[str] = []
    for item in (phrase.split(",") if listed else [phrase]):
        for side in _split_conjunctions(item):
            first = True
            for run, before, after in _runs(side, cased, known):
                role = _role(before, after)
                if role in ("district", "region"):
                    _add_marked(run, role, after, reading)
                elif first or (listed and role != "reference"):
                    names.append(run)
                    first = False
                else:
                    reading.references.append((run, _reference_km(before)))
    if reading.names:
        # A second description (after ";"): the same place told again, or the place beside it
        # ("checkpoint in Volnovakha; near the village of Blahodatne"): either may be meant.
        reading.later.extend(names)
    else:
        reading.names.extend(names)


def _qualifier(phrase: str, cased: bool, known, reading: PlaceReading) -> None:
    """A phrase that narrows where the place is: a region, a district or a reference place."""
    key = ascii_key(phrase)
    if not key:
        return
    runs = _runs(phrase, cased, known)
    if not runs and any(w in _region_markers() for w in key.split()):
        reading.regions.append(key)
        return
    for run, before, after in runs:
        role = _role(before, after)
        if role in ("district", "region"):
            _add_marked(run, role, after, reading)
        else:
            reading.references.append((run, _reference_km(before)))


def _add_marked(run: str, role: str, after: list[str], reading: PlaceReading) -> None:
    if role == "region":
        reading.regions.append(f"{run} {after[0]}")
    else:
        reading.districts.append(run)


def _split_conjunctions(phrase: str) -> list[str]:
    """'Zolotoe and Gorske' → ['Zolotoe', 'Gorske']; 'Kiev/Kyiv city' → ['Kiev', 'Kyiv city']."""
    sides = []
    for part in phrase.split("/"):
        current: list[str] = []
        for word in part.split():
            if _ascii(word) in _CONJUNCTIONS and current:
                sides.append(" ".join(current))
                current = []
            else:
                current.append(word)
        if current:
            sides.append(" ".join(current))
    return sides


def _runs(phrase: str, cased: bool, known) -> list[tuple[str, list[str], list[str]]]:
    """The names in a phrase, each with up to four words before it and the words after it (ASCII).

    A name is a run of words that are not the place words of ``place_words.yaml``; in a text
    with capital letters, only capitalised words start or continue one (with the small words
    inside a hyphenated name, "Rostov-on-Don"), so that "border post" never joins a name.
    """
    words: list[tuple[str, bool]] = []   # (ascii word, may be part of a name)
    for chunk in phrase.split():
        letter = next((ch for ch in chunk if ch.isalpha()), "")
        capital = letter.isupper() or not cased
        for part in _ascii(chunk).split():
            words.append((part, capital and not part.isdigit()))
    not_name = _words()["not_name"]
    runs, i = [], 0
    while i < len(words):
        if not words[i][1] or (not cased and words[i][0] in not_name):
            i += 1
            continue
        j = i
        while j < len(words) and words[j][1] and not (not cased and words[j][0] in not_name):
            j += 1
        run = [w for w, _ in words[i:j]]
        rest = [w for w, _ in words[j:]]
        name, lead, used = _name_of(run, rest, known)
        if name and len(name) >= 3:   # the gazetteer knows no shorter name ("IL-76": not a place "il")
            runs.append((name, [w for w, _ in words[max(0, i + lead - 4):i + lead]], rest[used:]))
        i = j + used
    return runs


def _name_of(run: list[str], rest: list[str], known) -> tuple[str | None, int, int]:
    """The name a run of words gives, how many of its first words are not part of it, and how
    many of the words after it the name took in."""
    not_name = _words()["not_name"]
    if known is not None:
        for extra in (2, 1):
            if len(rest) >= extra and all(w.isalpha() and w not in _words()["function_words"]
                                          for w in rest[:extra]):
                key = " ".join(run + rest[:extra])
                if known(key):
                    return key, 0, extra
        if known(" ".join(run)):
            return " ".join(run), 0, 0
    # Place words at either end ("Near", "City", "International") are not the name.
    lead, end = 0, len(run)
    while lead < end and run[lead] in not_name:
        lead += 1
    while end > lead and run[end - 1] in not_name:
        end -= 1
    return (" ".join(run[lead:end]) or None), lead, 0


@lru_cache(maxsize=65536)
def _ascii(chunk: str) -> str:
    return ascii_key(chunk)


@lru_cache(maxsize=1)
def _region_markers() -> frozenset[str]:
    return frozenset(load("regions")["markers"])


def _role(before: list[str], after: list[str]) -> str | None:
    words = _words()
    if after and after[0] in words["district"]:
        return "district"
    if after and after[0] in _region_markers():
        return "region"
    if any(w in words["reference"] for w in before[-3:]) and not (before and before[-1] in words["settlement"]):
        return "reference"
    return None


def _reference_km(before: list[str]) -> float:
    """How far from a reference place the place lies: 0 for in or at its edge ("the outskirts of
    X"), a distance given ("20 km from X") with slack, else ``REFERENCE_KM``."""
    if _words()["within"] & set(before[-4:]):
        return 0.0
    for i, word in enumerate(before):
        if word.isdigit() and i + 1 < len(before) and before[i + 1].startswith(("km", "kilomet")):
            return float(word) * REFERENCE_SLACK + REFERENCE_MARGIN_KM
    return REFERENCE_KM


# --- resolving -------------------------------------------------------------------------------

_NO_READING = PlaceReading()

@dataclass(frozen=True)
class NormalisedPlace:
    """The result of normalising a place: ``key`` is what matching compares.

    ``method`` is 'gazetteer', 'fuzzy' (gazetteer after a fuzzy look-up, with ``similarity``),
    'list' (names of several places, the claim about one of them: a bulletin's "3 in Bakhmut, 2
    in Toretsk"),
    'coordinates' (no name given: the nearest gazetteer place, ``similarity`` holding its
    distance in km), 'text' (not in the gazetteer: the cleaned text itself) or None when no
    place was given. ``candidates`` are the gazetteer ids the text could name, when more than
    one (``key`` and ``label`` are then the one shown).
    """

    key: str | None
    label: str | None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    method: str | None = None
    similarity: float | None = None
    candidates: tuple[int, ...] = ()
    names: tuple[str, ...] | None = None   # the names as written (ASCII), when they differ from the label's

    @property
    def candidate_ids(self) -> tuple[int, ...]:
        """Every gazetteer place the text could name (one for an unambiguous name)."""
        if self.candidates:
            return self.candidates
        return (self.geonameid,) if self.geonameid is not None else ()


class PlaceNormaliser:
    """Normalises places with a gazetteer, memoising each distinct (text, lat, lon, region)."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self._gazetteer = gazetteer
        self._memo: dict[tuple, NormalisedPlace] = {}
        self._regions: dict[tuple, str | None] = {}

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = shared_gazetteer()
        return self._gazetteer

    def _known(self, key: str) -> bool:
        return key in self.gazetteer.names

    def normalise(
        self, text: str | None, lat: float | None = None, lon: float | None = None, region: str | None = None
    ) -> NormalisedPlace:
        """Normalise ``text``; ``lat``/``lon`` or ``region`` choose among places of one name."""
        memo_key = (text, lat, lon, region)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._normalise(text, lat, lon, region)
        return self._memo[memo_key]

    def explain(self, text: str | None, lat: float | None = None, lon: float | None = None,
                region: str | None = None) -> tuple[NormalisedPlace, list[str]]:
        """The place ``text`` resolves to, and each step that led there, in words a person reads
        (for `reconcile places show`): the names read, the places each could be, what every
        qualifier kept, which place is shown."""
        steps: list[str] = []
        return self._normalise(text, lat, lon, region, steps), steps

    def _normalise(self, text: str | None, lat: float | None, lon: float | None, region: str | None,
                   steps: list[str] | None = None) -> NormalisedPlace:
        note = steps.append if steps is not None else (lambda _line: None)
        key = place_key(text)
        if key is None:
            if lat is not None and lon is not None:
                # Coordinates alone (a geolocated video, a mission's map reference): the nearest place.
                found = self.gazetteer.nearest(lat, lon, COORDINATES_KM)
                if found:
                    place, distance = found
                    return NormalisedPlace(place_id_key(place.geonameid), place.name, place.geonameid, place.lat,
                                           place.lon, "coordinates", distance)
            return NormalisedPlace(None, None)
        if _PLAIN.search(text) is None and key in self.gazetteer.names and steps is None:
            # A plain name ("Avdiivka", "near the village of Авдіївка"), the common case: looked up
            # at once, as reading it would have.
            reading, names = _NO_READING, (key,)
            found, similarity = self.gazetteer.exact(key), None
        elif (reading := read_place(text, self._known)).names:
            names = tuple(dict.fromkeys(reading.names + reading.later))
            found, similarity = self._resolve(reading.names)
            if found and reading.later:
                more, _ = self._resolve(reading.later)
                found = list({p.geonameid: p for p in found + more}.values())
        else:
            # No name told apart from the words around it (a lower-case text, an inflected form, a
            # landmark with a number, "IL-76 crash site"): the text before any qualifier as it is,
            # then cleaned, then a known name inside it ("svitlodarsk bulge").
            primary = _QUALIFIED.split(text, maxsplit=1)[0]
            whole = ascii_key(primary)
            key = whole if whole in self.gazetteer.names else (place_key(primary) or key)
            names = (key,)
            found, similarity = self._lookup(key)
        note(f"read: names {list(names)}" + "".join(
            f"; {label} {values}" for label, values in (("regions", reading.regions), ("districts", reading.districts),
                                                        ("near", [n for n, _ in reading.references]))
            if values))
        note(f"the gazetteer knows {len(found)} place(s) of {'these names' if len(names) > 1 else 'this name'}"
             + (f" (by a fuzzy look-up, similarity {similarity:.0f})" if similarity is not None else "") + ": "
             + _shown_places(self.gazetteer, found))
        matched = found
        found = self._narrow(found, reading, region, note) if found else []
        if not found:
            # A landmark the gazetteer does not know, in or at the edge of a place it does ("the
            # car market on the southern outskirts of Zaporizhzhia"): that place.
            for name, km in reading.references:
                anchors = _dominant(self._lookup(name, inside=False, fuzzy=False)[0])
                if km == 0.0 and len(anchors) == 1:
                    found, similarity = anchors, None
                    names = names + (name,)
                    note(f"a landmark in or at the edge of {anchors[0].name}: that place")
                    break
        if not found:
            # The gazetteer does not know the place, or knows no place of its name where the
            # qualifiers say it is: its names are compared (as written, and the gazetteer's own
            # names of the places so called, "Peski" as "Pisky"; the places near it named too).
            more = [n for n, _km in reading.references] + [ascii_key(p.name) for p in matched[:20]]
            note("no place is left: compared by its names, as a place the gazetteer does not know")
            return NormalisedPlace(names[0][:300], names[0][:300], method="text",
                                   names=tuple(dict.fromkeys(names + tuple(more))))
        if lat is not None and lon is not None:
            found = [min(found, key=lambda p: (distance_km(lat, lon, p.lat, p.lon), p.geonameid))]
            note(f"the coordinates given pick the nearest: {found[0].name}")
        best = found[0]
        if len(found) > 1:
            # Shown: the most populous whose own name resembles a name as written (not Nikopol,
            # which GeoNames also lists as "Sloviansk", its eighteenth-century name).
            fitting = [p for p in found if name_fits(p, names)] or found
            best = max(fitting, key=lambda p: (p.population, -p.geonameid))
        candidates = tuple(sorted(p.geonameid for p in found)) if len(found) > 1 else ()
        note(f"shown as {best.name}" + (f"; matching compares all {len(found)} places it could be" if candidates else ""))
        several = len(names) > 1 and self._several(names, found)
        method = "list" if several else "gazetteer" if similarity is None else "fuzzy"
        # The names as written, and the gazetteer's own names of the candidates: a place the
        # gazetteer lacks, named in another script or spelling, may still be named alike.
        names = tuple(dict.fromkeys(names + tuple(ascii_key(p.name) for p in found[:20])))
        return NormalisedPlace(
            place_id_key(best.geonameid), best.name, best.geonameid, best.lat, best.lon, method, similarity,
            candidates, names,
        )

    def _several(self, names: tuple[str, ...], found: list[GazetteerPlace]) -> bool:
        """Whether the names are of several places, not one place told twice: "Donetsk region: 3
        in Bakhmut, 2 in Toretsk", "Zolotoe and Gorske", but not "Kiev/Kyiv"."""
        ids = {p.geonameid for p in found}
        groups: list[set[int]] = []
        for name in names:
            mine = {p.geonameid for p in self._lookup(name, inside=False)[0]} & ids
            if not mine:
                continue
            for group in [g for g in groups if g & mine]:
                groups.remove(group)
                mine |= group
            groups.append(mine)
        return len(groups) > 1

    def _resolve(self, names: list[str]) -> tuple[list[GazetteerPlace], float | None]:
        """The places any of ``names`` could be (a list names several), and the worst fuzzy similarity."""
        found: dict[int, GazetteerPlace] = {}
        similarity = None
        for name in names:
            places, fuzzy = self._lookup(name, inside=False)
            found.update((p.geonameid, p) for p in places)
            if places and fuzzy is not None:
                similarity = fuzzy if similarity is None else min(similarity, fuzzy)
        return list(found.values()), similarity

    def _narrow(self, found: list[GazetteerPlace], reading: PlaceReading, region: str | None,
                note=lambda _line: None) -> list[GazetteerPlace]:
        """The candidates the qualifiers allow: in the region named, within reach of the district's
        centre and of the reference places (see :func:`_within`); a region no candidate lies in
        says the gazetteer lacks the place meant: none is left. ``note`` hears each step."""
        gazetteer = self.gazetteer
        covered = [p for p in found if gazetteer.covered(p.geonameid)]
        if covered and len(covered) < len(found):
            note(f"in the regions the desk covers: {len(covered)} of {len(found)}")
        found = covered or found
        codes, districts = set(), list(reading.districts)
        for phrase in [region, *reading.regions]:
            code = gazetteer.region_named(phrase) if phrase else None
            if code is not None:
                codes.add(code)
            elif phrase in reading.regions:
                districts.append(phrase.rpartition(" ")[0])   # "Volnovakha region": a district
        if codes:
            found = [p for p in found if gazetteer.region_of(p.geonameid) in codes]
            note(f"in {', '.join(sorted(gazetteer.region_label(c) for c in codes))}: {len(found)} left")
        for district in districts:
            centres = self._district_centres(district, codes)
            found = _within(found, centres, lambda c: DISTRICT_KM)
            note(f"the district {district!r}: centres {_shown_places(gazetteer, centres)}; {len(found)} within "
                 f"{DISTRICT_KM:g} km")
        for name, km in reading.references:
            anchors, _ = self._lookup(name, inside=False, fuzzy=False)
            found = _within(found, anchors, lambda a: max(km, REFERENCE_MARGIN_KM) + a.extent_km)
            note(f"near {name!r} ({_shown_places(gazetteer, anchors)}): {len(found)} left")
        return found

    def _district_centres(self, district: str, codes: set[str]) -> list[GazetteerPlace]:
        """The towns a district is named after: 'volnovakha', 'volnovaskyi', 'volnova' → Volnovakha."""
        exact = self.gazetteer.exact(district)
        if exact:
            centres = exact
        else:
            stem = _adjective_stem(district)
            centres = (self.gazetteer.starting_with(stem) or []) if len(stem) >= 5 else []
        if codes:
            centres = [c for c in centres if self.gazetteer.region_of(c.geonameid) in codes] or centres
        return centres

    def region(self, place: NormalisedPlace, place_text: str | None, region_text: str | None) -> str | None:
        """The region ("UA.05") of a claim: its candidates' (when they all lie in one), else the
        one its `region` field (or a region its place names) names; None when neither says."""
        memo_key = (place.geonameid, place.candidates, place_text, region_text)   # all the region depends on
        if memo_key not in self._regions:
            self._regions[memo_key] = self._region(place, place_text, region_text)
        return self._regions[memo_key]

    def _region(self, place: NormalisedPlace, place_text: str | None, region_text: str | None) -> str | None:
        regions = {self.gazetteer.region_of(g) for g in place.candidate_ids}
        if len(regions) == 1 and None not in regions:
            return regions.pop()
        if regions:
            # A name of places in several regions: the region of the one far more populous than
            # the others ("Donetsk", the city), else nobody can say which.
            places = [self.gazetteer.places[g] for g in place.candidate_ids]
            dominant = _dominant(places)
            return self.gazetteer.region_of(dominant[0].geonameid) if len(dominant) == 1 else None
        if region_text:
            return self.gazetteer.region_named(region_text)
        if place_text:
            codes = {self.gazetteer.region_named(r) for r in read_place(place_text).regions} - {None}
            if not codes and "," in place_text:
                codes = {self.gazetteer.region_named(place_text.partition(",")[2])} - {None}
            return codes.pop() if len(codes) == 1 else None
        return None

    def _lookup(self, key: str, inside: bool = True, fuzzy: bool = True) -> tuple[list[GazetteerPlace], float | None]:
        gazetteer = self.gazetteer
        found = gazetteer.exact(key)
        if found:
            return found, None
        # Inflected Ukrainian and Russian forms ("біля Мар'їнки", "Донецкая область"):
        # try the nominative endings before anything looser.
        for variant in _nominatives(key):
            found = gazetteer.exact(variant)
            if found:
                return found, None
        if inside:
            # "svitlodarsk bulge": a known place name inside a longer text; longest words first.
            words = key.split()
            if len(words) > 1:
                for word in sorted(words, key=lambda w: (-len(w), w)):
                    if len(word) >= 5 and word in gazetteer.names:
                        return gazetteer.exact(word), None
        if fuzzy:
            found, similarity = gazetteer.candidates(key)
            # A fuzzy match is a guess: only among the places of the regions the desk covers.
            return [p for p in found if gazetteer.covered(p.geonameid)], similarity
        return [], None


# A candidate this many times as populous as every other of its name is the likelier one: the
# region of "Donetsk" is the city's (930,000), not that of the town in Rostov oblast (50,000).
# Only the region: matching keeps every candidate (a report may mean the village).
DOMINANT_RATIO = 10


def _dominant(found: list[GazetteerPlace]) -> list[GazetteerPlace]:
    if len(found) < 2:
        return found
    first, second = sorted(found, key=lambda p: -p.population)[:2]
    return [first] if first.population >= DOMINANT_RATIO * max(second.population, 1) else found


def _shown_places(gazetteer: Gazetteer, places: list[GazetteerPlace], limit: int = 8) -> str:
    """'Pisky (Poltava oblast, 2,230), Pisky (...)': places a person can tell apart."""
    if not places:
        return "none"
    shown = [f"{p.name} ({gazetteer.region_label(gazetteer.region_of(p.geonameid)) or p.country}, "
             f"{p.population:,})" for p in places[:limit]]
    return ", ".join(shown) + (f" and {len(places) - limit} more" if len(places) > limit else "")


def _within(found: list[GazetteerPlace], anchors: list[GazetteerPlace], reach) -> list[GazetteerPlace]:
    """The candidates within reach of a qualifier's place. A qualifier the gazetteer cannot place
    says nothing; one it places for certain (a single town of ``CERTAIN_POPULATION``) that no
    candidate is near says the gazetteer lacks the place meant (none is left); one that could be
    several places, or a village the gazetteer may know another of (its Seleznivka in Luhansk
    oblast, not the one near Sloviansk), none near any candidate, may itself be misread: ignored."""
    if not anchors:
        return found
    near = [p for p in found if any(distance_km(p.lat, p.lon, a.lat, a.lon) <= reach(a) for a in anchors)]
    certain = len(anchors) == 1 and anchors[0].population >= CERTAIN_POPULATION
    return near if near or certain else found


def name_fits(place: GazetteerPlace, names: tuple[str, ...]) -> bool:
    """Whether a candidate's own name resembles a name as written (similarity ≥ 60: the other
    script's spelling, "Konstantinovka" for Kostyantynivka, still does; Nikopol for "Sloviansk"
    does not)."""
    own = ascii_key(place.name)
    return any(fuzz.ratio(own, name) >= 60 for name in names)


# (ending, replacement) for the last word: genitive and locative of -ka towns, adjectives.
_ENDINGS = (("skaia", "sk"), ("skaya", "sk"), ("skoi", "sk"), ("skoy", "sk"), ("ska", "sk"), ("kaia", "k"), ("ki", "ka"),
            ("ky", "ka"), ("ke", "ka"), ("ku", "ka"), ("oi", "a"), ("ia", "e"), ("i", "a"), ("y", "a"), ("e", "a"),
            ("u", "a"), ("a", ""))
_ADJECTIVE_ENDINGS = ("skoho", "skogo", "skyi", "skiy", "skii", "skyy", "skij", "sky", "ski", "ska", "ske", "skoi",
                      "skoy", "skaya", "skaia", "iv", "ov", "ev")


def _nominatives(key: str) -> list[str]:
    head, _, last = key.rpartition(" ")
    variants = []
    for ending, replacement in _ENDINGS:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            word = last[: len(last) - len(ending)] + replacement
            variants.append(f"{head} {word}".strip())
    return variants


def _adjective_stem(name: str) -> str:
    """'volnovaskyi' → 'volnova', 'yasynuvatskyi' → 'yasynuvat', 'amvrosievsky' → 'amvrosi'."""
    for ending in _ADJECTIVE_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 5:
            name = name[: len(name) - len(ending)]
            break
    return name.rstrip("aeiouy") if len(name.rstrip("aeiouy")) >= 5 else name


def place_id_key(gazetteer_id: int) -> str:
    """The key of a gazetteer place: 'geonames:713122', or 'place:17' for the desk's own place 17."""
    return f"geonames:{gazetteer_id}" if gazetteer_id > 0 else f"place:{-gazetteer_id}"


def key_place_id(key: str | None) -> int | None:
    """The gazetteer id a place key names (the inverse of :func:`place_id_key`), or None for a
    key that is no gazetteer place (a name the gazetteer does not hold, kept as its own key)."""
    prefix, _, number = (key or "").partition(":")
    if prefix not in ("geonames", "place") or not number.isdigit():
        return None
    return int(number) if prefix == "geonames" else -int(number)


def place_similarity(a: str | None, b: str | None) -> float | None:
    """Similarity in [0, 1] of two place keys; None when either is unknown."""
    if a is None or b is None:
        return None
    if a == b:
        return 1.0
    if a.startswith(("geonames:", "place:")) and b.startswith(("geonames:", "place:")):
        return 0.0
    return fuzz.ratio(a, b) / 100.0
