"""When: date phrases of a sentence read against the report's date.

Absolute dates ("7 April 2021", "April 7", "7 квітня", "2021-04-06") and relative ones ("on
Tuesday", "yesterday", "this year", "since 2014", "recently") are read with the words of the
language's rule file; each gives an ISO 8601 value of the contract (a day, a month, a year or a
range) with the precision the words give, and the rule that read it.

dateparser was tried for this and left out: over 300 UCDP headlines its ``search_dates`` took
3.5 ms a headline and read "death toll rises to 28" as 28 December and "Two days of unrest" as
two days ago; the phrases a report dates its claims with are few, and a rule file reads them
without such guesses.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .rules import LanguageRules, common_rules


@dataclass(frozen=True)
class When:
    """A date as the contract writes it (``value``), the interval it covers and the rule."""

    value: str
    start: date
    end: date
    rule: str


def _day(d: date, rule: str) -> When:
    return When(d.isoformat(), d, d, rule)


def _range(start: date, end: date, rule: str) -> When:
    if start == end:
        return _day(start, rule)
    return When(f"{start.isoformat()}/{end.isoformat()}", start, end, rule)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# The compiled forms of a full date, by language rules and whether the text must be the date
# alone: built once, not for every sentence.
_FORMS: dict[tuple[int, bool], tuple[tuple[str, re.Pattern], ...]] = {}


def _date_forms(rules: LanguageRules, whole: bool) -> tuple[tuple[str, re.Pattern], ...]:
    key = (id(rules), whole)
    if key not in _FORMS:
        months = "|".join(sorted((re.escape(m) for m in rules.months), key=len, reverse=True))
        edge = (r"^\s*", r"\s*$") if whole else (r"(?<!\w)", r"(?!\w)")
        forms = (
            ("iso_date", r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
            ("day_month_year", rf"(?P<d>\d{{1,2}})\s+(?P<mn>{months})\.?(?:,?\s+(?P<y>\d{{4}}))?"),
            ("month_day_year", rf"(?P<mn>{months})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?"),
            ("month_year", rf"(?P<mn>{months})\s+(?P<y>\d{{4}})"),
        )
        _FORMS[key] = tuple((name, re.compile(edge[0] + form + edge[1], re.IGNORECASE)) for name, form in forms)
    return _FORMS[key]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def absolute_date(text: str, rules: LanguageRules, year: int | None = None) -> date | None:
    """A day written in full ("2021-04-07", "April 7, 2021", "7 квітня 2021 року"), or with no
    year when ``year`` is given; None when the text is no such day."""
    found = _absolute(text, rules, year, whole=True)
    return found.start if found is not None and found.start == found.end else None


def _absolute(text: str, rules: LanguageRules, year: int | None, whole: bool = False) -> When | None:
    for name, form in _date_forms(rules, whole):
        found = form.search(text)
        if found is None:
            continue
        groups = found.groupdict()
        y = int(groups["y"]) if groups.get("y") else year
        if y is None:
            continue
        month = int(groups["m"]) if groups.get("m") else rules.months[groups["mn"].lower()]
        if groups.get("d") is None:
            return When(f"{y:04d}-{month:02d}", date(y, month, 1), _month_end(y, month), name)
        day = _safe_date(y, month, int(groups["d"]))
        if day is not None:
            return _day(day, name)
    return None


def sentence_date(sentence: str, rules: LanguageRules, published: date, previous: When | None) -> When | None:
    """The date a sentence gives, read against ``published``; ``previous`` is the date last given
    before it (what "since then" refers to). None when the sentence gives none."""
    for rule in rules.relative_dates:
        if rule.spec.get("since_date") and (match := rule.search(sentence)):
            since = _absolute(match.group("date"), rules, published.year)
            if since is not None and since.start <= published:
                return _range(since.start, published, rule.name)
    found = _absolute(sentence, rules, published.year)
    if found is not None:
        if found.start > published and found.value.count("-") == 2:
            # "on 30 December" in a story of 2 January: last year's.
            day = _safe_date(found.start.year - 1, found.start.month, found.start.day)
            found = _day(day, found.rule) if day else None
        if found is not None:
            return found
    for rule in rules.relative_dates:
        match = rule.search(sentence)
        if match is not None:
            when = _relative(rule.spec, match, rules, published, previous)
            if when is not None:
                return when
    weekday = _weekday(sentence, rules, published)
    if weekday is not None:
        return weekday
    year = re.search(r"\b(?:in|у|в|во)\s+(?P<y>(?:19|20)\d\d)(?:\s+(?:року|году))?\b", sentence, re.IGNORECASE)
    if year is not None and int(year.group("y")) <= published.year:
        y = int(year.group("y"))
        return When(str(y), date(y, 1, 1), date(y, 12, 31), "in_year")
    return None


def _weekday(sentence: str, rules: LanguageRules, published: date) -> When | None:
    words = re.findall(r"[\w'’ʼ]+", sentence.lower())
    for word in words:
        if word in rules.weekdays:
            back = (published.weekday() - rules.weekdays[word]) % 7
            return _day(published - timedelta(days=back), "weekday")
    return None


def _relative(spec: dict, match: re.Match, rules: LanguageRules, published: date,
              previous: When | None) -> When | None:
    name = spec["name"]
    if "day" in spec:
        return _day(published + timedelta(days=int(spec["day"])), name)
    if "range_days" in spec:
        return _range(published + timedelta(days=int(spec["range_days"])), published, name)
    if spec.get("year_to_date"):
        return _range(date(published.year, 1, 1), published, name)
    if spec.get("last_month_to_date"):
        first = date(published.year - (published.month == 1), (published.month - 2) % 12 + 1, 1)
        return _range(first, published, name)
    if spec.get("since_year"):
        year = int(match.group("year"))
        return When(f"{year}/{published.isoformat()}", date(year, 1, 1), published, name) if year <= published.year else None
    if spec.get("years_ago"):
        n = match.group("n").lower()
        years = int(n) if n.isdigit() else rules.numbers.get(n)
        if years is None:
            return None
        y = published.year - years
        return When(str(y), date(y, 1, 1), date(y, 12, 31), name)
    if spec.get("since_war"):
        starts = [d for d in common_rules().war_starts if d <= published]
        return _range(starts[-1], published, name) if starts else None
    if spec.get("since_previous") and previous is not None:
        start = previous.value.split("/")[0]
        return When(f"{start}/{published.isoformat()}", previous.start, published, name)
    return None
