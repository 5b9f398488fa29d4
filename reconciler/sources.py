"""The source registry: who says things, who relays them, and whose word each one is.

A source's *origin* is the root of its parent chain: the Armed Forces of Ukraine and the
President of Ukraine both lead to "Government of Ukraine". Relays never change a claim's
origin. Sources met in claims but never registered are stored as *unregistered*: they have no
known origin and never count as independent corroboration.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from . import audit, content, marks
from .db import chunks
from .errors import InputError, LookalikeError, NotFound, Problem, ReconcileError, RefusedInput, ValueParseError
from .limits import KEY_WIDTH, Limits, key_width_problem, shown_key, text_problem
from .models import SOURCE_KINDS, Claim, Source, SourceAlias, SourceDistinction, utcnow
from .names import NO_LETTERS, check_name, difference, has_letters, lookalike_keys, name_key
from .textfiles import Lines, csv_header, csv_records, yaml_list

__all__ = ["name_key"]  # re-exported: the key of a source name (reconciler.names)

SOURCE_FIELDS = ("name", "aliases", "kind", "parent", "side", "distinct_from")


def key_problem(name: str) -> str | None:
    """Why ``name`` cannot name a source, its key being too long for its column; or None. A key
    is not cut short like a place's: two long names would then be one source."""
    return key_width_problem(name_key(name))


@dataclass(frozen=True)
class SourceSpec:
    """A source as a person describes it. ``distinct_from`` names stored sources whose names
    look like this one's and that the person says are different sources."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = "unknown"
    parent: str | None = None
    side: str | None = None
    line: int | None = None
    distinct_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class OriginInfo:
    """What grading needs to know of a claim's source: its origin and whether it is known."""

    source_id: int
    origin_id: int
    origin_name: str
    side: str | None
    known: bool


@dataclass(frozen=True)
class Lookalike:
    """A stored source whose name or alias ``written`` looks like a name being given."""

    source: Source
    written: str

    def describe(self) -> str:
        text = f"the {'registered' if self.source.registered else 'unregistered'} source {self.source.name!r}"
        return text if self.written == self.source.name else f"{text} (its alias {self.written!r})"


def lookalike_description(name: str, found: list[Lookalike], what: str | None = None) -> str:
    """"'Ꮩaldorian General Staff' looks like the registered source 'Valdorian General Staff'
    (it has U+13D9 CHEROKEE LETTER DO)": ``what`` replaces the quoted name (e.g. "alias 'X'")."""
    text = f"{what or repr(name)} looks like {' and '.join(f.describe() for f in found)}"
    differs = difference(name, found[0].written)
    return f"{text} (it has {differs})" if differs else text


@dataclass
class SourceIndex:
    """All sources in memory, with names and aliases resolved to ids. Sources are few.

    ``distinct`` holds, for each source, the sources a person said are different from it
    although their names look alike.
    """

    by_key: dict[str, int] = field(default_factory=dict)
    sources: dict[int, Source] = field(default_factory=dict)
    distinct: dict[int, set[int]] = field(default_factory=dict)
    _skeletons: dict[str, set[tuple[int, str]]] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, session: Session) -> "SourceIndex":
        index = cls()
        for source in session.scalars(select(Source).options(selectinload(Source.aliases))):
            index.add(source)
        for source_id, other_id in session.execute(select(SourceDistinction.source_id, SourceDistinction.other_id)):
            index.mark_distinct(source_id, other_id)
        return index

    def add(self, source: Source) -> None:
        self.sources[source.id] = source
        self.by_key[source.name_key] = source.id
        for alias in source.aliases:
            self.by_key[alias.alias_key] = source.id
        if self._skeletons is not None:
            self._add_skeletons(source)

    def mark_distinct(self, source_id: int, other_id: int) -> None:
        self.distinct.setdefault(source_id, set()).add(other_id)
        self.distinct.setdefault(other_id, set()).add(source_id)

    def find(self, name: str) -> Source | None:
        key = name_key(name)
        sid = self.by_key.get(key) if key else None
        return self.sources.get(sid) if sid is not None else None

    def lookalikes(self, name: str, of: int | None = None, allowed: Iterable[int] = ()) -> list[Lookalike]:
        """Stored sources whose name or an alias looks like ``name`` (the same UTS #39 skeleton),
        by id, leaving out the source ``of`` (the one the name belongs to or is given to), the
        ``allowed`` ones and those a person said differ from ``of``."""
        if self._skeletons is None:
            # Built on the first check only: most commands never ask (it reads the confusables data).
            self._skeletons = {}
            for source in self.sources.values():
                self._add_skeletons(source)
        skip = {of, *allowed} | self.distinct.get(of, set())
        found: dict[int, Lookalike] = {}
        for key in sorted(lookalike_keys(name)):
            for sid, written in sorted(self._skeletons.get(key, ()), key=self._name_first):
                if sid not in skip and sid not in found:
                    found[sid] = Lookalike(self.sources[sid], written)
        return [found[sid] for sid in sorted(found)]

    def _name_first(self, pair: tuple[int, str]) -> tuple[int, bool]:
        """By source, a source's name before its aliases."""
        return pair[0], pair[1] != self.sources[pair[0]].name

    def lookalikes_of(self, source_id: int) -> list[str]:
        """Names of the sources that look like this one (its name or an alias) and that nobody
        declared different: stored before look-alikes were refused, or met in claims."""
        source, names = self.sources[source_id], {}
        for written in (source.name, *(a.alias for a in source.aliases)):
            names.update(dict.fromkeys(f.source.name for f in self.lookalikes(written, of=source_id)))
        return sorted(names)

    def _add_skeletons(self, source: Source) -> None:
        for written in (source.name, *(a.alias for a in source.aliases)):
            for key in lookalike_keys(written):
                self._skeletons.setdefault(key, set()).add((source.id, written))

    def chain_of(self, source_id: int) -> list[int]:
        """The source and every source above it, nearest first."""
        chain, current = [], source_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.sources[current].parent_id
        return chain

    def origin_of(self, source_id: int) -> OriginInfo:
        """Follow parents to the root. The origin is known only if every step is registered
        and the root is not of kind 'unknown'."""
        source = self.sources[source_id]
        known = source.registered
        seen = {source.id}
        while source.parent_id is not None and source.parent_id not in seen:
            source = self.sources[source.parent_id]
            seen.add(source.id)
            known = known and source.registered
        known = known and source.kind != "unknown"
        return OriginInfo(source_id, source.id, source.name, source.side or None, known)


def _check_kind(kind: str | None) -> str:
    kind = (kind or "unknown").strip().lower()
    if kind not in SOURCE_KINDS:
        raise ReconcileError(f"unknown kind {kind!r}; expected one of {', '.join(SOURCE_KINDS)}")
    return kind


def _at(error: ReconcileError, field_name: str) -> ReconcileError:
    error.field = field_name
    return error


@dataclass(frozen=True)
class Registered:
    """What registering a spec did: the source; 'created', 'updated', 'registered' (a source
    met in claims is now registered) or 'unchanged'; and each change made to a source that was
    already registered, field by field ("kind 'media' → 'social'", "aliases + 'AFU'")."""

    source: Source
    outcome: str
    changes: tuple[str, ...] = ()


def _shown(value: str | None) -> str:
    return "none" if value is None else repr(value)


def upsert_source(session: Session, index: SourceIndex, spec: SourceSpec, user: str,
                  partial: bool = False) -> Registered:
    """Register ``spec`` (create, or update the source of that name or alias).

    With ``partial``, fields of ``spec`` that are None leave an existing source's value as it
    is (`sources add NAME --alias X` only adds an alias); otherwise the spec is the whole truth
    for kind, parent and side (aliases and distinctions are only ever added). A name or alias
    without letters is refused (ValueParseError); a new name or alias that looks like another
    source's is refused (LookalikeError) unless ``spec.distinct_from`` names that source. When
    kind, parent, side or registration change, the claims of the source and of every source
    under it are flagged to be matched and graded again by the next run.
    """
    for name in (spec.name, *spec.aliases):
        problem = text_problem(name.strip(), KEY_WIDTH) or key_problem(name)
        if problem is not None:
            shown = name.strip() if len(name.strip()) <= 40 else name.strip()[:40] + "…"
            raise ValueParseError(f"source name {shown!r} {problem}")
    if not has_letters(spec.name):
        raise _at(ValueParseError(f"{spec.name!r} {NO_LETTERS}"), "name")
    for alias in spec.aliases:
        if not has_letters(alias):
            raise _at(ValueParseError(f"alias {alias!r} {NO_LETTERS}"), "aliases")
    source = index.find(spec.name)
    distinct = _distinct_ids(index, spec, source)
    keep = partial and source is not None
    kind = source.kind if keep and spec.kind is None else _check_kind(spec.kind)
    parent_id = source.parent_id if keep and spec.parent is None else None
    if spec.parent:
        parent = index.find(spec.parent)
        if parent is None:
            raise _at(NotFound("source", spec.parent,
                               f"parent source {spec.parent!r} is not registered; register it first"), "parent")
        parent_id = parent.id
    if source is not None:
        # Built on a source changed behind the tool's back, an edit would record the change as its own.
        content.require_intact(session, "source", [source.id], "nothing was written", "correct it")
    side = source.side if keep and spec.side is None else ((spec.side or "").strip() or None)
    aliases = _new_aliases(index, spec, source)
    if source is None or not source.registered:
        # A source met in claims before look-alikes were refused may be one: check it on registering.
        for name in dict.fromkeys([spec.name.strip()] + ([source.name] if source is not None else [])):
            _refuse_lookalikes(index, name, source.id if source else None, distinct, "name")
    for alias in aliases:
        _refuse_lookalikes(index, alias, source.id if source else None, distinct, "aliases", f"alias {alias!r}")
    before = _source_state(index, source) if source is not None else None
    changes: list[str] = []
    if source is None:
        source = Source(name=spec.name.strip(), name_key=name_key(spec.name), kind=kind, parent_id=parent_id,
                        side=side, registered=True, created_by=user, created_at=utcnow())
        session.add(source)
        session.flush()
        outcome = "created"
    else:
        outcome = "unchanged" if source.registered else "registered"
        changes = _field_changes(index, source, kind, parent_id, side)
        source.kind, source.parent_id, source.side, source.registered = kind, parent_id, side, True
        _check_cycle(index, source)
    for alias in aliases:
        source.aliases.append(SourceAlias(alias=alias, alias_key=name_key(alias)))
        index.by_key[name_key(alias)] = source.id  # "ZSU" and "ЗСУ" in one list share a key: keep the first
        changes.append(f"aliases + {alias!r}")
    for other in sorted(distinct - index.distinct.get(source.id, set())):
        session.add(SourceDistinction(source_id=source.id, other_id=other, created_by=user, created_at=utcnow()))
        index.mark_distinct(source.id, other)
        changes.append(f"distinct from + {index.sources[other].name!r}")
    if outcome == "unchanged" and changes:
        outcome = "updated"
    if outcome in ("updated", "registered"):
        source.updated_by, source.updated_at = user, utcnow()
    session.flush()
    index.add(source)
    if outcome != "unchanged":
        after = _source_state(index, source)
        content.note(session, user, "source", [source.id])
        audit.record(session, user, "source", "source", source.id, before=before, after=after,
                     content=content.take(session))
        graded = ("kind", "parent", "side", "registered")
        if before is not None and any(before[k] != after[k] for k in graded):
            _flag_claims_under(session, index, source.id)
    return Registered(source, outcome, tuple(changes) if before is not None and before["registered"] else ())


def _distinct_ids(index: SourceIndex, spec: SourceSpec, source: Source | None) -> set[int]:
    ids = set()
    for name in spec.distinct_from:
        other = index.find(name)
        if other is None:
            raise _at(NotFound("source", name, f"no source is called {name!r}"), "distinct_from")
        if source is not None and other.id == source.id:
            raise _at(ValueParseError(f"{name!r} is {source.name!r} itself"), "distinct_from")
        ids.add(other.id)
    return ids


def _new_aliases(index: SourceIndex, spec: SourceSpec, source: Source | None) -> list[str]:
    """The aliases of ``spec`` not yet known, in order; an alias of another source is refused."""
    new, keys = [], {source.name_key} if source is not None else {name_key(spec.name)}
    for alias in spec.aliases:
        alias, key = alias.strip(), name_key(alias)
        if key in keys:
            continue
        owner = index.by_key.get(key)
        if owner is not None and (source is None or owner != source.id):
            raise _at(ReconcileError(f"alias {alias!r} already names another source ({index.sources[owner].name})"),
                      "aliases")
        keys.add(key)
        if owner is None:
            new.append(alias)
    return new


def _refuse_lookalikes(index: SourceIndex, name: str, of: int | None, allowed: set[int], field_name: str,
                       what: str | None = None) -> None:
    found = index.lookalikes(name, of, allowed)
    if found:
        raise LookalikeError(lookalike_description(name, found, what), tuple(f.source.name for f in found),
                             field_name)


def _field_changes(index: SourceIndex, source: Source, kind: str, parent_id: int | None, side: str | None) -> list[str]:
    def parent_name(pid: int | None) -> str | None:
        return index.sources[pid].name if pid is not None else None

    changes = []
    if kind != source.kind:
        changes.append(f"kind {source.kind!r} → {kind!r}")
    if parent_id != source.parent_id:
        changes.append(f"parent {_shown(parent_name(source.parent_id))} → {_shown(parent_name(parent_id))}")
    if side != source.side:
        changes.append(f"side {_shown(source.side)} → {_shown(side)}")
    return changes


def _flag_claims_under(session: Session, index: SourceIndex, source_id: int) -> None:
    """Origins may have changed for these claims: the next run re-matches and re-grades them."""
    under = [sid for sid in index.sources if source_id in index.chain_of(sid)]
    for part in chunks(under, 500):
        # The version raised: a run in progress then leaves the mark (see reconciler.marks).
        marks.touch_where(session, Claim.source_id.in_(part))


def _source_state(index: SourceIndex, source: Source) -> dict:
    parent = index.sources.get(source.parent_id) if source.parent_id else None
    return {"name": source.name, "aliases": sorted(a.alias for a in source.aliases), "kind": source.kind,
            "parent": parent.name if parent else None, "side": source.side, "registered": source.registered,
            "distinct_from": distinct_names(index, source.id)}


def distinct_names(index: SourceIndex, source_id: int) -> list[str]:
    """The names of the sources a person said are different from ``source_id``, sorted."""
    return sorted(index.sources[i].name for i in index.distinct.get(source_id, ()))


def _check_cycle(index: SourceIndex, source: Source) -> None:
    seen, current = {source.id}, source.parent_id
    while current is not None:
        if current in seen:
            raise _at(ReconcileError(f"parent chain of {source.name!r} would loop back to itself"), "parent")
        seen.add(current)
        current = index.sources[current].parent_id


def unregistered_source(session: Session, index: SourceIndex, name: str, user: str) -> tuple[Source, bool]:
    """The source called ``name``; created as unregistered if nobody registered it.
    Returns (source, created). The caller has refused names without letters and look-alikes
    (reconciler.importing checks a whole batch first, with file and line)."""
    source = index.find(name)
    if source is not None:
        return source, False
    source = Source(name=name.strip(), name_key=check_name(name), kind="unknown", registered=False,
                    created_by=user, created_at=utcnow())
    session.add(source)
    session.flush()
    index.add(source)
    return source, True


def read_source_file(path: Path, limits: Limits = Limits()) -> list[SourceSpec]:
    """Read sources from YAML (a list of mappings) or CSV within ``limits``. Raises InputError
    listing every problem."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        read = _yaml_rows
    elif suffix == ".csv":
        read = _csv_rows
    else:
        raise InputError([Problem(name, None, None, "has an unknown extension; expected .yaml, .yml or .csv")])
    rows = read(path, name, limits)
    if rows is None:
        raise InputError([Problem(name, None, None, "is empty; expected a list of sources")])
    specs, problems = [], []
    for line, row in rows:
        spec = _row_to_spec(name, line, row, problems, limits)
        if spec is not None:
            specs.append(spec)
    if problems:
        raise InputError(problems)
    return specs


def _yaml_rows(path: Path, name: str, limits: Limits) -> list[tuple[int, object]] | None:
    """(line, item) for each item of the file's list; None for a file of blank lines."""
    lines = Lines(path, name, limits)
    text = "".join(lines)
    if not lines.held:
        return None
    return yaml_list(name, text, limits, "a source needs 2 (the source's mapping and the list in aliases)", "source")


def _csv_rows(path: Path, name: str, limits: Limits) -> list[tuple[int, object]] | None:
    records = csv_records(Lines(path, name, limits, records=True))
    first = next(records, None)
    if first is None:
        return None
    header, problems = csv_header(name, first[1])
    if "name" not in header:
        raise InputError([Problem(name, 1, None, f"the header row must name the columns {', '.join(SOURCE_FIELDS)}; 'name' is missing")])
    rows = []
    for line, values in records:
        if len(values) != len(header):
            problems.append(Problem(name, line, None, f"has {len(values)} values; the header has {len(header)} columns"))
            continue
        row = dict(zip(header, values))
        for list_field in ("aliases", "distinct_from"):
            if row.get(list_field) is not None:
                row[list_field] = [a.strip() for a in row[list_field].split(";") if a.strip()]
        rows.append((line, row))
    if problems:
        raise InputError(problems)
    return rows


def _names(name: str, line: int | None, row: dict, field_name: str, problems: list[Problem],
           limits: Limits) -> list[str]:
    """A list-of-names field (aliases, distinct_from): a list, or one name."""
    value = row.get(field_name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        problems.append(Problem(name, line, field_name, "expected a list of names"))
        return []
    message = next((m for m in (text_problem(a, limits.width(field_name)) or key_problem(a) for a in value)
                    if m is not None), None)
    if message is not None:
        problems.append(Problem(name, line, field_name, message))
        return []
    return [a.strip() for a in value]


def _row_to_spec(name: str, line: int | None, row: object, problems: list[Problem], limits: Limits) -> SourceSpec | None:
    if not isinstance(row, dict):
        problems.append(Problem(name, line, None, f"expected a mapping with {', '.join(SOURCE_FIELDS)}"))
        return None
    unknown = [k for k in row if k not in SOURCE_FIELDS]
    for key in unknown:
        problems.append(Problem(name, line, shown_key(key), f"unknown field; expected one of {', '.join(SOURCE_FIELDS)}"))
    before = len(problems)
    for key in ("name", "parent", "side", "kind"):
        value = row.get(key)
        message = text_problem(value, limits.width(key)) if isinstance(value, str) else None
        if message is None and key == "name" and isinstance(value, str):
            message = key_problem(value)
        if message is not None:
            problems.append(Problem(name, line, key, message))
    aliases = _names(name, line, row, "aliases", problems, limits)
    distinct_from = _names(name, line, row, "distinct_from", problems, limits)
    if len(problems) != before:
        return None
    source_name = row.get("name")
    if not isinstance(source_name, str) or not source_name.strip():
        problems.append(Problem(name, line, "name", "is required: the source's name"))
        return None
    for field_name, values in (("name", [source_name]), ("aliases", aliases)):
        for value in values:
            if not has_letters(value):
                problems.append(Problem(name, line, field_name, f"{value.strip()!r} {NO_LETTERS}"))
    kind = row.get("kind") or "unknown"
    if not isinstance(kind, str) or kind.strip().lower() not in SOURCE_KINDS:
        shown = repr(kind) if isinstance(kind, str) else _kind_of(kind)
        problems.append(Problem(name, line, "kind", f"expected one of {', '.join(SOURCE_KINDS)}, got {shown}"))
    texts = {}
    for field_name in ("parent", "side"):
        value = row.get(field_name)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(name, line, field_name, f"expected a name (text), got {_kind_of(value)}"))
            value = None
        texts[field_name] = (value or "").strip() or None
    if unknown or len(problems) > before:
        return None
    return SourceSpec(source_name.strip(), tuple(aliases), str(kind), texts["parent"], texts["side"], line,
                      tuple(distinct_from))


def _kind_of(value: object) -> str:
    return "a list" if isinstance(value, list) else "a mapping"


@dataclass
class SourcesImport:
    """What a sources file did: source names by outcome, and each change made to a registered
    source as (line, source name, changes field by field)."""

    outcomes: dict[str, list[str]] = field(default_factory=lambda: {
        "created": [], "updated": [], "registered": [], "unchanged": []})
    changes: list[tuple[int | None, str, tuple[str, ...]]] = field(default_factory=list)


def import_sources(session: Session, specs: list[SourceSpec], user: str, file: str = "",
                   update: bool = False) -> SourcesImport:
    """Register every spec, parents first wherever they appear in the file.

    A row that would change a registered source (kind, parent, side, new aliases or
    distinctions; a row named like an alias of a source changes that source) is refused unless
    ``update``: RefusedInput lists every such row with what it would change, and the caller's
    transaction must be rolled back. A look-alike of another source is refused (RefusedInput)
    unless the row's ``distinct_from`` names it; other faults raise InputError.
    """
    index = SourceIndex.load(session)
    result, refused = SourcesImport(), []
    said: dict[str, list[str]] = {}   # key of a name further down -> rows that said they differ from it
    pending = list(specs)
    names_in_file = {name_key(n) for s in specs for n in (s.name, *s.aliases)}
    while pending:
        progress, waiting = False, []
        for spec in pending:
            if spec.parent and index.find(spec.parent) is None and name_key(spec.parent) in names_in_file:
                waiting.append(spec)
                continue
            # A distinction from a row further down is recorded when that row is registered.
            later = [n for n in spec.distinct_from if index.find(n) is None and name_key(n) in names_in_file]
            for other in later:
                said.setdefault(name_key(other), []).append(spec.name)
            own_keys = dict.fromkeys(name_key(n) for n in (spec.name, *spec.aliases))
            earlier = [n for k in own_keys for n in said.pop(k, [])]
            spec = replace(spec, distinct_from=tuple(n for n in spec.distinct_from if n not in later) + tuple(earlier))
            try:
                done = upsert_source(session, index, spec, user)
            except LookalikeError as exc:
                others = ", ".join(repr(o) for o in exc.others)
                raise RefusedInput([Problem(file, spec.line, exc.field, exc.message(f"distinct_from: [{others}]"))]) \
                    from None
            except ReconcileError as exc:
                raise InputError([Problem(file, spec.line, exc.field or "name", str(exc))]) from None
            result.outcomes[done.outcome].append(done.source.name)
            if done.changes:
                result.changes.append((spec.line, done.source.name, done.changes))
                if not update:
                    refused.append(Problem(file, spec.line, None,
                                           f"{_row_target(spec, done.source)}: {', '.join(done.changes)}",
                                           remedy="update"))
            progress = True
        if not progress:
            names = ", ".join(s.name for s in waiting)
            raise InputError([Problem(file, waiting[0].line, "parent", f"parent chain loops: {names}")])
        pending = waiting
    if refused:
        raise RefusedInput(sorted(refused, key=lambda p: p.line or 0))
    return result


def _row_target(spec: SourceSpec, source: Source) -> str:
    """Which registered source a row names, when it is not by its exact name."""
    if spec.name == source.name:
        return f"this row would change {source.name!r}"
    if name_key(spec.name) == source.name_key:
        return f"{spec.name!r} is {source.name!r} written differently; this row would change that source"
    return f"{spec.name!r} is an alias of {source.name!r}; this row would change that source"
