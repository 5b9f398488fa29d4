"""Grouping scored pairs into events: constrained average-linkage clustering.

Plain connected components would chain weak links (A~B, B~C, so A, C and everything
C touches become one giant event). Average linkage cannot: two groups merge only when the
*average* score over every pair between them reaches the link threshold, with pairs that
were never proposed counted at ``MISSING_PAIR`` points. A single claim joins a group at the
link threshold; two groups of two claims or more (two events in the making) with a
*contradiction* between them (a pair holding a component of ``Config.contradiction_points`` or
less: one origin's report of another occasion, what was hit, the kind, the victims, the place
or the dates far apart) merge only at the higher ``merge_threshold``: an average hides a
contradiction, and two groups that agree within themselves but contradict each other, only
moderately outweighed, are two incidents (see ``Config.merge_margin``). Groups that people's links formed before clustering
count as single claims here: a person's link never makes a merge harder. Cannot-link
constraints (same origin in one report, a person's "unlink") forbid a merge outright;
must-links (a person's "link") are merged first.

Deterministic: nodes and ties are ordered by claim fingerprint (content), never by id or
import order, and scores are summed as whole thousandths so the sums do not depend on the
order of addition. A heap of candidate merges keeps large groups fast.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from .unionfind import UnionFind

MISSING_PAIR = -10.0
SCALE = 1000  # scores are summed as integers of thousandths: exact, order-independent


@dataclass
class Problem:
    """One connected group of claims to cluster."""

    nodes: list[int]                                     # claim ids
    order: dict[int, tuple]                              # claim id -> sort key (fingerprint, id)
    scores: dict[tuple[int, int], float] = field(default_factory=dict)  # (low id, high id) -> score
    cannot: set[tuple[int, int]] = field(default_factory=set)
    must: set[tuple[int, int]] = field(default_factory=set)
    contradicted: set[tuple[int, int]] = field(default_factory=set)   # pairs holding a contradiction


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


class _State:
    def __init__(self, problem: Problem):
        self.key = problem.order.__getitem__
        # People's must-links first: each group they form is one cluster, named by its first claim by key.
        linked = UnionFind(sorted(problem.nodes, key=self.key), key=self.key)
        for a, b in sorted(problem.must, key=lambda p: (self.key(p[0]), self.key(p[1]))):
            linked.union(a, b)
        self.members: dict[int, list[int]] = linked.groups()
        self.cannot_of: dict[int, set[int]] = {}
        for a, b in problem.cannot:
            self.cannot_of.setdefault(a, set()).add(b)
            self.cannot_of.setdefault(b, set()).add(a)
        # Per pair of clusters: (sum of scores in thousandths, number of scored pairs, number of
        # pairs holding a contradiction).
        self.links: dict[int, dict[int, list[int]]] = {c: {} for c in self.members}
        for (a, b), score in problem.scores.items():
            ra, rb = linked.find(a), linked.find(b)
            if ra != rb:
                entry = self.links[ra].setdefault(rb, [0, 0, 0])
                entry[0] += round(score * SCALE)
                entry[1] += 1
                entry[2] += (a, b) in problem.contradicted
                self.links[rb][ra] = entry
        self.version = {c: 0 for c in self.members}

    def contradicted(self, a: int, b: int) -> bool:
        return self.links[a][b][2] > 0

    def average(self, a: int, b: int) -> float:
        total, scored, _contradictions = self.links[a][b]
        size = len(self.members[a]) * len(self.members[b])
        return (total + (size - scored) * MISSING_PAIR * SCALE) / size

    def entry(self, a: int, b: int) -> tuple:
        ka, kb = self.key(self.members[a][0]), self.key(self.members[b][0])
        return (-self.average(a, b), min(ka, kb), max(ka, kb), a, b, self.version[a], self.version[b])

    def forbidden(self, a: int, b: int) -> bool:
        other = set(self.members[b])
        return any(self.cannot_of.get(m, set()) & other for m in self.members[a])

    def merge(self, a: int, b: int) -> int:
        keep, gone = (a, b) if self.key(self.members[a][0]) <= self.key(self.members[b][0]) else (b, a)
        self.members[keep] = sorted(self.members[keep] + self.members.pop(gone), key=self.key)
        for other, entry in self.links.pop(gone).items():
            del self.links[other][gone]
            if other == keep:
                continue
            mine = self.links[keep].get(other)
            merged = [x + (mine[i] if mine else 0) for i, x in enumerate(entry)]
            self.links[keep][other] = merged
            self.links[other][keep] = merged
        self.version[keep] += 1
        del self.version[gone]
        return keep


def average_linkage(problem: Problem, threshold: float, merge_threshold: float | None = None) -> list[list[int]]:
    """Clusters of claim ids, each sorted by fingerprint; the list sorted by first member.

    ``threshold``: the average a single claim needs to join a group, and two groups without a
    contradiction between them to merge; ``merge_threshold`` (the same when None): the average
    two groups of two claims or more, both formed here, with a contradiction between them need
    to merge (a group that only people's must-links formed counts as a single claim).
    """
    state = _State(problem)
    limit = threshold * SCALE
    group_limit = (threshold if merge_threshold is None else merge_threshold) * SCALE
    grown: set[int] = set()   # clusters formed here, by evidence (not by people's links alone)
    heap = [state.entry(a, b) for a in state.links for b in state.links[a] if a < b]
    heapq.heapify(heap)
    while heap:
        neg_avg, _ka, _kb, a, b, va, vb = heapq.heappop(heap)
        if state.version.get(a) != va or state.version.get(b) != vb:
            continue  # stale: one of the clusters has changed since
        if -neg_avg < limit:
            break
        if state.forbidden(a, b):
            continue  # looked at again if either side grows
        if -neg_avg < group_limit and a in grown and b in grown and state.contradicted(a, b):
            continue  # two events in the making that contradict each other: looked at again if either grows
        keep = state.merge(a, b)
        grown.discard(a if keep == b else b)
        grown.add(keep)
        for other in state.links[keep]:
            heapq.heappush(heap, state.entry(keep, other))
    return sorted(state.members.values(), key=lambda members: state.key(members[0]))
