"""The strong links a run keeps for the next (``strong_links``).

A run re-decides whole groups of strongly-linked claims. An incremental run finds them from its
new and changed claims: it scores every candidate of those, and follows each strong link to the
claim at its other end. Scoring every candidate of the claims it reaches that way too (what it
did before this table) is most of its work where reports are dense: at a million claims, 1,000
new ones reached 35,000 stored claims and 3.9 million pairs. A pair of stored claims neither of
which changed scores as it did in the run that last scored it, so the run reads their strong
links here instead, and scores only the pairs of the claims it reached within one strongly-linked
group (runs._Explorer).

What the table holds is complete after every run that records ``strong_links`` in its counts:
every strong pair among the claims matched, each once as (smaller id, larger id). A full run
writes it whole; an incremental one replaces the rows of the claims it re-matched, and no
strong pair joins one of those claims to a claim it did not re-match (the other would have
been reached). A run whose last finished run did not keep it (one made before the table) is a
full run.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .db import CHUNK, chunks, delete_in, insert_values, select_in
from .models import StrongLink, core
from .pairs import PairList, pack, unpack

__all__ = ["COUNT_KEY", "forget", "kept_by", "partners", "replace"]

# The key of a run's counts that says the run kept the table complete (its value: the rows it wrote).
COUNT_KEY = "strong_links"


def kept_by(counts: dict | None) -> bool:
    """Whether the run with these counts left the table complete."""
    return COUNT_KEY in (counts or {})


def partners(session: Session, claim_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each of ``claim_ids`` with the claims the table links it to, either side."""
    ids = sorted(set(claim_ids))
    found: dict[int, list[int]] = {}
    query = select(StrongLink.claim_a, StrongLink.claim_b)
    for a, b in select_in(session, query, StrongLink.claim_a, ids, CHUNK):
        found.setdefault(a, []).append(b)
    for a, b in select_in(session, query, StrongLink.claim_b, ids, CHUNK):
        found.setdefault(b, []).append(a)
    return found


def forget(session: Session, claim_ids: list[int]) -> None:
    """Delete the rows of claims deleted outside reconcile (runs._deleted_outside)."""
    delete_in(session, StrongLink, StrongLink.claim_a, claim_ids)
    delete_in(session, StrongLink, StrongLink.claim_b, claim_ids)


def replace(session: Session, pairs: PairList, matched: list[int] | None) -> int:
    """Replace the rows of the claims ``matched`` (every row where None: a run that matched
    every claim) with ``pairs``, the run's strong links among them; returns how many were
    written. A pair given twice is written once."""
    if matched is None:
        session.execute(delete(StrongLink))
    else:
        delete_in(session, StrongLink, StrongLink.claim_a, matched)
        delete_in(session, StrongLink, StrongLink.claim_b, matched)
    keys = sorted({pack(a, b) for a, b in pairs})
    table = core(StrongLink)
    for part in chunks(keys, 50_000):
        insert_values(session, table, ("claim_a", "claim_b"), [unpack(key) for key in part])
    return len(keys)
