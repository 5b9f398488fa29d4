"""The schema: typed SQLAlchemy 2 models, portable between SQLite and PostgreSQL.

Every schema change is an alembic migration in ``migrations/versions``; a test checks that
the head revision matches these models exactly.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData,
    String, Table, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names on every backend, so migrations can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SOURCE_KINDS = ("military", "government", "intergovernmental", "ngo", "media", "social", "individual", "unknown")
STANCES = ("asserts", "denies")
STATUSES = ("independently_verified", "unverified", "contested")
# A claim drafted from a report's text: a draft until a person accepts or rejects it.
DRAFT_STATES = ("draft", "accepted", "rejected")
# Each grade as people read it.
STATUS_LABELS = {status: status.replace("_", " ") for status in STATUSES}


def uncounted_draft(state: str | None) -> bool:
    """Whether a claim's draft state keeps it out of every count: a draft not yet accepted, or
    rejected (None: a claim entered as such; 'accepted': a claim like any other)."""
    return state in ("draft", "rejected")


def core(model: type) -> Table:
    """The model's Core table. Bulk inserts go through Core: SQLAlchemy's ORM bulk insert with
    RETURNING went row by row on SQLite, about three times slower than Core's batches."""
    return model.__table__


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def naive_utc(value: datetime) -> datetime:
    """A stored time in UTC without its offset: PostgreSQL gives times in the session's time
    zone, with an offset; SQLite gives them naive, in UTC as written."""
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo is not None else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Stamped:
    """Who wrote a row and when: every write records the user and the time."""

    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Source(Stamped, Base):
    """Who says or relays things. ``parent`` chains lead to the origin (the root)."""

    __tablename__ = "sources"
    __table_args__ = (CheckConstraint(f"kind IN {SOURCE_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="unknown")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    side: Mapped[str | None] = mapped_column(String(200))
    registered: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped["Source | None"] = relationship(remote_side="Source.id")
    aliases: Mapped[list["SourceAlias"]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="SourceAlias.id"
    )


class SourceAlias(Base):
    __tablename__ = "source_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    alias_key: Mapped[str] = mapped_column(String(300), unique=True)

    source: Mapped[Source] = relationship(back_populates="aliases")


class SourceDistinction(Base):
    """A person's word that two sources whose names look alike are different sources."""

    __tablename__ = "source_distinctions"
    __table_args__ = (UniqueConstraint("source_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Report(Stamped, Base):
    """A document claims were found in: an article, a bulletin, a post."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(String(64), unique=True)
    publisher_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    published_text: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(16))


class Claim(Stamped, Base):
    """One claim as stated, with its parsed forms beside the text as given."""

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("source_id", "ref"),
        CheckConstraint(f"stance IN {STANCES!r}", name="stance"),
        CheckConstraint("date_start <= date_end", name="date_order"),
        CheckConstraint(f"draft_state IN {DRAFT_STATES!r}", name="draft_state"),
        Index("ix_claims_date", "date_start", "date_end"),
        # The drafts only: nearly every claim is NULL here (migration 0017); a look-up by state
        # (`draft_state = 'draft'`, `IS NOT NULL`) implies the condition and uses it.
        Index("ix_claims_draft_state", "draft_state", sqlite_where=text("draft_state IS NOT NULL"),
              postgresql_where=text("draft_state IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(300))
    # (no index of its own: the unique (source_id, ref) serves look-ups by source; migration 0015)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    source_text: Mapped[str] = mapped_column(String(300))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)

    date_text: Mapped[str] = mapped_column(String(64))
    date_start: Mapped[date] = mapped_column(Date)
    date_end: Mapped[date] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(8))

    place_text: Mapped[str | None] = mapped_column(Text)
    place_key: Mapped[str | None] = mapped_column(String(300), index=True)
    place_label: Mapped[str | None] = mapped_column(String(300))
    place_geonameid: Mapped[int | None] = mapped_column(Integer)
    place_method: Mapped[str | None] = mapped_column(String(16))
    place_region: Mapped[str | None] = mapped_column(String(16))   # "UA.05": the place's oblast, or the one named
    # Every gazetteer place the name could be, when more than one ("713122,700001"), and the names
    # as written, transliterated ("pisky|donetsk"): matching compares these, never one pick.
    place_candidates: Mapped[str | None] = mapped_column(Text)
    place_names: Mapped[str | None] = mapped_column(String(300))
    region_text: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    type_text: Mapped[str | None] = mapped_column(Text)
    type_category: Mapped[str | None] = mapped_column(String(32))
    text_type_category: Mapped[str | None] = mapped_column(String(32))   # the kind the quote names, type left empty
    actor_text: Mapped[str | None] = mapped_column(Text)
    actor_key: Mapped[str | None] = mapped_column(String(300))
    victims_text: Mapped[str | None] = mapped_column(Text)
    victims_category: Mapped[str | None] = mapped_column(String(16))
    target_text: Mapped[str | None] = mapped_column(Text)                 # what was hit, as written
    target_categories: Mapped[str | None] = mapped_column(String(200))   # "homes,school" (vocabulary.TARGETS)
    stance: Mapped[str] = mapped_column(String(8), default="asserts")

    killed_text: Mapped[str | None] = mapped_column(String(100))
    killed_low: Mapped[int | None] = mapped_column(Integer)
    killed_high: Mapped[int | None] = mapped_column(Integer)
    wounded_text: Mapped[str | None] = mapped_column(String(100))
    wounded_low: Mapped[int | None] = mapped_column(Integer)
    wounded_high: Mapped[int | None] = mapped_column(Integer)

    text: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    # The input fields as given that the other columns and the relays do not hold exactly so,
    # and the report's title and date (a JSON array; an object: the claim stored whole).
    # reconciler.given reads the claim as given back.
    raw: Mapped[Any] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    # A draft (the import's `draft` member): NULL for a claim a person wrote; 'draft' until a
    # person accepts or rejects it (reconciler.drafts); only an accepted draft is ever counted.
    draft_state: Mapped[str | None] = mapped_column(String(16))
    # The draft member as given: the rule behind each field, the sentence, the gazetteer place.
    draft: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # Who accepted or rejected the draft, when, and (a rejection) why.
    draft_settled_by: Mapped[str | None] = mapped_column(String(200))
    draft_settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    draft_reason: Mapped[str | None] = mapped_column(Text)
    # Raised by every change and every mark for matching: a run clears a mark only at the version it read.
    version: Mapped[int] = mapped_column(Integer, default=1)

    source: Mapped[Source] = relationship()
    report: Mapped[Report | None] = relationship()
    relays: Mapped[list["ClaimRelay"]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimRelay.position"
    )


class Place(Stamped, Base):
    """A place the desk added to the gazetteer: a GeoNames dump's rows (``origin`` 'geonames',
    with their GeoNames id) or its own landmarks (``origin`` 'desk'). Laid over the bundled
    gazetteer by every command that reads places, so the whole desk shares them."""

    __tablename__ = "places"
    __table_args__ = (CheckConstraint("origin IN ('geonames', 'desk')", name="origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))
    geonameid: Mapped[int | None] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    feature_class: Mapped[str | None] = mapped_column(String(1))
    feature_code: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(String(2))
    admin1: Mapped[str | None] = mapped_column(String(20))
    population: Mapped[int] = mapped_column(Integer, default=0)
    file: Mapped[str | None] = mapped_column(Text)   # the file it was imported from

    names: Mapped[list["PlaceName"]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="PlaceName.id")


class PlaceName(Base):
    """One name of a desk's place (its own name among them), with the key look-ups use."""

    __tablename__ = "place_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)

    place: Mapped[Place] = relationship(back_populates="names")


class ClaimRelay(Base):
    """One link of a claim's relay chain; position 0 is the relay nearest the reader."""

    __tablename__ = "claim_relays"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    source_text: Mapped[str] = mapped_column(String(300))

    claim: Mapped[Claim] = relationship(back_populates="relays")
    source: Mapped[Source] = relationship()


class ClaimChange(Base):
    """A claim re-imported under the same ref with different content: before and after."""

    __tablename__ = "claim_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)


class Run(Base):
    """One reconciliation run: who, when, with which configuration, and what it did."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    config: Mapped[dict] = mapped_column(JSON)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)


class Event(Base):
    """A candidate single event: claims believed to describe one incident, and its grade."""

    __tablename__ = "events"
    __table_args__ = (CheckConstraint(f"status IN {STATUSES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who set the manual grade and when: runs change updated_by, never these.
    graded_by: Mapped[str | None] = mapped_column(String(200))
    graded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    date_start: Mapped[date | None] = mapped_column(Date)
    date_end: Mapped[date | None] = mapped_column(Date)
    place_key: Mapped[str | None] = mapped_column(String(300))
    place_label: Mapped[str | None] = mapped_column(String(300))
    killed_low: Mapped[int | None] = mapped_column(Integer)
    killed_best: Mapped[int | None] = mapped_column(Integer)
    killed_high: Mapped[int | None] = mapped_column(Integer)
    wounded_low: Mapped[int | None] = mapped_column(Integer)
    wounded_best: Mapped[int | None] = mapped_column(Integer)
    wounded_high: Mapped[int | None] = mapped_column(Integer)
    n_claims: Mapped[int] = mapped_column(Integer, default=0)
    n_origins: Mapped[int] = mapped_column(Integer, default=0)
    origins: Mapped[list] = mapped_column(JSON, default=list)
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    updated_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ClaimMark(Base):
    """A claim the next run must match: new, changed, or touched by a change elsewhere (a source
    edited, a draft settled, a place re-read). Kept apart from ``claims`` so that a run clearing
    a hundred thousand marks deletes narrow rows here instead of writing a new version of each
    wide claim row, with an entry in each of its indexes (PostgreSQL). ``version`` is the
    claim's version when it was marked: a run deletes the mark only at the version it read
    (reconciler.marks)."""

    __tablename__ = "claim_marks"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class ClaimLink(Base):
    """A claim's place in an event: each claim belongs to at most one event."""

    __tablename__ = "claim_links"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    # The strongest link into the event: the partner claim and the score's components, as
    # [name, points, note] rows (the explanation is worked out from them when shown:
    # reconciler.matching.explain_rows). A link without a score says why in ``explanation``.
    partner_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"))
    components: Mapped[list] = mapped_column(JSON, default=list)
    explanation: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class EventLineage(Base):
    """What became of an event id when events were merged or split."""

    __tablename__ = "event_lineage"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    new_event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PairConstraint(Base):
    """A person's decision that two claims are (``must``) or are not (``cannot``) one event.

    The latest decision on a pair replaces the earlier one; runs never undo it.
    """

    __tablename__ = "pair_constraints"
    __table_args__ = (CheckConstraint("kind IN ('must', 'cannot')", name="kind"),
                      CheckConstraint("claim_a < claim_b", name="order"))

    claim_a: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    claim_b: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewPair(Base):
    """A pair whose score fell between the review and link thresholds in the latest run."""

    __tablename__ = "review_pairs"
    # Each row once, in key order (SQLite: no rowid, no second copy in the key's index; migration 0014).
    __table_args__ = {"sqlite_with_rowid": False}

    claim_a: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    # Indexed on its own too (the primary key serves claim_a): a run clears the pairs of the
    # claims it re-matched, on either side (migration 0012).
    claim_b: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)
    components: Mapped[dict] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class UncheckedClaim(Base):
    """A claim written since a run last checked the claims: inserted, updated or deleted, or its
    row of ``content_hashes`` written, by anyone (the SQLite shell too). Kept by triggers on
    SQLite (reconciler.content: ``CHANGE_TRIGGERS``), so that a run checks the claims listed
    here instead of every claim; claim 0 asks for every claim to be checked (a store upgraded
    to this table). A run that found them intact empties it. PostgreSQL keeps no triggers: its
    runs check every claim."""

    __tablename__ = "unchecked_claims"

    claim_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class StrongLink(Base):
    """A pair of claims (``claim_a < claim_b``) the run that last scored it found strongly linked:
    at or above the link threshold with nothing forbidding the link, or linked by a person. Kept
    between runs (reconciler.strong), so that an incremental run follows a stored claim's strong
    links from the table instead of scoring every candidate of that claim again; a run replaces
    the rows of the claims it re-matched."""

    __tablename__ = "strong_links"
    __table_args__ = {"sqlite_with_rowid": False}

    claim_a: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    # Indexed on its own too (the primary key serves claim_a): a run reads and replaces the rows
    # of its claims on either side.
    claim_b: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, index=True)


class AuditEntry(Base):
    """One change, hash-chained: ``hash`` covers the entry's content and ``prev_hash``."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[str] = mapped_column(String(40))   # ISO 8601 UTC text: hashed exactly as stored
    user: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(100))
    events: Mapped[list] = mapped_column(JSON, default=list)   # event ids the change concerns
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # The content hash of every claim, source and decision the change wrote ({kind: {key: hash}},
    # null for a row it removed): reconciler.content. Hashed with the rest of the entry.
    content: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ContentHash(Base):
    """The current content hash of each claim, source and decision, as the audit entry ``seq``
    recorded it: what `reconcile run` compares rows with, and `audit verify` compares with the
    trail. ``row_id2`` is the second claim of a pair decision, else 0. One row of kind
    ``baseline`` (``hash`` 'pending') says that an upgrade left rows no entry has recorded yet."""

    __tablename__ = "content_hashes"
    __table_args__ = {"sqlite_with_rowid": False}   # (as review_pairs)

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    row_id2: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    run_hash: Mapped[str | None] = mapped_column(String(64))   # claims: the hash of what a run reads
    seq: Mapped[int] = mapped_column(Integer)


class RunLease(Base):
    """Who holds the right to run reconciliation, until when. One row at most (id 1)."""

    __tablename__ = "run_lease"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(64))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
