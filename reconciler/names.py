"""Source names as identities: the key a name is stored under, and the names that look alike.

A name's **key** identifies a source: two names with one key are one source. It is the name
folded with Unicode's NFKC_Casefold (NFKC, full case folding, and the removal of every
Default_Ignorable_Code_Point: zero-width characters, tag characters, variation selectors, the
soft hyphen, bidi controls...), then transliterated to ASCII, lower-cased and stripped of
punctuation (:func:`reconciler.translit.ascii_key`), so "ЗСУ", "zsu" and "ZSU" are one name, and
"Gen\\U000E0041eral" is "General". Names that folded to a key before NFKC_Casefold was added
keep it (the migration source_identity rewrote the keys of the others).

Two names **look alike** when they have different keys but the same confusable *skeleton*
(Unicode Technical Standard #39, section 4: NFD, each character replaced by its prototype in
Unicode's confusables.txt, NFD again): "Ꮩaldorian" (Cherokee) and "Valdorian", "Armed" and
"Arrned". The skeleton is compared in ASCII key form, of the folded name and of the name before
case folding (so a capital I and an l look alike, as they do in most fonts); either match counts.

The Unicode data comes from packages that install from wheels on every platform: NFKC and case
folding from Python's unicodedata, the Default_Ignorable_Code_Point property from ``regex``, and
confusables.txt from ``confusable_homoglyphs`` (see :func:`prototypes`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

from .errors import ValueParseError
from .translit import ascii_key

IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")
_LRM = "\u200e"

NO_LETTERS = ("has no letters or digits; a source's name needs some "
              "(punctuation, spaces and invisible characters are ignored in names)")
NOTHING = "has nothing visible in it; a source's name needs letters or digits"


def fold(name: str) -> str:
    """NFKC_Casefold of ``name``: compatibility forms and case folded, ignorable code points removed
    (first too, so that none keeps two characters from composing, as in Unicode's definition)."""
    text = unicodedata.normalize("NFKC", IGNORABLE.sub("", name))
    return IGNORABLE.sub("", unicodedata.normalize("NFKC", text.casefold()))


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """The key ``name`` is stored and found under: its letters and digits (:func:`ascii_key` of
    the folded name). A name with none but some visible characters ("???", or a name damaged by
    a wrong encoding, "?????? ?????") is keyed by those, marked "#", so that "!!!" and "???" stay
    two sources (such a name is kept for the claims that name it, never registered: see
    :func:`has_letters`); '' for a name with nothing visible."""
    key = ascii_key(fold(name))
    if key:
        return key
    visible = " ".join(fold(name).split())
    return f"#{visible}" if visible else ""


def has_letters(name: str) -> bool:
    """Whether a name has letters or digits: only such names can be registered."""
    return bool(ascii_key(fold(name)))


@lru_cache(maxsize=8192)
def lookalike_keys(name: str) -> frozenset[str]:
    """The ASCII forms of the UTS #39 skeletons of ``name``, folded and as cased (see the module)."""
    cased = IGNORABLE.sub("", unicodedata.normalize("NFKC", name))
    keys = {ascii_key(skeleton(fold(name))), ascii_key(skeleton(cased))}
    return frozenset(keys - {""})


def skeleton(text: str) -> str:
    """The UTS #39 skeleton of ``text``: NFD, every character replaced by its prototype, NFD."""
    table = prototypes()
    return unicodedata.normalize("NFD", "".join(table.get(c, c) for c in unicodedata.normalize("NFD", text)))


@lru_cache(maxsize=1)
def prototypes() -> dict[str, str]:
    """Each source character of Unicode's confusables.txt and its prototype (one character or more).

    confusable_homoglyphs keeps each line of that file both ways (source to prototype, prototype
    to source), in the file's order, with right-to-left characters between two U+200E marks. A
    prototype is never a source, so a character with one partner is a source if that partner is a
    string of several characters or has partners of its own; where two characters have only each
    other, the source is the one listed first (its line's first field)."""
    from confusable_homoglyphs.confusables import confusables_data   # 0.9 MB of JSON: read on first use

    pairs = {key.replace(_LRM, ""): {h["c"].replace(_LRM, "") for h in homoglyphs}
             for key, homoglyphs in confusables_data.items()}
    order = {key: number for number, key in enumerate(pairs)}
    table = {}
    for char, partners in pairs.items():
        if len(char) == 1 and len(partners) == 1:
            (prototype,) = partners
            if len(prototype) > 1 or len(pairs[prototype]) > 1 or order[char] < order[prototype]:
                table[char] = prototype
    return table


def check_name(name: str, what: str | None = None) -> str:
    """The key of ``name``; raises ValueParseError if it has nothing visible (``what`` names it in
    the message, by default the name itself quoted)."""
    key = name_key(name)
    if not key:
        raise ValueParseError(f"{what or repr(name)} {NOTHING}")
    return key


def difference(name: str, other: str, limit: int = 3) -> str:
    """'U+13D9 CHEROKEE LETTER DO': the characters of ``name`` that ``other`` lacks and that a
    reader may not tell apart (beyond ASCII), so a person can see why two names differ."""
    seen, shown = set(unicodedata.normalize("NFKC", other)), []
    for char in unicodedata.normalize("NFKC", name):
        if ord(char) < 128 or char in seen:
            continue
        seen.add(char)
        label = unicodedata.name(char, "")
        shown.append(f"U+{ord(char):04X} {label}".rstrip())
        if len(shown) == limit:
            break
    return ", ".join(shown)
