"""`reconcile export`: events and claims for spreadsheets, programs, maps and fact-check pages."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.events import EventFilter
from reconciler.exporting import FORMATS, KINDS, Export, Table, export

from .context import AppContext, UsageProblem, event_filter_options
from .files import write_whole as _write_whole
from .output import csv_text, json_text, say

@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv (for spreadsheets: formulas neutralised), json, jsonl (claims only: the import "
                   "contract, to import into another file), geojson (points for a map), claimreview "
                   "(schema.org JSON-LD, a ClaimReview a claim).")
@event_filter_options("Only events with this grade (and their claims).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write FILE (whole, or not at all) instead of standard output.")
@click.option("--publisher", metavar="NAME", help="ClaimReview: the desk that publishes the reviews.  "
                                                  "[default: --user]")
@click.option("--bom", is_flag=True, help="CSV: begin with a UTF-8 byte order mark (Excel needs it to read UTF-8).")
@click.pass_obj
def export_command(app: AppContext, kind: str, fmt: str, flt: EventFilter, out: Path | None,
                   publisher: str | None, bom: bool) -> None:
    """Export events or claims with their grades, reasons, origins, sources, relays, reports and quotes.

    Events and claims of every grade and date, or those --status, --since and --until choose
    (a claim goes with its event). Without a filter, claims in no event yet come too. Text from
    claims is data: JSON carries it exactly; in CSV every cell is quoted, and a ' goes before
    =, +, -, @, a tab or a carriage return that starts a cell or follows ; , |, a tab or a line
    break (after spaces or quotes; fullwidth forms too), so that a spreadsheet never runs them.

    Example:

    \b
        reconcile export events --format csv --status contested --out contested.csv
        reconcile export claims --format jsonl --out claims.jsonl   # reconcile import reads it
        reconcile export events --format geojson --since 2031-05-01 --out events.geojson
        reconcile export claims --format claimreview --publisher "Example Fact Desk"
    """
    if bom and fmt != "csv":
        raise UsageProblem("--bom is for --format csv")
    with app.database().read() as session:
        result = export(session, kind, fmt, flt,
                        publisher=publisher or app.user)
    text = _encoded(result, bom)
    if out is None:
        click.echo(text, nl=False)
    else:
        _write_whole(out, text)
        say(f"Wrote {result.count} {_noun(result)} to {out}", err=True)
    for why, ids in result.left_out:
        shown = ", ".join(map(str, ids[:20])) + (", …" if len(ids) > 20 else "")
        say(f"Left out {len(ids)} {kind[:-1] if len(ids) == 1 else kind} ({LEFT_OUT[why]}): {shown}", err=True)


# Why an export left events or claims out (reconciler.exporting.Export.left_out), as people read it.
LEFT_OUT = {"no_location": "no location: no coordinates given, no place found in the gazetteer",
            "unmatched": "in no event yet, so not reviewed; run `reconcile run` first",
            "draft": "drafts not accepted, so not reviewed"}


def _noun(result: Export) -> str:
    noun = "reviews" if result.format == "claimreview" else result.kind
    return noun[:-1] if result.count == 1 else noun


def _encoded(result: Export, bom: bool) -> str:
    if isinstance(result.content, Table):
        return csv_text(result.content.header, result.content.rows, bom=bom)
    if result.format == "jsonl":
        return "".join(json_text(item, indent=None) + "\n" for item in result.content)
    return json_text(result.content, html=result.format == "claimreview") + "\n"

