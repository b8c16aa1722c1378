"""The vault's tables (SQLAlchemy 2, typed). One ``Base`` for the whole vault database.

Other vault modules (the reviewer-side tables: accounts, wrapped keys, reviewer records,
cases) declare their models on this same ``Base`` and add their own Alembic revision after
``0001_vault_store``; ``vault/migrations/env.py`` uses ``Base.metadata``.

What is stored in plaintext, and why (S7; vault/SPEC.md lists the same):
- ids are random UUIDv4 (reports) or random tokens (uploads); blob ids are the hex
  BLAKE2b-256 of the ciphertext (content addressing, checked by ``open`` against the sealed
  manifest, S2);
- the UTC day (never a time) of each row, and ``last_change_day`` for retention (S6);
- the bundle serial a report was sealed to, and the stanza key ids (to know whom to re-seal
  for on rotation and to list a reviewer's reports, S14);
- ciphertext lengths and chunk counts of blobs (the server checks them on upload, S2/S5);
- ``lookup_hash`` = BLAKE2b(key = pepper, lookup id) for O(1) receipt login (S4); NULL
  once the reporter burned the receipt;
- ``replies_fetched_seq`` and ``events.fetched_day``: which replies the reporter fetched,
  and the day, so they are deleted N days later (S6);
- ``server_sealed``: whether the no-JS path sealed the report (it is in the header too);
- ``reporter_head`` is ciphertext (sealed to the reporter's own reply key), kept here rather
  than on an intake host's disk so every intake host, backups and purge see it.

Decided against: a plaintext ``urgent`` column. Anyone who reads the database (a stolen
disk, a seized server) would learn exactly which reporters are in the most danger; the
urgent answer lives inside the sealed fields, and the reviewer app, which decrypts, builds
the urgent queue. The reporter-facing status is sealed to the reporter key
(``status_sealed``); the reviewers' workflow status lives in reviewer records.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Naming convention so Alembic migrations name constraints the same on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

REPORT_STATES = ("active", "withdrawn")
BLOB_STATES = ("stored", "attached")
EVENT_DIRECTIONS = ("from_reporter", "to_reporter")

UUID_LENGTH = 36
BLOB_ID_LENGTH = 64
KEY_ID_MAX_LENGTH = 64
# The reporter's sealed chain head: an 80-byte crypto_box_seal of a small JSON object, with
# room to spare; larger is refused (vault.reply_store.set_reporter_head, and a CHECK).
REPORTER_HEAD_MAX_BYTES = 512


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(sa.String(UUID_LENGTH), primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    envelope: Mapped[bytes] = mapped_column(sa.LargeBinary)
    bundle_serial: Mapped[int] = mapped_column(sa.Integer)
    server_sealed: Mapped[bool] = mapped_column(sa.Boolean)
    # NULL once the reporter burned the receipt (the receipt then opens nothing, S6).
    lookup_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32), unique=True,
                                                      nullable=True)
    state: Mapped[str] = mapped_column(sa.String(16), default="active")
    status_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True)
    status_epoch: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_change_day: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    # The highest reply seq served to the holder of the receipt (only grows, 0 = none). It
    # is also the floor of the reply chain: replies up to it may have been deleted (S6).
    replies_fetched_seq: Mapped[int] = mapped_column(sa.Integer, default=0,
                                                     server_default="0")
    # The reporter's chain head {seq, event_hash}, sealed to their own reply key: the
    # server cannot read it (0009_reporter_head; vault.reply_store.set_reporter_head).
    reporter_head: Mapped[bytes | None] = mapped_column(
        sa.LargeBinary(REPORTER_HEAD_MAX_BYTES), nullable=True)

    stanzas: Mapped[list[Stanza]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.CheckConstraint("state IN ('active', 'withdrawn')", name="state"),
        sa.CheckConstraint(f"length(reporter_head) <= {REPORTER_HEAD_MAX_BYTES}",
                           name="reporter_head"),
    )


class Stanza(Base):
    """An access grant: the report key sealed to one reviewer key (delete to revoke)."""

    __tablename__ = "stanzas"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    key_id: Mapped[str] = mapped_column(sa.String(KEY_ID_MAX_LENGTH), index=True)
    sealed_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    epoch: Mapped[int] = mapped_column(sa.Integer, default=0)

    report: Mapped[Report] = relationship(back_populates="stanzas")

    __table_args__ = (sa.UniqueConstraint("report_id", "key_id", name="uq_stanzas_report_key"),)


class Blob(Base):
    """An encrypted attachment stream, stored content-addressed by a blob backend."""

    __tablename__ = "blobs"

    blob_id: Mapped[str] = mapped_column(sa.String(BLOB_ID_LENGTH), primary_key=True)
    report_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=True, index=True
    )
    ct_len: Mapped[int] = mapped_column(sa.BigInteger)
    chunk_count: Mapped[int] = mapped_column(sa.Integer)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(16), default="stored")

    __table_args__ = (sa.CheckConstraint("state IN ('stored', 'attached')", name="state"),)


class UploadSession(Base):
    """A resumable chunked upload in progress (its bytes sit in a temp file)."""

    __tablename__ = "upload_sessions"

    upload_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    declared_chunk_count: Mapped[int] = mapped_column(sa.Integer)
    chunk_size: Mapped[int] = mapped_column(sa.Integer)
    next_index: Mapped[int] = mapped_column(sa.Integer, default=0)
    received_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # BLAKE2b-256 and length of the last accepted chunk: a resent last chunk (after a
    # dropped connection) is accepted only if identical.
    last_chunk_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32), nullable=True)
    last_chunk_len: Mapped[int] = mapped_column(sa.Integer, default=0)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    expires_day: Mapped[dt.date] = mapped_column(sa.Date, index=True)


class Event(Base):
    """Every event in both directions (messages, consent changes, files) looks alike."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(sa.String(16))
    seq: Mapped[int] = mapped_column(sa.Integer)
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    # Replies only: the UTC day the reporter was first served this reply; the retention run
    # deletes it ``reply_retention_days`` later (S6).
    fetched_day: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True, index=True)

    __table_args__ = (
        sa.UniqueConstraint("report_id", "direction", "seq", name="uq_events_report_dir_seq"),
        sa.CheckConstraint("direction IN ('from_reporter', 'to_reporter')", name="direction"),
        sa.CheckConstraint("seq >= 0", name="seq"),
    )


class Bundle(Base):
    """A published signed reviewer key bundle (the JSON document as served)."""

    __tablename__ = "bundles"

    serial: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    document: Mapped[str] = mapped_column(sa.Text)
    day: Mapped[dt.date] = mapped_column(sa.Date)


class AuditEntry(Base):
    """One leaf of the append-only Merkle audit log (S17); see vault.audit."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    actor: Mapped[str] = mapped_column(sa.String(128))
    action: Mapped[str] = mapped_column(sa.String(64))
    # BLAKE2b(key = audit-target key, report id), hex: a purge does not break the chain.
    target: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    detail: Mapped[str] = mapped_column(sa.Text)  # canonical JSON, no content, no IPs
    actor_signature: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True)
    leaf_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32))


class AuditHead(Base):
    """A signed tree head ``{size, root, day}`` (checkpoint subkey)."""

    __tablename__ = "audit_heads"

    size: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    signature: Mapped[bytes] = mapped_column(sa.LargeBinary(64))


class PurgeRecord(Base):
    """What was purged, when (day) and why; reports referred to by keyed hash only."""

    __tablename__ = "purge_log"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    target: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(64))
    blob_count: Mapped[int] = mapped_column(sa.Integer, default=0)


class ActionNonce(Base):
    """A signed reviewer action's nonce, hashed, so a statement is accepted once (S17).

    Pruned by the retention run once older than a statement can be (vault.retention)."""

    __tablename__ = "action_nonces"

    nonce_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date, index=True)
