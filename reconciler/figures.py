"""Casualty figures as written ("more than 40", "two", "3-5") parsed into integer intervals.

A figure is an interval ``(low, high)`` of whole numbers; ``high`` is None when the claim
puts no upper bound on it ("more than 40", "at least 3", "dozens"). The text is always kept
beside the interval, so the parse is an aid to comparison, never a replacement.

Vague words are mapped to deliberately wide intervals, documented in the README:
"about N" spans 80 % to 120 % of N, "dozens" is at least 24, "several" is 3 to 9.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import ValueParseError

_UNITS = {
    "zero": 0, "no": 0, "none": 0, "nobody": 0, "no one": 0, "one": 1, "a": 1, "an": 1, "single": 1,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

# Ukrainian and Russian number words, with the collective forms reports use ("двоє загиблих",
# "трое раненых") and the oblique cases of the small ones ("двох", "троих").
_UNITS |= {
    "нуль": 0, "жодного": 0, "ноль": 0, "ни одного": 0, "ніхто": 0, "никто": 0,
    "один": 1, "одна": 1, "одне": 1, "одно": 1, "одного": 1, "одну": 1,
    "два": 2, "дві": 2, "две": 2, "двоє": 2, "двое": 2, "двох": 2, "двух": 2, "двоих": 2,
    "три": 3, "троє": 3, "трое": 3, "трьох": 3, "трех": 3, "трёх": 3, "троих": 3,
    "чотири": 4, "четверо": 4, "чотирьох": 4, "четыре": 4, "четырех": 4, "четырёх": 4, "четверых": 4,
    "п'ять": 5, "п'ятеро": 5, "п'ятьох": 5, "пять": 5, "пятеро": 5, "пятерых": 5,
    "шість": 6, "шестеро": 6, "шесть": 6, "сім": 7, "семеро": 7, "семь": 7, "вісім": 8, "восьмеро": 8,
    "восемь": 8, "дев'ять": 9, "дев'ятеро": 9, "девять": 9, "девятеро": 9, "десять": 10, "десятеро": 10,
    "одинадцять": 11, "одиннадцать": 11, "дванадцять": 12, "двенадцать": 12, "тринадцять": 13,
    "тринадцать": 13, "чотирнадцять": 14, "четырнадцать": 14, "п'ятнадцять": 15, "пятнадцать": 15,
    "шістнадцять": 16, "шестнадцать": 16, "сімнадцять": 17, "семнадцать": 17, "вісімнадцять": 18,
    "восемнадцать": 18, "дев'ятнадцять": 19, "девятнадцать": 19,
    # collective forms in the accusative and genitive: "поранено шістьох людей", "ранили семерых"
    "шістьох": 6, "сімох": 7, "вісьмох": 8, "восьмох": 8, "дев'ятьох": 9, "десятьох": 10,
    "шестерых": 6, "семерых": 7, "восьмерых": 8, "девятерых": 9, "десятерых": 10,
    # genitive, after "не менее", "более", "понад": "не менее пяти", "понад десяти"
    "п'яти": 5, "пяти": 5, "шести": 6, "семи": 7, "восьми": 8, "дев'яти": 9, "девяти": 9, "десяти": 10,
}
_TENS |= {
    "двадцять": 20, "двадцать": 20, "тридцять": 30, "тридцать": 30, "сорок": 40, "п'ятдесят": 50,
    "пятьдесят": 50, "шістдесят": 60, "шестьдесят": 60, "сімдесят": 70, "семьдесят": 70, "вісімдесят": 80,
    "восемьдесят": 80, "дев'яносто": 90, "девяносто": 90,
}
_HUNDREDS = {
    "сто": 100, "двісті": 200, "двести": 200, "триста": 300, "чотириста": 400, "четыреста": 400,
    "п'ятсот": 500, "пятьсот": 500, "шістсот": 600, "шестьсот": 600, "сімсот": 700, "семьсот": 700,
    "вісімсот": 800, "восемьсот": 800, "дев'ятсот": 900, "девятьсот": 900,
}
_SCALES |= {"тисяча": 1000, "тисячі": 1000, "тисяч": 1000, "тысяча": 1000, "тысячи": 1000, "тысяч": 1000,
            "мільйон": 10**6, "мільйони": 10**6, "мільйонів": 10**6, "миллион": 10**6, "миллиона": 10**6,
            "миллионов": 10**6}
# Plural scales after a vague quantity: "hundreds of thousands", "десятки тисяч", "кілька сотень".
_PLURAL_SCALES = {"hundreds": 100, "thousands": 1000, "millions": 10**6, "сотень": 100, "сотен": 100}

# Vague quantities: (low, high). Chosen wide on purpose so that two honest vague
# reports of one incident do not look contradictory.
_VAGUE = {
    "a couple": (2, 2), "couple": (2, 2), "a few": (2, 5), "few": (2, 5),
    "several": (3, 9), "some": (1, None), "many": (5, None), "multiple": (2, None),
    "dozens": (24, None), "scores": (40, None), "hundreds": (200, None),
    "thousands": (2000, None), "tens": (20, None), "a dozen": (12, 12), "dozen": (12, 12),
    "кілька": (3, 9), "декілька": (3, 9), "несколько": (3, 9), "кількох": (3, 9), "декількох": (3, 9),
    "нескольких": (3, 9), "десятки": (20, None), "сотні": (200, None),
    "сотни": (200, None), "тисячі": (2000, None), "тысячи": (2000, None), "тисяч": (2000, None), "тысяч": (2000, None),
}

_LOWER = ("more than", "over", "above", "upwards of", "in excess of", "exceeding",
          "понад", "більше ніж", "більш ніж", "більше за", "більше", "свыше", "более чем", "более", "больше чем",
          "больше")
_AT_LEAST = ("at least", "no fewer than", "no less than", "not less than", "a minimum of", "minimum",
             "щонайменше", "принаймні", "не менше ніж", "не менш ніж", "не менше", "мінімум", "не менее",
             "по меньшей мере", "как минимум", "минимум")
_UPPER_INCL = ("up to", "at most", "no more than", "not more than", "a maximum of", "maximum",
               "до", "не більше ніж", "не більше", "максимум", "не более", "не больше")
_UPPER_EXCL = ("fewer than", "less than", "under", "below", "менше ніж", "менше", "менее", "меньше")
_ABOUT = ("about", "around", "approximately", "roughly", "some", "nearly", "almost", "circa", "ca.", "approx.", "~",
          "близько", "приблизно", "майже", "около", "примерно", "почти")
_APOSTROPHE = re.compile(r"[’‘ʼʹ`´\u02bc\u02b9]")

# The largest value an INTEGER column holds on every backend (PostgreSQL's is 32-bit): a larger
# "figure" is a typo, and storing it would fail with an overflow instead of a message.
MAX_FIGURE = 2**31 - 1

# ASCII digits only: str.isdigit and \d take superscripts and other scripts' digits, which int()
# then refuses or reads in ways nobody wrote ("²").
_NUMBER = re.compile(r"[0-9]{1,3}(?:[,\u00a0 ][0-9]{3})+|[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
# A decimal before scale words: "1.5 thousand", "2.25 million".
_DECIMAL = re.compile(r"([0-9]+)\.([0-9]+)((?:\s+\S+)+)")
# "3-5" is a range, "twenty-four" one number: a range is tried only where no number reads whole.
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|\bto\b|/)\s*")


@dataclass(frozen=True)
class Figure:
    """A parsed figure: ``low`` ≤ true value ≤ ``high`` (None: unbounded above)."""

    low: int
    high: int | None

    def overlaps(self, other: "Figure") -> bool:
        """True when both can be true at once (the intervals share a whole number)."""
        return intervals_overlap((self.low, self.high), (other.low, other.high))

    def __str__(self) -> str:
        return interval_text(self.low, self.high)


def intervals_overlap(a: tuple[int, int | None], b: tuple[int, int | None]) -> bool:
    """Whether two figure intervals (low, high; high None = unbounded) share a whole number."""
    if a[1] is not None and b[0] > a[1]:
        return False
    if b[1] is not None and a[0] > b[1]:
        return False
    return True


def figures_relation(a: tuple[int, int | None], b: tuple[int, int | None], far_ratio: float,
                     far_gap: int) -> str:
    """'agree' when two figure intervals can both be true; 'far' when they are far apart (the larger
    more than ``far_ratio`` times the smaller and more than ``far_gap`` above it, or none against
    some); else 'close': a toll counted differently (2 and 3 killed), which casualty recorders
    publish as a range rather than call a contradiction."""
    if intervals_overlap(a, b):
        return "agree"
    lower, upper = (a, b) if a[1] is not None and a[1] < b[0] else (b, a)
    small, large = lower[1], upper[0]
    if small == 0 or (large > far_ratio * small and large - small > far_gap):
        return "far"
    return "close"


def interval_text(low: int, high: int | None) -> str:
    """'2', '3–5' or '≥41': how figures are shown everywhere."""
    if high is None:
        return f"≥{low}"
    return str(low) if low == high else f"{low}–{high}"


def tally_text(tally: dict | None) -> str:
    """An event's figure ({"low", "best", "high"}, as events give it) for people: '3', '3 (≥3)',
    '1 (1–4)'; the empty string when unknown."""
    if not tally:
        return ""
    low, best, high = tally["low"], tally["best"], tally["high"]
    span = interval_text(low, high)
    return span if best is None or span == str(best) else f"{best} ({span})"


class _TooLarge(Exception):
    """A number written with more digits than any figure can have."""


def _digits(text: str) -> int:
    # More than 18 digits is far beyond MAX_FIGURE; int() of thousands of digits is refused or slow.
    if len(text) > 18:
        raise _TooLarge
    return int(text)


def _words_to_int(text: str) -> int | None:
    """'twenty-four' → 24, '13,000' → 13000, 'two hundred' → 200, 'two thousand million' →
    2,000,000,000, '1.5 thousand' → 1500; None if not a number."""
    text = text.strip()
    if _NUMBER.fullmatch(text):
        return _digits(re.sub(r"[,\u00a0 ]", "", text))
    if text in _UNITS:   # "ни одного": one number in two words
        return _UNITS[text]
    decimal = _DECIMAL.fullmatch(text)
    if decimal:
        return _scaled(decimal.group(1), decimal.group(2), decimal.group(3).split())
    words = re.split(r"[\s-]+", text.replace(" and ", " "))
    if not words or words == [""]:
        return None
    # total: the parts closed by a scale of a thousand or more (top, the largest so far); current:
    # the part being read ("two hundred" of "two hundred thousand").
    total, current, seen, last, hundreds, top = 0, 0, False, None, False, 0
    for word in words:
        # A unit or a ten only after a larger part ("twenty-four", "сто двадцять"): "two-three"
        # and "двоє-троє" are ranges, not sums (read by the caller).
        if word in _UNITS or word in _TENS or _DIGITS.fullmatch(word):
            kind = "ten" if word in _TENS else "unit"
            if last == "unit" or (last == "ten" and kind == "ten"):
                return None
            current += _digits(word) if _DIGITS.fullmatch(word) else _UNITS.get(word, _TENS.get(word, 0))
            last = kind
        elif word in _HUNDREDS:
            if (last is not None and last != "scale") or hundreds:
                return None
            current += _HUNDREDS[word]
            last, hundreds = "hundred", True
        elif word in _SCALES:
            scale = _SCALES[word]
            if scale < 1000:
                if hundreds:
                    return None   # "two hundred three hundred": two numbers (a range), not one
                current, hundreds = max(current, 1) * scale, True
            elif current == 0 and last == "scale":
                # A scale straight after a smaller one multiplies all before it: "two thousand
                # million" is 2 × 1,000 × 1,000,000. After a larger one it names no number.
                if top >= scale:
                    return None
                total, top = total * scale, scale
            else:
                if 0 < top < scale:   # "one thousand two hundred million": (1,000 + 200) × 1,000,000
                    total, top = (total + current) * scale, scale
                else:                 # "two million three hundred thousand": 2,000,000 + 300 × 1,000
                    total, top = total + max(current, 1) * scale, max(top, scale)
                current, hundreds = 0, False
            last = "scale"
        else:
            return None
        seen = True
    return total + current if seen else None


def _scaled(whole: str, fraction: str, scales: list[str]) -> int | None:
    """``whole``.``fraction`` times the scale words, when every word is one and the product is a
    whole number: ('1', '5', ['thousand']) → 1500; ('1', '2345', ['thousand']) → None."""
    factor = 1
    for word in scales:
        if word not in _SCALES:
            return None
        factor *= _SCALES[word]
    numerator, denominator = _digits(whole + fraction) * factor, 10 ** len(fraction)
    return numerator // denominator if numerator % denominator == 0 else None


def _vague(text: str) -> tuple[int, int | None] | None:
    """A vague quantity, alone ('dozens') or of a scale ('hundreds of thousands', 'a few thousand',
    'десятки тисяч'): its interval times the scales; None if the text is not one."""
    if text in _VAGUE:
        return _VAGUE[text]
    words = text.split()
    for cut in range(1, len(words)):
        quantity, scales = " ".join(words[:cut]), words[cut:]
        if quantity not in _VAGUE:
            continue
        if scales[0] == "of":
            scales = scales[1:]
        if not scales or not all(w in _SCALES or w in _PLURAL_SCALES for w in scales):
            return None
        factor = math.prod(_SCALES.get(w) or _PLURAL_SCALES[w] for w in scales)
        low, high = _VAGUE[quantity]
        return low * factor, None if high is None else high * factor
    return None


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str | None:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if text == prefix:
            continue
        if text.startswith(prefix + " ") or (not prefix[-1].isalpha() and text.startswith(prefix)):
            return text[len(prefix):].strip()
    return None


def parse_figure(value: object) -> Figure | None:
    """Parse a casualty figure as written. Empty or None gives None (not stated).

    Raises :class:`ValueParseError` naming what was expected when the text is not a figure.
    """
    try:
        figure = _parse_figure(value)
    except _TooLarge:
        figure = Figure(MAX_FIGURE + 1, None)
    if figure is not None and max(figure.low, figure.high or 0) > MAX_FIGURE:
        raise ValueParseError(f"expected a casualty figure of at most {MAX_FIGURE:,}, got {value!r}")
    return figure


def _parse_figure(value: object) -> Figure | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueParseError(f"expected a number or text such as 'two', 'at least 3', got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueParseError(f"expected a number ≥ 0, got {value}")
        return Figure(value, value)
    if isinstance(value, float):
        if value < 0 or not value.is_integer():
            raise ValueParseError(f"expected a whole number ≥ 0, got {value}")
        return Figure(int(value), int(value))
    text = _APOSTROPHE.sub("'", " ".join(str(value).lower().split()))
    if not text:
        return None
    figure = _parse_text(text.rstrip("."))
    if figure is None:
        raise ValueParseError(
            f"expected a casualty figure such as '2', 'two', 'more than 40', 'at least 3', "
            f"'up to 5', '3-5', 'about 10' or 'dozens', got {str(value)!r}"
        )
    return figure


def _parse_text(text: str) -> Figure | None:
    if text.endswith("+"):
        n = _words_to_int(text[:-1])
        return Figure(n, None) if n is not None else None
    # A vague word first: "тисячі" alone is "thousands", though "5 тисяч" is 5,000.
    if text in _VAGUE:
        return Figure(*_VAGUE[text])
    n = _words_to_int(text)
    if n is not None:
        return Figure(n, n)
    vague = _vague(text)
    if vague is not None:
        return Figure(*vague)
    for prefixes, make in (
        (_LOWER, lambda low, high: Figure(low + 1, None)),
        (_AT_LEAST, lambda low, high: Figure(low, None)),
        (_UPPER_INCL, lambda low, high: Figure(0, high)),
        (_UPPER_EXCL, lambda low, high: Figure(0, high - 1) if high > 0 else None),
        (_ABOUT, lambda low, high: Figure(math.floor(0.8 * low), math.ceil(1.2 * high))),
    ):
        rest = _strip_prefix(text, prefixes)
        if rest is None:
            continue
        n = _words_to_int(rest)
        if n is not None:
            return make(n, n)
        vague = _vague(rest)
        if vague is not None and prefixes in (_LOWER, _AT_LEAST, _ABOUT):
            low, high = vague
            return Figure(low, None if prefixes is not _ABOUT else high)
        span = _range(rest)   # "about 2-3", "up to 2-3": the prefix applies to the range's ends
        return make(*span) if span else None
    span = _range(text)
    return Figure(*span) if span else None


def _range(text: str) -> tuple[int, int] | None:
    """'3-5', '3 to 5', 'twenty-one-twenty-five', 'two-three hundred' (both ends hundreds):
    (low, high), trying every place the text could be split; None if no split gives a range."""
    for sep in _RANGE_SEP.finditer(text):
        left, right = text[:sep.start()].strip(), text[sep.end():].strip()
        if not left or not right:
            continue
        low, high = _words_to_int(left), _words_to_int(right)
        if high is None:
            continue
        # The scale words ending the right end apply to the left too, where that reads in order:
        # "2-3 thousand" is 2,000 to 3,000, "two-three hundred thousand" 200,000 to 300,000.
        words = right.split()
        cut = len(words)
        while cut > 1 and words[cut - 1] in _SCALES:
            cut -= 1
        if cut < len(words) and left.split()[-1] not in _SCALES:
            shared = _words_to_int(f"{left} {' '.join(words[cut:])}")
            if shared is not None and shared <= high:
                low = shared
        if low is not None and low <= high:
            return low, high
    return None
