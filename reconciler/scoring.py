"""Scoring the blocker's candidate pairs: the run's third stage (load → block → score → cluster
→ write → grade).

Each pair is scored once, and what the run needs of it is kept as plain numbers: the total and
three flags (:class:`PairScore`). A run that re-decides every claim (a full run, or the first
one) scores its pairs over several processes: the claims, the blocker and the place hints are
built once and shared with the workers by ``fork`` (copy-on-write, nothing is pickled but the
results), each worker scores the candidates of a run of claims in id order, and the results
come back in that order, so that the run reads them exactly as if it had scored them itself.
Workers never touch the database. Where ``fork`` does not exist, or for a few claims, pairs are
scored in this process.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Iterator

from .config import Config
from .matching import Blocker, ClaimFeatures, PlaceHints, cannot_link, score_pair
from .processes import can_fork, forked_map, shared

# Below this many claims a pool costs more than it saves (measured: bench/runcost.py).
PARALLEL_MIN = 20_000
# Claims per task: small enough to spread the work evenly, large enough that a task's results
# are worth sending.
TASK_CLAIMS = 2_000

FORBIDDEN, CONTRADICTS, HELD_BACK = 1, 2, 4


@dataclass(slots=True)
class PairScore:
    """What a run keeps of a scored pair (a < b): its total, whether nothing may link it
    (``forbidden``: a person's unlink or :func:`cannot_link`), whether a component counts
    strongly against it (``contradicts``), and whether one component alone holds back an
    otherwise agreeing placed pair (``held_back``: the review queue shows it)."""

    a: int
    b: int
    total: float
    forbidden: bool
    contradicts: bool
    held_back: bool


def score_candidate(claim: ClaimFeatures, other: ClaimFeatures, config: Config, hints: PlaceHints,
                    cannot: set[tuple[int, int]]) -> PairScore:
    """Score one candidate pair for a run (no explanations: nobody reads most pairs)."""
    a, b = (claim.id, other.id) if claim.id < other.id else (other.id, claim.id)
    score = score_pair(claim, other, config, explain=False, hints=hints)
    forbidden = (a, b) in cannot or cannot_link(claim, other, config) is not None
    return PairScore(a, b, score.total, forbidden, score.contradicts(config),
                     claim.place_key is not None and other.place_key is not None
                     and score.held_back_by(config) is not None)


def score_in_order(nodes: list[int], features: dict[int, ClaimFeatures], blocker: Blocker, hints: PlaceHints,
                   config: Config, cannot: set[tuple[int, int]], must_of: dict[int, set[int]],
                   workers: int, done: set[int]) -> Iterator[tuple[int, list[PairScore]]]:
    """For each claim of ``nodes`` (ascending ids), the pairs it proposes that an earlier claim
    did not (nor ``done``, pairs as ``a << 32 | b``, which gains them): its blocker candidates,
    then the claims people linked it to. Scored over ``workers`` processes; the order is that
    of scoring them one by one here."""
    if workers <= 1 or len(nodes) < PARALLEL_MIN or not can_fork():
        yield from _pairs_of(nodes, features, blocker, hints, config, cannot, must_of, done)
        return
    tasks = [nodes[i:i + TASK_CLAIMS] for i in range(0, len(nodes), TASK_CLAIMS)]
    state = (features, blocker, hints, config, cannot, must_of)
    for task, (firsts, packed, totals, flags, learned) in zip(tasks, forked_map(_score_task, tasks, state, workers)):
        hints.learn(learned)
        pairs = array("q")
        pairs.frombytes(packed)
        scores, marks = array("d"), array("b")
        scores.frombytes(totals)
        marks.frombytes(flags)
        starts = array("q")
        starts.frombytes(firsts)
        for i, node in enumerate(task):
            found = []
            for j in range(starts[i], starts[i + 1]):
                p = pairs[j]
                if p in done:
                    continue
                done.add(p)
                f = marks[j]
                found.append(PairScore(p >> 32, p & 0xFFFFFFFF, scores[j], bool(f & FORBIDDEN),
                                       bool(f & CONTRADICTS), bool(f & HELD_BACK)))
            yield node, found


def _pairs_of(nodes: list[int], features: dict[int, ClaimFeatures], blocker: Blocker, hints: PlaceHints,
              config: Config, cannot: set[tuple[int, int]], must_of: dict[int, set[int]],
              done: set[int]) -> Iterator[tuple[int, list[PairScore]]]:
    for node in nodes:
        claim = features[node]
        found = []
        for other in [*blocker.candidates(claim), *(features[m] for m in sorted(must_of.get(node, ())))]:
            packed = (node << 32 | other.id) if node < other.id else (other.id << 32 | node)
            if packed in done:
                continue
            done.add(packed)
            found.append(score_candidate(claim, other, config, hints, cannot))
        yield node, found


def _score_task(nodes: list[int]) -> tuple[bytes, bytes, bytes, bytes, list]:
    """In a worker: the pairs a run of claims proposes, as arrays (offsets per claim, pairs,
    totals, flags), and the place hints worked out for them. Pairs already proposed by an
    earlier claim of the same task are left out; the parent drops those an earlier task
    proposed."""
    features, blocker, hints, config, cannot, must_of = shared()
    known = len(hints)
    starts, packed, totals, flags = array("q", [0]), array("q"), array("d"), array("b")
    for _node, found in _pairs_of(nodes, features, blocker, hints, config, cannot, must_of, set()):
        for s in found:
            packed.append(s.a << 32 | s.b)
            totals.append(s.total)
            flags.append(FORBIDDEN * s.forbidden | CONTRADICTS * s.contradicts | HELD_BACK * s.held_back)
        starts.append(len(packed))
    return starts.tobytes(), packed.tobytes(), totals.tobytes(), flags.tobytes(), hints.learned_since(known)
