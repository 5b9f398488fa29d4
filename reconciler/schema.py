"""Creating and upgrading the schema with alembic, from code, and refusing mismatches."""

from __future__ import annotations

import sqlite3
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from .db import Database, current_revision
from .errors import SchemaError

if TYPE_CHECKING:
    from alembic.config import Config

# The latest revision in migrations/versions. Every command checks the database against it; with
# the revision written here, the check of a database at the latest schema needs no alembic (whose
# import, with mako's and pygments', is a seventh of a command's start). tests/test_schema.py
# holds it to alembic's own head: a new migration changes both.
HEAD = "0017"


# The oldest SQLite library that can run the migrations: 3.35 added ALTER TABLE ... DROP COLUMN
# (revision 0011 drops a column of `claims` without rebuilding the table).
SQLITE_MIN = (3, 35)


def sqlite_too_old(version: tuple[int, ...] | None = None) -> bool:
    """Whether the SQLite library (``version``, else this Python's) is older than SQLITE_MIN."""
    return (version or sqlite3.sqlite_version_info) < SQLITE_MIN


def refuse_old_sqlite(label: str) -> None:
    """Raise SchemaError when this Python's SQLite library cannot create or upgrade ``label``."""
    if sqlite_too_old():
        raise SchemaError(f"this Python's SQLite library is version {sqlite3.sqlite_version}; reconcile needs "
                          f"{'.'.join(map(str, SQLITE_MIN))} or later to create or upgrade {label} (its schema "
                          "drops a column, which older versions cannot)", reason="sqlite_too_old")


def alembic_config() -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(str(files("migrations")))))
    return cfg


def head_revision() -> str:
    """The latest revision, as alembic reads it from migrations/versions (:data:`HEAD`)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the database to the latest schema. Returns (revision before, revision after)."""
    before = current_revision(db)
    if before is not None and before not in known_revisions():
        raise _too_new(db, before)
    if before != head_revision() and db.writer.dialect.name == "sqlite":
        refuse_old_sqlite(db.label)
    from alembic import command

    cfg = alembic_config()
    with db.errors(), db.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, head_revision()


def check(db: Database) -> None:
    """Raise :class:`SchemaError` unless the database is at the latest schema."""
    revision = current_revision(db)
    if revision == HEAD:
        return
    head = head_revision()
    if revision is None:
        raise SchemaError(f"{db.label} is not a reconcile database (no schema)", reason="missing")
    if revision not in known_revisions():
        raise _too_new(db, revision)
    raise SchemaError(f"{db.label} has an older schema (revision {revision}, latest {head})", reason="old")


def _too_new(db: Database, revision: str) -> SchemaError:
    return SchemaError(f"{db.label} was made by a newer version of reconcile (schema revision {revision})",
                       reason="newer")
