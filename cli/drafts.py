"""`reconcile drafts`, `accept`, `reject` and `reopen`: claims drafted from reports, checked by a person."""

from __future__ import annotations

import click

from reconciler import drafts
from reconciler.models import DRAFT_STATES, STATUS_LABELS

from .context import AppContext
from .output import console, print_json, say, table

# The fields whose rule the table shows, in this order (--json gives every field's).
_SHOWN_RULES = ("source", "date", "place", "killed", "wounded", "stance")
_GRADE = STATUS_LABELS   # a grade as people read it ('retired' as it is)


def _rules_text(rules: dict[str, str]) -> str:
    """'source according_to, date weekday, killed figure_before_casualty_word': the rule of each
    key field, without what it matched ('according_to:described_speaker' → 'according_to')."""
    return ", ".join(f"{name} {str(rules[name]).split(':')[0]}" for name in _SHOWN_RULES if name in rules)


@click.command("drafts")
@click.option("--state", type=click.Choice(DRAFT_STATES),
              help="Only drafts in this state: draft (not yet settled), accepted or rejected.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every field's rule) instead of a table.")
@click.pass_obj
def drafts_command(app: AppContext, state: str | None, as_json: bool) -> None:
    """List the claims imported as drafts, side by side, with the rule behind each field.

    A draft (a claim row with a 'draft' member, as `reconcile extract` writes it) is matched
    into events like any claim, but counts for no grade until a person accepts it.

    Example:

    \b
        reconcile drafts --state draft
        reconcile drafts --json
    """
    with app.database().read() as session:
        found = drafts.list_drafts(session, state)
    if as_json:
        print_json([d.as_dict() for d in found])
        return
    console().print(table(
        f"{len(found)} draft{'s' if len(found) != 1 else ''}",
        ["id", "ref", "source", "date", "place", "killed", "wounded", "state", "rules", "event"],
        [[d.claim["id"], d.claim["ref"], d.claim["source"], d.claim["date"], d.claim["place"] or "",
          d.claim["killed"] if d.claim["killed"] is not None else "",
          d.claim["wounded"] if d.claim["wounded"] is not None else "",
          d.state + (f" by {d.settled_by}" if d.settled_by else ""), _rules_text(d.rules), d.claim["event_id"]]
         for d in found]))


def _settled_text(result: drafts.Settled, verb: str) -> None:
    ids = ", ".join(map(str, result.claims))
    say(f"{verb} draft claim{'s' if len(result.claims) != 1 else ''} {ids}.")
    for event_id, (before, after) in sorted(result.events.items()):
        change = _GRADE.get(after, after) if before == after else f"{_GRADE.get(before, before)} → {_GRADE.get(after, after)}"
        say(f"  event {event_id} graded again: {change}")
    if not result.events:
        say("Not matched into an event yet: `reconcile run` grades them.")


@click.command("accept")
@click.argument("claims", nargs=-1, required=True, type=int)
@click.pass_obj
def accept_command(app: AppContext, claims: tuple[int, ...]) -> None:
    """Accept draft claims: checked against their report, they count like any claim.

    All or none: an unknown claim, a claim that is not a draft, or a draft already accepted or
    rejected is refused, and nothing is settled. The events holding them are graded again.

    Example:

    \b
        reconcile accept 12 13
    """
    result = app.write(lambda session: drafts.accept(session, app.user, list(claims)))
    _settled_text(result, "Accepted")


@click.command("reject")
@click.argument("claims", nargs=-1, required=True, type=int)
@click.option("--reason", metavar="TEXT", help="Why the drafts are wrong (kept in the audit log).")
@click.pass_obj
def reject_command(app: AppContext, claims: tuple[int, ...], reason: str | None) -> None:
    """Reject draft claims: kept (and audited), never counted, whatever they match.

    All or none, as `reconcile accept`. The events holding them are graded again.

    Example:

    \b
        reconcile reject 14 --reason "the army's tally of the year, not an incident"
    """
    result = app.write(lambda session: drafts.reject(session, app.user, list(claims), reason))
    _settled_text(result, "Rejected")


@click.command("reopen")
@click.argument("claims", nargs=-1, required=True, type=int)
@click.option("--reason", metavar="TEXT", help="Why the decision is taken back (kept in the audit log).")
@click.pass_obj
def reopen_command(app: AppContext, claims: tuple[int, ...], reason: str | None) -> None:
    """Take back the decision on draft claims accepted or rejected by mistake: they are drafts
    again, counted for nothing until accepted or rejected anew.

    All or none, as `reconcile accept`: a draft not yet settled is refused. The earlier
    decision (who took it, when, why) stays in the audit log. The events holding them are
    graded again.

    Example:

    \b
        reconcile reopen 12 --reason "accepted before the army's figure was checked"
    """
    result = app.write(lambda session: drafts.reopen(session, app.user, list(claims), reason))
    _settled_text(result, "Reopened")
