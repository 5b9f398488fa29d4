"""Opening a database: SQLite file or PostgreSQL URL, schema checks and upgrades.

SQLite is shared by several fact-checkers at once, so every connection gets a busy timeout
and foreign keys, and write transactions start with ``BEGIN IMMEDIATE``: a transaction that
starts as a reader and later writes can otherwise fail at once with "database is locked"
instead of waiting. pysqlite's own transaction handling is switched off as SQLAlchemy's
documentation describes ("Serializable isolation / Savepoints / Transactional DDL"), and the
hooks below emit BEGIN themselves.

Long ``IN (...)`` lists go one chunk a statement (:func:`chunks`, :func:`select_in`): SQLite
caps the variables of one statement.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import stat
import time
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Sequence, TypeVar
from urllib.parse import quote

from sqlalchemy import (URL, ColumnElement, Connection, Engine, Row, Select, String, Text, any_, bindparam, create_engine,
                        delete, event, inspect, make_url, text)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .errors import BusyError, DatabaseDamaged, NotWritable, ReconcileError, SchemaError

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


def url_for(target: str) -> str | URL:
    """A SQLAlchemy URL for a file path or a URL given with --db.

    A file path is used literally: ``report?final.sqlite`` names that file, not ``report`` with
    a query. It becomes SQLite's own URI (``file:///dir/report%3Ffinal.sqlite``) with every
    character that URIs treat specially percent-encoded, handed over as a URL object so that
    SQLAlchemy parses none of it.
    """
    if is_url(target):
        if target.startswith("postgresql://"):
            return "postgresql+psycopg://" + target[len("postgresql://"):]
        if target.startswith("postgres://"):
            return "postgresql+psycopg://" + target[len("postgres://"):]
        return target
    return URL.create("sqlite", database="file://" + quote(str(sqlite_path(target)), safe="/"), query={"uri": "true"})


def sqlite_path(target: str) -> Path:
    """The absolute path of the SQLite file that --db names."""
    return Path(target).expanduser().resolve()


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
    not cover it, so wait and retry here. A file that cannot be written here keeps its mode:
    reading does not need the switch, and a write fails on its own with a clear message."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            cursor.execute(f"PRAGMA journal_mode = {mode}")
            return
        except sqlite3.OperationalError as exc:
            if _sqlite_code(exc) in (SQLITE_READONLY, SQLITE_CANTOPEN):
                return
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _connect_for_reading(path: Path, cargs: list, cparams: dict) -> sqlite3.Connection:
    """A connection for reading, which works on a read-only file system too.

    SQLite reads a WAL file only with its ``-shm`` file beside it; on a read-only mount it can
    create neither, and the file cannot be opened at all. There the file is opened immutable
    (SQLite's ``immutable=1``: no locks, no shared memory), which is right because nothing can
    change it through that mount. (Somebody writing it by another path meanwhile would not be
    seen: a read-only mount of a file in use elsewhere is not supported.)
    """
    connection = sqlite3.connect(*cargs, **cparams)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError as exc:
        connection.close()
        if _sqlite_code(exc) != SQLITE_CANTOPEN or not path.exists() or not _read_only_file_system(path):
            raise
    filename, *rest = cargs
    return sqlite3.connect(filename + ("&" if "?" in filename else "?") + "mode=ro&immutable=1", *rest, **cparams)


def _sqlite_engine(url: URL, path: Path, *, immediate: bool, busy_timeout: float, journal_mode: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": busy_timeout}, json_serializer=_json_serializer)

    if not immediate:
        @event.listens_for(engine, "do_connect")
        def _on_do_connect(_dialect, _record, cargs, cparams):
            return _connect_for_reading(path, cargs, cparams)

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
        # What the connection had written when it took the write lock (unwritten_file).
        conn.info[_CHANGES_AT_BEGIN] = conn.connection.dbapi_connection.total_changes if immediate else None

    return engine


_CHANGES_AT_BEGIN = "reconcile.changes_at_begin"


def unwritten_file(session: Session) -> str | None:
    """The SQLite file of the session's write transaction while that has written nothing yet,
    in WAL mode: a second connection reading the file now sees just what the transaction sees
    (it holds the write lock from BEGIN, so nobody commits until it ends, and it has changed no
    row). None on PostgreSQL, with a rollback journal, outside a write transaction, or once the
    transaction has written a row."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return None
    at_begin = conn.info.get(_CHANGES_AT_BEGIN)
    raw = conn.connection.dbapi_connection
    if at_begin is None or raw.total_changes != at_begin:
        return None
    if conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() != "wal":
        return None
    path = conn.exec_driver_sql("PRAGMA database_list").first()[2]
    return path or None


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
            with self.errors():
                with session.begin():
                    yield session
        finally:
            session.close()

    def errors(self) -> AbstractContextManager[None]:
        """A context in which the driver's errors that a user can cause become ReconcileErrors."""
        return database_errors(self.target, self.busy_timeout)

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
        error = _busy_error(exc, timeout)
        if error is None:
            raise
        raise error from None


def _busy_error(exc: BaseException, timeout: float) -> BusyError | None:
    if not _is_busy(exc):
        return None
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.OperationalError):
        return BusyError(f"the database stayed locked by another writer for more than {timeout:g} s",
                         timeout=timeout)
    if _sqlstate(orig) == "55P03":
        return BusyError(f"another writer held a lock this needed for more than {timeout:g} s", timeout=timeout)
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return BusyError(f"another writer was in the way and PostgreSQL rolled this transaction back ({first}); "
                     "try again")


# SQLite's primary result codes (https://sqlite.org/rescode.html); an extended code carries its
# primary code in the low byte.
SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_NOTADB = 8, 10, 11, 14, 13, 26


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


@contextmanager
def database_errors(target: str, busy_timeout: float) -> Iterator[None]:
    """Turn the driver's errors that a user can cause into ReconcileErrors (:func:`database_error`)."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        error = database_error(exc, target, busy_timeout)
        if error is None:
            raise
        raise error from None


def database_error(exc: BaseException, target: str, busy_timeout: float) -> ReconcileError | None:
    """The error a person should see for a database driver's exception, in one line.

    Args:
        exc: the exception, SQLAlchemy's or the driver's own.
        target: the --db value, as the user gave it.
        busy_timeout: the seconds waited for a lock, for the busy message.
    Returns:
        :class:`BusyError` (locked), :class:`NotWritable` (read-only or immutable file, read-only
        directory or file system, full disk), :class:`DatabaseDamaged` (a corrupted page, an I/O
        error), :class:`SchemaError` (not a database, unreadable, a directory that does not
        exist), or None for anything else: a fault of the program, not of the file, which
        should show as such.
    """
    busy = _busy_error(exc, busy_timeout)
    orig = getattr(exc, "orig", exc)
    if busy is not None or not isinstance(orig, sqlite3.Error) or is_url(target):
        return busy
    code, label, path = _sqlite_code(orig), display_target(target), sqlite_path(target)
    if code == SQLITE_NOTADB:
        return SchemaError(f"cannot open {label} as a database ({orig})", reason="not_a_database")
    if code == SQLITE_CORRUPT:
        return DatabaseDamaged(f"{label} is damaged ({orig}); restore it from a backup, or save what is still "
                               f"readable with `sqlite3 {shlex.quote(target)} .recover`")
    if code not in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_FULL):
        return None
    if not path.exists():
        if not path.parent.is_dir():
            return SchemaError(f"cannot create {label}: the directory {Path(target).parent} does not exist")
        why = _why_not_creatable(path)
        return SchemaError(f"cannot create {label} ({orig})") if why is None else NotWritable(
            f"cannot create {label}: {why}")
    if not os.access(path, os.R_OK):
        return SchemaError(f"cannot open {label}: you have no permission to read the file")
    why = "the disk is full" if code == SQLITE_FULL else _why_not_writable(path)
    if why == _DIRECTORY:
        return NotWritable(f"{label} cannot be written: {why}; only a file not in WAL mode can still be read there")
    if why is not None:
        return NotWritable(f"{label} cannot be written: {why}; commands that only read it still work")
    if code == SQLITE_READONLY:
        return NotWritable(f"{label} cannot be written ({orig}); commands that only read it still work")
    return DatabaseDamaged(f"cannot read or write {label} ({orig}); check the file and the disk it is on")


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _bits_allow_writing(info: os.stat_result) -> bool:
    """Whether the permission bits let this process write (what root's override ignores)."""
    if info.st_uid == os.geteuid():
        return bool(info.st_mode & stat.S_IWUSR)
    if info.st_gid == os.getegid() or info.st_gid in os.getgroups():
        return bool(info.st_mode & stat.S_IWGRP)
    return bool(info.st_mode & stat.S_IWOTH)


def _why_not_writable(path: Path) -> str | None:
    """Why the existing database at ``path`` cannot be written, in words a person can act on;
    None when nothing here forbids it. (It never opens the file: closing any descriptor of a
    file drops the process's SQLite locks on it.)"""
    if _read_only_file_system(path):
        return "it is on a read-only file system"
    if not os.access(path, os.W_OK):
        if not _bits_allow_writing(path.stat()):
            return "you have no permission to write the file"
        return "the file is marked immutable (chattr +i) or otherwise protected"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return _DIRECTORY
    return None


# SQLite creates its journal beside the file, and in WAL mode a -shm file that even readers need
# (on a read-only file system, readers open the file immutable instead: _connect_for_reading).
_DIRECTORY = "you cannot create files in its directory, where SQLite keeps its journal"


def _why_not_creatable(path: Path) -> str | None:
    if _read_only_file_system(path):
        return "its directory is on a read-only file system"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "you cannot create files in its directory"
    return None


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
    if isinstance(url, URL):
        journal_mode = journal_mode.lower()
        if journal_mode not in JOURNAL_MODES:
            raise SchemaError(f"unknown journal mode {journal_mode!r}; expected one of {', '.join(JOURNAL_MODES)}")
        path = sqlite_path(target)
        reader = _sqlite_engine(url, path, immediate=False, busy_timeout=busy_timeout, journal_mode=journal_mode)
        writer = _sqlite_engine(url, path, immediate=True, busy_timeout=busy_timeout, journal_mode=journal_mode)
    else:
        # A writer waits for another's locks as long as the busy timeout, as on SQLite, then gives
        # up with SQLSTATE 55P03 (a busy error), instead of hanging behind a stuck transaction.
        options = f"-c lock_timeout={max(int(busy_timeout * 1000), 1)}"
        connect_args: dict = {"options": options}
        if make_url(url).get_driver_name() == "psycopg":
            # Every statement planned for the values it is given and the tables as they are: no
            # statement prepared on the server. psycopg prepares a statement run five times, and
            # PostgreSQL may then keep one generic plan for it, made while a table was nearly
            # empty and before its statistics were gathered (as in the transaction of a first
            # import, or a run just after): a scan of every claim for each 500 fingerprints an
            # import looked up (an import that grew with the square of its claims), of the
            # whole review queue for each part of a run's claims.
            connect_args["prepare_threshold"] = None
        reader = writer = create_engine(url, pool_pre_ping=True, connect_args=connect_args,
                                        json_serializer=_json_serializer)
    return Database(target, reader, writer, busy_timeout)


def database_exists(target: str) -> bool:
    """For a file path: whether the file exists. URLs name a server database: assumed to exist."""
    return is_url(target) or Path(target).expanduser().exists()


def is_empty(db: Database) -> bool:
    """True when the database holds no tables at all."""
    with db.errors(), db.reader.connect() as conn:
        return not inspect(conn).get_table_names()


def current_revision(db: Database) -> str | None:
    with db.errors(), db.reader.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# Values a statement binds at most for an IN (...): under SQLite's old default limit of 999.
CHUNK = 900


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``: one statement each, to keep a long
    ``IN (...)`` list, or one batch of rows to insert, within the driver's limits (SQLite caps the
    variables of one statement)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


@contextmanager
def driver_errors(connection: Connection, statement: str) -> Iterator[None]:
    """The errors of work done with the driver's own cursor raised as a Core statement raises
    them (``DBAPIError``, the driver's error as ``orig``): the busy and deadlock handling
    (database_errors, busy_errors, retry_busy) and the CLI read those."""
    error = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except error as exc:
        raise DBAPIError.instance(statement, None, exc, error) from exc


def driver_rows(session: Session, sql: str) -> Iterator[tuple]:
    """The rows of ``sql`` (written by the caller: no values bound) from the driver's own
    cursor: plain tuples, fetched without a Python call each (SQLAlchemy's result makes two a
    row), for reads of every claim or link."""
    connection = session.connection()
    cursor = connection.connection.cursor()
    try:
        with driver_errors(connection, sql):
            cursor.execute(sql)
            yield from cursor
    finally:
        cursor.close()


def insert_rows(session: Session, table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (dicts of one table's columns, each with the same keys) in one executemany.

    SQLite: through the driver's own ``executemany``, each value bound by the column type's own
    SQLAlchemy processor (the same text stored as through Core, in about two thirds of the time:
    Core spends about 30 µs a row on a wide table). PostgreSQL with psycopg: the same values
    through ``COPY ... FROM STDIN`` (Core's multi-row INSERTs cost about four times as much: each
    batch's statement of fifty thousand parameters is parsed again). Elsewhere: a Core executemany."""
    if not rows:
        return
    names = list(rows[0])
    connection, processors = _insert_processors(session, table, names, ())
    if processors is None:
        connection.execute(table.insert(), list(rows))
        return
    named = list(zip(names, processors))
    _execute_insert(connection, table, names, ([row[name] if process is None else process(row[name])
                                                for name, process in named] for row in rows))


def insert_values(session: Session, table, names: Sequence[str], rows: Iterable[Sequence],
                  encoded: Collection[str] = ()) -> None:
    """:func:`insert_rows` of rows given as the values of the columns ``names``, in that order (no
    dict a row; rows of columns that need no processor go to the driver as they are). The
    columns in ``encoded`` hold values already encoded as the column stores them (JSON text made
    by :func:`json.dumps` in a worker process, where a :class:`JSONText` costs four times as
    much to send back): they are written as they are."""
    names = list(names)
    connection, processors = _insert_processors(session, table, names, encoded)
    if processors is None:
        wrap = [JSONText if name in encoded else None for name in names]
        batch = [{name: value if w is None else w(value) for name, w, value in zip(names, wrap, row)} for row in rows]
        if batch:
            connection.execute(table.insert(), batch)
        return
    if any(processors):
        rows = ([value if process is None else process(value) for value, process in zip(row, processors)]
                for row in rows)
    _execute_insert(connection, table, names, rows)


def _insert_processors(session: Session, table, names: list[str], encoded: Collection[str]):
    """(The connection, each column's bind processor or None), the processors None where the
    rows go through Core (neither SQLite nor PostgreSQL with psycopg)."""
    connection = session.connection()
    dialect = connection.dialect
    if not (dialect.name == "sqlite" or (dialect.name == "postgresql" and dialect.driver == "psycopg")):
        return connection, None
    # Core would fill a column left out with its default; here nothing would: the rows give them all.
    left_out = [c.name for c in table.c if c.name not in names and c.default is not None]
    if left_out:
        raise ValueError(f"insert_rows: the rows leave out {', '.join(left_out)}, which have defaults; give them")
    return connection, [None if name in encoded else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                        for name in names]


def _execute_insert(connection: Connection, table, names: list[str], values: Iterable[Sequence]) -> None:
    """The rows' values, bound as the driver takes them, inserted through the driver's own cursor."""
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    if dialect.name == "postgresql":
        sql = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
        with driver_errors(connection, sql), connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(sql) as copy:
                for row in values:
                    copy.write_row(row)
        return
    driver_executemany(connection, f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({', '.join('?' * len(names))})",
                       values)


def driver_executemany(connection: Connection, sql: str, rows: Iterable[Sequence]) -> None:
    """``sql`` (written by the caller, a ``?`` for each value: SQLite's driver) run once for each of
    ``rows`` through the driver's own executemany: no dict a row and no Core work, for values the
    driver takes as they are (integers, text, floats)."""
    cursor = connection.connection.cursor()
    try:
        with driver_errors(connection, sql):
            cursor.executemany(sql, rows)
    finally:
        cursor.close()


class JSONText(str):
    """A value already encoded as JSON, by :func:`json.dumps` as the engine would: a JSON
    column writes it as it is (encoded where it was made, such as in a worker process)."""


def _json_serializer(value) -> str:
    return value if isinstance(value, JSONText) else json.dumps(value)


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """``count`` new ids of ``table``'s integer primary key ``id``, ascending, for rows the
    caller then inserts whole in one executemany (asking the database for each inserted row's id
    in parameter order would insert them one at a time). SQLite: the ids after the largest, as
    SQLite itself gives them; the write transaction holds the file, so nobody else takes them.
    PostgreSQL: taken from the column's sequence, which never gives one twice."""
    if count <= 0:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        sequence = connection.exec_driver_sql(f"SELECT pg_get_serial_sequence('{table}', 'id')").scalar_one()
        return sorted(connection.execute(text("SELECT nextval(:seq) FROM generate_series(1, :n)"),
                                         {"seq": sequence, "n": count}).scalars())
    top = connection.exec_driver_sql(f'SELECT max(id) FROM "{table}"').scalar_one() or 0
    return list(range(top + 1, top + 1 + count))


# Values one statement gives PostgreSQL as one array (:func:`among`): no limit to keep to there
# but the memory of one statement's rows.
ARRAY_CHUNK = 20_000


def among(connection: Session | Connection, column, values: Sequence) -> ColumnElement[bool]:
    """``column IN values``, as each database takes it best: SQLite a parameter a value (within
    its limit of variables: the caller's chunks); PostgreSQL one array parameter (``= ANY``),
    since a list of 900 parameters is rendered, sent and parsed again for every statement (a
    run on 100,000 claims spent more on that than on its queries)."""
    if _dialect_name(connection) == "postgresql":
        # Text, not the column's VARCHAR(n): a cast to VARCHAR(n) would cut a longer value to n
        # characters, and it would match a stored one that begins alike.
        element = Text() if isinstance(column.type, String) else column.type
        return column == any_(bindparam(None, list(values), type_=ARRAY(element)))
    return column.in_(values)


def parts(connection: Session | Connection, values: Sequence, size: int) -> Iterator[Sequence]:
    """``values`` in parts for :func:`among`: of ``size`` (SQLite's limit of variables), or on
    PostgreSQL, where they go as one array, of ``ARRAY_CHUNK``."""
    if _dialect_name(connection) == "postgresql":
        size = max(size, ARRAY_CHUNK)
    return chunks(values, size)


def _dialect_name(connection: Session | Connection) -> str:
    return (connection.get_bind() if isinstance(connection, Session) else connection).dialect.name


def delete_in(session: Session, model, column, values: Sequence) -> None:
    """Delete the rows of ``model`` whose ``column`` is one of ``values``: one statement per
    part (:func:`parts`: SQLite's limit of variables; on PostgreSQL one array a part)."""
    for part in parts(session, values, CHUNK):
        session.execute(delete(model).where(among(session, column, part)))


def select_in(connection: Session | Connection, query: Select, column, values: Sequence, size: int) -> Iterator[Row]:
    """The rows of ``query`` whose ``column`` is one of ``values``, over one statement per
    ``size`` values (:func:`chunks`; on PostgreSQL, where they go as one array, per
    ``ARRAY_CHUNK``). Each statement's rows are fetched whole before they are given, so the
    caller may write between them."""
    for part in parts(connection, values, size):
        yield from connection.execute(query.where(among(connection, column, part))).all()
