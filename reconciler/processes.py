"""Work in forked processes: a pool over tasks (:func:`forked_map`) and one call beside the
caller's own work (:class:`Beside`).

The state reaches the processes by ``fork``, copy-on-write, never pickled; only results come
back. Processes never touch the caller's database connections. Where ``fork`` does not exist,
or with one processor, the work is done in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from itertools import islice
from typing import Callable, Generic, Iterator, TypeVar

T, R = TypeVar("T"), TypeVar("R")


# Tasks in flight per worker in forked_map: one being worked on, one waiting to be, one done
# and waiting for the caller; enough to keep every worker busy, few enough that results do not
# pile up.
WINDOW = 3


def default_workers() -> int:
    """The processors this process may use (its CPU affinity where the system says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# What the workers read, set just before the pool forks (copy-on-write: nothing is pickled).
_shared: tuple | None = None


def shared() -> tuple:
    """In a worker: the state :func:`forked_map` (or :class:`Beside`) was given."""
    return _shared


def forked_map(function: Callable[[T], R], tasks: list[T], state: tuple, workers: int) -> Iterator[R]:
    """``function`` over ``tasks`` in a pool of ``workers`` forked processes, results in task
    order. ``function`` is a module-level function (the pool names it to the workers) that reads
    ``state`` through :func:`shared`: the state reaches them by fork, copy-on-write, unpickled.
    With one worker, or without fork, the tasks run here, in order."""
    global _shared
    previous, _shared = _shared, state
    try:
        if workers <= 1 or len(tasks) <= 1 or not can_fork():
            for task in tasks:
                yield function(task)
            return
        processes = min(workers, len(tasks))
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            # A window of tasks in flight, not all of them (Pool.imap sends every task at once, and
            # its workers' results pile up in this process as fast as they come when the caller is
            # the slower side: at a million claims the writing stage's rows did, by 100 MB or more).
            waiting: deque = deque()
            pending = iter(tasks)
            for task in islice(pending, processes * WINDOW):
                waiting.append(pool.apply_async(function, (task,)))
            while waiting:
                result = waiting.popleft().get()
                for task in islice(pending, 1):
                    waiting.append(pool.apply_async(function, (task,)))
                yield result
    finally:
        _shared = previous


class Beside(Generic[R]):
    """``function()`` in one forked process while the caller goes on with its own work;
    :meth:`result` waits for its value, or raises :class:`ProcessLost` when it raised (its
    message kept) or ended without a result (killed, out of memory): a pipe whose only writer is
    that process reads as closed then, so nothing waits forever. ``function`` is a module-level
    function reading ``state`` through :func:`shared`. The caller checks :func:`can_fork` first."""

    def __init__(self, function: Callable[[], R], state: tuple):
        global _shared
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        previous, _shared = _shared, state
        try:
            self._process = context.Process(target=_beside, args=(function, send), daemon=True)
            self._process.start()
        finally:
            _shared = previous
            send.close()   # the process beside holds the only writing end

    def result(self) -> R:
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise ProcessLost(f"the process beside ended without a result (exit code {self._process.exitcode})") \
                from None
        finally:
            self.close()
        if not ok:
            raise ProcessLost(f"the process beside failed: {value}")
        return value

    def close(self) -> None:
        """Stop the process (its result, if any, is dropped)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._receive.close()
            self._process = None


class ProcessLost(RuntimeError):
    """The process beside failed or ended without a result."""


def _beside(function: Callable[[], R], send) -> None:
    try:
        outcome = (True, function())
    except BaseException as exc:   # noqa: BLE001  (reported to the caller, which decides)
        outcome = (False, f"{type(exc).__name__}: {exc}")
    send.send(outcome)
    send.close()
