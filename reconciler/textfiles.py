"""Reading input files within their limits: lines, JSON objects, CSV records and YAML lists.

Shared by claim files (:mod:`reconciler.reading`) and source files (:mod:`reconciler.sources`).
Each reader turns what a file holds into plain Python values (dicts, lists, text, numbers) and
reports what it cannot read as :class:`Problem` with file and line; what the fields mean is the
caller's business. A line is read with a bounded ``readline``, so a line longer than the limit
is refused without ever being held in memory whole.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

import yaml

from .errors import InputError, Problem
from .limits import MAX_NUMBER_CHARS, Limits, shown_key


class Lines:
    """The lines of a UTF-8 file, each with its line ending, numbered from 1.

    Iterating raises :class:`InputError` when the file cannot be read, is not UTF-8, or holds a
    line longer than ``limits.line_bytes`` (with ``records``, a record: from one call of
    :meth:`start_record` to the next, as a CSV record spans lines inside quotes); the file is not
    read further.
    """

    def __init__(self, path: Path, name: str, limits: Limits, records: bool = False):
        self.path, self.name, self.limit, self.records = path, name, limits.line_bytes, records
        self.number = 0                                  # the line last read
        self.held = False                                # whether a line read held more than spaces
        self._record_start, self._record_bytes = 1, 0    # where the record began, and its bytes so far
        self._ending = 0                                 # bytes of the line ending before the next line

    def start_record(self) -> None:
        """The next line begins a record: the limit counts from there."""
        self._record_start, self._record_bytes, self._ending = self.number + 1, 0, 0

    def __iter__(self) -> Iterator[str]:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise InputError([Problem(self.name, None, None, f"cannot be read: {exc.strerror}")]) from None
        with handle:
            yield from self._lines(handle)

    def _lines(self, handle: BinaryIO) -> Iterator[str]:
        while True:
            try:
                raw = handle.readline(self.limit + 3)   # the limit, a line ending, one byte more
            except OSError as exc:
                raise InputError([Problem(self.name, self.number + 1, None, f"cannot be read: {exc.strerror}")]) \
                    from None
            if not raw:
                return
            if not self.records:
                self.start_record()
            self.number += 1
            # A line's ending is not its content; a record's inner line endings (before this line) are.
            content = len(raw.rstrip(b"\r\n")) if raw.endswith(b"\n") else len(raw)
            self._record_bytes += self._ending + content
            self._ending = len(raw) - content
            if self._record_bytes > self.limit:
                raise InputError([Problem(self.name, self._record_start, None,
                                          f"is longer than {self.limit:,} bytes, the limit for a line; "
                                          "nothing after it was read")])
            if self.number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]   # the byte order mark some editors write
            self.held = self.held or bool(raw.strip())
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError([Problem(self.name, self.number, None,
                                          f"is not UTF-8 (invalid byte 0x{raw[exc.start]:02x}); "
                                          "save the file as UTF-8")]) from None


def refuse_problems(name: str, lines: Lines, problems: list[Problem], found: int, empty: str,
                    nothing: str) -> None:
    """The end of reading a file of records: refused whole when it held nothing (``empty``: "is
    empty; expected ..."), when any record had a problem, or when no record was kept (``nothing``)."""
    if not lines.held and not problems:
        raise InputError([Problem(name, None, None, empty)])
    if problems:
        raise InputError(problems)
    if not found:
        raise InputError([Problem(name, None, None, nothing)])


class Unreadable:
    """A JSON value read but not kept: a number too long or too large, NaN or Infinity.
    ``message`` says why, for the field it stands in."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class JsonObject(dict):
    """A JSON object as read; ``duplicates`` lists the keys it gave more than once."""

    duplicates: tuple = ()


def _object(pairs: list[tuple[str, object]]) -> JsonObject:
    obj = JsonObject(pairs)
    if len(obj) != len(pairs):
        obj.duplicates = tuple(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
    return obj


def _integer(text: str) -> int | Unreadable:
    if len(text) > MAX_NUMBER_CHARS:
        return Unreadable(f"is a number {len(text):,} characters long; a number is at most {MAX_NUMBER_CHARS}")
    return int(text)


def _float(text: str) -> float | Unreadable:
    if len(text) > MAX_NUMBER_CHARS:
        return Unreadable(f"is a number {len(text):,} characters long; a number is at most {MAX_NUMBER_CHARS}")
    number = float(text)
    return number if math.isfinite(number) else Unreadable(f"{text} is too large a number to hold")


def _constant(text: str) -> Unreadable:
    return Unreadable(f"{text} is not a JSON value; give a number or text")


# A JSON string (to its closing quote, or to the end of an unterminated one: each character is
# looked at once, whatever the quotes), a bracket or a colon.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)|[\[\]{}:]', re.DOTALL)


def json_nesting(text: str, depth: int, deeper: Mapping[str, int] | None = None) -> tuple[bool, str | None]:
    """Whether the JSON ``text`` nests lists and objects more than ``depth`` levels deep (more
    than ``deeper[key]`` under a top-level key it names), and the key of the top-level object
    under which it does (None at the top level)."""
    deeper = deeper or {}
    if text.count("[") + text.count("{") <= depth:
        return False, None
    level, key, last = 0, None, None
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            level += 1
            if level > depth and level > deeper.get(key, depth):
                return True, key if level > 2 else None
        elif token in "]}":
            level -= 1
        elif token == ":":
            if level == 1:
                key = last
        else:
            last = _decoded(token)
    return False, None


def _decoded(token: str) -> str:
    try:
        return json.loads(token)
    except ValueError:
        return token.strip('"')


def json_object(name: str, line: int, text: str, limits: Limits, nesting: str,
                deeper: Mapping[str, tuple[int, str]] | None = None) -> JsonObject | Problem:
    """Line ``line`` of file ``name``, one JSON object, read as a :class:`JsonObject` of plain
    values and :class:`Unreadable`; or the problem that stops it being read. ``nesting`` ends the
    message for nesting deeper than ``limits.depth`` (it says what a record needs); ``deeper``
    lets the members it names nest deeper, (levels, what ends the message) by key."""
    deeper = deeper or {}
    deep, key = json_nesting(text, limits.depth, {k: levels for k, (levels, _) in deeper.items()})
    if deep:
        levels, why = deeper.get(key, (limits.depth, nesting))
        return Problem(name, line, shown_key(key) if key is not None else None,
                       f"is nested more than {levels} levels deep; {why}")
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_int=_integer, parse_float=_float,
                           parse_constant=_constant)
    except json.JSONDecodeError as exc:
        return Problem(name, line, None, f"is not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(value, dict):
        kind = "a number" if isinstance(value, Unreadable) else type(value).__name__
        return Problem(name, line, None, f"expected a JSON object {{...}}, got {kind}")
    return value


def csv_records(lines: Lines) -> Iterator[tuple[int, list[str]]]:
    """(first line, values) for each CSV record of ``lines`` (made with ``records=True``), blank
    ones left out; the header is the first.

    Raises :class:`InputError` for a record that is not valid CSV; nothing after it is read.
    """
    reader = csv.reader(lines)
    while True:
        start = lines.number + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = f"is not valid CSV: {exc}"
            if str(exc).startswith("field larger than field limit"):
                message = (f"has a field longer than {csv.field_size_limit():,} characters, the most a CSV field "
                           "may hold; nothing after it was read")
            raise InputError([Problem(lines.name, start, None, message)]) from None
        lines.start_record()
        if any(v.strip() for v in values):
            yield start, values


def csv_header(name: str, values: list[str]) -> tuple[list[str], list[Problem]]:
    """The column names of a header row, and a problem for each name given twice."""
    header = [h.strip() for h in values]
    twice = [h for h, count in Counter(header).items() if count > 1]
    return header, [Problem(name, 1, shown_key(h), "is a column twice in the header row; name each column once")
                    for h in twice]


# Scalars a source file may hold: text as written (YAML 1.1 would read 'no' as false, 1945 as a
# number and 2021-04-06 as a date), or null. Other tags (!!binary, !!set, !!python/...) are refused.
_TEXT_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "timestamp", "merge", "value")}
_NULL_TAG = "tag:yaml.org,2002:null"
_EVENT_NODES = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def yaml_list(name: str, text: str, limits: Limits, nesting: str, what: str) -> list[tuple[int, object]]:
    """The items of file ``name``, YAML ``text`` holding one list of ``what`` ("source"): (line,
    item), each mapping as a dict of text, lists and None. Raises :class:`InputError` listing what
    cannot be read (nesting deeper than ``limits.depth`` inside an item, aliases, tags, keys given
    twice); ``nesting`` ends that message (it says what an item needs)."""
    try:
        _check_events(name, text, limits, nesting)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(name, line, None, f"is not valid YAML: {getattr(exc, 'problem', None) or exc}")]) \
            from None
    if not isinstance(root, yaml.SequenceNode):
        raise InputError([Problem(name, 1, None, f"expected a YAML list of {what}s (lines starting with '- ')")])
    problems: list[Problem] = []
    items = [(node.start_mark.line + 1, _plain(name, node, None, problems, what)) for node in root.value]
    if problems:
        raise InputError(problems)
    return items


def _check_events(name: str, text: str, limits: Limits, nesting: str) -> None:
    """Refuse nesting deeper than the limit (before the recursive composer sees it) and aliases."""
    open_nodes: list[list] = []   # for each open list or mapping: [is a mapping, children so far]
    field = None
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, _EVENT_NODES):
            if len(open_nodes) == 2 and open_nodes[1][0] and open_nodes[1][1] % 2 == 0:
                field = event.value if isinstance(event, yaml.ScalarEvent) else None   # a key of an item
            line = event.start_mark.line + 1
            where = shown_key(field) if len(open_nodes) >= 2 and field is not None else None
            if isinstance(event, yaml.AliasEvent):
                raise InputError([Problem(name, line, where, f"uses a YAML alias (*{event.anchor}); "
                                                             "write the value out")])
            if open_nodes:
                open_nodes[-1][1] += 1
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_nodes.append([isinstance(event, yaml.MappingStartEvent), 0])
                if len(open_nodes) > limits.depth + 1:   # the file's own list is not an item's level
                    raise InputError([Problem(name, line, where, f"is nested more than {limits.depth} levels "
                                                                 f"deep; {nesting}")])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            open_nodes.pop()


def _plain(name: str, node: yaml.Node, field: str | None, problems: list[Problem], what: str) -> object:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _NULL_TAG:
            return None
        if node.tag not in _TEXT_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            problems.append(Problem(name, node.start_mark.line + 1, field,
                                    f"has the YAML tag {tag}; a {what} file holds plain text"))
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(name, item, field, problems, what) for item in node.value]
    result: dict = {}
    for key_node, value_node in node.value:
        key = _plain(name, key_node, field, problems, what)
        if not isinstance(key, str):
            problems.append(Problem(name, key_node.start_mark.line + 1, field, "expected a field name, got a list "
                                                                              "or mapping"))
            continue
        if key in result:
            problems.append(Problem(name, key_node.start_mark.line + 1, shown_key(key),
                                    f"is given twice in one {what}; give each field once"))
        result[key] = _plain(name, value_node, field or shown_key(key), problems, what)
    return result
