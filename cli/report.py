"""`reconcile report`: the events as one self-contained HTML page."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from reconciler.events import EventFilter
from reconciler.models import STATUS_LABELS
from reconciler.report import LIMIT, build_report, render_report

from .context import AppContext, UsageProblem
from .files import write_whole
from .output import say


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command("report")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (replaced whole if it exists).")
@click.option("--status", type=click.Choice(list(STATUS_LABELS)), help="Only events with this grade.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only events whose dates reach this day or later.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only events whose dates reach this day or earlier.")
@click.option("--limit", type=click.IntRange(min=0), default=LIMIT, show_default=True, metavar="N",
              help="At most N events: the latest by first day (the page and stderr say how many were left "
                   "out). 0: all of them.")
@click.option("--title", default="Reconciled events", show_default=True, help="The page's heading.")
@click.pass_obj
def report_command(app: AppContext, out: Path, status: str | None, since: datetime | None, until: datetime | None,
                   limit: int, title: str) -> None:
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
    flt = EventFilter(status=status, since=_day(since), until=_day(until))
    if flt.since and flt.until and flt.since > flt.until:
        raise UsageProblem(f"--since {flt.since.isoformat()} is after --until {flt.until.isoformat()}")
    with app.database().read() as session:
        report = build_report(session, flt, title=title, limit=limit or None)
    write_whole(out, render_report(report))
    counts = ", ".join(f"{STATUS_LABELS[g]} {n}" for g, n in report.counts.items())
    say(f"Wrote {out}: {len(report.events)} events ({counts})")
    if report.left_out:
        say(f"Left out the {report.left_out} earliest of {report.total} events (the limit is {limit}): to include "
            "them, choose fewer with --since, --until or --status, or all with --limit 0", err=True)
