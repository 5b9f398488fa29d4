"""Rewriting the stored keys of source names when the way names fold changes.

The migration source_identity added NFKC_Casefold to the folding of source names
(reconciler.names): most names keep their key, but a name written with a tag character, a
compatibility form such as 'µ', or another character that the old folding read otherwise gets
a new one. The keys are
rewritten here, and with them the fingerprints of the claims whose source or relays those keys
canonicalise, so that importing the same file again still finds them.

Where two stored names now share a key (a look-alike written with invisible characters beside
the source it imitated), the older row keeps the key and the newer one gets the key with
``#ID`` appended, which no name folds to: it keeps its claims, and a new claim naming it goes
to the older source, as its name now says. Works on plain tables (SQLAlchemy Core), not the
models, because a migration runs against the schema of its own revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import given
from .db import chunks, select_in
from .importing import content_fingerprint

_SOURCES = sa.table("sources", sa.column("id", sa.Integer), sa.column("name", sa.String),
                    sa.column("name_key", sa.String))
_ALIASES = sa.table("source_aliases", sa.column("id", sa.Integer), sa.column("source_id", sa.Integer),
                    sa.column("alias", sa.String), sa.column("alias_key", sa.String))
_CLAIMS = sa.table("claims", sa.column("id", sa.Integer), sa.column("source_id", sa.Integer),
                   sa.column("fingerprint", sa.String))
_RELAYS = sa.table("claim_relays", sa.column("claim_id", sa.Integer), sa.column("source_id", sa.Integer))
CHUNK = 500


@dataclass
class Rekeyed:
    sources: list[int] = field(default_factory=list)     # sources whose name or an alias got a new key
    shared: list[int] = field(default_factory=list)      # sources and aliases given KEY#ID (a shared key)
    claims: int = 0                                       # fingerprints rewritten


def rekey_sources(conn: Connection, key: Callable[[str], str]) -> Rekeyed:
    """Give every source name and alias the key ``key`` computes, and rewrite the fingerprints
    that depend on a changed key. Returns what changed."""
    result = Rekeyed()
    taken: dict[str, int] = {}          # new key -> source id holding it (names first, then aliases)
    name_keys: dict[int, str] = {}
    changes: list[tuple[sa.Table, int, str]] = []
    for sid, name, old in conn.execute(sa.select(_SOURCES.c.id, _SOURCES.c.name, _SOURCES.c.name_key)
                                       .order_by(_SOURCES.c.id)):
        new = _claim_key(taken, key(name), sid, f"#{sid}", result)
        name_keys[sid] = new
        if new != old:
            changes.append((_SOURCES, sid, new))
            result.sources.append(sid)
    for aid, sid, alias, old in conn.execute(sa.select(_ALIASES.c.id, _ALIASES.c.source_id, _ALIASES.c.alias,
                                                       _ALIASES.c.alias_key).order_by(_ALIASES.c.id)):
        new = _claim_key(taken, key(alias), sid, f"#a{aid}", result)
        if new != old:
            changes.append((_ALIASES, aid, new))
            result.sources.append(sid)
    _write_keys(conn, changes)
    changed = sorted(set(result.sources))
    result.sources = changed
    if changed:
        result.claims = _refingerprint(conn, changed, taken, name_keys, key)
    return result


def _claim_key(taken: dict[str, int], new: str, source_id: int, suffix: str, result: Rekeyed) -> str:
    if new in taken:
        result.shared.append(source_id)
        return new + suffix
    taken[new] = source_id
    return new


def _write_keys(conn: Connection, changes: list[tuple[sa.Table, int, str]]) -> None:
    """Two passes, so that a key moving from one row to another never meets itself (UNIQUE)."""
    for final in (False, True):
        for table, row_id, new in changes:
            column = table.c.name_key if table is _SOURCES else table.c.alias_key
            conn.execute(table.update().where(table.c.id == row_id)
                         .values({column.name: new if final else f"#rekey{table.name}{row_id}"}))


def _refingerprint(conn: Connection, changed: list[int], taken: dict[str, int], name_keys: dict[int, str],
                   key: Callable[[str], str]) -> int:
    def canonical(text: str) -> str:
        k = key(text)
        return name_keys[taken[k]] if k in taken else k

    ids: set[int] = set()
    for part in chunks(changed, CHUNK):
        ids.update(conn.scalars(sa.select(_CLAIMS.c.id).where(_CLAIMS.c.source_id.in_(part))))
        ids.update(conn.scalars(sa.select(_RELAYS.c.claim_id).where(_RELAYS.c.source_id.in_(part))))
    written, ordered = 0, sorted(ids)
    claims = sa.select(_CLAIMS.c.id, _CLAIMS.c.fingerprint)
    for part in chunks(ordered, CHUNK):
        as_given = given.by_id(conn, part)   # the fields as given (reconciler.given)
        for claim_id, old in select_in(conn, claims, _CLAIMS.c.id, part, CHUNK):
            new = content_fingerprint(as_given[claim_id], canonical)
            # A claim that now has the content of another stored claim keeps its fingerprint (UNIQUE).
            if new == old or conn.scalar(sa.select(_CLAIMS.c.id).where(_CLAIMS.c.fingerprint == new)) is not None:
                continue
            conn.execute(_CLAIMS.update().where(_CLAIMS.c.id == claim_id).values(fingerprint=new))
            written += 1
    return written
