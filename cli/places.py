"""`reconcile places ...`: the desk's own places, and what a place name resolves to."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.deskplaces import DEFAULT_CLASSES, FEATURE_CLASSES, desk_gazetteer, import_places, list_places, \
    read_places_file
from reconciler.limits import Limits
from reconciler.places import PlaceNormaliser

from .context import AppContext, limit_options
from .output import console, print_json, say, table


@click.group()
def places() -> None:
    """The desk's own places (a GeoNames country dump, its landmarks), and what a name resolves to.

    Example:

    \b
        reconcile places import UA.txt
        reconcile places import landmarks.csv
        reconcile places show "near the village of Pisky (Yasynuvata district)"
    """


def _classes(value: str) -> frozenset[str]:
    classes = frozenset(value.replace(",", "").upper())
    unknown = classes - FEATURE_CLASSES
    if unknown or not classes:
        raise click.BadParameter(f"expected GeoNames feature classes among {', '.join(sorted(FEATURE_CLASSES))}, "
                                 f"got {value!r}")
    return classes


@places.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--classes", default="".join(sorted(DEFAULT_CLASSES)), show_default=True, metavar="LETTERS",
              help="GeoNames feature classes kept from a dump: P populated places and city sections, S spots "
                   "(airports, mines, plants), T hills, L areas, H water, R roads, U undersea, V forests, A regions.")
@click.option("--dry-run", is_flag=True, help="Check the file and count what would change, then roll back.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@limit_options("line_bytes")
@click.pass_obj
def places_import(app: AppContext, file: Path, classes: str, dry_run: bool, as_json: bool, limits: Limits) -> None:
    """Add places from FILE: a GeoNames country dump (.txt, e.g. UA.txt) or the desk's own
    places (.csv: name, lat, lon, and optionally aliases, region, population).

    All or nothing: a file with any problem is refused with file, line and field, and nothing
    is written. Claims stored before keep what they were read as: run `reconcile renormalise`
    to read them again with these places.

    Example:

    \b
        reconcile places import UA.txt
        reconcile places import landmarks.csv && reconcile renormalise && reconcile run
    """
    wanted = _classes(classes)

    def store(session):
        rows = read_places_file(file, desk_gazetteer(session), wanted, limits)
        summary = import_places(session, rows, app.user, str(file))
        if dry_run:
            session.rollback()
        return summary

    summary = app.write(store, create=not dry_run)
    if as_json:
        print_json(summary.as_dict() | {"file": str(file), "dry_run": dry_run})
        return
    verb = ("would add", "would update") if dry_run else ("added", "updated")
    say(f"{file}: {verb[0]} {len(summary.added)}, {verb[1]} {len(summary.updated)}, already stored "
        f"{summary.unchanged}")
    if (summary.added or summary.updated) and not dry_run:
        say("Claims stored before keep what they were read as; run `reconcile renormalise` to read them again.")


@places.command("list")
@click.option("--origin", type=click.Choice(("geonames", "desk")), help="Only places of this origin.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def places_list(app: AppContext, origin: str | None, as_json: bool) -> None:
    """List the desk's own places (not the bundled gazetteer's).

    Example:

    \b
        reconcile places list --origin desk
    """
    with app.database().read() as session:
        rows = list_places(session, origin)
    if as_json:
        print_json(rows)
        return
    if not rows:
        say("The desk has no places of its own; add some with `reconcile places import`.")
        return
    console().print(table(
        f"{len(rows)} places", ["id", "origin", "name", "other names", "lat", "lon", "feature", "region", "population"],
        [[r["id"], r["origin"], r["name"], "; ".join(r["names"][:6]) + (" …" if len(r["names"]) > 6 else ""),
          f"{r['lat']:.5f}", f"{r['lon']:.5f}", r["feature"] or "", r["region"] or "", r["population"]]
         for r in rows]))


@places.command("show")
@click.argument("name")
@click.option("--region", help="The claim's region field, as a claim would give it.")
@click.option("--lat", type=float, help="The claim's latitude.")
@click.option("--lon", type=float, help="The claim's longitude.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def places_show(app: AppContext, name: str, region: str | None, lat: float | None, lon: float | None,
                as_json: bool) -> None:
    """What a place as written resolves to, and why: the names read, the places each could be,
    what every qualifier kept, and the place and region a claim would get.

    Example:

    \b
        reconcile places show "Oktyabrske village, 20 km from Kramatorsk"
        reconcile places show Novoselivka --region "Запорізька область"
    """
    if (lat is None) != (lon is None):
        raise click.UsageError("give both --lat and --lon, or neither")
    with app.database().read() as session:
        normaliser = PlaceNormaliser(desk_gazetteer(session))
        place, steps = normaliser.explain(name, lat, lon, region)
        region_code = normaliser.region(place, name, region)
        gazetteer = normaliser.gazetteer
        candidates = [gazetteer.places[g] for g in place.candidate_ids if g in gazetteer.places]
    data = {"text": name, "key": place.key, "label": place.label, "method": place.method,
            "region": region_code, "region_label": gazetteer.region_label(region_code),
            "candidates": [{"id": p.geonameid, "name": p.name, "lat": p.lat, "lon": p.lon,
                            "region": gazetteer.region_of(p.geonameid), "population": p.population}
                           for p in candidates],
            "names": list(place.names or ()), "steps": steps}
    if as_json:
        print_json(data)
        return
    say(f"{name!r} → {place.label or 'no place'} ({place.method or 'nothing to read'}; key {place.key})"
        + (f", region {data['region_label']}" if region_code else ""))
    for step in steps:
        say(f"  - {step}")
    if len(candidates) > 1:
        console().print(table(
            f"the {len(candidates)} places it could be", ["id", "name", "region", "population", "lat", "lon"],
            [[p["id"], p["name"], gazetteer.region_label(p["region"]) or "", p["population"], f"{p['lat']:.4f}",
              f"{p['lon']:.4f}"] for p in data["candidates"]]))
