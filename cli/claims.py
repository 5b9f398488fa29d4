"""`reconcile import` and `reconcile claims`: putting claims in, and seeing them side by side."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import click

from reconciler.claims import ClaimFilter, claim_dict, date_label, figure_text, list_claims
from reconciler.datasets import DATASETS, DatasetStream, MissingClaim, missing_upstream, read_dataset_file
from reconciler.errors import InputError
from reconciler.importing import import_claims, renormalise
from reconciler.lease import run_lease
from reconciler.limits import Limits
from reconciler.reading import ClaimInput, claim_records, read_claim_file
from reconciler.sources import SourceIndex

from .context import AppContext, limit_options
from .output import claim_label, console, print_json, progress_bars, say, table


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "file_format", type=click.Choice(["claims", *DATASETS]), default="claims",
              show_default=True, help="claims: the contract's JSON Lines or CSV (by the file's extension); "
              "ucdp: a UCDP GED CSV export; acled: an ACLED CSV export (see docs/datasets.md).")
@click.option("--date-order", type=click.Choice(["mdy", "dmy"]),
              help="With --format ucdp or acled: the order of the files' dates written with slashes, "
              "mdy (1/22/2014) or dmy (22/1/2014), for files whose every such date reads both ways "
              "(3/4/2031); otherwise the files' dates say it.")
@click.option("--dry-run", is_flag=True, help="Check and count, then roll back: nothing is written.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Processes that read and prepare the claims (default: the processors this process may use; "
                   "1: all in this one). The result does not depend on it.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@limit_options()
@click.pass_obj
def import_command(app: AppContext, files: tuple[Path, ...], file_format: str, date_order: str | None,
                   dry_run: bool, workers: int | None, as_json: bool, limits: Limits) -> None:
    """Import claims from JSON Lines or CSV files, or from UCDP GED or ACLED exports, all or nothing.

    Every claim is checked; if any has a problem, each problem is listed with its file, line
    and field, and nothing is written. Files over 64 MB in all are read as they are stored,
    in the one transaction, which a problem rolls back. Claims already stored are not
    added twice. Lines, fields and nesting have limits (the --max-... options).

    A dataset's event becomes one claim per source it lists, relayed via the dataset ("UCDP
    GED", "ACLED"); importing a newer export updates the events that changed and lists the
    claims of events it no longer holds (they are kept).

    Example:

    \b
        reconcile import examples/dpa-2021-04-07/claims.jsonl
        reconcile import --format ucdp GEDEvent_v24_1.csv
    """
    if date_order is not None and file_format == "claims":
        raise click.UsageError("--date-order is for --format ucdp or acled; claim files write dates as 2021-04-06")
    claims, problems, datasets = [], [], []
    streamed = sum(map(_size, files)) > READ_WHOLE_BYTES
    if not streamed:
        # Read whole and checked before the database is opened: a file's problems are listed
        # even when the database is absent or another writer holds it.
        for file in files:
            try:
                if file_format == "claims":
                    claims.extend(read_claim_file(file, limits))
                else:
                    datasets.append(read_dataset_file(file, DATASETS[file_format], limits, date_order))
                    claims.extend(datasets[-1].claims)
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
    elif file_format != "claims":
        # Each export's first reading (its header, the order of its dates) before the database
        # is opened and its lock taken; the second gives the claims as they are stored.
        datasets = [DatasetStream(file, DATASETS[file_format], limits, date_order) for file in files]
        for stream in datasets:
            stream.first_reading(problems)
        if problems:
            raise InputError(problems)

    def store(session):
        with progress_bars(not as_json and sys.stderr.isatty()) as progress:
            if streamed:
                # Read as they are stored, a part at a time: a large file is never held whole. A
                # problem anywhere refuses the import, and the transaction rolls back what was stored.
                found: list = []
                if file_format == "claims":
                    records = _records(files, limits, found)
                else:
                    records = (claim for stream in datasets for claim in stream.claims(found))
                summary = import_claims(session, records, app.user, problems=found, progress=progress,
                                        read_beside=file_format == "claims", workers=workers)
            else:
                summary = import_claims(session, claims, app.user, progress=progress, workers=workers)
            missing = missing_upstream(session, datasets) if datasets else []
        if dry_run:
            session.rollback()
        return summary, missing

    summary, missing = app.write(store, create=not dry_run)
    data = summary.as_dict() | {"files": [str(f) for f in files], "dry_run": dry_run}
    if file_format != "claims":
        data |= {"format": file_format, "deleted_upstream": [m.as_dict() for m in missing]}
    if as_json:
        print_json(data)
        return
    verb = "would add" if dry_run else "added"
    say(f"{', '.join(map(str, files))}: {verb} {summary.added}, "
               f"{'would update' if dry_run else 'updated'} {summary.updated}, "
               f"already stored {summary.unchanged}" + _restored(summary.restored_ids, dry_run))
    if summary.draft_ids:
        n = len(summary.draft_ids)
        say(f"Drafts: {n} of these claim{'s are drafts' if n != 1 else ' is a draft'}, counted for no grade until "
            "a person accepts them (`reconcile drafts`, `reconcile accept`).")
    if summary.unregistered_sources:
        say("Unregistered sources (kept, but never counted as independent corroboration; "
                   "register them with `reconcile sources add`):")
        for name in summary.unregistered_sources:
            say(f"  - {name}")
    if file_format != "claims":
        _say_missing(missing, DATASETS[file_format].relay)


# Files larger than this in all (claims files, UCDP or ACLED exports) are read as they are stored,
# in parts (never held whole: a million claims are about 1 GB once read, a UCDP row 6 KB);
# smaller ones are read whole first, as above.
READ_WHOLE_BYTES = 64 * 1024 * 1024


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:   # the reader says what is wrong with it
        return 0


def _records(files: tuple[Path, ...], limits: Limits, problems: list) -> Iterator[ClaimInput]:
    for file in files:
        yield from claim_records(file, limits, problems)


def _say_missing(missing: list[MissingClaim], relay: str) -> None:
    if not missing:
        return
    say(f"Deleted upstream ({len(missing)} claim{'s' if len(missing) > 1 else ''} that an earlier export of "
        f"{relay} gave and this one does not, in the countries and months it covers; kept, "
        "see them with `reconcile claims`):")
    for claim in missing:
        reason = "no longer in the export" if claim.event_gone else "no longer lists this source"
        say(f"  - claim {claim.claim_id} ({claim.source}): event {claim.event} {reason}")


def _restored(ids: list[int], dry_run: bool) -> str:
    if not ids:
        return ""
    shown = ", ".join(map(str, sorted(ids)))
    return (f", {'would restore' if dry_run else 'restored'} {len(ids)} "
            f"(changed outside reconcile: claim{'s' if len(ids) > 1 else ''} {shown})")


def _shown(value: object) -> str:
    return "none" if value is None else (f"'{value}'" if isinstance(value, str) else str(value))


@click.command("renormalise")
@click.option("--dry-run", is_flag=True, help="Count and show what would change, then roll back.")
@click.option("--wait", type=float, default=60.0, show_default=True, metavar="SECONDS",
              help="How long to wait for a run in progress to finish.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def renormalise_command(app: AppContext, dry_run: bool, wait: float, as_json: bool) -> None:
    """Read every stored claim again with this version's vocabulary and gazetteer.

    Claims keep what the tool understood when they were imported: the place resolved, the kind
    of incident, the victims, the party blamed, the figures and dates as intervals. After an
    upgrade, this works them out again from the claims as given, updates what differs, and
    marks those claims so that the next `reconcile run` re-decides their events. The claims as
    given are never touched.

    Example:

    \b
        reconcile renormalise --dry-run
        reconcile renormalise && reconcile run
    """
    db = app.database()
    # The run lease: a run in progress must not clear the marks this sets (see the library).
    with run_lease(db, app.user, wait=wait), db.write() as session:
        summary = renormalise(session, app.user)
        if dry_run:
            session.rollback()
    data = summary.as_dict() | {"dry_run": dry_run}
    if as_json:
        print_json(data)
        return
    verb = "would change" if dry_run else "changed"
    say(f"{summary.claims} claims read again; {verb} {len(summary.changed_ids)}"
               + (f" ({', '.join(f'{name} {n}' for name, n in sorted(summary.fields.items()))})"
                  if summary.fields else ""))
    for example in summary.examples:
        changes = ", ".join(f"{name} {_shown(example['before'][name])} → {_shown(value)}"
                            for name, value in example["after"].items())
        changes = changes or "how a field was worked out (place method, date precision)"
        say(f"  claim {example['claim_id']}: {changes}")
    if summary.unreadable:
        say(f"{len(summary.unreadable)} claims no longer pass validation and were left as they are:")
        for item in summary.unreadable[:20]:
            say(f"  claim {item['claim_id']}: {'; '.join(item['problems'])}")
    if summary.changed_ids and not dry_run:
        say("Run `reconcile run` to re-decide their events.")


@click.command("claims")
@click.option("--source", help="Only claims by this source or any source under it, or relayed by it.")
@click.option("--place", help="Only claims about this place (any spelling or script).")
@click.option("--date", help="Only claims whose date overlaps this one (YYYY-MM-DD, YYYY-MM, YYYY or A/B).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def claims_command(app: AppContext, source: str | None, place: str | None, date: str | None, as_json: bool) -> None:
    """Show stored claims side by side: origin, relays, date, place and figures.

    Example:

    \b
        reconcile claims --place Avdeevka --date 2021-04
    """
    with app.database().read() as session:
        index = SourceIndex.load(session)
        rows = list_claims(session, ClaimFilter(source, place, date), index=index)
        data = [claim_dict(claim, index, event_id) for claim, event_id in rows]
    if as_json:
        print_json(data)
        return
    console().print(table(
        f"{len(data)} claims",
        ["id", "ref", "source", "origin", "via", "date", "place", "type", "killed", "wounded", "stance", "event"],
        [[claim_label(c), c["ref"], c["source"] + ("" if c["parsed"]["source_registered"] else " (unregistered)"),
          c["parsed"]["origin"] or "(unknown)", " ← ".join(c["via"]),
          date_label(claim.date_start, claim.date_end, claim.date_precision),
          claim.place_text or "", claim.type_text or "",
          figure_text(claim.killed_text, claim.killed_low, claim.killed_high),
          figure_text(claim.wounded_text, claim.wounded_low, claim.wounded_high),
          claim.stance, c["event_id"]] for c, (claim, _) in zip(data, rows)],
    ))
