"""reconciler.processes.forked_map: results in task order, the state reached by fork, and no
more tasks started ahead of the caller than its window allows."""

from __future__ import annotations

import os
import time

import pytest

from reconciler import processes
from reconciler.processes import can_fork, forked_map, shared

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork")


def _square_plus(task: int) -> tuple[int, int, int]:
    offset, log = shared()
    with open(log, "a") as f:   # one short append per task: whole lines from either process
        f.write(f"{task}\n")
    return task, task * task + offset, os.getpid()


def test_results_come_in_task_order_from_forked_workers(tmp_path):
    log = tmp_path / "started"
    found = list(forked_map(_square_plus, list(range(20)), (7, str(log)), 2))
    assert [(t, v) for t, v, _ in found] == [(t, t * t + 7) for t in range(20)]
    assert os.getpid() not in {pid for _, _, pid in found}   # the work was done in other processes
    assert sorted(int(line) for line in log.read_text().split()) == list(range(20))


def test_one_worker_works_here(tmp_path):
    found = list(forked_map(_square_plus, [3, 1, 2], (0, str(tmp_path / "started")), 1))
    assert found == [(3, 9, os.getpid()), (1, 1, os.getpid()), (2, 4, os.getpid())]


def test_a_slow_caller_holds_the_workers_back(tmp_path):
    """With a caller slower than its workers, at most workers × WINDOW tasks have started when
    the caller holds a result (Pool.imap would have started all 40 long before)."""
    log = tmp_path / "started"
    workers, window = 2, processes.WINDOW
    for i, (task, _, _) in enumerate(forked_map(_square_plus, list(range(40)), (0, str(log)), workers)):
        assert task == i
        time.sleep(0.02)   # the caller writes what it got; the workers have nothing else to do
        started = len(log.read_text().split())
        # Task i was taken; the window then holds the next workers × window tasks at most.
        assert started <= i + 1 + workers * window
    assert len(log.read_text().split()) == 40
