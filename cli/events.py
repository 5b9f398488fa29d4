"""`reconcile run`, `reconcile events`, `reconcile show`: matching, grading, and the results."""

from __future__ import annotations

import sys

import click

from reconciler.config import Config
from reconciler.db import retry_busy
from reconciler.figures import tally_text
from reconciler.decisions import near_events
from reconciler.events import event_detail, list_events
from reconciler.lease import run_lease
from reconciler.models import STATUS_LABELS
from reconciler.runs import reconcile

from .context import AppContext, near_reason, place_as_written
from .output import claim_label, console, line, print_json, progress_bars, say, table



@click.command("run")
@click.option("--full", is_flag=True, help="Re-match every claim, not only new and changed ones.")
@click.option("--require-neutral", is_flag=True,
              help="Verified also needs a corroborating origin that is not a party to the conflict.")
@click.option("--wait", type=float, default=60.0, show_default=True,
              help="Seconds to wait for another run on this database to finish.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Processes that score pairs when a run re-decides every claim (default: the processors "
                   "this process may use). The result does not depend on it.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.pass_obj
def run_command(app: AppContext, full: bool, require_neutral: bool, wait: float, workers: int | None,
                as_json: bool) -> None:
    """Match claims into candidate events and grade every event touched.

    One transaction: interrupted, the run leaves the database as it was.

    Example:

    \b
        reconcile run
        reconcile run --full --require-neutral
        reconcile run --full --workers 1
    """
    config = Config(require_neutral=require_neutral)
    db = app.database()
    show_bar = not as_json and sys.stderr.isatty()

    def attempt():
        with db.write() as session, progress_bars(show_bar) as progress:
            return reconcile(session, app.user, config, full=full, progress=progress, workers=workers)

    # Once more if the database was busy (on PostgreSQL, a deadlock with another writer rolls the
    # whole run back): still holding the lease, so no other run starts in between.
    with run_lease(db, app.user, wait=wait):
        result = retry_busy(attempt, attempts=2)
    statuses = {s: result.by_status.get(s, 0) for s in STATUS_LABELS}
    data = {"run_id": result.run_id, "full": result.full, "counts": result.counts, "note": result.note,
            "touched_by_status": statuses, "lineage": [list(x) for x in result.lineage]}
    if as_json:
        print_json(data)
        return
    c = result.counts
    say(f"Run {result.run_id} ({'full' if result.full else 'incremental'}): "
        f"{c['claims_matched']} of {_counted(c['claims'], 'claim')} matched, {_counted(c['pairs_scored'], 'pair')} "
        f"scored; {_counted(c['events_touched'], 'event')} touched ({c['events_created']} new, "
        f"{c['events_retired']} retired)")
    if result.note:
        say(f"Note: {result.note}")
    say("Grades of touched events: " + ", ".join(f"{STATUS_LABELS[s]} {n}" for s, n in statuses.items()))
    for old, new, kind in result.lineage:
        say(f"  event {old} {'merged into' if kind == 'merge' else 'split, part now'} event {new}")


@click.command("events")
@click.option("--status", type=click.Choice(list(STATUS_LABELS)), help="Only events with this grade.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def events_command(app: AppContext, status: str | None, as_json: bool) -> None:
    """List events: grade, date, place, figures, claims and origins.

    Example:

    \b
        reconcile events --status contested
    """
    with app.database().read() as session:
        events = list_events(session, status)
    if as_json:
        print_json([{k: v for k, v in e.items() if k != "version"} for e in events])
        return
    console().print(table(
        f"{len(events)} events", ["id", "grade", "date", "place", "killed", "wounded", "claims", "origins", "reason"],
        [[e["id"], STATUS_LABELS[e["status"]] + (" (manual)" if e["manual"] else ""), e["date"], e["place"],
          tally_text(e["killed"]), tally_text(e["wounded"]), e["n_claims"], e["n_origins"], e["reason"]] for e in events],
    ))


@click.command("show")
@click.argument("event_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_obj
def show_command(app: AppContext, event_id: int, as_json: bool) -> None:
    """Show one event's claims side by side, where they agree and differ, and why they were linked.

    Ends with the near events kept apart (pairs in the review queue) and why each stayed apart.

    Example:

    \b
        reconcile show 3
    """
    with app.database().read() as session:
        detail = event_detail(session, event_id)
        near = near_events(session, detail["id"]) if detail["active"] else []
    # The library says claims changed since the run; the command line says what to run.
    detail["near"] = [{key: value for key, value in item.items() if key != "changed_since_run"}
                      | {"why_apart": near_reason(item)} for item in near]
    if as_json:
        print_json(detail)
        return
    out = console()
    state = "" if detail["active"] else " (retired: see lineage)"
    out.print(line((f"Event {detail['id']}", "bold"), f"{state}: {STATUS_LABELS[detail['status']]}"
                   f"{' (manual)' if detail['manual'] else ''}  ",
                   (f"(version {detail['version']}: pass --if-version {detail['version']} to decide on what you see)",
                    "dim")))
    out.print(line(f"Why: {detail['reason']}"))
    out.print(line(f"Date {detail['date']}, place {detail['place'] or 'unknown'}; "
                   f"killed {tally_text(detail['killed']) or '—'}, wounded {tally_text(detail['wounded']) or '—'}"))
    out.print(line(f"Agree on: {', '.join(detail['agree']) or '—'}; "
                   f"differ on: {', '.join(detail['differ']) or '—'}"))
    claims = detail["claim_details"]
    out.print(table("Claims side by side", ["claim", "source", "origin", "via", "date", "place as written",
                                            "type", "hit", "actor", "killed", "wounded", "stance", "note"],
                    [[claim_label(c), c["source"], c["parsed"]["origin"] or "(unknown)", " ← ".join(c["via"]),
                      c["date_label"], place_as_written(c), c["type"], c["target"], c["actor"], c["killed"], c["wounded"],
                      c["parsed"]["stance"], c["note"]] for c in claims]))
    out.print(table("Links", ["claim", "strongest partner", "score", "components"],
                    [[link["claim_id"], link["partner_claim_id"], link["score"], link["explanation"]]
                     for link in detail["links"]]))
    if detail["near"]:
        out.print(table("Near events kept apart (their pairs are in the review queue)",
                        ["event", "status", "pairs in review (score)", "why apart"],
                        [[item["event_id"], STATUS_LABELS.get(item["status"], item["status"]),
                          ", ".join(f"{p['claim_id']}~{p['other_claim_id']} ({p['score']:g})"
                                    for p in item["pairs_in_review"]), item["why_apart"]]
                         for item in detail["near"]]))
    for item in detail["lineage"]:
        out.print(line(f"Lineage: event {item['old_event_id']} → {item['new_event_id']} ({item['kind']}, "
                       f"run {item['run_id']})"))


def _counted(n: int, noun: str) -> str:
    """"1 event", "2 events"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
