"""`reconcile report`: the events as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.events import EventFilter
from reconciler.models import STATUS_LABELS
from reconciler.report import LIMIT, build_report, render_report

from .context import AppContext, event_filter_options
from .files import write_whole
from .output import say


@click.command("report")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (replaced whole if it exists).")
@event_filter_options("Only events with this grade.")
@click.option("--limit", type=click.IntRange(min=0), default=LIMIT, show_default=True, metavar="N",
              help="At most N events: the latest by first day (the page and stderr say how many were left "
                   "out). 0: all of them.")
@click.option("--title", default="Reconciled events", show_default=True, help="The page's heading.")
@click.pass_obj
def report_command(app: AppContext, out: Path, flt: EventFilter, limit: int, title: str) -> None:
    """Write the events as one HTML page to read in any browser, offline.

    Grades as badges, a timeline per day, filters by grade, date, place and source, and each
    event's claims side by side with the reason for its grade, link scores, people's
    decisions and lineage. Nothing on the page is fetched from a network. At most --limit
    events (2,000), the latest: choose others with --since, --until and --status, or all with
    --limit 0.

    Example:

    \b
        reconcile report --out report.html
        reconcile report --out contested.html --status contested --since 2031-05-20
    """
    with app.database().read() as session:
        report = build_report(session, flt, title=title, limit=limit or None)
    write_whole(out, render_report(report))
    counts = ", ".join(f"{STATUS_LABELS[g]} {n}" for g, n in report.counts.items())
    say(f"Wrote {out}: {len(report.events)} events ({counts})")
    if report.left_out:
        say(f"Left out the {report.left_out} earliest of {report.total} events (the limit is {limit}): to include "
            "them, choose fewer with --since, --until or --status, or all with --limit 0", err=True)
