"""Expected grades: the rule table of ``reconciler.grading`` applied to an incident's true claims.

Written apart from the library on purpose, from the rule table in its docstring, so that a
grading bug shows up as a disagreement. Only known origins count: a source whose parent chain
is registered and whose root is not of kind "unknown"; unregistered channels never count.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from itertools import combinations


from reconciler.config import Config
from reconciler.dates import parse_event_date
from reconciler.figures import parse_figure
from reconciler.sources import name_key
from reconciler.vocabulary import (actor_key, event_type_category, same_actor, target_categories, types_relation,
                                   victims_category)

try:
    from .world import ACTOR_SIDE, SOURCES
except ImportError:   # run as a script from bench/, not as the bench package
    from world import ACTOR_SIDE, SOURCES

VERIFIED, UNVERIFIED, CONTESTED = "independently_verified", "unverified", "contested"


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    table = {}
    for s in SOURCES:
        for n in [s["name"], *s.get("aliases", [])]:
            table[name_key(n)] = s["name"]
    return table


def canonical(name: str) -> str:
    return _alias_table().get(name_key(name), name_key(name))


@lru_cache(maxsize=1)
def _origin_table() -> dict[str, tuple[str, bool, str | None]]:
    """Registered source name -> (root origin name, known, side)."""
    by_name = {s["name"]: s for s in SOURCES}
    table = {}
    for s in SOURCES:
        root = s
        while root.get("parent"):
            root = by_name[root["parent"]]
        table[s["name"]] = (root["name"], root["kind"] != "unknown", root.get("side"))
    return table


def origin_of(source: str) -> str | None:
    """The known origin of a source as written, or None (unregistered, or of unknown kind)."""
    canonical = _alias_table().get(name_key(source))
    if canonical is None:
        return None
    root, known, _side = _origin_table()[canonical]
    return root if known else None


def expected_grade(claims: list[dict], strict: bool = False) -> str:
    """The grade the rule table in reconciler.grading gives an incident with these claims.

    With ``strict``, actors differ when the library's comparison (``same_actor``) says so (what
    it can see); otherwise when they mean different parties (the truth).
    """
    asserting, denying, placed_origins = set(), set(), set()
    actors: dict[str, set[str]] = {}
    figures: dict[tuple, dict[str, tuple[int, int | None]]] = {}
    for c in claims:
        origin = origin_of(c["source"])
        if origin is None:
            continue
        if c.get("stance", "asserts") == "denies":
            denying.add(origin)
            continue
        asserting.add(origin)
        if _says_where(c):
            placed_origins.add(origin)
        if c.get("actor") and actor_key(c["actor"]):
            actors.setdefault(origin, set()).add(actor_key(c["actor"]) if strict else ACTOR_SIDE[c["actor"]])
        for label in ("killed", "wounded"):
            fig = parse_figure(c.get(label))
            if fig is None:
                continue
            per_origin = figures.setdefault((label, victims_category(c.get("victims"))), {})
            low, high = per_origin.get(origin, (fig.low, fig.high))
            high = None if high is None or fig.high is None else max(high, fig.high)
            per_origin[origin] = (min(low, fig.low), high)
    if any(asserting - {d} for d in denying):
        return CONTESTED
    for a, b in combinations(sorted(actors), 2):
        for x in actors[a]:
            for y in actors[b]:
                if (not same_actor(x, y)) if strict else (x != y):
                    return CONTESTED
    for per_origin in figures.values():
        for (a, fa), (b, fb) in combinations(sorted(per_origin.items()), 2):
            if _far_apart(fa, fb):
                return CONTESTED
    # When the incident has a place, an origin that never says where does not corroborate it.
    placed = any(_says_where(c) for c in claims if c.get("stance", "asserts") != "denies")
    if placed:
        asserting &= placed_origins
    # Two origins corroborate each other only through a pair of their claims that agree on
    # their own: both say where (the incident's one place) or neither, the same dates as stated,
    # no kind, victims or target that differ, figures not far apart.
    by_origin: dict[str, list[dict]] = {}
    for c in claims:
        origin = origin_of(c["source"])
        if origin in asserting and c.get("stance", "asserts") != "denies":
            by_origin.setdefault(origin, []).append(c)
    for a, b in combinations(sorted(by_origin), 2):
        if any(_corroborate(x, y) for x in by_origin[a] for y in by_origin[b]):
            return VERIFIED
    return UNVERIFIED


_FAR = Config()


def _far_apart(fa: tuple[int, int | None], fb: tuple[int, int | None]) -> bool:
    """Figures that cannot both be true and lie far apart: the larger more than twice the smaller
    and more than 2 above it, or none against some (a toll counted differently is no contest)."""
    if fa[1] is not None and fb[0] > fa[1]:
        small, large = fa[1], fb[0]
    elif fb[1] is not None and fa[0] > fb[1]:
        small, large = fb[1], fa[0]
    else:
        return False
    return small == 0 or (large > _FAR.figures_far_ratio * small and large - small > _FAR.figures_far_gap)


def _corroborate(x: dict, y: dict) -> bool:
    if _says_where(x) != _says_where(y):
        return False
    if parse_event_date(x["date"]) != parse_event_date(y["date"]):
        return False
    if types_relation(event_type_category(x.get("type")), event_type_category(y.get("type"))) in (
            "related", "different"):
        return False
    vx, vy = victims_category(x.get("victims")), victims_category(y.get("victims"))
    if vx and vy and vx != vy and "people" not in (vx, vy):
        return False
    tx, ty = target_categories(x.get("target")), target_categories(y.get("target"))
    if tx and ty and not set(tx.split(",")) & set(ty.split(",")):
        return False
    for label in ("killed", "wounded"):
        fx, fy = parse_figure(x.get(label)), parse_figure(y.get(label))
        if fx is not None and fy is not None and _far_apart((fx.low, fx.high), (fy.low, fy.high)):
            return False
    return True


def _says_where(claim: dict) -> bool:
    """A place or coordinates, on a claim about one incident (a tally over a period places nothing)."""
    start, _, end = str(claim.get("date", "")).partition("/")
    if end and (date.fromisoformat(end[:10]) - date.fromisoformat(start[:10])).days + 1 > 7:
        return False
    return bool(claim.get("place")) or ("lat" in claim and "lon" in claim)


def incident_grades(claims: list[dict], claim_incident: dict[str, str], strict: bool = False) -> dict[str, str]:
    """Expected grade of every incident that has at least one of ``claims``."""
    by_incident: dict[str, list[dict]] = {}
    for c in claims:
        by_incident.setdefault(claim_incident[c["ref"]], []).append(c)
    return {i: expected_grade(cs, strict) for i, cs in by_incident.items()}
