"""People's decisions: `link`, `unlink`, `merge`, `split`, `grade`, and the `review` queue."""

from __future__ import annotations

import sys

import click

from reconciler import decisions
from reconciler.claims import claim_dict
from reconciler.models import STATUSES, Claim, Event
from reconciler.sources import SourceIndex

from .context import AppContext, UsageProblem, place_as_written
from .output import console, line, print_json, say, table

IF_VERSION = click.option("--if-version", type=int,
                          help="Refuse if the event changed since you saw this version (`reconcile show` prints it).")


@click.command("link")
@click.argument("claim_a", type=int)
@click.argument("claim_b", type=int)
@click.pass_obj
def link_command(app: AppContext, claim_a: int, claim_b: int) -> None:
    """Decide that two claims describe one event (kept across runs).

    Example:

    \b
        reconcile link 12 40
    """
    result = app.write(lambda session: decisions.link(session, app.user, claim_a, claim_b))
    where = f"event {result['event']}" if result["event"] else "the next run's events"
    say(f"Linked claims {claim_a} and {claim_b}: one event ({where}).")


@click.command("unlink")
@click.argument("claim_a", type=int)
@click.argument("claim_b", type=int)
@click.pass_obj
def unlink_command(app: AppContext, claim_a: int, claim_b: int) -> None:
    """Decide that two claims describe different events (kept across runs).

    Example:

    \b
        reconcile unlink 12 40
    """
    result = app.write(lambda session: decisions.unlink(session, app.user, claim_a, claim_b))
    extra = f"; claim {claim_b} moved to new event {result['new_event']}" if result["new_event"] else ""
    say(f"Unlinked claims {claim_a} and {claim_b}{extra}.")


@click.command("merge")
@click.argument("event", type=int)
@click.argument("other", type=int)
@IF_VERSION
@click.pass_obj
def merge_command(app: AppContext, event: int, other: int, if_version: int | None) -> None:
    """Merge event OTHER into EVENT; OTHER's id lives on in the lineage.

    Example:

    \b
        reconcile merge 7 9
    """
    result = app.write(lambda session: decisions.merge(session, app.user, event, other, if_version))
    say(f"Merged event {other} into event {event} ({result['claims']} claims).")


@click.command("split")
@click.argument("event", type=int)
@click.option("--claim", "claims", type=int, multiple=True, required=True, help="A claim to move out (repeatable).")
@IF_VERSION
@click.pass_obj
def split_command(app: AppContext, event: int, claims: tuple[int, ...], if_version: int | None) -> None:
    """Move the given claims out of EVENT into a new event.

    Example:

    \b
        reconcile split 7 --claim 12 --claim 13
    """
    result = app.write(lambda session: decisions.split(session, app.user, event, list(claims), if_version))
    say(f"Split event {event}: claims {', '.join(map(str, result['moved']))} now form event {result['new_event']}.")


@click.command("grade")
@click.argument("event", type=int)
@click.option("--status", type=click.Choice(STATUSES), help="The grade to set by hand.")
@click.option("--reason", help="Why (required with --status).")
@click.option("--auto", is_flag=True, help="Drop the manual grade and grade by the rules again.")
@IF_VERSION
@click.pass_obj
def grade_command(app: AppContext, event: int, status: str | None, reason: str | None, auto: bool,
                  if_version: int | None) -> None:
    """Grade EVENT by hand (kept until `--auto`), or return it to the rules.

    Example:

    \b
        reconcile grade 7 --status contested --reason "OSCE SMM report of 8 April contradicts the figures"
    """
    if auto == bool(status):
        raise click.UsageError("give either --status with --reason, or --auto")
    result = app.write(lambda session: decisions.grade(session, app.user, event, status, reason, if_version,
                                                       auto=auto))
    label = "manual" if result["manual"] else "by the rules"
    say(f"Event {event}: {result['status']} ({label}): {result['reason']}")


def _side_by_side(session, a: int, b: int) -> list[list]:
    index = SourceIndex.load(session)
    rows = []
    for cid in (a, b):
        c = claim_dict(session.get(Claim, cid), index)
        rows.append([c["id"], c["source"], c["parsed"]["origin"] or "(unknown)", " ← ".join(c["via"]), c["date"],
                     place_as_written(c), c["type"], c["target"], c["victims"], c["killed"], c["wounded"],
                     c["parsed"]["stance"]])
    return rows


IMPACT_TEXT = {
    "new_origin": "Accepting brings an origin the other event lacks: its grade may change.",
    "joins_events": "Accepting joins two events; no origin is new to either.",
    "same_event": "Both claims are in one event already: accepting confirms it, rejecting splits them.",
}


@click.command("review")
@click.option("--json", "as_json", is_flag=True, help="Print the queue as JSON and exit.")
@click.option("--limit", type=int, default=None, help="Review at most this many pairs.")
@click.pass_obj
def review_command(app: AppContext, as_json: bool, limit: int | None) -> None:
    """Work through uncertain pairs: [a]ccept (one event), [r]eject (different), [s]kip, [q]uit.

    Reads one key for each pair from a terminal; without one (a script, cron), use --json.

    Example:

    \b
        reconcile review
        reconcile review --json
    """
    if not as_json and not sys.stdin.isatty():
        # click.getchar would read from /dev/tty, which a cron job or CI does not have.
        raise UsageProblem("review reads one key for each pair from a terminal, and standard input is not one; "
                           "use `reconcile review --json` to list the queue")
    db = app.database()
    with db.read() as session:
        queue = decisions.review_queue(session, decisions.current_config(session), limit)
    if as_json:
        print_json(queue)
        return
    if not queue:
        say("Nothing to review.")
        return
    out, done = console(), {"accepted": 0, "rejected": 0, "skipped": 0}
    for n, item in enumerate(queue, start=1):
        a, b = item["claim_a"], item["claim_b"]
        with db.read() as session:
            rows = _side_by_side(session, a, b)
            # What the person sees now; the decision is refused if either event changes meanwhile.
            versions = {e.id: e.version for e in (session.get(Event, item["event_a"]) if item["event_a"] else None,
                                                   session.get(Event, item["event_b"]) if item["event_b"] else None)
                        if e is not None}
        out.print(table(f"{n}/{len(queue)}: claims {a} and {b} (events {item['event_a']} and {item['event_b']})",
                        ["claim", "source", "origin", "via", "date", "place", "type", "hit", "victims", "killed",
                         "wounded", "stance"], rows))
        out.print(line(IMPACT_TEXT[item["impact"]]))
        out.print(line(item["explanation"]))
        say("[a]ccept  [r]eject  [s]kip  [q]uit: ", nl=False)
        key = click.getchar().lower()
        say(key)
        if key == "q":
            break
        if key in ("a", "r"):
            decide = decisions.link if key == "a" else decisions.unlink
            app.write(lambda session: decide(session, app.user, a, b, versions))
            done["accepted" if key == "a" else "rejected"] += 1
        else:
            done["skipped"] += 1
    say(", ".join(f"{k} {v}" for k, v in done.items()))
