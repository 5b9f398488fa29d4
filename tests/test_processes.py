"""reconciler.processes.forked_map: results in task order, the state reached by fork, no more
tasks started ahead of the caller than its window allows, and a worker's failure or death
raised in the caller, never waited on."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
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
    assert str(outcome[0]) == ("a worker process ended without a result (exit code -9, SIGKILL: killed, perhaps "
                               "for lack of memory)")
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
        "Error: a worker process ended without a result (exit code -9, SIGKILL: killed, perhaps for lack of "
        "memory); "
        "nothing was written; do it again, with --workers 1 to do the work in one process\n")
    assert registered.dump() == before
    assert multiprocessing.active_children() == []


def _consumed_within(seconds: float, results) -> list:
    """What consuming ``results`` gave, or the exception it raised, failing the test if it had
    not ended after ``seconds``."""
    outcome: list = []

    def consume():
        try:
            outcome.append(list(results))
        except BaseException as exc:   # noqa: BLE001  (looked at by the caller)
            outcome.append(exc)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    assert not thread.is_alive(), "forked_map is still waiting"
    return outcome


def _identity(task):
    return task


def test_a_task_that_cannot_be_sent_raises_here():
    outcome = _consumed_within(30, forked_map(_identity, [1, lambda: 2, 3], (), 2))
    assert isinstance(outcome[0], (pickle.PicklingError, AttributeError, TypeError))
    assert multiprocessing.active_children() == []


def _exits_on_one(task: int) -> int:
    if task == 1:
        os._exit(1)
    return task


def test_a_worker_that_exits_is_not_said_to_be_killed():
    outcome = _consumed_within(30, forked_map(_exits_on_one, [0, 1, 2], (), 2))
    assert str(outcome[0]) == "a worker process ended without a result (exit code 1)"


def _big_then_killed(task: int) -> bytes | int:
    if task == 1:   # killed while it sends its 20 MB: the caller is not reading
        threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
        return b"x" * 20_000_000
    return task


def test_a_worker_killed_half_way_through_sending_is_lost_too():
    results = forked_map(_big_then_killed, [0, 1], (), 2)
    assert next(results) == 0
    time.sleep(1.5)
    with pytest.raises(WorkerLost):
        next(results)
    assert multiprocessing.active_children() == []


class _TwoPartError(Exception):
    def __init__(self, what: str, why: str):
        super().__init__(f"{what}: {why}")


def _raises_two_part(task: int) -> int:
    raise _TwoPartError("claim 3", "unreadable")


def test_an_exception_that_would_not_come_back_as_it_was_comes_as_its_words():
    outcome = _consumed_within(30, forked_map(_raises_two_part, [0, 1], (), 2))
    assert type(outcome[0]) is RuntimeError
    assert str(outcome[0]) == "_TwoPartError: claim 3: unreadable"
    assert any(note.startswith("in a worker process:") for note in outcome[0].__notes__)


def _slow_len(task: bytes) -> int:
    time.sleep(0.3)
    return len(task)


def test_a_caller_that_stops_early_leaves_no_thread_writing_tasks():
    # Tasks larger than a pipe holds, still being written when the caller stops.
    results = forked_map(_slow_len, [b"x" * 1_000_000] * 20, (), 2)
    assert next(results) == 1_000_000
    results.close()
    assert [t.name for t in threading.enumerate() if t.name == "reconcile-task-feeder"] == []
    assert multiprocessing.active_children() == []


_ORPHAN = """
import os, sys, time
from reconciler.processes import forked_map
def pid(task):
    time.sleep(0.2)
    return os.getpid()
for found in forked_map(pid, list(range(1000)), (), 2):
    print(found, flush=True)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_workers_end_when_the_caller_is_killed():
    caller = subprocess.Popen([sys.executable, "-c", _ORPHAN], stdout=subprocess.PIPE, text=True,
                              cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            workers.add(int(caller.stdout.readline()))
        assert len(workers) == 2
    finally:
        caller.kill()   # no finally of the caller's runs
        caller.wait()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers)


# --- forked_stream: a stream made ahead of the caller -------------------------------------------

def _numbers():
    count, fail_at, log = shared()
    for n in range(count):
        if n == fail_at:
            raise ValueError(f"no {n}")
        with open(log, "a") as f:
            f.write(f"{n} {os.getpid()}\n")
        yield n * 10


def test_a_stream_comes_in_order_from_a_process_beside(tmp_path):
    log = tmp_path / "made"
    assert list(processes.forked_stream(_numbers, (50, None, str(log)))) == [n * 10 for n in range(50)]
    pids = {int(line.split()[1]) for line in log.read_text().splitlines()}
    assert len(pids) == 1 and os.getpid() not in pids   # made in one other process


def test_a_stream_that_raises_raises_in_the_caller_after_the_items_before_it(tmp_path):
    got = []
    with pytest.raises(ValueError, match="no 3"):
        for item in processes.forked_stream(_numbers, (10, 3, str(tmp_path / "made"))):
            got.append(item)
    assert got == [0, 10, 20]


def test_a_stream_without_fork_is_made_here(tmp_path, monkeypatch):
    monkeypatch.setattr(processes, "can_fork", lambda: False)
    log = tmp_path / "made"
    assert list(processes.forked_stream(_numbers, (3, None, str(log)))) == [0, 10, 20]
    assert {int(line.split()[1]) for line in log.read_text().splitlines()} == {os.getpid()}


def _killed_after_two():
    yield 1
    yield 2
    os.kill(os.getpid(), signal.SIGKILL)
    yield 3


def test_a_stream_whose_process_is_killed_raises_instead_of_waiting_forever():
    got = []
    with pytest.raises(WorkerLost, match="SIGKILL"):
        for item in processes.forked_stream(_killed_after_two, ()):
            got.append(item)
    assert got == [1, 2]


def _endless():
    while True:
        yield b"x" * 1000, os.getpid()


def test_a_caller_that_stops_early_leaves_no_stream_process_running():
    stream = processes.forked_stream(_endless, ())
    _, pid = next(stream)
    stream.close()
    with pytest.raises(ProcessLookupError):   # ended and reaped
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)


def _import_in_a_daemon() -> tuple[list[int], bool]:
    return list(processes.forked_stream(_numbers, (4, None, shared()[0]))), processes.can_fork()


def test_a_process_that_may_have_no_children_makes_its_stream_itself(tmp_path):
    # A process beside is daemonic: it may not fork. Its stream is made in it (it failed with
    # "daemonic processes are not allowed to have children" when the benchmark imported there).
    log = tmp_path / "made"
    made, forks = processes.Beside(_import_in_a_daemon, (str(log),)).result()
    assert (made, forks) == ([0, 10, 20, 30], False)
    makers = {int(line.split()[1]) for line in log.read_text().splitlines()}
    assert len(makers) == 1 and os.getpid() not in makers   # the daemon itself


def test_a_process_beside_that_may_fork_makes_its_stream_beside(tmp_path):
    log = tmp_path / "made"
    made, forks = processes.Beside(_import_in_a_daemon, (str(log),), may_fork=True).result()
    assert (made, forks) == ([0, 10, 20, 30], True)


def test_a_stream_whose_fork_is_refused_is_made_here(tmp_path, monkeypatch):
    # The system may refuse a fork (memory, a limit on processes): the stream is made here.
    def refused():
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", refused)
    log = tmp_path / "made"
    assert list(processes.forked_stream(_numbers, (3, None, str(log)))) == [0, 10, 20]
    assert {int(line.split()[1]) for line in log.read_text().splitlines()} == {os.getpid()}


_STREAM_ORPHAN = """
import os, time
from reconciler.processes import forked_stream
def made():
    while True:
        time.sleep(0.2)
        yield os.getpid()
for found in forked_stream(made, ()):
    print(found, flush=True)
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_a_stream_process_ends_when_the_caller_is_killed():
    caller = subprocess.Popen([sys.executable, "-c", _STREAM_ORPHAN], stdout=subprocess.PIPE, text=True,
                              cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        maker = int(caller.stdout.readline())
        assert maker != caller.pid
    finally:
        caller.kill()   # no finally of the caller's runs
        caller.wait()
    deadline = time.monotonic() + 10
    while _running(maker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(maker)


def test_errors_of_input_cross_from_a_forked_process_as_themselves():
    from reconciler.errors import InputError, LookalikeError, Problem, RefusedInput

    for error in (InputError([Problem("f.jsonl", 3, "killed", "expected a figure")]),
                  RefusedInput([Problem("f.jsonl", 4, "source", "looks like another")]),
                  LookalikeError("'Ꮩaldorian' looks like 'Valdorian'", ("Valdorian",), field="via")):
        back = pickle.loads(pickle.dumps(error))
        assert (type(back), str(back), vars(back)) == (type(error), str(error), vars(error))
