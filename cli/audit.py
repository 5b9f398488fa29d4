"""`reconcile log` and `reconcile audit verify`: who decided what, and whether anyone rewrote it."""

from __future__ import annotations

import json
import re

import click

from reconciler import audit, content

from .context import AppContext
from .output import console, print_json, say, table


@click.command("log")
@click.option("--event", type=int, help="Only changes that concern this event.")
@click.option("--user", "by_user", help="Only changes made by this user.")
@click.option("--limit", type=int, help="Only the last N entries.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def log_command(app: AppContext, event: int | None, by_user: str | None, limit: int | None, as_json: bool) -> None:
    """Show the history of changes: imports, runs, decisions, grades and source edits.

    Example:

    \b
        reconcile log --event 7
    """
    with app.database().read() as session:
        rows = audit.entries(session, event=event, user=by_user, limit=limit)
    if as_json:
        print_json(rows)
        return

    def brief(value) -> str:
        text = json.dumps(value, ensure_ascii=False, default=str) if value is not None else ""
        return text if len(text) <= 120 else text[:117] + "..."

    console().print(table(f"{len(rows)} entries", ["#", "at", "user", "action", "object", "events", "before", "after"],
                          [[r["seq"], r["at"][:19], r["user"], r["action"], f"{r['object_type']} {r['object_id'] or ''}",
                            ", ".join(map(str, r["events"])), brief(r["before"]), brief(r["after"])] for r in rows]))


@click.group("audit")
def audit_group() -> None:
    """Check the audit trail.

    Example:

    \b
        reconcile audit verify --anchor
    """


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _rows(n: int) -> str:
    return _count(n, "row")


@audit_group.command("verify")
@click.option("--anchor", is_flag=True, help="Also print the head as SEQ:HASH, to write down or publish.")
@click.option("--expect", metavar="SEQ:HASH", help="An anchor written down earlier; it must still be in the chain.")
@click.pass_obj
def verify_command(app: AppContext, anchor: bool, expect: str | None) -> None:
    """Recompute the hash chain, then every claim, source, decision and place against it.

    Exits 7 at the first entry edited, deleted or inserted, or naming every claim, source,
    decision, manual grade and place of the desk's gazetteer edited, deleted or inserted outside
    reconcile.

    Example:

    \b
        reconcile audit verify --expect 42:3f1c...
    """
    if expect is not None and not re.fullmatch(r"\d+:[0-9a-fA-F]{64}", expect.strip()):
        raise click.BadParameter("expected SEQ:HASH as printed by `reconcile audit verify --anchor`",
                                 param_hint="--expect")
    with app.database().read() as session:
        result = audit.verify(session, expect)
        report = content.verify(session) if result.ok else None
    if not result.ok:
        say(f"Audit trail BROKEN: {result.problem}", err=True)
        raise SystemExit(7)
    if report.findings:
        for finding in report.findings:
            say(f"Audit trail BROKEN: {finding}", err=True)
        n = len(report.findings)
        them, are = ("it", "it is") if n == 1 else ("them", "they are")
        say(f"{_rows(n)} changed outside reconcile since the audit trail recorded {them}. Restore {them} "
                   "(from a backup; re-import a claim's file; decide or grade again), or record "
                   f"{them} as {are} now with `reconcile audit accept --reason TEXT`.", err=True)
        raise SystemExit(7)
    if report.pending:
        checked = "content not recorded yet (the first write after the upgrade records it)"
    else:
        c = report.counts
        checked = (f"content of {_count(c['claim'], 'claim')}, {_count(c['source'], 'source')}, "
                   f"{_count(c['decision'], 'decision')}, {_count(c['grade'], 'manual grade')} and "
                   f"{_count(c['place'], 'place')} matches it")
    say(f"Audit trail intact: {result.entries} entries, head {result.head_seq}; {checked}")
    if anchor:
        say(f"{result.head_seq}:{result.head_hash}")


@audit_group.command("accept")
@click.option("--reason", required=True, help="Why the rows are right as they are (recorded).")
@click.pass_obj
def accept_command(app: AppContext, reason: str) -> None:
    """Record every row changed outside reconcile as it is now, with your reason.

    For rows that cannot be restored (no backup, no file to re-import): the audit entry names
    each row and what had changed, so the change stays on the record; later runs read the rows
    as they are.

    Example:

    \b
        reconcile audit accept --reason "claim 17's place corrected by hand; see ticket 88"
    """
    findings, seq = app.write(lambda session: content.accept(session, app.user, reason))
    if not findings:
        say("Nothing to record: every claim, source, decision, manual grade and place matches the audit trail")
        return
    say(f"Recorded {_rows(len(findings))} as {'it is' if len(findings) == 1 else 'they are'} now "
               f"(audit entry {seq}): " + "; ".join(str(f) for f in findings))
