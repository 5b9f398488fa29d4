"""Reading events back: the listing and the side-by-side view of one event."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .claims import claim_dict, date_label
from .db import CHUNK, select_in
from .errors import NotFound
from .matching import components_of_rows, explain_rows
from .models import STATUSES, AuditEntry, Claim, ClaimLink, Event, EventLineage
from .sources import SourceIndex


def _tally(event: Event, label: str) -> dict | None:
    low, best, high = (getattr(event, f"{label}_{k}") for k in ("low", "best", "high"))
    if low is None and best is None and high is None:
        return None
    return {"low": low, "best": best, "high": high}


def _event_date(event: Event) -> str | None:
    if event.date_start is None:
        return None
    if event.date_start == event.date_end:
        return event.date_start.isoformat()
    return f"{event.date_start.isoformat()}/{event.date_end.isoformat()}"


def event_summary(event: Event, claims: list[dict]) -> dict:
    return {
        "id": event.id, "status": event.status, "manual": event.manual, "reason": event.reason,
        "date": _event_date(event), "place": event.place_label,
        "killed": _tally(event, "killed"), "wounded": _tally(event, "wounded"),
        "origins": list(event.origins or []), "n_claims": event.n_claims, "n_origins": event.n_origins,
        "claims": claims, "version": event.version,
    }


def list_events(session: Session, status: str | None = None) -> list[dict]:
    """Active events by date then id, each with its claims as ``{"id", "ref", "source"}``."""
    if status is not None and status not in STATUSES:
        raise NotFound("status", status, f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    query = select(Event).where(Event.active.is_(True)).order_by(Event.date_start, Event.id)
    if status:
        query = query.where(Event.status == status)
    events = list(session.scalars(query))
    members: dict[int, list[dict]] = defaultdict(list)
    rows = session.execute(
        select(ClaimLink.event_id, Claim.id, Claim.ref, Claim.source_text)
        .join(Claim, Claim.id == ClaimLink.claim_id).join(Event, Event.id == ClaimLink.event_id)
        .where(Event.active.is_(True)).order_by(ClaimLink.event_id, Claim.id)
    )
    for event_id, claim_id, ref, source in rows:
        members[event_id].append({"id": claim_id, "ref": ref, "source": source})
    return [event_summary(e, members[e.id]) for e in events]


def resolve_event(session: Session, event_id: int) -> Event:
    """The event (active or retired: a retired one's lineage says what it became); NotFound if none."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("event", event_id)
    return event


def _compare(claims: list[dict]) -> tuple[list[str], list[str]]:
    """Which fields all claims agree on, and which differ (as written)."""
    agree, differ = [], []
    for name, get in (
        ("date", lambda c: c["parsed"]["date"]["start"] + "/" + c["parsed"]["date"]["end"]),
        ("place", lambda c: c["parsed"]["place"]["key"]),
        ("type", lambda c: c["parsed"]["type"]),
        ("victims", lambda c: c["parsed"]["victims"]),
        ("actor", lambda c: c["parsed"]["actor"]),
        ("killed", lambda c: c["killed"]),
        ("wounded", lambda c: c["wounded"]),
        ("stance", lambda c: c["parsed"]["stance"]),
    ):
        values = {str(get(c)) for c in claims if get(c) not in (None, "")}
        if len(values) == 1:
            agree.append(name)
        elif len(values) > 1:
            differ.append(name)
    # What was hit agrees when every claim that says names something in common, as in scoring
    # ("a school and nearby houses" and "houses").
    targets = [set(c["parsed"]["target"]) for c in claims if c["parsed"]["target"]]
    if targets:
        (agree if set.intersection(*targets) else differ).append("target")
    return agree, differ


DECISIONS = ("link", "unlink", "merge", "split", "grade")


@dataclass(frozen=True)
class EventFilter:
    """Which events to read: by grade (``status``), and by date (``since``, ``until``: the
    event's dates overlap the days from ``since`` to ``until``, either end open)."""

    status: str | None = None
    since: date | None = None
    until: date | None = None


def _filtered(query, flt: EventFilter):
    """``query`` narrowed to the events ``flt`` selects (by grade, and dates that overlap)."""
    if flt.status is not None and flt.status not in STATUSES:
        raise NotFound("status", flt.status, f"unknown status {flt.status!r}; expected one of {', '.join(STATUSES)}")
    if flt.status:
        query = query.where(Event.status == flt.status)
    if flt.since:
        query = query.where(Event.date_end >= flt.since)
    if flt.until:
        query = query.where(Event.date_start <= flt.until)
    return query


def latest_event_ids(session: Session, flt: EventFilter, limit: int | None) -> tuple[list[int] | None, int]:
    """The ids of the ``limit`` active events ``flt`` selects that begin latest (undated events
    count as the earliest; the id breaks ties), and how many events ``flt`` selects in all.
    None for the ids when there is no limit or it leaves nothing out (then read them all)."""
    active = _filtered(select(func.count()).select_from(Event), flt).where(Event.active.is_(True))
    total = session.scalar(active) or 0
    if limit is None or total <= limit:
        return None, total
    query = (_filtered(select(Event.id), flt).where(Event.active.is_(True))
             .order_by(Event.date_start.is_(None), Event.date_start.desc(), Event.id.desc()).limit(limit))
    return list(session.scalars(query)), total


def event_details(session: Session, flt: EventFilter = EventFilter(), event_ids: list[int] | None = None,
                  decisions: bool = True, index: SourceIndex | None = None) -> list[dict]:
    """What `reconcile show` gives of each event, for many events at once (by date, then id):
    claims side by side, agreement, grade, link scores, lineage and, with ``decisions``, the
    people's decisions on it (audit entries of DECISIONS, oldest first). Active events only,
    unless ``event_ids`` names them. ``index``: the sources, if the caller has them loaded."""
    query = _filtered(select(Event), flt)
    if event_ids is None:
        query = query.where(Event.active.is_(True))
    events = (list(session.scalars(query)) if event_ids is None
              else [row[0] for row in select_in(session, query, Event.id, sorted(set(event_ids)), CHUNK)])
    # Sorted here, not in SQL: the same order on SQLite and PostgreSQL (undated events last), read
    # whole or a chunk of ids at a time.
    events.sort(key=lambda e: (e.date_start is None, e.date_start or date.min, e.id))
    ids = [e.id for e in events]
    index = index or SourceIndex.load(session)
    members: dict[int, list[tuple[Claim, ClaimLink]]] = defaultdict(list)
    claims_query = (select(Claim, ClaimLink).join(ClaimLink, ClaimLink.claim_id == Claim.id)
                    .options(selectinload(Claim.relays)))
    for claim, link in select_in(session, claims_query, ClaimLink.event_id, ids, CHUNK):
        members[link.event_id].append((claim, link))
    lineage: dict[int, list[dict]] = defaultdict(list)
    wanted = set(ids)
    for column in (EventLineage.old_event_id, EventLineage.new_event_id):
        for (row,) in select_in(session, select(EventLineage), column, ids, CHUNK):
            entry = {"id": row.id, "old_event_id": row.old_event_id, "new_event_id": row.new_event_id,
                     "kind": row.kind, "run_id": row.run_id}
            for event_id in {row.old_event_id, row.new_event_id} & wanted:
                if entry not in lineage[event_id]:
                    lineage[event_id].append(entry)
    decided: dict[int, list[dict]] = defaultdict(list)
    if decisions:
        # The columns shown only: an entry's content hashes (every row a decision wrote) stay unread.
        entries = (select(AuditEntry.seq, AuditEntry.at, AuditEntry.user, AuditEntry.action, AuditEntry.object_type,
                          AuditEntry.object_id, AuditEntry.events, AuditEntry.before, AuditEntry.after)
                   .where(AuditEntry.action.in_(DECISIONS)).order_by(AuditEntry.seq))
        for entry in session.execute(entries):
            for event_id in set(entry.events or []) & wanted:
                decided[event_id].append({"seq": entry.seq, "at": entry.at, "user": entry.user,
                                          "action": entry.action, "object_type": entry.object_type,
                                          "object_id": entry.object_id, "before": entry.before,
                                          "after": entry.after})
    return [_detail(event, sorted(members[event.id], key=lambda m: (m[0].date_start, m[0].id)), index,
                    sorted(lineage[event.id], key=lambda e: e["id"]), decided[event.id] if decisions else None)
            for event in events]


def _detail(event: Event, members: list[tuple[Claim, ClaimLink]], index: SourceIndex, lineage: list[dict],
            decisions: list[dict] | None) -> dict:
    claims, links = [], []
    for claim, link in members:
        data = claim_dict(claim, index, event.id)
        data["date_label"] = date_label(claim.date_start, claim.date_end, claim.date_precision)
        claims.append(data)
        components = components_of_rows(link.components)
        explanation = link.explanation if link.score is None or link.explanation else explain_rows(
            link.score, [(name, part["points"], part["note"]) for name, part in components.items()])
        links.append({"claim_id": claim.id, "partner_claim_id": link.partner_claim_id, "score": link.score,
                      "components": components, "explanation": explanation, "run_id": link.run_id})
    agree, differ = _compare(claims)
    summary = event_summary(event, [{"id": c["id"], "ref": c["ref"], "source": c["source"]} for c in claims])
    detail = summary | {"active": event.active, "agree": agree, "differ": differ, "claim_details": claims,
                        "links": links, "lineage": [{k: v for k, v in e.items() if k != "id"} for e in lineage]}
    if decisions is not None:
        detail["decisions"] = decisions
    return detail


def event_detail(session: Session, event_id: int) -> dict:
    """Everything `reconcile show` prints: claims side by side, agreement, grade, link scores."""
    event = resolve_event(session, event_id)
    return event_details(session, event_ids=[event.id], decisions=False)[0]
