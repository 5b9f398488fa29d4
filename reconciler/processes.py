"""Work in forked processes: a pool over tasks (:func:`forked_map`), one call beside the
caller's own work (:class:`Beside`) and a stream made ahead of the caller (:func:`forked_stream`).

The state reaches the processes by ``fork``, copy-on-write, never pickled; only results come
back. Processes never touch the caller's database connections. Where ``fork`` does not exist,
or with one processor, the work is done in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import threading
import traceback
from multiprocessing.connection import wait
from typing import Callable, Generic, Iterator, TypeVar

from .errors import WorkerLost

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
    """Whether work may go to forked processes: the system forks, and this process may have
    children (a daemonic one, such as a pool's worker or a process beside, may not)."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


# What the workers read, set just before the pool forks (copy-on-write: nothing is pickled).
_shared: tuple | None = None


def shared() -> tuple:
    """In a worker: the state :func:`forked_map` (or :class:`Beside`) was given."""
    return _shared


def forked_map(function: Callable[[T], R], tasks: list[T], state: tuple, workers: int) -> Iterator[R]:
    """``function`` over ``tasks`` in a pool of ``workers`` forked processes, results in task
    order. ``function`` is a module-level function (the pool names it to the workers) that reads
    ``state`` through :func:`shared`: the state reaches them by fork, copy-on-write, unpickled.
    With one worker, or without fork, the tasks run here, in order.

    A task that raises raises here in its turn, its exception as the worker raised it (or a
    RuntimeError naming it, where it would not come back as it was). A worker that ends
    without a result (killed, out of memory) raises :class:`WorkerLost` here, where a
    ``multiprocessing.Pool`` would wait for it forever."""
    global _shared
    previous, _shared = _shared, state
    try:
        if workers <= 1 or len(tasks) <= 1 or not can_fork():
            for task in tasks:
                yield function(task)
            return
        pool = _Pool(function, min(workers, len(tasks)))
        try:
            yield from pool.map(tasks)
        finally:
            pool.close()
    finally:
        _shared = previous


class _Pool:
    """Forked workers taking tasks from one pipe, each sending its results back on a pipe of its
    own, whose writing end only that worker holds: a worker that dies reads as a closed pipe
    here, so nothing waits forever. A window of tasks is in flight (``WINDOW`` a worker), not
    all of them: when the caller is the slower side, the workers' results do not pile up in this
    process (at a million claims the writing stage's rows did, by 100 MB or more, with
    ``Pool.imap``). Tasks are pickled here (a task that cannot be is an error here, not a task
    lost) and a thread of this process writes them, so that it never blocks on a full pipe while
    a worker blocks on sending it a result. A worker holds no writing end of the tasks' pipe, so
    it ends when this process does, however this process ends."""

    def __init__(self, function: Callable, processes: int):
        context = multiprocessing.get_context("fork")
        tasks_in, self.tasks_out = context.Pipe(duplex=False)
        taking = context.Lock()   # one worker reads a task at a time
        self.workers: list[tuple] = []   # (process, the reading end of its results)
        self.feed: queue.SimpleQueue = queue.SimpleQueue()
        self.feeder: threading.Thread | None = None
        try:
            for _ in range(processes):
                results_in, results_out = context.Pipe(duplex=False)
                # The worker closes what it inherits and must not hold: the tasks' writing end, and
                # the reading ends of the results (its own and the workers' before it).
                inherited = [self.tasks_out, results_in, *(r for _, r in self.workers)]
                process = context.Process(target=_work, args=(function, tasks_in, taking, results_out, inherited),
                                          daemon=True)
                process.start()
                results_out.close()   # the worker holds the only writing end of its results
                self.workers.append((process, results_in))
        except BaseException:
            self.close()
            raise
        finally:
            tasks_in.close()   # only the workers read the tasks: with none left, a write fails, never waits
        self.feeder = threading.Thread(target=self._feed, name="reconcile-task-feeder", daemon=True)
        self.feeder.start()

    def _feed(self) -> None:
        """In a thread: write the tasks as they come, until told to stop or no worker is left."""
        while (payload := self.feed.get()) is not None:
            try:
                self.tasks_out.send_bytes(payload)
            except OSError:   # every worker is gone: _receive says so
                return

    def map(self, tasks: list) -> Iterator:
        pending = enumerate(tasks)
        window = len(self.workers) * WINDOW
        done: dict[int, tuple[bool, object]] = {}
        sent = 0
        for index in range(len(tasks)):
            while sent < len(tasks) and sent - index < window:
                self.feed.put(_pickle(next(pending)))
                sent += 1
            while index not in done:
                self._receive(done)
            ok, value = done.pop(index)
            if not ok:
                raise value   # in its turn: after the results of the tasks before it
            yield value

    def _receive(self, done: dict[int, tuple[bool, object]]) -> None:
        """Wait for results, and keep those that came: (True, result) or (False, the exception
        the task raised), by task index."""
        readers = {results_in: process for process, results_in in self.workers}
        for reader in wait(list(readers)):
            try:
                index, ok, value = reader.recv()
            except (EOFError, OSError):   # closed, or closed half-way through a result
                process = readers[reader]
                process.join()
                raise WorkerLost(f"a worker process ended without a result ({_ending(process.exitcode)})") from None
            done[index] = (ok, value)

    def close(self) -> None:
        """Stop every worker at once, whatever it is doing: its results are no longer wanted."""
        for process, results_in in self.workers:
            if process.is_alive():
                process.terminate()
            process.join()
            results_in.close()
        self.workers = []
        if self.feeder is not None:
            self.feed.put(None)   # with no worker left, a write in progress fails (no reader) and it ends too
            self.feeder.join()
            self.feeder = None
        self.tasks_out.close()


def _pickle(value: object) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _ending(exitcode: int | None) -> str:
    """How a worker ended, in words."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        why = ": killed, perhaps for lack of memory" if -exitcode == signal.SIGKILL else ""
        return f"exit code {exitcode}, {name}{why}"
    return f"exit code {exitcode}"


def _work(function: Callable, tasks, taking, results, inherited: list) -> None:
    """A worker: each task from the pipe, its result (or its exception) back on its own pipe,
    until the tasks' pipe closes (the caller is done, or gone)."""
    for end in inherited:
        end.close()
    while True:
        try:
            with taking:
                payload = tasks.recv_bytes()
        except (EOFError, OSError):
            return
        index, task = pickle.loads(payload)
        try:
            outcome = (index, True, function(task))
        except BaseException as exc:   # noqa: BLE001  (raised again in the caller)
            exc.add_note(f"in a worker process:\n{traceback.format_exc()}")
            outcome = (index, False, _sendable(exc))
        try:
            results.send(outcome)
        except (BrokenPipeError, EOFError):   # the caller is gone
            return
        except Exception as exc:   # noqa: BLE001  (a result that cannot be pickled)
            results.send((index, False, RuntimeError(f"a worker's result could not be sent back: {exc!r}")))


def _sendable(exc: BaseException) -> BaseException:
    """The exception, or, where it would not come back as it is (an error whose constructor
    takes other arguments than its message), a RuntimeError saying what it was."""
    try:
        back = pickle.loads(_pickle(exc))
        if type(back) is type(exc) and str(back) == str(exc):
            return exc
    except Exception:   # noqa: BLE001
        pass
    plain = RuntimeError(f"{type(exc).__name__}: {exc}")
    for note in getattr(exc, "__notes__", ()):
        plain.add_note(note)
    return plain


def forked_stream(function: Callable[[], Iterator[R]], state: tuple) -> Iterator[R]:
    """The items of the generator ``function()``, made in one forked process while the caller
    works on those it was given already, in order. The process runs ahead by what the pipe holds
    (and the item it is sending), never further, so a long stream is never held whole. ``function``
    is a module-level generator function reading ``state`` through :func:`shared`. Without fork,
    the items are made here as they are asked for.

    An exception in the process raises here when its item's turn comes, as the process raised it
    (or a RuntimeError naming it); a process that ends without finishing (killed, out of memory)
    raises :class:`WorkerLost`. The caller stopping early (an error, or ``close()``) stops it. A
    fork the system refuses (memory, a limit on processes) makes the items here."""
    global _shared
    process = None
    if can_fork():
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        previous, _shared = _shared, state
        try:
            process = context.Process(target=_stream, args=(function, send, receive), daemon=True)
            process.start()
        except OSError:   # the system refused the fork (memory, a limit on processes): made here instead
            receive.close()
            process = None
        finally:
            _shared = previous
            send.close()   # the process holds the only writing end: its end reads as a closed pipe here
    if process is None:
        previous, _shared = _shared, state
        try:
            yield from function()
        finally:
            _shared = previous
        return
    try:
        while True:
            try:
                kind, value = receive.recv()
            except (EOFError, OSError):
                process.join()
                raise WorkerLost(f"the process reading ahead ended without finishing ({_ending(process.exitcode)})") \
                    from None
            if kind == "item":
                yield value
            elif kind == "done":
                return
            else:
                raise value
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        receive.close()


def _stream(function: Callable[[], Iterator], send, inherited) -> None:
    """The process of :func:`forked_stream`: each item on the pipe, then "done" (or the exception)."""
    inherited.close()
    try:
        for item in function():
            send.send(("item", item))
        outcome = ("done", None)
    except BaseException as exc:   # noqa: BLE001  (raised again in the caller)
        exc.add_note(f"in the process reading ahead:\n{traceback.format_exc()}")
        outcome = ("error", _sendable(exc))
    try:
        send.send(outcome)
    except (BrokenPipeError, EOFError):   # the caller is gone
        pass
    send.close()


class Beside(Generic[R]):
    """``function()`` in one forked process while the caller goes on with its own work;
    :meth:`result` waits for its value, or raises :class:`ProcessLost` when it raised (its
    message kept) or ended without a result (killed, out of memory): a pipe whose only writer is
    that process reads as closed then, so nothing waits forever. ``function`` is a module-level
    function reading ``state`` through :func:`shared`. The caller checks :func:`can_fork` first.
    With ``may_fork`` the process may fork processes of its own (it is then no daemon: killed
    without :meth:`close`, this process leaves it running)."""

    def __init__(self, function: Callable[[], R], state: tuple, may_fork: bool = False):
        global _shared
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        previous, _shared = _shared, state
        try:
            # Daemonic, so that it ends with this process, unless it must fork processes of its own.
            self._process = context.Process(target=_beside, args=(function, send), daemon=not may_fork)
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
