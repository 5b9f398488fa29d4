"""Event datasets (UCDP GED, ACLED) read as claims: one claim per original source an event lists.

A dataset is a relay, not an origin. UCDP and ACLED code events from what others said; what
makes an event corroborated is who those others were. So each row becomes one claim per
source it names (UCDP ``source_original``, ACLED ``source``, split on ``;``), made by that
source and relayed via the dataset (``via`` = ["UCDP GED"] or ["ACLED"]). A row built on the
Ukrainian army's word alone is the army's claim, relayed: it corroborates nothing else the army
said; a row built on the army and the OSCE mission is two claims with two origins.

:func:`read_dataset_file` turns a file into the import contract's rows and validates them with
:func:`reconciler.reading.validate_row`, so that an import of a dataset checks, stores, updates
and refuses exactly as an import of a claim file does. Problems name the dataset's own column
(``field 'date_prec'``), not the contract field built from it. :func:`missing_upstream` lists
the claims an earlier export gave that a newer one no longer does. The whole mapping, column
by column, is in docs/datasets.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InputError, Problem
from .limits import Limits, shown_key
from .models import Claim, ClaimRelay, Source
from .names import name_key
from .reading import ClaimInput, validate_row
from .sources import SourceIndex
from .textfiles import Lines, csv_header, csv_records


@dataclass(frozen=True)
class Dataset:
    """One kind of dataset file: how its rows become claims."""

    key: str                     # "ucdp", "acled": the --format and the refs' prefix
    relay: str                   # the source every claim is relayed via
    required: tuple[str, ...]    # the columns a file must have
    event_column: str            # the column holding the event's stable id
    claims_of: Callable[["_Row"], list[dict]]
    column_of: dict[str, str]    # contract field -> the dataset column it comes from
    date_columns: tuple[str, ...] = ()   # the columns holding days (their slash dates: one order a file)
    year_column: str | None = None       # the column giving the event's year, checked against its days


@dataclass(frozen=True)
class DatasetFile:
    """A dataset file read: its claims (validated contract rows), its events' ids, the
    (country, month) pairs its claims cover (see :func:`_scope_of`) and the (source as written,
    ref) of each claim."""

    name: str
    dataset: Dataset
    claims: list[ClaimInput]
    events: frozenset[str]
    scope: frozenset[tuple[str | None, str]]
    given: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class MissingClaim:
    """A stored claim an earlier export of the dataset gave and this one does not: ``event_gone``
    when the event itself is no longer in the export, else the event no longer lists the source."""

    claim_id: int
    ref: str
    source: str
    event: str
    event_gone: bool

    def as_dict(self) -> dict:
        return {"claim_id": self.claim_id, "ref": self.ref, "source": self.source, "event": self.event,
                "reason": "event no longer in the export" if self.event_gone else "event no longer lists this source"}


class _Row:
    """One record of a dataset file being read: its values by column, and the problems found;
    ``order`` is the order of the file's slash dates ("mdy", "dmy"; None when it is unknown,
    which the file's own problem says), ``basis`` what says so, ``year_column`` the column
    giving the event's year (None: not checked); ``unread`` the columns left unread for a
    problem of the whole file."""

    def __init__(self, name: str, line: int, values: dict[str, str], problems: list[Problem],
                 order: str | None = None, basis: str = "", year_column: str | None = None):
        self.name, self.line, self.values, self.problems = name, line, values, problems
        self.order, self.basis, self.year_column = order, basis, year_column
        self.unread: set[str] = set()

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.name, self.line, column, message))

    def code(self, column: str, codes: dict[str, str], what: str) -> str | None:
        """The column's value when it is one of ``codes`` (a problem otherwise)."""
        value = self.get(column)
        if value in codes:
            return value
        shown = ", ".join(f"{c} ({meaning})" for c, meaning in codes.items())
        self.problem(column, f"expected {what}: {shown}; got {value!r}")
        return None

    def count(self, column: str, required: bool = True) -> int | None:
        """The column as a whole number of people (None when empty and not required)."""
        value = self.get(column)
        if not value and not required:
            return None
        if re.fullmatch(r"[0-9]{1,9}(?:\.0+)?", value):
            return int(value.split(".")[0])
        self.problem(column, f"expected a whole number of deaths, such as 0 or 12, got {value!r}")
        return None


# --- what the codes mean (the UCDP GED and ACLED codebooks) ----------------------------------

UCDP_DATE_PRECISION = {"1": "exact day", "2": "within 2-6 days", "3": "the week", "4": "within 8-30 days or the month",
                       "5": "more than a month"}
UCDP_PLACE_PRECISION = {"1": "exact location", "2": "within 25 km of the place", "3": "second-order division (adm_2)",
                        "4": "first-order division (adm_1)", "5": "part of a country, a line or an area",
                        "6": "country", "7": "international waters or airspace"}
UCDP_VIOLENCE = {"1": "state-based armed conflict", "2": "non-state conflict", "3": "one-sided violence"}
ACLED_TIME_PRECISION = {"1": "exact day", "2": "the week", "3": "the month"}
ACLED_GEO_PRECISION = {"1": "exact location", "2": "near the place, or part of it", "3": "the region"}
# Older exports code an actor's type as a number, newer ones as words; 0: no second actor.
ACLED_INTER = {"0": None, "1": "State forces", "2": "Rebel group", "3": "Political militia", "4": "Identity militia",
               "5": "Rioters", "6": "Protesters", "7": "Civilians", "8": "External/Other forces"}
# ACLED's sub-event types that name a weapon more than one way read as their generic word:
# "Shelling/artillery/missile attack" read word by word would be artillery, not any shelling.
ACLED_TYPES = {"shelling/artillery/missile attack": "shelling", "air/drone strike": "air strike",
               "remote explosive/landmine/ied": "explosive", "grenade": "explosive", "suicide bomb": "explosive",
               "armed clash": "armed clash"}

# "MemoryBook (x2)", "Memorybook x3": UCDP counts the articles of one source; the source is one.
_TIMES = re.compile(r"\s*(?:\(\s*x\s*[0-9]+\s*\)|\bx\s*[0-9]+)\s*$", re.IGNORECASE)
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?")
_SLASH_DAY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?: +[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?: *[AP]M)?)?",
                     re.IGNORECASE)
_NAMED_DAY = re.compile(r"([0-9]{1,2})[ -]([A-Za-z]+)[ -]([0-9]{4})")
_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}


DATE_ORDERS = {"mdy": "month/day/year", "dmy": "day/month/year"}


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")


def _slash_days(value: str) -> dict[str, date] | None:
    """A date written with slashes (``1/22/2014``, ``22/01/2014 00:00``) as the day it is in
    each order it can be read in (none, one or both of "mdy", "dmy"); None when it is not one."""
    match = _SLASH_DAY.fullmatch(value)
    if not match:
        return None
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    days = {}
    for order, (month, day) in (("mdy", (first, second)), ("dmy", (second, first))):
        try:
            days[order] = date(year, month, day)
        except ValueError:
            continue
    return days


def _date_order(name: str, records: list[tuple[int, dict[str, str]]], columns: tuple[str, ...],
                given: str | None) -> tuple[str | None, str, list[Problem]]:
    """The order of a file's slash dates, decided once for the whole file: ``given`` ("mdy",
    "dmy") when the caller says; else the one order that the dates readable one way only
    (``1/22/2014``: month first; ``22/1/2014``: day first) agree on. A file with dates of both
    kinds, or whose every slash date reads as a day both ways (``3/4/2031``), has a problem
    (remedy "date_order": the caller may say the order): nothing is guessed. Gives the order
    (None when unknown), what says so (for the rows' messages) and the problems."""
    only: dict[str, tuple[int, str, str]] = {}   # order -> the first date readable that way only
    either = None                                # the first date readable both ways
    for line, values in records:
        for column in columns:
            value = (values.get(column) or "").strip()
            days = _slash_days(value)
            if days and len(days) == 1:
                only.setdefault(next(iter(days)), (line, column, value))
            elif days:
                either = either or (line, column, value, days)
    if given is not None:
        return given, "the order given", []
    if len(only) == 2:   # named on the line of the earlier of the two
        (first, (line, column, value)), (second, (other_line, other_column, other)) = sorted(
            only.items(), key=lambda item: item[1][0])
        return None, "", [Problem(name, line, column, (
            f"{value!r} can only be read {DATE_ORDERS[first]}, but line {other_line}, field '{other_column}' "
            f"({other!r}) can only be read {DATE_ORDERS[second]}: the file mixes both orders; expected one "
            "order throughout the file (nothing is guessed)"))]
    if only:
        order, (line, column, value) = next(iter(only.items()))
        return order, f"the file's order: line {line}, field '{column}' is {value!r}", []
    if either is not None:
        line, column, value, days = either
        readings = " or ".join(f"{_shown_day(days[o])} ({DATE_ORDERS[o]})" for o in DATE_ORDERS)
        return None, "", [Problem(name, line, column, (
            f"{value!r} reads as {readings}, and every date of the file written with slashes reads "
            "both ways: their order is unknown, and nothing is guessed"), remedy="date_order")]
    return None, "", []


def _shown_day(day: date) -> str:
    """``4 March 2031``, in English whatever the locale."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _day(row: _Row, column: str, forms: str) -> date | None:
    """The column as a day: ISO (``2014-01-22``, a time after it allowed), a date written with
    slashes in the file's order (``1/22/2014 12:00:00 AM``, as a spreadsheet in US settings saves
    UCDP's file; ``22/1/2014`` in others: see :func:`_date_order`) or ``24 February 2022``
    (ACLED's export). A problem otherwise: nothing is guessed. The day's year must be the one
    the row's year column gives, when it has one."""
    value = row.get(column)
    parts = None
    if match := _ISO_DAY.fullmatch(value):
        parts = int(match[1]), int(match[2]), int(match[3])
    elif (days := _slash_days(value)) is not None:
        if not days:
            row.problem(column, "is not a day of the calendar read either way (month/day/year or day/month/year): "
                                f"expected a date such as {forms}, got {value!r}")
            return None
        if row.order is None:   # unknown: the file's own problem says so
            row.unread.add(column)
            return None
        if row.order not in days:
            row.problem(column, f"is not a day of the calendar read {DATE_ORDERS[row.order]} ({row.basis}): "
                                f"got {value!r}")
            return None
        found = days[row.order]
        parts = found.year, found.month, found.day
    elif (match := _NAMED_DAY.fullmatch(value)) and match[2].lower() in _MONTHS:
        parts = int(match[3]), _MONTHS[match[2].lower()], int(match[1])
    if parts is None:
        row.problem(column, f"expected a date such as {forms}, got {value!r}")
        return None
    try:
        day = date(*parts)
    except ValueError:
        row.problem(column, f"is not a day of the calendar: expected a date such as {forms}, got {value!r}")
        return None
    if row.year_column and (year := row.get(row.year_column)):
        if not re.fullmatch(r"[0-9]{4}", year):
            row.problem(row.year_column, f"expected the event's year, such as 2014, got {year!r}")
        elif int(year) != day.year:
            row.problem(column, f"is in {day.year}, but {row.year_column!r} says {year}: expected a day of the "
                                f"event's year, got {value!r}")
    return day


def _sources(text: str) -> list[str]:
    """The names a ``;``-separated list gives, each once (by its key), article counts left out."""
    names: dict[str, str] = {}
    for part in text.split(";"):
        name = _TIMES.sub("", part).strip()
        if name:
            names.setdefault(name_key(name) or name, name)
    return list(names.values())


def _slug(name: str) -> str:
    """The part of a ref that tells one source of an event from another: its key, short."""
    key = (name_key(name) or name).replace(" ", "-")
    return key if len(key) <= 60 else key[:48] + "~" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:11]


def _deaths(low: int | None, best: int | None, high: int | None) -> str | None:
    """UCDP's estimates as one figure: the interval from the least to the most of them (UCDP's
    low to high; a row whose estimates are out of order keeps them all inside)."""
    given = [n for n in (low, best, high) if n is not None]
    if not given:
        return None
    least, most = min(given), max(given)
    return str(least) if least == most else f"{least}-{most}"


# --- UCDP GED ---------------------------------------------------------------------------------

def _ucdp_claims(row: _Row) -> list[dict]:
    event = row.get("id")
    if not event:
        row.problem("id", "is required: UCDP's event id")
    start = _day(row, "date_start", "2014-01-22 or 1/22/2014")
    end = _day(row, "date_end", "2014-01-22 or 1/22/2014")
    date_prec = row.code("date_prec", UCDP_DATE_PRECISION, "a UCDP date precision code")
    where_prec = row.code("where_prec", UCDP_PLACE_PRECISION, "a UCDP place precision code")
    violence = row.code("type_of_violence", UCDP_VIOLENCE, "a UCDP type of violence")
    low, best, high = row.count("low", False), row.count("best"), row.count("high", False)
    deaths = {c: row.count(c, False) for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")}
    if start and end and end < start:
        row.problem("date_end", f"is before date_start ({start.isoformat()}); expected the event's last possible day")
        end = None
    sources = _sources(row.get("source_original"))
    # No original source named: the outlets UCDP read say it, whoever they quoted (see cites_outlet).
    office = not sources
    sources = sources or _sources(row.get("source_office"))
    if not sources:
        row.problem("source_original", "is empty, and so is source_office; expected who the event's figures come "
                                       "from, ';' between sources")
    if None in (start, end, date_prec, where_prec, violence) or not event or not sources:
        sources = sources or [""]   # refused; its claims are still built, to check its other columns
    side_a, side_b = row.get("side_a"), row.get("side_b")
    civilians, unknown = deaths["deaths_civilians"], deaths["deaths_unknown"]
    victims = None
    if best:
        victims = ("civilians" if civilians == best else "combatants" if civilians == 0 and unknown == 0
                   else "people")
    placed = where_prec in ("1", "2")
    first_order = where_prec in ("1", "2", "3", "4", "5")
    published = _first_day(row.get("source_date")) or _first_day(row.get("source_article"))
    base = {
        "date": (start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}") if start and end
        else None,
        "place": row.get("where_coordinates") if placed else None,
        "lat": row.get("latitude") if placed else None, "lon": row.get("longitude") if placed else None,
        "region": row.get("adm_1") if first_order else None,
        # No type: UCDP's type of violence is not a kind of incident ("state-based" covers shelling
        # and sniper fire alike); as for any claim without one, the kind is read from the text.
        # Only one-sided violence names who did it: in a conflict UCDP codes both sides, not who fired.
        "actor": side_a if violence == "3" else None,
        "victims": victims, "killed": _deaths(low, best, high),
        "report": row.get("source_article") or row.get("source_headline"),
        "published": published, "text": row.get("source_headline"),
    }
    figures = ", ".join(f"{label} {value}" for label, value in (("low", low), ("high", high)) if value is not None)
    split = ", ".join(f"{label} {deaths[c]}" for label, c in (("side A", "deaths_a"), ("side B", "deaths_b"),
                      ("civilians", "deaths_civilians"), ("unknown", "deaths_unknown")) if deaths[c] is not None)
    note = "; ".join(part for part in (
        f"UCDP GED event {event}" + (f" ({row.get('relid')})" if row.get("relid") else ""),
        _ucdp_country(row.get("country_id"), row.get("country")),
        f"{UCDP_VIOLENCE.get(violence, '?')}: {side_a or '?'} – {side_b or '?'}",
        f"date_prec {date_prec} ({UCDP_DATE_PRECISION.get(date_prec, '?')})",
        f"where_prec {where_prec} ({UCDP_PLACE_PRECISION.get(where_prec, '?')})"
        + "".join(f", {c} {row.get(c)}" for c in ("where_description", "adm_2") if row.get(c)),
        f"deaths best {best}" + (f" ({figures})" if figures else "") + (f"; {split}" if split else ""),
        f"event_clarity {row.get('event_clarity')}" if row.get("event_clarity") else "",
        "sources listed: " + "; ".join(sources)) if part)
    return [_claim(base, "ucdp", event, source, "UCDP GED", note, "office" if office else None) for source in sources]


def _ucdp_country(country_id: str, country: str) -> str:
    """The note's part saying the event's country, right after the event: ``country_id 369
    (Ukraine)``, ``country Ukraine`` when the file has no id; empty when it has neither.
    :func:`_scope_of` reads it back."""
    if country_id:
        return f"country_id {country_id}" + (f" ({country})" if country else "")
    return f"country {country}" if country else ""


_UCDP_COUNTRY = re.compile(r"UCDP GED event [^;]*; country(?:_id ([^ ;]+)| ([^;]+))")


def _first_day(text: str) -> str | None:
    """The earliest ISO date in a list (UCDP's ``source_date``, or the dates inside its
    ``source_article`` entries); None when it has none. Other forms are not read: UCDP's
    ``27/01/2014`` beside ``2014-01-27`` says the day comes first there, ``date_start``
    puts the month first: a guess either way."""
    days = []
    for year, month, day in re.findall(r"(?<![0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])", text):
        try:
            days.append(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return min(days).isoformat() if days else None


def _claim(base: dict, prefix: str, event: str, source: str, relay: str, note: str, tag: str | None = None) -> dict:
    """One claim of an event: its ref is ``prefix:event:source`` (``prefix:event:tag:source``
    with a tag, such as ``office`` for an outlet UCDP read, named where no original source is)."""
    row = {key: value for key, value in base.items() if value not in (None, "")}
    ref = f"{prefix}:{event}:{tag + ':' if tag else ''}{_slug(source)}"
    return row | {"ref": ref, "source": source, "via": [relay], "note": note}


# --- ACLED ------------------------------------------------------------------------------------

# ACLED's actor types in words (newer exports), singular or plural, by their lower case.
_ACLED_INTER_WORDS = {label.lower(): label for label in ACLED_INTER.values() if label} | {
    "rebel groups": "Rebel group", "political militias": "Political militia", "identity militias": "Identity militia",
    "state forces": "State forces"}


def _inter(row: _Row, column: str) -> str | None:
    """An ACLED actor type, coded as a number (older exports) or in words (newer ones)."""
    value = row.get(column)
    if not value:
        return None
    if value in ACLED_INTER:
        return ACLED_INTER[value]
    if value.lower() in _ACLED_INTER_WORDS:
        return _ACLED_INTER_WORDS[value.lower()]
    shown = ", ".join(f"{code} or '{label}'" for code, label in ACLED_INTER.items() if label)
    row.problem(column, f"expected an ACLED actor type: {shown}; got {value!r}")
    return None


def _acled_claims(row: _Row) -> list[dict]:
    event = row.get("event_id_cnty")
    if not event:
        row.problem("event_id_cnty", "is required: ACLED's event id, such as UKR12345")
    day = _day(row, "event_date", "2022-02-24 or 24 February 2022")
    time_prec = row.code("time_precision", ACLED_TIME_PRECISION, "an ACLED time precision code")
    geo_prec = row.code("geo_precision", ACLED_GEO_PRECISION, "an ACLED geo precision code")
    fatalities = row.count("fatalities")
    inter1, inter2 = _inter(row, "inter1"), _inter(row, "inter2")
    sources = _sources(row.get("source"))
    if not sources:
        row.problem("source", "is required: who ACLED coded the event from, ';' between sources")
    # ACLED's timestamp is when ACLED last changed the row (any recode changes it), not when any
    # source published: it is checked, never kept (in the note it would make every recode of the
    # row an update of its claims, and raise their events' versions, with nothing said changed).
    if (stamp := row.get("timestamp")) and not re.fullmatch(r"[0-9]{1,11}", stamp):
        row.problem("timestamp", f"expected seconds since 1970 (ACLED's timestamp), such as 1677609600, got {stamp!r}")
    if None in (day, time_prec, geo_prec, fatalities) or not event or not sources:
        sources = sources or [""]   # refused; its claims are still built, to check its other columns
    if day is None:
        when = None
    elif time_prec == "1":
        when = day.isoformat()
    elif time_prec == "2":
        when = f"{(day - timedelta(days=3)).isoformat()}/{(day + timedelta(days=3)).isoformat()}"
    else:
        when = day.isoformat()[:7]
    event_type, sub_type = row.get("event_type"), row.get("sub_event_type")
    against_civilians = (inter2 == "Civilians" or event_type.lower() == "violence against civilians"
                         or row.get("civilian_targeting").lower() == "civilian targeting")
    placed = geo_prec in ("1", "2")
    base = {
        "date": when, "place": row.get("location") if placed else None,
        "lat": row.get("latitude") if placed else None, "lon": row.get("longitude") if placed else None,
        "region": row.get("admin1"), "type": ACLED_TYPES.get(sub_type.lower(), sub_type) or event_type or None,
        # Actor 1 and 2 carry no direction in ACLED, but against civilians actor 1 is who did it.
        "actor": row.get("actor1") if against_civilians else None,
        # ACLED writes 0 where no death was reported: not a source saying nobody died.
        "victims": "civilians" if against_civilians else ("people" if fatalities else None),
        "killed": str(fatalities) if fatalities else None,
        "text": row.get("notes"),
    }
    actors = " – ".join(f"{row.get(a)}" + (f" ({inter})" if inter else "")
                        for a, inter in (("actor1", inter1), ("actor2", inter2)) if row.get(a))
    note = "; ".join(part for part in (
        f"ACLED event {event}",
        " / ".join(t for t in (row.get("disorder_type"), event_type, sub_type) if t),
        actors,
        f"time_precision {time_prec} ({ACLED_TIME_PRECISION.get(time_prec, '?')}), event_date {day or '?'}",
        f"geo_precision {geo_prec} ({ACLED_GEO_PRECISION.get(geo_prec, '?')})"
        + "".join(f", {c} {row.get(c)}" for c in ("admin2", "admin3") if row.get(c))
        + (f", location {row.get('location')}" if not placed and row.get("location") else ""),
        f"fatalities {fatalities}",
        f"source_scale {row.get('source_scale')}" if row.get("source_scale") else "",
        "sources listed: " + "; ".join(sources)) if part)
    return [_claim(base, "acled", event, source, "ACLED", note) for source in sources]


def is_outlet(source: Source) -> bool:
    """A registered source of kind media with no parent: an outlet that is its own origin."""
    return source.registered and source.kind == "media" and source.parent_id is None


def cites_outlet(ref: str | None) -> bool:
    """Whether a claim's ref says it names an outlet a dataset read rather than whom the outlet
    quoted: ACLED's ``source`` lists outlets beside originals ("Ukrinform; Ukrainian army"), and
    UCDP's ``source_office`` stands in where no original source is named (refs
    ``ucdp:EVENT:office:…``). Such a claim by an outlet (:func:`is_outlet`) carries someone's
    word, whose is unknown: it never counts as an origin (reconciler.features, and the grade's
    reason says so)."""
    if not ref:
        return False
    return ref.startswith("acled:") or (ref.startswith("ucdp:") and ref.count(":") == 3 and ":office:" in ref)


def cited_outlet(ref: str | None, source: Source) -> bool:
    """Whether a claim is an outlet a dataset cites (:func:`cites_outlet` by :func:`is_outlet`):
    it never counts as an origin."""
    return cites_outlet(ref) and is_outlet(source)


# The contract field each dataset column becomes, so that validate_row's problems name the column
# (the note: the column that makes it long, the sources it lists).
_COMMON_COLUMNS = {"source": "source", "via": "source", "ref": "id", "date": "date_start", "lat": "latitude",
                   "lon": "longitude", "killed": "best", "note": "source"}
DATASETS = {
    "ucdp": Dataset("ucdp", "UCDP GED", (
        "id", "date_start", "date_end", "date_prec", "where_prec", "where_coordinates", "adm_1", "latitude",
        "longitude", "side_a", "side_b", "type_of_violence", "best", "low", "high", "source_original"), "id",
        _ucdp_claims, _COMMON_COLUMNS | {"source": "source_original", "via": "source_original", "place": "where_coordinates",
                                         "region": "adm_1", "actor": "side_a",
                                         "victims": "deaths_civilians", "report": "source_article",
                                         "published": "source_date", "text": "source_headline",
                                         "note": "source_original"},
        date_columns=("date_start", "date_end"), year_column="year"),
    "acled": Dataset("acled", "ACLED", (
        "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
        "admin1", "location", "latitude", "longitude", "geo_precision", "source", "fatalities"), "event_id_cnty",
        _acled_claims, _COMMON_COLUMNS | {"ref": "event_id_cnty", "date": "event_date", "place": "location",
                                          "region": "admin1", "type": "sub_event_type", "actor": "actor1",
                                          "victims": "civilian_targeting", "killed": "fatalities",
                                          "text": "notes"},
        date_columns=("event_date",)),
}


def read_dataset_file(path: Path, dataset: Dataset, limits: Limits = Limits(),
                      date_order: str | None = None) -> DatasetFile:
    """Read a UCDP GED or ACLED CSV export as claims of the import contract, within ``limits``.

    ``date_order`` ("mdy", "dmy") says in which order the file's dates written with slashes
    are; None: the file's own dates must say (see :func:`_date_order`).

    Raises :class:`InputError` listing every problem (file, line, the dataset's column, what
    was expected); a file with any problem gives no claims at all.
    """
    problems: list[Problem] = []
    stream = DatasetStream(path, dataset, limits, date_order)
    claims = list(stream.claims(problems))
    if problems:
        raise InputError(problems)
    return DatasetFile(str(path), dataset, claims, frozenset(stream.events), frozenset(stream.scope),
                       frozenset(stream.given))


class DatasetStream:
    """A dataset file read as its claims are taken, so that a large export is never held whole.
    It is read twice: :meth:`first_reading` decides the order of its slash dates (once for the
    file, :func:`_date_order`, from those columns alone) and checks its header; :meth:`claims`
    then gives its claims one by one. A file that changes between the two readings is refused.
    Its events, the (country, month) pairs its claims cover and the (source, ref) of each claim
    it gives are known once every claim was taken, for :func:`missing_upstream`. Problems (file,
    line, the dataset's column, what was expected) are appended to the list each reading is
    given: a file with any gives no claims at all, its consumer stores nothing."""

    def __init__(self, path: Path, dataset: Dataset, limits: Limits, date_order: str | None):
        self.path, self.name, self.dataset = path, str(path), dataset
        self.limits, self.date_order = limits, date_order
        self.events: set[str] = set()
        self.scope: set[tuple[str | None, str]] = set()
        self.given: set[tuple[str, str]] = set()
        self._first: _FirstReading | None = None   # what the first reading found

    def first_reading(self, problems: list[Problem]) -> None:
        """Read the file once for its header and the order of its slash dates, and append their
        problems to ``problems``. The rows' own problems, and what stops the file being read on,
        are the second reading's (:meth:`claims`), in the order of the lines."""
        columns = self.dataset.date_columns
        reading = _Reading(self)
        order, basis, found = _date_order(
            self.name, ((line, {c: values.get(c) for c in columns}) for line, values in reading.records()),
            columns, self.date_order)
        problems.extend(reading.header + found)
        self._first = _FirstReading(order, basis, reading, found)

    def claims(self, problems: list[Problem]) -> Iterator[ClaimInput]:
        """The file's claims, read a second time (after :meth:`first_reading`, which this calls
        if it was not); each row's problems appended to ``problems`` as it is read."""
        if self._first is None:
            self.first_reading(problems)
        first = self._first
        name, dataset = self.name, self.dataset
        self.events, self.scope, self.given = set(), set(), set()
        before = len(problems)
        claims = 0
        names: dict[str, str] = {}   # one copy of each source's name in ``given``
        reading = _Reading(self, problems)
        for line, values in reading.records():
            row = _Row(name, line, values, [], first.order, first.basis, dataset.year_column)
            rows = dataset.claims_of(row)
            own = list(row.problems)
            refused = {p.field for p in row.problems} | row.unread if row.problems or row.unread else None
            for item in rows:
                claim = _validated(name, line, item, dataset, own, self.limits, refused)
                if claim is not None and refused is None:
                    claims += 1
                    self.scope.add(_scope_of(dataset.key, claim.raw["ref"], claim.raw.get("note"),
                                             claim.date.start, claim.date.end))
                    self.given.add((names.setdefault(claim.source, claim.source), claim.raw["ref"]))
                    yield claim
            problems.extend(dict.fromkeys(own))   # a row's sources may each find one problem
            if rows and refused is None:
                self.events.add(row.get(dataset.event_column))
        problems.extend(reading.unreadable)
        if reading.shape() != first.reading.shape() or _state(self.path) != first.reading.state:   # before or during
            problems.append(Problem(name, None, None, "changed while it was read (it is read twice, the second "
                                    "time for its claims); nothing was taken from it; import it again"))
        elif not (first.reading.header or first.found) and len(problems) == before:
            if not reading.lines.held:
                problems.append(Problem(name, None, None,
                                        f"is empty; expected an export of {dataset.relay} with a header row"))
            elif not claims:
                problems.append(Problem(name, None, None, "holds no events"))


class _Reading:
    """One reading of a dataset file: its records by column, the header checked, and what it
    found of the file's shape, by which two readings of one file are compared: the file's inode,
    size and time when it began, the records read and the last one's line, the header's
    problems, the records with another number of values than the header (appended to ``rows``
    too when given: the second reading's problems, in the order of the lines) and what stopped
    the file being read on."""

    def __init__(self, stream: DatasetStream, rows: list[Problem] | None = None):
        self.stream, self.rows = stream, rows
        self.state = _state(stream.path)
        self.lines = Lines(stream.path, stream.name, stream.limits, records=True)
        self.read = (0, 0)
        self.header: list[Problem] = []
        self.counts: list[Problem] = []
        self.unreadable: list[Problem] = []

    def shape(self) -> tuple:
        return self.state, self.read, self.header, self.counts, self.unreadable

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for line, values in self._checked():
                self.read = (self.read[0] + 1, line)
                yield line, values
        except InputError as exc:   # the file could not be read on: what came before it counts
            self.unreadable.extend(exc.problems)

    def _checked(self) -> Iterator[tuple[int, dict[str, str]]]:
        name, dataset = self.stream.name, self.stream.dataset
        records = csv_records(self.lines)
        first = next(records, None)
        columns, twice = csv_header(name, first[1]) if first else ([], [])
        missing = [c for c in dataset.required if c not in columns]
        if first is not None and (twice or missing):
            self.header.extend(twice)
            if missing:
                self.header.append(Problem(name, first[0], None, f"is not an export of {dataset.relay}: the header "
                                           "row lacks " + ", ".join(repr(shown_key(c)) for c in missing)))
            return
        for line, values in records:
            if len(values) != len(columns):
                problem = Problem(name, line, None, f"has {len(values)} values; the header has {len(columns)} columns")
                self.counts.append(problem)
                if self.rows is not None:
                    self.rows.append(problem)
                continue
            yield line, dict(zip(columns, values))


@dataclass(frozen=True)
class _FirstReading:
    """What a dataset file's first reading found, for the second to use and check against."""

    order: str | None           # the order of its slash dates
    basis: str                  # what says so
    reading: _Reading           # its shape (see _Reading.shape)
    found: list[Problem]        # the problems of the order of its dates


def _state(path: Path) -> tuple | None:
    """What says a file was not changed between two readings: its inode, size and time."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def _validated(name: str, line: int, item: dict, dataset: Dataset, problems: list[Problem],
               limits: Limits, refused: set[str | None] | None = None) -> ClaimInput | None:
    """One claim through the import's own validation; its problems name the dataset's column.

    ``refused``: the columns the row already has problems with, when it has any: the claim was
    built without what they hold, only to find the row's other problems. Those columns are not
    named again, nor the fields left out for them ("is required")."""
    found: list[Problem] = []
    claim = validate_row(name, line, item, found, limits)
    for problem in found:
        column = dataset.column_of.get(problem.field, problem.field) if problem.field else None
        if refused is not None and (column in refused or (problem.field and item.get(problem.field) in (None, ""))):
            continue
        problems.append(replace(problem, field=column) if column else problem)
    return claim


def missing_upstream(session: Session, files: Iterable[DatasetFile | DatasetStream]) -> list[MissingClaim]:
    """Stored claims of these datasets that the files no longer give: claims relayed via the
    dataset, with its ref prefix, of a (country, month) a file covers (:func:`_scope_of`), whose
    source and ref no file of the dataset gives now. Listed, never deleted: a person decides what
    an event dropped upstream means."""
    index = SourceIndex.load(session)
    given: set[tuple[int, str]] = set()
    files = list(files)
    for file in files:
        for source_name, ref in file.given:
            source = index.find(source_name)
            if source is not None:
                given.add((source.id, ref))
    events: dict[str, set[str]] = {}   # dataset -> the events its files hold
    for file in files:
        events.setdefault(file.dataset.key, set()).update(file.events)
    found: dict[int, MissingClaim] = {}
    for file in files:
        relay = index.find(file.dataset.relay)
        if relay is None or not file.scope:
            continue
        prefix = f"{file.dataset.key}:"
        months = sorted(month for _, month in file.scope)
        first = date.fromisoformat(months[0] + "-01")
        after = (date.fromisoformat(months[-1] + "-01") + timedelta(days=31)).replace(day=1)
        countries: dict[str, set[str | None]] = {}   # month -> the countries the file covers in it
        for country, month in file.scope:
            countries.setdefault(month, set()).add(country)
        # A claim's month is a day within its dates: those overlapping the file's months are read.
        rows = session.execute(
            select(Claim.id, Claim.source_id, Claim.ref, Claim.note, Claim.date_start, Claim.date_end, Source.name)
            .join(Source, Source.id == Claim.source_id)
            .join(ClaimRelay, (ClaimRelay.claim_id == Claim.id) & (ClaimRelay.position == 0))
            .where(ClaimRelay.source_id == relay.id, Claim.ref.startswith(prefix, autoescape=True),
                   Claim.date_end >= first, Claim.date_start < after))
        for claim_id, source_id, ref, note, start, end, source_name in rows:
            if (source_id, ref) in given:
                continue
            country, month = _scope_of(file.dataset.key, ref, note, start, end)
            covered = countries.get(month)
            # None: a country not known (a file without the column; a claim stored before notes
            # said it): the month alone decides.
            if not covered or (country is not None and None not in covered and country not in covered):
                continue
            event = ref[len(prefix):].partition(":")[0]
            found[claim_id] = MissingClaim(claim_id, ref, source_name, event,
                                           event not in events[file.dataset.key])
    return sorted(found.values(), key=lambda c: c.claim_id)


def _scope_of(dataset: str, ref: str, note: str | None, start: date, end: date) -> tuple[str | None, str]:
    """The country and month (``2031-05``) a dataset's claim belongs to, read alike from a file's
    claims and from stored ones, to say which stored claims a file covers. The country: the
    letters ACLED's event id begins with (``UKR`` of ``UKR12345``); UCDP's ``country_id`` (else
    ``country``) as the note gives it, None when it gives neither. The month: UCDP's
    ``date_start``; for ACLED the middle of the claim's dates, which is ``event_date`` (a day, or
    the middle of its week) or a day of its month: the month ACLED files the event under."""
    if dataset == "acled":
        country = _country(ref.split(":")[1] if ref.count(":") >= 2 else "")
        day = start + timedelta(days=(end - start).days // 2)
    else:
        match = _UCDP_COUNTRY.match(note or "")
        country = (match[1] or match[2].strip()) if match else None
        day = start
    return country, day.isoformat()[:7]


def _country(event: str) -> str:
    """The letters an ACLED event id begins with: its country (``UKR`` of ``UKR12345``)."""
    return re.match(r"[A-Za-z]*", event).group().upper()
