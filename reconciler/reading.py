"""Reading claim files (JSON Lines or CSV) into validated records, or a list of every problem.

The field names are a contract (see the README). A file with any problem is rejected whole:
:func:`read_claim_file` raises :class:`InputError` listing each problem with file, line and field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from functools import lru_cache
from datetime import datetime
from pathlib import Path
from typing import Iterator

from .dates import DateInterval, parse_event_date, parse_published
from .errors import InputError, Problem, ValueParseError
from .figures import Figure, parse_figure
from .limits import Limits, shown_key, storable, text_problem
from .names import NOTHING, name_key
from .sources import key_problem
from .textfiles import Lines, Unreadable, csv_header, csv_records, json_object

CLAIM_FIELDS = ("ref", "source", "via", "report", "published", "date", "place", "region", "lat", "lon",
                "type", "target", "actor", "victims", "killed", "wounded", "stance", "text", "lang", "note")
REQUIRED_FIELDS = ("source", "date")
# A draft claim's member (JSON Lines only): the rule behind each field, as the extractor writes it.
DRAFT_FIELD = "draft"
STANCE_VALUES = ("asserts", "denies")


@dataclass(frozen=True, slots=True)
class ClaimInput:
    """One validated claim: ``raw`` holds the fields exactly as given; the rest are parsed.
    A claim is kept lean, for the lists of claims :func:`read_claim_file` gives: slots, and a
    file's repeated values (sources, reports, places, dates) one copy each. An import streams
    them instead (:func:`claim_records`)."""

    file: str
    line: int
    raw: dict
    source: str
    via: tuple[str, ...]
    date: DateInterval
    published: datetime | None
    killed: Figure | None
    wounded: Figure | None
    lat: float | None
    lon: float | None
    stance: str
    draft: dict | None = None   # the draft member as given: the claim is a draft (reconciler.drafts)

    def text_field(self, name: str) -> str | None:
        return _text(self.raw.get(name))

    # Pickled (an import reads in a process beside and sends its claims here) as a tuple of the
    # fields in order: dataclasses' own __setstate__ looks the fields up for every claim, a
    # quarter of what unpickling 100,000 claims cost.
    def __getstate__(self) -> tuple:
        return tuple(getattr(self, name) for name in _CLAIM_SLOTS)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(_CLAIM_SLOTS, state):
            object.__setattr__(self, name, value)

    def texts(self) -> dict[str, str | None]:
        """Every field but ``via`` as :meth:`text_field` gives it, read at once."""
        texts = dict.fromkeys(TEXT_FIELDS)
        for name, value in self.raw.items():
            if name != "via":
                texts[name] = _text(value)
        return texts


TEXT_FIELDS = tuple(name for name in CLAIM_FIELDS if name != "via")
_CLAIM_SLOTS = tuple(f.name for f in fields(ClaimInput))


def _text(value: object) -> str | None:
    """A field's value as text, spaces around it left out; None when it is not given or empty."""
    if value is None:
        return None
    return str(value).strip() or None


def read_claim_file(path: Path, limits: Limits = Limits()) -> list[ClaimInput]:
    """Read and validate a ``.jsonl`` or ``.csv`` claim file within ``limits``: every claim, or
    InputError listing every problem."""
    problems: list[Problem] = []
    claims = list(claim_records(path, limits, problems))
    if problems:
        raise InputError(problems)
    return claims


def claim_records(path: Path, limits: Limits, problems: list[Problem]) -> Iterator[ClaimInput]:
    """The claims of a ``.jsonl`` or ``.csv`` file, read and validated one at a time, so that a
    large file is never held whole (an import stores them a chunk at a time). A row with a
    problem is not given; its problems, and the file's own (an unknown extension, no claim in
    it, a line that stops it being read on), are appended to ``problems``. A file with any
    problem is refused whole: the consumer stores nothing once ``problems`` is not empty."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        lines, read = Lines(path, name, limits), _jsonl_rows
    elif suffix == ".csv":
        lines, read = Lines(path, name, limits, records=True), _csv_rows
    else:
        problems.append(Problem(name, None, None, "has an unknown extension; expected .jsonl or .csv"))
        return
    before = len(problems)
    found = 0
    shared: dict = {}   # one copy of each repeated value (validate_row): a million claims hold few
    try:
        for item in read(lines, limits):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            claim = validate_row(name, item[0], item[1], problems, limits, shared)
            if claim is not None:
                found += 1
                yield claim
    except InputError as exc:   # the file could not be read on: what was found before it counts too
        problems.extend(exc.problems)
        return
    if len(problems) == before:
        if not lines.held:
            problems.append(Problem(name, None, None, "is empty; expected at least one claim"))
        elif not found:
            problems.append(Problem(name, None, None, "holds no claims"))


_NESTING = "a claim needs 2 (the claim's object and the list in via)"
# The draft member holds objects of its own (its rules, its gazetteer place): 3 levels.
DRAFT_DEPTH = 3
_DRAFT_NESTING = f"a draft needs {DRAFT_DEPTH} (the claim's object, its draft member and the rules in it)"


def _jsonl_rows(lines: Lines, limits: Limits) -> Iterator[tuple[int, dict] | Problem]:
    """(line, object) for each line that is not blank, or the problem that stops it being read.
    ``_csv_rows`` likewise, for records."""
    for text in lines:
        if text.strip():
            obj = json_object(lines.name, lines.number, text, limits, _NESTING,
                              deeper={DRAFT_FIELD: (max(limits.depth, DRAFT_DEPTH), _DRAFT_NESTING)})
            yield obj if isinstance(obj, Problem) else (lines.number, obj)


def _csv_rows(lines: Lines, limits: Limits) -> Iterator[tuple[int, dict] | Problem]:
    name = lines.name
    records = csv_records(lines)
    first = next(records, None)
    if first is None:
        return
    header, twice = csv_header(name, first[1])
    if "source" not in header and "date" not in header:
        yield Problem(name, first[0], None, "the first line must be a header row naming the columns "
                      "(at least 'source' and 'date'); got " + ", ".join(repr(h) for h in header[:5]))
        return
    unknown = [Problem(name, 1, shown_key(column), f"unknown column; expected one of {', '.join(CLAIM_FIELDS)}")
               for column in header if column not in CLAIM_FIELDS]
    if twice or unknown:
        yield from twice + unknown
        return
    for line, values in records:
        if len(values) != len(header):
            yield Problem(name, line, None, f"has {len(values)} values; the header has {len(header)} columns")
            continue
        row = {k: v for k, v in zip(header, values) if v.strip() != ""}
        if "via" in row:
            row["via"] = [v.strip() for v in row["via"].split(";") if v.strip()]
        yield line, row


_VIA = "expected a list of relay names, nearest first, e.g. [\"dpa\", \"Interfax\"]"


def _value_problem(key: str, value: object, limits: Limits | None) -> str | None:
    """What is wrong with the shape or size of one field's value, or None."""
    if value is None:
        return None
    width = _widths(limits)[key]
    if type(value) is str and key != "via":   # the common case, first
        return text_problem(value, width) or (_name_problem(value) if key == "source" else None)
    if isinstance(value, Unreadable):
        return value.message
    if key == "via" and isinstance(value, str):
        value = value.split(";")   # "dpa; Interfax": each relay is a name
    if key == "via" and isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            return _VIA
        return next((p for p in (text_problem(v, width) or _name_problem(v) for v in value) if p is not None), None)
    if isinstance(value, bool):
        return f"expected text or a number, got {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return text_problem(str(value), width)
    if isinstance(value, str):
        return text_problem(value, width) or (_name_problem(value) if key == "source" else None)
    kind = "a list" if isinstance(value, list) else "an object"
    return _VIA if key == "via" else f"expected text or a number, got {kind}"


def _shape_problems(name: str, line: int, row: dict, problems: list[Problem], limits: Limits | None) -> set[str]:
    """Append a Problem for each field whose value is of the wrong shape or size; returns those
    fields. First a quick look at the fields given: plain texts and numbers within their widths
    (most values) are checked for unstorable characters all at once. Only if that finds
    anything is every field looked at one by one, in order, for the problems to list."""
    widths = _widths(limits)
    plain = []
    for key, value in row.items():
        width = widths.get(key)
        if width is None or value is None:
            continue   # not a claim field (listed apart), or not given
        kind = type(value)
        if kind is str and key not in _NAMES:
            if len(value) <= width:
                plain.append(value)
                continue
        elif kind is int or kind is float:
            if len(str(value)) <= width:
                continue
        if _value_problem(key, value, limits) is not None:
            break
    else:
        if storable(plain):
            return set()
    bad = set()
    for key in CLAIM_FIELDS:
        value = row.get(key)
        message = _value_problem(key, value, limits) if value is not None else None
        if message is not None:
            problems.append(Problem(name, line, key, message))
            bad.add(key)
    return bad


# A few hundred sources make a million claims: each name's key is checked once.
_name_problem = lru_cache(maxsize=65536)(key_problem)

# Fields whose text is a name, checked further than its width (:func:`_value_problem`).
_NAMES = frozenset({"source", "via"})


@lru_cache(maxsize=16)
def _widths(limits: Limits | None) -> dict[str, float]:
    """The most characters each field may hold (none without ``limits``: claims already stored)."""
    return {key: limits.width(key) if limits is not None else math.inf for key in CLAIM_FIELDS}


_DRAFT = "expected an object: the rule behind each field, e.g. {\"rules\": {\"killed\": \"figure_before_casualty_word\"}}"


def draft_problem(value: object, limits: Limits | None) -> tuple[str, str] | None:
    """What is wrong with a draft member, and where in it ('draft', 'draft.rules.killed'); None
    when it is an object whose members are text, numbers, lists of them, or objects of them
    (the extractor's rules, sentence and gazetteer place). Keys and texts are names (at most
    ``limits.name_chars``); the member as a whole at most ``limits.text_chars`` characters."""
    if not isinstance(value, dict):
        return "draft", _DRAFT
    width = limits.name_chars if limits is not None else math.inf
    size = 0
    for key, member in value.items():
        where = f"draft.{shown_key(key)}"
        if isinstance(member, dict):
            items = [(f"{where}.{shown_key(k)}", k, v) for k, v in member.items()]
        elif isinstance(member, list):
            items = [(f"{where}[{i}]", None, v) for i, v in enumerate(member)]
        else:
            items = [(where, None, member)]
        for obj, at in ((value, "draft"), (member, where)):
            twice = getattr(obj, "duplicates", ())
            if twice:
                return f"{at}.{shown_key(twice[0])}", "is given twice; give each member once"
        for at, name, item in [(where, key, None)] + items:
            for text in (name, item):
                if isinstance(text, str):
                    size += len(text)
                    message = text_problem(text, width)
                    if message is not None:
                        return at, message
            if name is None or at != where:
                message = _draft_value_problem(item)
                if message is not None:
                    return at, message
    if limits is not None and size > limits.text_chars:
        return "draft", f"holds {size:,} characters of text; at most {limits.text_chars:,}"
    return None


def _draft_value_problem(item: object) -> str | None:
    if isinstance(item, Unreadable):
        return item.message
    if isinstance(item, bool) or item is None:
        return f"expected text or a number, got {'null' if item is None else str(item).lower()}"
    if isinstance(item, (str, int, float)):
        return None
    return "expected text or a number, got " + ("a list" if isinstance(item, list) else "an object")


def plain_draft(value: dict) -> dict:
    """A draft member as plain dicts and lists (as read, its objects remember duplicate keys)."""
    return {k: dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v for k, v in value.items()}


def _coordinate(name: str, line: int, field: str, value: object, limit: float, problems: list[Problem]) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or not -limit <= number <= limit:
        problems.append(Problem(name, line, field, f"expected decimal degrees between -{limit:g} and {limit:g}, got {value!r}"))
        return None
    return number


# A million claims hold a few thousand distinct dates and figures: each is read once (what is
# read is immutable; a value that is not read raises, and is read again the next time). The
# values are text or numbers (their shape checked first); typed: 1, 1.0 and True read apart.
_event_date = lru_cache(maxsize=65536, typed=True)(parse_event_date)
_published = lru_cache(maxsize=65536, typed=True)(parse_published)
_figure = lru_cache(maxsize=65536, typed=True)(parse_figure)


def validate_row(name: str, line: int, row: dict, problems: list[Problem],
                 limits: Limits | None = Limits(), shared: dict | None = None) -> ClaimInput | None:
    """Validate one row; append a Problem for each fault. Returns None when any was found.

    ``limits`` gives the widths of the fields; None (claims already stored) checks none.
    ``shared``, given for the rows of one file, keeps one copy of each equal value across them
    (all but a claim's own ``ref``, ``text`` and ``note``), so that a file's claims share their
    sources, reports, places and dates.
    """
    before = len(problems)
    for key in getattr(row, "duplicates", ()):
        problems.append(Problem(name, line, shown_key(key), "is given twice in one claim; give each field once"))
    draft = row.get(DRAFT_FIELD)
    if DRAFT_FIELD in row:
        found = draft_problem(draft, limits)
        if found is not None:
            problems.append(Problem(name, line, found[0], found[1]))
    for key in row:
        if key not in CLAIM_FIELDS and key != DRAFT_FIELD:
            problems.append(Problem(name, line, shown_key(key), f"unknown field; expected one of {', '.join(CLAIM_FIELDS)}"))
    bad = _shape_problems(name, line, row, problems, limits)   # fields not read any further
    if bad:
        row = {k: v for k, v in row.items() if k not in bad}
    source = row.get("source")
    if "source" not in bad and (not isinstance(source, str) or not source.strip()):
        problems.append(Problem(name, line, "source", "is required: who makes the claim, e.g. 'Armed Forces of Ukraine'"))
    via = row.get("via") or []
    if isinstance(via, str):
        via = [v.strip() for v in via.split(";") if v.strip()]
    if not isinstance(via, list) or not all(isinstance(v, str) and v.strip() for v in via):
        problems.append(Problem(name, line, "via", _VIA))
        via = []
    # A name of invisible characters only would be nobody; "!!!" and "???" are kept apart (their
    # own keys) as sources nobody registered, which never corroborate.
    for field_name, value in [("source", source)] + [("via", v) for v in via]:
        if isinstance(value, str) and value.strip() and not name_key(value):
            problems.append(Problem(name, line, field_name, f"{value.strip()!r} {NOTHING}"))
    interval = published = killed = wounded = None
    if "date" in bad:
        pass
    elif row.get("date") in (None, ""):
        problems.append(Problem(name, line, "date", "is required: when the event happened, e.g. 2021-04-06"))
    else:
        try:
            interval = _event_date(row["date"])
        except ValueParseError as exc:
            problems.append(Problem(name, line, "date", str(exc)))
    for field_name in ("published",):
        try:
            published = _published(row.get(field_name))
        except ValueParseError as exc:
            problems.append(Problem(name, line, field_name, str(exc)))
    figures = {}
    for field_name in ("killed", "wounded"):
        try:
            figures[field_name] = _figure(row.get(field_name))
        except ValueParseError as exc:
            problems.append(Problem(name, line, field_name, str(exc)))
    killed, wounded = figures.get("killed"), figures.get("wounded")
    lat = _coordinate(name, line, "lat", row.get("lat"), 90, problems)
    lon = _coordinate(name, line, "lon", row.get("lon"), 180, problems)
    if (lat is None) != (lon is None) and len(problems) == before:
        problems.append(Problem(name, line, "lat" if lat is None else "lon", "give both lat and lon, or neither"))
    stance = str(row.get("stance") or "asserts").strip().lower()
    if stance not in STANCE_VALUES:
        problems.append(Problem(name, line, "stance", f"expected 'asserts' or 'denies', got {row.get('stance')!r}"))
    if len(problems) != before:
        return None
    raw = {k: row[k] for k in CLAIM_FIELDS if k in row and row[k] not in (None, "", [])}
    relays = tuple(v.strip() for v in via)
    source = source.strip()
    if shared is not None:
        one = shared.setdefault
        for k, v in raw.items():
            if isinstance(v, str) and k not in _OWN:
                raw[k] = one(v, v)
        if via:
            via = [one(v, v) for v in via]
        relays, source, stance = one(relays, relays), one(source, source), one(stance, stance)
    if via:
        raw["via"] = list(via)
    return ClaimInput(name, line, raw, source, relays, interval, published,
                      killed, wounded, lat, lon, stance, plain_draft(draft) if draft is not None else None)


# What is a claim's own (never shared: validate_row's ``shared``): its ref, its text, its note.
_OWN = frozenset({"ref", "text", "note"})
