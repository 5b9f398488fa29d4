"""Shared state of one command: the database and the user; how library errors are shown."""

from __future__ import annotations

import functools
import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

import click
from sqlalchemy.orm import Session

from reconciler import schema
from reconciler.content import Finding
from reconciler.db import Database, database_exists, display_target, is_empty, is_url, open_database, retry_busy
from reconciler.errors import (BusyError, ContentChanged, DraftSettled, GradedByHand, InputError, LookalikeError,
                               NotADraft, NotFound, Problem, ReconcileError, RunLockedError, SchemaError,
                               StaleVersion, WorkerLost)
from reconciler.events import EventFilter
from reconciler.limits import RANGES, Limits
from reconciler.models import STATUSES

from .output import say


T = TypeVar("T")


def default_user() -> str:
    user = os.environ.get("RECONCILE_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class AppContext:
    target: str
    user: str
    busy_timeout: float
    journal_mode: str
    _db: Database | None = field(default=None, repr=False)
    _created: bool = field(default=False, repr=False)  # this command made the file

    def database(self, *, create: bool = False) -> Database:
        """The database, schema-checked. With ``create``, a missing file is created and the
        user told so (commands that write); without it a missing file is an error."""
        if self._db is not None:
            return self._db
        exists = database_exists(self.target)
        if not exists and not create:
            raise SchemaError(f"no database at {display_target(self.target)}; create one with `reconcile init` "
                              "or by importing claims")
        db = open_database(self.target, busy_timeout=self.busy_timeout, journal_mode=self.journal_mode)
        if exists and create and is_url(self.target) and is_empty(db):
            exists = False  # a new, empty server database: the first write creates the schema
        if not exists:
            schema.upgrade(db)
            self._created = True
        else:
            schema.check(db)
        self._db = db
        return db

    def write(self, work: Callable[[Session], T], *, create: bool = False) -> T:
        """Run ``work(session)`` in one write transaction, retried if the database stays busy.

        A busy failure rolls the whole transaction back, so running it again is safe.
        """
        db = self.database(create=create)

        def attempt() -> T:
            with db.write() as session:
                return work(session)

        try:
            result = retry_busy(attempt, attempts=3)
        except BaseException:
            self._forget_new_file()
            raise
        if self._created:
            say(f"Created a new database at {db.label}", err=True)
            self._created = False
        return result

    def _forget_new_file(self) -> None:
        """A write that failed on a file this command created leaves no file behind."""
        if not self._created or self._db is None or self._db.path is None:
            return
        self._db.dispose()
        self._db, self._created = None, False
        path = self._db_path()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    def _db_path(self) -> Path:
        return Path(self.target).expanduser()

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def place_as_written(claim: dict) -> str:
    """A claim's place as written, or the region it names instead ("region: Донеччина")."""
    if claim.get("place"):
        return claim["place"]
    return f"region: {claim['region']}" if claim.get("region") else ""


class UsageProblem(click.ClickException):
    """A command used where it cannot work: one 'Error: ...' line, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        say(f"Error: {self.message}", err=True)


# Each input limit: its option, environment variable and help (the figures: reconciler.limits).
_LIMIT_OPTIONS = (
    ("line_bytes", "--max-line-bytes", "Most bytes in one line (a CSV record) of an input file."),
    ("name_chars", "--max-name-chars", "Most characters in a name: source, via, place, region, type, target, "
                                       "actor, victims, ref; a source's name, aliases, parent and side."),
    ("text_chars", "--max-text-chars", "Most characters in text, note and report."),
    ("depth", "--max-depth", "Most levels of lists and objects in one record (JSON, YAML)."),
)


def limit_options(*names: str) -> Callable[[Callable], Callable]:
    """Add the input limits ``names`` (all by default) as options and environment variables; the
    command gets ``limits``, the others at their defaults."""
    chosen = [option for option in _LIMIT_OPTIONS if not names or option[0] in names]

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def with_limits(*args: Any, **kwargs: Any) -> Any:
            limits = Limits(**{name: kwargs.pop(f"max_{name}") for name, _, _ in chosen})
            return command(*args, limits=limits, **kwargs)

        defaults = Limits()
        for name, option, text in reversed(chosen):
            low, high = RANGES[name]
            with_limits = click.option(option, f"max_{name}", type=click.IntRange(low, high),
                                       default=getattr(defaults, name), show_default=True, metavar="N",
                                       envvar=f"RECONCILE_{option[2:].upper().replace('-', '_')}", show_envvar=True,
                                       help=text)(with_limits)
        return with_limits

    return decorate


def event_filter_options(status_help: str) -> Callable[[Callable], Callable]:
    """Add --status, --since and --until (the events export and report choose); the command gets
    ``flt``, a reconciler.events.EventFilter, --since after --until refused."""
    day = click.DateTime(["%Y-%m-%d"])

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def with_filter(*args: Any, status: str | None, since: Any, until: Any, **kwargs: Any) -> Any:
            flt = EventFilter(status, since and since.date(), until and until.date())
            if flt.since and flt.until and flt.since > flt.until:
                raise UsageProblem(f"--since {flt.since.isoformat()} is after --until {flt.until.isoformat()}")
            return command(*args, flt=flt, **kwargs)

        with_filter = click.option("--until", type=day, metavar="YYYY-MM-DD",
                                   help="Only events whose dates begin on this day or earlier.")(with_filter)
        with_filter = click.option("--since", type=day, metavar="YYYY-MM-DD",
                                   help="Only events whose dates reach this day or later.")(with_filter)
        return click.option("--status", type=click.Choice(STATUSES), help=status_help)(with_filter)

    return decorate


# The command line's hints: the library states what happened (with fields), and names no
# command; what to type about it is said here.

# Where to look for what was not found, by NotFound.kind: added to the library's message.
NOT_FOUND_HINTS = {
    "claim": "list them with `reconcile claims`",
    "event": "list them with `reconcile events`",
}

# What to do about a database's schema, by SchemaError.reason.
SCHEMA_HINTS = {
    "missing": "run `reconcile init` to create one",
    "old": "run `reconcile init` to upgrade it",
    "newer": "upgrade reconcile to use it",
    "not_a_database": "give --db an existing reconcile database or a new file name",
    "sqlite_too_old": "use a Python whose sqlite3 module is SQLite 3.35 or later (python -c \"import sqlite3; "
                      "print(sqlite3.sqlite_version)\" says which), or a PostgreSQL server (--db postgresql://...)",
}

# What to do about a problem in an input file, by Problem.remedy.
PROBLEM_HINTS = {
    "update": "to apply the change, import again with --update",
    "date_order": "say which with --date-order mdy (month/day/year) or --date-order dmy (day/month/year)",
}

# Said of a near event whose claims changed since the last run (near_events' changed_since_run).
RERUN_HINT = "`reconcile run` re-decides them"


def error_message(error: ReconcileError) -> str:
    """The library's message, with the command line's hint on what to do where it has one."""
    if isinstance(error, ContentChanged):
        return content_changed_message(error)
    if isinstance(error, LookalikeError):
        return error.message(" ".join(f"--distinct-from {o!r}" for o in error.others))
    if isinstance(error, RunLockedError):
        return f"{error} (--wait to wait longer)" if error.waited is not None else str(error)
    hint = _hint(error)
    return f"{error}; {hint}" if hint else str(error)


def _hint(error: ReconcileError) -> str | None:
    if isinstance(error, NotADraft):
        return "only claims imported with a draft member are; list them with `reconcile drafts`"
    if isinstance(error, DraftSettled):
        return f"to take that decision back: `reconcile reopen {error.claim_id}`"
    if isinstance(error, NotFound):
        return NOT_FOUND_HINTS.get(error.kind)
    if isinstance(error, SchemaError):
        return SCHEMA_HINTS.get(error.reason)
    if isinstance(error, BusyError):
        return "try again, or raise --busy-timeout" if error.timeout is not None else None
    if isinstance(error, StaleVersion) and error.event_id is not None:
        if error.retired:
            return f"see `reconcile show {error.event_id}` for what it became"
        return f"look again with `reconcile show {error.event_id}`"
    if isinstance(error, WorkerLost):
        return "nothing was written; do it again, with --workers 1 to do the work in one process"
    if isinstance(error, GradedByHand) and error.event_id is not None:
        return (f"to replace that grade, look at it with `reconcile show {error.event_id}` "
                f"and pass --if-version {error.version}")
    return None


def problem_message(problem: Problem) -> str:
    """One problem of an input file, with what to do about it where the command line says."""
    if problem.remedy == "register":
        flags = " ".join(f"--distinct-from {o!r}" for o in problem.others)
        return f"{problem} with `reconcile sources add NAME {flags}`"
    hint = PROBLEM_HINTS.get(problem.remedy)
    return f"{problem}; {hint}" if hint else str(problem)


def content_changed_message(error: ContentChanged) -> str:
    """What changed outside reconcile, and how to restore it or record it as it is."""
    if len(error.findings) != 1:
        return f"{error}. `reconcile audit verify` names each; restore them, then {error.then}"
    return f"{error}. {_restore(error.findings[0])}, then {error.then}"


def _restore(finding: Finding) -> str:
    """The commands that put back (or record as it is) one row changed outside reconcile."""
    kind, first, second = finding.key
    if kind == "place" and finding.change == "edited":
        return ("Import its file again (`reconcile places import FILE`), restore the database from a backup, "
                "or record it as it is now with `reconcile audit accept --reason TEXT`")
    if finding.change == "inserted" or kind in ("source", "place") or finding.change in ("table", "run_hash"):
        return ("Restore the database from a backup, or record it as it is now with "
                "`reconcile audit accept --reason TEXT`")
    if kind == "claim":
        back = f": it comes back as claim {first}" if finding.change == "deleted" else ""
        return f"Re-import the file that holds it (`reconcile import FILE`{back}) or restore the database from a backup"
    if kind == "decision":
        return f"Decide it again (`reconcile link {first} {second}` or `reconcile unlink {first} {second}`)"
    return f"Grade it again (`reconcile grade {first} --status S --reason R`, or `--auto`)"


def near_reason(item: dict) -> str:
    """Why a near event stayed apart (reconciler.decisions.near_events), with what to run where
    its claims changed since the last run."""
    return f"{item['why_apart']}: {RERUN_HINT}" if item.get("changed_since_run") else item["why_apart"]


class CommandError(click.ClickException):
    """A library error shown as 'Error: ...' lines with the error's own exit code."""

    def __init__(self, error: ReconcileError):
        super().__init__(error_message(error))
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        if isinstance(self.error, InputError):
            problems = self.error.problems
            for problem in problems:
                say(f"Error: {problem_message(problem)}", err=True)
            say(f"Rejected: {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
                "nothing was written to the database.", err=True)
            return
        say(f"Error: {self.message}", err=True)
