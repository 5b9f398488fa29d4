"""`reconcile sources ...`: the registry of who says and who relays."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.models import SOURCE_KINDS
from reconciler.sources import SourceIndex, SourceSpec, import_sources, read_source_file, upsert_source

from .context import AppContext
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
@click.pass_obj
def sources_import(app: AppContext, file: Path) -> None:
    """Register the sources in FILE (YAML list or CSV: name, aliases, kind, parent, side).

    Example:

    \b
        reconcile sources import sources.yaml
    """
    specs = read_source_file(file)
    outcomes = app.write(lambda session: import_sources(session, specs, app.user, str(file)), create=True)
    parts = [f"{len(v)} {k}" for k, v in outcomes.items() if v]
    say(f"{file}: {', '.join(parts) or 'nothing to do'}")


@sources.command("add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name for the source (repeatable).")
@click.option("--kind", type=click.Choice(SOURCE_KINDS),
              help="What the source is; a new source without it is 'unknown'.")
@click.option("--parent", help="The registered source this one speaks for.")
@click.option("--side", help="The party to the conflict it belongs to; leave out if none.")
@click.pass_obj
def sources_add(app: AppContext, name: str, aliases: tuple[str, ...], kind: str, parent: str | None,
                side: str | None) -> None:
    """Register NAME, or update the source of that name or alias.

    Options left out keep a registered source's current values (--side "" clears its side).
    A change of kind, parent, side or registration re-grades its claims at the next run.

    Example:

    \b
        reconcile sources add "Armed Forces of Ukraine" --alias ZSU --kind military \\
            --parent "Government of Ukraine" --side Ukraine
    """
    def add(session) -> tuple[str, str]:
        source, outcome = upsert_source(session, SourceIndex.load(session),
                                        SourceSpec(name, aliases, kind, parent, side), app.user, partial=True)
        return source.name, outcome

    stored, outcome = app.write(add, create=True)
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
        f"{len(rows)} sources", ["name", "aliases", "kind", "parent", "side", "registered", "origin"],
        [[r["name"], "; ".join(r["aliases"]), r["kind"], r["parent"], r["side"],
          "yes" if r["registered"] else "NO", r["origin"] or "(unknown)"] for r in rows],
    ))
