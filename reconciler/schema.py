"""Creating and upgrading the schema with alembic, from code, and refusing mismatches."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from .db import Database, current_revision
from .errors import SchemaError


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(str(files("migrations")))))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the database to the latest schema. Returns (revision before, revision after)."""
    before = current_revision(db)
    if before is not None and before not in known_revisions():
        raise _too_new(db, before)
    cfg = alembic_config()
    with db.errors(), db.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, head_revision()


def check(db: Database) -> None:
    """Raise :class:`SchemaError` unless the database is at the latest schema."""
    revision = current_revision(db)
    head = head_revision()
    if revision == head:
        return
    if revision is None:
        raise SchemaError(f"{db.label} is not a reconcile database (no schema)", reason="missing")
    if revision not in known_revisions():
        raise _too_new(db, revision)
    raise SchemaError(f"{db.label} has an older schema (revision {revision}, latest {head})", reason="old")


def _too_new(db: Database, revision: str) -> SchemaError:
    return SchemaError(f"{db.label} was made by a newer version of reconcile (schema revision {revision})",
                       reason="newer")
