"""Everything the CLI prints for people goes through here: values are shown, never interpreted.

A stored value (a source name, a place, a note, a user, a reason, a file name) is data typed by
somebody else. Printed raw it could act on the reader's terminal: rich markup (``[/]`` crashes
the table, ``[link=…]`` makes a link, ``[red]`` a colour), ``:warning:`` an emoji, an ESC
sequence clears the screen, a right-to-left override reorders the line, a zero-width space or a
tag character hides inside a name. So:

- rich never parses markup or emoji codes here: tables and lines are built from ``Text``
  objects, and the console has markup, emoji and highlighting switched off;
- every string passes through :func:`visible` (``reconciler.display``, shared with the HTML
  report), which writes control and invisible characters as
  escapes (``\\x1b``, ``\\u202e``) and keeps each value on one line;
- ``--json`` output is exact data instead (``json.dumps`` escapes what JSON needs); it is not
  passed through :func:`visible`;
- files that `reconcile export` writes are encoded here too: JSON by :func:`json_text` (exact
  data, as ``--json``), CSV for spreadsheets by :func:`csv_text` (each cell shown by
  :func:`visible`, then neutralised against formulas by :func:`spreadsheet_cell`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import unicodedata
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from reconciler.display import hidden, visible


def _json_escape(char: str) -> str:
    """The JSON escape of one character (a surrogate pair above U+FFFF)."""
    point = ord(char)
    if point < 0x10000:
        return f"\\u{point:04x}"
    point -= 0x10000
    return f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}"


def say(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print one line (stdout, or stderr with ``err``) that may hold stored values."""
    click.echo(visible(text), err=err, nl=nl)


def console() -> Console:
    """A console that prints text as it is: no markup, no emoji codes, no highlighting."""
    return Console(width=None if sys.stdout.isatty() else _piped_width(), soft_wrap=False, markup=False,
                   emoji=False, highlight=False)


def _piped_width() -> int:
    """Output to a file or a pipe: 160 columns, wide enough for side-by-side views, or $COLUMNS."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else 160


def line(*parts: str | tuple[str, str]) -> Text:
    """One line for ``console().print``: each part a string, or (string, rich style) for the
    program's own emphasis; every string is passed through :func:`visible`."""
    text = Text()
    for part in parts:
        content, style = part if isinstance(part, tuple) else (part, "")
        text.append(visible(content), style=style)
    return text


def table(title: str | None, columns: list[str], rows: Iterable[Iterable[Any]]) -> Table:
    """A rich table whose every cell (and the title) is shown by :func:`visible`, never parsed."""
    out = Table(title=None if title is None else Text(visible(title)), show_lines=False, header_style="bold")
    for column in columns:
        out.add_column(Text(visible(column)), overflow="fold")
    for row in rows:
        out.add_row(*[Text(visible(value)) for value in row])
    return out


# JSON meant to be embedded in an HTML <script> element (JSON-LD): outside strings JSON has none
# of these characters, so escaping them all keeps the data exact and no value can close the element.
_HTML_IN_JSON = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_text(data: Any, *, indent: int | None = 2, html: bool = False) -> str:
    """``data`` as JSON for other programs: exact, and inert on a terminal.

    Every control and format character (what :func:`visible` escapes, less the printable
    default-ignorables, which do nothing to a terminal) is written as a JSON ``\\u`` escape
    instead of raw: ``json.dumps`` does so for C0 controls only, not for DEL, C1 controls, bidi
    or tag characters. The parsed values are exactly the stored ones. Outside strings JSON has
    only ASCII and the indentation's newlines, which are kept. With ``indent`` None the text is
    one line (JSON Lines). With ``html``, ``<``, ``>`` and ``&`` are written as ``\\u`` escapes
    too, so that the text can be pasted into an HTML ``<script>`` element as it is.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str)
    if not text.replace("\n", " ").isprintable():  # the common case ends here, at C speed
        lines = text.split("\n")
        for n, part in enumerate(lines):
            if not part.isprintable():
                lines[n] = "".join(_json_escape(char) if hidden(char) else char for char in part)
        text = "\n".join(lines)
    return text.translate(_HTML_IN_JSON) if html else text


def print_json(data: Any) -> None:
    """``data`` as :func:`json_text` on standard output."""
    click.echo(json_text(data))


# A spreadsheet reads a cell starting with one of these as a formula (or, after a tab or a
# carriage return, may skip to one): OWASP's list for CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Where a spreadsheet may cut a cell into cells: the list separator (`,`; `;` where the locale's
# decimal mark is a comma: de, fr, uk, ru, pl), `|` and tab (import dialogs offer them); and a
# line break, for a reader that ignores quotes. What follows one may become a cell of its own.
SEGMENT_SEPARATORS = frozenset(";,|\t\n")
_SEPARATOR = re.compile("[;,|\t\n]")
# Where a formula could begin, in a cell's NFKC form: a cell without one is kept as it is without
# a closer look (most cells are such). NFKC keeps every space a space (checked over all of
# Unicode), a quote a quote, and begins each fullwidth or small form with its ASCII character.
_CANDIDATE = re.compile("[;,|\t\n][\\s\"']*[-=+@\t\r]|^[\\s\"']*[-=+@\t\r]")

# Skipped before a cell's or a segment's first character, when looking for a formula: what a
# spreadsheet may skip or trim there (any Unicode space, a quote).
_LEADING_QUOTES = frozenset("\"'")

# A plain decimal number ("-37.5", "-3"): a spreadsheet reads it as a number and nothing else (no
# operator, function or reference can follow the sign), so a negative longitude stays a number.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _formula_at(text: str, start: int) -> int | None:
    """Where the cell or segment of ``text`` beginning at ``start`` starts a formula: the index
    of its first character that is not a space or a quote (read after NFKC, so that a fullwidth
    ``＝`` is an ``=``), when that character is one of FORMULA_STARTS and the segment from it is
    not a plain decimal number; else None."""
    for index in range(start, len(text)):
        char = text[index]
        folded = char if char.isascii() else unicodedata.normalize("NFKC", char)[:1]  # ASCII is its own NFKC
        if folded in FORMULA_STARTS:  # a tab or a carriage return too, before it is taken for a space
            separator = _SEPARATOR.search(text, index + 1)
            return None if _PLAIN_NUMBER.fullmatch(text, index, separator.start() if separator else len(text)) \
                else index
        if not (char.isspace() or folded in _LEADING_QUOTES):
            return None
    return None


def neutralised(text: str) -> str:
    """``text`` with a ``'`` wherever a spreadsheet could read a formula in it.

    - A cell whose first character, after any spaces and quotes and read after NFKC, is ``=``,
      ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'`` in front of the cell:
      ``' =1``, ``'＝1`` (OWASP's advice against CSV injection).
    - Each segment after a ``;``, ``,``, ``|``, tab or line break that begins (after any spaces
      and quotes) with one of them gets a ``'`` just before that character: ``x;'=1+1``.
    - A cell or segment that is a plain decimal number (``-3``, ``-37.5``) is kept as it is.
    """
    if not _CANDIDATE.search(text if text.isascii() else unicodedata.normalize("NFKC", text)):
        return text
    inserts = [] if _formula_at(text, 0) is None else [0]
    for separator in _SEPARATOR.finditer(text):
        at = _formula_at(text, separator.end())
        if at is not None and at not in inserts:
            inserts.append(at)
    if not inserts:
        return text
    pieces, last = [], 0
    for at in inserts:
        pieces += [text[last:at], "'"]
        last = at
    return "".join(pieces) + text[last:]


def spreadsheet_cell(value: Any) -> str:
    """One CSV cell that a spreadsheet shows as text and never runs.

    Neutralised against formulas by :func:`neutralised`; then control and format characters are
    written as escapes by :func:`visible` (``\\u202e``, ``\\t``), newlines kept: a cell may
    span lines (every cell is quoted). None is the empty cell.
    """
    return visible(neutralised("" if value is None else str(value)), newlines=True)


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]], *, bom: bool = False) -> str:
    """A CSV file for spreadsheets: the header, then each row, every cell by :func:`spreadsheet_cell`
    and quoted (so that a spreadsheet whose list separator is ``;`` does not cut a cell at one);
    lines end in CRLF (RFC 4180); with ``bom``, a byte order mark first (Excel then reads UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([spreadsheet_cell(name) for name in header])
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def claim_label(claim: dict) -> str:
    """A claim's id as tables show it: '12', or '12 (draft)' / '12 (rejected draft)' for a draft
    that counts for nothing (an accepted draft is a claim like any other)."""
    state = claim.get("draft_state")
    return f"{claim['id']} (draft)" if state == "draft" else (
        f"{claim['id']} (rejected draft)" if state == "rejected" else str(claim["id"]))


@contextmanager
def progress_bars(shown: bool) -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A callback for the library's ``progress(stage, done, total)`` that draws a bar a stage on
    standard error while the work goes on (gone when it ends), or None when not ``shown``. A
    stage whose total is not known (None) pulses and counts."""
    if not shown:
        yield None
        return
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                  TextColumn("{task.fields[count]}", markup=False), TimeElapsedColumn(),
                  transient=True, console=Console(stderr=True)) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            total = None if total is None else max(total, 1)
            count = f"{done:,}" if total is None else f"{done:,}/{total:,}"
            first = stage not in tasks
            if first:
                tasks[stage] = bar.add_task(stage, total=total, count=count)
            # Each stage drawn at least once, however soon it ends (the bar redraws ten times a second).
            bar.update(tasks[stage], completed=done, total=total, count=count, refresh=first)

        yield progress
