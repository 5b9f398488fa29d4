"""How much one input file may hold: the longest line, the longest field, the deepest nesting.

A careless or hostile file must be refused with a message, not exhaust memory or time (a 50 MB
line; a 1 MB place name, compared character by character with every other at each run) or
crash a parser (JSON or YAML nested 10,000 levels deep). The figures are documented in the
README's input-format section; the CLI overrides them with options or environment variables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

# The width of the columns holding names and the keys made from them (PostgreSQL enforces it).
KEY_WIDTH = 300
# The smallest and largest value each limit may be set to. Names go no wider than their columns;
# nesting no deeper than 100 keeps the parsers far from Python's recursion limit.
RANGES = {
    "line_bytes": (100, 100_000_000),
    "name_chars": (1, KEY_WIDTH),
    "text_chars": (1, 10_000_000),
    "depth": (2, 100),
}

# Fields with a format of their own have fixed widths: those of their columns.
FIXED_WIDTHS = {"date": 64, "published": 64, "killed": 100, "wounded": 100, "lat": 64, "lon": 64, "lang": 16,
                "stance": 8, "side": 200, "kind": 20}
# A number in a JSON file is at most this many characters as written (a 64-bit id has 20 digits):
# Python refuses to convert integers of more than 4,300 digits, and none of the contract's needs 40.
MAX_NUMBER_CHARS = 40


@dataclass(frozen=True)
class Limits:
    """The limits applied while reading claim and source files.

    ``line_bytes``: bytes (UTF-8) in one line of a JSON Lines or YAML file, or one record of a CSV
    file (a record may span lines inside quotes). 1,000,000: the three long fields at their
    limit, written with ``\\u`` escapes (six bytes a character, as ``json.dumps`` writes by
    default), take 900,000 bytes. ``name_chars``: each short text (ref, source, each relay, place,
    region, type, target, actor, victims; a source's name, aliases and parent). 300: the width of
    the columns that hold them; no real name is longer. ``text_chars``: each long text (text,
    note, report). 50,000: about 8,000 words, a long article quoted whole. ``depth``: levels of
    lists and objects in one record. 2: what the contract needs (a claim object and its via list;
    a source mapping and its aliases list); JSON or YAML nested deeper is refused before it is
    parsed.
    """

    line_bytes: int = 1_000_000
    name_chars: int = 300
    text_chars: int = 50_000
    depth: int = 2

    def __post_init__(self) -> None:
        for item in fields(self):
            low, high = RANGES[item.name]
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ValueError(f"limit {item.name} must be a whole number from {low:,} to {high:,}, got {value!r}")

    def width(self, field: str) -> int:
        """The most characters ``field`` may hold: its fixed width, or the limit of its kind."""
        if field in FIXED_WIDTHS:
            # A side is a name too: a lower name limit applies to it.
            return min(FIXED_WIDTHS[field], self.name_chars) if field == "side" else FIXED_WIDTHS[field]
        return self.text_chars if field in LONG_TEXTS else self.name_chars


LONG_TEXTS = ("text", "note", "report")

# NUL cannot be stored in PostgreSQL text; a lone surrogate (from a "\ud800" escape) is not a
# character at all and cannot be written as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(values: list[str]) -> bool:
    """Whether none of ``values`` holds a character that cannot be stored (:func:`text_problem`
    without the widths, for many values at once)."""
    return _UNSTORABLE.search("".join(values)) is None


def text_problem(value: str, width: int) -> str | None:
    """What is wrong with a text value for a field at most ``width`` characters wide, or None."""
    if len(value) > width:
        return f"is {len(value):,} characters long; at most {width:,}"
    bad = _UNSTORABLE.search(value)
    if bad is None:
        return None
    if bad.group() == "\x00":
        return "contains the NUL character (U+0000), which cannot be stored"
    return (f"contains \\u{ord(bad.group()):04x}, half of a UTF-16 surrogate pair, which is not a character; "
            "check the \\u escapes")


def key_width_problem(key: str) -> str | None:
    """What is wrong with the key a name is compared by (its Latin letters: 中 is 'zhong'), too
    long for its column; or None."""
    if len(key) <= KEY_WIDTH:
        return None
    return f"is {len(key):,} characters long in Latin letters, as names are compared; at most {KEY_WIDTH}"


def shown_key(key: object) -> str:
    """A field name as given, printable in a message: lone surrogates escaped, long names cut."""
    text = str(key).encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= 60 else text[:60] + "…"
