"""Small controlled vocabularies: what happened, to whom, and who did it, for comparison.

The text as written is always kept; these categories only decide whether two claims
describe the same kind of incident. Matching is by keyword after transliteration, so
"обстріл" and "shelling" land in the same category.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from .places import ascii_key

# category -> keywords (ASCII, after transliteration); first match in this order wins,
# so the more specific categories come first.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "explosive": ("explosive", "mine", "ied", "landmine", "booby", "tripwire", "blast", "detonat",
                  "pidryv", "pidriv", "pidirv", "podryv", "podriv", "podorv", "vybukh", "vibukh", "vzryv", "vzriv",
                  "mina", "miny", "minu!", "mini!"),
    "sniper": ("sniper", "snaiper", "snayper"),
    "small_arms": ("small arms", "gunfire", "shot", "shooting", "rifle", "machine gun", "strilets", "strelkov",
                   "strilyan", "strilian", "strelba", "perestril", "perestrel", "kulemet", "pulemet", "avtomat"),
    # Missiles and tank fire count with artillery, as ACLED's "shelling/artillery/missile attack" does.
    "indirect_fire": ("shelling", "shelled", "artillery", "mortar", "grad", "mlrs", "rocket", "missile", "howitzer",
                      "bombard", "obstril", "obstrel", "artobstr", "minomet", "artyl", "artil", "raket", "rszo",
                      "gaubyts", "gaubits", "tank fire", "tank shell", "tankov"),
    "air": ("airstrike", "air strike", "drone", "uav", "bpla", "aviation", "aviaud", "aviats", "aviab", "bomb", "dron",
            "bezpilot", "bespilot", "kamikadze", "shahed", "shakhed", "fpv", "kab!", "kabi!", "kaby!", "kabom!",
            "kabami!"),
    "clash": ("clash", "firefight", "fighting", "battle", "assault", "attack", "skirmish", "boi!", "bii!", "biy!", "boy!",
              "shturm", "zitknen", "stolknoven", "atak", "nastup!", "nastupu!", "nastuplen"),
}

# Types that are easily confused in first reports (a sniper's shot vs small-arms fire).
RELATED_TYPES = {frozenset(("sniper", "small_arms")), frozenset(("clash", "small_arms")),
                 frozenset(("clash", "indirect_fire")), frozenset(("air", "indirect_fire"))}

VICTIMS: dict[str, tuple[str, ...]] = {
    "military": ("soldier", "servicem", "service member", "troop", "military", "fighter", "combatant",
                 "militant", "separatist", "marine", "officer", "sapper", "army", "viyskov", "viiskov", "voenn",
                 "voen", "boyets", "boets", "boiets", "boiovik", "boyovik", "boyovyk", "boevik", "zsu", "soldat",
                 "biyts", "boyts", "bijts", "zakhisnik", "zakhysnyk", "okupant", "okkupant", "desant", "tankist",
                 "artilerist", "artillerist", "prikordon", "prykordon", "pogranich", "national guard", "natsgvard"),
    "civilian": ("civilian", "resident", "child", "woman", "women", "man!", "men!", "pensioner", "teacher",
                 "doctor", "farmer", "journalist", "mirn", "tsyvil", "tsivil", "zhytel", "zhitel", "grazhdan",
                 "hromadian", "ditei", "detei", "dity", "diti", "deti", "ditey", "ditin", "dytyn", "rebenok", "rebyon",
                 "zhink", "zhensh", "meshkan", "meshkants", "girl", "boy!", "boys!", "rescuer", "ryatuval",
                 "riatuval", "spasatel", "volunteer", "volonter"),
    "people": ("people", "person", "persons", "individual", "human", "lyud", "liud", "osib", "osob", "chelovek",
               "cholovik"),
}

_STOP_ACTOR = {"the", "forces", "force", "army", "armed", "troops", "units", "unit", "side", "of", "and",
               "by", "government", "military", "illegal", "formations", "group", "groups",
               # transliterated Ukrainian and Russian: troops, forces, army, armed, "armed forces" abbreviated
               "voyska", "voiska", "viyska", "viiska", "sily", "syly", "sili", "armiya", "armiia", "zbroyni",
               "zbroini", "vooruzhennye", "vooruzhennykh", "zbroynikh", "vs", "zs", "viyskovi", "viiskovi", "voennye",
               "i", "ta"}   # "і", "и", "та": and

# The parties of the war in Ukraine under the names their own and the other side's press use:
# "ЗСУ", "ВСУ" and "Ukrainian forces" are one party; "ВС РФ", "рашисти", "Russian troops"
# another. Each word (after stemming) that starts with a prefix here, or equals a word marked
# "!", stands for the party. Separatist formations stay apart ("pro-Russian separatists",
# "Russian-backed separatists", "DNR"): whether they are Russia's forces is for a person to
# grade, not for a word list.
PARTIES: dict[str, tuple[str, ...]] = {
    "ukrain": ("ukrain", "ukrayin", "zsu!", "vsu!", "afu!", "uaf!"),
    "russ": ("russ", "rossi", "rosi", "rf!", "rashist"),
}
# "Occupiers" names Russia's forces in Ukrainian usage, but only when the text names no party:
# in "украинские оккупанты" it is one side's word for the other, and the party named decides.
OCCUPIER_WORDS = ("okupant", "okkupant", "occupier", "okupats", "okkupats", "occupation")
OCCUPIER_PARTY = "russ"


def _compile(table: dict[str, tuple[str, ...]]) -> list[tuple[str, re.Pattern]]:
    """One pattern per category. "boi!" is a whole word ("бой"), so that "бойовики" (fighters)
    is not a battle; other keywords match at the start of a word."""
    compiled = []
    for category, words in table.items():
        parts = [re.escape(w[:-1]) + r"\b" if w.endswith("!") else re.escape(w) for w in words]
        compiled.append((category, re.compile(r"\b(?:" + "|".join(parts) + ")")))
    return compiled


# What was hit, as a report says it ("a school", "житловий будинок", "позиції"), read from a
# claim's `target` field only: not from its free text, where "taken to hospital" is not a strike
# on a hospital, nor from its type, where "tank fire" is not a hit tank. A claim may name several
# ("a school and nearby houses"); two claims differ only when what they name has nothing in
# common. Generic words ("a building", "infrastructure", "об'єкт") name nothing.
TARGETS: dict[str, tuple[str, ...]] = {
    # Bare "будинок" and "дом" are any building ("будинок культури", "пологовий будинок"): homes
    # only with a word that says people live there.
    "homes": ("residential", "apartment", "house!", "houses!", "home!", "homes!", "high rise", "flats!",
              "dwelling", "dormitor", "zhitl", "zhytl", "zhil", "domovolod", "bagatopoverkh",
              # "приватний будинок", "частный дом", "приватний сектор": not a private clinic or firm
              "privatniy bud", "privatni bud", "privatnikh bud", "pryvatnyi bud", "privatniy sektor",
              "pryvatnyi sektor", "chastnyy dom", "chastnyi dom", "chastnye dom", "chastnogo dom", "chastnyy sektor",
              "chastnyi sektor",
              "bahatopoverkh", "mnogoetazh", "mnogokvartir", "bagatokvartir", "kvartir", "gurtozhit", "obshchezhit"),
    "school": ("school", "shkol", "gymnasium", "gimnazi", "lyceum", "litsei", "litsey", "college", "koledzh",
               "kolledzh", "universit", "tekhnikum"),
    "kindergarten": ("kindergarten", "nursery", "dityachiy sad", "dytiachyi sad", "dityachii sad", "detskiy sad",
                     "detskii sad", "ditsad", "detsad", "sadochok", "sadik", "dnz!"),
    "medical": ("hospital!", "hospitals!", "clinic", "medical", "ambulance", "likarn", "bolnits", "bolnyts",
                "poliklin", "klinik", "ambulator", "medzaklad", "maternity", "pologov", "polohov", "roddom",
                "rodilni", "rodil dom"),
    "market": ("market!", "markets!", "marketplace", "bazaar", "rinok", "rinku", "rynok", "rynk"),
    "shop": ("shop", "store!", "stores!", "supermarket", "mall!", "magazin", "mahazyn", "torgov"),
    "public_transport": ("bus!", "buses!", "bus stop", "minibus", "tram", "trolleybus", "public transport",
                         "zupink", "zupynk", "ostanovk", "avtobus", "marshrutk", "tramva", "troleibus", "trolleibus"),
    "railway": ("railway", "railroad", "train!", "trains!", "vokzal", "zaliznichn", "zaliznychn", "zheleznodorozh",
                "poizd", "poezd", "elektrichk"),
    "energy": ("power", "energy", "substation", "electric", "heating plant", "boiler house", "gas pipeline",
               "pidstants", "podstants", "energ", "elektr", "tets!", "tes!", "kotel", "gazoprovod"),
    "industry": ("factory", "industrial", "enterprise", "warehouse", "zavod", "fabrik", "fabryk", "pidpriiem",
                 "pidpryiem", "predpri", "kombinat"),
    "church": ("church", "monastery", "mosque", "cathedral", "tserkv", "tserkov", "khram", "monastir", "monastyr",
               "sobor"),
    "positions": ("position", "pozitsi", "pozytsi", "trench", "okop", "stronghold", "dugout", "bunker", "oporn",
                  "blindazh"),
    "checkpoint": ("checkpoint", "block post", "blokpost", "kpp!"),
    # A bare "склад" is any store room; an ammunition depot names its ammunition.
    "depot": ("ammunition", "ammo!", "arsenal", "depot", "boiepripas", "boieprypas", "boepripas", "boyeprypas"),
    "command_post": ("command post", "headquarters", "hq!", "shtab", "komandn"),
    "vehicle": ("vehicle", "car!", "cars!", "truck", "tank!", "tanks!", "armoured", "armored", "apc!", "bmp!",
                "btr!", "convoy", "avtomobil", "mashin", "vantazhivk", "gruzovik", "kolona!", "koloni!", "kolonu!",
                "tekhnika!", "tekhniki!", "tekhniku!", "bronetekhn"),
}

# Police: counted with civilians by some, with security forces by others. For matching they are
# neither soldiers nor civilians ("people": compatible with both), checked first so that a
# "police officer" is not an army's officer.
LAW_ENFORCEMENT = ("police", "politse", "politsi", "pravookhoron", "law enforcement")

_EVENT_PATTERNS = _compile(EVENT_TYPES)
_TARGET_PATTERNS = _compile(TARGETS)
_VICTIM_PATTERNS = _compile({"people": LAW_ENFORCEMENT}) + _compile(VICTIMS)


@lru_cache(maxsize=4096)
def _first_category(text: str | None, table: str) -> str | None:
    if not text:
        return None
    key = ascii_key(text)
    for category, pattern in (_EVENT_PATTERNS if table == "event" else _VICTIM_PATTERNS):
        if pattern.search(key):
            return category
    return None


def event_type_category(text: str | None) -> str | None:
    """'mortar fire' → 'indirect_fire'; None when unknown."""
    return _first_category(text, "event")


def victims_category(text: str | None) -> str | None:
    """'government soldiers' → 'military'; 'people' → 'people' (unspecified); None when unknown."""
    return _first_category(text, "victims")


@lru_cache(maxsize=4096)
def target_categories(text: str | None) -> str | None:
    """What was hit, as sorted categories joined by commas: 'a school and nearby houses' →
    'homes,school'; None when the text names nothing the vocabulary knows (:data:`TARGETS`)."""
    if not text:
        return None
    key = ascii_key(text)
    found = [category for category, pattern in _TARGET_PATTERNS if pattern.search(key)]
    return ",".join(sorted(found)) or None


def targets_relation(a: str | None, b: str | None) -> str | None:
    """'same' when two claims name something in common as hit, 'different' when nothing, None
    when either names nothing."""
    if a is None or b is None:
        return None
    return "same" if set(a.split(",")) & set(b.split(",")) else "different"


@lru_cache(maxsize=4096)
def actor_key(text: str | None) -> str | None:
    """A comparable form of who did it: transliterated, stop words dropped, words sorted.

    'the Ukrainian armed forces', 'Ukrainian forces', 'Ukraine', 'ЗСУ' and 'Збройні сили
    України' all give 'ukrain' (adjective endings dropped: 'northern troops' and 'North forces'
    give 'north'; party names in either script through :data:`PARTIES`); 'pro-Russian
    separatists' gives 'pro_russ separatists', unlike 'Russian troops' ('russ'). Words such
    as 'unknown' or 'unidentified' mean the claim names nobody: None.
    """
    if not text:
        return None
    # "pro-Russian" and "Russian-backed separatists" are not "Russian troops": keep "pro" with its word.
    key = re.sub(r"\b(\w+) backed\b", r"pro_\1", ascii_key(text).replace("pro ", "pro_"))
    words = [w for w in key.split() if w not in _STOP_ACTOR]
    if not words or set(words) <= {"unknown", "unidentified", "unclear", "unnamed"}:
        return None
    stems = {_party(_demonym_stem(w)) for w in words}
    occupiers = {w for w in stems if w.startswith(OCCUPIER_WORDS)}
    if occupiers:
        stems -= occupiers
        if not stems & set(PARTIES):
            stems.add(OCCUPIER_PARTY)
    return " ".join(sorted(stems))


def _party(word: str) -> str:
    for party, prefixes in PARTIES.items():
        for prefix in prefixes:
            if word == prefix[:-1] if prefix.endswith("!") else word.startswith(prefix):
                return party
    return word


@lru_cache(maxsize=65536)   # a run compares the same few hundred keys millions of times
def same_actor(a: str, b: str) -> bool:
    """Whether two actor keys name one actor. Keys naming parties (:data:`PARTIES`) must name
    the same parties: "siloviki ukrain" is "ukrain", but "russ ukrain" (both named) is neither
    "russ" nor "ukrain", and "pro_russ separatists" is not "russ". Other keys are compared by
    token-set similarity (≥ 80), so "separatists" and "pro_russ separatists" are one actor."""
    parties_a = {w for w in a.split() if w in PARTIES}
    parties_b = {w for w in b.split() if w in PARTIES}
    if parties_a or parties_b:
        return parties_a == parties_b
    return fuzz.token_set_ratio(a, b) >= 80


# Country, people and direction words in their adjective forms: "Ukrainian"/"Ukraine",
# "northern"/"north", "украинские"/"Украина" name one party. Longest endings first.
_DEMONYM_ENDINGS = ("skiye", "skie", "skii", "skyi", "ska", "ern", "ian", "ians", "ean", "ia", "ie", "e")


def _demonym_stem(word: str) -> str:
    prefix, _, core = word.rpartition("_")
    for ending in _DEMONYM_ENDINGS:
        if core.endswith(ending) and len(core) - len(ending) >= 4:
            core = core[: len(core) - len(ending)]
            break
    return f"{prefix}_{core}" if prefix else core


def types_relation(a: str | None, b: str | None) -> str | None:
    """'same', 'related', 'different', or None when either is unknown."""
    if a is None or b is None:
        return None
    if a == b:
        return "same"
    return "related" if frozenset((a, b)) in RELATED_TYPES else "different"


def victims_relation(a: str | None, b: str | None) -> str | None:
    """'same', 'compatible' (one says only 'people'), 'different', or None when unknown."""
    if a is None or b is None:
        return None
    if a == b:
        return "same"
    if "people" in (a, b):
        return "compatible"
    return "different"
