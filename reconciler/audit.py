"""A tamper-evident audit trail: every change appends a hash-chained entry.

Each entry's ``hash`` is SHA-256 over its own content (sequence number, time, user, action,
object, events, before, after) and the previous entry's hash. Editing an entry changes its
hash; deleting one leaves a gap in the sequence and a ``prev_hash`` that no longer matches;
inserting one out of order breaks the chain after it. :func:`verify` finds the first break.

What it does not protect against: somebody who can write the file can recompute every hash
after a change and so rebuild a consistent chain, and can drop entries from the end. Against
that, write down or publish the head hash (``reconcile audit verify --anchor``) and later check
that the chain still contains it (``--expect``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .models import AuditEntry, utcnow

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """JSON-native copy (dates become ISO text) so the hash survives a round trip through the database."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False)) if value is not None else None


def entry_hash(seq: int, at: str, user: str, action: str, object_type: str, object_id: str | None,
               events: list, before: Any, after: Any, prev_hash: str) -> str:
    content = {"seq": seq, "at": at, "user": user, "action": action, "object_type": object_type,
               "object_id": object_id, "events": events, "before": before, "after": after, "prev": prev_hash}
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def record(session: Session, user: str, action: str, object_type: str, object_id: Any = None, *,
           before: Any = None, after: Any = None, events: Iterable[int] = ()) -> AuditEntry:
    """Append one entry in the caller's transaction (so it commits or rolls back with the change)."""
    if session.get_bind().dialect.name == "postgresql":
        # SQLite serialises writers with BEGIN IMMEDIATE; PostgreSQL needs a lock for the chain head.
        session.execute(text("SELECT pg_advisory_xact_lock(7243001)"))
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = utcnow().isoformat(timespec="microseconds")
    oid = None if object_id is None else str(object_id)
    events = sorted({int(e) for e in events})
    before, after = _plain(before), _plain(after)
    entry = AuditEntry(seq=seq, at=at, user=user, action=action, object_type=object_type, object_id=oid,
                       events=events, before=before, after=after, prev_hash=prev,
                       hash=entry_hash(seq, at, user, action, object_type, oid, events, before, after, prev))
    session.add(entry)
    session.flush()
    return entry


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
                              e.prev_hash)
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
                       "hash": e.hash})
    return result[-limit:] if limit else result
