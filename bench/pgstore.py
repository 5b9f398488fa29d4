"""PostgreSQL for the benchmark: a fresh database per size and repeat.

`benchmark.py --postgres URL` measures every size on SQLite and then on the PostgreSQL server
that URL names. When the URL's user may create databases, each repeat gets a database of its
own (``reconcile_bench_<random>``, dropped afterwards unless ``--keep``), and the state after
the first run is kept for scoring as a copy (``CREATE DATABASE ... TEMPLATE``). Otherwise the
URL's own database is emptied (its tables dropped) before each repeat, which the benchmark does
only when that database holds nothing or only a reconcile schema (an ``alembic_version``
table); the first run is then scored at once, in the worker, before the incremental step.
"""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

PREFIX = "reconcile_bench_"


class Unreachable(Exception):
    """No PostgreSQL server answers at the URL, or no driver is installed."""


def _url(target: str) -> URL:
    from reconciler.db import url_for

    url = url_for(target)
    url = make_url(url) if isinstance(url, str) else url
    if not url.drivername.startswith("postgresql"):
        raise Unreachable(f"{target} is not a PostgreSQL URL (postgresql+psycopg://user@host/db)")
    return url


def render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _admin(url: URL):
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


class Refused(Exception):
    """The database may not be emptied for the benchmark."""


class Server:
    """The server a --postgres URL names, and how fresh databases are had on it."""

    def __init__(self, target: str):
        self.url = _url(target)
        try:
            engine = _admin(self.url)
            with engine.connect() as conn:
                self.version = conn.execute(text("SHOW server_version")).scalar()
                self.can_create = bool(conn.execute(text(
                    "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")).scalar())
            engine.dispose()
        except ImportError as exc:
            raise Unreachable(f"no PostgreSQL driver: {exc} (pip install -e '.[postgres]')") from None
        except Exception as exc:   # noqa: BLE001  (any failure to connect: say which, and stop)
            first = str(getattr(exc, "orig", exc)).strip().splitlines()
            raise Unreachable(f"no PostgreSQL server reachable at {self.label}: "
                              f"{first[0] if first else type(exc).__name__}") from None

    @property
    def label(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def fresh(self) -> str:
        """The URL of an empty database for one repeat."""
        if not self.can_create:
            self._empty(self.url)
            return render(self.url)
        return self._create("")

    def copy(self, source: str) -> str | None:
        """A copy of the database ``source`` (nobody may be connected to it), or None when
        databases cannot be created here."""
        if not self.can_create:
            return None
        return self._create(f' TEMPLATE "{make_url(source).database}"')

    def _create(self, template: str) -> str:
        """A new database of the benchmark's own (``template``: the TEMPLATE clause, or "")."""
        name = PREFIX + uuid.uuid4().hex[:12]
        engine = _admin(self.url)
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
        engine.dispose()
        return render(self.url.set(database=name))

    def drop(self, target: str) -> None:
        """Drop a database made by :meth:`fresh` or :meth:`copy` (never the URL's own)."""
        name = make_url(target).database
        if not name or not name.startswith(PREFIX) or name == self.url.database:
            return
        engine = _admin(self.url)
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    def check(self) -> None:
        """Raise :class:`Refused` when repeats would need to empty a database that holds other things."""
        if not self.can_create:
            self._empty(self.url, drop=False)

    @staticmethod
    def _empty(url: URL, drop: bool = True) -> None:
        engine = _admin(url)
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            if tables and "alembic_version" not in tables:
                raise Refused(f"{url.render_as_string(hide_password=True)} holds tables that are not a reconcile "
                              "schema, and this user may not create databases: give --postgres a database for "
                              "the benchmark alone (its tables are dropped before each repeat), or a user who may "
                              "create databases")
            for table in tables if drop else ():
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
        engine.dispose()
