"""Event dates as claimed: a day, a month, a year or an explicit range, held as an interval.

Parsing is strict on purpose: the contract accepts ISO 8601 only (``2021-04-06``,
``2021-04``, ``2021``, ``2021-01-01/2021-04-07``). Lenient parsers guess whether
``04/06/2021`` is April or June; a fact-checking tool must not guess, so anything else is
rejected with the forms that are accepted. The standard library's ``date.fromisoformat``
and ``datetime.fromisoformat`` (complete ISO 8601 since Python 3.11) do the work.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from .errors import ValueParseError

DAY, MONTH, YEAR, RANGE = "day", "month", "year", "range"
PRECISIONS = (DAY, MONTH, YEAR, RANGE)

_EXPECTED = "expected YYYY-MM-DD, YYYY-MM, YYYY or START/END (e.g. 2021-01-01/2021-04-07)"
# ASCII digits only: \d would take the digits of every script ("٢٠٢١"), which ISO 8601 does not.
_YEAR = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True)
class DateInterval:
    """Closed interval [start, end] of days, with the precision the claim gave."""

    start: date
    end: date
    precision: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def gap_days(self, other: "DateInterval") -> int:
        """Days between the intervals; 0 when they overlap."""
        if self.end < other.start:
            return (other.start - self.end).days
        if other.end < self.start:
            return (self.start - other.end).days
        return 0

    def __str__(self) -> str:
        if self.precision == DAY:
            return self.start.isoformat()
        if self.precision == MONTH:
            return self.start.isoformat()[:7]
        if self.precision == YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def _single(text: str) -> DateInterval:
    if _YEAR.fullmatch(text):
        year = int(text)
        if year < date.min.year:
            raise ValueParseError(f"{_EXPECTED}, got {text!r}")
        return DateInterval(date(year, 1, 1), date(year, 12, 31), YEAR)
    month = _MONTH.fullmatch(text)
    if month:
        year, mon = int(month.group(1)), int(month.group(2))
        if not 1 <= mon <= 12:
            raise ValueParseError(f"month {mon} is not 1-12 in {text!r}; {_EXPECTED}")
        if year < date.min.year:
            raise ValueParseError(f"{_EXPECTED}, got {text!r}")
        last = calendar.monthrange(year, mon)[1]
        return DateInterval(date(year, mon, 1), date(year, mon, last), MONTH)
    if len(text) != 10:
        raise ValueParseError(f"{_EXPECTED}, got {text!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueParseError(f"{_EXPECTED}, got {text!r}") from None
    return DateInterval(day, day, DAY)


def parse_event_date(value: object) -> DateInterval:
    """Parse the ``date`` field. Raises :class:`ValueParseError` when it is not one of the forms."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueParseError(f"{_EXPECTED}, got nothing")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueParseError(f"{_EXPECTED}, got {value!r}")
    text = value.strip()
    if "/" in text:
        left, _, right = text.partition("/")
        try:
            start, end = _single(left.strip()), _single(right.strip())
        except ValueParseError:
            # Quote the whole value: "06/04/2021" is not a range, and "got '06'" would mislead.
            raise ValueParseError(f"{_EXPECTED}, got {text!r}") from None
        if end.end < start.start:
            raise ValueParseError(f"range ends before it starts in {text!r}; {_EXPECTED}")
        return DateInterval(start.start, end.end, RANGE)
    return _single(text)


def parse_published(value: object) -> datetime | None:
    """Parse ``published`` (ISO 8601 date or date-time) to an aware UTC datetime, or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueParseError(f"expected an ISO 8601 date or date-time, got {value!r}")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueParseError(
            f"expected an ISO 8601 date or date-time such as 2021-04-07 or 2021-04-07T10:15:00+02:00, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        # The offset carries the moment past an end of the calendar, where nothing can be stored.
        if moment.year == datetime.max.year:
            raise ValueParseError(f"{text!r} is later than 9999-12-31 23:59:59 UTC, the last moment that can be "
                                  "stored") from None
        raise ValueParseError(f"{text!r} is earlier than 0001-01-01 00:00:00 UTC, the first moment that can be "
                              "stored") from None


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days`` (either way), stopping at the ends of the calendar: a window
    around 9999-12-31 ends there, as no claim can be dated later."""
    return date.fromordinal(min(max(day.toordinal() + days, 1), date.max.toordinal()))


def widen(interval: DateInterval, days: int) -> tuple[date, date]:
    """The interval stretched by ``days`` on each side (the reporting-lag tolerance)."""
    return shift(interval.start, -days), shift(interval.end, days)
