"""Reading events back: the listing and the side-by-side view of one event."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from .claims import claim_dict, date_label
from .errors import NotFound
from .matching import components_of_rows, explain_rows
from .models import STATUSES, Claim, ClaimLink, Event, EventLineage
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


def event_detail(session: Session, event_id: int) -> dict:
    """Everything `reconcile show` prints: claims side by side, agreement, grade, link scores."""
    event = resolve_event(session, event_id)
    index = SourceIndex.load(session)
    rows = session.execute(
        select(Claim, ClaimLink).join(ClaimLink, ClaimLink.claim_id == Claim.id)
        .where(ClaimLink.event_id == event.id).options(selectinload(Claim.relays)).order_by(Claim.date_start, Claim.id)
    ).all()
    claims, links = [], []
    for claim, link in rows:
        data = claim_dict(claim, index, event.id)
        data["date_label"] = date_label(claim.date_start, claim.date_end, claim.date_precision)
        claims.append(data)
        components = components_of_rows(link.components)
        explanation = link.explanation if link.score is None or link.explanation else explain_rows(
            link.score, [(name, part["points"], part["note"]) for name, part in components.items()])
        links.append({"claim_id": claim.id, "partner_claim_id": link.partner_claim_id, "score": link.score,
                      "components": components, "explanation": explanation, "run_id": link.run_id})
    agree, differ = _compare(claims)
    lineage = [
        {"old_event_id": r.old_event_id, "new_event_id": r.new_event_id, "kind": r.kind, "run_id": r.run_id}
        for r in session.scalars(select(EventLineage).where(
            or_(EventLineage.old_event_id == event.id, EventLineage.new_event_id == event.id)).order_by(EventLineage.id))
    ]
    summary = event_summary(event, [{"id": c["id"], "ref": c["ref"], "source": c["source"]} for c in claims])
    return summary | {"active": event.active, "agree": agree, "differ": differ, "claim_details": claims,
                      "links": links, "lineage": lineage}
