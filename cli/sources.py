"""`reconcile sources ...`: the registry of who says and who relays."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.errors import ReconcileError
from reconciler.limits import Limits
from reconciler.models import SOURCE_KINDS
from reconciler.sources import (SourceIndex, SourceSpec, distinct_names, import_sources, read_source_file,
                                upsert_source)

from .context import AppContext, limit_options
from .output import console, print_json, say, table


@click.group()
def sources() -> None:
    """Register sources: who makes claims, who relays them, and whose word each is.

    Example:

    \b
        reconcile sources import examples/dpa-2021-04-07/sources.yaml
        reconcile sources list
    """


@sources.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--update", is_flag=True,
              help="Apply rows that change a registered source (without it they are refused, listed).")
@limit_options()
@click.pass_obj
def sources_import(app: AppContext, file: Path, update: bool, limits: Limits) -> None:
    """Register the sources in FILE (YAML list or CSV: name, aliases, kind, parent, side,
    distinct_from).

    A row that would change a registered source (kind, parent, side, new aliases; a row named
    like an alias changes that source) is refused with what it would change, field by field,
    unless --update is given; a name that looks like another source's is refused unless the
    row's distinct_from names that source.

    Example:

    \b
        reconcile sources import sources.yaml
        reconcile sources import sources.yaml --update
    """
    specs = read_source_file(file, limits)
    done = app.write(lambda session: import_sources(session, specs, app.user, str(file), update), create=True)
    parts = [f"{len(v)} {k}" for k, v in done.outcomes.items() if v]
    say(f"{file}: {', '.join(parts) or 'nothing to do'}")
    for line, name, changes in done.changes:
        say(f"  {file}:{line}: {name!r}: {', '.join(changes)}")


@sources.command("add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name for the source (repeatable).")
@click.option("--kind", type=click.Choice(SOURCE_KINDS),
              help="What the source is; a new source without it is 'unknown'.")
@click.option("--parent", help="The registered source this one speaks for.")
@click.option("--side", help="The party to the conflict it belongs to; leave out if none.")
@click.option("--distinct-from", "distinct_from", multiple=True, metavar="NAME",
              help="A source whose name looks like this one's but that is a different source (repeatable).")
@click.pass_obj
def sources_add(app: AppContext, name: str, aliases: tuple[str, ...], kind: str, parent: str | None,
                side: str | None, distinct_from: tuple[str, ...]) -> None:
    """Register NAME, or update the source of that name or alias.

    Options left out keep a registered source's current values (--side "" clears its side).
    A change of kind, parent, side or registration re-grades its claims at the next run. A
    name or alias that looks like another source's (the same letters to a reader: Cherokee Ꮩ
    for V, Cyrillic а for a) is refused unless --distinct-from names that source.

    Example:

    \b
        reconcile sources add "Armed Forces of Ukraine" --alias ZSU --kind military \\
            --parent "Government of Ukraine" --side Ukraine
    """
    def add(session) -> tuple[str, str]:
        done = upsert_source(session, SourceIndex.load(session),
                             SourceSpec(name, aliases, kind, parent, side, distinct_from=distinct_from),
                             app.user, partial=True)
        return done.source.name, done.outcome

    try:
        stored, outcome = app.write(add, create=True)
    except ReconcileError as exc:
        if exc.field == "distinct_from":
            exc.args = (f"--distinct-from: {exc}",)
        raise
    say(f"{stored}: {outcome}")


def _source_rows(index: SourceIndex) -> list[dict]:
    rows = []
    for source in sorted(index.sources.values(), key=lambda s: s.name_key):
        origin = index.origin_of(source.id)
        rows.append({
            "id": source.id, "name": source.name, "aliases": [a.alias for a in source.aliases],
            "kind": source.kind, "parent": index.sources[source.parent_id].name if source.parent_id else None,
            "side": source.side, "registered": source.registered,
            "origin": origin.origin_name if origin.known else None,
            "distinct_from": distinct_names(index, source.id), "looks_like": index.lookalikes_of(source.id),
        })
    return rows


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def sources_list(app: AppContext, as_json: bool) -> None:
    """List registered and unregistered sources with their origins.

    Example:

    \b
        reconcile sources list --json
    """
    with app.database().read() as session:
        rows = _source_rows(SourceIndex.load(session))
    if as_json:
        print_json(rows)
        return
    console().print(table(
        f"{len(rows)} sources",
        ["name", "aliases", "kind", "parent", "side", "registered", "origin", "distinct from", "LOOKS LIKE"],
        [[r["name"], "; ".join(r["aliases"]), r["kind"], r["parent"], r["side"],
          "yes" if r["registered"] else "NO", r["origin"] or "(unknown)", "; ".join(r["distinct_from"]),
          "; ".join(r["looks_like"])] for r in rows],
    ))
