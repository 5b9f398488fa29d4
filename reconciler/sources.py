"""The source registry: who says things, who relays them, and whose word each one is.

A source's *origin* is the root of its parent chain: the Armed Forces of Ukraine and the
President of Ukraine both lead to "Government of Ukraine". Relays never change a claim's
origin. Sources met in claims but never registered are stored as *unregistered*: they have no
known origin and never count as independent corroboration.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from . import audit
from .errors import InputError, NotFound, Problem, ReconcileError
from .models import SOURCE_KINDS, Claim, Source, SourceAlias, utcnow
from .places import ascii_key

SOURCE_FIELDS = ("name", "aliases", "kind", "parent", "side")
MAX_NAME = 300  # the width of the name columns (PostgreSQL enforces it)


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Case-, script- and spacing-insensitive key for source names and aliases."""
    return ascii_key(name)


@dataclass(frozen=True)
class SourceSpec:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "unknown"
    parent: str | None = None
    side: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class OriginInfo:
    """What grading needs to know of a claim's source: its origin and whether it is known."""

    source_id: int
    origin_id: int
    origin_name: str
    side: str | None
    known: bool


@dataclass
class SourceIndex:
    """All sources in memory, with names and aliases resolved to ids. Sources are few."""

    by_key: dict[str, int] = field(default_factory=dict)
    sources: dict[int, Source] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> "SourceIndex":
        index = cls()
        for source in session.scalars(select(Source).options(selectinload(Source.aliases))):
            index.add(source)
        return index

    def add(self, source: Source) -> None:
        self.sources[source.id] = source
        self.by_key[source.name_key] = source.id
        for alias in source.aliases:
            self.by_key[alias.alias_key] = source.id

    def find(self, name: str) -> Source | None:
        sid = self.by_key.get(name_key(name))
        return self.sources.get(sid) if sid is not None else None

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


def upsert_source(session: Session, index: SourceIndex, spec: SourceSpec, user: str,
                  partial: bool = False) -> tuple[Source, str]:
    """Register ``spec`` (create, or update the source of that name or alias).

    With ``partial``, fields of ``spec`` that are None leave an existing source's value as it
    is (`sources add NAME --alias X` only adds an alias); otherwise the spec is the whole truth.
    Returns the source and what happened: 'created', 'updated', 'registered' (an
    unregistered source met in claims is now registered) or 'unchanged'. When kind, parent,
    side or registration change, the claims of the source and of every source under it are
    flagged to be matched and graded again by the next run.
    """
    if len(spec.name.strip()) > MAX_NAME:
        raise ReconcileError(f"source names are at most {MAX_NAME} characters")
    source = index.find(spec.name)
    keep = partial and source is not None
    kind = source.kind if keep and spec.kind is None else _check_kind(spec.kind)
    parent_id = source.parent_id if keep and spec.parent is None else None
    if spec.parent:
        parent = index.find(spec.parent)
        if parent is None:
            raise NotFound(f"parent source {spec.parent!r} is not registered; register it first")
        parent_id = parent.id
    before = _source_state(index, source) if source is not None else None
    side = source.side if keep and spec.side is None else ((spec.side or "").strip() or None)
    if source is None:
        source = Source(name=spec.name.strip(), name_key=name_key(spec.name), kind=kind, parent_id=parent_id,
                        side=side, registered=True, created_by=user, created_at=utcnow())
        session.add(source)
        session.flush()
        outcome = "created"
    else:
        old = (source.kind, source.parent_id, source.side, source.registered)
        was_registered = source.registered
        source.kind, source.parent_id, source.side, source.registered = kind, parent_id, side, True
        _check_cycle(index, source)
        changed = old != (source.kind, source.parent_id, source.side, source.registered)
        outcome = "unchanged"
        if changed:
            source.updated_by, source.updated_at = user, utcnow()
            outcome = "registered" if not was_registered else "updated"
    for alias in spec.aliases:
        alias = alias.strip()
        key = name_key(alias)
        if not key or key == source.name_key:
            continue
        owner = index.by_key.get(key)
        if owner is not None and owner != source.id:
            raise ReconcileError(f"alias {alias!r} already names another source ({index.sources[owner].name})")
        if owner is None:
            source.aliases.append(SourceAlias(alias=alias, alias_key=key))
            index.by_key[key] = source.id  # "ZSU" and "ЗСУ" in one list share a key: keep the first
            if outcome == "unchanged":
                outcome = "updated"
    session.flush()
    index.add(source)
    if outcome != "unchanged":
        after = _source_state(index, source)
        audit.record(session, user, "source", "source", source.id, before=before, after=after)
        if before is not None and {k: v for k, v in before.items() if k != "aliases"} != \
                {k: v for k, v in after.items() if k != "aliases"}:
            _flag_claims_under(session, index, source.id)
    return source, outcome


def _flag_claims_under(session: Session, index: SourceIndex, source_id: int) -> None:
    """Origins may have changed for these claims: the next run re-matches and re-grades them."""
    under = [sid for sid in index.sources if source_id in index.chain_of(sid)]
    for start in range(0, len(under), 500):
        # The version too: a run in progress then leaves the mark (see reconciler.runs.reconcile).
        session.execute(update(Claim).where(Claim.source_id.in_(under[start:start + 500]))
                        .values(needs_match=True, version=Claim.version + 1))


def _source_state(index: SourceIndex, source: Source) -> dict:
    parent = index.sources.get(source.parent_id) if source.parent_id else None
    return {"name": source.name, "aliases": sorted(a.alias for a in source.aliases), "kind": source.kind,
            "parent": parent.name if parent else None, "side": source.side, "registered": source.registered}


def _check_cycle(index: SourceIndex, source: Source) -> None:
    seen, current = {source.id}, source.parent_id
    while current is not None:
        if current in seen:
            raise ReconcileError(f"parent chain of {source.name!r} would loop back to itself")
        seen.add(current)
        current = index.sources[current].parent_id


def unregistered_source(session: Session, index: SourceIndex, name: str, user: str) -> tuple[Source, bool]:
    """The source called ``name``; created as unregistered if nobody registered it.
    Returns (source, created)."""
    source = index.find(name)
    if source is not None:
        return source, False
    source = Source(name=name.strip(), name_key=name_key(name), kind="unknown", registered=False,
                    created_by=user, created_at=utcnow())
    session.add(source)
    session.flush()
    index.add(source)
    return source, True


def read_source_file(path: Path) -> list[SourceSpec]:
    """Read sources from YAML (a list of mappings) or CSV. Raises InputError listing every problem."""
    name = str(path)
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, None, None, f"is not UTF-8 (byte {exc.start}); save it as UTF-8")]) from None
    except OSError as exc:
        raise InputError([Problem(name, None, None, f"cannot be read: {exc.strerror}")]) from None
    if not raw.strip():
        raise InputError([Problem(name, None, None, "is empty; expected a list of sources")])
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        rows = _yaml_rows(name, raw)
    elif suffix == ".csv":
        rows = _csv_rows(name, raw)
    else:
        raise InputError([Problem(name, None, None, "has an unknown extension; expected .yaml, .yml or .csv")])
    specs, problems = [], []
    for line, row in rows:
        spec = _row_to_spec(name, line, row, problems)
        if spec is not None:
            specs.append(spec)
    if problems:
        raise InputError(problems)
    return specs


def _yaml_rows(name: str, raw: str) -> list[tuple[int | None, dict]]:
    try:
        nodes = yaml.compose(raw, Loader=yaml.SafeLoader)
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(name, line, None, f"is not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if not isinstance(data, list):
        raise InputError([Problem(name, 1, None, "expected a YAML list of sources (lines starting with '- ')")])
    lines = [item.start_mark.line + 1 for item in nodes.value] if nodes is not None else []
    return list(zip(lines, data))


def _csv_rows(name: str, raw: str) -> list[tuple[int | None, dict]]:
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    header = reader.fieldnames or []
    if "name" not in header:
        raise InputError([Problem(name, 1, None, f"the header row must name the columns {', '.join(SOURCE_FIELDS)}; 'name' is missing")])
    rows = []
    for row in reader:
        aliases = row.get("aliases")
        if aliases is not None:
            row["aliases"] = [a.strip() for a in aliases.split(";") if a.strip()]
        rows.append((reader.line_num, row))
    return rows


def _row_to_spec(name: str, line: int | None, row: object, problems: list[Problem]) -> SourceSpec | None:
    if not isinstance(row, dict):
        problems.append(Problem(name, line, None, "expected a mapping with name, aliases, kind, parent, side"))
        return None
    unknown = [k for k in row if k not in SOURCE_FIELDS]
    for key in unknown:
        problems.append(Problem(name, line, str(key), f"unknown field; expected one of {', '.join(SOURCE_FIELDS)}"))
    source_name = row.get("name")
    if not isinstance(source_name, str) or not source_name.strip():
        problems.append(Problem(name, line, "name", "is required: the source's name"))
        return None
    aliases = row.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problems.append(Problem(name, line, "aliases", "expected a list of names"))
        aliases = []
    if len(source_name.strip()) > MAX_NAME or any(len(a) > MAX_NAME for a in aliases):
        problems.append(Problem(name, line, "name", f"names and aliases are at most {MAX_NAME} characters"))
    kind = row.get("kind") or "unknown"
    if str(kind).strip().lower() not in SOURCE_KINDS:
        problems.append(Problem(name, line, "kind", f"expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}"))
    texts = {}
    for field_name in ("parent", "side"):
        value = row.get(field_name)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(name, line, field_name, f"expected a name (text), got {value!r}"))
            value = None
        texts[field_name] = (value or "").strip() or None
    return None if unknown else SourceSpec(source_name.strip(), tuple(aliases), str(kind), texts["parent"],
                                           texts["side"], line)


def import_sources(session: Session, specs: list[SourceSpec], user: str, file: str = "") -> dict[str, list[str]]:
    """Register every spec, parents first wherever they appear in the file."""
    index = SourceIndex.load(session)
    outcomes: dict[str, list[str]] = {"created": [], "updated": [], "registered": [], "unchanged": []}
    pending = list(specs)
    names_in_file = {name_key(n) for s in specs for n in (s.name, *s.aliases)}
    while pending:
        progress, waiting = False, []
        for spec in pending:
            if spec.parent and index.find(spec.parent) is None and name_key(spec.parent) in names_in_file:
                waiting.append(spec)
                continue
            try:
                source, outcome = upsert_source(session, index, spec, user)
            except ReconcileError as exc:
                raise InputError([Problem(file, spec.line, "parent" if "parent" in str(exc) else "name", str(exc))]) from None
            outcomes[outcome].append(source.name)
            progress = True
        if not progress:
            names = ", ".join(s.name for s in waiting)
            raise InputError([Problem(file, waiting[0].line, "parent", f"parent chain loops: {names}")])
        pending = waiting
    return outcomes
