"""A reconciliation run: match claims into events, keep event ids stable, grade what changed.

The caller gives one write transaction; an interrupted run therefore leaves the database
as it was. An incremental run starts from the claims that are new or changed (and the other
claims of the events they were in), follows strong links outwards to whole connected groups,
and re-clusters and re-grades only those, so that it gives the same events as a ``--full``
run on the same data.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from typing import Callable

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from .clustering import Problem, average_linkage
from .config import POLICY_VERSION, Config
from .db import (
    CHUNK, among, chunks, delete_in, driver_rows, insert_rows, insert_values, parts, reserve_ids, select_in,
)
from .eventgrades import event_values, grading_texts, relay_names
from .features import dates_meet, load_features, load_window
from .matching import Blocker, ClaimFeatures, OutsideWindow, PlaceHints, Score, cannot_link, score_pair
from . import audit, content, marks, scoring, strong
from .processes import default_workers, forked_map, shared
from .scoring import PairScore, score_all, score_wave, settle_groups
from .models import (STATUSES, Claim, ClaimLink, ClaimMark, Event, EventLineage, PairConstraint, ReviewPair, Run,
                     core, utcnow)
from .pairs import BestPairs, GroupOf, PairList, PairTotals, pack, unpack
from .sources import SourceIndex
from .unionfind import UnionFind

Progress = Callable[[str, int, int], None]


@dataclass
class RunResult:
    run_id: int
    full: bool
    counts: dict = field(default_factory=dict)
    touched_events: list[int] = field(default_factory=list)
    lineage: list[tuple[int, int, str]] = field(default_factory=list)
    note: str | None = None
    by_status: dict[str, int] = field(default_factory=dict)   # grades of the events touched


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class _Graph:
    """What a run keeps of the pairs it scored; compact (reconciler.pairs), since a million
    claims keep several million."""

    nodes: set[int] = field(default_factory=set)
    scores: PairTotals = field(default_factory=PairTotals)   # totals kept: ≥ review threshold
    strong: PairList = field(default_factory=PairList)       # strong links, each once
    cannot: set[tuple[int, int]] = field(default_factory=set)
    contradicted: set[tuple[int, int]] = field(default_factory=set)   # pairs holding a contradiction
    unsure: PairTotals = field(default_factory=PairTotals)   # below the review threshold, held back
    pairs_scored: int = 0                                    # by one component (Score.held_back_by)


class _Explorer:
    """Scores candidates outward from seeds until whole strongly-linked groups are covered.
    More seeds can be added later; pairs already scored are not scored again."""

    def __init__(self, features: dict[int, ClaimFeatures], blocker: Blocker, hints: PlaceHints, config: Config,
                 must: set[tuple[int, int]], cannot: set[tuple[int, int]], progress: Progress, workers: int = 1,
                 stored: Callable[[list[int]], dict[int, list[int]]] | None = None, fresh: set[int] | None = None,
                 total: int | None = None, windowed: bool = False):
        self.features, self.blocker, self.hints, self.config = features, blocker, hints, config
        # How many claims there are (more than are loaded where the run loaded a window of
        # dates: ``windowed``, and a claim reached outside it raises OutsideWindow).
        self.total = len(features) if total is None else total
        self.windowed = windowed
        self.workers = workers
        # With ``stored`` (the strong links kept by the last run: reconciler.strong), only the
        # ``fresh`` claims (new, changed, or whose place hint changed) have every candidate
        # scored; a stored claim reached is followed along its stored links, and the pairs among
        # the claims reached are scored once they are all known (settle).
        self.stored, self.fresh = stored, fresh if stored is not None else None
        self.followed = PairList()          # the stored links and people's links followed
        self.group_of: GroupOf | None = None   # the groups of the claims reached (settle)
        self.must, self.cannot, self.progress = must, cannot, progress
        self.graph = _Graph()
        self.must_of: dict[int, set[int]] = {}
        for a, b in must:
            self.must_of.setdefault(a, set()).add(b)
            self.must_of.setdefault(b, set()).add(a)
        self.done_pairs: set[int] = set()  # pairs as one integer: a tenth of the memory of tuples
        self.visited = 0

    def explore(self, seeds: set[int]) -> None:
        graph = self.graph
        fresh = seeds - graph.nodes
        graph.nodes |= fresh
        if len(fresh) == self.total:
            # Every claim is a seed (a full run): no link can bring in another, and each pair is
            # scored once, from its smaller claim, over several processes where that pays.
            for node, kept, scored in score_all(sorted(fresh), self.features, self.blocker, self.hints, self.config,
                                                self.cannot, self.must, self.must_of, self.workers):
                self._visit(len(graph.nodes))
                graph.pairs_scored += scored
                for pair in kept:
                    self._record(node, pair, None)
            self.progress("matching", len(graph.nodes), len(graph.nodes))
            return
        # A wave at a time: the seeds, then the claims their strong links brought in, and so on.
        # The claims reached and the pairs scored are the same in any order; a wave's pairs are
        # scored over several processes where there are enough of them (score_wave).
        wave = sorted(fresh)
        while wave:
            reached: list[int] = []
            scored_now = wave if self.fresh is None else [n for n in wave if n in self.fresh]
            for node, kept, scored in score_wave(scored_now, self.features, self.blocker, self.hints, self.config,
                                                 self.cannot, self.must, self.must_of, self.workers, self.done_pairs):
                self._visit(len(graph.nodes))
                graph.pairs_scored += scored
                for pair in kept:
                    self._record(node, pair, reached)
            if self.fresh is not None:
                self._follow([n for n in wave if n not in self.fresh], reached)
            wave = sorted(reached)
        self.progress("matching", len(graph.nodes), len(graph.nodes))

    def _follow(self, settled: list[int], reached: list[int]) -> None:
        """Bring in the claims the stored claims ``settled`` are strongly linked to, by the
        stored links and people's links. A link to a fresh claim is not followed: the fresh
        claim is a seed, and its own scoring finds its links as they are now."""
        graph, features, fresh = self.graph, self.features, self.fresh
        found = self.stored(settled) if settled else {}
        links = [(node, [*found.get(node, ()), *self.must_of.get(node, ())]) for node in settled]
        if self.windowed:
            # In a window, every claim left out that the wave leads to must be loaded: all of
            # them at once, so that one wider window holds them.
            left_out = {other for _node, others in links for other in others if other not in features}
            if left_out:
                raise OutsideWindow(*left_out)
        for node, others in links:
            for other in others:
                # (a claim deleted outside reconcile may be left in the table: not loaded, not
                # followed)
                if other not in features:
                    continue
                if other in fresh:
                    continue
                self.followed.add(min(node, other), max(node, other))
                if other not in graph.nodes:
                    graph.nodes.add(other)
                    reached.append(other)

    def settle(self) -> None:
        """Score the pairs of stored claims reached that no wave scored and that are in one group
        (strongly linked, through the links the waves found and those followed): what
        clustering, the links and the review queue need of them, as a run that scored every
        candidate of theirs would have kept it. A pair of stored claims of two groups, or with a
        claim not reached, is not strong (the table holds every strong pair of stored claims)
        and scores as it did: nothing needs it. Nothing to do without ``stored``."""
        if self.fresh is None:
            return
        graph = self.graph
        linked = UnionFind(sorted(graph.nodes))
        for a, b in chain(graph.strong, self.followed):
            linked.union(a, b)
        self.group_of = GroupOf(list(linked.groups().values()))
        settled = sorted(graph.nodes - self.fresh)
        outside: list[int] = []
        for node, kept, scored in settle_groups(settled, self.features, self.blocker, self.hints, self.config,
                                                self.cannot, self.must, self.must_of, self.workers, self.group_of,
                                                self.fresh):
            self._visit(len(graph.nodes))
            graph.pairs_scored += scored
            for pair in kept:
                self._record(node, pair, outside)
        if outside:   # cannot be: every pair scored here is of two claims reached
            raise RuntimeError(f"claims {outside[:5]} were reached while settling the pairs among reached claims")
        self.progress("matching", len(graph.nodes), len(graph.nodes))

    def _visit(self, total: int) -> None:
        self.visited += 1
        if self.visited % 2000 == 0:
            self.progress("matching", self.visited, total)

    def _record(self, node: int, scored: PairScore, queue: list[int] | None) -> None:
        """Keep what clustering and the review queue need of a scored pair (one worth keeping:
        scoring.worth_keeping); a strong link brings the other claim into the run (onto ``queue``)."""
        graph, config = self.graph, self.config
        pair = (scored.a, scored.b)
        if scored.forbidden:
            graph.cannot.add(pair)
        if scored.total >= config.review_threshold or pair in self.must:
            graph.scores[pair] = scored.total
            if scored.contradicts:
                # Pairs not kept are scored again inside a group (_group_scores) if need be.
                graph.contradicted.add(pair)
        elif scored.held_back:
            graph.unsure[pair] = scored.total
        if (scored.total >= config.link_threshold and not scored.forbidden) or pair in self.must:
            other = scored.b if scored.a == node else scored.a
            graph.strong.add(scored.a, scored.b)
            if other not in graph.nodes:
                graph.nodes.add(other)
                queue.append(other)


def _components(graph: _Graph) -> list[list[int]]:
    """The groups strong links join, each in id order, by their first id."""
    linked = UnionFind(sorted(graph.nodes))
    for a, b in graph.strong:
        linked.union(a, b)
    return list(linked.groups().values())


# Groups larger than this are clustered with only the pairs kept while exploring (the others
# count as never proposed, MISSING_PAIR), to bound the cost of scoring every pair inside them.
RESCORE_LIMIT = 200


def _group_scores(group: list[int], kept: PairTotals, features: dict[int, ClaimFeatures],
                  config: Config, cannot: set[tuple[int, int]], decided_apart: set[tuple[int, int]],
                  hints: PlaceHints, contradicted: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """Scores of every pair inside a group: the kept ones, and the others scored now (a run
    keeps only pairs above the review threshold, and the blocker never proposed some pairs,
    such as two claims of one group three days apart: they are scored all the same, so that
    average linkage weighs real evidence, not a blanket penalty). Pairs that can never be
    one event (by rule, or by a person's unlink in ``decided_apart``) are added to ``cannot``."""
    scores = dict(kept.items())
    if len(group) > RESCORE_LIMIT:
        return scores
    ordered = sorted(group)
    for i, x in enumerate(ordered):
        for y in ordered[i + 1:]:
            if (x, y) not in scores:
                a, b = features[x], features[y]
                if (x, y) in decided_apart or cannot_link(a, b, config) is not None:
                    cannot.add((x, y))
                    continue
                score = score_pair(a, b, config, explain=False, hints=hints)
                scores[(x, y)] = score.total
                if score.contradicts(config):
                    contradicted.add((x, y))
    return scores


def _cluster(graph: _Graph, features: dict[int, ClaimFeatures], hints: PlaceHints, config: Config,
             must: set[tuple[int, int]], decided_apart: set[tuple[int, int]], workers: int = 1) -> list[list[int]]:
    """The events of the claims reached: each group strong links join (_components) clustered by
    average linkage on its pairs' scores, the groups over ``workers`` processes where the run is
    large enough (each group is clustered alone; the clusters come in the groups' order)."""
    groups = _components(graph)
    group_of = GroupOf(groups)
    # By group, only for the groups that have any (an empty set is 216 bytes, and a million
    # claims make hundreds of thousands of groups); the kept totals compact (reconciler.pairs).
    kept: defaultdict[int, PairTotals] = defaultdict(PairTotals)
    for pair, score in graph.scores.items():
        # Weak pairs may reach claims outside the groups re-clustered now: skip those.
        group = group_of.get(pair[0])
        if group is not None and group == group_of.get(pair[1]):
            kept[group][pair] = score
    cannot_in: defaultdict[int, set[tuple[int, int]]] = defaultdict(set)
    must_in: defaultdict[int, set[tuple[int, int]]] = defaultdict(set)
    # People's unlinks hold in every group, also for pairs no score was kept for (groups over
    # RESCORE_LIMIT are not re-scored pair by pair).
    for pairs, buckets in ((graph.cannot, cannot_in), (decided_apart, cannot_in), (must, must_in)):
        for a, b in pairs:
            group = group_of.get(a)
            if group is not None and group == group_of.get(b):
                buckets[group].add((a, b))
    several = [i for i, group in enumerate(groups) if len(group) > 1]
    state = (groups, kept, cannot_in, must_in, graph.contradicted, features, config, decided_apart, hints, must)
    pool = workers if len(graph.nodes) >= scoring.PARALLEL_MIN else 1
    tasks = _group_tasks(several, groups, 4 * pool) if pool > 1 else [several]
    clustered: dict[int, list[list[int]]] = {}
    for task, (found, learned) in zip(tasks, forked_map(_cluster_task, tasks, state, pool)):
        clustered.update(zip(task, found))
        hints.learn(learned)   # the place hints worked out there, for the links written next
    clusters = []
    for i, group in enumerate(groups):
        clusters.extend(clustered.pop(i) if i in clustered else [group])
    return clusters


def _group_tasks(indices: list[int], groups: list[list[int]], count: int) -> list[list[int]]:
    """``indices`` (of ``groups``) in about ``count`` tasks of about equal numbers of pairs, in order."""
    weight = [len(groups[i]) ** 2 for i in indices]
    size, tasks, task, held = sum(weight) // count + 1, [], [], 0
    for i, w in zip(indices, weight):
        task.append(i)
        held += w
        if held >= size:
            tasks.append(task)
            task, held = [], 0
    return tasks + [task] if task else tasks


def _cluster_task(task: list[int]) -> tuple[list[list[list[int]]], list]:
    """In a worker (or here): the clusters of each group in ``task`` (indices of groups), and
    the place hints worked out for them."""
    groups, kept, cannot_in, must_in, contradicted_all, features, config, decided_apart, hints, must = shared()
    known = len(hints)
    found = []
    for i in task:
        group = groups[i]
        mine = kept.pop(i, None) or PairTotals()   # let go once clustered
        cannot = cannot_in.get(i, set())   # _group_scores adds the pairs no rule lets link
        contradicted = {p for p in mine if p in contradicted_all}
        scores = _group_scores(group, mine, features, config, cannot, decided_apart, hints, contradicted)
        problem = Problem(
            nodes=group, order={n: (features[n].fingerprint, n) for n in group},
            scores={p: (s if p not in must else max(s, config.link_threshold)) for p, s in scores.items()},
            cannot=cannot, must=must_in.get(i, set()), contradicted=contradicted,
        )
        found.append(average_linkage(problem, config.link_threshold, config.merge_threshold))
    return found, hints.learned_since(known)


def _assign_ids(clusters: list[list[int]], old_event_of: dict[int, int],
                manual: set[int] = frozenset()) -> tuple[list[int | None], dict[int, list[int]]]:
    """Keep an old event's id for the cluster holding most of its claims (greedy by overlap).

    Manually graded events choose first, so that a person's grade stays with its claims when
    events merge. Returns the id per cluster (None: a new event) and, per old event, the
    clusters that received its claims.
    """
    overlaps = []
    spread: dict[int, list[int]] = {}
    for i, members in enumerate(clusters):
        counts = Counter(old_event_of[m] for m in members if m in old_event_of)
        for event_id, n in counts.items():
            overlaps.append((event_id not in manual, -n, event_id, i))
            spread.setdefault(event_id, []).append(i)
    ids: list[int | None] = [None] * len(clusters)
    taken = set()
    for _manual_first, _neg, event_id, i in sorted(overlaps):
        if ids[i] is None and event_id not in taken:
            ids[i] = event_id
            taken.add(event_id)
    return ids, spread


def last_finished_run(session: Session) -> Run | None:
    """The latest run that finished (its config is what the stored events were decided with);
    None before the first."""
    return session.scalars(select(Run).where(Run.finished_at.is_not(None)).order_by(Run.id.desc()).limit(1)).first()


def load_decisions(session: Session) -> tuple[set[tuple[int, int]], set[tuple[int, int]], set[int]]:
    """People's decisions a run must obey: must-link pairs, cannot-link pairs, manually graded events."""
    must, cannot = set(), set()
    for a, b, kind in session.execute(select(PairConstraint.claim_a, PairConstraint.claim_b, PairConstraint.kind)):
        (must if kind == "must" else cannot).add((a, b))
    manual = set(session.scalars(select(Event.id).where(Event.manual.is_(True))))
    return must, cannot, manual


def reconcile(session: Session, user: str, config: Config, *, full: bool = False,
              seeds: set[int] | None = None, progress: Progress | None = None,
              workers: int | None = None) -> RunResult:
    """Run matching and grading inside the caller's transaction; returns what was done.

    People's decisions (links, unlinks, merges, splits, manual grades) are obeyed, never undone.
    ``seeds`` limits an incremental run to these claims' groups (used right after a decision);
    by default an incremental run starts from every new or changed claim. A run that re-decides
    every claim scores pairs over ``workers`` processes (default: the processors this process
    may use; see reconciler.scoring); the result does not depend on how many. ``progress(stage,
    done, total)``, where given, is told how each stage goes.
    """
    progress = progress or _no_progress
    if session.get_bind().dialect.name == "postgresql":
        # One run at a time in the database, a decision's run too (`reconcile run`'s lease does
        # not cover those): on SQLite the write lock from BEGIN IMMEDIATE does it. Held until the
        # caller's transaction ends; another waits as long as its lock timeout (--busy-timeout).
        session.execute(text("SELECT pg_advisory_xact_lock(7243002)"))
    # Nothing is graded from rows changed behind the tool's back: the claims are checked as the
    # features are loaded (one read of every claim), the rest when they are (check.finish).
    workers = default_workers() if workers is None else workers
    # With two processors, a second process checks the claims while this one loads them (RunCheck).
    # A run asked to re-decide every claim checks every claim too, whatever the list of claims
    # written since the last check says (content.ChangeLog: some writes list nothing).
    check = content.RunCheck(session, user, workers, every=full)
    try:
        return _reconcile(session, user, config, check, full, seeds, progress, workers)
    finally:
        check.close()


def _reconcile(session: Session, user: str, config: Config, check: content.RunCheck, full: bool,
               seeds: set[int] | None, progress: Progress, workers: int) -> RunResult:
    must, cannot, manual_events = load_decisions(session)
    note = None
    last = last_finished_run(session)
    if not full and last is not None and last.config != config.as_dict():
        # Matching or grading settings changed (e.g. --require-neutral), or this version of the
        # tool reads or grades claims differently (POLICY_VERSION): every event is re-decided.
        # Also when a person's decision comes first (seeds): its run records the new settings,
        # so a later run would not see the change.
        before = last.config.get("policy_version", 1)
        if before != POLICY_VERSION:
            note = (f"this version of reconcile reads and grades claims differently from run {last.id}'s (policy "
                    f"{before} → {POLICY_VERSION}): every claim was re-matched and re-graded")
        else:
            note = f"settings differ from run {last.id}: every claim was re-matched and re-graded"
        full, seeds = True, None
    elif not full and seeds is None and last is not None and not strong.kept_by(last.counts):
        # The last run kept no strong links (it was made before reconcile kept them): this run
        # finds them all, once, and the next follows them.
        note = (f"run {last.id} kept no strong links for the next run (made by an earlier version of reconcile): "
                "every claim was re-matched once")
        full = True
    # Whether the strong links stored are every one of the claims matched: after this run too
    # (it replaces the rows of the claims it matched, or all of them).
    complete = last is None or full or strong.kept_by(last.counts)
    run = Run(user=user, started_at=utcnow(), full=full, config=config.as_dict(), counts={})
    session.add(run)
    session.flush()

    progress("loading", 0, 1)
    index = SourceIndex.load(session)
    versions: dict[int, int] = {}
    last_reach = _last_reach(last)
    window = None if full else _window(session, seeds, check.logged, config,
                                      None if check.log is None else check.log.stored, reach=last_reach)
    # The dates of the claims the run starts from, while it loads a window: how far beyond them
    # the claims it reaches go is kept with the run, for the next run's first window.
    around = None if window is None else window.around
    loaded = None
    if window is None:
        features, dirty = load_features(session, index, versions=versions, config=config, check=check)
    else:
        # Only the claims whose dates lie near those the run starts from; every claim is
        # checked all the same (in the process beside, or here).
        loaded = load_window(session, index, window.dates, versions, config)
        features, dirty = loaded.features, loaded.dirty
        if check.beside is None:   # (the claims the log lists, or every claim)
            check.read_here(session.connection())
    check.finish()
    windows = 1
    while True:
        try:
            found = _match(session, config, features, dirty, full, seeds, last, must, cannot, window, progress,
                           workers)
            break
        except OutsideWindow as outside:
            # The claims reached go on beyond the window: the claims of a window that also holds
            # the claim reached beyond it are loaded (or every claim, once that window would hold
            # more than half of them, or after WINDOW_TRIES windows), and matching starts again, as
            # in a run that loaded them from the start (nothing matching reads was written: only
            # the check's bookkeeping, the claims' run hashes and its list emptied). A wider
            # window reads only the claims the last one left out.
            windows += 1
            window = _widened(session, window, outside.claim_ids, config) if windows <= WINDOW_TRIES else None
            progress("loading", 0, 1)
            if window is None:
                loaded = None
                features, dirty = load_features(session, index, versions=versions, config=config)
            else:
                loaded = load_window(session, index, window.dates, versions, config, before=loaded)
                features, dirty = loaded.features, loaded.dirty
    blocker, hints, explorer, old_event_of, members_of = (found.blocker, found.hints, found.explorer,
                                                          found.old_event_of, found.members_of)
    gone, left_by_gone, must = found.gone, found.left_by_gone, found.must
    # Every claim there is: those loaded, or (a window) those counted.
    total = len(features) if window is None else window.total
    graph = explorer.graph
    progress("clustering", 0, 1)
    clusters = _cluster(graph, features, hints, config, must, cannot, workers)
    ids, spread = _assign_ids(clusters, old_event_of, manual_events)
    for event_id in left_by_gone - set(members_of):
        spread.setdefault(event_id, [])   # no claim left: retired (_write)
    progress("clustering", 1, 1)

    before = _statuses(session, sorted(set(spread)))
    result = RunResult(run.id, full, note=note)
    _write(session, run, user, config, clusters, ids, spread, graph, features, hints, index, old_event_of,
           manual_events, result, progress, same_settings=last is not None and last.config == config.as_dict(),
           workers=workers)
    every_claim = len(graph.nodes) == total
    _store_review_pairs(session, graph, clusters, must | cannot, config, run.id, every_claim=every_claim,
                        fresh=explorer.fresh, group_of=explorer.group_of)
    strong_links = strong.replace(session, graph.strong, None if every_claim else sorted(graph.nodes))
    # Only the claims this run loaded as new: on PostgreSQL, claims committed by others meanwhile stay new.
    # A run scoped to a decision's claims (seeds) leaves them new: the next run must still look
    # at their neighbours without a place (_hint_neighbours).
    # And only marks nobody renewed since this run read the claim (reconciler.marks): on
    # PostgreSQL a correction committed during the run keeps its mark, without holding locks for
    # the run's length.
    matched = graph.nodes & dirty if seeds is None else set()
    counts = {"claims": total, "claims_matched": len(graph.nodes), "pairs_scored": graph.pairs_scored}
    if window is not None:
        counts["claims_loaded"] = len(features)
    if windows > 1:
        counts["windows"] = windows   # the windows of dates taken, the last perhaps every claim
    # How far this run's claims reached, for the next run's window: a run behind a person's
    # decision starts from the decision's claims, anywhere in the war, so it keeps the last
    # run's reach instead (a review between two days' runs would otherwise lose it).
    if around is not None and seeds is None:
        counts[REACH_KEY] = _reach(features, graph.nodes, around, config)
    elif seeds is not None and last_reach is not None:
        counts[REACH_KEY] = last_reach
    if complete or every_claim:
        counts[strong.COUNT_KEY] = strong_links
    if gone:
        counts["claims_deleted_outside"] = len(gone)   # their links, queued pairs and kept links removed
    # The claims' features, the blocks and the pairs are not needed from here: let them go
    # before the marks and the audit entry are made, which then reuse their memory (at a
    # million claims these last steps otherwise raised the run's peak by 150 MB).
    del features, blocker, hints, explorer, graph, clusters, ids, spread, old_event_of, members_of, found
    marks.clear(session, {c: versions[c] for c in matched})
    run.finished_at = utcnow()
    run.counts = result.counts | counts | {"events_touched": len(result.touched_events)}
    result.counts = dict(run.counts)
    _audit_run(session, user, run, result, before, manual_events, seeds is not None)
    return result


@dataclass
class _Matched:
    """What matching found (:func:`_match`), for clustering and writing."""

    blocker: Blocker
    hints: PlaceHints
    explorer: "_Explorer"
    old_event_of: dict[int, int]
    members_of: dict[int, list[int]]
    gone: list[int]
    left_by_gone: set[int]
    must: set[tuple[int, int]]


def _match(session: Session, config: Config, features: dict[int, ClaimFeatures], dirty: set[int], full: bool,
           seeds: set[int] | None, last: Run | None, must: set[tuple[int, int]], cannot: set[tuple[int, int]],
           window: "_Window | None", progress: Progress, workers: int) -> _Matched:
    """Block, score and explore from the run's seeds over the claims loaded; with a ``window``,
    raises OutsideWindow where the claims reached need claims it left out (before anything is
    written but the claims' run hashes: the caller loads every claim and calls again)."""
    if window is None:
        old_event_of = dict(driver_rows(session, "SELECT claim_id, event_id FROM claim_links"))
    else:
        # The links of the claims loaded, and of every other claim of their events: an event
        # reached brings in its other claims (one outside the window leaves it, below).
        old_event_of = dict(driver_rows(session, (
            "SELECT claim_id, event_id FROM claim_links WHERE event_id IN (SELECT l.event_id FROM claim_links l "
            f"JOIN claims c ON c.id = l.claim_id WHERE {window.meets('c')})")))
    total = len(features) if window is None else window.total
    if window is None:
        gone, left_by_gone = _deleted_outside(session, old_event_of, features)
    else:
        gone, left_by_gone = [], set()   # none: a window is taken only then (_window)
    # People's links hold among the claims loaded (one deleted outside reconcile keeps its
    # decisions, which hold again if it is restored under its id). In a window, a claim linked
    # to one left out must not be reached: it would need the other (checked below).
    # (Each claim loaded that a person linked to claims left out, with those.)
    halves: dict[int, set[int]] = {}
    for a, b in must:
        if (a in features) != (b in features):
            inside, outside = (a, b) if a in features else (b, a)
            halves.setdefault(inside, set()).add(outside)
    must = {pair for pair in must if pair[0] in features and pair[1] in features}
    members_of: dict[int, list[int]] = {}
    for claim_id, event_id in old_event_of.items():
        members_of.setdefault(event_id, []).append(claim_id)
    start = set(features) if full else set(dirty if seeds is None else seeds)
    # The events of claims deleted outside reconcile are re-decided from the claims left; an
    # event left with none is retired.
    start |= {c for e in left_by_gone for c in members_of.get(e, ())}
    progress("loading", 1, 1)

    # A run that re-decides a few claims asks for the candidates of a few: their neighbourhoods
    # are looked up when asked, not filed for every claim (the same candidates: Blocker).
    blocker = Blocker(features.values(), config, few_queries=not full and len(start) * 10 < len(features),
                      bounds=None if window is None else window.bounds)
    hints = PlaceHints(blocker, config, cannot)
    if not full and seeds is None and len(start) < total:   # (every claim new: no neighbour left out)
        start |= _hint_neighbours(features, dirty, old_event_of, blocker, hints, workers)
    # An incremental run follows the stored claims it reaches along their stored strong links
    # (reconciler.strong). One scoped to a decision's claims scores every claim it reaches: its
    # new and changed claims are not its seeds, and it is small.
    follow = not full and seeds is None and last is not None and len(start) < total
    explorer = _Explorer(features, blocker, hints, config, must, cannot, progress, workers=workers,
                         stored=(lambda ids: strong.partners(session, ids)) if follow else None,
                         fresh=set(start) if follow else None, total=total, windowed=window is not None)
    while start:
        if window is not None and not start <= features.keys():
            raise OutsideWindow(*(start - features.keys()))
        # An event is re-decided as a whole: the other claims of every event reached join in.
        explorer.explore(start)
        nodes = explorer.graph.nodes
        start = {c for n in nodes if n in old_event_of for c in members_of[old_event_of[n]]} - nodes
    explorer.settle()
    if window is not None:
        # What clusters and grades the claims reached reads their candidates and place hints:
        # all of them must be loaded (scoring asked for most already).
        # A claim reached that a person linked to claims left out: the window must hold those.
        beyond = set()
        for claim_id in explorer.graph.nodes:
            beyond.update(halves.get(claim_id, ()))
            if not blocker.within(features[claim_id]):
                beyond.add(claim_id)
        if beyond:
            raise OutsideWindow(*beyond)
    return _Matched(blocker, hints, explorer, old_event_of, members_of, gone, left_by_gone, must)


# A run that starts from few claims, in a store of at least this many, loads only the claims
# whose dates lie near theirs, when those are at most half of all (below it loading every
# claim costs too little to matter).
WINDOW_MIN = 20_000
# How far beyond the dates of the claims a run starts from it loads: room for the claims that
# strong links and events bring in (a run reaching beyond takes a wider window: _widened).
WINDOW_DAYS = 31
# Windows a run takes before it loads every claim (each after the last one was left).
WINDOW_TRIES = 3
# A run that loaded a window keeps how far (in days) the claims it reached went beyond the dates
# of those it started from (counts[REACH_KEY]). The next run's first window reaches that far
# and WINDOW_SLACK days more, where that is beyond WINDOW_DAYS: where strong links chain events
# over weeks, each day's run reaches about as far as the day before's, and a window taken too
# narrow is loaded and matched in vain before a wider one is taken (at a million claims, a
# second of the run's seven).
# That window is taken only while it holds at most REACH_WINDOW_FACTOR times the claims of the
# WINDOW_DAYS one (a reach once made through a person's link to a claim a year older would load
# far more than a second window costs).
REACH_KEY = "reach_days"
WINDOW_SLACK = 7
REACH_WINDOW_FACTOR = 3


@dataclass(frozen=True)
class _Window:
    """The claims a run loads: those whose dates meet ``dates`` (first and last day);
    ``bounds`` the same as ordinals; ``total`` how many claims there are; ``around`` the first
    and last day of the claims the run starts from (those the window was first taken around)."""

    dates: tuple[date, date]
    total: int
    around: tuple[date, date] | None = None

    @property
    def bounds(self) -> tuple[int, int]:
        return self.dates[0].toordinal(), self.dates[1].toordinal()

    def meets(self, alias: str) -> str:
        """SQL: the claim ``alias`` has dates that meet the window (features.dates_meet)."""
        return dates_meet(alias, self.dates)


def _window(session: Session, seeds: set[int] | None, checked: list[int] | None, config: Config,
            total: int | None = None, reach: int | None = None) -> _Window | None:
    """The window of dates an incremental run loads the claims of: the dates of the claims it
    starts from (the marked ones, or ``seeds``), widened by WINDOW_DAYS (or ``reach`` and
    WINDOW_SLACK days, where that is more: how far the last run's claims reached, _last_reach)
    beyond the reach of their candidates (twice the date tolerance); None (every claim) in a
    store of fewer than WINDOW_MIN claims, where the window would hold more than half of them
    (counted by the claims that start in it: those that began before and last into it are
    few; a window widened by ``reach`` that would, or that holds more than REACH_WINDOW_FACTOR
    times the claims of the WINDOW_DAYS one, is taken by WINDOW_DAYS instead), and where a
    claim deleted outside reconcile left its link (_deleted_outside reads every claim). Such a
    claim is looked for among ``checked``, the claims the content check reads (every deletion
    is listed there: content.ChangeLog), or among every link where None. ``total``: how many
    claims there are, where the caller counted them in this transaction."""
    if total is None:
        total = session.scalar(select(func.count()).select_from(Claim))
    if total < WINDOW_MIN:
        return None
    if seeds is None:
        first, last = session.execute(select(func.min(Claim.date_start), func.max(Claim.date_end))
                                      .join(ClaimMark, ClaimMark.claim_id == Claim.id)).one()
    else:
        spans = [session.execute(select(func.min(Claim.date_start), func.max(Claim.date_end))
                                 .where(Claim.id.in_(part))).one() for part in chunks(sorted(seeds), CHUNK)]
        firsts, lasts = [s for s, _ in spans if s is not None], [e for _, e in spans if e is not None]
        first, last = (min(firsts), max(lasts)) if firsts else (None, None)
    if first is None:
        return None   # nothing to start from: nothing to load either way
    margin = _margin(config)
    dates = (first - margin, last + margin)
    inside = _inside(session, dates)
    if inside * 2 > total:
        return None
    further = _margin(config, reach)
    if further > margin:   # the last run's reach, within REACH_WINDOW_FACTOR
        wider = (first - further, last + further)
        if _inside(session, wider) <= min(total // 2, REACH_WINDOW_FACTOR * inside):
            dates = wider
    orphan = select(ClaimLink.claim_id).where(~select(Claim.id).where(Claim.id == ClaimLink.claim_id).exists())
    if checked is None:
        found = session.execute(orphan.limit(1)).first() is not None
    else:
        found = any(session.execute(orphan.where(ClaimLink.claim_id.in_(part)).limit(1)).first() is not None
                    for part in chunks(checked, CHUNK))
    return None if found else _Window(dates, total, (first, last))


def _widened(session: Session, window: "_Window", claim_ids: tuple[int, ...], config: Config) -> "_Window | None":
    """A window that also holds the claims ``claim_ids`` (reached beyond ``window``) and the
    claims within WINDOW_DAYS of them beyond the reach of their candidates; None (every claim)
    where that would hold more than half the claims, or a claim is not stored."""
    ids = sorted(set(claim_ids))
    spans = [session.execute(select(func.min(Claim.date_start), func.max(Claim.date_end), func.count())
                             .where(Claim.id.in_(part))).one() for part in chunks(ids, CHUNK)]
    if sum(n for _first, _last, n in spans) < len(ids):
        return None
    margin = _margin(config)
    dates = (min(first for first, _last, _n in spans), max(last for _first, last, _n in spans))
    wider = (min(window.dates[0], dates[0] - margin), max(window.dates[1], dates[1] + margin))
    return _Window(wider, window.total, window.around) if _inside(session, wider) * 2 <= window.total else None


def _margin(config: Config, reach: int | None = None) -> timedelta:
    """How far beyond the claims a window is taken around: WINDOW_DAYS (or ``reach`` and
    WINDOW_SLACK days, where that is more) beyond the reach of their candidates (twice the date
    tolerance)."""
    days = WINDOW_DAYS if reach is None else max(WINDOW_DAYS, reach + WINDOW_SLACK)
    return timedelta(days=days + 2 * config.date_tolerance_days)


def _last_reach(last: Run | None) -> int | None:
    """How far beyond its starting claims' dates the last run's claims reached (REACH_KEY), if
    it loaded a window, even one it left for every claim (a run under other settings re-decides
    every claim, and takes none; one behind a decision keeps the reach of the run before)."""
    if last is None:
        return None
    reach = (last.counts or {}).get(REACH_KEY)
    return reach if isinstance(reach, int) and reach >= 0 else None


def _reach(features: dict[int, ClaimFeatures], reached: set[int], around: tuple[date, date], config: Config) -> int:
    """How many days beyond ``around`` (the first and last day of the claims a run started from)
    the claims ``reached`` go, as a window must hold them (Blocker.within): an incident claim's
    dates, a period claim's start (its candidates are the claims that start near it)."""
    first, last = around[0].toordinal(), around[1].toordinal()
    beyond = 0
    for claim_id in reached:
        claim = features[claim_id]
        end = claim.start if claim.is_period(config) else claim.end
        beyond = max(beyond, first - claim.start, end - last)
    return beyond


def _inside(session: Session, dates: tuple[date, date]) -> int:
    """How many claims start within ``dates`` (the claims of a window, but the few that began
    before it and last into it)."""
    return session.scalar(select(func.count()).select_from(Claim)
                          .where(Claim.date_start >= dates[0], Claim.date_start <= dates[1]))


# Claims without a place near new ones checked over several processes from this many (a
# million claims' 1,000 new ones have about 8,000; 100,000 claims' about 400).
HINTS_PARALLEL_MIN = 2_000


def _deleted_outside(session: Session, old_event_of: dict[int, int],
                     features: dict[int, ClaimFeatures]) -> tuple[list[int], set[int]]:
    """Claims whose links outlived them: deleted outside reconcile (the ``sqlite3`` shell keeps
    no foreign keys), after a person accepted the deletion (``audit accept``; the content check
    refuses the run before that). Their links, queued pairs and kept strong links go now, and
    they leave ``old_event_of``; returns them and the events they were in. A linked claim that
    exists but was not loaded (on PostgreSQL, committed since) only leaves ``old_event_of``:
    this run does not match it, the next does."""
    unloaded = sorted(c for c in old_event_of if c not in features)
    if not unloaded:
        return [], set()
    present = {row[0] for row in select_in(session, select(Claim.id), Claim.id, unloaded, CHUNK)}
    gone = [c for c in unloaded if c not in present]
    events = {old_event_of[c] for c in gone}
    for claim_id in unloaded:
        del old_event_of[claim_id]
    delete_in(session, ClaimLink, ClaimLink.claim_id, gone)
    delete_in(session, ReviewPair, ReviewPair.claim_a, gone)
    delete_in(session, ReviewPair, ReviewPair.claim_b, gone)
    strong.forget(session, gone)
    return gone, events


def _hint_neighbours(features: dict[int, ClaimFeatures], dirty: set[int], old_event_of: dict[int, int],
                     blocker: Blocker, hints: PlaceHints, workers: int = 1) -> set[int]:
    """Claims without a place whose inferred place (PlaceHints) the dirty claims may change:
    an incremental run re-decides them too, so that it equals a full run.

    Near a new claim (never matched before), a claim is re-decided when its hint differs with
    and without the new claims. Near a claim that was matched before and changed (a corrected
    date, an edited source), its earlier state is unknown, so every such neighbour is
    re-decided; those near a corrected claim's *old* dates were marked at import.
    """
    found, near_new = set(), {}
    for claim_id in sorted(dirty):
        claim = features[claim_id]
        if claim.place_key is None:
            continue   # only placed claims give hints
        for other in blocker.candidates(claim, placeless=True):
            if other.place_key is None and other.id not in dirty:
                if claim_id in old_event_of:
                    found.add(other.id)
                else:
                    near_new[other.id] = other
    new = {c for c in dirty if c not in old_event_of}
    asked = [i for i in sorted(near_new) if i not in found]
    # Each hint with and without the new claims, over the pool where there are enough of them
    # (a hint depends only on the claims and the settings: the same in every process), learnt
    # here so that scoring does not work them out again.
    pool = workers if len(asked) >= HINTS_PARALLEL_MIN else 1
    size = len(asked) // (4 * pool) + 1
    tasks = [asked[i:i + size] for i in range(0, len(asked), size)]
    for answers in forked_map(_hint_task, tasks, (features, hints, new), pool):
        hints.learn([(i, hint) for i, hint, _before in answers])
        found.update(i for i, hint, before in answers if hint != before)
    return found


def _hint_task(claim_ids: list[int]) -> list[tuple[int, frozenset | None, frozenset | None]]:
    """In a worker (or here): each claim's place hint with and without the run's new claims."""
    features, hints, new = shared()
    return [(i, *hints.with_and_without(features[i], new)) for i in claim_ids]


def _statuses(session: Session, event_ids: list[int]) -> dict[int, tuple[str, bool, str | None]]:
    found = {}
    for row in select_in(session, select(Event.id, Event.status, Event.manual, Event.graded_by), Event.id,
                         event_ids, CHUNK):
        found[row.id] = (row.status, row.manual, row.graded_by)
    return found


def _audit_run(session: Session, user: str, run: Run, result: RunResult,
               before: dict[int, tuple[str, bool, str | None]], manual_events: set[int], scoped: bool) -> None:
    """One audit entry for the run, naming every event whose grade or existence it changed,
    so that `reconcile log --event E` shows runs too."""
    after = _statuses(session, result.touched_events)
    result.by_status = {status: 0 for status in STATUSES} | Counter(a[0] for a in after.values())
    retired = sorted(set(before) - set(result.touched_events))
    changes = {}
    for event_id in result.touched_events:
        old = before.get(event_id)
        if old is None or old[0] != after[event_id][0]:
            changes[str(event_id)] = {"before": old[0] if old else None, "after": after[event_id][0]}
    for event_id in retired:
        changes[str(event_id)] = {"before": before[event_id][0], "after": "retired"}
        if event_id in manual_events:
            changes[str(event_id)]["manual_grade_by"] = before[event_id][2]
    audit.record(session, user, "run", "run", run.id,
                 after={"full": result.full, "scoped": scoped, "counts": result.counts, "note": result.note,
                        "lineage": [list(x) for x in result.lineage], "events": changes},
                 events=[int(e) for e in changes] + [e for x in result.lineage for e in x[:2]])


def _store_review_pairs(session: Session, graph: _Graph, clusters: list[list[int]], decided: set[tuple[int, int]],
                        config: Config, run_id: int, every_claim: bool, fresh: set[int] | None = None,
                        group_of: GroupOf | None = None) -> None:
    """Replace the review queue's pairs among re-matched claims with this run's uncertain pairs:
    those between the thresholds, strong pairs that clustering kept in two events (their
    groups' average stayed below the link or merge threshold), and pairs of placed claims held
    back by one component alone (neighbouring places, a day too far: ``Score.held_back_by``),
    which a person should see too.

    With ``fresh`` (a run that followed stored strong links: _Explorer), the run scored every
    pair of its fresh claims and the pairs of stored claims in one of the groups it reached
    (``group_of``), not the other pairs of the stored claims it reached: those stay queued as
    they were (neither claim changed, and no strong link joins them, so their place in the
    queue is as it was)."""
    if fresh is None and every_claim:   # a pair is of two claims: every pair goes, in one statement
        session.execute(delete(ReviewPair))
    elif fresh is None:
        nodes = sorted(graph.nodes)
        delete_in(session, ReviewPair, ReviewPair.claim_a, nodes)
        delete_in(session, ReviewPair, ReviewPair.claim_b, nodes)
    else:
        # Even when it reached every claim: it did not score the pairs of stored claims of two groups.
        delete_in(session, ReviewPair, ReviewPair.claim_a, sorted(fresh))
        delete_in(session, ReviewPair, ReviewPair.claim_b, sorted(fresh))
        among_reached = [{"r_a": a, "r_b": b} for a, b in select_in(
            session, select(ReviewPair.claim_a, ReviewPair.claim_b), ReviewPair.claim_a,
            sorted(graph.nodes - fresh), CHUNK) if group_of.get(b) is not None and group_of.get(b) == group_of.get(a)]
        if among_reached:
            table = core(ReviewPair)
            session.connection().execute(
                table.delete().where(table.c.claim_a == bindparam("r_a"), table.c.claim_b == bindparam("r_b")),
                among_reached)
    cluster_of = GroupOf(clusters)
    unsure = graph.unsure
    # The kept pairs and the held-back ones, read where they are (never copied into one
    # mapping: at a million claims that is millions of pairs twice); a pair is in one of them.
    kept = ((pair, s) for pair, s in graph.scores.items() if pair not in unsure)
    # The queue's pairs in (a, b) order as packed integers, their scores looked up as they are
    # written: a million claims queue 2.3 million pairs, 345 MB as (a, b, score) tuples, 90 as keys.
    uncertain = [pack(a, b) for (a, b), s in chain(kept, unsure.items())
                 if (s < config.link_threshold or cluster_of.get(a) != cluster_of.get(b))
                 and (s >= config.review_threshold or (a, b) in unsure)
                 and (a, b) not in decided and (a, b) not in graph.cannot]
    uncertain.sort()
    # The notes a person reads are written when the queue is shown (reconcile review), not
    # here: a large run proposes far more uncertain pairs than anyone reviews at once. Rows are
    # made 5,000 at a time (two million of them at once took 850 MB at a million claims).
    for part in chunks(uncertain, 5000):
        rows = []
        for key in part:
            pair = unpack(key)
            score = unsure.get(pair)   # a pair held back is in ``unsure`` (and may be in scores too)
            rows.append((*pair, graph.scores[pair] if score is None else score, _NO_COMPONENTS, "", run_id))
        insert_values(session, core(ReviewPair), _REVIEW_COLUMNS, rows, encoded=("components",))


# A queued pair's columns, and its components as the JSON column stores none (written when shown).
_REVIEW_COLUMNS = ("claim_a", "claim_b", "score", "components", "explanation", "run_id")
_NO_COMPONENTS = json.dumps({})


def _write(session: Session, run: Run, user: str, config: Config, clusters: list[list[int]],
           ids: list[int | None], spread: dict[int, list[int]], graph: _Graph,
           features: dict[int, ClaimFeatures], hints: PlaceHints, index: SourceIndex, old_event_of: dict[int, int],
           manual_events: set[int], result: RunResult, progress: Progress, same_settings: bool,
           workers: int) -> None:
    now = utcnow()
    # New events are written whole once graded, under ids taken now in ascending order (ids stay
    # deterministic; asking the database for each inserted row's id would insert row by row).
    reserved = reserve_ids(session, "events", sum(1 for i in ids if i is None))
    created_ids, new_ids = set(reserved), iter(reserved)
    ids = [i if i is not None else next(new_ids) for i in ids]
    kept = set(ids)
    retired = sorted(set(spread) - kept)
    lineage = []
    for old_id, where in sorted(spread.items()):
        targets = sorted({ids[i] for i in where} - {old_id})
        kind = "split" if len(set(where)) > 1 else "merge"
        lineage.extend((old_id, t, kind) for t in targets)
    if retired:
        for part in parts(session, retired, CHUNK):
            session.execute(update(Event).where(among(session, Event.id, part))
                            .values(active=False, n_claims=0, updated_run_id=run.id, updated_at=now, updated_by=user))

    progress("writing", 0, len(clusters))
    nodes = sorted(graph.nodes)
    relays = relay_names(session, nodes, index)
    notes, actors = grading_texts(session, nodes)
    members_before: dict[int, set[int]] = {}
    for claim_id in nodes:
        if claim_id in old_event_of:
            members_before.setdefault(old_event_of[claim_id], set()).add(claim_id)
    # An event this run created holds nothing yet: there is nothing stored to compare it with.
    stored = _stored_events(session, sorted(kept - created_ids))
    updates, inserts, written = [], [], 0
    size, pool = scoring.TASK_CLAIMS, workers if len(clusters) >= scoring.PARALLEL_MIN else 1
    tasks = [[(event_id, members, event_id in manual_events)
              for members, event_id in zip(clusters[i:i + size], ids[i:i + size])]
             for i in range(0, len(clusters), size)]
    state = (features, index, relays, config, notes, actors)
    fresh = {"created_run_id": run.id, "updated_run_id": run.id, "updated_at": now, "updated_by": user,
             "manual": False, "active": True, "version": 1}
    done = 0
    for task, found in zip(tasks, forked_map(_grade_task, tasks, state, pool)):
        for (event_id, members, _manual), values in zip(task, found):
            if event_id in created_ids:
                inserts.append(values | fresh)
            # An event the run re-decided exactly as it was (the same claims, grade and figures) is
            # not written: its version stays, so a person's --if-version check on it still holds.
            elif members_before.get(event_id) != set(members) or stored.get(event_id) != _event_state(values):
                updates.append({f"e_{k}": v for k, v in values.items()})
        if len(updates) + len(inserts) >= 5000:   # written as they are made, not gathered first
            _insert_events(session, inserts)
            _update_events(session, updates, run.id, now, user)
            written, updates, inserts = written + len(updates) + len(inserts), [], []
        done += len(task)
        progress("writing", done, len(clusters))
    _insert_events(session, inserts)
    _update_events(session, updates, run.id, now, user)
    written += len(updates) + len(inserts)
    # What grading read is let go before the links are worked out, the stage that needs most.
    del tasks, state, relays, notes, actors, stored, members_before
    if lineage:   # after the events it names
        session.execute(insert(EventLineage), [
            {"old_event_id": o, "new_event_id": n, "kind": k, "run_id": run.id, "created_by": user, "created_at": now}
            for o, n, k in lineage])
    changed_links = _write_links(session, run.id, clusters, ids, graph, features, hints, config, old_event_of,
                                 same_settings, workers)
    progress("writing", len(clusters), len(clusters))
    result.touched_events = sorted(kept)
    result.lineage = lineage
    result.counts = {"events_created": len(created_ids), "events_retired": len(retired), "events": len(clusters),
                     "events_written": written, "links_changed": changed_links, "lineage": len(lineage)}


def _insert_events(session: Session, rows: list[dict]) -> None:
    for part in chunks(rows, 5000):
        insert_rows(session, core(Event), part)


def _grade_task(task: list[tuple[int, list[int], bool]]) -> list[dict]:
    """In a worker (or here): event_values of each (event id, members, manual grade?)."""
    features, index, relays, config, notes, actors = shared()
    return [event_values(event_id, members, features, index, relays, config, manual=manual, notes=notes,
                         actors=actors) for event_id, members, manual in task]


# What an event row holds that a run works out (event_values), in the order _stored_events reads it.
_EVENT_STATE = ("n_claims", "origins", "n_origins", "date_start", "date_end", "place_key", "place_label",
                "killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best", "wounded_high",
                "status", "reason")


def _event_state(values: dict) -> tuple:
    """An event's values as event_values gives them, comparable with _stored_events (a manual
    grade, which event_values leaves out, is compared as stored)."""
    return tuple(values.get(name, _MANUAL) for name in _EVENT_STATE)


_MANUAL = object()


def _stored_events(session: Session, event_ids: list[int]) -> dict[int, tuple]:
    """The active events among ``event_ids`` as stored: id -> _event_state (manual grades as _MANUAL)."""
    found = {}
    columns = [getattr(Event, name) for name in _EVENT_STATE]
    active = select(Event.id, Event.manual, *columns).where(Event.active.is_(True))
    for row in select_in(session, active, Event.id, event_ids, CHUNK):
        state = tuple(row[2:])
        found[row.id] = state[:-2] + (_MANUAL, _MANUAL) if row.manual else state
    return found


def _update_events(session: Session, updates: list[dict], run_id: int, now, user: str) -> None:
    """Write the events the run changed, in executemany batches of one statement per set of
    columns (an event with a manual grade keeps it), raising each one's version: a run changes
    what people may be deciding on, and their --if-version checks must see it."""
    table = core(Event)
    by_columns: dict[tuple[str, ...], list[dict]] = {}
    for values in updates:
        by_columns.setdefault(tuple(sorted(values)), []).append(values)
    for names, rows in by_columns.items():
        statement = (table.update().where(table.c.id == bindparam("e_id"))
                     .values({name[2:]: bindparam(name) for name in names if name != "e_id"}
                             | {"updated_run_id": run_id, "updated_at": now, "updated_by": user, "active": True,
                                "version": table.c.version + 1}))
        for part in chunks(rows, 5000):
            session.connection().execute(statement, part)


def _write_links(session: Session, run_id: int, clusters: list[list[int]], ids: list[int], graph: _Graph,
                 features: dict[int, ClaimFeatures], hints: PlaceHints, config: Config,
                 old_event_of: dict[int, int], same_settings: bool, workers: int = 1) -> int:
    """Write each re-matched claim's link (its event, its strongest partner inside the event and
    that score's components); a link the run found as stored is left as it is. The links are
    worked out over ``workers`` processes where the run is large enough, and written as they come,
    5,000 at a time. Returns how many claims changed event."""
    nodes = sorted(graph.nodes)
    stored: dict[int, tuple] = {}
    links = select(ClaimLink.claim_id, ClaimLink.event_id, ClaimLink.partner_claim_id, ClaimLink.score,
                   ClaimLink.explanation, ClaimLink.components)
    stored.update((row[0], tuple(row[1:])) for row in select_in(session, links, ClaimLink.claim_id, nodes, CHUNK))
    best = _best_partners(clusters, graph)
    changed = sum(old_event_of.get(m) != event_id for members, event_id in zip(clusters, ids) for m in members)
    size = scoring.TASK_CLAIMS
    tasks = [list(zip(clusters[i:i + size], ids[i:i + size])) for i in range(0, len(clusters), size)]
    pool = workers if len(nodes) >= scoring.PARALLEL_MIN else 1
    state = (features, hints, config, graph.scores, best, stored, same_settings, run_id)
    batch: list[dict] = []
    for rows in forked_map(_link_task, tasks, state, pool):
        batch.extend(rows)
        if len(batch) >= 5000:
            _replace_links(session, batch, stored)
            batch = []
    _replace_links(session, batch, stored)
    return changed


def _link_task(task: list[tuple[list[int], int]]) -> list[tuple]:
    """In a worker (or here): the link rows of these (members, event id) that differ from the
    stored ones, as the values of _LINK_COLUMNS, their components already encoded as JSON text
    (plain text: a JSONText costs four times as much to send back)."""
    features, hints, config, scores, best, stored, same_settings, run_id = shared()
    rows = []
    for members, event_id in task:
        explained: dict[tuple[int, int], Score] = {}
        for m in members:
            key = best.get(m)
            pair = None if key is None else unpack(key)
            before = stored.get(m)
            if pair is None:
                row = _link_row(m, event_id, len(members), None, run_id)
            else:
                a, b = features[pair[0]], features[pair[1]]
                # The same event, partner and score between two placed claims, under the same
                # settings: the same components (scoring is a function of the two claims and the
                # settings; only a claim without a place also reads others, through its hint).
                if (before is not None and before[:4] == (event_id, b.id if a.id == m else a.id, scores[pair], None)
                        and same_settings and a.place_key is not None and b.place_key is not None):
                    continue
                # Two claims of one event that are each other's strongest partner share one scored pair.
                scored = explained.get(pair) or explained.setdefault(pair, score_pair(a, b, config, hints=hints))
                row = _link_row(m, event_id, len(members), scored, run_id)
            if before != (row["event_id"], row["partner_claim_id"], row["score"], row["explanation"], row["components"]):
                row["components"] = _compact(row["components"])
                rows.append(tuple(row[name] for name in _LINK_COLUMNS))
    return rows


# A link row's columns, in the order _link_task gives their values (the claim first).
_LINK_COLUMNS = ("claim_id", "event_id", "score", "partner_claim_id", "components", "explanation", "run_id")


# A link's components as compact JSON (no spaces; letters as they are, not \u escapes): a
# run writes one a claim, so at a million claims each byte saved is a megabyte of the file.
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _replace_links(session: Session, rows: list[tuple], stored: dict[int, tuple]) -> None:
    """Write ``rows`` (_link_task's), deleting first the links of theirs that were ``stored`` (read
    by this run in its transaction; a claim new since has none to delete)."""
    delete_in(session, ClaimLink, ClaimLink.claim_id, [row[0] for row in rows if row[0] in stored])
    insert_values(session, core(ClaimLink), _LINK_COLUMNS, rows, encoded=("components",))


def _best_partners(clusters: list[list[int]], graph: _Graph) -> BestPairs:
    """For each claim, its highest-scoring kept pair inside its own cluster (ties: lower ids),
    as one integer (reconciler.pairs: a million claims' best pairs in 16 MB of arrays)."""
    cluster_of = GroupOf(clusters)
    best = BestPairs(max((max(c) for c in clusters if c), default=-1), sum(len(c) for c in clusters),
                     min((min(c) for c in clusters if c), default=0))
    for (a, b), total in graph.scores.items():
        cluster = cluster_of.get(a)
        if cluster is None or cluster != cluster_of.get(b):
            continue
        key = pack(a, b)
        best.offer(a, key, total)
        best.offer(b, key, total)
    return best


def _link_row(claim_id: int, event_id: int, size: int, best: Score | None, run_id: int) -> dict:
    if best is None:
        return {"claim_id": claim_id, "event_id": event_id, "score": None, "partner_claim_id": None,
                "components": [], "explanation": "no other claim matched" if size == 1
                else "joined through the group (average linkage), no direct strong pair", "run_id": run_id}
    partner = best.b if best.a == claim_id else best.a
    return {"claim_id": claim_id, "event_id": event_id, "score": best.total, "partner_claim_id": partner,
            "components": best.as_rows(), "explanation": None, "run_id": run_id}
