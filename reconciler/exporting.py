"""What `reconcile export` gives: events and claims as tables, documents or import-ready lines.

Every export carries what a reader needs to check it: each event's grade, reason and origins,
and each claim's source, origin, relays, report and quote. This module builds the data; encoding
it (JSON escapes, spreadsheet-safe CSV cells) is the output layer's (``cli/output.py``).

The claims of an export are those of the events chosen (by grade and dates); with no filter,
every stored claim, those in no event yet (before a run) too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from . import given as given_fields
from .claims import claim_dict
from .db import CHUNK, chunks, select_in
from .deskplaces import desk_gazetteer
from .errors import UnsupportedExport
from .events import EventFilter, event_details
from .figures import tally_text
from .gazetteer import Gazetteer
from .models import STATUS_LABELS, Claim, ClaimLink, Event, uncounted_draft
from .places import key_place_id
from .reading import CLAIM_FIELDS
from .sources import SourceIndex

KINDS = ("events", "claims")
FORMATS = ("csv", "json", "jsonl", "geojson", "claimreview")
KIND_FORMATS = {"events": ("csv", "json", "geojson", "claimreview"), "claims": FORMATS}

# ClaimReview's rating of one claim, on a scale from 1 (worst) to 3 (best), by its event's grade
# and its own stance (see _rating): readers of ClaimReview take 1 as "false", so a claim gets it
# only when independently verified reports contradict it; a contested event rates no claim.
VERIFIED, UNVERIFIED, CONTRADICTED = 3, 2, 1
CONTRADICTED_LABEL = "contradicted by independently verified reports"
# Claims a dataset coded (`reconcile import --format ucdp|acled`): their ref's prefix and the
# dataset, their nearest relay. Their text is the dataset's (UCDP's headline of the article, ACLED's
# notes), not the source's words.
DATASET_RELAYS = {"ucdp:": "UCDP GED", "acled:": "ACLED"}

EVENT_COLUMNS = ("event_id", "grade", "manual", "reason", "event_date", "event_place", "event_killed",
                 "event_wounded", "n_claims", "n_origins", "origins")
# A claims CSV begins with the import contract's columns, values as given; these follow, read only.
CLAIM_EXTRA_COLUMNS = ("claim_id", "origin", "event_id", "grade", "reason", "event_origins")


@dataclass(frozen=True)
class Table:
    """Rows for CSV: ``header`` names the columns; multi-valued cells are ``;``-joined."""

    header: tuple[str, ...]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Export:
    """One export. ``content`` is a :class:`Table` (csv), a JSON document (json, geojson,
    claimreview) or a list of objects, one a line (jsonl). ``count`` is how many events or
    claims it holds; ``left_out`` the ids of those chosen that it does not hold, grouped by why:
    (``"no_location"``, ids) for GeoJSON; (``"unmatched"``, ids), claims in no event yet, and
    (``"draft"``, ids), drafts not accepted, for ClaimReview."""

    kind: str
    format: str
    content: Any
    count: int
    left_out: tuple[tuple[str, tuple[int, ...]], ...] = ()


@dataclass(frozen=True)
class _ClaimRow:
    stored: Any           # the claim's stored row: id, lon, lat, place_key, draft_state, draft
    data: dict            # claim_dict: the fields as given, the parsed forms, ids
    event: dict | None    # the event it belongs to, as event_details gives it
    given: dict           # the fields exactly as given (reconciler.given)


# What an export reads of a stored claim besides what event_details built from it.
_STORED = (Claim.id, Claim.lon, Claim.lat, Claim.place_key, Claim.draft_state, Claim.draft)


def export(session: Session, kind: str, format: str, flt: EventFilter = EventFilter(), *,
           publisher: str = "", today: date | None = None) -> Export:
    """``kind`` ("events" or "claims") of the events ``flt`` chooses, as ``format``.

    ``publisher`` is the author of ClaimReview documents (the desk), ``today`` their date
    (default: today). Raises UnsupportedExport for a format the kind has not, NotFound for an
    unknown status.
    """
    if format not in KIND_FORMATS.get(kind, ()):
        raise UnsupportedExport(kind, format, KIND_FORMATS.get(kind, FORMATS))
    index = SourceIndex.load(session)
    events = event_details(session, flt, decisions=(kind, format) == ("events", "json"), index=index)
    if format == "claimreview":
        # Only claims can be in no event: with no filter, those are named as not reviewed.
        unmatched = list(session.scalars(_unmatched(select(Claim.id)))) \
            if kind == "claims" and flt == EventFilter() else []
        return _claim_reviews(kind, events, index, publisher, today or date.today(), unmatched)
    if kind == "events":
        if format == "csv":
            return Export(kind, format, _events_table(events), len(events))
        if format == "json":
            return Export(kind, format, [{k: v for k, v in e.items() if k != "version"} for e in events], len(events))
        return _events_geojson(session, events)
    rows = _claim_rows(session, flt, events, index)
    if format == "csv":
        return Export(kind, format, _claims_table(rows), len(rows))
    if format == "json":
        return Export(kind, format, [r.data | {"event": _event_brief(r.event)} for r in rows], len(rows))
    if format == "jsonl":
        return Export(kind, format, [as_given(r.given) | _draft_member(r.stored) for r in rows],
                      len(rows))
    return _claims_geojson(session, rows)


def as_given(raw: dict) -> dict:
    """A stored claim as the import contract has it: its fields exactly as given, in the
    contract's order; what `reconcile import` reads back as the same claim."""
    return {name: raw[name] for name in CLAIM_FIELDS if name in raw}


def _draft_member(claim) -> dict:
    """A draft not accepted (or rejected) goes out with its draft member, so that importing the
    file elsewhere gives a draft again, never a claim that counts; an accepted one goes out plain."""
    if not uncounted_draft(claim.draft_state):
        return {}
    return {"draft": dict(claim.draft or {})}


def _claim_rows(session: Session, flt: EventFilter, events: list[dict], index: SourceIndex) -> list[_ClaimRow]:
    """The claims of ``events`` by date then id; with no filter, the claims in no event too.

    The claims of the events are read by their links to those events only, and their data is
    what event_details already built (less ``date_label``, which `claims --json` has not); the
    fields as given are read a chunk at a time (reconciler.given)."""
    by_id = {c["id"]: ({k: v for k, v in c.items() if k != "date_label"}, e)
             for e in events for c in e["claim_details"]}
    query = select(*_STORED).join(ClaimLink, ClaimLink.claim_id == Claim.id)
    stored = list(select_in(session, query, ClaimLink.event_id, [e["id"] for e in events], CHUNK))
    given = {}
    for part in chunks([row.id for row in stored], 5000):
        given.update(given_fields.by_id(session, part))
    rows = [_ClaimRow(row, *by_id[row.id], given[row.id]) for row in stored]
    if flt == EventFilter():
        rows += _unmatched_rows(session, index)
    return sorted(rows, key=lambda r: (r.data["parsed"]["date"]["start"], r.data["id"]))


def _unmatched(query: Select) -> Select:
    """``query`` (of claims) narrowed to the claims in no active event (imported since the last
    run), by date then id."""
    return (query.outerjoin(ClaimLink, ClaimLink.claim_id == Claim.id).outerjoin(Event, Event.id == ClaimLink.event_id)
            .where(or_(ClaimLink.claim_id.is_(None), Event.active.is_(False))).order_by(Claim.date_start, Claim.id))


def _unmatched_rows(session: Session, index: SourceIndex) -> list[_ClaimRow]:
    query = _unmatched(select(Claim, ClaimLink.event_id).options(selectinload(Claim.relays)))
    return [_ClaimRow(claim, claim_dict(claim, index, event_id), None, given_fields.of_claim(claim))
            for claim, event_id in session.execute(query)]


def _event_brief(event: dict | None) -> dict | None:
    if event is None:
        return None
    return {k: event[k] for k in ("id", "status", "manual", "reason", "origins")}


def _cell(value: Any) -> Any:
    """A contract value in a CSV cell: a list (via) ``;``-joined, as the CSV import reads it."""
    return "; ".join(value) if isinstance(value, list) else value


def _contract_cells(raw: dict) -> list[Any]:
    return [_cell(raw.get(name)) for name in CLAIM_FIELDS]


def _events_table(events: list[dict]) -> Table:
    """One row a claim of each event, the event's columns first (repeated on each of its rows)."""
    rows = []
    for e in events:
        head = [e["id"], e["status"], "yes" if e["manual"] else "no", e["reason"], e["date"], e["place"],
                tally_text(e["killed"]), tally_text(e["wounded"]), e["n_claims"], e["n_origins"],
                _cell(e["origins"])]
        for c in e["claim_details"]:
            rows.append(head + [c["id"], c["parsed"]["origin"]] + [_cell(c[name]) for name in CLAIM_FIELDS])
    return Table(EVENT_COLUMNS + ("claim_id", "origin") + CLAIM_FIELDS, rows)


def _claims_table(rows: list[_ClaimRow]) -> Table:
    out = []
    for r in rows:
        e = r.event
        out.append(_contract_cells(r.given) + [
            r.data["id"], r.data["parsed"]["origin"], r.data["event_id"], e and e["status"], e and e["reason"],
            e and _cell(e["origins"])])
    return Table(CLAIM_FIELDS + CLAIM_EXTRA_COLUMNS, out)


# --- GeoJSON ---------------------------------------------------------------------------------

def _gazetteer_point(gazetteer: Gazetteer, key: str | None) -> tuple[float, float] | None:
    """The gazetteer's [lon, lat] of the place ``key`` names (the desk's own places too), or None."""
    place_id = key_place_id(key)
    place = gazetteer.places.get(place_id) if place_id is not None else None
    return (place.lon, place.lat) if place is not None else None


def _feature(ident: int, point: tuple[float, float], properties: dict) -> dict:
    return {"type": "Feature", "id": ident, "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": properties}


def _collection(kind: str, features: list[dict], left_out: list[int]) -> Export:
    return Export(kind, "geojson", {"type": "FeatureCollection", "features": features}, len(features),
                  _groups(("no_location", left_out)))


def _groups(*groups: tuple[str, list[int]]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The groups of ids left out that hold any."""
    return tuple((why, tuple(ids)) for why, ids in groups if ids)


def _claim_brief(c: dict) -> dict:
    """What a reader needs to check one claim of an event: who, through whom, where, what."""
    return {"id": c["id"], "ref": c["ref"], "source": c["source"], "origin": c["parsed"]["origin"],
            "via": c["via"], "report": c["report"], "published": c["published"], "date": c["date"],
            "place": c["place"], "killed": c["killed"], "wounded": c["wounded"], "stance": c["stance"],
            "text": c["text"]}


def _events_geojson(session: Session, events: list[dict]) -> Export:
    """A Point an event: the gazetteer's location of the event's place, else the mean of the
    coordinates its claims give; events with neither are left out (``left_out``)."""
    ids = [e["id"] for e in events]
    keys = {row[0]: row[1] for row in select_in(session, select(Event.id, Event.place_key), Event.id, ids, CHUNK)}
    claim_ids = [c["id"] for e in events for c in e["claim_details"]]
    given = {row[0]: (row[1], row[2]) for row in select_in(
        session, select(Claim.id, Claim.lon, Claim.lat).where(Claim.lat.is_not(None)), Claim.id, claim_ids, CHUNK)}
    gazetteer = desk_gazetteer(session)
    features, left_out = [], []
    for e in events:
        point, where = _gazetteer_point(gazetteer, keys.get(e["id"])), "gazetteer"
        if point is None:
            points = [given[c["id"]] for c in e["claim_details"] if c["id"] in given]
            point, where = ((sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
                            if points else None), "claims"
        if point is None:
            left_out.append(e["id"])
            continue
        features.append(_feature(e["id"], point, {
            "id": e["id"], "status": e["status"], "grade": STATUS_LABELS[e["status"]], "manual": e["manual"],
            "reason": e["reason"], "date": e["date"], "place": e["place"], "killed": e["killed"],
            "wounded": e["wounded"], "origins": e["origins"], "n_claims": e["n_claims"], "n_origins": e["n_origins"],
            "location_from": where, "claims": [_claim_brief(c) for c in e["claim_details"]]}))
    return _collection("events", features, left_out)


def _claims_geojson(session: Session, rows: list[_ClaimRow]) -> Export:
    """A Point a claim: the coordinates it gives, else the gazetteer's location of its place."""
    gazetteer = desk_gazetteer(session)
    features, left_out = [], []
    for r in rows:
        claim, e = r.stored, r.event
        point, where = ((claim.lon, claim.lat), "claim") if claim.lat is not None else (
            _gazetteer_point(gazetteer, claim.place_key), "gazetteer")
        if point is None:
            left_out.append(claim.id)
            continue
        features.append(_feature(claim.id, point, {
            "id": claim.id, **{name: r.data[name] for name in CLAIM_FIELDS}, "origin": r.data["parsed"]["origin"],
            "event_id": r.data["event_id"], "status": e and e["status"],
            "grade": e and STATUS_LABELS[e["status"]], "reason": e and e["reason"],
            "event_origins": e and e["origins"], "location_from": where}))
    return _collection("claims", features, left_out)


# --- ClaimReview (schema.org JSON-LD) --------------------------------------------------------

def _compact(data: dict) -> dict:
    """Leaves out what is not known: JSON-LD has no use for nulls."""
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def _organisation(name: str | None) -> dict | None:
    return {"@type": "Organization", "name": name} if name else None


def _from_dataset(c: dict) -> bool:
    """Whether a dataset coded the claim: its ref has the dataset's prefix and the dataset relays it."""
    ref = str(c["ref"] or "")
    return any(ref.startswith(prefix) and c["via"][:1] == [relay] for prefix, relay in DATASET_RELAYS.items())


def _appearance(c: dict, dataset: bool) -> dict | None:
    """The report the claim was found in, published by its nearest relay; each relay further
    down the chain is a work the one before is based on (``isBasedOn``). A dataset's claim
    appeared in the dataset's record: its ``headline`` is the claim's text (the dataset's), and
    the report, when it is not an address, its ``citation``."""
    based_on = None
    for relay in reversed(c["via"][1:]):
        based_on = _compact({"@type": "CreativeWork", "publisher": _organisation(relay), "isBasedOn": based_on})
    report = str(c["report"]) if c["report"] is not None else None
    is_url = report is not None and report.lower().startswith(("https://", "http://"))
    named = None if is_url else report
    headline, citation = (c["text"], named if named != c["text"] else None) if dataset else (named, None)
    work = _compact({"@type": "CreativeWork", "url": report if is_url else None, "headline": headline,
                     "citation": citation, "datePublished": c["published"],
                     "publisher": _organisation(c["via"][0] if c["via"] else None), "isBasedOn": based_on})
    return work if len(work) > 1 else None


def _summary(c: dict) -> str:
    """The claim in a line when it has no quote: what, where, when, figures as given."""
    what = ", ".join(str(c[k]) for k in ("type", "target", "place", "region") if c[k] not in (None, ""))
    figures = ", ".join(f"{k} {c[k]}" for k in ("killed", "wounded") if c[k] not in (None, ""))
    denies = "denies: " if c["stance"] == "denies" else ""
    return f"{denies}{what or 'an incident'} on {c['date']}" + (f": {figures}" if figures else "")


def _claim_review(c: dict, event: dict, kind: str | None, publisher: str, today: date) -> dict:
    source, origin = c["source"], c["parsed"]["origin"]
    person = kind == "individual"
    author = {"@type": "Person" if person else "Organization", "name": source}
    if origin and origin != c["parsed"]["source"]:
        author["affiliation" if person else "parentOrganization"] = _organisation(origin)
    label = STATUS_LABELS[event["status"]]
    origins = "; ".join(event["origins"]) or "none known"
    dataset = _from_dataset(c)
    return _compact({
        "@type": "ClaimReview",
        # A dataset's text is its own headline or notes, not what the source said: a line instead.
        "claimReviewed": (not dataset and c["text"]) or _summary(c),
        "itemReviewed": _compact({"@type": "Claim", "identifier": c["ref"], "author": author,
                                  "datePublished": c["published"], "appearance": _appearance(c, dataset)}),
        "author": _organisation(publisher),
        "datePublished": today.isoformat(),
        "reviewRating": _rating(c, event),
        "reviewBody": (f"Event {event['id']} ({event['n_claims']} claims; origins: {origins}) is {label}"
                       f"{' (graded by hand)' if event['manual'] else ''}: {event['reason']}"),
    })


def _rating(c: dict, event: dict) -> dict:
    """The claim's Rating, by its event's grade and its stance (docs/export.md has the table).

    An assertion in an independently verified event is rated 3, a denial there 1 (contradicted
    by independently verified reports); any claim in an unverified event 2. A contested event
    rates none of its claims: the Rating has no value, only the grade and the reason (one of
    its claims may well be accurate). A claim whose source is unregistered or has no known
    origin is rated so too, and the explanation says that its source does not count in the grade.
    """
    status, explanation = event["status"], event["reason"] or ""
    parsed = c["parsed"]
    if not parsed["source_registered"]:
        explanation += f"; this claim's source ({parsed['source']}) is not counted: it is not registered"
    elif not parsed["origin_known"]:
        explanation += f"; this claim's source ({parsed['source']}) is not counted: it has no known origin"
    if status == "contested":
        return {"@type": "Rating", "alternateName": STATUS_LABELS[status], "ratingExplanation": explanation}
    if status == "independently_verified":
        value, label = ((CONTRADICTED, CONTRADICTED_LABEL) if parsed["stance"] == "denies"
                        else (VERIFIED, STATUS_LABELS[status]))
    else:
        value, label = UNVERIFIED, STATUS_LABELS[status]
    return {"@type": "Rating", "ratingValue": value, "worstRating": CONTRADICTED, "bestRating": VERIFIED,
            "alternateName": label, "ratingExplanation": explanation}


def _claim_reviews(kind: str, events: list[dict], index: SourceIndex, publisher: str, today: date,
                   unmatched: list[int]) -> Export:
    """A ClaimReview a claim of each event; claims in no event (``unmatched``) are not reviewed."""
    def kind_of(name: str) -> str | None:
        source = index.find(name)
        return source.kind if source is not None else None

    # A draft nobody accepted (or one rejected) is no claim the desk stands behind: not reviewed.
    drafts = [c["id"] for e in events for c in e["claim_details"] if uncounted_draft(c["draft_state"])]
    reviews = [_claim_review(c, e, kind_of(c["parsed"]["source"]), publisher, today)
               for e in events for c in e["claim_details"] if not uncounted_draft(c["draft_state"])]
    return Export(kind, "claimreview", {"@context": "https://schema.org", "@graph": reviews}, len(reviews),
                  _groups(("unmatched", unmatched), ("draft", drafts)))
