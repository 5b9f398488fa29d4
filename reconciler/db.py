"""Opening a database: SQLite file or PostgreSQL URL, schema checks and upgrades.

SQLite is shared by several fact-checkers at once, so every connection gets a busy timeout
and foreign keys, and write transactions start with ``BEGIN IMMEDIATE``: a transaction that
starts as a reader and later writes can otherwise fail at once with "database is locked"
instead of waiting. pysqlite's own transaction handling is switched off as SQLAlchemy's
documentation describes ("Serializable isolation / Savepoints / Transactional DDL"), and the
hooks below emit BEGIN themselves.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .errors import BusyError, SchemaError

T = TypeVar("T")

JOURNAL_MODES = ("wal", "delete", "truncate", "persist")
DEFAULT_BUSY_TIMEOUT = 30.0


def is_url(target: str) -> bool:
    return "://" in target


def display_target(target: str) -> str:
    """A file path as given; a URL with its password masked."""
    if not is_url(target):
        return target
    return make_url(url_for(target)).render_as_string(hide_password=True)


def url_for(target: str) -> str:
    """A SQLAlchemy URL for a file path or a URL given with --db."""
    if is_url(target):
        if target.startswith("postgresql://"):
            return "postgresql+psycopg://" + target[len("postgresql://"):]
        if target.startswith("postgres://"):
            return "postgresql+psycopg://" + target[len("postgres://"):]
        return target
    return "sqlite:///" + str(Path(target).expanduser().resolve())


# PostgreSQL's word for the same: a deadlock between two writers (one of them is rolled back), a
# serialisation failure, a lock not available. Each leaves its transaction rolled back whole, so
# running it again is safe. (``sqlstate`` with psycopg 3, ``pgcode`` with psycopg2.)
_PG_BUSY_STATES = {"40P01", "40001", "55P03"}


def _sqlstate(orig: BaseException) -> str | None:
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def _is_busy(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.OperationalError):
        return "locked" in str(orig) or "busy" in str(orig)
    return _sqlstate(orig) in _PG_BUSY_STATES


def _set_journal_mode(cursor, mode: str, busy_timeout: float) -> None:
    """Switching the journal mode needs a moment alone with the file; the busy handler does
    not cover it, so wait and retry here."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            cursor.execute(f"PRAGMA journal_mode = {mode}")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_engine(url: str, *, immediate: bool, busy_timeout: float, journal_mode: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if journal_mode:
            current = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if current.lower() != journal_mode:
                _set_journal_mode(cursor, journal_mode, busy_timeout)
        cursor.execute("PRAGMA synchronous = NORMAL" if journal_mode == "wal" else "PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Database:
    """Two engines on one database: ``reader`` for read-only work, ``writer`` for changes.

    On SQLite the writer's transactions take the write lock at BEGIN (``BEGIN IMMEDIATE``),
    so two writers queue on the busy timeout instead of deadlocking half-way.
    """

    target: str
    reader: Engine
    writer: Engine
    busy_timeout: float

    @property
    def is_sqlite(self) -> bool:
        return self.writer.dialect.name == "sqlite"

    @property
    def label(self) -> str:
        """The target as shown to people: a URL without its password."""
        return display_target(self.target)

    @property
    def path(self) -> Path | None:
        return None if is_url(self.target) else Path(self.target)

    def read(self) -> Session:
        return sessionmaker(self.reader, expire_on_commit=False)()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on any error."""
        session = sessionmaker(self.writer, expire_on_commit=False)()
        try:
            with busy_errors(self.busy_timeout):
                with session.begin():
                    yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.reader.dispose()
        self.writer.dispose()


@contextmanager
def busy_errors(timeout: float) -> Iterator[None]:
    """Turn SQLite's 'database is locked' (and PostgreSQL's deadlocks between writers) into
    :class:`BusyError` with a one-line message."""
    try:
        yield
    except OperationalError as exc:
        if _is_busy(exc):
            orig = getattr(exc, "orig", exc)
            if isinstance(orig, sqlite3.OperationalError):
                message = (f"the database stayed locked by another writer for more than {timeout:g} s; "
                           "try again, or raise --busy-timeout")
            elif _sqlstate(orig) == "55P03":
                message = (f"another writer held a lock this needed for more than {timeout:g} s; "
                           "try again, or raise --busy-timeout")
            else:
                first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
                message = (f"another writer was in the way and PostgreSQL rolled this transaction back ({first}); "
                           "try again")
            raise BusyError(message) from None
        raise


def retry_busy(fn: Callable[[], T], *, attempts: int = 5, pause: float = 0.2) -> T:
    """Call ``fn``; if it fails on a busy database, wait a little and call it again."""
    for attempt in range(attempts):
        try:
            return fn()
        except BusyError:
            if attempt == attempts - 1:
                raise
            time.sleep(pause * (attempt + 1))
    raise AssertionError("unreachable")


def open_database(
    target: str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, journal_mode: str = "wal"
) -> Database:
    """Engines for ``target`` (a file path or a URL). Does not check or create the schema."""
    url = url_for(target)
    if url.startswith("sqlite"):
        journal_mode = journal_mode.lower()
        if journal_mode not in JOURNAL_MODES:
            raise SchemaError(f"unknown journal mode {journal_mode!r}; expected one of {', '.join(JOURNAL_MODES)}")
        reader = _sqlite_engine(url, immediate=False, busy_timeout=busy_timeout, journal_mode=journal_mode)
        writer = _sqlite_engine(url, immediate=True, busy_timeout=busy_timeout, journal_mode=journal_mode)
    else:
        # A writer waits for another's locks as long as the busy timeout, as on SQLite, then gives
        # up with SQLSTATE 55P03 (a busy error), instead of hanging behind a stuck transaction.
        options = f"-c lock_timeout={max(int(busy_timeout * 1000), 1)}"
        reader = writer = create_engine(url, pool_pre_ping=True, connect_args={"options": options})
    return Database(target, reader, writer, busy_timeout)


def database_exists(target: str) -> bool:
    """For a file path: whether the file exists. URLs name a server database: assumed to exist."""
    return is_url(target) or Path(target).expanduser().exists()


def is_empty(db: Database) -> bool:
    """True when the database holds no tables at all."""
    with busy_errors(db.busy_timeout), db.reader.connect() as conn:
        return not inspect(conn).get_table_names()


def current_revision(db: Database) -> str | None:
    with busy_errors(db.busy_timeout), db.reader.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
