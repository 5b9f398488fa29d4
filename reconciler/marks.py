"""The claims the next run must match (``claim_marks``): marked by every writer that changes
what a run would decide of a claim, cleared by the run that matched it.

A mark holds the claim's version when it was marked. Every writer raises the claim's version
first and then marks it (:func:`mark`), replacing an older mark's version; a run deletes a mark
only at the version it read (:func:`clear`). On PostgreSQL a run and an import may overlap:
the import's mark holds the mark's row locked until it commits, so the run's delete waits for
it, then finds another version and leaves the mark for the next run; a writer marking a claim
whose mark the run has just deleted waits, the other way round, until the run commits (then
inserts its mark anew). A writer marking several claims in another order than the run clears
them may deadlock with it: PostgreSQL rolls one back, and it is retried (a busy error). The
marks are a table of their own, not a column of ``claims``, so that clearing them deletes
narrow rows instead of writing a new version of each wide claim row and of its entry in every
index.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, case, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .db import ARRAY_CHUNK, CHUNK, among, chunks, delete_in, driver_executemany, insert_values, parts, select_in
from .models import Claim, ClaimMark, core

__all__ = ["MARK_JOIN", "clear", "forget", "mark", "mark_new", "mark_where", "marked", "touch_where"]

# Joined to ``claims c`` by a reader of every claim: ``m.version``, the version the claim was
# marked at, or NULL when it is not marked (reconciler.features, content.RunCheck).
MARK_JOIN = " LEFT JOIN claim_marks m ON m.claim_id = c.id"


def forget(session: Session, claim_ids: Iterable[int]) -> None:
    """Remove the marks of claims deleted outside reconcile (``claim_ids``: a program with
    SQLite's foreign keys off, its default, deletes the claim and leaves its mark): a new claim
    may take the id (SQLite gives the largest plus one), or the claim come back under its own
    (an import restoring it), and either is marked anew by :func:`mark_new`."""
    delete_in(session, ClaimMark, ClaimMark.claim_id, sorted(set(claim_ids)))


def mark_new(session: Session, claim_ids: Iterable[int]) -> None:
    """Mark claims just inserted (at version 1), in one bulk insert (the import has forgotten
    the marks of claims deleted outside reconcile first: :func:`forget`)."""
    insert_values(session, core(ClaimMark), ("claim_id", "version"), [(c, 1) for c in claim_ids])


def mark_where(session: Session, condition: ColumnElement[bool]) -> None:
    """Mark every claim ``condition`` selects, at its version as stored now (raise it first)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ClaimMark).from_select(
        ["claim_id", "version"], select(Claim.id, Claim.version).where(condition))
    # Never lower a mark's version: a writer that read the claim before another raised it (and
    # waited for that one's lock on the mark) must not put the older version back.
    newer = case((statement.excluded.version > ClaimMark.version, statement.excluded.version),
                 else_=ClaimMark.version)
    session.execute(statement.on_conflict_do_update(index_elements=["claim_id"], set_={"version": newer}))


def touch_where(session: Session, condition: ColumnElement[bool]) -> None:
    """Raise the version of every claim ``condition`` selects and mark it at the new one: for a
    writer whose change elsewhere (a source, a neighbour's dates) changes what a run decides of
    these claims without writing them."""
    session.execute(update(Claim).where(condition).values(version=Claim.version + 1))
    mark_where(session, condition)


def mark(session: Session, claim_ids: Iterable[int]) -> None:
    """Mark the claims ``claim_ids``, at their versions as stored now (raise them first)."""
    for part in parts(session, sorted(set(claim_ids)), CHUNK):
        mark_where(session, among(session, Claim.id, part))


_CLEAR = text("DELETE FROM claim_marks USING unnest(CAST(:ids AS integer[]), CAST(:versions AS integer[])) "
              "AS k(id, version) WHERE claim_marks.claim_id = k.id AND claim_marks.version = k.version")


def clear(session: Session, versions: dict[int, int]) -> None:
    """Clear the marks of the claims ``versions`` names, each only where it is still the mark
    read (its version): a claim marked again since stays marked."""
    ids = sorted(versions)
    if session.get_bind().dialect.name == "postgresql":
        # One statement a part, the ids and versions as arrays: one planned a row costs seconds.
        for part in chunks(ids, ARRAY_CHUNK):
            session.execute(_CLEAR, {"ids": part, "versions": [versions[c] for c in part]})
        return
    # Integers only: the driver's executemany takes them as they are (a million marks at the end
    # of a full run).
    driver_executemany(session.connection(), "DELETE FROM claim_marks WHERE claim_id = ? AND version = ?",
                       ((c, versions[c]) for c in ids))


def marked(session: Session, claim_ids: Iterable[int]) -> set[int]:
    """Those of ``claim_ids`` that are marked."""
    return {row[0] for row in select_in(session, select(ClaimMark.claim_id), ClaimMark.claim_id,
                                        sorted(set(claim_ids)), CHUNK)}
