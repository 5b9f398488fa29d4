"""A run's first stage: every claim's matching features, loaded once.

Plain tuples through the Core connection become one :class:`reconciler.matching.ClaimFeatures`
per claim (dates as ordinals, the place's candidates and where they are, categories, figure
intervals, the origin); runs, decisions, `show --near` and `review` read them through this
module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Iterable

from sqlalchemy.orm import Session

from .config import Config
from .content import RUN_READS, RunCheck
from .datasets import cited_outlet, is_outlet
from .db import CHUNK, chunks, driver_rows
from .deskplaces import desk_gazetteer
from .gazetteer import Gazetteer
from .marks import MARK_JOIN
from .matching import ClaimFeatures
from .models import Source, uncounted_draft
from .sources import SourceIndex



def load_features(session: Session, index: SourceIndex, claim_ids: list[int] | None = None,
                  versions: dict[int, int] | None = None, config: Config | None = None,
                  check: RunCheck | None = None,
                  window: tuple[date, date] | None = None) -> tuple[dict[int, ClaimFeatures], set[int]]:
    """The matching features of every claim (or of ``claim_ids``, or of the claims whose dates
    meet the ``window``, first and last day included), and the ids not yet matched among them;
    with ``versions``, the version each not-yet-matched claim was read at is put there.
    ``config`` says how far the places near a claim's place reach (``place_neighbour_km``).
    With ``check`` (every claim only), each claim read is given to the run's content check too,
    so that the claims are read once for both; its ``finish`` is the caller's."""
    if window is not None and claim_ids is None:
        loaded = load_window(session, index, window, versions, config)
        return loaded.features, loaded.dirty
    origin_root = _origin_roots(index)
    located = Locations(desk_gazetteer(session), (config or Config()).place_neighbour_km)
    by_place: dict[tuple, list[ClaimFeatures]] = {}
    if claim_ids is not None:
        features = {}
        for ids in chunks(claim_ids, CHUNK):
            part, _ = _load(session, origin_root, by_place, located, ids)
            features.update(part)
        located.fill_near(by_place)   # among the places of every claim loaded, whatever the chunks
        return features, set()
    features, dirty = _load(session, origin_root, by_place, located, None, versions, check)
    located.fill_near(by_place)
    return features, dirty


def _origin_roots(index: SourceIndex) -> dict[int, tuple[int, bool, Source, bool]]:
    """(origin, whether it is known, the source, whether it is an outlet) of each source: one
    origin's reports of two occasions count only if known; an outlet a dataset cites is no
    origin (cited_outlet)."""
    return {sid: (info.origin_id, info.known, index.sources[sid], is_outlet(index.sources[sid]))
            for sid, info in ((s, index.origin_of(s)) for s in index.sources)}


@dataclass
class WindowLoad:
    """The claims whose dates meet ``window`` (first and last day), as :func:`load_window`
    loaded them: their features, the ids not yet matched, and the claims by (candidates, shown
    place), which the places near them are worked out from."""

    window: tuple[date, date]
    features: dict[int, ClaimFeatures]
    dirty: set[int]
    by_place: dict[tuple, list[ClaimFeatures]]


def load_window(session: Session, index: SourceIndex, window: tuple[date, date],
                versions: dict[int, int] | None = None, config: Config | None = None,
                before: WindowLoad | None = None) -> WindowLoad:
    """:func:`load_features` of the claims whose dates meet ``window``. With ``before``, the
    load of a window that ``window`` holds, only the claims it left out are read, and added to
    it (``before`` is taken over: use the load returned); the places in use near each claim are
    then worked out again among the places of all, so that the features are those a load of
    ``window`` alone gives. (On SQLite the run's write transaction sees no other writer's claims;
    on PostgreSQL each statement sees the latest commits, so a claim another writer commits
    between the two loads with dates in ``before`` is read as it was, or not at all: its mark
    keeps the version read, and the next run takes it.)"""
    located = Locations(desk_gazetteer(session), (config or Config()).place_neighbour_km)
    if before is None:
        by_place: dict[tuple, list[ClaimFeatures]] = {}
        features, dirty = _load(session, _origin_roots(index), by_place, located, None, versions, None, window)
    else:
        if not (window[0] <= before.window[0] and before.window[1] <= window[1]):
            raise ValueError(f"the window {window} does not hold the window {before.window} loaded before")
        by_place = before.by_place
        added, dirty = _load(session, _origin_roots(index), by_place, located, None, versions, None, window,
                             before.window)
        features = before.features
        features.update(added)
        dirty |= before.dirty
    located.fill_near(by_place)
    return WindowLoad(window, features, dirty, by_place)


def dates_meet(alias: str, window: tuple[date, date]) -> str:
    """SQL: the dates of claim ``alias`` meet ``window`` (first and last day included). The
    days are written into the statement as ISO text, which is safe there: they are dates, not
    text a user typed."""
    first, last = (day.isoformat() for day in window)
    return f"{alias}.date_start <= '{last}' AND {alias}.date_end >= '{first}'"


class Locations:
    """Where a claim's candidate places are, and which places in use lie near them: worked out
    once per distinct set of candidates (a million claims name far fewer places), and only
    among the places the loaded claims name, since only those have reports to meet."""

    def __init__(self, gazetteer: Gazetteer, near_km: float):
        self.gazetteer, self.near_km = gazetteer, near_km
        self._memo: dict[tuple, tuple] = {}
        self._near: dict[int, frozenset[int]] = {}
        self._near_memo: dict[tuple, frozenset[int]] = {}

    def prepare(self, rows: Iterable[tuple[str | None, int | None]]) -> None:
        """Find the places near one another among those the (candidates, geonameid) rows name."""
        used = {g for candidates, geonameid in rows if candidates or geonameid
                for g in self.spots(candidates, geonameid)[0]}
        self._near = self.gazetteer.near_among(used, self.near_km)
        self._near_memo = {}

    def spots(self, candidates: str | None, geonameid: int | None) -> tuple:
        """(candidate ids, their (lat, lon, extent) spots, the extent of the place shown), once
        per distinct (candidates, shown place)."""
        key = (candidates, geonameid)
        found = self._memo.get(key)
        if found is None:
            ids = tuple(int(g) for g in candidates.split(",")) if candidates else (geonameid,)
            places = [self.gazetteer.places[g] for g in ids if g in self.gazetteer.places]
            shown = self.gazetteer.places.get(geonameid) if geonameid is not None else None
            found = self._memo[key] = (tuple(p.geonameid for p in places), tuple((p.lat, p.lon, p.extent_km) for p in places),
                                       shown.extent_km if shown is not None and geonameid in ids else 0.0)
        return found

    def fill_near(self, claims_by_place: dict[tuple, list[ClaimFeatures]]) -> None:
        """Set each claim's places in use near its own, the claims given by their (candidates,
        geonameid): the places in use are theirs, known once all are read (no second query)."""
        self.prepare(claims_by_place)
        for key, claims in claims_by_place.items():
            near = self.near_of(*key)
            for claim in claims:
                claim.near = near

    def near_of(self, candidates: str | None, geonameid: int | None) -> frozenset[int]:
        """The places in use near a place's candidates (those :meth:`prepare` was given), once
        per distinct (candidates, shown place)."""
        key = (candidates, geonameid)
        found = self._near_memo.get(key)
        if found is None:
            # Only the gazetteer's places have neighbours: those of the candidates it knows.
            ids = self.spots(candidates, geonameid)[0]
            found = self._near_memo[key] = frozenset(n for g in ids for n in self._near.get(g, ())) - set(ids)
        return found


# What the loader reads of a claim: what the content check reads (RUN_READS), then the version
# of its mark for the next run (None: not marked).
_AT = {name: i + 1 for i, name in enumerate((*RUN_READS, "mark"))}   # after c.id
_COLUMNS = itemgetter(*(_AT[name] for name in (
    "fingerprint", "source_id", "report_id", "date_start", "date_end", "date_precision", "place_key", "place_label",
    "type_category", "target_categories", "victims_category", "place_region", "actor_key", "stance", "killed_text",
    "killed_low", "killed_high", "wounded_text", "wounded_low", "wounded_high", "text", "mark",
    "place_geonameid", "place_candidates", "place_names", "text_type_category", "place_method", "ref",
    "draft_state")))
_RUN_VALUES = slice(1, 1 + len(RUN_READS))
_READ = ", ".join(f'c."{name}"' for name in RUN_READS) + ", m.version"


def _load(session: Session, origin_root: dict[int, tuple[int, bool, Source, bool]],
          by_place: dict[tuple, list[ClaimFeatures]], located: Locations, ids: list[int] | None,
          versions: dict[int, int] | None = None, check: RunCheck | None = None,
          window: tuple[date, date] | None = None, outside: tuple[date, date] | None = None):
    """The features and the not-yet-matched ids of every claim (or of ``ids``, or of those whose
    dates meet ``window`` but not ``outside``); each claim with a place is put in ``by_place``
    under its (candidates, shown place), for the caller to set the places near it once all are
    read (Locations.fill_near)."""
    features, dirty = {}, set()
    # The rows as the driver gives them (the content check hashes them so): dates are ISO text on
    # SQLite, date objects on PostgreSQL.
    if check is not None and not check.wants_rows:
        check = None   # the claims are checked in a process beside this one, or only those the log lists
    if check is not None and ids is None:
        sql = check.statement(marks=True)
    else:   # integers only: safe to write into the statement
        sql = f"SELECT c.id, {_READ}, NULL, NULL FROM claims c{MARK_JOIN}"
        if ids is not None:
            sql += f" WHERE c.id IN ({','.join(str(int(i)) for i in ids)})"
        elif window is not None:
            sql += f" WHERE {dates_meet('c', window)}"
            if outside is not None:
                sql += f" AND NOT ({dates_meet('c', outside)})"
    names_of: dict[str | None, frozenset[str]] = {None: frozenset()}
    ordinal_of: dict = {}   # one int a distinct date, shared by its claims
    # Plain tuples through the connection: this loads every claim, so it must be lean. The
    # driver gives every row its own copy of each value; ``one`` keeps one copy of each distinct
    # value (a million claims hold a few kinds, stances, places and dates).
    shared = {}
    one = shared.setdefault   # one(v, v): the first value equal to v (a C call, no Python frame)
    for row in driver_rows(session, sql):
        cid = row[0]
        if check is not None:
            check.claim(cid, row[_RUN_VALUES], row[-2], row[-1])
        (fp, source_id, report_id, start, end, precision, place_key, place_label, type_category, targets,
         victims, region, actor, stance, killed_text, killed_low, killed_high, wounded_text, wounded_low,
         wounded_high, text, mark, geonameid, candidates, place_names, text_type, method, ref,
         draft_state) = _COLUMNS(row)
        first = ordinal_of.get(start)
        if first is None:
            first = ordinal_of[start] = _ordinal(start)
        last = ordinal_of.get(end)   # after the start is kept: a one-day claim's end is its start
        if last is None:
            last = ordinal_of[end] = _ordinal(end)
        ids_, spots, extent = located.spots(candidates, geonameid) if (candidates or geonameid) else ((), (), 0.0)
        if place_names is None and place_key is not None and geonameid is None:
            place_names = place_key   # a claim stored before names were kept: its text key is its name
        names = names_of.get(place_names)
        if names is None:
            names = names_of[place_names] = frozenset(place_names.split("|"))
        root = origin_root[source_id]
        cited = root[3] and cited_outlet(ref, root[2])   # only an outlet can be one a dataset cites
        killed = (killed_low, killed_high) if killed_text else None
        wounded = (wounded_low, wounded_high) if wounded_text else None
        features[cid] = claim = ClaimFeatures(
            cid, fingerprint_key(fp), source_id, root[0], report_id, first, last, one(precision, precision),
            one(place_key, place_key), one(place_label, place_label), one(type_category, type_category),
            one(victims, victims), one(actor, actor), one(stance, stance), one(killed, killed),
            one(wounded, wounded), text, one(targets, targets), one(region, region), root[1] and not cited, ids_,
            spots, _NOWHERE, names, one(text_type, text_type), method == "list", extent, cited,
            draft_state if uncounted_draft(draft_state) else None,
        )
        if candidates or geonameid:
            place = (candidates, geonameid)
            claims = by_place.get(place)
            if claims is None:
                by_place[place] = [claim]
            else:
                claims.append(claim)
        if mark is not None:   # the version the claim was marked at (reconciler.marks)
            dirty.add(cid)
            if versions is not None:
                versions[cid] = mark
    return features, dirty


_NOWHERE: frozenset[int] = frozenset()


def fingerprint_key(fingerprint: str) -> bytes:
    """A claim's fingerprint as matching keeps it: a SHA-256 in hex as its 32 bytes, which sort
    as the hex does (65 bytes a claim against 113; 48 MB at a million claims); any other text as
    its UTF-8."""
    if len(fingerprint) == 64:
        try:
            return bytes.fromhex(fingerprint)
        except ValueError:
            pass
    return fingerprint.encode("utf-8")


def _ordinal(value) -> int:
    """A stored date's ordinal: ISO text (SQLite) or a date (PostgreSQL)."""
    return (date.fromisoformat(value) if isinstance(value, str) else value).toordinal()
