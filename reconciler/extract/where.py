"""Where: place names of a sentence found through the gazetteer, inflected forms included.

A name is a run of one to three capitalised words (any script) that the gazetteer knows, as
written or with a case ending replaced (``common.yaml``: ``inflections``; "Авдіївки" →
"Авдіївка", "Горловкой" → "Горловка"). Names a report uses for a country or its government
(``place_stop``), followed by words such as "government" (``place_not_before``), or by a verb
with no word of place before them ("Kiev says": ``place_subject_before``), or after a verb of
accusing ("points at Moscow": ``place_object_after``), are not places. Among the names left,
one after a word of place ("in", "near", "біля", "под") is preferred, then the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..gazetteer import Gazetteer, GazetteerPlace, distance_km
from ..places import name_fits
from ..translit import ascii_key
from ..vocabulary import event_type_category, victims_category
from .rules import LanguageRules, common_rules

_TOKEN = re.compile(r"[\w'’ʼ-]+", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")
# Quotation marks around a name: a weapon system, an operation, a plant ("three “Pantsir”").
_QUOTES = frozenset('"“”„«»')
NEIGHBOUR_KM = 50.0   # a namesake this near another place the text names is the one meant


@dataclass(frozen=True)
class Where:
    """Where a sentence says something happened: a place, and a region named apart from it."""

    place: "PlaceFound | None" = None
    region: str | None = None


@dataclass(frozen=True)
class PlaceFound:
    """A place named in a sentence: ``text`` as written (with a word of nearness, "near
    Avdiivka"), the gazetteer place it is taken to be, and the rule that found it."""

    text: str
    name: str
    place: GazetteerPlace
    rule: str
    candidates: tuple[GazetteerPlace, ...] = ()   # every namesake still possible, ``place`` among them


def _lookup(gazetteer: Gazetteer, key: str, after_place_word: bool = False) -> tuple[list[GazetteerPlace], str]:
    """The places a name may be, as written or declined (``common.yaml``: ``inflections``; the
    first words of a name of several too, ``adjective_inflections``); after a word of place, the
    endings other words share as well (``inflections_after_place_word``; ``…_towns`` into a town
    only), into a place of the regions the desk covers only ("біля Нікополя", never "Британія" or
    "Ставці"), a region's centre first."""
    found = gazetteer.exact(key)
    if found:
        return found, "gazetteer"
    head, _, last = key.rpartition(" ")
    rules = common_rules()
    shortest = 3 if head else 4   # "Кривого Рога": "Рог" is a name only after its first word
    lasts = _replaced(last, rules.inflections, shortest)
    if head:
        lasts += [whole for word, whole in rules.whole_word_inflections if last == word]   # "Кривому Розі"
    shared = _replaced(last, rules.inflections_after_place_word, shortest) if after_place_word else []
    # (into a town only: a stem of 3 letters will do, "у Сумах", "в Саках")
    towns = _replaced(last, rules.inflections_after_place_word_towns, 3) if after_place_word else []
    names: list[tuple[str, int | None]] = []   # (a name to look up, None or the least population in the desk's regions)
    for first in [head, *_declined(head.split(), rules.adjective_inflections)]:
        # the last word as written counts only with the first words declined
        names += [(f"{first} {v}".strip(), None) for v in ([last] if first != head else []) + lasts]
        names += [(f"{first} {v}".strip(), 0) for v in shared]
        names += [(f"{first} {v}".strip(), rules.town_population) for v in towns]
    shared_found: list[list[GazetteerPlace]] = []
    for name, least in names:
        if name in rules.place_stop:
            continue   # "у Молдові": a country, though a village has the name
        found = gazetteer.exact(name)
        if least is not None:
            found = [p for p in found if gazetteer.covered(p.geonameid) and p.population >= least]
            if found:
                shared_found.append(found)   # endings several names share: a region's centre first
            continue
        if found:
            return found, "gazetteer_inflected"
    if shared_found:
        centres = [f for f in shared_found if any(gazetteer.is_region_centre(p.geonameid) for p in f)]
        return (centres or shared_found)[0], "gazetteer_inflected"
    return [], ""


def names_a_place(gazetteer: Gazetteer, phrase: str) -> bool:
    """Whether ``phrase`` is a place of the gazetteer, as written or declined as after a word of
    place ("в Донецке"), or a country or land of ``place_stop`` however it declines ("в Криму")."""
    key = ascii_key(phrase)
    return any(key.startswith(word) for word in common_rules().place_stop if len(word) >= 4) \
        or bool(_lookup(gazetteer, key, True)[0])


def _replaced(word: str, endings: tuple[tuple[str, str], ...], shortest: int) -> list[str]:
    """``word`` with each of ``endings`` it has replaced, where at least ``shortest`` letters stay."""
    return [word[: len(word) - len(e)] + r for e, r in endings if word.endswith(e) and len(word) - len(e) >= shortest]


def _declined(words: list[str], endings: tuple[tuple[str, str], ...]) -> list[str]:
    """The first words of a name with their endings replaced (each word as written or with one
    of ``endings`` replaced), the words as written left out."""
    variants = [""]
    for word in words:
        variants = [f"{v} {c}".strip() for v in variants for c in [word, *_replaced(word, endings, 3)]]
    return variants[1:]


def _best(places: list[GazetteerPlace], gazetteer: Gazetteer, region: str | None, key: str = "") -> GazetteerPlace:
    """One name, several places: one in the region the sentence names, else in the regions the
    desk covers (regions.yaml), else the most populous (Ukraine's first at equal size). Of two
    places alike in all that and about as large (``SAME_SIZE``), the one whose own name resembles
    the name as written (``places.name_fits``, as the import shows a place): "Sloviansk" is
    Slovyansk, not Nikopol (its old name, which GeoNames gives too; 19 more people)."""
    def rank(p: GazetteerPlace) -> tuple:
        return (region is not None and gazetteer.region_of(p.geonameid) == region, gazetteer.covered(p.geonameid))

    order = sorted(places, key=lambda p: (*rank(p), p.population, p.country == "UA", -p.geonameid), reverse=True)
    first = order[0]
    if key and len(order) > 1:
        second = order[1]
        if rank(second) == rank(first) and second.population >= SAME_SIZE * first.population \
                and name_fits(second, (key,)) and not name_fits(first, (key,)):
            return second
    return first


SAME_SIZE = 0.9   # two places this near in size: their population says nothing of which is meant


def find_place(sentence: str, rules: LanguageRules, gazetteer: Gazetteer, speaker: str | None = None) -> Where:
    """The place a sentence says something happened at, and the region it names; names inside
    the ``speaker`` phrase ("…: Kiev") are not places."""
    exclude = ascii_key(speaker) if speaker else ""
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    lowered = [t[0].lower() for t in tokens]
    stop = common_rules().place_stop
    found: list[tuple] = []   # (rank, -position, as shown, name, places, rule)
    region_text = None
    in_name = -1   # the word after a declined adjective that began a name of no place
    i = 0
    while i < len(tokens):
        word = tokens[i][0]
        if not word[:1].isupper() or (i == 0 and lowered[0] in rules.place_before):
            i += 1
            continue
        taken = 0
        for n in (3, 2, 1):
            if i + n > len(tokens) or not all(t[0][:1].isupper() for t in tokens[i:i + n]):
                continue
            text = _POSSESSIVE.sub("", sentence[tokens[i][1]:tokens[i + n - 1][2]])   # "Kiev's" → "Kiev"
            key = ascii_key(text)
            if len(key) < 3 or key in stop or f" {key} " in f" {exclude} " or victims_category(key) \
                    or event_type_category(key):
                continue   # "Police disperse …": a word the vocabulary knows is no place
            before1 = lowered[i - 1] if i >= 1 else ""
            before = " ".join(lowered[max(0, i - 3):i])
            strong = any(before.endswith(w) for w in rules.place_before if len(w) > 2) or before1 in rules.place_before
            # A capital at the start of a sentence says nothing: only a name as it stands there.
            places, how = _lookup(gazetteer, key, strong) if i > 0 else (gazetteer.exact(key), "gazetteer")
            if not places:
                continue
            if n == 1 and _acronym(text) and not any(ascii_key(p.name) == key for p in places):
                continue   # "died during the SVO": an acronym, whatever code the gazetteer files it under
            if n == 1 and how == "gazetteer_inflected" and (i == in_name or _adjective_before_name(
                    key, i, tokens, sentence, gazetteer)):
                # A declined adjective with a capital word right after it begins a name that is
                # no place ("Великої Британії"): neither word is a place on its own.
                in_name = i + 1 if i != in_name else in_name
                break
            # The word right after the name, with nothing but a space between: "Donetsk oblast",
            # "Donetsk army", but not "near Avdiivka, army says".
            after = _POSSESSIVE.sub("", lowered[i + n]) if i + n < len(lowered) \
                and not sentence[tokens[i + n - 1][2]:tokens[i + n][1]].strip() else ""
            if after in rules.region_after:   # "Donetsk oblast", "Donetsk Oblast's"
                region_text = region_text or _POSSESSIVE.sub("", sentence[tokens[i][1]:tokens[i + n][2]])
                taken = n + 1
                break
            if how == "gazetteer_inflected" and key.endswith(common_rules().adjective_endings) \
                    and _adjective_noun_after(tokens, lowered, i + n - 1):
                break   # "на Лиманському та Бахмутському напрямках": adjectives of a noun, no place
            if after in rules.place_not_before:
                break
            if (after in rules.place_subject_before and not strong) \
                    or any(before.endswith(w) for w in rules.place_object_after):
                break
            start, end = tokens[i][1], tokens[i + n - 1][2]
            if not strong and sentence[start - 1:start] in _QUOTES and sentence[end:end + 1] in _QUOTES:
                break   # a name in quotation marks, no word making it a place: a thing, not where
            near = next((w for w in sorted(rules.place_near, key=len, reverse=True) if before.endswith(w)), None)
            shown = f"{sentence[tokens[i - len(near.split())][1]:tokens[i - 1][2]]} {text}" if near else text
            rank = 2 if strong and before1 not in ("of", "from") else 1 if strong else 0
            found.append((rank, -tokens[i][1], shown, text, places, f"{how}:{'after_place_word' if strong else 'name'}"))
            taken = n
            break
        i += taken or 1
    code = gazetteer.region_named(region_text) if region_text else None
    if not found:
        return Where(None, region_text)
    chosen = max(found, key=lambda f: (f[0], f[1]))
    _rank, _at, shown, text, places, rule = chosen
    others = [p for f in found if f is not chosen and f[3] != text for p in f[4]]
    places = _near_others(places, others)
    best = _best(places, gazetteer, code, ascii_key(text))
    return Where(PlaceFound(shown, text, best, rule, _namesakes(places, gazetteer, code)), region_text)


def _adjective_before_name(key: str, i: int, tokens: list[tuple[str, int, int]], sentence: str,
                           gazetteer: Gazetteer) -> bool:
    """Whether the word ``i`` (its ascii ``key``) ends as a declined adjective
    (``adjective_endings``) and a capitalised word follows it with only a space between that is
    not an acronym ("Під Бахмутом ЗСУ …"), names no region ("У Сватовому Луганської області", "в
    Ясиноватой Донецкой народной республики") and is written in the same script."""
    if not key.endswith(common_rules().adjective_endings) or i + 1 >= len(tokens):
        return False
    word, after = tokens[i][0], tokens[i + 1][0]
    return after[:1].isupper() and not sentence[tokens[i][2]:tokens[i + 1][1]].strip() \
        and not (len(after) > 1 and after.isupper()) and not gazetteer.names_a_region(after) \
        and _cyrillic(word) == _cyrillic(after)   # "Над Харковом Shahed": another script, no one name


def _acronym(word: str) -> bool:
    """Whether a word may be an acronym rather than a name: three capitals ("SVO", "СВО").
    GeoNames files airport codes, of three letters, among a place's names (SVO for Khimki, HRK
    for Kharkiv; no key under three letters is filed): such a word names a place only as the
    place's own name ("ЧОП"). Four capitals are names as written ("KIEV", "СУМИ", "LVIV")."""
    return len(word) == 3 and word.isalpha() and word.isupper()


def _cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def _adjective_noun_after(tokens: list[tuple[str, int, int]], lowered: list[str], i: int) -> bool:
    """Whether the first word in lower case after word ``i`` (past capitalised words and the
    words joining them) is a noun that an adjective of place goes with (``adjective_place_nouns``:
    "на Лиманському та Бахмутському напрямках", "в Южном военном округе", "в Азовском море"):
    then the adjective is no place."""
    rules = common_rules()
    for t in range(i + 1, min(len(tokens), i + 6)):
        word = tokens[t][0]
        if word[:1].isupper() or lowered[t] in rules.adjective_place_joins:
            continue
        return ascii_key(word).startswith(rules.adjective_place_nouns)
    return False


def _near_others(places: list[GazetteerPlace], others: list[GazetteerPlace]) -> list[GazetteerPlace]:
    """Of a name's namesakes, those within NEIGHBOUR_KM of a place the same text names besides
    ("Pisky, near Avdiivka"); all of them when none is, or when the text names no other place."""
    if len(places) < 2 or not others:
        return places
    near = [p for p in places if any(distance_km(p.lat, p.lon, o.lat, o.lon) <= NEIGHBOUR_KM for o in others)]
    return near or places


def _namesakes(places: list[GazetteerPlace], gazetteer: Gazetteer, region: str | None) -> tuple[GazetteerPlace, ...]:
    """The places a name may still be: those in the region named, if any lies there, else all
    (what the import's place normaliser keeps, and matching compares)."""
    inside = [p for p in places if region is not None and gazetteer.region_of(p.geonameid) == region]
    return tuple(inside or places)
