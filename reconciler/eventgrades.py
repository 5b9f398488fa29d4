"""A run's last stage: what an event holds, worked out from its claims, and its grade.

:func:`event_values` gives an event's dates, place, figures (the tally of what its claims
assert), its origins, and, unless a person graded it, its grade and reason
(:func:`reconciler.grading.grade_event`, with :func:`corroboration` saying which pairs of
origins corroborate each other). The texts grading quotes are read here too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import Config
from .db import CHUNK, select_in
from .grading import GradedClaim, grade_event, tally
from .matching import ClaimFeatures, corroboration_gaps
from .models import Claim, ClaimRelay
from .sources import SourceIndex



# Notes that speak to verification are carried into an unverified event's reason.
_VERIFICATION_NOTE = re.compile(r"verif|confirm|corroborat", re.IGNORECASE)


def grading_texts(session: Session, claim_ids: list[int]) -> tuple[dict[int, str], dict[int, str]]:
    """What grading quotes as written, by claim: reporters' notes about verification ("could not
    be independently verified") and who a claim says did it ("російські окупанти")."""
    notes: dict[int, str] = {}
    actors: dict[int, str] = {}
    one: dict[str, str] = {}   # one copy of each text: claims repeat a few actors ("Russian forces")
    written = select(Claim.id, Claim.note, Claim.actor_text).where(
        (Claim.note.is_not(None)) | (Claim.actor_text.is_not(None)))
    for cid, note, actor in select_in(session, written, Claim.id, claim_ids, CHUNK):
        if note and _VERIFICATION_NOTE.search(note):
            notes[cid] = note
        if actor:
            actors[cid] = one.setdefault(actor, actor)
    return notes, actors


def relay_names(session: Session, claim_ids: list[int], index: SourceIndex) -> dict[int, tuple[str, ...]]:
    """The names of each claim's relays, nearest the reader first; claims relayed alike share one
    tuple (a run reads them for every claim it re-decides: a million claims' lists took 80 MB)."""
    names: dict[int, tuple[str, ...]] = {}
    one: dict[tuple[str, ...], tuple[str, ...]] = {}
    relays = select(ClaimRelay.claim_id, ClaimRelay.source_id).order_by(ClaimRelay.claim_id, ClaimRelay.position)
    for claim_id, source_id in select_in(session, relays, ClaimRelay.claim_id, claim_ids, CHUNK):
        chain = names.get(claim_id, ()) + (index.sources[source_id].name,)
        names[claim_id] = one.setdefault(chain, chain)
    return names


def event_values(event_id: int, members: list[int], features: dict[int, ClaimFeatures], index: SourceIndex,
                  relays: dict[int, tuple[str, ...]], config: Config, manual: bool,
                  notes: dict[int, str] | None = None, actors: dict[int, str] | None = None) -> dict:
    claims = [features[m] for m in members]
    notes, actors = notes or {}, actors or {}
    graded = [_graded(features[m], index, relays.get(m, ()), notes.get(m), config, actors.get(m)) for m in members]
    values = {"id": event_id, "n_claims": len(members)}
    # Drafts not accepted stand beside the claims they match (dates, place), but add no origin,
    # no figure and no corroboration; grading is given them all, to say how many it left out.
    counted = [(c, g) for c, g in zip(claims, graded) if g.draft is None]
    origins = sorted({g.origin.origin_name for _c, g in counted if g.origin.known})
    values["origins"], values["n_origins"] = origins, len(origins)
    starts, ends = [c.start for c in claims], [c.end for c in claims]
    lo, hi = (max(starts), min(ends)) if max(starts) <= min(ends) else (min(starts), max(ends))
    values["date_start"], values["date_end"] = date.fromordinal(lo), date.fromordinal(hi)
    places = Counter((c.place_key, c.place_label) for c in claims if c.place_key)
    top = sorted(places.items(), key=lambda kv: (-kv[1], kv[0][0]))
    values["place_key"], values["place_label"] = top[0][0] if top else (None, None)
    for label in ("killed", "wounded"):
        figures = [getattr(c, label) for c, _g in counted if c.stance == "asserts" and getattr(c, label) is not None]
        t = tally(figures)
        values.update({f"{label}_low": t.low, f"{label}_best": t.best, f"{label}_high": t.high})
    if not manual:
        grade = grade_event(graded, config, corroboration([c for c, _g in counted], [g for _c, g in counted], config))
        values["status"], values["reason"] = grade.status, grade.reason
    return values


def corroboration(claims: list[ClaimFeatures], graded: list[GradedClaim],
                  config: Config) -> dict[frozenset[str], tuple[str, ...]]:
    """Per pair of known origins asserting an event, what keeps their closest pair of claims from
    corroborating each other (the fewest gaps), or () when one pair does."""
    by_origin: dict[str, list[ClaimFeatures]] = {}
    for claim, g in zip(claims, graded):
        if g.origin.known and g.stance != "denies":
            by_origin.setdefault(g.origin.origin_name, []).append(claim)
    names = sorted(by_origin)
    found: dict[frozenset[str], tuple[str, ...]] = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            best = None
            for x in by_origin[a]:
                for y in by_origin[b]:
                    gaps = corroboration_gaps(x, y, config)
                    if best is None or len(gaps) < len(best):
                        best = gaps
                    if not gaps:
                        break
                if best == ():
                    break
            found[frozenset((a, b))] = best
    return found


def _graded(claim: ClaimFeatures, index: SourceIndex, relays: tuple[str, ...], note: str | None,
            config: Config, actor_text: str | None = None) -> GradedClaim:
    # A period claim's scope is the conflict, whatever place it names: it places no incident.
    origin = index.origin_of(claim.source_id)
    if claim.cited_outlet:   # whose word the outlet carried is unknown (datasets.cites_outlet)
        origin = replace(origin, known=False)
    return GradedClaim(claim.id, index.sources[claim.source_id].name, origin,
                       claim.stance, claim.actor_key, claim.victims_category, claim.killed, claim.wounded,
                       tuple(relays), note, claim.place_key is not None and not claim.is_period(config), actor_text,
                       claim.cited_outlet, claim.draft)
