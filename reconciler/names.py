"""Source names as identities: the key a name is stored under, and the names that look alike.

A name's **key** identifies a source: two names with one key are one source. It is the name
folded with Unicode's NFKC_Casefold (NFKC, full case folding, and the removal of every
Default_Ignorable_Code_Point: zero-width characters, tag characters, variation selectors, the
soft hyphen, bidi controls...), then transliterated to ASCII, lower-cased and stripped of
punctuation (:func:`reconciler.places.ascii_key`), so "ЗСУ", "zsu" and "ZSU" are one name, and
"Gen\\U000E0041eral" is "General". Names that folded to a key before NFKC_Casefold was added
keep it (the migration source_identity rewrote the keys of the others).

Two names **look alike** when they have different keys but the same confusable *skeleton*
(Unicode Technical Standard #39, section 4, computed by ICU's SpoofChecker from Unicode's
confusables data): "Ꮩaldorian" (Cherokee) and "Valdorian", "Armed" and "Arrned". The skeleton
is compared in ASCII key form, of the folded name and of the name before case folding (so a
capital I and an l look alike, as they do in most fonts); either match counts.

The Unicode data is ICU's (PyICU over the system's ICU library), so the keys, the ignorable
code points and the confusables come from one Unicode version.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

from .errors import ValueParseError
from .places import ascii_key

_NFKC_CASEFOLD = icu.Normalizer2.getInstance(None, "nfkc_cf", icu.UNormalizationMode2.COMPOSE)
_NFKC = icu.Normalizer2.getNFKCInstance()
_SPOOF = icu.SpoofChecker()
IGNORABLE = icu.UnicodeSet("[:Default_Ignorable_Code_Point:]")
# The same set as a regular expression, built from ICU's ranges (none typed by hand).
_IGNORABLE_RE = re.compile("[" + "".join(f"{re.escape(a)}-{re.escape(b)}" for a, b in IGNORABLE.ranges()) + "]")

NO_LETTERS = ("has no letters or digits; a source's name needs some "
              "(punctuation, spaces and invisible characters are ignored in names)")


def fold(name: str) -> str:
    """NFKC_Casefold of ``name``: compatibility forms and case folded, ignorable code points removed."""
    return _IGNORABLE_RE.sub("", _NFKC_CASEFOLD.normalize(name))


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """The key ``name`` is stored and found under; '' for a name without letters or digits."""
    return ascii_key(fold(name))


@lru_cache(maxsize=8192)
def lookalike_keys(name: str) -> frozenset[str]:
    """The ASCII forms of the UTS #39 skeletons of ``name``, folded and as cased (see the module)."""
    cased = _IGNORABLE_RE.sub("", _NFKC.normalize(name))
    keys = {ascii_key(_SPOOF.getSkeleton(0, fold(name))), ascii_key(_SPOOF.getSkeleton(0, cased))}
    return frozenset(keys - {""})


def check_name(name: str, what: str | None = None) -> str:
    """The key of ``name``; raises ValueParseError if it has none (``what`` names it in the
    message, by default the name itself quoted)."""
    key = name_key(name)
    if not key:
        raise ValueParseError(f"{what or repr(name)} {NO_LETTERS}")
    return key


def difference(name: str, other: str, limit: int = 3) -> str:
    """'U+13D9 CHEROKEE LETTER DO': the characters of ``name`` that ``other`` lacks and that a
    reader may not tell apart (beyond ASCII), so a person can see why two names differ."""
    seen, shown = set(_NFKC.normalize(other)), []
    for char in _NFKC.normalize(name):
        if ord(char) < 128 or char in seen:
            continue
        seen.add(char)
        label = unicodedata.name(char, "")
        shown.append(f"U+{ord(char):04X} {label}".rstrip())
        if len(shown) == limit:
            break
    return ", ".join(shown)
