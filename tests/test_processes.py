"""reconciler.processes.forked_map: results in task order, the state reached by fork, no more
tasks started ahead of the caller than its window allows, and a worker's failure or death
raised in the caller, never waited on."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest

from reconciler import processes
from reconciler.errors import WorkerLost
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


def _dies_on_three(task: int) -> int:
    if task == 3:
        os.kill(os.getpid(), signal.SIGKILL)   # as the system's out-of-memory killer ends a process
    return task


def test_a_worker_killed_raises_instead_of_waiting_forever():
    outcome: list = []

    def consume():
        try:
            outcome.append(list(forked_map(_dies_on_three, list(range(8)), (), 2)))
        except BaseException as exc:   # noqa: BLE001  (looked at below)
            outcome.append(exc)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "forked_map waited for a worker that was killed"
    assert isinstance(outcome[0], WorkerLost)
    assert str(outcome[0]) == ("a worker process ended without a result (exit code -9: killed, perhaps for lack "
                               "of memory)")
    assert multiprocessing.active_children() == []


def _fails_on_two(task: int) -> int:
    if task == 2:
        raise ValueError(f"task {task} is bad")
    return task


def test_a_task_that_raises_raises_in_the_caller_after_the_results_before_it():
    got = []
    with pytest.raises(ValueError) as raised:
        for result in forked_map(_fails_on_two, list(range(6)), (), 2):
            got.append(result)
    assert got == [0, 1]
    assert str(raised.value) == "task 2 is bad"
    assert any(note.startswith("in a worker process:") for note in raised.value.__notes__)
    assert multiprocessing.active_children() == []


def test_a_caller_that_stops_early_leaves_no_worker_running(tmp_path):
    results = forked_map(_square_plus, list(range(40)), (0, str(tmp_path / "started")), 2)
    assert [next(results)[0], next(results)[0]] == [0, 1]
    results.close()
    assert multiprocessing.active_children() == []


def test_a_run_whose_worker_is_killed_says_so_and_writes_nothing(registered, monkeypatch):
    from reconciler import scoring

    claims = [{"ref": f"r{n}", "source": "Army", "date": "2021-04-06", "place": "Avdiivka", "killed": n}
              for n in range(1, 9)]
    assert registered("import", registered.write_jsonl("claims.jsonl", claims)).exit_code == 0
    before = registered.dump()
    here, score_task = os.getpid(), scoring._score_task

    def killed_in_a_worker(task):
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return score_task(task)

    # Eight claims in tasks of two, over two workers (the function reaches them by fork).
    monkeypatch.setattr(scoring, "PARALLEL_MIN", 2)
    monkeypatch.setattr(scoring, "TASK_CLAIMS", 2)
    monkeypatch.setattr(scoring, "_score_task", killed_in_a_worker)
    result = registered("run", "--workers", "2")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.endswith(
        "Error: a worker process ended without a result (exit code -9: killed, perhaps for lack of memory); "
        "nothing was written; run again, with --workers 1 to do the work in one process\n")
    assert registered.dump() == before
    assert multiprocessing.active_children() == []
