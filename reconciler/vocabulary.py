"""Small controlled vocabularies: what happened, to whom, what was hit and who did it.

The text as written is always kept; these categories only decide whether two claims describe
the same kind of incident. Matching is by keyword after transliteration, so "обстріл" and
"shelling" land in the same category. The word lists are data (``reconciler/data/``:
``kinds.yaml``, ``victims.yaml``, ``targets.yaml``, ``parties.yaml``), each file saying in its
comments what its lists mean; kinds of incident form a tree (``kinds.yaml``), where a generic
word and a specific one agree and two specific siblings differ a little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .datafiles import load
from .translit import ascii_key


def keyword_pattern(words: list[str]) -> re.Pattern:
    """One pattern for a list of keywords, matched on transliterated text (translit.ascii_key):
    "boi!" is a whole word ("бой"), so that "бойовики" (fighters) is not a battle; other
    keywords match at the start of a word. No keywords: a pattern that matches nothing."""
    if not words:
        return re.compile("(?!)")
    parts = [re.escape(w[:-1]) + r"\b" if w.endswith("!") else re.escape(w) for w in words]
    return re.compile(r"\b(?:" + "|".join(parts) + ")")


@dataclass(frozen=True)
class _Kinds:
    patterns: tuple[tuple[str, re.Pattern], ...]   # most specific first, then in file order
    parent: dict[str, str]
    related: frozenset[frozenset[str]]

    def ancestors(self, kind: str) -> list[str]:
        found = []
        while kind in self.parent:
            kind = self.parent[kind]
            found.append(kind)
        return found

    def root(self, kind: str) -> str:
        return ([kind] + self.ancestors(kind))[-1]


@lru_cache(maxsize=1)
def _kinds() -> _Kinds:
    data = load("kinds")
    parent = {name: spec["parent"] for name, spec in data["kinds"].items() if spec.get("parent")}
    order = list(data["kinds"])

    def depth(name: str) -> int:
        return 0 if name not in parent else 1 + depth(parent[name])

    ranked = sorted(order, key=lambda name: (-depth(name), order.index(name)))
    return _Kinds(tuple((name, keyword_pattern(data["kinds"][name]["words"])) for name in ranked), parent,
                  frozenset(frozenset(pair) for pair in data["related"]))


@lru_cache(maxsize=1)
def _victim_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    data = load("victims")
    return (("people", keyword_pattern(data["law_enforcement"])),
            *((name, keyword_pattern(words)) for name, words in data["victims"].items()))


@lru_cache(maxsize=1)
def _target_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((name, keyword_pattern(words)) for name, words in load("targets")["targets"].items())


@lru_cache(maxsize=4096)
def event_type_category(text: str | None) -> str | None:
    """'mortar fire' → 'mortar', 'shelling' → 'indirect_fire', 'FPV-дрон' → 'drone': the most
    specific kind any word names (``kinds.yaml``); None when unknown."""
    if not text:
        return None
    key = ascii_key(text)
    for kind, pattern in _kinds().patterns:
        if pattern.search(key):
            return kind
    return None


@lru_cache(maxsize=4096)
def victims_category(text: str | None) -> str | None:
    """'government soldiers' → 'military'; 'people' → 'people' (unspecified); None when unknown.
    Groups named apart of different categories ("two soldiers and three civilians", "військових і
    цивільних", "people and soldiers") are 'people': all of them, so compatible with either."""
    if not text:
        return None
    category = _one_victims_category(text)
    if category in ("military", "civilian") and _group_joiners().search(text):
        if len({_one_victims_category(part) for part in _group_joiners().split(text)} - {None}) > 1:
            return "people"
    return category


def _one_victims_category(text: str) -> str | None:
    key = ascii_key(text)
    for category, pattern in _victim_patterns():
        if pattern.search(key):
            return category
    return None


@lru_cache(maxsize=1)
def _group_joiners() -> re.Pattern:
    joiners = load("victims")["group_joiners"]
    marks = "".join(re.escape(j) for j in joiners if not j[0].isalnum())
    words = "|".join(re.escape(j) for j in joiners if j[0].isalnum())
    return re.compile(rf"[{marks}]|\b(?:{words})\b", re.IGNORECASE | re.UNICODE)


@lru_cache(maxsize=4096)
def target_categories(text: str | None) -> str | None:
    """What was hit, as sorted categories joined by commas: 'a school and nearby houses' →
    'homes,school'; None when the text names nothing the vocabulary knows (``targets.yaml``)."""
    if not text:
        return None
    key = ascii_key(text)
    found = [category for category, pattern in _target_patterns() if pattern.search(key)]
    return ",".join(sorted(found)) or None


def targets_relation(a: str | None, b: str | None) -> str | None:
    """'same' when two claims name something in common as hit, 'different' when nothing, None
    when either names nothing."""
    if a is None or b is None:
        return None
    return "same" if set(a.split(",")) & set(b.split(",")) else "different"


@dataclass(frozen=True)
class _Parties:
    prefixes: dict[str, tuple[str, ...]]
    occupier_words: tuple[str, ...]
    occupier_party: str
    stop_words: frozenset[str]
    demonym_endings: tuple[str, ...]


@lru_cache(maxsize=1)
def _parties() -> _Parties:
    data = load("parties")
    return _Parties({k: tuple(v) for k, v in data["parties"].items()}, tuple(data["occupier_words"]),
                    data["occupier_party"], frozenset(data["stop_words"]), tuple(data["demonym_endings"]))


def side_words(text: str) -> list[str]:
    """The words of ``text`` as ASCII keys, "pro-Russian" and "Russian-backed" as one word each
    ("pro_russian"): those say whom a group sides with, not that it is Russia's."""
    return re.sub(r"\b(\w+) backed\b", r"pro_\1", ascii_key(text).replace("pro ", "pro_")).split()


def word_party(word: str) -> str | None:
    """The party of ``parties.yaml`` one word names (an ASCII key's word: ``translit.ascii_key``):
    'ukrainian', 'zsu' → 'ukrain'; 'okupantiv' (the occupiers) → the occupiers' party; None for
    any other word."""
    parties = _parties()
    party = _party(_demonym_stem(word))
    if party in parties.prefixes:
        return party
    return parties.occupier_party if word.startswith(parties.occupier_words) else None


@lru_cache(maxsize=4096)
def actor_key(text: str | None) -> str | None:
    """A comparable form of who did it: transliterated, stop words dropped, words sorted.

    'the Ukrainian armed forces', 'Ukrainian forces', 'Ukraine', 'ЗСУ' and 'Збройні сили
    України' all give 'ukrain' (adjective endings dropped: 'northern troops' and 'North forces'
    give 'north'; party names in either script through ``parties.yaml``); 'pro-Russian
    separatists' gives 'pro_russ separatists', unlike 'Russian troops' ('russ'). Words such
    as 'unknown' or 'unidentified' mean the claim names nobody: None.
    """
    if not text:
        return None
    parties = _parties()
    words = [w for w in side_words(text) if w not in parties.stop_words]
    if not words or set(words) <= {"unknown", "unidentified", "unclear", "unnamed"}:
        return None
    stems = {_party(_demonym_stem(w)) for w in words}
    occupiers = {w for w in stems if w.startswith(parties.occupier_words)}
    if occupiers:
        stems -= occupiers
        if not stems & set(parties.prefixes):
            stems.add(parties.occupier_party)
    return " ".join(sorted(stems))


def _party(word: str) -> str:
    for party, prefixes in _parties().prefixes.items():
        for prefix in prefixes:
            if word == prefix[:-1] if prefix.endswith("!") else word.startswith(prefix):
                return party
    return word


@lru_cache(maxsize=65536)   # a run compares the same few hundred keys millions of times
def same_actor(a: str, b: str) -> bool:
    """Whether two actor keys name one actor. Keys naming parties (``parties.yaml``) must name
    the same parties: "siloviki ukrain" is "ukrain", but "russ ukrain" (both named) is neither
    "russ" nor "ukrain", and "pro_russ separatists" is not "russ". Other keys are compared by
    token-set similarity (≥ 80), so "separatists" and "pro_russ separatists" are one actor."""
    known = set(_parties().prefixes)
    parties_a = {w for w in a.split() if w in known}
    parties_b = {w for w in b.split() if w in known}
    if parties_a or parties_b:
        return parties_a == parties_b
    return fuzz.token_set_ratio(a, b) >= 80


def _demonym_stem(word: str) -> str:
    prefix, _, core = word.rpartition("_")
    for ending in _parties().demonym_endings:
        if core.endswith(ending) and len(core) - len(ending) >= 4:
            core = core[: len(core) - len(ending)]
            break
    return f"{prefix}_{core}" if prefix else core


def kind_family(kind: str | None) -> str | None:
    """The most generic kind above a kind ('mortar' → 'indirect_fire'), or None."""
    return _kinds().root(kind) if kind else None


@lru_cache(maxsize=4096)
def types_relation(a: str | None, b: str | None) -> str | None:
    """How two kinds of incident relate: 'same'; 'compatible' (a generic kind and a specific one
    under it: shelling and mortar fire); 'related' (two specific kinds under one parent, mortar and
    rocket fire, or branches often confused, one of them in its generic word: shelling and an air
    strike, mortar fire and an air strike, not mortar fire and a drone strike); 'different'; None
    when either is unknown."""
    if a is None or b is None:
        return None
    if a == b:
        return "same"
    kinds = _kinds()
    if a in kinds.ancestors(b) or b in kinds.ancestors(a):
        return "compatible"
    if kinds.parent.get(a) is not None and kinds.parent.get(a) == kinds.parent.get(b):
        return "related"
    if (a == kinds.root(a) or b == kinds.root(b)) and frozenset((kinds.root(a), kinds.root(b))) in kinds.related:
        # Branches often confused are confused in their generic words ("shelling" for a bombing);
        # two specific words of them (mortar fire, a drone strike) say different things.
        return "related"
    return "different"


def victims_relation(a: str | None, b: str | None) -> str | None:
    """'same', 'compatible' (one says only 'people'), 'different', or None when unknown."""
    if a is None or b is None:
        return None
    if a == b:
        return "same"
    if "people" in (a, b):
        return "compatible"
    return "different"
