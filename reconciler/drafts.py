"""Drafts: claims drafted from a report's text, kept beside the claims they match and never
counted until a person accepts them.

A claim row with a ``draft`` member (what the extractor writes: the rule behind each field) is
imported as a draft (``Claim.draft_state`` 'draft'). Matching links it into events like any
claim, so a person sees it beside the claims it matches; grading leaves it out
(:mod:`reconciler.grading`). :func:`accept` makes it a claim like any other; :func:`reject`
keeps it, out of every count; :func:`reopen` takes either decision back (a draft accepted by
mistake counts for nothing again). Each is a decision: audited, and the events holding the
drafts are re-graded at once, as a run scoped to them would (``reconciler.runs.reconcile`` with
``seeds``); the claims are marked for the next run too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from . import audit, content, marks
from .claims import claim_dict
from .decisions import current_config
from .errors import DraftNotSettled, DraftSettled, NotADraft, NotFound, ReconcileError
from .db import CHUNK, chunks, select_in
from .models import DRAFT_STATES, Claim, ClaimLink, Event, naive_utc, utcnow
from .runs import reconcile
from .sources import SourceIndex

PENDING, ACCEPTED, REJECTED = DRAFT_STATES
ACTIONS = {ACCEPTED: "accept", REJECTED: "reject", PENDING: "reopen"}   # the audit entry's action


@dataclass(frozen=True)
class DraftView:
    """One draft as ``reconcile drafts`` lists it: the claim (``claim``: the claims listing's
    dictionary, with its event), its state, the draft member (``provenance``), and who settled it."""

    claim: dict
    state: str
    provenance: dict
    settled_by: str | None
    settled_at: datetime | None
    reason: str | None

    @property
    def rules(self) -> dict[str, str]:
        """The rule behind each field, by field."""
        rules = self.provenance.get("rules")
        return dict(rules) if isinstance(rules, dict) else {}

    def as_dict(self) -> dict:
        return self.claim | {"draft": {"state": self.state, "rules": self.rules, "provenance": self.provenance,
                                       "settled_by": self.settled_by,
                                       "settled_at": self.settled_at.isoformat() if self.settled_at else None,
                                       "reason": self.reason}}


@dataclass(frozen=True)
class Settled:
    """What :func:`accept` or :func:`reject` did: the claims, their new state, and the events
    holding them (re-graded now: their grade before and after, by event id)."""

    claims: list[int]
    state: str
    events: dict[int, tuple[str, str]]


def list_drafts(session: Session, state: str | None = None) -> list[DraftView]:
    """Every claim imported as a draft (in ``state``: 'draft', 'accepted' or 'rejected', else
    all), by date then id, with the event each was matched into."""
    if state is not None and state not in DRAFT_STATES:
        raise ReconcileError(f"unknown draft state {state!r}; expected one of {', '.join(DRAFT_STATES)}")
    index = SourceIndex.load(session)
    query = (select(Claim, ClaimLink.event_id).outerjoin(ClaimLink, ClaimLink.claim_id == Claim.id)
             .where(Claim.draft_state.is_not(None) if state is None else Claim.draft_state == state)
             .options(selectinload(Claim.relays)).order_by(Claim.date_start, Claim.id))
    return [DraftView(claim_dict(claim, index, event_id), claim.draft_state, dict(claim.draft or {}),
                      claim.draft_settled_by, claim.draft_settled_at, claim.draft_reason)
            for claim, event_id in session.execute(query)]


def accept(session: Session, user: str, claim_ids: list[int]) -> Settled:
    """A person checked these drafts against their report: they become claims like any other."""
    return _settle(session, user, claim_ids, ACCEPTED, None)


def reject(session: Session, user: str, claim_ids: list[int], reason: str | None = None) -> Settled:
    """A person found these drafts wrong: kept (and audited), never counted, whatever they match."""
    return _settle(session, user, claim_ids, REJECTED, _reason(reason))


def reopen(session: Session, user: str, claim_ids: list[int], reason: str | None = None) -> Settled:
    """A person takes back the decision on these drafts (accepted or rejected by mistake): they
    are drafts again, counted for nothing until settled anew. The earlier decision, who took it
    and why, stays in the audit log, in this entry's ``before``."""
    return _settle(session, user, claim_ids, PENDING, _reason(reason))


def _reason(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def _settle(session: Session, user: str, claim_ids: list[int], state: str, reason: str | None) -> Settled:
    """Settle every draft of ``claim_ids`` or none (or, to PENDING, reopen them): NotFound,
    NotADraft, DraftSettled or DraftNotSettled for the first that cannot be (in the order given)."""
    ids = list(dict.fromkeys(int(c) for c in claim_ids))
    if not ids:
        raise ReconcileError("give at least one claim")
    rows = {row.id: row for row in select_in(
        session, select(Claim.id, Claim.draft_state, Claim.draft_settled_by, Claim.draft_settled_at,
                        Claim.draft_reason), Claim.id, ids, CHUNK)}
    for claim_id in ids:
        row = rows.get(claim_id)
        if row is None:
            raise NotFound("claim", claim_id)
        if row.draft_state is None:
            raise NotADraft(claim_id)
        if state == PENDING and row.draft_state == PENDING:
            raise DraftNotSettled(claim_id)
        if state != PENDING and row.draft_state != PENDING:
            raise DraftSettled(claim_id, row.draft_state, row.draft_settled_by, row.draft_settled_at)
    # Rows changed outside reconcile are not settled as if a person had checked them.
    content.require_intact(session, "claim", ids, "nothing was settled", "settle them again")
    events = sorted({row[0] for row in select_in(session, select(ClaimLink.event_id), ClaimLink.claim_id, ids, CHUNK)})
    before = _grades(session, events)
    # Marked, version raised (as every writer that marks a claim does): the next run re-decides
    # them too, and a run that read them before this commits keeps its mark.
    now = utcnow()
    # Reopened, a draft is as imported again: the decision taken back lives on in the audit log.
    settled = ({"draft_state": PENDING, "draft_settled_by": None, "draft_settled_at": None, "draft_reason": None}
               if state == PENDING else
               {"draft_state": state, "draft_settled_by": user, "draft_settled_at": now, "draft_reason": reason})
    for part in chunks(ids, CHUNK):
        session.execute(update(Claim).where(Claim.id.in_(part))
                        .values(**settled, version=Claim.version + 1, updated_by=user, updated_at=now))
    marks.mark(session, ids)
    content.note(session, user, "claim", ids)
    if events:
        # The events holding them are graded again now, as a run scoped to them would.
        reconcile(session, user, current_config(session), seeds=set(ids))
    after = _grades(session, events)
    changed = {e: (before[e], after.get(e, "retired")) for e in events}
    if state == PENDING:
        was = {str(i): {"state": rows[i].draft_state, "by": rows[i].draft_settled_by,
                        "at": _when(rows[i].draft_settled_at), "reason": rows[i].draft_reason} for i in ids}
    else:
        was = {"state": PENDING}
    audit.record(session, user, ACTIONS[state], "draft", ",".join(map(str, ids)),
                 before=was,
                 after={"state": state, "reason": reason,
                        "events": {str(e): {"before": b, "after": a} for e, (b, a) in changed.items()}},
                 events=events, content=content.take(session))
    return Settled(ids, state, changed)


def _when(at) -> str | None:
    """A stored time as ISO text in UTC (models.naive_utc)."""
    if at is None:
        return None
    return naive_utc(at).isoformat() if isinstance(at, datetime) else str(at)


def _grades(session: Session, event_ids: list[int]) -> dict[int, str]:
    if not event_ids:
        return {}
    found = select_in(session, select(Event.id, Event.status).where(Event.active.is_(True)), Event.id, event_ids, CHUNK)
    return {event_id: status for event_id, status in found}
