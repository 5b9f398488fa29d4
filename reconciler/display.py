"""Stored values as text a person can read and no terminal or page acts on.

Everything stored was typed by somebody else. :func:`visible` writes the characters that are
not meant to be seen (controls, bidi overrides and isolates, zero-width and tag characters) as
escapes, so that a value can neither act on a terminal nor reorder or hide inside what a reader
sees. The CLI (``cli/output.py``) and the HTML report (``reconciler/report.py``) both show
values through it, so a value reads the same in both.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Categories of characters that are not meant to be seen: controls (Cc), format characters
# (Cf: bidi controls, zero-width joiners and spaces, the BOM, tag characters), surrogates (Cs),
# unassigned code points (Cn, which a newer terminal may treat as format characters), and the
# line and paragraph separators (Zl, Zp), which some terminals break lines on.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})

# Default_Ignorable_Code_Point characters (Unicode DerivedCoreProperties.txt) outside those
# categories: they render as nothing, so a name holding one looks like a name without it.
# (The rest of that property, U+00AD, U+200B..U+200F, U+2060..U+206F, U+FEFF and the tags, is Cf.)
_IGNORABLE = re.compile(
    "[\u034f"               # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u17b4\u17b5"          # Khmer inherent vowels
    "\u180b-\u180f"         # Mongolian free variation selectors
    "\ufe00-\ufe0f"         # variation selectors
    "\U000e0000-\U000e0fff]"  # tags and the variation selectors supplement
)

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES or _IGNORABLE.match(char) is not None


def _escape(char: str) -> str:
    """The Python-style escape of one character: \\t, \\x1b, \\u202e, \\U000e0041."""
    if char in _NAMED:
        return _NAMED[char]
    point = ord(char)
    if point < 0x100:
        return f"\\x{point:02x}"
    if point < 0x10000:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def visible(value: Any, *, newlines: bool = False) -> str:
    """``value`` as text a person can read and no terminal acts on.

    Control characters, format characters (bidi overrides and isolates, zero-width characters,
    tag characters U+E0000..U+E007F, the BOM), other default-ignorable code points, separators,
    surrogates and unassigned code points are written as Python-style escapes: ESC as ``\\x1b``,
    U+202E as ``\\u202e``, U+E0041 as ``\\U000e0041``, a tab as ``\\t``. A newline is ``\\n``
    too, so that one value is one line, unless ``newlines`` is true (text the program wrote,
    meant to span lines). Everything else, markup brackets and backslashes included, is kept as
    it is: the result is safe only where nothing parses markup (the CLI's console) or
    where markup is escaped after it (the report's templates).

    The result contains none of the characters it escapes, so applying it twice changes
    nothing, and text already escaped by ``repr`` (as in the library's error messages) comes
    through unchanged.

    Other outputs must add their own escaping on top of this: HTML must also escape ``&``,
    ``<``, ``>``, ``"`` and ``'`` (the report's templates autoescape), so that a value never
    becomes a tag, an attribute or a link; CSV must be written with the ``csv`` module
    (quoting every field that holds a delimiter, quote or newline) and, for files a spreadsheet
    will open, quote every field and put a ``'`` before whatever could start a formula
    (``cli.output.neutralised``: CSV injection). CSV meant as data for programs keeps values
    exact, as ``--json`` does.

    Args:
        value: anything; None is shown as the empty string, other objects by ``str``.
        newlines: keep ``\\n`` as a line break instead of escaping it.
    Returns:
        The text to print.
    """
    text = "" if value is None else str(value)
    if text.isprintable() and not _IGNORABLE.search(text):
        return text  # the common case, at C speed: isprintable is False for Cc, Cf, Cs, Cn, Zl and Zp
    return "".join(_escape(char) if hidden(char) and not (newlines and char == "\n") else char for char in text)
