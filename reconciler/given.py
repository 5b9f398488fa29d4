"""A claim's fields as given, stored once.

A claim is kept exactly as its file gave it (``show --json``, ``export --format jsonl``, the
record of a change, a fingerprint worked out again), but almost every field it gave is stored
already, as written, in a column of its own (``place_text``, ``killed_text``, …) or in its relays
(``via``). The ``raw`` column keeps only the rest: what those do not hold exactly as given, and
the report's title and date (``report``, ``published``: the reports table keeps the first claim's
and no content hash covers it, so a claim keeps its own). For most claims that is the report
alone; a claim that gave ``"killed": 2`` (a number; the column holds the text "2"), a field with
spaces around it or ``-0.0`` (a float column gives 0.0 back) keeps that field too, and a claim
that left out ``stance`` (the column says "asserts") keeps its name in the list of fields not
given.

The stored form is a JSON array, ``[]``, ``[{field: value as given}]`` or ``[{…}, [fields not
given]]``, so that a claim stored whole (a JSON object: written before this form existed) reads
as it always did. The order of the fields is the contract's (``CLAIM_FIELDS``), as every reader
gives them.

This works because a claim's columns and relays are written only with its fields as given (an
import, a re-import that corrects it) and never alone; the tool's own readings (dates, places,
figures, categories) are other columns. The content hash of a claim (reconciler.content) covers
its columns, the stored form and its relays, so a field changed behind the tool's back is found
wherever it is stored.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, Sequence

import sqlalchemy as sa

from .db import select_in
from .reading import CLAIM_FIELDS

# A field and the claims column that holds it as written.
HELD_COLUMNS = {"ref": "ref", "source": "source_text", "date": "date_text", "place": "place_text",
                "region": "region_text", "lat": "lat", "lon": "lon", "type": "type_text", "target": "target_text",
                "actor": "actor_text", "victims": "victims_text", "killed": "killed_text",
                "wounded": "wounded_text", "stance": "stance", "text": "text", "lang": "lang", "note": "note"}

_CLAIMS = sa.table("claims", sa.column("id", sa.Integer), sa.column("raw", sa.JSON),
                   *(sa.column(name) for name in HELD_COLUMNS.values()))
_RELAYS = sa.table("claim_relays", sa.column("claim_id", sa.Integer), sa.column("position", sa.Integer),
                   sa.column("source_text", sa.String))
CHUNK = 500


def held(columns: Mapping[str, Any], via: Sequence[str]) -> dict:
    """What a claim's columns (by column name) and relays (``via``, nearest the reader first)
    hold of its fields, by field name; a column that holds nothing (NULL) holds no field."""
    found = {field: columns[column] for field, column in HELD_COLUMNS.items() if columns[column] is not None}
    if via:
        found["via"] = list(via)
    return found


def stored_form(given: Mapping[str, Any], holds: Mapping[str, Any]) -> list:
    """What the ``raw`` column stores of a claim given as ``given`` whose columns and relays
    hold ``holds`` (:func:`held`): the module's docstring. Equal means of the same type
    too, as JSON writes them: 2 is not "2", nor 2.0, nor True. (What the columns hold is text,
    floats and a list of text, so two lists equal are lists of the same text.)"""
    rest = {}
    for name, value in given.items():
        kept = holds.get(name, _NOTHING)
        # (-0.0 always: SQLite's REAL column gives 0.0 back)
        if type(value) is not type(kept) or value != kept or (type(value) is float and math.copysign(1.0, value) < 0
                                                               and value == 0.0):
            rest[name] = value
    absent = [name for name in holds if name not in given]
    if absent:
        return [rest, absent]
    return [rest] if rest else []


_NOTHING = object()


def restore(stored: Any, holds: Mapping[str, Any]) -> dict:
    """A claim's fields as given, in the contract's order, from its ``raw`` column as stored
    and what its columns and relays hold (:func:`held`). A JSON object is a claim
    stored whole, and is given back as it is."""
    if isinstance(stored, dict):
        return stored
    rest = stored[0] if stored else {}
    absent = set(stored[1]) if len(stored) > 1 else set()
    given = {}
    for name in CLAIM_FIELDS:
        if name in rest:
            given[name] = rest[name]
        elif name in holds and name not in absent:
            given[name] = holds[name]
    return given


def of_claim(claim) -> dict:
    """The fields as given of a claim loaded as a model (reconciler.models.Claim), its relays
    loaded with it or on demand."""
    if isinstance(claim.raw, dict):
        return claim.raw
    return restore(claim.raw, held({column: getattr(claim, column) for column in HELD_COLUMNS.values()},
                                   [relay.source_text for relay in claim.relays]))


def by_id(conn, ids: Iterable[int]) -> dict[int, dict]:
    """The fields as given of the claims ``ids`` (a Connection or Session), read a chunk at a
    time: ``raw``, then the columns and relays of the claims not stored whole (a migration of a
    schema older than their columns reads claims all stored whole)."""
    raws = {claim_id: raw for claim_id, raw in select_in(conn, sa.select(_CLAIMS.c.id, _CLAIMS.c.raw), _CLAIMS.c.id,
                                                        list(ids), CHUNK)}
    given = {claim_id: raw for claim_id, raw in raws.items() if isinstance(raw, dict)}
    partial = sorted(claim_id for claim_id in raws if claim_id not in given)
    if not partial:
        return given
    rows = select_in(conn, sa.select(_CLAIMS.c.id, *(_CLAIMS.c[c] for c in HELD_COLUMNS.values())),
                     _CLAIMS.c.id, partial, CHUNK)
    columns = {row.id: row._mapping for row in rows}
    via: dict[int, list[str]] = {}
    relays = sa.select(_RELAYS.c.claim_id, _RELAYS.c.source_text).order_by(_RELAYS.c.claim_id, _RELAYS.c.position)
    for claim_id, text in select_in(conn, relays, _RELAYS.c.claim_id, partial, CHUNK):
        via.setdefault(claim_id, []).append(text)
    for claim_id in partial:
        given[claim_id] = restore(raws[claim_id], held(columns[claim_id], via.get(claim_id, ())))
    return given
