"""Reading claim files (JSON Lines or CSV) into validated records, or a list of every problem.

The field names are a contract (see the README). A file with any problem is rejected whole:
:func:`read_claim_file` raises :class:`InputError` listing each problem with file, line and field.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .dates import DateInterval, parse_event_date, parse_published
from .errors import InputError, Problem, ValueParseError
from .figures import Figure, parse_figure
from .names import NOTHING, name_key

CLAIM_FIELDS = ("ref", "source", "via", "report", "published", "date", "place", "region", "lat", "lon",
                "type", "target", "actor", "victims", "killed", "wounded", "stance", "text", "lang", "note")
REQUIRED_FIELDS = ("source", "date")
STANCE_VALUES = ("asserts", "denies")
# Column widths that PostgreSQL enforces (SQLite does not): refuse longer values up front.
MAX_LENGTHS = {"ref": 300, "source": 300, "via": 300, "date": 64, "published": 64, "killed": 100, "wounded": 100,
               "lang": 16, "stance": 8}


@dataclass(frozen=True)
class ClaimInput:
    """One validated claim: ``raw`` holds the fields exactly as given; the rest are parsed."""

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

    def text_field(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return None
        value = str(value).strip()
        return value or None


def read_claim_file(path: Path) -> list[ClaimInput]:
    """Read and validate a ``.jsonl`` or ``.csv`` claim file."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, None, None, f"cannot be read: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([Problem(name, line, None, f"is not UTF-8 (invalid byte 0x{data[exc.start]:02x}); save the file as UTF-8")]) from None
    if not text.strip():
        raise InputError([Problem(name, None, None, "is empty; expected at least one claim")])
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        rows, problems = _jsonl_rows(name, text)
    elif suffix == ".csv":
        rows, problems = _csv_rows(name, text)
    else:
        raise InputError([Problem(name, None, None, "has an unknown extension; expected .jsonl or .csv")])
    claims = []
    for line, row in rows:
        claim = validate_row(name, line, row, problems)
        if claim is not None:
            claims.append(claim)
    if problems:
        raise InputError(problems)
    if not claims:
        raise InputError([Problem(name, None, None, "holds no claims")])
    return claims


def _jsonl_rows(name: str, text: str) -> tuple[list[tuple[int, dict]], list[Problem]]:
    rows, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, number, None, f"is not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(name, number, None, f"expected a JSON object {{...}}, got {type(obj).__name__}"))
            continue
        rows.append((number, obj))
    return rows, problems


def _csv_rows(name: str, text: str) -> tuple[list[tuple[int, dict]], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        return [], [Problem(name, 1, None, f"cannot read the header row: {exc}")]
    header = [h.strip() for h in header]
    if "source" not in header and "date" not in header:
        return [], [Problem(name, 1, None, "the first line must be a header row naming the columns "
                            "(at least 'source' and 'date'); got " + ", ".join(repr(h) for h in header[:5]))]
    rows, problems = [], []
    for column in header:
        if column not in CLAIM_FIELDS:
            problems.append(Problem(name, 1, column, f"unknown column; expected one of {', '.join(CLAIM_FIELDS)}"))
    if problems:
        return [], problems
    start = 2
    try:
        for values in reader:
            line = start
            start = reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                problems.append(Problem(name, line, None, f"has {len(values)} values; the header has {len(header)} columns"))
                continue
            row = {k: v for k, v in zip(header, values) if v.strip() != ""}
            if "via" in row:
                row["via"] = [v.strip() for v in row["via"].split(";") if v.strip()]
            rows.append((line, row))
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, None, f"is not valid CSV: {exc}"))
    return rows, problems


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


def validate_row(name: str, line: int, row: dict, problems: list[Problem]) -> ClaimInput | None:
    """Validate one row; append a Problem for each fault. Returns None when any was found."""
    before = len(problems)
    for key in row:
        if key not in CLAIM_FIELDS:
            problems.append(Problem(name, line, str(key), f"unknown field; expected one of {', '.join(CLAIM_FIELDS)}"))
    for key in CLAIM_FIELDS:
        value = row.get(key)
        if key == "via":
            continue
        if value is not None and not isinstance(value, (str, int, float)):
            problems.append(Problem(name, line, key, f"expected text or a number, got {type(value).__name__}"))
    for key, limit in MAX_LENGTHS.items():
        value = row.get(key)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and len(v) > limit for v in values):
            problems.append(Problem(name, line, key, f"is longer than {limit} characters"))
    source = row.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(name, line, "source", "is required: who makes the claim, e.g. 'Armed Forces of Ukraine'"))
    via = row.get("via") or []
    if isinstance(via, str):
        via = [v.strip() for v in via.split(";") if v.strip()]
    if not isinstance(via, list) or not all(isinstance(v, str) and v.strip() for v in via):
        problems.append(Problem(name, line, "via", "expected a list of relay names, nearest first, e.g. [\"dpa\", \"Interfax\"]"))
        via = []
    # A name of invisible characters only would be nobody; "!!!" and "???" are kept apart (their
    # own keys) as sources nobody registered, which never corroborate.
    for field_name, value in [("source", source)] + [("via", v) for v in via]:
        if isinstance(value, str) and value.strip() and not name_key(value):
            problems.append(Problem(name, line, field_name, f"{value.strip()!r} {NOTHING}"))
    interval = published = killed = wounded = None
    if "date" not in row or row.get("date") in (None, ""):
        problems.append(Problem(name, line, "date", "is required: when the event happened, e.g. 2021-04-06"))
    else:
        try:
            interval = parse_event_date(row["date"])
        except ValueParseError as exc:
            problems.append(Problem(name, line, "date", str(exc)))
    for field_name in ("published",):
        try:
            published = parse_published(row.get(field_name))
        except ValueParseError as exc:
            problems.append(Problem(name, line, field_name, str(exc)))
    figures = {}
    for field_name in ("killed", "wounded"):
        try:
            figures[field_name] = parse_figure(row.get(field_name))
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
    if via:
        raw["via"] = list(via)
    return ClaimInput(name, line, raw, source.strip(), tuple(v.strip() for v in via), interval, published,
                      killed, wounded, lat, lon, stance)
