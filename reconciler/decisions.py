"""People's decisions: link, unlink, merge, split and manual grades, kept across runs.

Each decision takes effect at once (claims move, events are re-graded), is stored as a
must-link or cannot-link between claims so that later runs obey it, and appends an audit
entry. Decisions on an event check its version: a person who decided on what they saw at
version N gets a :class:`ConflictError` if somebody (or a run) changed the event since.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import combinations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from . import audit, content, marks
from .config import Config
from .db import chunks, select_in
from .errors import ConflictError, GradedByHand, NotFound, ReconcileError, StaleVersion
from .models import STATUSES, Claim, ClaimLink, Event, EventLineage, PairConstraint, ReviewPair, utcnow
from .matching import Blocker, ClaimFeatures, PlaceHints, cannot_link, score_pair
from .clustering import MISSING_PAIR
from .eventgrades import event_values, grading_texts, relay_names
from .features import load_features
from .runs import CHUNK, RESCORE_LIMIT, last_finished_run, load_decisions, reconcile
from .sources import SourceIndex
from .unionfind import UnionFind


def current_config(session: Session) -> Config:
    last = last_finished_run(session)
    return Config.from_dict(last.config) if last else Config()


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _event_state(event: Event) -> dict:
    return {"status": event.status, "reason": event.reason, "manual": event.manual, "graded_by": event.graded_by,
            "active": event.active, "n_claims": event.n_claims, "version": event.version}


def _claim_event(session: Session, claim_id: int) -> int | None:
    if session.get(Claim, claim_id) is None:
        raise NotFound("claim", claim_id)
    return session.scalar(select(ClaimLink.event_id).where(ClaimLink.claim_id == claim_id))


def _members(session: Session, event_id: int) -> list[int]:
    return list(session.scalars(select(ClaimLink.claim_id).where(ClaimLink.event_id == event_id).order_by(ClaimLink.claim_id)))


def _check_version(session: Session, event_id: int, if_version: int | None, user: str) -> Event:
    """The active event, its version bumped; ConflictError if it moved on since ``if_version``."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("event", event_id)
    if not event.active:
        raise StaleVersion(f"event {event_id} no longer exists (merged or split by {event.updated_by})", event_id,
                           expected=if_version, actual=event.version, retired=True)
    if if_version is not None and event.version != if_version:
        raise StaleVersion(
            f"event {event_id} was changed by {event.updated_by} at {event.updated_at:%Y-%m-%d %H:%M:%S} UTC "
            f"(now version {event.version}; you decided on version {if_version})",
            event_id, expected=if_version, actual=event.version)
    expected = event.version
    changed = session.execute(update(Event).where(Event.id == event_id, Event.version == expected)
                              .values(version=expected + 1, updated_by=user, updated_at=utcnow()))
    if changed.rowcount != 1:
        raise StaleVersion(f"event {event_id} was changed by somebody else just now", event_id)
    session.refresh(event)
    return event


def _set_constraint(session: Session, a: int, b: int, kind: str, user: str) -> str | None:
    a, b = _pair(a, b)
    old = session.scalar(select(PairConstraint.kind).where(PairConstraint.claim_a == a, PairConstraint.claim_b == b))
    session.execute(delete(PairConstraint).where(PairConstraint.claim_a == a, PairConstraint.claim_b == b))
    session.execute(insert(PairConstraint).values(claim_a=a, claim_b=b, kind=kind, created_by=user, created_at=utcnow()))
    session.execute(delete(ReviewPair).where(ReviewPair.claim_a == a, ReviewPair.claim_b == b))
    content.note(session, user, "decision", [(a, b)])
    return old


def _move(session: Session, claims: list[int], event_id: int, why: str) -> None:
    session.execute(update(ClaimLink).where(ClaimLink.claim_id.in_(claims))
                    .values(event_id=event_id, score=None, partner_claim_id=None, components=[], explanation=why,
                            run_id=None))


def _new_event(session: Session, user: str) -> int:
    event = Event(status="unverified", reason="", updated_by=user, updated_at=utcnow(), n_claims=0, n_origins=0,
                  origins=[], manual=False, active=True, version=1)
    session.add(event)
    session.flush()
    return event.id


def refresh(session: Session, event_ids: list[int], user: str) -> None:
    """Recompute figures, counts and (unless manual) grades of these events from their claims;
    an event left without claims is retired."""
    config = current_config(session)
    index = SourceIndex.load(session)
    members: dict[int, list[int]] = defaultdict(list)
    for claim_id, event_id in session.execute(select(ClaimLink.claim_id, ClaimLink.event_id)
                                              .where(ClaimLink.event_id.in_(event_ids))):
        members[event_id].append(claim_id)
    claim_ids = sorted(c for ms in members.values() for c in ms)
    features, _ = load_features(session, index, claim_ids, config=config)
    relays = relay_names(session, claim_ids, index)
    notes, actors = grading_texts(session, claim_ids)
    for event_id in event_ids:
        event = session.get(Event, event_id)
        if not members.get(event_id):
            event.active, event.n_claims = False, 0
            continue
        values = event_values(event_id, sorted(members[event_id]), features, index, relays, config,
                              manual=event.manual, notes=notes, actors=actors)
        for key, value in values.items():
            if key != "id":
                setattr(event, key, value)
    session.flush()


def _recluster(session: Session, user: str, claims: list[int]) -> None:
    """Re-cluster the groups of these claims at once, exactly as the next run would, so
    that what a person sees after a decision is what later runs keep."""
    reconcile(session, user, current_config(session), seeds=set(claims))


def _retire(session: Session, event_id: int, into: int, kind: str, user: str) -> None:
    session.add(EventLineage(old_event_id=event_id, new_event_id=into, kind=kind, created_by=user, created_at=utcnow()))
    session.execute(update(Event).where(Event.id == event_id)
                    .values(active=False, n_claims=0, updated_by=user, updated_at=utcnow()))


def _states(session: Session, event_ids) -> dict:
    return {str(e): _event_state(session.get(Event, e)) for e in sorted({e for e in event_ids if e is not None})}


def _must_closure(session: Session, claim: int, ignore: tuple[int, int] | None = None) -> set[int]:
    """The claims people have linked, directly or through others, to ``claim`` (one link ignored)."""
    must: dict[int, set[int]] = defaultdict(set)
    for a, b in session.execute(select(PairConstraint.claim_a, PairConstraint.claim_b)
                                .where(PairConstraint.kind == "must")):
        if (a, b) == ignore:
            continue
        must[a].add(b)
        must[b].add(a)
    seen, stack = {claim}, [claim]
    while stack:
        for other in must[stack.pop()] - seen:
            seen.add(other)
            stack.append(other)
    return seen


def _check_no_contradiction(session: Session, a: int, b: int) -> None:
    """Refuse a link that would join claims somebody decided apart (through earlier links)."""
    left, right = _must_closure(session, a), _must_closure(session, b)
    for x, y, who in session.execute(select(PairConstraint.claim_a, PairConstraint.claim_b, PairConstraint.created_by)
                                     .where(PairConstraint.kind == "cannot")):
        if (x in left and y in right) or (y in left and x in right):
            raise ConflictError(f"claims {x} and {y} were decided to be different events by {who}; linking "
                                f"{a} and {b} would join them. Unlink or re-decide that pair first")


def link(session: Session, user: str, a: int, b: int, versions: dict[int, int] | None = None) -> dict:
    """Claims ``a`` and ``b`` are one event: b (and nothing else) joins a's event.

    ``versions`` maps event ids to the versions the person saw; a changed event is a conflict.
    """
    if a == b:
        raise ReconcileError("give two different claims")
    versions = versions or {}
    ea, eb = _claim_event(session, a), _claim_event(session, b)
    _check_no_contradiction(session, a, b)
    before = _states(session, (ea, eb))
    old = _set_constraint(session, a, b, "must", user)
    moved = False
    if ea is not None and eb is not None and ea != eb:
        _check_version(session, ea, versions.get(ea), user)
        _check_version(session, eb, versions.get(eb), user)
        _move(session, [b], ea, f"linked to claim {a} by {user}")
        moved = True
        if not _members(session, eb):
            _retire(session, eb, ea, "merge", user)
    elif ea is not None and ea == eb:
        _check_version(session, ea, versions.get(ea), user)
    if ea is not None or eb is not None:
        _recluster(session, user, [a, b])
    now_a = _claim_event(session, a)
    audit.record(session, user, "link", "claims", f"{a},{b}",
                 before={"constraint": old, "events": before},
                 after={"constraint": "must", "events": _states(session, (ea, eb, now_a))},
                 events=[e for e in (ea, eb, now_a) if e], content=content.take(session))
    return {"claims": [a, b], "event": now_a, "moved_from": eb if moved else None}


def unlink(session: Session, user: str, a: int, b: int, versions: dict[int, int] | None = None) -> dict:
    """Claims ``a`` and ``b`` are different events: if together, b leaves for an event of its own."""
    if a == b:
        raise ReconcileError("give two different claims")
    versions = versions or {}
    ea, eb = _claim_event(session, a), _claim_event(session, b)
    if b in _must_closure(session, a, ignore=_pair(a, b)):
        raise ConflictError(f"claims {a} and {b} are linked through other claims people linked; "
                            "unlink those links first")
    before = _states(session, (ea, eb))
    old = _set_constraint(session, a, b, "cannot", user)
    new = None
    if ea is not None and ea == eb:
        _check_version(session, ea, versions.get(ea), user)
        new = _new_event(session, user)
        _move(session, [b], new, f"unlinked from claim {a} by {user}")
        session.add(EventLineage(old_event_id=ea, new_event_id=new, kind="split", created_by=user, created_at=utcnow()))
    if ea is not None or eb is not None:
        _recluster(session, user, [a, b])
    now_b = _claim_event(session, b)
    audit.record(session, user, "unlink", "claims", f"{a},{b}",
                 before={"constraint": old, "events": before},
                 after={"constraint": "cannot", "events": _states(session, (ea, eb, new, now_b))},
                 events=[e for e in (ea, eb, new, now_b) if e], content=content.take(session))
    return {"claims": [a, b], "event": ea, "new_event": now_b if now_b != eb else None}


def _existing(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("event", event_id)
    return event


def merge(session: Session, user: str, keep: int, other: int, if_version: int | None = None) -> dict:
    """All claims of ``other`` join ``keep``; ``other`` is retired with its lineage recorded."""
    if keep == other:
        raise ReconcileError("give two different events")
    _existing(session, keep), _existing(session, other)
    before = _states(session, (keep, other))
    _check_version(session, keep, if_version, user)
    _check_version(session, other, None, user)
    keep_claims, other_claims = _members(session, keep), _members(session, other)
    everyone = keep_claims + other_claims
    members = set(everyone)
    cannot = select(PairConstraint.claim_a, PairConstraint.claim_b).where(PairConstraint.kind == "cannot")
    apart = [(x, y) for x, y in select_in(session, cannot, PairConstraint.claim_a, everyone, CHUNK) if y in members]
    for x, y in combinations(sorted(everyone), 2):
        session.execute(delete(PairConstraint).where(PairConstraint.claim_a == x, PairConstraint.claim_b == y,
                                                     PairConstraint.kind == "cannot"))
    content.note(session, user, "decision", apart)
    anchor = min(everyone)
    for claim in sorted(everyone):
        if claim != anchor:
            _set_constraint(session, anchor, claim, "must", user)
    _move(session, other_claims, keep, f"merged from event {other} by {user}")
    _retire(session, other, keep, "merge", user)
    _recluster(session, user, everyone)
    audit.record(session, user, "merge", "event", keep, before=before,
                 after=_states(session, (keep, other)) | {"merged": other}, events=[keep, other],
                 content=content.take(session))
    return {"event": keep, "merged": other, "claims": len(everyone)}


def split(session: Session, user: str, event_id: int, claims: list[int], if_version: int | None = None) -> dict:
    """Move ``claims`` out of the event into a new one."""
    _existing(session, event_id)
    for claim in claims:
        if session.get(Claim, claim) is None:
            raise NotFound("claim", claim)
    event = _check_version(session, event_id, if_version, user)
    before = _event_state(event)
    members = _members(session, event_id)
    moving = sorted(set(claims))
    strangers = [c for c in moving if c not in members]
    if strangers:
        raise ReconcileError(f"claim{'s' if len(strangers) > 1 else ''} {', '.join(map(str, strangers))} "
                             f"{'are' if len(strangers) > 1 else 'is'} not in event {event_id}")
    staying = [c for c in members if c not in moving]
    if not staying:
        raise ReconcileError(f"that would move every claim of event {event_id}; leave at least one")
    for x in moving:
        for y in staying:
            _set_constraint(session, x, y, "cannot", user)
    for x in moving[1:]:
        _set_constraint(session, moving[0], x, "must", user)
    new = _new_event(session, user)
    _move(session, moving, new, f"split from event {event_id} by {user}")
    session.add(EventLineage(old_event_id=event_id, new_event_id=new, kind="split", created_by=user, created_at=utcnow()))
    _recluster(session, user, members)
    audit.record(session, user, "split", "event", event_id, before={str(event_id): before},
                 after=_states(session, (event_id, new)) | {"moved": moving}, events=[event_id, new],
                 content=content.take(session))
    return {"event": event_id, "new_event": new, "moved": moving}


def grade(session: Session, user: str, event_id: int, status: str | None, reason: str | None,
          if_version: int | None = None, auto: bool = False) -> dict:
    """Set a manual grade (kept until ``auto``), or return the event to automatic grading."""
    event = _existing(session, event_id)
    if not auto:
        if status not in STATUSES:
            raise ReconcileError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        if not reason or not reason.strip():
            raise ReconcileError("a manual grade needs a reason (--reason)")
    if event.manual and event.graded_by != user and if_version is None:
        raise GradedByHand(
            f"event {event_id} was graded by hand by {event.graded_by} at {event.graded_at:%Y-%m-%d %H:%M:%S} UTC "
            f"(version {event.version})", event_id, event.version)
    before = _event_state(event)
    event = _check_version(session, event_id, if_version, user)
    if auto:
        event.manual, event.graded_by, event.graded_at = False, None, None
        refresh(session, [event_id], user)
    else:
        event.status, event.reason, event.manual = status, reason.strip(), True
        event.graded_by, event.graded_at = user, utcnow()
    session.flush()
    after = _event_state(event)
    content.note(session, user, "grade", [event_id])
    audit.record(session, user, "grade" if not auto else "grade-auto", "event", event_id, before=before, after=after,
                 events=[event_id], content=content.take(session))
    return {"event": event_id} | after


# What accepting an uncertain pair would do, most useful to a fact-checker first: bring an
# origin the other event lacks (its grade may change), join two events, or confirm claims
# that are in one event already.
IMPACTS = ("new_origin", "joins_events", "same_event")


def _with_hints(session: Session, index: SourceIndex, config: Config, features: dict[int, ClaimFeatures],
                decided_apart: set[tuple[int, int]]) -> tuple[dict[int, ClaimFeatures], PlaceHints | None]:
    """The features of the claims to show, and the place each one without a place can only be
    (PlaceHints), worked out as the run does. A hint depends only on the claim's candidates, and
    the blocker proposes only claims whose dates, widened by the tolerance, meet its own: so the
    claims dated within that window around each such claim are all it needs, not every claim."""
    placeless = sorted(f.id for f in features.values() if f.place_key is None and not f.is_period(config))
    if not placeless:
        return features, None
    reach = 2 * config.date_tolerance_days
    windows: list[list[int]] = []   # the claims' widened date intervals, overlapping ones joined
    first_day, last_day = date.min.toordinal(), date.max.toordinal()   # windows stop at the calendar's ends
    for start, end in sorted((max(features[c].start - reach, first_day), min(features[c].end + reach, last_day))
                             for c in placeless):
        if windows and start <= windows[-1][1] + 1:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    first, last = session.execute(select(func.min(Claim.date_start), func.max(Claim.date_end))).one()
    if 2 * sum(end - start + 1 for start, end in windows) >= last.toordinal() - first.toordinal() + 1:
        features, _ = load_features(session, index, config=config)   # half the days or more (a whole queue): read all at once
    else:
        around: set[int] = set()
        for start, end in windows:
            around.update(session.scalars(select(Claim.id).where(
                Claim.date_start <= date.fromordinal(end), Claim.date_end >= date.fromordinal(start))))
        more, _ = load_features(session, index, sorted(around - set(features)), config=config)
        features = features | more
    return features, PlaceHints(Blocker(features.values(), config), config, decided_apart)


def review_queue(session: Session, config: Config, limit: int | None = None) -> list[dict]:
    """Uncertain pairs (between the thresholds, and strong pairs clustering kept in two events):
    those whose acceptance would bring an origin new to the other event first, then those
    joining two events, then pairs already in one event; within each, the most uncertain first
    (nearest the middle of the band). Each shown pair's score components are worked out here."""
    middle = (config.review_threshold + config.link_threshold) / 2
    rows = session.execute(select(ReviewPair.claim_a, ReviewPair.claim_b, ReviewPair.score, ReviewPair.run_id)).all()
    claim_ids = sorted({c for r in rows for c in (r.claim_a, r.claim_b)})
    index = SourceIndex.load(session)
    events, origin_of, placed = {}, {}, set()
    for part in chunks(claim_ids, 500):
        events.update(session.execute(select(ClaimLink.claim_id, ClaimLink.event_id)
                                      .where(ClaimLink.claim_id.in_(part))).all())
        for claim_id, source_id, place_key, first, last in session.execute(
                select(Claim.id, Claim.source_id, Claim.place_key, Claim.date_start, Claim.date_end)
                .where(Claim.id.in_(part))):
            info = index.origin_of(source_id)
            origin_of[claim_id] = info.origin_name if info.known else None
            if place_key is not None and not config.is_period((last - first).days + 1):
                placed.add(claim_id)
    event_ids = sorted(set(events.values()))
    event_origins: dict[int, set[str]] = {}
    placed_events = set()
    for event_id, origins, place_key, first, last in select_in(
            session, select(Event.id, Event.origins, Event.place_key, Event.date_start, Event.date_end), Event.id,
            event_ids, 500):
        event_origins[event_id] = set(origins or ())
        # A tally over a period names a place at most as its scope: grading counts no place.
        if place_key is not None and not config.is_period((last - first).days + 1):
            placed_events.add(event_id)

    def impact(a: int, b: int) -> str:
        event_a, event_b = events.get(a), events.get(b)
        if event_a is not None and event_a == event_b:
            return "same_event"
        for claim, other in ((a, event_b), (b, event_a)):
            origin = origin_of.get(claim)
            # An origin counts for a placed event only with a claim that says where (grading).
            counts = claim in placed or other not in placed_events
            if origin is not None and counts and origin not in event_origins.get(other, set()):
                return "new_origin"
        return "joins_events"

    ranked = sorted(((IMPACTS.index(impact(r.claim_a, r.claim_b)), abs(r.score - middle), r.claim_a, r.claim_b, r)
                     for r in rows), key=lambda x: x[:4])[:limit]
    shown = sorted({c for *_k, r in ranked for c in (r.claim_a, r.claim_b)})
    features, _ = load_features(session, index, shown, config=config)
    _must, decided_apart, _manual = load_decisions(session)
    features, hints = _with_hints(session, index, config, features, decided_apart)
    queue = []
    for rank, _distance, a, b, r in ranked:
        score = score_pair(features[a], features[b], config, hints=hints)
        queue.append({"claim_a": a, "claim_b": b, "score": score.total, "components": score.as_dict(),
                      "explanation": score.explain(), "run_id": r.run_id, "event_a": events.get(a),
                      "event_b": events.get(b), "impact": IMPACTS[rank]})
    return queue


def _is_group(members: list[int], must: set[tuple[int, int]]) -> bool:
    """Whether clustering counts these claims (one event) as a group of claims: two or more
    that evidence joined, not one claim and not claims only people's links hold together."""
    linked = UnionFind(members)
    for a, b in must:
        if a in linked and b in linked:
            linked.union(a, b)
    return len(linked.groups()) > 1


def near_events(session: Session, event_id: int) -> list[dict]:
    """The other events that this event's claims have pairs in the review queue with, and why
    each stayed apart: a constraint, or the average score over every pair between the two
    events against the threshold clustering applies (the link threshold when either is a single
    claim or held together only by people's links, the merge threshold for two groups of
    claims). For two events of one connected group of at most ``RESCORE_LIMIT`` claims,
    unchanged since the last run, this is the run's own reason; where claims changed since,
    it says so, and ``changed_since_run`` is true: the next run re-decides them."""
    config = current_config(session)
    mine = _members(session, event_id)
    if not mine:
        return []
    members = set(mine)
    pair_query = select(ReviewPair.claim_a, ReviewPair.claim_b, ReviewPair.score)
    rows = [*select_in(session, pair_query, ReviewPair.claim_a, mine, CHUNK),
            *select_in(session, pair_query, ReviewPair.claim_b, mine, CHUNK)]
    pairs = {(min(a, b), max(a, b)): score for a, b, score in rows}
    outside = sorted({c for pair in pairs for c in pair} - members)
    event_of = dict(select_in(session, select(ClaimLink.claim_id, ClaimLink.event_id), ClaimLink.claim_id, outside,
                              CHUNK))
    queued: dict[int, list[dict]] = defaultdict(list)
    for (a, b), score in sorted(pairs.items()):
        here, there = (a, b) if a in members else (b, a)
        if there in event_of and event_of[there] != event_id:
            queued[event_of[there]].append({"claim_id": here, "other_claim_id": there, "score": score})
    theirs = {other: _members(session, other) for other in sorted(queued)}
    theirs = {other: claims for other, claims in theirs.items() if claims}   # a run may have moved them meanwhile
    if not theirs:
        return []
    ids = sorted(members | {c for claims in theirs.values() for c in claims})
    changed = marks.marked(session, ids)
    index = SourceIndex.load(session)
    features, _ = load_features(session, index, ids, config=config)
    must, decided_apart, _manual = load_decisions(session)
    features, hints = _with_hints(session, index, config, features, decided_apart)
    statuses = dict(select_in(session, select(Event.id, Event.status), Event.id, sorted(theirs), CHUNK))
    mine_group = _is_group(mine, must)
    near = []
    for other, claims in theirs.items():
        total, constraint, contradiction = 0, None, None   # thousandths, summed exactly as clustering sums them
        for a in mine:
            for b in claims:
                if constraint is None and _pair(a, b) in decided_apart:
                    constraint = f"a person decided claims {min(a, b)} and {max(a, b)} apart"
                rule = cannot_link(features[a], features[b], config)
                if constraint is None and rule is not None:
                    constraint = f"claims {min(a, b)} and {max(a, b)}: {rule}"
                score = score_pair(features[a], features[b], config, explain=False, hints=hints)
                total += round(score.total * 1000)
                if contradiction is None and score.contradicts(config):
                    worst = min(score.components, key=lambda c: c.points)
                    contradiction = f"claims {min(a, b)} and {max(a, b)}: {worst.name} {worst.points:g}"
        n = len(mine) * len(claims)
        average = (total // n) / 1000   # rounded down: never shown reaching a threshold it misses
        groups = mine_group and _is_group(claims, must) and contradiction is not None
        threshold, name = (config.merge_threshold, "merge") if groups else (config.link_threshold, "link")
        over = f"the average over the {n} pairs between them, {average:g}," if n > 1 else \
            f"their one pair, scoring {average:g},"
        rerun = constraint is None and bool(members & changed or changed & set(claims))
        if constraint is not None:
            why = constraint
        elif rerun:
            why = "claims changed since the last run"
        elif total < round(config.link_threshold * 1000) * n:
            why = f"{over} is below the link threshold {config.link_threshold:g}"
        elif total < round(threshold * 1000) * n:
            why = f"{over} reaches the link threshold, but two groups of claims with a contradiction between them " \
                  f"({contradiction}) merge only at the merge threshold {threshold:g}"
        else:
            why = f"{over} reaches the {name} threshold {threshold:g}, but the last run weighed them otherwise: " \
                  "only pairs the blocker proposes connect claims, and in a group over " \
                  f"{RESCORE_LIMIT} claims the pairs not kept count {MISSING_PAIR:g}"
        near.append({"event_id": other, "status": statuses.get(other), "pairs_in_review": queued[other],
                     "pairs_between": n, "average": average, "why_apart": why,
                     "changed_since_run": rerun})
    return near
