"""The verification policy: a small rule table, read top to bottom, first match wins.

| # | grade                  | when                                                                 |
|---|------------------------|----------------------------------------------------------------------|
| 1 | contested              | a known origin denies what another known origin asserts              |
| 2 | contested              | known origins name different actors as responsible                   |
| 3 | contested              | known origins give figures for the same victims far apart (Config.figures_far_*) |
| 4 | independently_verified | ≥ 2 distinct known origins assert it and corroborate each other: a pair of their claims is strong on its own (one place, overlapping dates, nothing that differs); with require_neutral, one of the two has no side |
| 5 | unverified             | ≥ 2 known origins assert it, but no pair of their claims corroborates: likely one incident, not confirmed |
| 6 | unverified             | anything else: one origin however often relayed, unknown or unregistered sources |

Drafts (claims drafted from a report's text) a person has not accepted, and drafts a person
rejected, are not counted by any rule: the event is graded as if they were absent, and the
reason says how many were left out. An accepted draft is a claim like any other.

Figures close together (2 and 3 killed) are a toll counted differently, not a contest: the
event shows their range and the reason says who counted what.

An origin is *known* when the claim's source and every source up its parent chain are
registered and the root is not of kind "unknown". Relays never add an origin. When the
event has a place, an origin whose claims in it never say where (or give coordinates)
does not count toward rule 4: it corroborates that something happened, not that it
happened there. It still counts for rules 1-3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .config import Config
from .figures import figures_relation, interval_text, intervals_overlap
from .sources import OriginInfo
from .vocabulary import same_actor

VERIFIED, UNVERIFIED, CONTESTED = "independently_verified", "unverified", "contested"


@dataclass(frozen=True)
class GradedClaim:
    """What grading needs of one claim in the event."""

    claim_id: int
    source_name: str
    origin: OriginInfo
    stance: str
    actor_key: str | None
    victims: str | None
    killed: tuple[int, int | None] | None
    wounded: tuple[int, int | None] | None
    relays: tuple[str, ...] = ()
    note: str | None = None   # a reporter's note on verification ("could not be independently verified")
    placed: bool = True       # the claim says where (a place or coordinates that resolved)
    actor_text: str | None = None   # who did it, as written (the reason quotes it; rules compare actor_key)
    cited: bool = False       # an outlet a dataset cites, not whom it quoted (its origin counts as unknown)
    draft: str | None = None        # 'draft' (not yet accepted) or 'rejected': never counted


@dataclass
class Facts:
    """The event's claims reduced to what the rules look at."""

    claims: list[GradedClaim]
    asserting: dict[str, OriginInfo] = field(default_factory=dict)   # known origin name -> info
    denying: dict[str, OriginInfo] = field(default_factory=dict)
    actors: dict[str, set[str]] = field(default_factory=dict)        # known origin -> actor keys
    actor_words: dict[tuple[str, str], str] = field(default_factory=dict)  # (origin, actor key) -> as written
    figures: dict[tuple[str, str | None], dict[str, tuple[int, int | None]]] = field(default_factory=dict)
    not_counted: set[str] = field(default_factory=set)               # sources with no known origin
    outlets: set[str] = field(default_factory=set)                   # outlets a dataset cites (GradedClaim.cited)
    drafts: dict[str, int] = field(default_factory=dict)             # 'draft' / 'rejected' -> claims left out
    nowhere: set[str] = field(default_factory=set)   # asserting origins that never say where a placed event was
    # Per pair of asserting known origins, what keeps their closest pair of claims from
    # corroborating each other (the fewest gaps found); () when one pair does.
    corroboration: dict[frozenset[str], tuple[str, ...]] = field(default_factory=dict)
    _corroborating: dict[str, OriginInfo] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, claims: list[GradedClaim],
           corroboration: dict[frozenset[str], tuple[str, ...]] | None = None) -> "Facts":
        facts = cls([c for c in claims if c.draft is None], corroboration=dict(corroboration or {}))
        for c in claims:
            if c.draft is not None:
                facts.drafts[c.draft] = facts.drafts.get(c.draft, 0) + 1
        claims = facts.claims
        placed_event = any(c.placed for c in claims if c.stance != "denies")
        for c in claims:
            if c.cited:
                facts.outlets.add(c.source_name)
                continue
            if not c.origin.known:
                facts.not_counted.add(c.source_name)
                continue
            name = c.origin.origin_name
            (facts.denying if c.stance == "denies" else facts.asserting)[name] = c.origin
            if c.stance == "denies":
                continue
            if c.actor_key:
                facts.actors.setdefault(name, set()).add(c.actor_key)
                if c.actor_text:
                    # Of several wordings, the alphabetically first: the same reason in any row order.
                    words = facts.actor_words.get((name, c.actor_key))
                    facts.actor_words[(name, c.actor_key)] = c.actor_text if words is None else min(words, c.actor_text)
            for label, figure in (("killed", c.killed), ("wounded", c.wounded)):
                if figure is None:
                    continue
                per_origin = facts.figures.setdefault((label, c.victims), {})
                low, high = per_origin.get(name, figure)
                # One origin's several figures (updates) span one interval.
                high = None if high is None or figure[1] is None else max(high, figure[1])
                per_origin[name] = (min(low, figure[0]), high)
        if placed_event:
            placed_origins = {c.origin.origin_name for c in claims if c.origin.known and c.placed and c.stance != "denies"}
            facts.nowhere = set(facts.asserting) - placed_origins
        return facts

    @property
    def corroborating(self) -> dict[str, OriginInfo]:
        """The asserting known origins that count for corroboration (all but the ``nowhere``)."""
        if self._corroborating is None:
            self._corroborating = {name: info for name, info in self.asserting.items() if name not in self.nowhere}
        return self._corroborating


def _names(names) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _denial(facts: Facts, config: Config) -> str | None:
    for denier in sorted(facts.denying):
        others = sorted(set(facts.asserting) - {denier})
        if others:
            return f"{denier} denies what {_names(others)} assert{'s' if len(others) == 1 else ''}"
    return None


def _actors(facts: Facts, config: Config) -> str | None:
    origins = sorted(facts.actors)
    for i, a in enumerate(origins):
        for b in origins[i + 1:]:
            for actor_a in sorted(facts.actors[a]):
                for actor_b in sorted(facts.actors[b]):
                    if not same_actor(actor_a, actor_b):
                        said_a = facts.actor_words.get((a, actor_a), actor_a)
                        said_b = facts.actor_words.get((b, actor_b), actor_b)
                        return f'{a} blames "{said_a}", {b} blames "{said_b}"'
    return None


def _figures(facts: Facts, config: Config) -> str | None:
    for (label, victims), per_origin in sorted(facts.figures.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        origins = sorted(per_origin)
        for i, a in enumerate(origins):
            for b in origins[i + 1:]:
                fa, fb = per_origin[a], per_origin[b]
                if figures_relation(fa, fb, config.figures_far_ratio, config.figures_far_gap) == "far":
                    who = f" {victims}" if victims else ""
                    return f"figures far apart: {a} {label}{who} {interval_text(*fa)}, {b} {interval_text(*fb)}"
    return None


def _joined(facts: Facts, config: Config) -> list[tuple[str, str]]:
    """Pairs of origins that count here and corroborate each other (with require_neutral, one
    of the two has no side)."""
    corroborating = facts.corroborating
    names = sorted(corroborating)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if facts.corroboration.get(frozenset((a, b))) == ()
            and (not config.require_neutral or corroborating[a].side is None or corroborating[b].side is None)]


def _corroborated(facts: Facts, config: Config) -> str | None:
    joined = _joined(facts, config)
    if not joined:
        return None
    names = sorted({n for pair in joined for n in pair})
    reason = f"asserted by {_names(names)}, independent origins, corroborating each other"
    others = sorted(set(facts.corroborating) - set(names))
    if others:
        reason += f"; also asserted by {_names(others)} (no report of {'its' if len(others) == 1 else 'theirs'} " \
                  "corroborates)"
    return reason + _nowhere_note(facts)


def _linked_only(facts: Facts, config: Config) -> str | None:
    """Two or more origins, linked into one event, but no pair of their claims corroborates."""
    corroborating = facts.corroborating
    if len(corroborating) < 2:
        return None
    if config.require_neutral and not any(o.side is None for o in corroborating.values()):
        return None
    names = sorted(corroborating)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    shown = []
    for a, b in pairs[:3]:
        gaps = facts.corroboration.get(frozenset((a, b)))
        shown.append(f"{a} and {b}: " + (", ".join(gaps) if gaps else "no pair of their reports compared"))
    return ("likely one incident, but no two origins' reports corroborate each other (" + "; ".join(shown)
            + ("; …" if len(pairs) > 3 else "") + ")" + _nowhere_note(facts))


def _nowhere_note(facts: Facts) -> str:
    if not facts.nowhere:
        return ""
    return (f"; not counted for the place: {_names(facts.nowhere)} (no claim of "
            f"{'its' if len(facts.nowhere) == 1 else 'theirs'} says where)")


def _fallback(facts: Facts, config: Config) -> str:
    known = sorted(facts.corroborating)
    if len(known) >= 2:
        return (f"asserted by {_names(known)}, but every one is a party to the conflict "
                "and a neutral origin is required")
    if known:
        reason = f"rests on one origin ({known[0]})"
        relays = sorted({r for c in facts.claims for r in c.relays})
        if relays:
            reason += f", relayed by {_names(relays)}"
        reason += _nowhere_note(facts)
    elif facts.nowhere:
        reason = f"no known origin says where; asserted without a place by {_names(facts.nowhere)}"
    elif facts.denying:
        reason = f"only denied ({_names(facts.denying)}), asserted by no known origin"
    else:
        reason = "no known origin asserts it"
    if facts.not_counted:
        reason += f"; not counted (no known origin): {_names(facts.not_counted)}"
    if facts.outlets:
        reason += f"; not counted (outlets a dataset cites, whose source is not named): {_names(facts.outlets)}"
    notes = sorted({c.note for c in facts.claims if c.note})
    for note in notes[:2]:
        reason += f'; reporter\'s note: "{note if len(note) <= 160 else note[:157] + "..."}"'
    return reason


@dataclass(frozen=True)
class Rule:
    grade: str
    name: str
    test: Callable[[Facts, Config], str | None]


RULES: tuple[Rule, ...] = (
    Rule(CONTESTED, "denial", _denial),
    Rule(CONTESTED, "actors", _actors),
    Rule(CONTESTED, "figures", _figures),
    Rule(VERIFIED, "corroborated", _corroborated),
    Rule(UNVERIFIED, "linked, not corroborated", _linked_only),
)


@dataclass(frozen=True)
class Grade:
    status: str
    rule: str
    reason: str


def grade_event(claims: list[GradedClaim], config: Config,
                corroboration: dict[frozenset[str], tuple[str, ...]] | None = None) -> Grade:
    """Apply the rule table to an event's claims. ``corroboration``: per pair of asserting known
    origins, what keeps their closest pair of claims from corroborating each other, () when one
    pair does (see ``matching.corroboration_gaps``)."""
    facts = Facts.of(claims, corroboration)
    for rule in RULES:
        why = rule.test(facts, config)
        if why is not None:
            return Grade(rule.grade, rule.name, why + _figures_note(facts, rule) + _drafts_note(facts))
    return Grade(UNVERIFIED, "default", _fallback(facts, config) + _drafts_note(facts))


def _drafts_note(facts: Facts) -> str:
    """The drafts the grade leaves out: "; 2 draft claims not yet accepted, not counted"."""
    notes = []
    for state, words in (("draft", "not yet accepted"), ("rejected", "rejected")):
        n = facts.drafts.get(state, 0)
        if n:
            notes.append(f"{n} draft claim{'s' if n != 1 else ''} {words}, not counted")
    return "".join(f"; {note}" for note in notes)


def _figures_note(facts: Facts, rule: Rule) -> str:
    """The figures of a corroborated or unconfirmed event: agreeing ones, or the range of a toll
    counted differently ("killed 2–3: AOAV 2, Unified news feed 3")."""
    if rule.name not in ("corroborated", "linked, not corroborated") or not facts.figures:
        return ""
    agree, ranges = [], []
    for (label, victims), per_origin in sorted(facts.figures.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        values = sorted({interval_text(*v) for v in per_origin.values()})
        if len(values) == 1 or all(intervals_overlap(x, y) for x in per_origin.values() for y in per_origin.values()):
            agree.append(f"{label} {' / '.join(values)}")
            continue
        low = min(v[0] for v in per_origin.values())
        high = None if any(v[1] is None for v in per_origin.values()) else max(v[1] for v in per_origin.values())
        counted = ", ".join(f"{o} {interval_text(*v)}" for o, v in sorted(per_origin.items()))
        ranges.append(f"{label} {interval_text(low, high)}: {counted}")
    note = ("; figures agree: " + ", ".join(agree)) if agree else ""
    if ranges:
        note += "; figures counted differently (a range, not a contradiction): " + "; ".join(ranges)
    return note


@dataclass(frozen=True)
class Tally:
    """low ≤ best ≤ high for killed or wounded across an event's asserting claims."""

    low: int | None
    best: int | None
    high: int | None


def tally(figures: list[tuple[int, int | None]]) -> Tally:
    """Combine the figures the event's claims assert.

    low is the smallest lower bound, high the largest upper bound (None when any claim is
    open-ended, "more than 40"). best is conservative, as ACLED codes fatalities: the
    smallest figure any claim commits to (the smallest non-zero lower bound; an "up to 5"
    commits to nothing), or None when no claim commits to one.
    """
    if not figures:
        return Tally(None, None, None)
    low = min(f[0] for f in figures)
    high = None if any(f[1] is None for f in figures) else max(f[1] for f in figures)
    committed = [f[0] for f in figures if f[0] > 0 or f[1] == 0]
    best = min(committed) if committed else None
    return Tally(low, best, high)
