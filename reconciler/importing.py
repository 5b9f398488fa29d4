"""Storing validated claims: de-duplication, updates with their history, unregistered sources.

An import is all-or-nothing: the caller runs :func:`import_claims` inside one transaction,
and any error rolls everything back. Re-importing a claim that is already stored (same
``ref`` and source, or the same content fingerprint) adds nothing; a claim whose ``ref`` was
seen with different content is updated and the before/after recorded in ``claim_changes``.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable, Iterator, NamedTuple

from sqlalchemy import Select, and_, bindparam, delete, or_, select, text, update
from sqlalchemy.orm import Session

from . import audit, content, given, marks
from .errors import InputError, Problem
from .config import Config
from .dates import shift
from .db import chunks, delete_in, insert_rows, reserve_ids, select_in
from .limits import KEY_WIDTH
from .models import Claim, ClaimChange, ClaimRelay, Report, core, utcnow
from .deskplaces import desk_gazetteer
from .places import PlaceNormaliser
from .processes import can_fork, default_workers, forked_stream, shared
from .reading import ClaimInput
from .runs import last_finished_run
from .names import difference, lookalike_keys
from .sources import SourceIndex, lookalike_description, name_key, unregistered_source
from .vocabulary import actor_key, event_type_category, target_categories, victims_category

CHUNK = 500
# Sources whose refs one statement looks up (:func:`_stored_refs`).
SOURCES_A_STATEMENT = 100


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unregistered_sources: list[str] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    # Stored claims changed (or deleted) outside reconcile that the file gave back as they were.
    restored_ids: list[int] = field(default_factory=list)
    # Claims added or updated from rows with a draft member: drafts until a person accepts them.
    draft_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "restored": sorted(self.restored_ids), "drafts": len(self.draft_ids),
                "unregistered_sources": self.unregistered_sources}


def fingerprint(claim: ClaimInput, index: SourceIndex) -> str:
    """SHA-256 of the claim's content (every field but ``ref``), with source and relays reduced
    to their registered names, so 'ZSU' and 'Armed Forces of Ukraine' give one fingerprint."""

    def canonical(name: str) -> str:
        source = index.find(name)
        return source.name_key if source is not None else name_key(name)

    return content_fingerprint(claim.raw, canonical)


def content_fingerprint(raw: dict, canonical: Callable[[str], str]) -> str:
    """The fingerprint of a claim's fields as given (``raw``), ``canonical`` giving the key of
    the registered source a source or relay name resolves to (reconciler.rekeying uses it too)."""
    content = {k: v for k, v in raw.items() if k not in ("ref", "source", "via")}
    content["source"] = canonical(raw["source"])
    content["via"] = [canonical(v) for v in raw.get("via", [])]
    return hashlib.sha256(_fingerprint_json(content).encode("utf-8")).hexdigest()


# json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")), the encoder made once.
_fingerprint_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


@lru_cache(maxsize=65536)   # the claims of one report name it alike
def _report_key(title: str) -> str:
    return hashlib.sha256(" ".join(title.split()).encode("utf-8")).hexdigest()



class _Importer:
    def __init__(self, session: Session, user: str, normaliser: PlaceNormaliser):
        self.session, self.user, self.normaliser = session, user, normaliser
        self.index = SourceIndex.load(session)
        self.reports: dict[str, int] = {}
        self.summary = ImportSummary()
        # Claims this import added or restored: given again later in the file, they are unchanged
        # (their hashes are recorded when the import ends, so the tamper check must not see them).
        self.written: set[int] = set()
        self._unregistered: set[str] = set()
        self._source_ids: dict[str, int] = {}
        self.created_sources: set[int] = set()
        self.moved: list[tuple[date, date]] = []   # old dates of updated claims that had a place
        # Claims deleted outside reconcile, by their recorded hash: looked up before anything is
        # added (SQLite gives a new row the id of a deleted last one).
        self.deleted = content.deleted_claims(session)

    def source_id(self, name: str) -> int:
        known = self._source_ids.get(name)
        if known is not None:
            return known
        source, created = unregistered_source(self.session, self.index, name, self.user)
        if created:
            self.created_sources.add(source.id)
        if not source.registered:
            self._unregistered.add(source.name)
        self._source_ids[name] = source.id
        return source.id

    def prepare_reports(self, claims: list[ClaimInput]) -> None:
        """Find or create, in bulk, every report the claims name (one query per 500 reports)."""
        first: dict[str, ClaimInput] = {}
        for claim in claims:
            title = claim.text_field("report")
            if title is not None:
                first.setdefault(_report_key(title), claim)
        keys = [k for k in first if k not in self.reports]
        self.reports.update(select_in(self.session, select(Report.title_key, Report.id), Report.title_key, keys, CHUNK))
        missing = [k for k in keys if k not in self.reports]
        rows = []
        for key in missing:
            claim = first[key]
            publisher = self.source_id(claim.via[0]) if claim.via else self.source_id(claim.source)
            rows.append({"title": claim.text_field("report"), "title_key": key, "publisher_id": publisher,
                         "published_text": claim.text_field("published"), "published_at": claim.published,
                         "language": claim.text_field("lang"), "created_by": self.user, "created_at": utcnow()})
        # Ids reserved as the database would give them, so that the rows go in one executemany.
        for report_id, row in zip(reserve_ids(self.session, "reports", len(rows)), rows):
            row["id"] = report_id
            self.reports[row["title_key"]] = report_id
        insert_rows(self.session, core(Report), rows)

    def report_id(self, title: str | None) -> int | None:
        return None if title is None else self.reports[_report_key(title)]

    def row(self, claim: ClaimInput, fp: str, derived: dict | None = None) -> dict:
        text = claim.texts()
        row = {
            "ref": text["ref"], "source_id": self.source_id(claim.source), "source_text": claim.source,
            "report_id": self.report_id(text["report"]), "date_text": str(claim.raw["date"]),
            "place_text": text["place"], "region_text": text["region"],
            "lat": claim.lat, "lon": claim.lon, "type_text": text["type"],
            "target_text": text["target"],
            "actor_text": text["actor"], "victims_text": text["victims"],
            "stance": claim.stance, "killed_text": text["killed"],
            "wounded_text": text["wounded"],
            "text": text["text"], "lang": text["lang"], "note": text["note"],
            "fingerprint": fp, "version": 1,
            "created_by": self.user, "created_at": utcnow(),
            # A draft row stores a draft; its member is provenance, not content (not in raw nor
            # in the fingerprint): the same claim drafted twice, or given plain, is one claim.
            "draft_state": "draft" if claim.draft is not None else None, "draft": claim.draft,
            "draft_settled_by": None, "draft_settled_at": None, "draft_reason": None,
        } | (derived if derived is not None else _derived(claim, text, self.normaliser))
        # Only what the columns and relays do not hold as given (reconciler.given).
        row["raw"] = given.stored_form(claim.raw, given.held(row, claim.via))
        return row

    def relays(self, claim_id: int, claim: ClaimInput) -> list[dict]:
        return [{"claim_id": claim_id, "position": i, "source_id": self.source_id(name), "source_text": name}
                for i, name in enumerate(claim.via)]


# A claim's draft state and provenance (reconciler.drafts).
DRAFT_COLUMNS = ("draft_state", "draft", "draft_settled_by", "draft_settled_at", "draft_reason")

# What the tool works out from a claim as written; `renormalise` works it out again.
DERIVED_FIELDS = ("date_start", "date_end", "date_precision", "place_key", "place_label", "place_geonameid",
                  "place_method", "place_region", "place_candidates", "place_names", "type_category",
                  "text_type_category", "target_categories", "actor_key", "victims_category", "killed_low",
                  "killed_high", "wounded_low", "wounded_high")


def derived_fields(claim: ClaimInput, normaliser: PlaceNormaliser) -> dict:
    """Dates as intervals, the place resolved, categories and figures parsed (``DERIVED_FIELDS``)."""
    return _derived(claim, claim.texts(), normaliser)


def _derived(claim: ClaimInput, text: dict[str, str | None], normaliser: PlaceNormaliser) -> dict:
    """:func:`derived_fields`, the claim's fields as text (``ClaimInput.texts``) read already."""
    field = text.get
    place_text, region_text, type_text = field("place"), field("region"), field("type")
    place = normaliser.normalise(place_text, claim.lat, claim.lon, region_text)
    killed, wounded = claim.killed, claim.wounded
    # A key is for comparing: one transliterated from another script may be five times as long as
    # the text (中 is 'zhong'), and is cut to its column's width.
    return {
        "date_start": claim.date.start, "date_end": claim.date.end, "date_precision": claim.date.precision,
        "place_key": _cut(place.key), "place_label": _cut(place.label), "place_geonameid": place.geonameid,
        "place_method": place.method, "place_region": normaliser.region(place, place_text, region_text),
        "place_candidates": ",".join(map(str, place.candidates)) or None,
        "place_names": _names_text(place.names),
        "type_category": event_type_category(type_text),
        # The kind of incident a quote names ("Russians shelled Kharkiv"), for a claim whose type is
        # empty: weaker evidence than the field (matching weighs it so).
        "text_type_category": None if type_text else event_type_category(field("text")),
        "target_categories": target_categories(field("target")),
        "actor_key": _cut(actor_key(field("actor"))),
        "victims_category": victims_category(field("victims")),
        "killed_low": killed.low if killed else None, "killed_high": killed.high if killed else None,
        "wounded_low": wounded.low if wounded else None, "wounded_high": wounded.high if wounded else None,
    }


def _names_text(names: tuple[str, ...] | None) -> str | None:
    """The names as written, '|'-joined, within the column's 300 characters (whole names only)."""
    if not names:
        return None
    joined = "|".join(names)
    if len(joined) <= 300:
        return joined
    kept, size = [], 0
    for name in names:
        if size + len(name) + bool(kept) > 300:
            break
        kept.append(name)
        size += len(name) + bool(kept[:-1])
    return "|".join(kept) or names[0][:300]


def _cut(key: str | None) -> str | None:
    return key[:KEY_WIDTH] if key else key


class _RefsGiven:
    """The refs an import's claims gave, each with its content: one ref given two different
    contents is refused. A large import streams its claims and keeps only this of each, compact:
    a 128-bit digest of the key (source and ref), the fingerprint's 32 bytes, file and line."""

    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self.at: dict[int, int] = {}           # digest of (source, ref) -> its position below
        self.fingerprints = bytearray()        # 32 bytes a position
        self.lines = array("q")
        self.file_of = array("I")
        self.files: dict[str, int] = {}

    def check(self, claims: list[ClaimInput], prepared: list[_Prepared],
              problems: list[Problem]) -> list[tuple[ClaimInput, _Prepared]]:
        """A claim that gives an earlier ref other content (another fingerprint) is a problem
        (and left out); the others are returned with what was worked out of them."""
        result = []
        for claim, ready in zip(claims, prepared):
            fp = ready.fingerprint
            ref = claim.text_field("ref")
            if ref is not None:
                source = self.index.find(claim.source)
                key = f"{source.name_key if source else name_key(claim.source)}\x1f{ref}".encode("utf-8")
                digest = int.from_bytes(hashlib.blake2b(key, digest_size=16).digest(), "big")
                at, content = self.at.get(digest), bytes.fromhex(fp)
                if at is None:
                    self.at[digest] = len(self.lines)
                    self.fingerprints += content
                    self.lines.append(claim.line)
                    self.file_of.append(self.files.setdefault(claim.file, len(self.files)))
                elif self.fingerprints[32 * at:32 * at + 32] != content:
                    file = next(f for f, i in self.files.items() if i == self.file_of[at])
                    problems.append(Problem(claim.file, claim.line, "ref",
                                            f"ref {ref!r} of {claim.source!r} was given different content at "
                                            f"{file}:{self.lines[at]}; one ref names one claim"))
                    continue
            result.append((claim, ready))
        return result


class _NewSources:
    """Refuses a claim naming a source (or relay) that is not stored but looks like one that
    is, or like another new name earlier in the import: it would become a look-alike source.
    The sources this import created are new names, not stored ones (``created``)."""

    def __init__(self, index: SourceIndex, created: set[int]) -> None:
        self.index, self.created = index, created
        self.verdicts: dict[str, tuple[str, list[str]] | None] = {}     # key of a new name -> its problem, if any
        self.skeletons: dict[str, tuple[str, ClaimInput]] = {}          # skeleton -> first new name, where

    def check(self, claims: list[ClaimInput], problems: list[Problem]) -> None:
        index = self.index
        for claim in claims:
            for field_name, name in [("source", claim.source)] + [("via", v) for v in claim.via]:
                if index.find(name) is not None:   # stored, or created by this import once checked
                    continue
                key = name_key(name)
                if key not in self.verdicts:
                    self.verdicts[key] = _new_source_problem(name, claim, index, self.skeletons, self.created)
                if self.verdicts[key] is not None:
                    message, others = self.verdicts[key]
                    problems.append(Problem(claim.file, claim.line, field_name, message, remedy="register",
                                            others=tuple(others)))


def _new_source_problem(name: str, claim: ClaimInput, index: SourceIndex,
                        new_skeletons: dict[str, tuple[str, ClaimInput]],
                        created: set[int]) -> tuple[str, list[str]] | None:
    """What is wrong with the new source ``name``, and the names it looks like (to be declared
    distinct from if it is another source); None when it looks like none. The sources the import
    ``created`` are new names (in ``new_skeletons``), not stored ones."""
    found = [f for f in index.lookalikes(name) if f.source.id not in created]
    if found:
        others, same = [f.source.name for f in found], all(f.source.registered for f in found)
        text = (f"{lookalike_description(name, found)} but is not it; write the "
                f"{'registered' if same else 'same'} name")
    else:
        earlier = next((new_skeletons[k] for k in sorted(lookalike_keys(name)) if k in new_skeletons), None)
        for skeleton in lookalike_keys(name):
            new_skeletons.setdefault(skeleton, (name, claim))
        if earlier is None:
            return None
        first, where = earlier
        others = [first]
        text = (f"{name!r} looks like the new source {first!r} ({where.file}:{where.line})"
                + (f" (it has {differs})" if (differs := difference(name, first)) else "")
                + " but is not it; write the same name")
    return f"{text}, or, if it is a different source, register it first", others


def import_claims(session: Session, claims: Iterable[ClaimInput], user: str,
                  normaliser: PlaceNormaliser | None = None,
                  problems: list[Problem] | None = None,
                  progress: Callable[[str, int, int | None], None] | None = None,
                  read_beside: bool = False, workers: int | None = None) -> ImportSummary:
    """Store ``claims`` in the session's transaction and return what happened.

    ``claims`` may be a list or a stream (:func:`reconciler.reading.claim_records`): they are
    checked and stored a part at a time, so that a large file is never held whole. ``problems``
    is the list the stream's reader appends to (required with a stream). Once it holds a
    problem, or this import finds one (a look-alike of a source, one ref given two contents, a
    ref changed to another stored claim's content), nothing more is stored; the rest is still
    read for the problems the reading and the checks that need no store find, and InputError
    lists them in the order of the lines: the caller's transaction rolls back what was stored,
    so a refused import changes nothing (but the time it took). Places are read with the desk's
    own places laid over the bundled gazetteer unless ``normaliser`` says otherwise.
    ``progress(stage, done, total)``, where given, is told how many claims were read (``"claims
    read"``, the total not known) and then how many of the claims stored have had their content
    hashes recorded. ``read_beside`` says a stream does nothing but give its claims and append
    its problems (:func:`reconciler.reading.claim_records` does; a dataset stream also notes what
    it gave): it is then read in a process beside while this one stores (:func:`_prepared_parts`),
    unless ``workers`` is 1 (default: the processors this process may use)."""
    if problems is None:
        if not isinstance(claims, (list, tuple)):
            raise TypeError("a stream of claims needs the list of problems its reader appends to (problems=...)")
        problems = []
    importer = _Importer(session, user, normaliser or PlaceNormaliser(desk_gazetteer(session)))
    new_sources, refs_given = _NewSources(importer.index, importer.created_sources), _RefsGiven(importer.index)
    files: dict[str, None] = {}
    found: list[tuple[tuple[int, int], Problem]] = []   # this import's problems, where their claims are in the stream
    started = False
    workers = default_workers() if workers is None else workers
    for part, prepared in _prepared_parts(claims, problems, importer, read_beside, workers > 1):
        read = [claim for claim, _ in part]
        files.update(dict.fromkeys(c.file for c in read))
        checked: list[Problem] = []
        new_sources.check(read, checked)
        batch = refs_given.check(read, prepared, checked)
        if not (problems or found or checked):
            if not started:
                _forget_orphans(session, importer.deleted.values())
                started = True
            importer.prepare_reports(read)
            try:
                for chunk in chunks(batch, CHUNK):
                    _import_chunk(importer, chunk)
            except InputError as exc:
                checked.extend(exc.problems)
        # (Refused: the rest is read on for its problems, and nothing more is stored.)
        if checked:
            at = {(c.file, c.line): where for c, where in part}
            found.extend((at.get((p.file, p.line), (len(problems), 0)), p) for p in checked)
        if progress is not None:
            progress("claims read", part[-1][1][1] + 1, None)   # the last claim's position, plus one
    if problems or found:
        raise InputError(_in_order(problems, found))
    _mark_old_neighbours(session, importer.moved)
    summary = importer.summary
    summary.unregistered_sources = sorted(importer._unregistered)
    content.note(session, user, "claim", summary.added_ids + summary.restored_ids, progress)
    content.note(session, user, "source", importer.created_sources)
    written = content.take(session)
    if summary.added or summary.updated or written:
        after = {"files": sorted(files), "added": summary.added_ids, "updated": summary.updated_ids,
                 "unchanged": summary.unchanged, "unregistered_sources": summary.unregistered_sources}
        if summary.restored_ids:
            after["restored"] = sorted(summary.restored_ids)
        audit.record(session, user, "import", "claims", after=after, content=written)
    return summary


# Claims checked and stored at a time (each part in chunks of CHUNK): a stream holds no more.
PART = 5000


def _parts(claims: Iterable[ClaimInput], size: int,
           problems: list[Problem]) -> Iterator[list[tuple[ClaimInput, tuple[int, int]]]]:
    """``claims`` in lists of ``size``, each claim with where it is in the stream: how many
    problems the reader had found when it gave the claim (reading problems at that index and
    after are of later lines), and its own position."""
    it = ((claim, (len(problems), n)) for n, claim in enumerate(claims))
    while part := list(islice(it, size)):
        yield part


# From this many claims given as a list, their fingerprints and derived fields are worked out in a
# process beside (a stream that may be read beside is read there too, whatever its length).
PREPARE_BESIDE_MIN = PART


class _Prepared(NamedTuple):
    """What an import works out from a claim before it looks at the store: its fingerprint
    (:func:`fingerprint`) and its derived fields (:func:`derived_fields`)."""

    fingerprint: str
    derived: dict


def _prepared_parts(claims: Iterable[ClaimInput], problems: list[Problem], importer: "_Importer",
                    read_beside: bool, beside: bool) -> Iterator[tuple[list[tuple[ClaimInput, tuple[int, int]]],
                                                                      list[_Prepared]]]:
    """:func:`_parts` of ``claims``, each claim with its :class:`_Prepared`. With a process to
    spare (``beside``) and a list of at least ``PREPARE_BESIDE_MIN`` claims or a stream that may be
    read beside (``read_beside``), a process beside reads the stream and works out the fingerprints and
    derived fields while this one stores the parts before (both are pure functions of the
    claim, the sources as registered when the import began and the places: a source the import
    creates has the key it had unregistered); the problems its reading finds come with each
    part, in the order found, so ``problems`` is the same list it would be here."""
    streamed = not isinstance(claims, (list, tuple))
    if not beside or not can_fork() or not (read_beside if streamed else len(claims) >= PREPARE_BESIDE_MIN):
        for part in _parts(claims, PART, problems):
            yield part, [_prepare(claim, importer.index, importer.normaliser) for claim, _ in part]
        return
    state = (claims, problems, importer.index, importer.normaliser, streamed)
    for part, found, prepared in forked_stream(_prepare_beside, state):
        problems.extend(found)
        if part is not None:
            yield (part if streamed else [(claims[n], (mark, n)) for mark, n in part]), prepared


def _prepare(claim: ClaimInput, index: SourceIndex, normaliser: PlaceNormaliser) -> _Prepared:
    return _Prepared(fingerprint(claim, index), derived_fields(claim, normaliser))


def _prepare_beside() -> Iterator[tuple[list | None, list[Problem], list[_Prepared] | None]]:
    """In the process beside: each part (for a list, only where its claims are in it), the
    problems found since the part before, and its claims' :class:`_Prepared`; last, the
    problems found after the last claim."""
    claims, problems, index, normaliser, streamed = shared()
    sent = len(problems)   # those the caller's list held already are there
    for part in _parts(claims, PART, problems):
        prepared = [_prepare(claim, index, normaliser) for claim, _ in part]
        found, sent = problems[sent:], len(problems)
        yield (part if streamed else [where for _, where in part]), found, prepared
    yield None, problems[sent:], None


def _in_order(read: list[Problem], found: list[tuple[tuple[int, int], Problem]]) -> list[Problem]:
    """The reader's problems and the import's, in the order of the files' lines: a problem the
    import found with a claim goes after the reading problems found before that claim was read,
    and after the import's problems with claims before it."""
    keyed = [((i, 1, 0), p) for i, p in enumerate(read)] + [((mark, 0, n), p) for (mark, n), p in found]
    return [p for _, p in sorted(keyed, key=lambda item: item[0])]


# The stored claims of some fingerprints, their values bound as one list (not one literal each).
_FINGERPRINTS = select(Claim.fingerprint, Claim.id).where(Claim.fingerprint.in_(bindparam("fps", expanding=True)))


def _import_chunk(importer: _Importer, chunk: list[tuple[ClaimInput, _Prepared]]) -> None:
    session, summary = importer.session, importer.summary
    fps = [ready.fingerprint for _, ready in chunk]
    # Stored fingerprints and their claims (None: a claim earlier in this import).
    known_fps: dict[str, int | None] = dict(session.execute(_FINGERPRINTS, {"fps": fps}).all())
    keyed = {}
    for claim, _ready in chunk:
        ref = claim.text_field("ref")
        if ref is not None:
            keyed[(importer.source_id(claim.source), ref)] = claim
    existing = _stored_refs(session, keyed)
    new_rows, new_claims = [], []
    same: dict[int, tuple[ClaimInput, str]] = {}   # stored claims the file gives unchanged
    for claim, ready in chunk:
        fp = ready.fingerprint
        ref = claim.text_field("ref")
        key = (importer.source_id(claim.source), ref)
        stored = existing.get(key) if ref is not None else None
        if stored is not None:
            if stored[1] == fp:
                summary.unchanged += 1
                if stored[0] not in importer.written:
                    same[stored[0]] = (claim, fp)
            elif fp in known_fps:
                # The fingerprint is unique: the update would fail half-way with an IntegrityError.
                raise InputError([Problem(claim.file, claim.line, "ref",
                                          f"ref {ref!r} of {claim.source!r} was changed to the same content as "
                                          "another stored claim; one claim is stored once")])
            else:
                _update(importer, stored[0], claim, fp)
                known_fps[fp] = None
                existing[key] = (stored[0], fp)  # the same line again later in the batch is unchanged
            continue
        if fp in known_fps:
            summary.unchanged += 1
            if known_fps[fp] is not None and known_fps[fp] not in importer.written:
                same[known_fps[fp]] = (claim, fp)
            continue
        known_fps[fp] = None
        new_rows.append(importer.row(claim, fp, ready.derived))
        new_claims.append(claim)
    # A stored claim edited (or inserted) behind the tool's back that the file gives: written again
    # as the file says, and recorded; the run refuses such claims until then (reconciler.content).
    for claim_id in sorted(content.changed_claims(session, same)):
        _rewrite(importer, claim_id, *same[claim_id])
        summary.unchanged -= 1
        summary.restored_ids.append(claim_id)
        importer.written.add(claim_id)
    if not new_rows:
        return
    # Ids reserved as the database would give them, so that the rows go in one executemany.
    ids = reserve_ids(session, "claims", len(new_rows))
    for claim_id, row in zip(ids, new_rows):
        row["id"] = claim_id
    insert_rows(session, core(Claim), new_rows)
    relays = [r for cid, claim in zip(ids, new_claims) for r in importer.relays(cid, claim)]
    if relays:
        session.connection().execute(core(ClaimRelay).insert(), relays)
    drafts = [i for i, claim in zip(ids, new_claims) if claim.draft is not None]
    restored: list[int] = []
    if importer.deleted:
        ids, restored = _restore_deleted(importer, ids, new_claims)
    # Marked for the next run under the ids they keep (a restored claim takes its old one back).
    marks.mark_new(session, sorted(ids + restored))
    summary.added += len(ids)
    summary.added_ids.extend(ids)
    importer.written.update(ids)
    summary.draft_ids.extend(sorted(set(drafts) & set(ids)))


def _stored_refs(session: Session, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, str]]:
    """The stored claims among (source id, ref) ``keys``: (id, fingerprint) by key. The refs are
    asked for source by source (``source_id = ? AND ref IN (...)``): each part a search of the
    unique index on (source_id, ref), where a row-value IN scans the whole index on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        return _stored_refs_joined(session, keys)
    by_source: dict[int, list[str]] = {}
    for source_id, ref in keys:
        by_source.setdefault(source_id, []).append(ref)
    groups = sorted(by_source.items())
    found = {}
    # A few sources a statement: SQLite parses a chain of ORs as a tree at most 1,000 deep.
    for part in chunks(groups, SOURCES_A_STATEMENT):
        values = {f"r{i}": refs for i, (_source_id, refs) in enumerate(part)}
        values.update((f"s{i}", source_id) for i, (source_id, _refs) in enumerate(part))
        found.update(((source_id, ref), (claim_id, fp)) for source_id, ref, claim_id, fp
                     in session.execute(_refs_statement(len(part)), values))
    return found


# PostgreSQL: the keys as two arrays joined with the claims, one look-up of the unique index a key.
# (The form above is planned there, while claims has no statistics yet, as a scan of every claim
# of some of its sources: each part of a large first import cost more than the one before.)
_JOINED_REFS = text("SELECT c.source_id, c.ref, c.id, c.fingerprint FROM claims c "
                    "JOIN unnest(CAST(:sources AS integer[]), CAST(:refs AS text[])) AS k(source_id, ref) "
                    "ON c.source_id = k.source_id AND c.ref = k.ref")


def _stored_refs_joined(session: Session, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, str]]:
    """:func:`_stored_refs` on PostgreSQL."""
    found = {}
    for part in chunks(sorted(set(keys)), CHUNK):
        rows = session.execute(_JOINED_REFS, {"sources": [s for s, _ref in part], "refs": [r for _s, r in part]})
        found.update(((source_id, ref), (claim_id, fp)) for source_id, ref, claim_id, fp in rows)
    return found


@lru_cache(maxsize=SOURCES_A_STATEMENT)
def _refs_statement(sources: int) -> Select:
    """The look-up of refs of ``sources`` sources, its values bound (s0, r0, s1, r1, ...): one
    statement, compiled once, for each number of sources."""
    return (select(Claim.source_id, Claim.ref, Claim.id, Claim.fingerprint)
            .where(or_(*(and_(Claim.source_id == bindparam(f"s{i}"), Claim.ref.in_(bindparam(f"r{i}", expanding=True)))
                         for i in range(sources)))))


def _forget_orphans(session: Session, deleted: Iterable[int]) -> None:
    """The relays and marks of the claims ``deleted`` outside reconcile (the trail recorded them;
    a program with SQLite's foreign keys off, its default, deletes the claim and leaves them):
    gone before the import inserts claims, which may take such an id again (a new claim gets the
    largest plus one; a claim given again takes its own back, _restore_deleted) and are given
    their own relays and marks. The links and decisions left behind stay: a claim restored takes
    them back."""
    ids = sorted(set(deleted))
    delete_in(session, ClaimRelay, ClaimRelay.claim_id, ids)
    marks.forget(session, ids)


def _restore_deleted(importer: _Importer, ids: list[int], claims: list[ClaimInput]) -> tuple[list[int], list[int]]:
    """A new claim whose stored row hashes exactly as a claim deleted outside reconcile was
    recorded is that claim: it takes its id back (and the links and decisions left behind with
    it). Returns the ids that stay new, and the ids taken back."""
    session, deleted = importer.session, importer.deleted
    kept, restored = [], []
    claim_of = dict(zip(ids, claims))
    found = content.hashes(session, "claim", ids)
    whole = _as_stored_whole(importer, [key[1] for key, (digest, _run) in found.items() if digest not in deleted],
                             claim_of)
    for (_kind, new_id, _), (digest, _run) in sorted(found.items()):
        if digest not in deleted and new_id in whole:
            digest = whole[new_id]   # stored whole, as the claim deleted was (reconciler.given)
        old_id = deleted.pop(digest, None)
        if old_id is None:
            kept.append(new_id)
            continue
        if old_id != new_id:
            session.execute(delete(ClaimRelay).where(ClaimRelay.claim_id == new_id))
            session.execute(update(Claim).where(Claim.id == new_id).values(id=old_id))
            relays = importer.relays(old_id, claim_of[new_id])
            if relays:
                session.connection().execute(core(ClaimRelay).insert(), relays)
        importer.summary.restored_ids.append(old_id)
        importer.written.add(old_id)
        restored.append(old_id)
    return kept, restored


def _as_stored_whole(importer: _Importer, new_ids: list[int], claim_of: dict[int, ClaimInput]) -> dict[int, str]:
    """A claim deleted outside reconcile by a version that stored claims whole (``raw`` the
    whole claim: reconciler.given) was recorded with that row's hash. For the new claims
    ``new_ids`` (each given as ``claim_of`` says) that match no deleted claim: each stored whole
    and hashed. Those whose hash then matches a deleted claim stay stored whole (as it was) and
    their hash is returned, by id; the others are stored as before."""
    if not new_ids:
        return {}
    session, table = importer.session, core(Claim)
    stored_now = dict(select_in(session, select(Claim.id, Claim.raw), Claim.id, new_ids, CHUNK))
    rewrite = table.update().where(table.c.id == bindparam("w_id")).values(raw=bindparam("w_raw"))
    session.connection().execute(rewrite, [{"w_id": i, "w_raw": claim_of[i].raw} for i in new_ids])
    matched = {key[1]: digest for key, (digest, _run) in content.hashes(session, "claim", new_ids).items()
               if digest in importer.deleted}
    back = [{"w_id": i, "w_raw": stored_now[i]} for i in new_ids if i not in matched]
    if back:
        session.connection().execute(rewrite, back)
    return matched


def _mark_old_neighbours(session: Session, moved: list[tuple[date, date]]) -> None:
    """Claims without a place near an updated claim's old dates may have taken their place
    from it (reconciler.matching.PlaceHints): mark them so the next run re-decides them.
    The window is the blocker's (twice the date tolerance of the last run, or the default);
    overlapping windows are merged, so a large re-import issues few statements."""
    if not moved:
        return
    last = last_finished_run(session)
    tolerance = ((last.config if last else None) or {}).get("date_tolerance_days", Config().date_tolerance_days)
    reach = 2 * tolerance
    windows: list[list[date]] = []
    for start, end in sorted(moved):
        if windows and shift(start, -reach) <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], shift(end, reach))
        else:
            windows.append([shift(start, -reach), shift(end, reach)])
    for low, high in windows:
        marks.touch_where(session, and_(Claim.place_key.is_(None), Claim.date_end >= low, Claim.date_start <= high))


def _update(importer: _Importer, claim_id: int, claim: ClaimInput, fp: str) -> None:
    session = importer.session
    before = _rewrite(importer, claim_id, claim, fp)
    session.add(ClaimChange(claim_id=claim_id, changed_by=importer.user, changed_at=utcnow(),
                            before=before, after=dict(claim.raw)))
    content.note(session, importer.user, "claim", [claim_id])
    audit.record(session, importer.user, "update", "claim", claim_id, before=before, after=dict(claim.raw),
                 content=content.take(session))
    importer.summary.updated += 1
    importer.summary.updated_ids.append(claim_id)


def _rewrite(importer: _Importer, claim_id: int, claim: ClaimInput, fp: str) -> dict:
    """Write every field of a stored claim as ``claim`` gives it, and mark it for the next run.
    Returns the fields as given before."""
    session = importer.session
    stored = session.get(Claim, claim_id)
    before = dict(given.of_claim(stored))
    if stored.place_key is not None:
        importer.moved.append((stored.date_start, stored.date_end))
    values = importer.row(claim, fp)
    for key in ("created_by", "created_at", "version"):
        values.pop(key)
    if claim.draft is None:
        # A row without a draft member leaves a draft a draft (and a settled one settled): only
        # a person's accept or reject settles it. A draft row that changes a claim makes it a
        # draft again, whatever was settled: nobody has checked what it says now.
        for key in DRAFT_COLUMNS:
            values.pop(key)
    else:
        importer.summary.draft_ids.append(claim_id)
    for key, value in values.items():
        setattr(stored, key, value)
    stored.version += 1   # a run that read the claim before this commits leaves its mark (reconciler.marks)
    stored.updated_by, stored.updated_at = importer.user, utcnow()
    session.execute(delete(ClaimRelay).where(ClaimRelay.claim_id == claim_id))
    session.flush()
    marks.mark(session, [claim_id])
    relays = importer.relays(claim_id, claim)
    if relays:
        session.connection().execute(core(ClaimRelay).insert(), relays)
    return before


@dataclass
class RenormaliseSummary:
    claims: int = 0                                                # claims looked at
    changed_ids: list[int] = field(default_factory=list)           # claims with any derived field changed
    fields: dict[str, int] = field(default_factory=dict)           # derived field -> claims it changed in
    examples: list[dict] = field(default_factory=list)             # the first changes, before and after
    unreadable: list[dict] = field(default_factory=list)           # claims whose stored text no longer validates

    def as_dict(self) -> dict:
        return {"claims": self.claims, "changed": len(self.changed_ids), "fields": dict(sorted(self.fields.items())),
                "examples": self.examples, "unreadable": self.unreadable}


_SHOWN_FIELDS = ("date_start", "date_end", "place_key", "place_label", "place_region", "type_category",
                 "target_categories", "actor_key", "victims_category", "killed_low", "killed_high", "wounded_low",
                 "wounded_high")


def renormalise(session: Session, user: str, normaliser: PlaceNormaliser | None = None,
                examples: int = 10) -> RenormaliseSummary:
    """Work out every claim's derived fields (``DERIVED_FIELDS``) again from the claim as given.

    Claims keep what the tool understood when they were imported; after an upgrade (more
    words in the vocabulary, a better gazetteer, coordinates resolved to places) stored claims
    still carry the old reading. This re-reads each claim's stored fields exactly as given,
    updates what differs, and marks those claims for the next run (with the claims without a
    place near their old dates, as an import's updates do), so that `reconcile run` re-decides
    them. Claims whose stored fields no longer pass validation are listed and left as they are.
    Runs in the caller's transaction; one audit entry names the changed claims and the fields.
    The caller holds the run lease (:func:`reconciler.lease.run_lease`), so that no run is in
    progress while claims are re-read.
    """
    from .reading import validate_row

    summary = RenormaliseSummary()
    normaliser = normaliser or PlaceNormaliser(desk_gazetteer(session))
    ids = list(session.scalars(select(Claim.id).order_by(Claim.id)))
    summary.claims = len(ids)
    columns = [getattr(Claim, name) for name in DERIVED_FIELDS]
    table = core(Claim)
    # Written only where the claim is still at the version read (PostgreSQL: an import correcting
    # it meanwhile has raised the version, and its own reading stands); the version is raised too.
    write = (table.update().where(table.c.id == bindparam("w_id"), table.c.version == bindparam("w_version"))
             .values({name: bindparam(f"w_{name}") for name in DERIVED_FIELDS}
                     | {"version": table.c.version + 1}))
    moved: list[tuple[date, date]] = []
    for part in chunks(ids, CHUNK):
        rows = session.execute(select(Claim.id, Claim.version, *columns).where(Claim.id.in_(part)))
        as_given = given.by_id(session, part)
        updates = []
        for row in rows:
            problems: list[Problem] = []
            claim = validate_row(f"claim {row.id}", 1, dict(as_given[row.id]), problems, limits=None)
            if claim is None:
                summary.unreadable.append({"claim_id": row.id, "problems": [
                    f"field '{p.field}': {p.message}" if p.field else p.message for p in problems]})
                continue
            stored = {name: getattr(row, name) for name in DERIVED_FIELDS}
            derived = derived_fields(claim, normaliser)
            changed = {name: value for name, value in derived.items() if stored[name] != value}
            if not changed:
                continue
            summary.changed_ids.append(row.id)
            for name in changed:
                summary.fields[name] = summary.fields.get(name, 0) + 1
            if len(summary.examples) < examples:
                shown = [n for n in _SHOWN_FIELDS if n in changed]
                summary.examples.append({"claim_id": row.id, "before": {n: stored[n] for n in shown},
                                         "after": {n: changed[n] for n in shown}})
            if stored["place_key"] is not None:
                moved.append((stored["date_start"], stored["date_end"]))
            updates.append({"w_id": row.id, "w_version": row.version} | {f"w_{k}": v for k, v in derived.items()})
        if updates:
            # Read again from fields edited behind the tool's back, a claim would be recorded as the tool's own.
            content.require_intact(session, "claim", [u["w_id"] for u in updates], "nothing was written",
                                   "renormalise again")
            session.connection().execute(write, updates)   # one executemany
            # Marked at the version now stored (a claim an import corrected meanwhile is marked by it too).
            marks.mark(session, [u["w_id"] for u in updates])
    _mark_old_neighbours(session, moved)
    if summary.changed_ids:
        content.note(session, user, "claim", summary.changed_ids)
        audit.record(session, user, "renormalise", "claims", after={
            "changed": summary.changed_ids, "fields": dict(sorted(summary.fields.items()))},
            content=content.take(session))
    return summary
