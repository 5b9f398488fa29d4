"""`reconcile extract`: draft claims from the text of reports, as JSON Lines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from reconciler.extract import LANGUAGES, ExtractOptions, extract_file, registered_names
from reconciler.sources import SourceIndex, read_source_file

from .context import AppContext
from .files import write_whole
from .output import say


def _day(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _line(record: dict) -> str:
    # Text from a report may hold control or bidi characters: such a line is written escaped.
    text = json.dumps(record, ensure_ascii=False)
    return text if text.isprintable() else json.dumps(record)


@click.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--published", callback=_day, metavar="DATE",
              help="The reports' date (YYYY-MM-DD), when no dateline gives it or to override it.")
@click.option("--source", "publisher", metavar="NAME", help="The publisher, when no dateline names its agency.")
@click.option("--lang", type=click.Choice(LANGUAGES), help="The reports' language (found from the text if left out).")
@click.option("--report", metavar="TITLE|URL", help="The report's title or URL (default: the file's name).")
@click.option("--sources", "source_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="A sources file (YAML or CSV) whose names and aliases speakers are matched to.")
@click.option("--registered", is_flag=True,
              help="Match speakers to the sources registered in the database too (read only).")
@click.option("--headlines", is_flag=True, help="Each line is a headline: one draft a line.")
@click.option("--plain", is_flag=True, help="Leave out the 'draft' member (the rule behind each field).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the drafts to FILE (replaced whole, only when every report was read).")
@click.pass_obj
def extract_command(app: AppContext, files: tuple[Path, ...], published: date | None, publisher: str | None,
                    lang: str | None, report: str | None, source_files: tuple[Path, ...], registered: bool,
                    headlines: bool, plain: bool, out: Path | None) -> None:
    """Draft claims from the text of reports (plain text or HTML), as JSON Lines in the import
    contract: one draft per attributed statement about an incident, a tally or a denial.

    Each draft gives who says it and through whom (source, via: the publisher first), when, where,
    what and to whom, the figures as written, the sentence(s) it came from (text) and the
    reporter's hedges (note); its 'draft' member names the rule behind each field. The database
    is not opened unless --registered asks for its source names; nothing is written when any
    report cannot be read.

    Example:

    \b
        reconcile extract story.txt \\
            --sources examples/dpa-2021-04-07/sources.yaml --out drafts.jsonl
        reconcile extract bulletin.txt --published 2022-08-14 --source Ukrinform --lang uk
    """
    pairs = [(spec.name, spec.aliases) for path in source_files for spec in read_source_file(path)]
    if registered:
        with app.database().read() as session:
            index = SourceIndex.load(session)
        pairs += [(s.name, tuple(a.alias for a in s.aliases)) for s in index.sources.values() if s.registered]
    options = ExtractOptions(published=published, source=publisher, report=report, lang=lang,
                             names=registered_names(pairs), headline=headlines)
    lines = []
    for path in files:
        lines += [_line(d.record(provenance=not plain)) for d in extract_file(path, options)]
    if out is None:
        for line in lines:
            click.echo(line)
        return
    write_whole(out, "".join(line + "\n" for line in lines))
    say(f"{out}: {len(lines)} draft{'s' if len(lines) != 1 else ''} from {len(files)} report"
        f"{'s' if len(files) != 1 else ''}", err=True)
