"""Content hashes: tamper evidence for what imports and people wrote, not only for the log.

Every audit entry that writes claims, sources, decisions or places carries the SHA-256 of each
row it wrote (reconciler.audit.record), and the table ``content_hashes`` keeps the latest hash of each
row in the same transaction. :func:`verify` recomputes every row and compares it with the
latest hash the trail recorded for it; :func:`check_run` lets a run compare what it reads with
the table; :func:`accept` records rows as they are now, audited, when a person says so.

What a hash covers (:data:`KINDS`):

- a **claim**: every stored column but the id and the bookkeeping (``version``, which marking a
  claim for the next run raises (the marks are rows of ``claim_marks``, which runs clear), and
  who and when: ``created_by``, ``created_at``, ``updated_by``, ``updated_at``, which the entry
  that wrote the claim records itself), with its relays in order. So the same claim imported
  again gives the same hash, whoever imports it;
- a **source**: every column but the id and who and when, with its aliases and the sources a
  person said it differs from (``source_distinctions``: which, who, when);
- a **decision**: a row of ``pair_constraints`` (the pair, link or unlink, who, when);
- a **manual grade**: an event's status, reason, graded_by and graded_at while ``manual`` is set;
- a **place** of the desk's own gazetteer: every column but the id and who and when, with its
  names. A command that writes places passes :func:`places_written` to its audit entry.

A claim has a second hash, over only the columns a run reads (:data:`RUN_READS`): the run
checks that one, which costs it a fraction of hashing whole claims. It is a cache, kept in the
table, not in the trail: its encoding (marshal, about three times as fast as JSON) may change
with Python, so where it differs the run hashes the whole claim, and when that matches the
table the claim is intact and its run hash is written again. :func:`verify` checks it too.

Values are hashed as the database driver returns them (SQLite's text for dates, PostgreSQL's
date objects), serialised as JSON: a hash is worked out only from a stored row, never from the
values about to be written, so writing and checking can never disagree. Changing what a hash
covers changes every hash: a version that does must record a new baseline.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from . import audit
from .audit import RowKey
from .db import chunks, select_in, unwritten_file
from .errors import AuditError, ContentChanged
from .marks import MARK_JOIN
from .models import AuditEntry, Claim, ContentHash, Place, Source, naive_utc
from .processes import Beside, ProcessLost, can_fork, shared

CHUNK = 500
_BOOKKEEPING = {"id", "created_by", "created_at", "updated_by", "updated_at"}


@dataclass(frozen=True)
class Child:
    """Rows of another table that belong to a row of a kind, hashed with it."""

    table: str
    parent: str                     # the column naming the row they belong to
    columns: tuple[str, ...]
    order: tuple[str, ...]          # columns that order them whatever their ids


@dataclass(frozen=True)
class Kind:
    """One kind of row the trail covers: where it lives and which columns its hash covers."""

    name: str
    table: str
    keys: tuple[str, ...]           # ("id",), or the pair ("claim_a", "claim_b")
    columns: tuple[str, ...]
    where: str = ""                 # which rows of the table are of this kind
    children: tuple[Child, ...] = ()


def _stored(model, leave_out: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Every column of the model's table, in name order, but its id, who and when, and ``leave_out``."""
    return tuple(sorted(c.name for c in model.__table__.columns if c.name not in _BOOKKEEPING | leave_out))


KINDS = (
    Kind("claim", "claims", ("id",), _stored(Claim, {"version"}),
         children=(Child("claim_relays", "claim_id", ("position", "source_id", "source_text"), ("position",)),)),
    # A source's identity: its names and the sources a person said it differs from (a run reads both).
    Kind("source", "sources", ("id",), _stored(Source),
         children=(Child("source_aliases", "source_id", ("alias", "alias_key"), ("alias_key",)),
                   Child("source_distinctions", "source_id", ("other_id", "created_by", "created_at"),
                         ("other_id",)))),
    Kind("decision", "pair_constraints", ("claim_a", "claim_b"), ("kind", "created_by", "created_at")),
    Kind("grade", "events", ("id",), ("status", "reason", "graded_by", "graded_at"), where="manual"),
    # The desk's own gazetteer, laid over the bundled one (reconciler.deskplaces): where claims are.
    Kind("place", "places", ("id",), _stored(Place),
         children=(Child("place_names", "place_id", ("name", "name_key"), ("name_key", "name")),)),
)
KIND = {k.name: k for k in KINDS}

# What `reconcile run` reads of each claim (reconciler.runs: the matching features, and the notes
# and actors that grading quotes, and whether it is a draft, which grading never counts); a run
# checks these, `audit verify` whole claims. (Adding one changes every claim's run hash: the first
# run after finds each whole claim intact and writes its run hash again.)
RUN_READS = ("source_id", "report_id", "fingerprint", "date_start", "date_end", "date_precision", "place_key",
             "place_label", "place_method", "place_geonameid", "place_region", "place_candidates", "place_names",
             "type_category", "text_type_category", "target_categories", "victims_category", "actor_key", "actor_text",
             "stance", "killed_text", "killed_low", "killed_high", "wounded_text", "wounded_low", "wounded_high", "text",
             "note", "ref", "draft_state")

BASELINE_NOTE = ("content hashes of the rows stored before this version; changes made to them before this entry "
                 "cannot be detected")


def _plain(value):
    """JSON for the values drivers return that JSON has no type for."""
    if isinstance(value, datetime):   # PostgreSQL: the same instant whatever the session's time zone
        return naive_utc(value).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"blob": bytes(value).hex()}
    return str(value)   # Decimal and the like


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=_plain).encode


def _digest(value) -> str:
    return hashlib.sha256(_encode(value).encode("utf-8")).hexdigest()


def _run_digest(values: tuple) -> str:
    """The run hash of a claim's RUN_READS values (a cache: see the module's docstring): 64 bits
    of BLAKE2b, 16 hex digits. The table is no evidence (whoever edits a claim behind the tool's
    back can edit it too); the trail's whole hashes are. What the run hash must do is tell a
    changed claim from an unchanged one, and 64 bits do: a million claims' run hashes take 16 MB
    instead of 64. (A run hash of another length, as versions before wrote SHA-256, differs, and
    the claim is checked whole and its run hash written again.)"""
    return hashlib.blake2b(_run_bytes(values), digest_size=8).hexdigest()


def _run_bytes(values: tuple) -> bytes:
    try:
        return marshal.dumps(values, 2)   # version 2: no shared references, so equal rows give equal bytes
    except ValueError:   # a type marshal does not know (PostgreSQL's dates)
        return _encode(values).encode("utf-8")


def _earlier_run_hash(stored: str | None, values: tuple) -> bool:
    """Whether ``stored`` is the run hash versions before this one wrote of these values
    (SHA-256, 64 hex digits): a cache of another form, right for the claim; the next run writes
    it again in this form. Any other run hash that differs was edited."""
    return stored is not None and len(stored) == 64 and hashlib.sha256(_run_bytes(values)).hexdigest() == stored


def _q(name: str) -> str:
    return f'"{name}"'


def _select(kind: Kind, columns: Iterable[str], ids: list[int] | None) -> str:
    where = [kind.where] if kind.where else []
    if ids is not None:   # integers only: safe to write into the statement
        where.append(f"{_q(kind.keys[0])} IN ({','.join(str(int(i)) for i in ids)})")
    sql = f"SELECT {', '.join(_q(c) for c in (*kind.keys, *columns))} FROM {_q(kind.table)}"
    return sql + (f" WHERE {' AND '.join(where)}" if where else "")


def _chunks(ids: list[int] | None) -> Iterable[list[int] | None]:
    """``ids`` in chunks; None (every row) as one."""
    return [None] if ids is None else chunks(ids, CHUNK)


def _key(kind: Kind, row) -> RowKey:
    return (kind.name, row[0], row[1]) if len(kind.keys) == 2 else (kind.name, row[0], 0)


def _children(conn: Connection, kind: Kind, ids: list[int] | None) -> dict[int, dict[str, list]]:
    """The child rows of the rows ``ids`` (all: None), by row and table; a table without rows
    for a row is left out (so a child table added later changes no hash until it holds rows)."""
    found: dict[int, dict[str, list]] = {}
    for child in kind.children:
        for part in _chunks(ids):
            sql = f"SELECT {_q(child.parent)}, {', '.join(_q(c) for c in child.columns)} FROM {_q(child.table)}"
            if part is not None:
                sql += f" WHERE {_q(child.parent)} IN ({','.join(str(int(i)) for i in part)})"
            order = ", ".join(_q(c) for c in (child.parent, *child.order))
            rows = conn.exec_driver_sql(f"{sql} ORDER BY {order}").all()   # one fetch: a gazetteer's names are many
            for parent, group in groupby(rows, key=itemgetter(0)):
                found.setdefault(parent, {})[child.table] = [row[1:] for row in group]
    return found


def hashes(session: Session, kind_name: str, ids: Iterable[int] | None = None) -> dict[RowKey, tuple[str, str | None]]:
    """(content hash, run hash) of each stored row of the kind, or of the rows whose (first)
    id is in ``ids``, as the session sees them; the run hash is None but for claims."""
    session.flush()
    return _hashes(session.connection(), kind_name, ids)


def _hashes(conn: Connection, kind_name: str, ids: Iterable[int] | None = None) -> dict[RowKey, tuple[str, str | None]]:
    kind = KIND[kind_name]
    wanted = None if ids is None else sorted(set(ids))
    names = kind.columns
    run_values = itemgetter(*(names.index(c) for c in RUN_READS)) if kind.name == "claim" else None
    result: dict[RowKey, tuple[str, str | None]] = {}
    width = len(kind.keys)
    for part in _chunks(wanted):
        rows = conn.exec_driver_sql(_select(kind, names, part)).all()
        # Every row: the child tables whole, in one statement each (not one per chunk of ids).
        children = _children(conn, kind, None if wanted is None else [r[0] for r in rows]) \
            if kind.children and rows else {}
        for row in rows:
            values = row[width:]
            content = {n: v for n, v in zip(names, values) if v is not None}
            run_hash = _run_digest(run_values(values)) if run_values is not None else None
            result[_key(kind, row)] = (_digest([kind.name, content, children.get(row[0], {})]), run_hash)
    return result


@contextmanager
def _snapshot(session: Session) -> Iterator[Connection]:
    """One consistent view of the stored rows and the table of hashes. SQLite: the session's own
    transaction (a write transaction holds the file; a read transaction in WAL mode is a
    snapshot). PostgreSQL: the session's transaction reads what others committed statement by
    statement, so a writer committing a claim and its hash between two reads would look like
    tampering; a separate REPEATABLE READ transaction sees committed data as of one moment
    (not this session's uncommitted writes: callers leave the rows it noted out)."""
    session.flush()
    if session.get_bind().dialect.name != "postgresql":
        yield session.connection()
        return
    with session.get_bind().connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn


# --- staging: the hashes of rows written in this transaction, until an audit entry records them

_STAGED = "reconcile.content.staged"
_BASELINE_DONE = "reconcile.content.baseline"


NOTED_AT_ONCE = 20000


def note(session: Session, user: str, kind_name: str, keys: Iterable,
         progress: Callable[[str, int, int | None], None] | None = None) -> None:
    """Work out the hashes of rows just written (ints, or (a, b) pairs for decisions; a row that
    is gone is noted as removed) and keep them for the next :func:`take`. ``user`` signs the
    baseline entry if this is the first write after an upgrade. ``progress(stage, done, total)``
    is told how many rows were hashed, where given."""
    ensure_baseline(session, user)
    kind = KIND[kind_name]
    wanted = {(kind.name, k[0], k[1]) if isinstance(k, tuple) else (kind.name, int(k), 0) for k in keys}
    if not wanted:
        return
    staged = session.info.setdefault(_STAGED, {})
    # A part at a time: an import's million claims are not hashed into one more dict.
    done, ordered = 0, sorted(wanted)
    for part in chunks(ordered, NOTED_AT_ONCE):
        found = hashes(session, kind.name, {k[1] for k in part})
        for key in part:
            staged[key] = found.get(key, (None, None))
        done += len(part)
        if progress is not None:
            progress(f"{kind.name} content hashes", done, len(ordered))


def places_written(session: Session, user: str,
                   place_ids: Iterable[int]) -> dict[RowKey, tuple[str | None, str | None]]:
    """The content hashes of the desk's places just written (with their names; a place removed
    is recorded as such), with whatever else was noted, for ``audit.record(content=...)`` of the
    entry that writes them: a places import calls this after writing, in its transaction."""
    note(session, user, "place", place_ids)
    return take(session) or {}


def take(session: Session) -> dict[RowKey, tuple[str | None, str | None]] | None:
    """The hashes noted since the last take, for ``audit.record(content=...)``."""
    return session.info.pop(_STAGED, None) or None


def ensure_baseline(session: Session, user: str) -> int | None:
    """After an upgrade from a version without content hashes (the migration leaves a marker),
    record every row's hash in one audit entry before anything else is written. Returns the
    entry's sequence number, or None when there was nothing to do."""
    if session.info.get(_BASELINE_DONE):
        return None
    session.info[_BASELINE_DONE] = True
    marker = session.scalar(select(ContentHash.seq).where(ContentHash.kind == "baseline").limit(1))
    if marker is None:
        return None
    everything = {}
    for kind in KINDS:
        everything.update(hashes(session, kind.name))
    session.execute(delete(ContentHash).where(ContentHash.kind == "baseline"))
    counts = {f"{k.name}s": sum(1 for key in everything if key[0] == k.name) for k in KINDS}
    return audit.record(session, user, "baseline", "content", after=counts | {"note": BASELINE_NOTE},
                        content=everything).seq


# --- findings


@dataclass(frozen=True)
class Finding:
    """A row whose content and the trail disagree. ``change``: edited, deleted, inserted, or
    table / run_hash (the table of current hashes was edited); ``seq``: the entry that recorded
    the row last (None: none did)."""

    key: RowKey
    label: str
    change: str
    seq: int | None

    def __str__(self) -> str:
        if self.change == "edited":
            return f"{self.label} was edited outside reconcile: its content no longer matches audit entry {self.seq}"
        if self.change == "deleted":
            return f"{self.label} was deleted outside reconcile: audit entry {self.seq} recorded it"
        if self.change == "inserted":
            return f"{self.label} was inserted outside reconcile: no audit entry records it"
        if self.change == "run_hash":
            return (f"the content hash table's run hash of {self.label} was edited outside reconcile: it no longer "
                    f"matches the {self.key[0]} as audit entry {self.seq} recorded it")
        if self.seq is None:
            return (f"the content hash table has a row for {self.label} that no audit entry recorded: the table was "
                    "edited outside reconcile")
        return (f"the content hash table's row for {self.label} does not match audit entry {self.seq}: the table "
                "was edited outside reconcile")

    def refusal(self, done: str) -> str:
        """One line for a command that refuses to go on: what changed and what the command did
        (what to do about it is the caller's to say, from ``key`` and ``change``)."""
        if self.change == "inserted":
            what = f"{self.label} was inserted outside reconcile (no audit entry records it)"
        else:
            verb = "deleted" if self.change == "deleted" else "changed"
            what = f"{self.label} was {verb} outside reconcile since audit entry {self.seq}"
        return f"{what}; {done}"


def refuse(findings: list[Finding], done: str, then: str) -> ContentChanged:
    """The error for a command that will not build on rows changed outside reconcile; ``then``
    (what to do once they are restored) goes with it for the caller to word."""
    if len(findings) == 1:
        return ContentChanged(findings[0].refusal(done), findings, done, then)
    shown = ", ".join(f.label for f in findings[:3]) + (", …" if len(findings) > 3 else "")
    return ContentChanged(f"{len(findings)} rows were changed outside reconcile since the audit trail recorded them "
                          f"({shown}); {done}", findings, done, then)


def _labels(conn: Connection, keys: Iterable[RowKey]) -> dict[RowKey, str]:
    """'claim 17 (ref X)', 'source 4 (Army)', 'place 2 (Avdiivka)', 'the decision on claims 3
    and 9', 'the manual grade of event 10'; a claim, source or place that is gone has its id only."""
    keys = sorted(set(keys))
    named = {"claim": (Claim.id, Claim.ref), "source": (Source.id, Source.name), "place": (Place.id, Place.name)}
    found: dict[str, dict] = {kind: {} for kind in named}
    for kind, (id_column, name_column) in named.items():
        ids = [k[1] for k in keys if k[0] == kind]
        found[kind].update(select_in(conn, select(id_column, name_column), id_column, ids, CHUNK))
    labels = {}
    for key in keys:
        kind, first, second = key
        if kind == "claim":
            ref = found["claim"].get(first)
            labels[key] = f"claim {first}" + (f" (ref {ref})" if ref is not None else "")
        elif kind in named:
            labels[key] = f"{kind} {first}" + (f" ({found[kind][first]})" if first in found[kind] else "")
        elif kind == "decision":
            labels[key] = f"the decision on claims {first} and {second}"
        else:
            labels[key] = f"the manual grade of event {first}"
    return labels


def _ordered(findings: list[tuple[RowKey, str, int | None]], conn: Connection) -> list[Finding]:
    order = {k.name: i for i, k in enumerate(KINDS)}
    labels = _labels(conn, [f[0] for f in findings])
    return [Finding(key, labels[key], change, seq)
            for key, change, seq in sorted(findings, key=lambda f: (order[f[0][0]], f[0][1:], f[1]))]


def _table(conn: Connection, kind: str | None = None) -> dict[RowKey, tuple[str, str | None, int]]:
    """The table of current hashes (of one kind), but for the upgrade's marker."""
    rows = conn.execute(select(ContentHash.kind, ContentHash.row_id, ContentHash.row_id2, ContentHash.hash,
                                  ContentHash.run_hash, ContentHash.seq)
                        .where(ContentHash.kind == kind if kind else ContentHash.kind != "baseline"))
    return {(kind, a, b): (h, run_hash, seq) for kind, a, b, h, run_hash, seq in rows}


def _compare(recorded: dict[RowKey, tuple[str, str | None, int]], current: dict[RowKey, str],
             skip: Iterable[RowKey] = ()) -> list[tuple[RowKey, str, int | None]]:
    """Rows edited, deleted or inserted: ``current`` hashes against ``recorded`` (hash, run hash,
    seq; the first of these is compared), rows in ``skip`` left out."""
    skip = set(skip)
    found = []
    for key, (h, _run, seq) in recorded.items():
        if key in skip:
            continue
        now = current.get(key)
        if now is None:
            found.append((key, "deleted", seq))
        elif now != h:
            found.append((key, "edited", seq))
    found.extend((key, "inserted", None) for key in current if key not in recorded and key not in skip)
    return found


_RUN_JOIN = ("SELECT c.id, {columns}, h.run_hash, h.seq FROM claims c LEFT JOIN content_hashes h "
             "ON h.kind = 'claim' AND h.row_id = c.id AND h.row_id2 = 0{joins}")
_GONE = ("SELECT h.row_id, h.seq FROM content_hashes h WHERE h.kind = 'claim' "
         "AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.id = h.row_id)")


def check_run(session: Session, user: str) -> None:
    """Before a run reads anything: what a run reads of every claim, and every source, decision
    and manual grade, must match the table of hashes. Rows this transaction wrote and noted (a
    decision's run) are its own. Raises :class:`ContentChanged` otherwise. (A run does the same
    through :class:`RunCheck`, reading the claims once for the check and its features.)"""
    check = RunCheck(session, user)
    with _snapshot(session) as conn:
        check.read_here(conn)
        check.finish(conn)


# Claims (about: the largest id) below which a run checks them itself: forking costs more than it saves.
BESIDE_MIN = 20_000

# The triggers that keep ``unchecked_claims`` on SQLite (models.UncheckedClaim), as migration 0016
# made them: every claim inserted, updated or deleted, and every claim's row of content_hashes
# written, by anyone, is listed there until a run has checked it.
_LOG = "INSERT OR IGNORE INTO unchecked_claims (claim_id) VALUES"
CHANGE_TRIGGERS = {
    "unchecked_claims_insert": ("CREATE TRIGGER unchecked_claims_insert AFTER INSERT ON claims "
                                f"BEGIN {_LOG} (new.id); END"),
    "unchecked_claims_update": ("CREATE TRIGGER unchecked_claims_update AFTER UPDATE ON claims "
                                f"BEGIN {_LOG} (old.id); {_LOG} (new.id); END"),
    "unchecked_claims_delete": ("CREATE TRIGGER unchecked_claims_delete AFTER DELETE ON claims "
                                f"BEGIN {_LOG} (old.id); END"),
    "unchecked_claims_hash_insert": ("CREATE TRIGGER unchecked_claims_hash_insert AFTER INSERT ON content_hashes "
                                     f"WHEN new.kind = 'claim' BEGIN {_LOG} (new.row_id); END"),
    "unchecked_claims_hash_update": ("CREATE TRIGGER unchecked_claims_hash_update AFTER UPDATE ON content_hashes "
                                     f"WHEN old.kind = 'claim' OR new.kind = 'claim' BEGIN {_LOG} (old.row_id); "
                                     f"{_LOG} (new.row_id); END"),
    "unchecked_claims_hash_delete": ("CREATE TRIGGER unchecked_claims_hash_delete AFTER DELETE ON content_hashes "
                                     f"WHEN old.kind = 'claim' BEGIN {_LOG} (old.row_id); END"),
}
# Listed in unchecked_claims: every claim is to be checked (a store upgraded to the table).
EVERY_CLAIM = 0


def _words(sql: str | None) -> str | None:
    return None if sql is None else " ".join(sql.split())


@dataclass
class ChangeLog:
    """What ``unchecked_claims`` says a run must check of the claims (SQLite only): ``claims``, the
    ids listed, or None for every claim: when the list asks for it (:data:`EVERY_CLAIM`); when
    the file's triggers are not exactly :data:`CHANGE_TRIGGERS` (``intact`` false: one dropped,
    changed, or another trigger beside them, which could undo what they list); and when the
    claims stored are not as many as the claims' hashes recorded (a row SQLite deleted to make
    room for another, ``INSERT OR REPLACE``, fires no trigger). ``stored`` is how many claims
    there are, as this transaction sees them."""

    claims: list[int] | None
    intact: bool
    stored: int

    @classmethod
    def read(cls, session: Session, every: bool = False) -> "ChangeLog | None":
        """The log as this transaction sees it (with ``every``, asking for every claim whatever
        it lists); None on PostgreSQL, which keeps none."""
        conn = session.connection()
        if conn.dialect.name != "sqlite":
            return None
        triggers = {name: _words(sql) for name, sql in
                    conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
        intact = triggers == {name: _words(sql) for name, sql in CHANGE_TRIGGERS.items()}
        ids = [row[0] for row in conn.exec_driver_sql("SELECT claim_id FROM unchecked_claims ORDER BY claim_id")]
        counted = conn.exec_driver_sql("SELECT (SELECT count(*) FROM claims), "
                                       "(SELECT count(*) FROM content_hashes WHERE kind = 'claim')").one()
        every = every or not intact or EVERY_CLAIM in ids or counted[0] != counted[1]
        return cls(None if every else ids, intact, counted[0])

    def renew(self, session: Session) -> None:
        """Once the claims it lists (or every claim) were found intact: the list starts again
        empty, and triggers that were missing or changed are made again (another trigger, which
        reconcile never makes, is left for a person to look at: every run checks every claim
        while it is there)."""
        conn = session.connection()
        conn.exec_driver_sql("DELETE FROM unchecked_claims")
        if not self.intact:
            for name, sql in CHANGE_TRIGGERS.items():
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
                conn.exec_driver_sql(sql)


class RunCheck:
    """:func:`check_run` in two parts, so that a run reads every claim once: the run's loader
    reads the claims with their hashes (:meth:`statement`: one statement, so that a claim and
    its hash committed by another writer meanwhile are seen together or not at all), gives each
    row to :meth:`claim`, and before anything is graded :meth:`finish` checks the rest (claims
    gone, sources, decisions, manual grades) and raises :class:`ContentChanged`.

    With ``workers`` above one, on a SQLite file in WAL mode of ``BESIDE_MIN`` claims or more
    whose transaction has written nothing yet, the claims are checked in a forked process
    instead, which reads the file through a connection of its own while the run loads its
    features (:attr:`beside`; the loader then reads the claims without their hashes and gives
    none to :meth:`claim`). That connection sees exactly what the run sees
    (:func:`reconciler.db.unwritten_file`); anywhere else, and if that process fails or dies,
    the claims are checked here (:meth:`read_here`)."""

    def __init__(self, session: Session, user: str, workers: int = 1, every: bool = False):
        ensure_baseline(session, user)
        session.flush()
        self.session = session
        self.own = set(session.info.get(_STAGED, {}))
        self.found: list[tuple[RowKey, str, int | None]] = []
        self.differ: dict[int, int] = {}
        # SQLite: the claims written since a run last checked them (unchecked_claims), read after
        # the baseline (which writes every claim's hash). None: every claim is checked (always
        # with ``every``: `run --full`).
        self.log = ChangeLog.read(session, every)
        self.logged = None if self.log is None else self.log.claims
        self._logged_read = False
        path = None
        if self.logged is None and workers > 1 and can_fork() \
                and (session.scalar(select(func.max(Claim.id))) or 0) >= BESIDE_MIN:
            path = unwritten_file(session)
        self.beside: Beside | None = None
        if path is not None:
            self.beside = Beside(_check_beside, (path, self.statement(), self.own))

    @staticmethod
    def statement(marks: bool = False) -> str:
        """SELECT c.id, the RUN_READS columns, h.run_hash, h.seq: every claim (raw driver
        values), with its recorded run hash; with ``marks``, after RUN_READS the version of the
        claim's mark for the next run (NULL: not marked; reconciler.marks)."""
        columns = ", ".join(f"c.{_q(c)}" for c in RUN_READS) + (", m.version" if marks else "")
        return _RUN_JOIN.format(columns=columns, joins=MARK_JOIN if marks else "")

    @property
    def wants_rows(self) -> bool:
        """Whether the run's loader, reading every claim, gives each to :meth:`claim`: not when
        a process beside checks them, nor when only the claims the log lists are checked."""
        return self.beside is None and self.logged is None

    def claim(self, claim_id: int, run_values: tuple, run_hash: str | None, seq: int | None) -> None:
        """One claim as read: its RUN_READS values, its recorded run hash and sequence number."""
        _check_claim(claim_id, run_values, run_hash, seq, self.own, self.found, self.differ)

    def read_here(self, conn: Connection) -> None:
        """Read the claims to check with their hashes (:meth:`statement`: every claim, or those
        the log lists) in ``conn`` and check each: what the loader does row by row, for a check
        made on its own."""
        if self.logged is None:
            _check_rows(conn.exec_driver_sql(self.statement()), self.own, self.found, self.differ)
            return
        if not self._logged_read:
            for part in chunks(self.logged, CHUNK):   # integers only: safe to write into the statement
                listed = f" WHERE c.id IN ({','.join(str(int(i)) for i in part)})"
                _check_rows(conn.exec_driver_sql(self.statement() + listed), self.own, self.found, self.differ)
            self._logged_read = True

    def finish(self, conn: Connection | None = None) -> None:
        """The rest of the check, in ``conn`` (else a snapshot of its own); raises ContentChanged."""
        if conn is None:
            with _snapshot(self.session) as snapshot:
                refresh = self._rest(snapshot)
        else:
            refresh = self._rest(conn)
        if refresh:
            table = ContentHash.__table__
            self.session.execute(update(table).where(table.c.kind == "claim", table.c.row_id == bindparam("r_id"),
                                                     table.c.row_id2 == 0).values(run_hash=bindparam("r_hash")),
                                 [{"r_id": claim_id, "r_hash": run_hash} for claim_id, run_hash in refresh.items()])
        if self.log is not None:   # every claim written since the last check is intact
            self.log.renew(self.session)

    def close(self) -> None:
        """Stop the process checking beside the run, if any (a run that failed before finish)."""
        if self.beside is not None:
            self.beside.close()

    def _rest(self, conn: Connection) -> dict[int, str]:
        found, own = self.found, self.own
        if self.logged is not None:
            self.read_here(conn)   # (once: a run in a window of dates may have read them)
        if self.beside is not None:
            beside, self.beside = self.beside, None
            try:
                apart, differ = beside.result()
            except ProcessLost:   # checked here instead: the result is the same
                self.read_here(conn)
            else:
                found.extend(apart)
                self.differ.update(differ)
        refresh = _whole_claims(conn, self.differ, found)
        # Claims deleted: any (their hashes left behind), or, with the log, those it lists.
        gone = [_GONE] if self.logged is None else [
            f"{_GONE} AND h.row_id IN ({','.join(str(int(i)) for i in part)})" for part in chunks(self.logged, CHUNK)]
        found.extend((("claim", row_id, 0), "deleted", seq) for sql in gone for row_id, seq in conn.exec_driver_sql(sql)
                     if ("claim", row_id, 0) not in own)
        for kind in KINDS[1:]:
            current = {key: h for key, (h, _run) in _hashes(conn, kind.name).items()}
            found.extend(_compare(_table(conn, kind.name), current, own))
        if found:
            raise refuse(_ordered(found, conn), "nothing was graded", "run again")
        return refresh


def _check_claim(claim_id: int, run_values: tuple, run_hash: str | None, seq: int | None, own: set,
                 found: list, differ: dict[int, int]) -> None:
    key = ("claim", claim_id, 0)
    if key in own:
        return
    if seq is None:
        found.append((key, "inserted", None))
    elif _run_digest(tuple(run_values)) != run_hash:
        differ[claim_id] = seq


def _check_rows(rows: Iterable[tuple], own: set, found: list, differ: dict[int, int]) -> None:
    """:func:`_check_claim` of each row of :meth:`RunCheck.statement` (id, values, hash, seq)."""
    for row in rows:
        _check_claim(row[0], row[1:-2], row[-2], row[-1], own, found, differ)


def _check_beside() -> tuple[list, dict[int, int]]:
    """In the process beside a run (RunCheck.beside): every claim of the file checked against its
    run hash, through a read-only connection of its own."""
    path, statement, own = shared()
    found, differ = [], {}
    connection = sqlite3.connect(Path(path).as_uri() + "?mode=ro", uri=True, timeout=60)
    try:
        _check_rows(connection.execute(statement), own, found, differ)
    finally:
        connection.close()
    return found, differ


def _whole_claims(conn: Connection, differ: dict[int, int], found: list) -> dict[int, str]:
    """Claims whose run hash differs from the table's: those whose whole content still matches
    the table are intact (the run hash's encoding changed); the others go to ``found``.
    Returns the run hashes to write again."""
    if not differ:
        return {}
    ids = sorted(differ)
    recorded = {}
    whole = select(ContentHash.row_id, ContentHash.hash).where(ContentHash.kind == "claim", ContentHash.row_id2 == 0)
    recorded.update(select_in(conn, whole, ContentHash.row_id, ids, CHUNK))
    refresh = {}
    for (_kind, claim_id, _), (whole, run_hash) in _hashes(conn, "claim", ids).items():
        if whole == recorded.get(claim_id):
            refresh[claim_id] = run_hash
        else:
            found.append((("claim", claim_id, 0), "edited", differ[claim_id]))
    return refresh


def require_intact(session: Session, kind_name: str, ids: Iterable[int], done: str, then: str) -> None:
    """Refuse to build on rows changed outside reconcile (a partial edit would record the
    change as the tool's own)."""
    ids = sorted(set(ids))
    if not ids:
        return
    found = [(key, "inserted" if seq is None else "edited", seq) for key, seq in _changed(session, kind_name, ids)]
    if found:
        raise refuse(_ordered(found, session.connection()), done, then)


def _changed(session: Session, kind_name: str, ids: list[int]) -> list[tuple[RowKey, int | None]]:
    """The stored rows among ``ids`` whose content differs from what was recorded (noted in this
    transaction, or in the table), with the entry that recorded them (None: none did)."""
    table = ContentHash
    recorded: dict[RowKey, tuple[str | None, int | None]] = {}
    of_kind = select(table.kind, table.row_id, table.row_id2, table.hash, table.seq).where(table.kind == kind_name)
    recorded.update(((k, a, b), (h, seq)) for k, a, b, h, seq in select_in(session, of_kind, table.row_id, ids, CHUNK))
    for key, (h, _run) in session.info.get(_STAGED, {}).items():
        if key[0] == kind_name:
            recorded[key] = (h, recorded.get(key, (None, None))[1])
    return [(key, recorded.get(key, (None, None))[1]) for key, (h, _run) in hashes(session, kind_name, ids).items()
            if recorded.get(key, (None, None))[0] != h]


def changed_claims(session: Session, ids: Iterable[int]) -> set[int]:
    """The claims among ``ids`` whose content no longer matches what was recorded for them."""
    ids = sorted(set(ids))
    return {key[1] for key, _seq in _changed(session, "claim", ids)} if ids else set()


def deleted_claims(session: Session) -> dict[str, int]:
    """Recorded claims whose row is gone, by the hash recorded for them (a re-import that
    reproduces one exactly brings it back under its id).

    On SQLite, the change log spares most imports the look-up of every recorded claim's row
    (half a second at a million claims): where it lists particular claims (:class:`ChangeLog`:
    its triggers intact, and as many claims stored as claims' hashes recorded), every claim
    without a hash is listed (its insert was; the list is emptied only after a run found every
    claim as recorded). If no listed claim lacks a hash, no claim does, and since the counts are
    equal no hash lacks its claim either: none is deleted. Otherwise every recorded claim is
    looked up, as on PostgreSQL."""
    conn = session.connection()
    log = ChangeLog.read(session)
    if log is not None and log.claims is not None:
        unrecorded = [row for part in chunks(log.claims, CHUNK) for row in conn.exec_driver_sql(
            f"SELECT c.id FROM claims c WHERE c.id IN ({','.join(str(int(i)) for i in part)}) AND NOT EXISTS "
            "(SELECT 1 FROM content_hashes h WHERE h.kind = 'claim' AND h.row_id = c.id AND h.row_id2 = 0)")]
        if not unrecorded:
            return {}
    return {h: row_id for row_id, h in conn.exec_driver_sql(_GONE.replace("h.seq", "h.hash"))}


# --- audit verify and audit accept


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    counts: dict[str, int]          # rows of each kind checked
    pending: bool = False           # upgraded, baseline not recorded yet


def _latest(conn: Connection) -> dict[RowKey, tuple[str | None, int]]:
    """The latest hash the trail recorded for each row, and the entry that recorded it."""
    latest: dict[RowKey, tuple[str | None, int]] = {}
    rows = conn.execute(select(AuditEntry.seq, AuditEntry.content)
                           .where(AuditEntry.content.is_not(None)).order_by(AuditEntry.seq))
    for seq, content in rows:
        for kind, by_key in content.items():
            for text_key, h in by_key.items():
                latest[audit.parse_key(kind, text_key)] = (h, seq)
    return latest


def verify(session: Session) -> Report:
    """Every claim, source, decision and manual grade against the latest hash the trail
    recorded for it, and the table of current hashes against the trail. The chain itself is
    :func:`reconciler.audit.verify`'s; call this on an intact chain."""
    with _snapshot(session) as conn:
        if conn.scalar(select(ContentHash.seq).where(ContentHash.kind == "baseline").limit(1)) is not None:
            return Report([], {}, pending=True)
        latest, table = _latest(conn), _table(conn)
        current: dict[RowKey, tuple[str, str | None]] = {}
        for kind in KINDS:
            current.update(_hashes(conn, kind.name))
        found = _compare({key: (h, None, seq) for key, (h, seq) in latest.items() if h is not None},
                         {key: h for key, (h, _run) in current.items()})
        run_differs: dict[RowKey, tuple[str, int | None]] = {}
        for key in set(latest) | set(table):
            recorded, seq = latest.get(key, (None, None))
            row, now = table.get(key), current.get(key)
            if (row[0] if row else None) != recorded or (row is not None and row[2] != seq):
                found.append((key, "table", seq if recorded is not None else None))
            elif row is not None and now is not None and now[0] == recorded and row[1] != now[1]:
                run_differs[key] = (row[1], seq)
        found.extend((key, "run_hash", seq) for key, (stored, seq) in _stale_or_edited(conn, run_differs).items())
        counts = {k.name: sum(1 for key in current if key[0] == k.name) for k in KINDS}
        return Report(_ordered(found, conn), counts)


def _stale_or_edited(conn: Connection, differ: dict[RowKey, tuple[str, int | None]]) -> dict[RowKey, tuple]:
    """Of the claims whose run hash in the table differs from their run hash now (``differ``:
    the stored run hash and seq), those whose stored one is no run hash an earlier version wrote
    of them (:func:`_earlier_run_hash`): edited."""
    edited = {key: value for key, value in differ.items() if value[0] is None or len(value[0]) != 64}
    earlier = {key[1]: (key, value) for key, value in differ.items() if key not in edited}
    columns = ", ".join(_q(c) for c in RUN_READS)
    for part in _chunks(sorted(earlier)):
        for row in conn.exec_driver_sql(f"SELECT id, {columns} FROM claims WHERE id IN ({', '.join(map(str, part))})"):
            key, value = earlier.pop(row[0])
            if not _earlier_run_hash(value[0], tuple(row[1:])):
                edited[key] = value
    edited.update(earlier.values())   # (a claim gone meanwhile: named as the table's run hash)
    return edited


def accept(session: Session, user: str, reason: str) -> tuple[list[Finding], int | None]:
    """Record every row that disagrees with the trail as it is now, in one audit entry that
    names each and gives the person's reason. Returns the rows and the entry's number."""
    if not reason or not reason.strip():
        raise AuditError("accepting rows as they are needs a reason (--reason)")
    chain = audit.verify(session)
    if not chain.ok:
        raise AuditError(f"the audit trail itself is broken ({chain.problem}); "
                         "content can only be recorded on an intact trail")
    ensure_baseline(session, user)
    report = verify(session)
    if not report.findings:
        return [], None
    keys = {f.key for f in report.findings}
    content: dict[RowKey, tuple[str | None, str | None]] = {key: (None, None) for key in keys}
    for kind in KINDS:
        ids = {k[1] for k in keys if k[0] == kind.name}
        if ids:
            content.update({k: v for k, v in hashes(session, kind.name, ids).items() if k in keys})
    entry = audit.record(session, user, "accept", "content",
                         after={"reason": reason.strip(), "rows": [str(f) for f in report.findings]},
                         content=content)
    return report.findings, entry.seq
