"""Reading stored claims back: filters, and the side-by-side view as plain dictionaries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from . import given as given_fields
from .datasets import cited_outlet
from .dates import parse_event_date
from .figures import interval_text
from .models import Claim, ClaimLink, ClaimRelay
from .deskplaces import desk_gazetteer
from .places import PlaceNormaliser, place_id_key
from .reading import CLAIM_FIELDS
from .sources import SourceIndex


@dataclass(frozen=True)
class ClaimFilter:
    """``source`` matches a claim's source or its origin (name or alias); ``place`` the place
    as written or its normalised form; ``date`` any claim whose interval overlaps it."""

    source: str | None = None
    place: str | None = None
    date: str | None = None


def _interval(value: tuple[int | None, int | None]) -> dict:
    low, high = value
    return {"low": low, "high": high}


def claim_dict(claim: Claim, index: SourceIndex, event_id: int | None = None) -> dict:
    """A claim as JSON: its id, the input fields as given, and the parsed forms under ``parsed``."""
    origin = index.origin_of(claim.source_id)
    if cited_outlet(claim.ref, index.sources[claim.source_id]):
        origin = replace(origin, known=False)   # whose word the outlet carried is unknown
    data: dict = {"id": claim.id}
    as_given = given_fields.of_claim(claim)
    for name in CLAIM_FIELDS:
        data[name] = as_given.get(name)
    # As given (spaces, case and all); the readings are under "parsed". A file that left the stance
    # out asserts.
    data["source"] = as_given.get("source", claim.source_text)
    data["stance"] = as_given.get("stance", "asserts")
    data["via"] = as_given.get("via") or [relay.source_text for relay in claim.relays]
    data["parsed"] = {
        "source": index.sources[claim.source_id].name,
        "source_registered": index.sources[claim.source_id].registered,
        "origin": origin.origin_name if origin.known else None,
        "origin_known": origin.known,
        "side": origin.side,
        "relays": [index.sources[r.source_id].name for r in claim.relays],
        "date": {"start": claim.date_start.isoformat(), "end": claim.date_end.isoformat(),
                 "precision": claim.date_precision},
        "place": {"key": claim.place_key, "label": claim.place_label, "geonameid": claim.place_geonameid,
                  "method": claim.place_method, "region": claim.place_region},
        "type": claim.type_category,
        "target": claim.target_categories.split(",") if claim.target_categories else None,
        "victims": claim.victims_category,
        "actor": claim.actor_key,
        "stance": claim.stance,
        "killed": _interval((claim.killed_low, claim.killed_high)) if claim.killed_text else None,
        "wounded": _interval((claim.wounded_low, claim.wounded_high)) if claim.wounded_text else None,
    }
    data["report_id"] = claim.report_id
    data["event_id"] = event_id
    data["entered_by"] = claim.created_by
    data["entered_at"] = claim.created_at.isoformat() if claim.created_at else None
    data["fingerprint"] = claim.fingerprint
    # A claim drafted from a report's text: 'draft' until a person accepts ('accepted') or rejects
    # it ('rejected'); None for a claim entered as such. Drafts not accepted count for no grade.
    data["draft_state"] = claim.draft_state
    return data


def list_claims(session: Session, flt: ClaimFilter, normaliser: PlaceNormaliser | None = None,
                index: SourceIndex | None = None) -> list[tuple[Claim, int | None]]:
    """Claims matching ``flt``, with the event each belongs to (or None), by date then id."""
    index = index or SourceIndex.load(session)
    query = (select(Claim, ClaimLink.event_id).outerjoin(ClaimLink, ClaimLink.claim_id == Claim.id)
             .options(selectinload(Claim.relays)).order_by(Claim.date_start, Claim.id))
    if flt.source:
        wanted = index.find(flt.source)
        if wanted is None:
            return []
        ids = [sid for sid in index.sources if wanted.id in index.chain_of(sid)]
        relayed = select(ClaimRelay.claim_id).where(ClaimRelay.source_id == wanted.id)
        query = query.where(or_(Claim.source_id.in_(ids), Claim.id.in_(relayed)))
    if flt.place:
        place = (normaliser or PlaceNormaliser(desk_gazetteer(session))).normalise(flt.place)
        # Literally: a % or _ typed by a person is a character of the place, not a LIKE wildcard.
        conditions = [Claim.place_text.icontains(flt.place, autoescape=True)]
        # Any place the name could be ("Pisky": every Pisky), as any claim's place was keyed.
        keys = {place_id_key(g) for g in place.candidate_ids} | ({place.key} if place.key else set())
        if keys:
            conditions.append(Claim.place_key.in_(sorted(keys)))
        query = query.where(or_(*conditions))
    if flt.date:
        interval = parse_event_date(flt.date)
        query = query.where(Claim.date_start <= interval.end, Claim.date_end >= interval.start)
    return [(row[0], row[1]) for row in session.execute(query)]


def figure_text(text: str | None, low: int | None, high: int | None) -> str:
    """'more than 40 (≥41)' for tables: the figure as written with its parsed interval."""
    if not text:
        return ""
    parsed = interval_text(low, high)
    return text if text == parsed else f"{text} ({parsed})"


def date_label(start: date, end: date, precision: str) -> str:
    if precision == "day":
        return start.isoformat()
    if precision == "month":
        return start.isoformat()[:7]
    if precision == "year":
        return str(start.year)
    return f"{start.isoformat()}/{end.isoformat()}"
