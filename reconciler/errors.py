"""The library's exceptions. The CLI maps each to a one-line message and an exit code."""

from __future__ import annotations

from dataclasses import dataclass


class ReconcileError(Exception):
    """Base of every error the library raises on purpose. ``field``, where set, names the
    option or file field at fault, so a caller can point at it."""

    exit_code = 1
    field: str | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, precise enough to fix it by hand.

    ``line`` is 1-based (for CSV, the physical line of the record); ``field`` is the
    input field name, or None when the whole line or file is at fault. ``remedy``, where set,
    names what a person can do that the message leaves to the caller to word: "update" (apply
    the change by importing again, saying so), "register" (register the source first, declared
    distinct from ``others``).
    """

    file: str
    line: int | None
    field: str | None
    message: str
    remedy: str | None = None
    others: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


class InputError(ReconcileError):
    """A file was rejected as a whole; ``problems`` lists every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):   # as it was made: it crosses from a forked process as itself
        return type(self), (self.problems,)


class RefusedInput(InputError):
    """A well-formed file asks for something refused without a person's say-so (a change to a
    registered source without --update, a look-alike of one); nothing was written."""

    exit_code = 1


class LookalikeError(ReconcileError):
    """A new name or alias looks like a stored source's name or alias (UTS #39 skeletons).

    ``description`` says which ("'Ꮩaldorian General Staff' looks like the registered source
    'Valdorian General Staff' (it has U+13D9 CHEROKEE LETTER DO)"); ``others`` are the stored
    names a person may declare it distinct from. Its message leaves how to say so to the caller
    (:meth:`message`).
    """

    exit_code = 1

    def __init__(self, description: str, others: tuple[str, ...], field: str = "name"):
        self.description, self.others, self.field = description, tuple(others), field
        super().__init__(f"{description}; if it is that source, use its name; if it is a different source, say so")

    def __reduce__(self):   # as it was made: it crosses from a forked process as itself
        return type(self), (self.description, self.others, self.field)

    def message(self, remedy: str) -> str:
        """The description with what to do; ``remedy`` says how to declare the sources different."""
        return f"{self} with {remedy}"


class ValueParseError(ReconcileError, ValueError):
    """A single value (a date, a figure) could not be parsed; the message says what was expected."""

    exit_code = 2


class SchemaError(ReconcileError):
    """The database is missing, out of date, or made by a newer version. ``reason``, where
    known, says which: "missing" (no schema), "old" (an older schema), "newer" (made by a newer
    version), "not_a_database" (a file that is not one); a caller adds what to do about it."""

    exit_code = 3

    def __init__(self, message: str, *, reason: str | None = None):
        super().__init__(message)
        self.reason = reason


class DatabaseDamaged(SchemaError):
    """SQLite found the file damaged (a corrupted page, a truncated file)."""


class NotWritable(ReconcileError):
    """The database cannot be written where it is: a read-only or immutable file, a read-only
    directory or file system, a full disk. Commands that only read it still work."""

    exit_code = 8


class NotFound(ReconcileError):
    """Nothing of ``kind`` ("claim", "event", "source", "status") is stored under ``key`` (the id
    or name asked for). The message is ``detail`` where given, else "no claim 12"; it names no
    command: a caller adds its own hint on where to look (the command line: by ``kind``)."""

    exit_code = 4

    def __init__(self, kind: str, key: object, detail: str | None = None):
        self.kind, self.key, self.detail = kind, key, detail
        super().__init__(detail if detail is not None else f"no {kind} {key}")


class ConflictError(ReconcileError):
    """Somebody else changed the object since it was read (optimistic version check)."""

    exit_code = 5


class StaleVersion(ConflictError):
    """Event ``event_id`` moved on since a person looked at it: ``retired`` (merged or split
    away), or now at version ``actual`` where they decided on ``expected`` (both None: changed
    by somebody else while this was being written)."""

    def __init__(self, message: str, event_id: int | None = None, *, expected: int | None = None,
                 actual: int | None = None, retired: bool = False):
        super().__init__(message)
        self.event_id, self.expected, self.actual, self.retired = event_id, expected, actual, retired


class GradedByHand(ConflictError):
    """Event ``event_id`` (at ``version``) was graded by another person, whose grade a new one
    would replace unseen: a person replaces it by deciding on that version."""

    def __init__(self, message: str, event_id: int | None = None, version: int | None = None):
        super().__init__(message)
        self.event_id, self.version = event_id, version


class BusyError(ReconcileError):
    """Another writer was in the way: SQLite stayed locked past the timeout, or PostgreSQL rolled
    the transaction back (a deadlock, a serialisation failure). Running it again is safe.
    ``timeout``: the seconds waited for a lock, where waiting longer could help (None: it
    would not)."""

    exit_code = 6

    def __init__(self, message: str, *, timeout: float | None = None):
        super().__init__(message)
        self.timeout = timeout


class RunLockedError(BusyError):
    """Another `reconcile run` holds the run lease; ``waited``: the seconds waited for it."""

    def __init__(self, message: str, *, waited: float | None = None):
        super().__init__(message)
        self.waited = waited


class AuditError(ReconcileError):
    """The audit trail is broken, or rows changed behind its back (reconciler.content)."""

    exit_code = 7


class ContentChanged(AuditError):
    """Rows the command would read or build on were changed outside reconcile; ``findings``
    names each (reconciler.content.Finding); ``done`` says what the command did ("nothing was
    graded"), ``then`` what to do once the rows are restored ("run again")."""

    def __init__(self, message: str, findings: list, done: str = "", then: str = ""):
        super().__init__(message)
        self.findings, self.done, self.then = list(findings), done, then


class UnsupportedExport(ReconcileError):
    """``kind`` cannot be exported as ``format``; ``formats`` are the ones it can."""

    exit_code = 2

    def __init__(self, kind: str, format: str, formats: tuple[str, ...]):
        self.kind, self.format, self.formats = kind, format, tuple(formats)
        super().__init__(f"{kind} cannot be exported as {format}; expected one of {', '.join(self.formats)}")


class ExtractError(ReconcileError):
    """A report could not be drafted from: ``file`` and ``reason`` say which and why (a binary
    or empty file, a language the extractor has no rules for, a text with no claims)."""

    exit_code = 2

    def __init__(self, file: str, reason: str):
        self.file, self.reason = file, reason
        super().__init__(f"{file}: {reason}")


class NotADraft(ReconcileError):
    """Claim ``claim_id`` was not imported as a draft: there is nothing to accept or reject."""

    def __init__(self, claim_id: int):
        self.claim_id = claim_id
        super().__init__(f"claim {claim_id} is not a draft")


class DraftNotSettled(ReconcileError):
    """Draft ``claim_id`` is not settled: there is no decision on it to take back."""

    def __init__(self, claim_id: int):
        self.claim_id = claim_id
        super().__init__(f"claim {claim_id} is a draft not yet accepted or rejected: there is no decision to take back")


class DraftSettled(ReconcileError):
    """Draft ``claim_id`` was settled already: ``state`` ('accepted' or 'rejected') by ``by``
    at ``at``. A decision on a draft is not taken back by deciding again."""

    def __init__(self, claim_id: int, state: str, by: str | None, at: object):
        self.claim_id, self.state, self.by, self.at = claim_id, state, by, at
        when = f" at {at:%Y-%m-%d %H:%M:%S} UTC" if hasattr(at, "strftime") else ""
        super().__init__(f"claim {claim_id} is a draft already {state}" + (f" by {by}{when}" if by else ""))


class WorkerLost(ReconcileError):
    """A forked worker process ended without a result: killed, or out of memory
    (reconciler.processes.forked_map)."""
