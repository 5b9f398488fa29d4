"""Alembic environment for reconcile.

Migrations normally run from code (``reconciler.schema.upgrade``), which passes an open
connection in ``config.attributes["connection"]``; the ``alembic`` command line works too,
with ``-x db=PATH_OR_URL``.
"""

from alembic import context
from sqlalchemy import create_engine

from reconciler.db import url_for
from reconciler.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite's ALTER TABLE cannot drop or alter columns or constraints; batch mode
        # rebuilds the table instead. It is a no-op on PostgreSQL.
        render_as_batch=True,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    target = context.get_x_argument(as_dictionary=True).get("db", "reconcile.sqlite")
    engine = create_engine(url_for(target))
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=url_for("reconcile.sqlite"), target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
