"""Grouping scored pairs into events: constrained average-linkage clustering.

Plain connected components would chain weak links (A~B, B~C, so A, C and everything
C touches become one giant event). Average linkage cannot: two groups merge only when the
*average* score over every pair between them reaches the link threshold, with pairs that
were never proposed counted at ``MISSING_PAIR`` points. Cannot-link constraints (same origin
in one report, a person's "unlink") forbid a merge outright; must-links (a person's "link")
are merged first.

Deterministic: nodes and ties are ordered by claim fingerprint (content), never by id or
import order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MISSING_PAIR = -10.0


@dataclass
class Problem:
    """One connected group of claims to cluster."""

    nodes: list[int]                                     # claim ids
    order: dict[int, str]                                # claim id -> sort key (fingerprint)
    scores: dict[tuple[int, int], float] = field(default_factory=dict)  # (low id, high id) -> score
    cannot: set[tuple[int, int]] = field(default_factory=set)
    must: set[tuple[int, int]] = field(default_factory=set)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def average_linkage(problem: Problem, threshold: float) -> list[list[int]]:
    """Clusters of claim ids, each sorted by fingerprint; the list sorted by first member."""
    key = problem.order.__getitem__
    parent = {n: n for n in problem.nodes}

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in sorted(problem.must, key=lambda p: (key(p[0]), key(p[1]))):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb, key=key)] = min(ra, rb, key=key)
    clusters: dict[int, list[int]] = {}
    for n in sorted(problem.nodes, key=key):
        clusters.setdefault(find(n), []).append(n)
    cannot_of: dict[int, set[int]] = {}
    for a, b in problem.cannot:
        cannot_of.setdefault(a, set()).add(b)
        cannot_of.setdefault(b, set()).add(a)

    # Sums of scores between clusters that share at least one scored pair.
    sums: dict[tuple[int, int], float] = {}
    counts: dict[tuple[int, int], int] = {}
    for (a, b), score in problem.scores.items():
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        p = _pair(ra, rb)
        sums[p] = sums.get(p, 0.0) + score
        counts[p] = counts.get(p, 0) + 1

    def average(p: tuple[int, int]) -> float:
        size = len(clusters[p[0]]) * len(clusters[p[1]])
        return (sums[p] + (size - counts[p]) * MISSING_PAIR) / size

    def forbidden(ca: int, cb: int) -> bool:
        members_b = set(clusters[cb])
        return any(cannot_of.get(m, set()) & members_b for m in clusters[ca])

    blocked: set[tuple[int, int]] = set()
    while True:
        best, best_rank = None, None
        for p in sums:
            if p in blocked:
                continue
            avg = average(p)
            if avg < threshold:
                continue
            rank = (-avg, min(key(p[0]), key(p[1])), max(key(p[0]), key(p[1])))
            if best_rank is None or rank < best_rank:
                best, best_rank = p, rank
        if best is None:
            break
        ca, cb = best
        if forbidden(ca, cb):
            blocked.add(best)
            continue
        keep, gone = (ca, cb) if key(ca) <= key(cb) else (cb, ca)
        clusters[keep] = sorted(clusters[keep] + clusters.pop(gone), key=key)
        # Fold the removed cluster's sums into the kept one's.
        for p in [p for p in sums if gone in p]:
            other = p[0] if p[1] == gone else p[1]
            s, c = sums.pop(p), counts.pop(p)
            blocked.discard(p)
            if other == keep:
                continue
            q = _pair(keep, other)
            sums[q] = sums.get(q, 0.0) + s
            counts[q] = counts.get(q, 0) + c
            blocked.discard(q)
        blocked = {p for p in blocked if keep not in p}
    return sorted(clusters.values(), key=lambda members: key(members[0]))
