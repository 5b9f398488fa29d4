"""Pairwise matching: which claims may describe one incident, and how strongly.

Three steps, each small:

* :class:`ClaimFeatures` holds what matching compares, one per claim;
* :class:`Blocker` proposes candidate pairs only among claims whose dates overlap within the
  tolerance and whose places could match (same place key, similar text key, or one place
  unknown with the same kind of incident), so the cost grows with claims × block size;
* :func:`score_pair` sums named components (place, date, type, victims, target, actor, figures,
  text)
  with weights from :class:`~reconciler.config.Config`; every component carries a note, so a
  link can say why it was made and what counted against it.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from rapidfuzz import fuzz

from .config import Config
from .figures import figures_relation, interval_text
from .gazetteer import region_label
from .places import place_similarity
from .vocabulary import kind_family, same_actor, targets_relation, types_relation, victims_relation


@dataclass(slots=True)
class ClaimFeatures:
    """What matching reads of a claim (reconciler.features builds them). Read-only by contract,
    though not frozen: a frozen dataclass sets each of these fields through object.__setattr__,
    which made building one ten times as slow (0.70 s against 0.07 s per 100,000), and a run
    builds one per claim. Not hashable (value equality): index them by ``id``."""

    id: int
    fingerprint: bytes       # the content hash as 32 bytes (reconciler.features.fingerprint_key): orders as its hex
    source_id: int
    origin_id: int           # root of the source's parent chain (known or not)
    report_id: int | None
    start: int               # date interval as proleptic ordinals
    end: int
    precision: str
    place_key: str | None
    place_label: str | None
    type_category: str | None
    victims_category: str | None
    actor_key: str | None
    stance: str
    killed: tuple[int, int | None] | None
    wounded: tuple[int, int | None] | None
    text: str | None
    target_categories: str | None = None   # what was hit: "homes,school" (vocabulary.TARGETS)
    region: str | None = None              # "UA.05": the place's oblast, or the one a claim without a place names
    origin_known: bool = True              # whether the origin is a known one (registered, not of kind 'unknown')
    candidates: tuple[int, ...] = ()       # every gazetteer place the place could be (one when unambiguous)
    spots: tuple[tuple[float, float, float], ...] = ()   # (lat, lon, extent km) of each candidate
    near: frozenset[int] = frozenset()     # gazetteer places within Config.place_neighbour_km of a candidate
    names: frozenset[str] = frozenset()    # the place's names as written, transliterated
    text_type: str | None = None           # the kind the quote names, when the type is empty
    listed: bool = False                   # the place names several places (a bulletin's "3 in Bakhmut, 2 in Toretsk")
    extent: float = 0.0                    # the shown place's radius in km (0 when the gazetteer does not locate it)
    cited_outlet: bool = False             # an outlet a dataset cites, not whom it quoted: no origin (datasets.cites_outlet)
    draft: str | None = None               # 'draft' (not yet accepted) or 'rejected': matched, never counted

    def __post_init__(self) -> None:
        if not self.candidates and self.place_key is not None and self.place_key.startswith(("geonames:", "place:")):
            prefix, _, number = self.place_key.partition(":")
            self.candidates = (int(number) if prefix == "geonames" else -int(number),)

    def is_period(self, config: Config) -> bool:
        # config.is_period(self.end - self.start + 1), inlined: blocking asks it of every claim.
        return self.end - self.start >= config.period_days


class Component(NamedTuple):
    """One named part of a pair's score: points for (positive) or against (negative), and why."""

    name: str
    points: float
    note: str


class Score:
    """A pair's score: the sum of its named components (a plain class: millions are made per run)."""

    __slots__ = ("a", "b", "components", "total", "worst", "against", "sum")

    def __init__(self, a: int, b: int, components: tuple[Component, ...]):
        self.a, self.b, self.components = a, b, components
        total, worst, against = 0.0, None, 0
        for c in components:   # one pass: the sum, the component most against, how many count against
            total += c.points
            if c.points < 0:
                against += 1
                if worst is None or c.points < worst.points:
                    worst = c
        self.sum = total   # before rounding: what one more component is added to (plus)
        self.total, self.worst, self.against = round(total, 3), worst, against

    def plus(self, part: Component) -> "Score":
        """This score with one more component last: what ``Score(a, b, components + (part,))``
        gives (the same sum, added in the same order), without going over the others again."""
        score = Score.__new__(Score)
        score.a, score.b, score.components = self.a, self.b, self.components + (part,)
        score.sum = self.sum + part.points
        score.total, score.worst, score.against = round(score.sum, 3), self.worst, self.against
        if part.points < 0:
            score.against += 1
            if score.worst is None or part.points < score.worst.points:
                score.worst = part
        return score

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Score) and (self.a, self.b, self.components) == (other.a, other.b, other.components)

    def __repr__(self) -> str:
        return f"Score({self.a}, {self.b}, total={self.total})"

    def as_dict(self) -> dict:
        return {c.name: {"points": c.points, "note": c.note} for c in self.components}

    def as_rows(self) -> list[list]:
        """The components as stored with a link: [name, points, note] each (see :func:`explain_rows`)."""
        return [[c.name, c.points, c.note] for c in self.components]

    def held_back_by(self, config: Config) -> Component | None:
        """The one component that keeps an otherwise agreeing pair from being linked: the only
        one counting against it, without which (at its best: the same place, the same day) the
        pair would reach the link threshold. Neighbouring places, an ambiguous name, a day too
        far: a person should decide these (the review queue), since the claims alone cannot."""
        return self._holding_back(self.total, config)

    def _holding_back(self, total: float, config: Config) -> Component | None:
        """:meth:`held_back_by` for a pair whose total is ``total`` (a bound: quote_idle)."""
        worst = self.worst
        if self.against != 1 or worst.name not in _BEST:
            return None
        best = getattr(config.weights, _BEST[worst.name])
        return worst if total - worst.points + best >= config.link_threshold else None

    def contradicts(self, config: Config) -> bool:
        """Whether a component counts this strongly against (``Config.contradiction_points``)."""
        return self.worst is not None and self.worst.points <= config.contradiction_points

    def explain(self) -> str:
        """'place +4 (same place: Avdiyivka); date +1 (1 day apart)' — against-points marked."""
        return explain_rows(self.total, [(c.name, c.points, c.note) for c in self.components])


def explain_rows(total: float, rows) -> str:
    """The explanation of a score from its components as (name, points, note) rows: what
    :meth:`Score.explain` says, and what a stored link's components say when shown."""
    parts = []
    for name, points, note in rows:
        sign = "+" if points > 0 else ("−" if points < 0 else "±")
        parts.append(f"{name} {sign}{abs(points):g} ({note})")
    return f"score {total:g}: " + "; ".join(parts)


def components_of_rows(rows) -> dict:
    """Stored components ([name, points, note] rows, or the name-keyed form of links stored
    before revision 0009) as {name: {"points", "note"}}, the form `show --json` gives."""
    if isinstance(rows, dict):
        return rows
    return {name: {"points": points, "note": note} for name, points, note in rows or ()}


# What each component scores at its best: what a person deciding it would make it.
_BEST = {"place": "place_same", "date": "date_same", "type": "type_same", "victims": "victims_same",
         "target": "target_same", "figures": "figures_agree"}


def _place(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool,
           hints: "PlaceHints | None") -> Component:
    w = config.weights
    if a.place_key is None or b.place_key is None:
        if a.is_period(config):
            return Component("place", 0.0, "a period claim: its scope is the conflict, not a place")
        if _regions_differ(a, b):
            return Component("place", w.place_differs, f"different regions: {region_label(a.region)} vs "
                                                       f"{region_label(b.region)}" if explain else "")
        placeless, placed = (a, b) if a.place_key is None else (b, a)
        hint = hints.of(placeless) if hints is not None and placed.place_key is not None else None
        if hint is not None and hint & _identity(placed):
            return Component("place", w.place_inferred,
                             f"unknown for one claim; {placed.place_label} is the only place with a compatible "
                             "report within the dates" if explain else "")
        return Component("place", w.place_unknown, "unknown for one claim: weaker evidence, not a mismatch")
    if a.place_key == b.place_key and not explain and a.listed == b.listed and a.extent < config.place_city_km:
        return Component("place", w.place_same, "")   # the common case, at once
    relation, km, gap, similarity = place_relation(a, b, config)
    points = getattr(w, _PLACE_POINTS[relation]) if relation != "similar" else 0.0
    if relation == "similar":
        points = round(w.place_similar * similarity, 2)
    city = None
    if relation in ("same", "beside") and points > w.place_same_city:
        city = _city(a, b, km, gap, config)
        if city is not None:
            points = w.place_same_city
    listed = (a.listed or b.listed) and points > w.place_listed and not (a.listed and b.listed and a.names == b.names)
    if listed:
        # A bulletin's list of places ("3 in Bakhmut, 2 in Toretsk") tallies several incidents:
        # a report at one of them may be about any one of that place's incidents.
        points = w.place_listed
    if not explain:
        return Component("place", points, "")
    if listed:
        other = b if a.listed else a
        return Component("place", points, f"one of the places a list names: {other.place_label} (a list tallies "
                                          "several incidents; this may be another of them)")
    if city is not None:
        shown = a if a.extent >= b.extent else b
        note = (f"{'same city' if relation == 'same' else 'in or beside one another, in a city'}: {shown.place_label}"
                f"{'' if relation == 'same' else f' ({a.place_label} and {b.place_label}, {km:.1f} km apart)'}; a city "
                f"holds many incidents a day, so naming it says less than naming a village")
    elif relation == "same":
        note = f"same place: {a.place_label if len(a.candidates) <= len(b.candidates) else b.place_label}"
    elif relation == "same name":
        note = f"same name: {min(a.names & b.names)} (not in the gazetteer)"
    elif relation == "similar":
        note = f"similar: {a.place_label} ~ {b.place_label} ({similarity:.0%})"
    elif relation == "different":
        note = f"different places: {a.place_label} vs {b.place_label}" + (f", {km:.0f} km apart" if km else "")
    elif relation == "unlocated":
        unknown = a.place_label if not a.candidates else b.place_label
        note = (f"where {unknown} lies the gazetteer does not say; both in {region_label(a.region)}: weaker "
                "evidence, not a mismatch")
    else:
        words = {"beside": "in or beside one another", "near": "near", "neighbouring": "neighbouring"}[relation]
        note = f"{words}: {a.place_label} and {b.place_label}, {km:.1f} km apart"
    return Component("place", points, note + (_ambiguous(a, b) if a.candidates and b.candidates else ""))


def _city(a: ClaimFeatures, b: ClaimFeatures, km: float | None, gap: float | None, config: Config) -> float | None:
    """The extent of the city two claims share (the same place, or one in the other), or None when
    what they share is smaller than ``Config.place_city_km``. Of the places both could be, the
    largest, as the place shown is (a name is read as its most populous place: "Donetsk" as the
    city, not the Russian town of that name)."""
    if km is not None and gap is not None:
        extent = km - gap   # 'beside': the larger one's extent
    elif a.place_key == b.place_key:
        extent = a.extent
    else:
        shared = set(a.candidates) & set(b.candidates)
        extent = max((spot[2] for g, spot in zip(a.candidates, a.spots) if g in shared), default=0.0)
    return extent if extent >= config.place_city_km else None


_PLACE_POINTS = {"same": "place_same", "same name": "place_same", "beside": "place_beside", "near": "place_near",
                 "neighbouring": "place_neighbour", "unlocated": "place_unknown", "different": "place_differs"}


class PlaceRelation(NamedTuple):
    relation: str               # same, same name, similar, beside, near, neighbouring, unlocated, different
    km: float | None = None     # between the nearest candidates, when both are located
    gap: float | None = None    # that distance less the larger one's extent
    similarity: float | None = None   # of the names, when one is not in the gazetteer


def place_relation(a: ClaimFeatures, b: ClaimFeatures, config: Config) -> PlaceRelation:
    """How two named places relate.

    Two places the gazetteer locates are the 'same' (candidate sets that meet: either name may be
    any of its places), 'beside' (one in or beside the other: a district of Donetsk lies within
    the city's ~10 km), 'near', 'neighbouring' or 'different', by the distance between the
    nearest candidates less the larger one's extent (``Config.place_*_km``). A place the
    gazetteer does not know is the 'same name' as another named alike (in no two different
    regions), 'similar' by spelling, or 'different'."""
    if a.place_key == b.place_key:
        return PlaceRelation("same")
    if a.candidates and b.candidates:
        if not set(a.candidates).isdisjoint(b.candidates):
            return PlaceRelation("same")
        if not a.spots or not b.spots:
            return PlaceRelation("different")
        gap, km = min((d - max(pa[2], pb[2]), d) for pa in a.spots for pb in b.spots
                      for d in (_km(pa[0], pa[1], pb[0], pb[1]),))
        for limit, relation in ((config.place_beside_km, "beside"), (config.place_near_km, "near"),
                                (config.place_neighbour_km, "neighbouring")):
            if gap <= limit:
                return PlaceRelation(relation, km, gap)
        return PlaceRelation("different", km, gap)
    if a.names & b.names and not (a.region and b.region and a.region != b.region):
        return PlaceRelation("same name")
    similarity = max((place_similarity(x, y) for x in a.names or {a.place_key} for y in b.names or {b.place_key}),
                     default=0.0)
    if similarity >= config.place_similar_min:
        return PlaceRelation("similar", similarity=similarity)
    if a.region is not None and a.region == b.region:
        # Where a place the gazetteer does not know lies, nobody can say, but in this region.
        return PlaceRelation("unlocated")
    return PlaceRelation("different")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Kilometres between two points, equirectangular at their mean latitude: within 0.1 % of the
    great circle at the distances that decide a place relation (tens of kilometres), at a
    fraction of the cost, and the same whichever point comes first."""
    dy = (lat1 - lat2) * 111.195
    dx = (lon1 - lon2) * 111.195 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.sqrt(dx * dx + dy * dy)


def _ambiguous(a: ClaimFeatures, b: ClaimFeatures) -> str:
    parts = [f"{f.place_label} could be any of {len(f.candidates)} places" for f in (a, b)
             if len(f.candidates) > 1 and not f.listed]
    return f" ({'; '.join(parts)})" if parts else ""


def _date(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool) -> Component:
    w = config.weights
    tol = config.date_tolerance_days
    if a.is_period(config):
        beyond = max(abs(a.start - b.start) - tol, abs(a.end - b.end) - config.period_end_tolerance_days)
        if beyond <= 0:
            return Component("date", w.date_same_period, "same period")
        return Component("date", w.date_far * beyond, "different periods" if explain else "")
    gap = max(a.start - b.end, b.start - a.end, 0)
    apart = f"{gap} day{'s' if gap > 1 else ''} apart" if explain and gap else ""
    if gap > 2 * tol:
        # Never proposed by the blocker; met only inside a group that other links formed.
        return Component("date", w.date_far * (gap - 2 * tol), apart + ": beyond the tolerance" if explain else "")
    if a.precision == "day" and b.precision == "day":
        if gap == 0:
            return Component("date", w.date_same, "same day")
        return Component("date", w.date_near if gap == 1 else w.date_two_days, apart)
    if gap == 0:
        # Intervals weigh by how closely they agree: the same two days count as the same day, a
        # day within two days as a day apart, a day within a month as little as any overlap.
        shared = min(a.end, b.end) - max(a.start, b.start) + 1
        spanned = max(a.end, b.end) - min(a.start, b.start) + 1
        if a.precision == b.precision == "range" and shared < min(a.end - a.start, b.end - b.start) + 1:
            # Neither stated period holds the other: two periods (a daily tally and the next day's),
            # not one period told vaguely and one told exactly.
            return Component("date", w.date_crossing,
                             f"periods that cross ({shared} of {spanned} days shared)" if explain else "")
        points = max(w.date_overlap, round(w.date_same * shared / spanned, 2))
        return Component("date", points, (f"the same {spanned} days" if shared == spanned else
                                          f"dates overlap ({shared} of {spanned} days)") if explain else "")
    # An interval already spans what its claim does not know: a day outside it is a day off.
    return Component("date", w.date_two_days * gap, apart + " (one is imprecise)" if explain else "")


_TYPE_POINTS = {"same": "type_same", "compatible": "type_compatible", "related": "type_related",
                "different": "type_differs"}
_VICTIM_POINTS = {"same": "victims_same", "compatible": "victims_compatible", "different": "victims_differs"}


def _category(name: str, rel: str | None, a: str | None, b: str | None, table: dict, config: Config,
              explain: bool) -> Component:
    if rel is None:
        return Component(name, 0.0, "unknown for one claim")
    points = getattr(config.weights, table[rel])
    return Component(name, points, (a if rel == "same" else f"{rel}: {a} vs {b}") if explain else "")


def _kind(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool) -> Component:
    """The kinds of incident: from the `type` fields, or, where one is empty, from the kind the
    quote names ("Russians shelled Kharkiv"), weighed by ``Config.text_kind_weight`` as weaker
    evidence: a headline may speak of another incident than the one the claim is about."""
    ka, kb = a.type_category or a.text_type, b.type_category or b.text_type
    relation = types_relation(ka, kb)
    if relation is None:
        return Component("type", 0.0, "unknown for one claim")
    points = getattr(config.weights, _TYPE_POINTS[relation])
    quoted = not (a.type_category and b.type_category)
    if quoted:
        points = round(points * config.text_kind_weight, 2)
    if not explain:
        return Component("type", points, "")
    note = ka if relation == "same" else f"{relation}: {ka} vs {kb}"
    return Component("type", points, note + (" (read from the quote)" if quoted else ""))


def _target(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool) -> Component | None:
    relation = targets_relation(a.target_categories, b.target_categories)
    if relation is None:
        return None
    if relation == "same":
        common = sorted(set(a.target_categories.split(",")) & set(b.target_categories.split(",")))
        return Component("target", config.weights.target_same, f"both name {', '.join(common)}" if explain else "")
    return Component("target", config.weights.target_differs,
                     f"different: {a.target_categories} vs {b.target_categories}" if explain else "")


def _actor(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool) -> Component | None:
    if a.actor_key is None or b.actor_key is None:
        return None
    if same_actor(a.actor_key, b.actor_key):
        return Component("actor", config.weights.actor_same, f"same: {a.actor_key}" if explain else "")
    return Component("actor", 0.0, f"differ: {a.actor_key} vs {b.actor_key} (graded, not counted against)"
                     if explain else "")


def _agree(fa: tuple[int, int | None] | None, fb: tuple[int, int | None] | None) -> bool:
    """Whether two figures (or a figure and none) can both be true: intervals_overlap, inlined."""
    return fa is None or fb is None or ((fa[1] is None or fb[0] <= fa[1]) and (fb[1] is None or fa[0] <= fb[1]))


def _figures(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool) -> Component | None:
    ka, kb, wa, wb = a.killed, b.killed, a.wounded, b.wounded
    if (ka is None or kb is None) and (wa is None or wb is None):
        return None
    if not explain:   # the relation most against, without the notes' lists
        if _agree(ka, kb) and _agree(wa, wb):
            return Component("figures", config.weights.figures_agree, "")   # the common case, at once
        worst = "agree"
        for fa, fb in ((ka, kb), (wa, wb)):
            if fa is not None and fb is not None:
                relation = figures_relation(fa, fb, config.figures_far_ratio, config.figures_far_gap)
                if relation == "far":
                    worst = "far"
                    break
                if relation == "close":
                    worst = "close"
        return Component("figures", _figure_points(worst, a.is_period(config), config), "")
    pairs = [(name, fa, fb) for name, fa, fb in (("killed", ka, kb), ("wounded", wa, wb))
             if fa is not None and fb is not None]
    relations = [(name, fa, fb, figures_relation(fa, fb, config.figures_far_ratio, config.figures_far_gap))
                 for name, fa, fb in pairs]
    worst = max((r for *_x, r in relations), key=("agree", "close", "far").index)
    period = a.is_period(config)
    points = _figure_points(worst, period, config)
    texts = [(f"{name} {interval_text(*fa)} vs {interval_text(*fb)}", rel) for name, fa, fb, rel in relations]
    if worst == "agree":
        return Component("figures", points, "agree: " + ", ".join(t for t, _ in texts))
    if worst == "close" and not period:
        return Component("figures", points, "close: " + ", ".join(t for t, r in texts if r != "agree")
                         + " (a toll counted differently, not a contradiction)")
    why = "graded, not counted against: one scope, competing tallies" if period else \
        "graded; alone never enough to keep reports apart"
    return Component("figures", points, "differ: " + ", ".join(t for t, r in texts if r != "agree") + f" ({why})")


def _figure_points(worst: str, period: bool, config: Config) -> float:
    """The figures' points for the relation most against: period claims of one scope are one
    tally however much the figures differ (not counted against)."""
    w = config.weights
    if worst == "agree":
        return w.figures_agree
    return 0.0 if period else w.figures_close if worst == "close" else w.figures_differ


def _text(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool) -> Component | None:
    if not a.text or not b.text or a.origin_id == b.origin_id:
        return None
    # Below the cut-off rapidfuzz stops early and returns 0: the same None, at a fraction of the cost.
    similarity = fuzz.token_set_ratio(a.text, b.text, score_cutoff=config.text_similar_min * 100) / 100.0
    if similarity < config.text_similar_min:
        return None
    span = 1.0 - config.text_similar_min
    points = round(config.weights.text_similar * (similarity - config.text_similar_min) / span, 2)
    return Component("text", points, f"texts {similarity:.0%} alike" if explain else "")


def _evidence(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool) -> list[Component]:
    """The components besides place and quote: date, type, victims, target, actor, figures."""
    parts = [
        _date(a, b, config, explain),
        _kind(a, b, config, explain),
        _category("victims", victims_relation(a.victims_category, b.victims_category), a.victims_category,
                  b.victims_category, _VICTIM_POINTS, config, explain),
    ]
    figures = _figures(a, b, config, explain)
    for part in (_target(a, b, config, explain), _actor(a, b, config, explain), figures):
        if part is not None:
            parts.append(part)
    if a.origin_id == b.origin_id:   # rare: the figures are compared again only then
        differ = figures is not None and not (_agree(a.killed, b.killed) and _agree(a.wounded, b.wounded))
        again = _origin_again(a, b, config, explain, differ)
        if again is not None:
            parts.append(again)
    return parts


def _origin_again(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool,
                  differ: bool) -> Component | None:
    """One known origin giving another day: with figures that cannot both be true (``differ``)
    it reports two occasions, as a daily bulletin does, not one incident twice; with no such
    figures, more often two occasions than one repeated a day off. Not for unknown origins:
    "local residents" and "sources on the ground" are many voices."""
    if a.origin_id != b.origin_id or not (a.origin_known and b.origin_known) or a.precision != "day" \
            or b.precision != "day" or a.start == b.start:
        return None
    if differ:
        return Component("origin", config.weights.origin_other_occasion,
                         "one origin, another day and other figures: its report of another occasion" if explain else "")
    return Component("origin", config.weights.origin_other_day,
                     "one origin, another day: more often another occasion than one told twice" if explain else "")


def score_pair(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool = True,
               hints: "PlaceHints | None" = None) -> Score:
    """Score two claims; the order of ``a`` and ``b`` does not change the total.

    With ``explain`` False the components carry no notes: the same points, a third of the
    cost, for the many pairs nobody will read about. ``hints`` lets a claim without a place
    count the place it can only be (see :class:`PlaceHints`); without it, a missing place is
    simply unknown.
    """
    a, b, parts = _besides_quotes(a, b, config, explain, hints)
    text = _text(a, b, config, explain)
    return Score(a.id, b.id, parts if text is None else (*parts, text))


def _besides_quotes(a: ClaimFeatures, b: ClaimFeatures, config: Config, explain: bool,
                    hints: "PlaceHints | None") -> tuple[ClaimFeatures, ClaimFeatures, tuple[Component, ...]]:
    """The two claims in the order a score takes them (by fingerprint, so that the order given
    changes nothing), and every component but the quotes'."""
    if (a.fingerprint, a.id) > (b.fingerprint, b.id):
        a, b = b, a
    return a, b, (_place(a, b, config, explain, hints), *_evidence(a, b, config, explain))


def score_unless_idle(a: ClaimFeatures, b: ClaimFeatures, config: Config,
                      hints: "PlaceHints | None" = None) -> Score | None:
    """:func:`score_pair` without notes, for a run; None where the quotes could not change what a
    run keeps of the pair (:func:`quote_idle`): they are then not compared, the costliest
    component (rapidfuzz's token-set ratio) spared. The other components, and so the total of
    every pair returned, are those of :func:`score_pair`."""
    a, b, parts = _besides_quotes(a, b, config, False, hints)
    score = Score(a.id, b.id, parts)
    if quote_idle(score, config):
        return None
    text = _text(a, b, config, False)
    return score if text is None else score.plus(text)


def quote_idle(score: Score, config: Config) -> bool:
    """Whether the quotes' component (0 to ``text_similar`` points, last) added to ``score`` (the
    others) surely leaves the pair below both thresholds and held back by no component
    (:meth:`Score.held_back_by`: positive points change neither the component most against
    nor how many count against). Not where the quotes could count against (a negative weight)."""
    if config.weights.text_similar < 0:
        return False
    most = _most(config.weights.text_similar)   # (rounded to hundredths, as _text rounds its points)
    below = min(config.review_threshold, config.link_threshold) - _MARGIN
    if score.sum + most >= below:
        return False
    return score._holding_back(score.sum + most + _MARGIN, config) is None


class PlaceHints:
    """For a claim without a place: the place it can only be, if the data say so.

    A placed claim is a *compatible report* for a claim without a place when the blocker
    proposes the pair, nothing forbids the link, and the pair scores at least
    ``Config.place_inference_min`` with the place counted unknown and the quote left out
    (with the default weights: the same day, type and victims, and figures that agree or the
    same actor). When every compatible report names one and the same place, that place is
    the hint: "2 soldiers killed by shelling" with no place, on a day when the only such
    report is from Avdiivka. Where reports are dense (several towns shelled that day) there
    is no hint, and the claim stays apart or goes to review. A report a person decided is
    another incident (``decided_apart``, their unlinks) is no candidate. Hints are worked out
    from all claims on demand and memoised: one object per run.
    """

    def __init__(self, blocker: "Blocker", config: Config, decided_apart: set[tuple[int, int]] = frozenset()):
        self.blocker, self.config, self.decided_apart = blocker, config, decided_apart
        self._memo: dict[int, frozenset | None] = {}

    def of(self, claim: ClaimFeatures) -> frozenset | None:
        if claim.place_key is not None or claim.is_period(self.config):
            return None
        if claim.id not in self._memo:
            self._memo[claim.id] = self._hint(claim, frozenset())
        return self._memo[claim.id]

    def learned_since(self, count: int) -> list[tuple[int, frozenset | None]]:
        """The hints worked out after the first ``count`` (in the order they were): what a
        worker of a run's pool sends back, so that the run does not work them out again."""
        return list(self._memo.items())[count:]

    def learn(self, hints: list[tuple[int, frozenset | None]]) -> None:
        """Take hints worked out elsewhere (:meth:`learned_since`): a hint depends only on the
        claims and the settings, so it is the same in every process."""
        for claim_id, hint in hints:
            self._memo.setdefault(claim_id, hint)

    def __len__(self) -> int:
        return len(self._memo)

    def with_and_without(self, claim: ClaimFeatures,
                         ignored: set[int] | frozenset[int]) -> tuple[frozenset | None, frozenset | None]:
        """The hint (as :meth:`of` gives it, memoised) and the hint as it was before the
        ``ignored`` claims arrived (not memoised), from one pass over the claim's candidates."""
        if claim.place_key is not None or claim.is_period(self.config):
            return None, None
        if claim.id in self._memo:
            return self._memo[claim.id], self._hint(claim, ignored)
        hint, before = self._hints(claim, ignored)
        self._memo[claim.id] = hint
        return hint, before

    def _hint(self, claim: ClaimFeatures, ignored: set[int] | frozenset[int]) -> frozenset | None:
        common: frozenset | None = None
        for other in self._compatible(claim, ignored):
            common = _identity(other) if common is None else common & _identity(other)
            if not common:
                return None
        return common

    def _hints(self, claim: ClaimFeatures, ignored: set[int] | frozenset[int]) -> tuple[frozenset | None, ...]:
        """(the hint, the hint without the ``ignored`` claims): :meth:`_hint` twice, in one pass."""
        hint = before = None
        open_hint = open_before = True   # not yet ruled out: two compatible reports of no common place
        for other in self._compatible(claim, ()):
            identity = _identity(other)
            if open_hint:
                hint = identity if hint is None else hint & identity
                open_hint = bool(hint)
            if open_before and other.id not in ignored:
                before = identity if before is None else before & identity
                open_before = bool(before)
            if not (open_hint or open_before):
                break
        return (hint if open_hint else None), (before if open_before else None)

    def _compatible(self, claim: ClaimFeatures, ignored: set[int] | frozenset[int] | tuple) -> Iterator[ClaimFeatures]:
        """The compatible reports for a claim without a place (the class's docstring), but the
        ``ignored`` claims."""
        config = self.config
        for other in self.blocker.candidates(claim):
            if other.place_key is None or other.id in ignored \
                    or (claim.region is not None and other.region is not None and claim.region != other.region) \
                    or cannot_link(claim, other, config) \
                    or (min(claim.id, other.id), max(claim.id, other.id)) in self.decided_apart:
                continue
            points = config.weights.place_unknown + sum(c.points for c in _evidence(claim, other, config, False))
            if points >= config.place_inference_min:
                yield other


def _identity(claim: ClaimFeatures) -> frozenset:
    """What a claim's place could be: its gazetteer candidates, or the name of a place the
    gazetteer does not know."""
    return frozenset(claim.candidates) if claim.candidates else frozenset((claim.place_key,))


def corroboration_gaps(a: ClaimFeatures, b: ClaimFeatures, config: Config) -> tuple[str, ...]:
    """What keeps two claims from corroborating each other, or () when they do.

    Corroboration is stricter than linking: linking two reports a day apart at neighbouring
    villages may be the best guess, but it is no confirmation. Two claims corroborate each other
    when they are strong on their own: the same place (or in or beside it:
    ``Config.corroborate_km``), not one of several places a list names, or, for an event no
    claim places, no place at all; dates that agree (``Config.corroborate_dates``: by default the same day, or the same interval); no
    kind of incident, victims or target that differ; figures not far apart."""
    gaps = []
    if a.is_period(config) and b.is_period(config):
        pass   # a tally's scope is the conflict: it places nothing
    elif (a.place_key is None) != (b.place_key is None):
        gaps.append("only one says where")
    elif a.place_key is not None:
        where = place_relation(a, b, config)
        beside = where.relation == "beside" and where.gap <= config.corroborate_km
        if where.relation not in ("same", "same name") and not beside:
            gaps.append(f"places {where.km:.1f} km apart" if where.km is not None else "differently named places")
        elif (a.listed or b.listed) and not (a.listed and b.listed and a.names == b.names):
            gaps.append("one names a list of places")
    gap = max(a.start - b.end, b.start - a.end, 0)
    shared = min(a.end, b.end) - max(a.start, b.start) + 1
    spanned = max(a.end, b.end) - min(a.start, b.start) + 1
    if gap:
        gaps.append(f"dates {gap} day{'s' if gap > 1 else ''} apart")
    elif shared / spanned < config.corroborate_dates:
        gaps.append(f"dates only overlap ({shared} of {spanned} days)")
    if types_relation(a.type_category, b.type_category) in ("related", "different"):
        gaps.append(f"kinds differ ({a.type_category} vs {b.type_category})")
    if victims_relation(a.victims_category, b.victims_category) == "different":
        gaps.append(f"victims differ ({a.victims_category} vs {b.victims_category})")
    if targets_relation(a.target_categories, b.target_categories) == "different":
        gaps.append("what was hit differs")
    for name, fa, fb in (("killed", a.killed, b.killed), ("wounded", a.wounded, b.wounded)):
        if fa is not None and fb is not None and \
                figures_relation(fa, fb, config.figures_far_ratio, config.figures_far_gap) == "far":
            gaps.append(f"{name} far apart ({interval_text(*fa)} vs {interval_text(*fb)})")
    return tuple(gaps)


def _unlocated(claim: ClaimFeatures) -> bool:
    """A named place the gazetteer does not know, in a region a claim names."""
    return claim.place_key is not None and not claim.candidates and claim.region is not None


def _regions_differ(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Where one claim has no place: whether each names a region and not the same one (the
    place then counts ``place_differs``)."""
    return a.region is not None and b.region is not None and a.region != b.region


def out_of_reach(a: ClaimFeatures, b: ClaimFeatures, config: Config) -> bool:
    """Whether two claims' score surely stays below both thresholds, whatever else they say:
    one has no place, their regions differ (``place_differs``, which under ``config`` no other
    component can make up for: :func:`_region_decides`), and neither is about a period. Such
    pairs are most of what a placeless claim's blocks propose at a million claims; a run counts
    them without scoring them (scoring.score_candidate). Held back they cannot be: that needs
    both places."""
    return ((a.place_key is None or b.place_key is None) and _regions_differ(a, b)
            and not a.is_period(config) and not b.is_period(config) and _region_decides(config))


# A bound's margin against the rounding of a total (Score rounds it to three decimals).
_MARGIN = 0.001


@lru_cache(maxsize=16)
def _region_decides(config: Config) -> bool:
    """Whether ``place_differs`` and the most every other component can give a pair of claims not
    about a period stay below both thresholds (no bound where a weight multiplied by days apart
    is positive)."""
    w = config.weights
    if w.date_far > 0 or w.date_two_days > 0:
        return False
    kinds = (w.type_same, w.type_compatible, w.type_related, w.type_differs)
    most = (_most(w.date_same, w.date_near, w.date_two_days, w.date_overlap, w.date_crossing)
            + _most(*kinds, *(k * config.text_kind_weight for k in kinds))
            + _most(w.victims_same, w.victims_compatible, w.victims_differs)
            + _most(w.target_same, w.target_differs) + _most(w.actor_same)
            + _most(w.figures_agree, w.figures_close, w.figures_differ)
            + _most(w.origin_other_occasion, w.origin_other_day) + _most(w.text_similar))
    return w.place_differs + most < min(config.review_threshold, config.link_threshold) - _MARGIN


def _most(*points: float) -> float:
    """The most a component of these weights can give, none counted below 0: some components
    round their points to hundredths (the quotes, a kind read from the quote, overlapping
    dates), which may lift a weight by up to 0.005, more than _MARGIN."""
    return max(0.0, *points, *(round(p, 2) for p in points))


def cannot_link(a: ClaimFeatures, b: ClaimFeatures, config: Config) -> str | None:
    """A reason why two claims can never be one event, or None."""
    if a.report_id is not None and a.report_id == b.report_id and a.origin_id == b.origin_id:
        return "same origin in the same report: listed as distinct incidents"
    if a.is_period(config) != b.is_period(config):
        return "a claim about a period never joins a claim about a single incident"
    return None


@lru_cache(maxsize=4096)
def _kind_blocks(prefix: str, kind: str | None, victims: str | None, query: bool) -> tuple[tuple, ...]:
    """The kind blocks of a claim (``prefix`` and the kind): type and victims together when both
    are known (smaller blocks for placeless claims). A specific kind is filed under its own block
    and under its family's ("all", the most generic kind above it), and looks in its own and in
    the block of the family's generic word; a generic kind looks in the family's "all" block: so
    "shelling" meets "mortar fire" and "an explosion" a mine blast, which agree, while two
    specific kinds (mortar and rocket fire) meet no more reports than they did. Worked out once
    per kind and victims (a few dozen), not once a claim."""
    tail = (victims,) if victims else ()
    if not kind:
        kinds = [tail] if tail else []
    else:
        family = kind_family(kind)
        if family == kind:
            kinds = [(kind, *tail), ("all", family, *tail)] if query else [(kind, *tail)]
        else:
            kinds = [(kind, *tail), (family, *tail)] if query else [(kind, *tail), ("all", family, *tail)]
    return tuple((prefix, k) for k in kinds)


class OutsideWindow(Exception):
    """A run that loaded the claims of a window of dates reached claims whose candidates could
    lie outside it, or needs claims the window left out (``claim_ids``, ascending; ``claim_id``
    the first): the run takes a window that holds them all, or loads every claim, and starts
    matching again (runs._widened)."""

    def __init__(self, *claim_ids: int):
        if not claim_ids:
            raise TypeError("OutsideWindow needs the claims reached beyond the window")
        super().__init__(*claim_ids)
        self.claim_ids = tuple(sorted(set(claim_ids)))
        self.claim_id = self.claim_ids[0]


class Blocker:
    """Index of claims by place and date, proposing candidate pairs without all-pairs work.

    Blocks: each gazetteer place a claim's place could be (queried with the places near them
    too, ``Config.place_neighbour_km``); a four-letter prefix of free-text place keys and the
    names as written and the region (for places the gazetteer does not know: they meet the
    located reports of their region); and, for claims with no place, the kind of incident
    (its type and its victims): a claim with no place is compared with claims of the same kind
    in the date window, placed or not. Claims with places never meet through a kind block, so
    those blocks cost only in proportion to the claims that lack a place. Period claims are
    blocked only with period claims of the same victims.

    The places near a claim's own are met one of two ways, with the same candidates: a claim is
    filed under every place near its own ("near" blocks), so that each query is one look-up per
    place it could be; or, with ``few_queries`` (an incremental run asks for the candidates of
    a few claims among many), it is filed under its own places only and a query looks up the
    places near its own too, which spares filing every claim a dozen times over. ``near`` is
    symmetric, so either way two claims meet when a place one could be lies near a place the
    other could be.
    """

    def __init__(self, claims: Iterable[ClaimFeatures], config: Config, few_queries: bool = False,
                 bounds: tuple[int, int] | None = None):
        self.config = config
        self.few_queries = few_queries
        # The claims given are those of a window of dates (first and last day as ordinals): every
        # claim whose dates meet it, and no other. A query whose candidates could lie outside it
        # raises OutsideWindow instead of answering from part of them (reconciler.runs).
        self.bounds = bounds
        claims = list(claims)
        # Regions where a named place the gazetteer does not know is reported: there, it meets
        # the located reports of its region ("IL-76 crash site", Luhansk oblast, and Luhansk).
        self._unlocated = frozenset(c.region for c in claims if _unlocated(c) and not c.is_period(config))
        # The names of places the gazetteer does not know: located claims are filed under theirs
        # only where such a claim could look for them.
        self._unlocated_names = frozenset(n for c in claims if c.place_key is not None and not c.candidates
                                          for n in c.names)
        blocks: dict[tuple, list[ClaimFeatures]] = defaultdict(list)
        # Filed in date order, so that every block is sorted as it is built (one sort, not one a block).
        for claim in sorted(claims, key=lambda c: (c.start, c.id)):
            for key in self.member_keys(claim):
                blocks[key].append(claim)
        self.blocks: dict[tuple, tuple[list[int], list[ClaimFeatures]]] = {
            key: ([c.start for c in members], members) for key, members in blocks.items()}

    def member_keys(self, claim: ClaimFeatures) -> list[tuple]:
        """The blocks a claim is filed under."""
        if claim.is_period(self.config):
            return [("period", claim.victims_category)]
        kind, victims = claim.type_category, claim.victims_category
        if claim.place_key is None:
            return list(_kind_blocks("kind", kind, victims, False))
        keys = [*self._place_keys(claim), *_kind_blocks("placed-kind", kind, victims, False)]
        if not self.few_queries:
            # Filed under every place near its own, so that a claim finds the reports of its
            # neighbourhood with one look-up per place it could be ("near", below).
            keys.extend(("near", g) for g in claim.near)
        if claim.candidates:
            unlocated = claim.names & self._unlocated_names   # mostly none: one C call, no generator
            if unlocated:
                keys.extend(("gname", n) for n in unlocated)
            if claim.region in self._unlocated:
                keys.append(("region", claim.region))
        else:
            keys.append(("text", claim.place_key[:4]))
            keys.extend(("name", n) for n in claim.names)
            if claim.region is not None:
                keys.append(("unlocated", claim.region))
        return keys

    def query_keys(self, claim: ClaimFeatures) -> list[tuple]:
        """The blocks searched for a claim's candidates (symmetric with :meth:`member_keys`):
        its places and the places near them, the kind of incident for claims without a place,
        and its names as written, so that a place the gazetteer does not know meets the reports
        that name it alike."""
        if claim.is_period(self.config):
            return [("period", claim.victims_category)]
        kind, victims = claim.type_category, claim.victims_category
        if claim.place_key is None:
            return [*_kind_blocks("kind", kind, victims, True), *_kind_blocks("placed-kind", kind, victims, True)]
        near = (("place", g) for g in claim.near) if self.few_queries else (("near", g) for g in claim.candidates)
        keys = [*self._place_keys(claim), *near, *_kind_blocks("kind", kind, victims, True)]
        keys.extend(("name", n) for n in claim.names if n in self._unlocated_names)
        if not claim.candidates:
            keys.append(("text", claim.place_key[:4]))
            keys.extend(("gname", n) for n in claim.names)
            if claim.region is not None:
                keys.append(("region", claim.region))
        elif claim.region in self._unlocated:
            keys.append(("unlocated", claim.region))
        return keys

    @staticmethod
    def _place_keys(claim: ClaimFeatures) -> list[tuple]:
        if claim.candidates:
            return [("place", g) for g in claim.candidates]
        return [("place", claim.place_key)]

    def _dates_fit(self, a: ClaimFeatures, b: ClaimFeatures, period: bool) -> bool:
        """Incident claims: the intervals, each widened by the tolerance on either side, overlap
        (so with one day, claims up to two days apart: each a day off the incident's date).
        Period claims: starts within the tolerance, ends within the period end tolerance."""
        tol = self.config.date_tolerance_days
        if period:
            return abs(a.start - b.start) <= tol and abs(a.end - b.end) <= self.config.period_end_tolerance_days
        return b.start <= a.end + 2 * tol and b.end >= a.start - 2 * tol

    def proposes(self, a: ClaimFeatures, b: ClaimFeatures) -> bool:
        """Whether :meth:`candidates` of ``a`` yields ``b`` (without scanning the blocks)."""
        period = a.is_period(self.config)
        if period != b.is_period(self.config):
            return False
        if not set(self.query_keys(a)) & set(self.member_keys(b)):
            return False
        return self._dates_fit(a, b, period)

    def within(self, claim: ClaimFeatures) -> bool:
        """Whether every claim whose dates could match ``claim``'s is among those given: always,
        but for a blocker of a window of dates (``bounds``), whose claims are those that meet it.
        An incident claim meets the claims that meet its dates widened by twice the tolerance
        (:meth:`_dates_fit`); a period claim those that start within the tolerance of its start."""
        if self.bounds is None:
            return True
        tol = self.config.date_tolerance_days
        if claim.is_period(self.config):
            first, last = claim.start - tol, claim.start + tol
        else:
            first, last = claim.start - 2 * tol, claim.end + 2 * tol
        return self.bounds[0] <= first and last <= self.bounds[1]

    def candidates(self, claim: ClaimFeatures, placeless: bool = False) -> Iterator[ClaimFeatures]:
        """Claims that share a block with ``claim`` and whose dates could match; each once. With
        ``placeless``, only the claims without a place among them (the kind blocks alone).
        Raises OutsideWindow where some could lie outside the blocker's window (:meth:`within`)."""
        if not self.within(claim):
            raise OutsideWindow(claim.id)
        config, seen = self.config, {claim.id}
        tol = config.date_tolerance_days
        period = claim.is_period(config)
        blocks = self.blocks
        keys = self.query_keys(claim)
        # The window of _dates_fit, inlined: this loop meets every member of every block.
        earliest, latest = claim.start - 2 * tol, claim.end + 2 * tol
        for key in ([k for k in keys if k[0] == "kind"] if placeless else keys):
            starts, members = blocks.get(key, ((), ()))
            if period:
                lo, hi = bisect_left(starts, claim.start - tol), bisect_right(starts, claim.start + tol)
                for other in members[lo:hi]:
                    if other.id not in seen and self._dates_fit(claim, other, True):
                        seen.add(other.id)
                        yield other
                continue
            lo = bisect_left(starts, claim.start - config.period_days - 2 * tol)
            hi = bisect_right(starts, latest)
            for other in members[lo:hi]:
                if other.end >= earliest and other.id not in seen:
                    seen.add(other.id)
                    yield other
