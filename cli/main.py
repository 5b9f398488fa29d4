"""Entry point: the `reconcile` group, its global options and the error mapping."""

from __future__ import annotations

import importlib
import os
import sqlite3

import click

from reconciler import __version__, content, schema
from reconciler.db import (DEFAULT_BUSY_TIMEOUT, JOURNAL_MODES, database_error, database_exists, display_target,
                          open_database)
from reconciler.errors import ReconcileError
from sqlalchemy.exc import DBAPIError

from .context import AppContext, CommandError, default_user
from .output import say


# Each command's module, loaded when the command is asked for: a command imports only what it
# needs (`reconcile show` neither the extractor nor the report's templates); `--help` and the
# tests load them all.
LAZY_COMMANDS = {
    "sources": ("sources", "sources"), "places": ("places", "places"), "import": ("claims", "import_command"),
    "claims": ("claims", "claims_command"), "renormalise": ("claims", "renormalise_command"),
    "run": ("events", "run_command"), "events": ("events", "events_command"), "show": ("events", "show_command"),
    "link": ("decisions", "link_command"), "unlink": ("decisions", "unlink_command"),
    "merge": ("decisions", "merge_command"), "split": ("decisions", "split_command"),
    "grade": ("decisions", "grade_command"), "review": ("decisions", "review_command"),
    "log": ("audit", "log_command"), "audit": ("audit", "audit_group"), "export": ("export", "export_command"),
    "report": ("report", "report_command"), "extract": ("extract", "extract_command"),
    "drafts": ("drafts", "drafts_command"), "accept": ("drafts", "accept_command"),
    "reject": ("drafts", "reject_command"), "reopen": ("drafts", "reopen_command"),
}


class ReconcileGroup(click.Group):
    """Turns library errors into one-line messages and their exit codes; loads each command's
    module when the command is asked for (LAZY_COMMANDS)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            module, attribute = LAZY_COMMANDS[name]
            command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
            if command.name != name:
                raise RuntimeError(f"LAZY_COMMANDS names {module}.{attribute} {name!r}, but it is {command.name!r}")
            self.add_command(command)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReconcileError as exc:
            raise CommandError(exc) from None
        except (DBAPIError, sqlite3.Error) as exc:
            # The file's problems met outside a write transaction (a read, a schema check): a
            # lock that outlasted the busy timeout, a damaged page, a file that cannot be opened.
            app = ctx.obj
            error = database_error(exc, app.target, app.busy_timeout) if app else None
            if error is None:
                raise
            raise CommandError(error) from None


@click.group(cls=ReconcileGroup)
@click.option("--db", "target", default=lambda: os.environ.get("RECONCILE_DB", "reconcile.sqlite"),
              show_default="reconcile.sqlite or $RECONCILE_DB", metavar="PATH|URL",
              help="SQLite file, or a postgresql:// URL.")
@click.option("--user", default=default_user, show_default="$RECONCILE_USER or the login name",
              help="Who is doing this; recorded with every write.")
@click.option("--busy-timeout", type=float, default=DEFAULT_BUSY_TIMEOUT, show_default=True,
              help="Seconds to wait for another writer before giving up.")
@click.option("--journal-mode", type=click.Choice(JOURNAL_MODES), envvar="RECONCILE_JOURNAL_MODE",
              default="wal", show_default=True,
              help="SQLite journal: wal on a local disk; delete for a file on a network share.")
@click.version_option(__version__, prog_name="reconcile")
@click.pass_context
def cli(ctx: click.Context, target: str, user: str, busy_timeout: float, journal_mode: str) -> None:
    """Store competing claims side by side, match them into events, and grade each event.

    Example:

    \b
        reconcile --db desk.sqlite sources import examples/dpa-2021-04-07/sources.yaml
        reconcile --db desk.sqlite import examples/dpa-2021-04-07/claims.jsonl
        reconcile --db desk.sqlite claims
    """
    if not user.strip():
        raise click.UsageError("--user must not be empty")
    app = AppContext(target, user.strip(), busy_timeout, journal_mode)
    ctx.obj = app
    ctx.call_on_close(app.close)


@cli.command()
@click.pass_obj
def init(app: AppContext) -> None:
    """Create the database, or upgrade it to the latest schema.

    Example:

    \b
        reconcile --db desk.sqlite init
    """
    if not database_exists(app.target):   # a new SQLite file (a server database is taken to exist)
        schema.refuse_old_sqlite(display_target(app.target))   # before the file is made: nothing left behind
    db = open_database(app.target, busy_timeout=app.busy_timeout, journal_mode=app.journal_mode)
    try:
        before, after = schema.upgrade(db)
        with db.write() as session:
            baseline = content.ensure_baseline(session, app.user)
    finally:
        db.dispose()
    if before == after:
        say(f"{db.label} is up to date (schema {after})")
    elif before is None:
        say(f"Created {db.label} (schema {after})")
    else:
        say(f"Upgraded {db.label} from schema {before} to {after}")
        say("Claims stored before keep what the older version read from them (a newer schema may add "
                   "fields to read); run `reconcile renormalise` to read them again.")
    if baseline is not None:
        say(f"Recorded the content hashes of the claims, sources and decisions stored before in audit entry "
            f"{baseline}: from now on `reconcile audit verify` names any row changed outside reconcile "
            "(changes made before cannot be detected).")


def main() -> None:
    cli(prog_name="reconcile")
