"""Tables of the case base's own database (migrations: casebase/migrations/).

Every date is a UTC day or a month as text (``YYYY-MM-DD`` / ``YYYY-MM``): the case base
never stores a finer time. Multi-valued vocabularies (acts, perpetrators, mechanisms) live
in ``record_terms`` so filters are indexed lookups.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DAY = String(10)


class Base(DeclarativeBase):
    pass


class Admin(Base):
    """A case base administrator; two of them sign every trust-list change."""

    __tablename__ = "admins"
    admin_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(43), unique=True)
    added_on: Mapped[str] = mapped_column(DAY)


class TrustEntry(Base):
    __tablename__ = "trust_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    release_pk: Mapped[str] = mapped_column(String(43), unique=True)
    not_before: Mapped[str] = mapped_column(DAY)
    not_after: Mapped[str] = mapped_column(DAY)
    # "release": the key signs packages itself; "root": an organisation root whose
    # certified release subkeys (vault.keys certificates) are accepted.
    key_kind: Mapped[str] = mapped_column(String(8), default="release")
    state: Mapped[str] = mapped_column(String(16))  # active | rotated | revoked
    rotated_on: Mapped[str | None] = mapped_column(DAY, nullable=True)
    compromised_since: Mapped[str | None] = mapped_column(DAY, nullable=True)


class TrustLog(Base):
    """Each accepted trust change with its signatures, so anyone can re-check the list."""

    __tablename__ = "trust_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[str] = mapped_column(DAY)
    statement: Mapped[str] = mapped_column(Text)
    signatures: Mapped[str] = mapped_column(Text)


class Record(Base):
    __tablename__ = "records"
    record_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12))  # pending | published | quarantined
    publish_after: Mapped[str] = mapped_column(DAY)
    ingested_on: Mapped[str] = mapped_column(DAY)
    issued_at: Mapped[str] = mapped_column(DAY)
    release_pk: Mapped[str] = mapped_column(String(43))
    trust_anchor: Mapped[str] = mapped_column(String(43))  # the trust entry that accepted it
    package_sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(160))
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    year_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    role: Mapped[str | None] = mapped_column(String(24), nullable=True)
    engagement: Mapped[str] = mapped_column(String(16))
    verification: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    anonymity_requested: Mapped[bool] = mapped_column(Boolean)
    named: Mapped[bool] = mapped_column(Boolean)
    detained: Mapped[bool] = mapped_column(Boolean)
    surveillance: Mapped[bool] = mapped_column(Boolean)
    restrictive_law: Mapped[bool] = mapped_column(Boolean)
    last_activity: Mapped[str] = mapped_column(String(7))  # YYYY-MM of the latest event
    # SQLite only: the rowid of the record's row in the FTS5 table (a real column, so a
    # VACUUM that renumbers implicit rowids cannot break the link).
    search_rowid: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)

    __table_args__ = (
        Index("ix_records_visible", "tier", "state", "publish_after"),
        Index("ix_records_newest", "year", "record_id"),
    )


class RecordDocument(Base):
    """The long texts of a record, kept apart so that the rows filters and counts scan
    stay narrow: the signed package as ingested and the full-text document."""

    __tablename__ = "record_documents"
    record_id: Mapped[str] = mapped_column(
        ForeignKey("records.record_id", ondelete="CASCADE"), primary_key=True
    )
    package_json: Mapped[str] = mapped_column(Text)
    search_document: Mapped[str] = mapped_column(Text)
    # PostgreSQL also has search_vector, generated from search_document (migration 0001).


class RecordAttachment(Base):
    """A scrubbed image released with a record (S15), checked at ingest: its hash, size,
    type by magic bytes, and no EXIF/XMP/ICC/comment/text chunk. The stored
    ``package_json`` keeps the entry without ``data``; a tombstone deletes the bytes with
    the record (migration 0002)."""

    __tablename__ = "record_attachments"
    record_id: Mapped[str] = mapped_column(
        ForeignKey("records.record_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        Index("ix_record_attachments_sha256", "record_id", "sha256", unique=True),
    )


class RecordTerm(Base):
    __tablename__ = "record_terms"
    record_id: Mapped[str] = mapped_column(
        ForeignKey("records.record_id", ondelete="CASCADE"), primary_key=True
    )
    vocabulary: Mapped[str] = mapped_column(String(16), primary_key=True)
    term: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (Index("ix_record_terms_lookup", "vocabulary", "term", "record_id"),)


class FollowUp(Base):
    __tablename__ = "follow_ups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(
        ForeignKey("records.record_id", ondelete="CASCADE"), index=True
    )
    date: Mapped[str] = mapped_column(String(7))
    event: Mapped[str] = mapped_column(String(40))
    stance: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(8))  # release | partner
    org_id: Mapped[str] = mapped_column(String(64))
    signed_event: Mapped[str | None] = mapped_column(Text, nullable=True)
    signature: Mapped[str | None] = mapped_column(String(86), nullable=True)
    signer_pk: Mapped[str | None] = mapped_column(String(43), nullable=True)
    added_on: Mapped[str] = mapped_column(DAY)


class Tombstone(Base):
    __tablename__ = "tombstones"
    record_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[str] = mapped_column(DAY)
    reason: Mapped[str] = mapped_column(String(24))
    withdrawn_on: Mapped[str] = mapped_column(DAY, index=True)
    package_sha256: Mapped[str] = mapped_column(String(64))
    package_json: Mapped[str] = mapped_column(Text)


class StatsSnapshot(Base):
    """Precomputed, suppressed statistics tables; the trends page reads only these (S21)."""

    __tablename__ = "stats_snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[str] = mapped_column(DAY)
    tier: Mapped[str] = mapped_column(String(8))
    tables_json: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_stats_snapshots_tier_day", "tier", "day"),)


class Partner(Base):
    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_on: Mapped[str] = mapped_column(DAY)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(64))
    created_on: Mapped[str] = mapped_column(DAY)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
