"""A tamper-evident audit trail: every change appends a hash-chained entry.

Each entry's ``hash`` is SHA-256 over its own content (sequence number, time, user, action,
object, events, before, after, the content hashes of the rows it wrote) and the previous
entry's hash. Editing an entry changes its
hash; deleting one leaves a gap in the sequence and a ``prev_hash`` that no longer matches;
inserting one out of order breaks the chain after it. :func:`verify` finds the first break.

What it does not protect against: somebody who can write the file can recompute every hash
after a change and so rebuild a consistent chain, and can drop entries from the end. Against
that, write down or publish the head hash (``reconcile audit verify --anchor``) and later check
that the chain still contains it (``--expect``).

An entry's ``content`` ({kind: {key: hash}}) names the rows the change wrote and their content
hash (null: removed); :func:`record` keeps the table of current hashes (``content_hashes``) in
step in the same transaction. reconciler.content works the hashes out and checks rows against them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.orm import Session

from .db import chunks, driver_errors, insert_rows
from .models import AuditEntry, ContentHash, core, utcnow

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """JSON-native copy (dates become ISO text) so the hash survives a round trip through the database."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False)) if value is not None else None


# A row's key in ``content``: (kind, id, second id of a pair or 0).
RowKey = tuple[str, int, int]


def entry_hash(seq: int, at: str, user: str, action: str, object_type: str, object_id: str | None,
               events: list, before: Any, after: Any, prev_hash: str, content: dict | None = None) -> str:
    fields = {"seq": seq, "at": at, "user": user, "action": action, "object_type": object_type,
              "object_id": object_id, "events": events, "before": before, "after": after, "prev": prev_hash}
    if content is not None:   # entries written before content hashes existed hash as they did
        fields["content"] = content
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def key_text(key: RowKey) -> str:
    """'17' for a row, '3,9' for a pair decision: the key as ``content`` writes it."""
    return f"{key[1]},{key[2]}" if key[2] else str(key[1])


def parse_key(kind: str, text_key: str) -> RowKey:
    first, _, second = text_key.partition(",")
    return kind, int(first), int(second or 0)


def record(session: Session, user: str, action: str, object_type: str, object_id: Any = None, *,
           before: Any = None, after: Any = None, events: Iterable[int] = (),
           content: dict[RowKey, tuple[str | None, str | None]] | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction (so it commits or rolls back with the change).

    ``content`` maps each row the change wrote to (its content hash, its run hash), None for a
    row it removed (reconciler.content.take); the entry records the hashes and the table of
    current hashes is brought in step.
    """
    if session.get_bind().dialect.name == "postgresql":
        # SQLite serialises writers with BEGIN IMMEDIATE; PostgreSQL needs a lock for the chain head.
        session.execute(text("SELECT pg_advisory_xact_lock(7243001)"))
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = utcnow().isoformat(timespec="microseconds")
    oid = None if object_id is None else str(object_id)
    events = sorted({int(e) for e in events})
    before, after = _plain(before), _plain(after)
    recorded = _content(content) if content else None
    entry = AuditEntry(seq=seq, at=at, user=user, action=action, object_type=object_type, object_id=oid,
                       events=events, before=before, after=after, content=recorded, prev_hash=prev,
                       hash=entry_hash(seq, at, user, action, object_type, oid, events, before, after, prev,
                                       recorded))
    session.add(entry)
    session.flush()
    if content:
        store_hashes(session, content, seq)
    return entry


def _content(content: dict[RowKey, tuple[str | None, str | None]]) -> dict[str, dict[str, str | None]]:
    recorded: dict[str, dict[str, str | None]] = {}
    for key in sorted(content):
        recorded.setdefault(key[0], {})[key_text(key)] = content[key][0]
    return recorded


# The current hashes of rows of one kind with one id, the ids bound as one list (not one literal each).
_DELETE_SINGLES = delete(core(ContentHash)).where(core(ContentHash).c.kind == bindparam("kind"),
                                                  core(ContentHash).c.row_id.in_(bindparam("ids", expanding=True)),
                                                  core(ContentHash).c.row_id2 == 0)
# The current hash of one row, its whole key bound.
_DELETE_ONE = delete(core(ContentHash)).where(core(ContentHash).c.kind == bindparam("d_kind"),
                                              core(ContentHash).c.row_id == bindparam("d_row_id"),
                                              core(ContentHash).c.row_id2 == bindparam("d_row_id2"))


def _key_values(key: RowKey) -> dict:
    return {"d_kind": key[0], "d_row_id": key[1], "d_row_id2": key[2]}


def store_hashes(session: Session, content: dict[RowKey, tuple[str | None, str | None]], seq: int) -> None:
    """Make the table of current hashes say what entry ``seq`` recorded for these rows."""
    if session.get_bind().dialect.name == "postgresql":
        _store_hashes_upserting(session, content, seq)
        return
    table = core(ContentHash)
    keys = sorted(content)
    for part in chunks(keys, 500):
        by_kind: dict[str, list[RowKey]] = {}
        for key in part:
            by_kind.setdefault(key[0], []).append(key)
        for kind, rows in by_kind.items():
            singles = [k[1] for k in rows if not k[2]]
            if singles:
                session.execute(_DELETE_SINGLES, {"kind": kind, "ids": singles})
            pairs = [_key_values(k) for k in rows if k[2]]
            if pairs:
                session.connection().execute(_DELETE_ONE, pairs)
        rows = [{"kind": k[0], "row_id": k[1], "row_id2": k[2], "hash": content[k][0], "run_hash": content[k][1],
                 "seq": seq} for k in part if content[k][0] is not None]
        insert_rows(session, table, rows)


def _store_hashes_upserting(session: Session, content: dict[RowKey, tuple[str | None, str | None]],
                            seq: int) -> None:
    """:func:`store_hashes` on PostgreSQL: each row's hash inserted or replaced in one statement
    (ON CONFLICT on the key), a removed row's deleted by its whole key. A DELETE by a list of
    ids, as on SQLite, is planned there as a scan of every hash of the kind while the table's
    statistics are not yet gathered (as in the transaction that fills it): a large import
    became quadratic."""
    keys = sorted(content)
    removed = [_key_values(k) for k in keys if content[k][0] is None]
    for part in chunks(removed, 5000):
        session.connection().execute(_DELETE_ONE, part)
    rows = [(k[0], k[1], k[2], content[k][0], content[k][1], seq) for k in keys if content[k][0] is not None]
    # One statement a row through the driver's pipeline (psycopg sends them without waiting for
    # each answer): Core's multi-row form is parsed again for every batch of parameters.
    connection = session.connection()
    with driver_errors(connection, _UPSERT), connection.connection.driver_connection.cursor() as cursor:
        cursor.executemany(_UPSERT, rows)


_UPSERT = ("INSERT INTO content_hashes (kind, row_id, row_id2, hash, run_hash, seq) VALUES (%s, %s, %s, %s, %s, %s) "
           "ON CONFLICT (kind, row_id, row_id2) DO UPDATE SET hash = EXCLUDED.hash, run_hash = EXCLUDED.run_hash, "
           "seq = EXCLUDED.seq")


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    problem: str | None = None
    bad_seq: int | None = None


def verify(session: Session, expect: str | None = None) -> Verification:
    """Recompute the chain in storage order and report the first entry that breaks it.

    ``expect`` is an anchor written down earlier (``SEQ:HASH``); it must still be in the chain.
    """
    prev_hash, expected_seq, count = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    for e in rows:
        count += 1
        if e.seq != expected_seq:
            if e.seq > expected_seq:
                missing = f"entry {expected_seq}" if e.seq == expected_seq + 1 else f"entries {expected_seq}–{e.seq - 1}"
                return _bad(count, e.seq, prev_hash, f"{missing} deleted: entry {e.seq} follows entry {expected_seq - 1}")
            return _bad(count, e.seq, prev_hash, f"entry {e.seq} inserted out of order after entry {expected_seq - 1}")
        if e.prev_hash != prev_hash:
            return _bad(count, e.seq, prev_hash,
                        f"entry {e.seq} does not follow entry {e.seq - 1} (its previous hash differs): "
                        "an entry was deleted or inserted before it")
        computed = entry_hash(e.seq, e.at, e.user, e.action, e.object_type, e.object_id, e.events, e.before, e.after,
                              e.prev_hash, e.content)
        if computed != e.hash:
            return _bad(count, e.seq, prev_hash, f"entry {e.seq} was edited: its content no longer matches its hash")
        prev_hash, expected_seq = e.hash, expected_seq + 1
        hashes[e.seq] = e.hash
    head_seq = expected_seq - 1
    if expect:
        seq_text, _, hash_text = expect.partition(":")
        try:
            anchor_seq = int(seq_text)
        except ValueError:
            return Verification(False, count, head_seq, prev_hash, f"anchor {expect!r} is not SEQ:HASH")
        if hashes.get(anchor_seq) != hash_text.strip().lower():
            return Verification(False, count, head_seq, prev_hash,
                                f"anchor {expect} is not in the chain: entries up to {anchor_seq} were rewritten "
                                "or removed", anchor_seq)
    return Verification(True, count, head_seq, prev_hash)


def _bad(count: int, seq: int, head: str, problem: str) -> Verification:
    return Verification(False, count, seq - 1, head, problem, seq)


def entries(session: Session, *, event: int | None = None, user: str | None = None,
            limit: int | None = None) -> list[dict]:
    """Audit entries, oldest first, optionally about one event or by one user."""
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if user:
        query = query.where(AuditEntry.user == user)
    result = []
    for e in session.scalars(query):
        if event is not None and event not in (e.events or []):
            continue
        result.append({"seq": e.seq, "at": e.at, "user": e.user, "action": e.action, "object_type": e.object_type,
                       "object_id": e.object_id, "events": e.events, "before": e.before, "after": e.after,
                       "content": e.content, "hash": e.hash})
    return result[-limit:] if limit else result
