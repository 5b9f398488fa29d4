"""Scoring the blocker's candidate pairs: the run's third stage (load → block → score → cluster
→ write → grade).

Each pair is scored once, and what the run needs of it is kept as plain numbers: the total and
three flags (:class:`PairScore`), for the pairs worth keeping (:func:`worth_keeping`; the
others are only counted). A run that re-decides every claim (a full run, or the first one)
scores its pairs over several processes (:func:`score_all`): the claims, the blocker and the
place hints are built once and shared with the workers by ``fork`` (copy-on-write, nothing is
pickled but the results), each worker scores the pairs of a run of claims in id order, each
pair from its smaller claim, and the results come back in that order, so that the run reads
them exactly as if it had scored them itself. An incremental run's waves of claims are scored
the same way (:func:`score_wave`). Workers never touch the database. Where ``fork`` does not
exist, or for a few claims or pairs, pairs are scored in this process.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Iterator

from .config import Config
from .matching import (
    Blocker, ClaimFeatures, PlaceHints, cannot_link, out_of_reach, score_pair, score_unless_idle,
)
from .pairs import LOW, SHIFT, GroupOf
from .processes import can_fork, forked_map, shared

# Below this many claims a pool costs more than it saves (measured: bench/runcost.py).
PARALLEL_MIN = 20_000
# Claims per task: small enough to spread the work evenly, large enough that a task's results
# are worth sending.
TASK_CLAIMS = 2_000
# An incremental run's wave is scored over several processes from this many pairs (score_wave).
WAVE_PAIRS_MIN = 20_000
# The stored claims an incremental run reached are settled over several processes from this
# many (settle_groups): each has many candidates in its dense group, so far fewer than
# PARALLEL_MIN pay for a pool (a million claims' last two days reach about 4,000, settled in
# 2.0 s in one process).
SETTLE_PARALLEL_MIN = 2_000

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
                    cannot: set[tuple[int, int]], must: set[tuple[int, int]] | frozenset = frozenset()) -> PairScore | None:
    """Score one candidate pair for a run (no explanations: nobody reads most pairs); None for a
    pair the run surely keeps nothing of (:func:`worth_keeping`), which is counted, not wholly
    scored: nothing may forbid it, nobody linked it, and its place alone keeps it below what a
    run keeps (:func:`~reconciler.matching.out_of_reach`: a claim without a place in another
    region, nothing else scored), or the other components do, whatever its quotes say
    (:func:`~reconciler.matching.quote_idle`: the quotes not compared)."""
    a, b = (claim.id, other.id) if claim.id < other.id else (other.id, claim.id)
    forbidden = (a, b) in cannot or cannot_link(claim, other, config) is not None
    if forbidden or (a, b) in must:
        score = score_pair(claim, other, config, explain=False, hints=hints)
    elif out_of_reach(claim, other, config):
        return None
    else:
        score = score_unless_idle(claim, other, config, hints)
        if score is None:
            return None
    return PairScore(a, b, score.total, forbidden, score.contradicts(config),
                     claim.place_key is not None and other.place_key is not None
                     and score.held_back_by(config) is not None)


def worth_keeping(scored: PairScore, config: Config, must: set[tuple[int, int]]) -> bool:
    """Whether a run keeps anything of a scored pair beyond counting it: a pair nothing may
    link, one a component holds back, one at or above the review or link threshold, or one
    people linked (what runs._Explorer records). Most candidate pairs are none of these."""
    return (scored.forbidden or scored.held_back or scored.total >= min(config.review_threshold, config.link_threshold)
            or (scored.a, scored.b) in must)


def score_all(nodes: list[int], features: dict[int, ClaimFeatures], blocker: Blocker, hints: PlaceHints,
              config: Config, cannot: set[tuple[int, int]], must: set[tuple[int, int]],
              must_of: dict[int, set[int]], workers: int) -> Iterator[tuple[int, list[PairScore], int]]:
    """For a run where every claim is a seed (``nodes``: every claim, ascending ids): each claim
    with the pairs it scored, those worth keeping (:func:`worth_keeping`) and how many it scored
    in all. Each pair is scored once, from its smaller claim: the blocker's candidates are
    symmetric (Blocker), and so are people's links, so no set of the pairs done is kept (at a
    million claims it held 35 million pairs) and no worker scores a pair another scores too.
    Scored over ``workers`` processes; the order is that of scoring them one by one here."""
    if workers <= 1 or len(nodes) < PARALLEL_MIN or not can_fork():
        for node in nodes:
            others = _upward(node, features, blocker, must_of)
            yield node, _kept(node, others, features, config, hints, cannot, must), len(others)
        return
    tasks = [[(node, None) for node in nodes[i:i + TASK_CLAIMS]] for i in range(0, len(nodes), TASK_CLAIMS)]
    yield from _scored_tasks(tasks, (features, blocker, hints, config, cannot, must, must_of), workers, hints)


def score_wave(nodes: list[int], features: dict[int, ClaimFeatures], blocker: Blocker, hints: PlaceHints,
               config: Config, cannot: set[tuple[int, int]], must: set[tuple[int, int]],
               must_of: dict[int, set[int]], workers: int,
               done: set[int]) -> Iterator[tuple[int, list[PairScore], int]]:
    """:func:`score_all` for the claims an incremental run reached at once (a wave: its seeds,
    then the claims their strong links brought in, and so on): the pairs each claim proposes
    that an earlier one did not (nor ``done``, pairs as ``a << SHIFT | b``, which gains them) are
    found here, in order, and scored over ``workers`` processes when there are enough of them.
    An incremental run finds its claims a wave at a time, so this is the part of its work that
    can be shared out."""
    proposed = [(node, _proposals(node, features, blocker, must_of, done)) for node in nodes]
    total = sum(len(others) for _node, others in proposed)
    # Tasks of about equal numbers of pairs, a few a worker, so that one slow task does not
    # leave the other workers idle.
    size, tasks, task, count = total // (4 * workers) + 1, [], [], 0
    for node, others in proposed:
        task.append((node, [other.id for other in others]))
        count += len(others)
        if count >= size:
            tasks.append(task)
            task, count = [], 0
    if task:
        tasks.append(task)
    if workers <= 1 or total < WAVE_PAIRS_MIN or len(tasks) < 2 or not can_fork():
        for node, others in proposed:
            yield node, _kept(node, others, features, config, hints, cannot, must), len(others)
        return
    yield from _scored_tasks(tasks, (features, blocker, hints, config, cannot, must, must_of), workers, hints)


def settle_groups(nodes: list[int], features: dict[int, ClaimFeatures], blocker: Blocker, hints: PlaceHints,
                  config: Config, cannot: set[tuple[int, int]], must: set[tuple[int, int]],
                  must_of: dict[int, set[int]], workers: int, group_of: GroupOf,
                  fresh: set[int]) -> Iterator[tuple[int, list[PairScore], int]]:
    """For an incremental run that followed stored strong links (runs._Explorer.settle): each of
    the stored claims reached (``nodes``, ascending) with its candidate pairs of larger id among
    the stored claims of its group (``group_of``; not ``fresh``: their pairs were scored in the
    waves), as :func:`score_all` gives them; the candidates are found where the pairs are
    scored, over ``workers`` processes when there are enough claims."""
    if workers <= 1 or len(nodes) < SETTLE_PARALLEL_MIN or not can_fork():
        for node in nodes:
            others = _settled(node, features, blocker, must_of, group_of, fresh)
            yield node, _kept(node, others, features, config, hints, cannot, must), len(others)
        return
    size = len(nodes) // (4 * workers) + 1
    tasks = [[(node, None) for node in nodes[i:i + size]] for i in range(0, len(nodes), size)]
    yield from _scored_tasks(tasks, (features, blocker, hints, config, cannot, must, must_of, group_of, fresh),
                             workers, hints, _settle_task)


def _settled(node: int, features: dict[int, ClaimFeatures], blocker: Blocker, must_of: dict[int, set[int]],
             group_of: GroupOf, fresh: set[int]) -> list[ClaimFeatures]:
    """The claims ``node`` is scored with when settling its group: :func:`_upward`'s, of its
    group and not fresh."""
    group = group_of.get(node)
    return [other for other in _upward(node, features, blocker, must_of)
            if other.id not in fresh and group_of.get(other.id) == group]


def _scored_tasks(tasks: list[list[tuple[int, list[int] | None]]], state: tuple, workers: int,
                  hints: PlaceHints, function=None) -> Iterator[tuple[int, list[PairScore], int]]:
    """The tasks (each a list of (claim, the ids to score it with, or None: its larger
    candidates)) scored over ``workers`` processes, in order."""
    results = forked_map(function or _score_task, tasks, state, workers)
    for task, (counts, packed, totals, flags, learned) in zip(tasks, results):
        hints.learn(learned)
        for (node, _others), (kept, scored) in zip(task, _unpack(counts, packed, totals, flags)):
            yield node, kept, scored


def _kept(node: int, others: list[ClaimFeatures], features: dict[int, ClaimFeatures], config: Config,
          hints: PlaceHints, cannot: set[tuple[int, int]], must: set[tuple[int, int]]) -> list[PairScore]:
    """``node`` scored with each of ``others``: the pairs worth keeping (:func:`worth_keeping`)."""
    claim = features[node]
    return [s for other in others if (s := score_candidate(claim, other, config, hints, cannot, must)) is not None
            and worth_keeping(s, config, must)]


def _upward(node: int, features: dict[int, ClaimFeatures], blocker: Blocker,
            must_of: dict[int, set[int]]) -> list[ClaimFeatures]:
    """The claims of larger id ``node`` is to be scored with in a run where every claim is: its
    blocker candidates, then the claims people linked it to (each once)."""
    found = [other for other in blocker.candidates(features[node]) if other.id > node]
    linked = must_of.get(node)
    if linked:
        proposed = {other.id for other in found}
        found.extend(features[m] for m in sorted(linked) if m > node and m not in proposed)
    return found


def _proposals(node: int, features: dict[int, ClaimFeatures], blocker: Blocker, must_of: dict[int, set[int]],
               done: set[int]) -> list[ClaimFeatures]:
    """The claims ``node`` is to be scored with: its blocker candidates, then the claims people
    linked it to, less the pairs in ``done`` (which gains them)."""
    found = []
    for other in [*blocker.candidates(features[node]), *(features[m] for m in sorted(must_of.get(node, ())))]:
        packed = (node << SHIFT | other.id) if node < other.id else (other.id << SHIFT | node)
        if packed in done:
            continue
        done.add(packed)
        found.append(other)
    return found


def _settle_task(task: list[tuple[int, None]]) -> tuple[bytes, bytes, bytes, bytes, list]:
    """In a worker: :func:`_score_task` for :func:`settle_groups`."""
    features, blocker, hints, config, cannot, must, must_of, group_of, fresh = shared()
    return _score_nodes(task, lambda node: _settled(node, features, blocker, must_of, group_of, fresh))


def _score_task(task: list[tuple[int, list[int] | None]]) -> tuple[bytes, bytes, bytes, bytes, list]:
    """In a worker: each (claim, the ids to score it with, or None: its larger candidates)
    scored, as arrays (per claim: the pairs kept and the pairs scored; the kept pairs, totals
    and flags), and the place hints worked out for them."""
    features, blocker, hints, config, cannot, must, must_of = shared()
    return _score_nodes(task, lambda node: _upward(node, features, blocker, must_of))


def _score_nodes(task: list[tuple[int, list[int] | None]], propose) -> tuple[bytes, bytes, bytes, bytes, list]:
    """A task scored in a worker, each claim with the ids given or, for None, ``propose(claim)``."""
    features, _blocker, hints, config, cannot, must = shared()[:6]
    known = len(hints)
    counts, packed, totals, flags = array("q"), array("q"), array("d"), array("b")
    for node, ids in task:
        others = propose(node) if ids is None else [features[i] for i in ids]
        kept = _kept(node, others, features, config, hints, cannot, must)
        for s in kept:
            packed.append(s.a << SHIFT | s.b)
            totals.append(s.total)
            flags.append(FORBIDDEN * s.forbidden | CONTRADICTS * s.contradicts | HELD_BACK * s.held_back)
        counts.extend((len(kept), len(others)))
    return counts.tobytes(), packed.tobytes(), totals.tobytes(), flags.tobytes(), hints.learned_since(known)


def _unpack(counts_bytes: bytes, packed: bytes, totals: bytes,
            flags: bytes) -> Iterator[tuple[list[PairScore], int]]:
    """:func:`_score_task`'s arrays back as each claim's kept pairs and how many it scored."""
    pairs, scores, marks, counts = array("q"), array("d"), array("b"), array("q")
    pairs.frombytes(packed)
    scores.frombytes(totals)
    marks.frombytes(flags)
    counts.frombytes(counts_bytes)
    j = 0
    for kept, scored in zip(counts[0::2], counts[1::2]):
        yield [PairScore(pairs[i] >> SHIFT, pairs[i] & LOW, scores[i], bool(marks[i] & FORBIDDEN),
                         bool(marks[i] & CONTRADICTS), bool(marks[i] & HELD_BACK)) for i in range(j, j + kept)], scored
        j += kept
