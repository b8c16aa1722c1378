"""Reviewer-side tables of the vault database, on the same ``Base`` as ``vault.models``.

Accounts, their secrets (argon2id hashes, TOTP secret, hashed recovery codes and tokens),
reviewer keys (public keys and the passphrase-wrapped private keys — never unwrapped here),
assignments, sealed reviewer records with their plaintext index, daily decrypt counters and
bulk-open alerts. Created only by the Alembic revision ``0002_reviewer_accounts``.

What is plaintext, and why (S7):
- usernames, roles, on-duty flag: the API authenticates and authorises with them;
- key ids and public keys: the bundle publishes them anyway;
- record kind, report/case id, author, day and recipients: the API serves a record only to
  its recipients and the reviewer app pages through them (vault/api/API.md §5);
- exact seconds only where a timer needs them: token idle/absolute expiry and lockout end.
  These rows are deleted when they expire; report-related rows hold days only.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vault.models import KEY_ID_MAX_LENGTH, UUID_LENGTH, Base

ACCOUNT_STATES = ("active", "offboarded")
KEY_STATES = ("pending", "active", "retired")
USERNAME_MAX_LENGTH = 64
RECORD_KIND_MAX_LENGTH = 32


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(sa.String(UUID_LENGTH), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(USERNAME_MAX_LENGTH), unique=True)
    roles: Mapped[str] = mapped_column(sa.String(64))  # sorted, comma-separated
    password_hash: Mapped[str] = mapped_column(sa.Text)
    # Sealed under keys/totp-wrap.key (vault.totp_wrap), "htw1." + base64url: ~101 characters.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(160), nullable=True)
    # False until the person confirms a first code (enrolment at first login, API.md §2).
    totp_confirmed: Mapped[bool] = mapped_column(sa.Boolean, default=True,
                                                 server_default=sa.true())
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    state: Mapped[str] = mapped_column(sa.String(16), default="active")
    on_duty: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    created_day: Mapped[dt.date] = mapped_column(sa.Date)

    __table_args__ = (
        sa.CheckConstraint("state IN ('active', 'offboarded')", name="state"),
    )


class ReviewerKey(Base):
    __tablename__ = "reviewer_keys"

    key_id: Mapped[str] = mapped_column(sa.String(KEY_ID_MAX_LENGTH), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    x25519_pk: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    ed25519_pk: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    wrapped_secret_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True)
    kdf_salt: Mapped[bytes | None] = mapped_column(sa.LargeBinary(16), nullable=True)
    kdf_opslimit: Mapped[int] = mapped_column(sa.Integer)
    kdf_memlimit: Mapped[int] = mapped_column(sa.BigInteger)
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    created_day: Mapped[dt.date] = mapped_column(sa.Date)
    retired_day: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    # The first bundle serial that no longer lists the key: reports sealed to that bundle
    # or later are never served to it.
    retired_at_serial: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)

    __table_args__ = (
        sa.CheckConstraint("state IN ('pending', 'active', 'retired')", name="state"),
    )


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    code_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )


class ApiToken(Base):
    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[int] = mapped_column(sa.BigInteger)
    last_seen_at: Mapped[int] = mapped_column(sa.BigInteger)


class Assignment(Base):
    """A stanza that exists because a coordinator re-sealed the report to an assignee."""

    __tablename__ = "assignments"

    report_id: Mapped[str] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[str] = mapped_column(sa.String(KEY_ID_MAX_LENGTH), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    assigned_by: Mapped[str] = mapped_column(sa.String(UUID_LENGTH))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    # The signed grant record (vault/SPEC.md §5) as canonical JSON, served back to the
    # assignee, who checks it before opening.
    grant_document: Mapped[str] = mapped_column(sa.Text)


class EventGrant(Base):
    """A signed grant record naming one reporter event envelope (vault/SPEC.md §5): an
    assignee outside the triage set needs one per event, made by a reviewer who can open it.
    Deleted with the report's assignment (revocation), the account (offboarding) or the
    report. Created by the Alembic revision ``0004_event_grants``."""

    __tablename__ = "event_grants"

    report_id: Mapped[str] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[str] = mapped_column(sa.String(KEY_ID_MAX_LENGTH), primary_key=True)
    header_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # hex
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    assigned_by: Mapped[str] = mapped_column(sa.String(UUID_LENGTH))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    grant_document: Mapped[str] = mapped_column(sa.Text)


class ReviewerRecord(Base):
    """A sealed, signed reviewer record (label, note, verification, case, draft...)."""

    __tablename__ = "reviewer_records"

    record_id: Mapped[str] = mapped_column(sa.String(UUID_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(RECORD_KIND_MAX_LENGTH), index=True)
    report_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=True, index=True
    )
    case_id: Mapped[str | None] = mapped_column(sa.String(UUID_LENGTH), nullable=True,
                                                index=True)
    author_key_id: Mapped[str] = mapped_column(sa.String(KEY_ID_MAX_LENGTH))
    author_account_id: Mapped[str] = mapped_column(sa.String(UUID_LENGTH))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    supersedes: Mapped[str | None] = mapped_column(sa.String(UUID_LENGTH), nullable=True)
    ciphertext: Mapped[bytes] = mapped_column(sa.LargeBinary)
    signature: Mapped[bytes] = mapped_column(sa.LargeBinary(64))


class RecordRecipient(Base):
    __tablename__ = "record_recipients"

    record_id: Mapped[str] = mapped_column(
        sa.ForeignKey("reviewer_records.record_id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[str] = mapped_column(sa.String(KEY_ID_MAX_LENGTH), primary_key=True,
                                        index=True)


class DecryptOpen(Base):
    """One reviewer opened (requested the stanza of) one report on one day: the quota."""

    __tablename__ = "decrypt_opens"

    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)
    report_id: Mapped[str] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )


class Alert(Base):
    __tablename__ = "alerts"

    alert_id: Mapped[str] = mapped_column(sa.String(UUID_LENGTH), primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    account_id: Mapped[str] = mapped_column(sa.String(UUID_LENGTH))
    kind: Mapped[str] = mapped_column(sa.String(32))
    count: Mapped[int] = mapped_column(sa.Integer)

    __table_args__ = (sa.UniqueConstraint("account_id", "day", "kind", name="uq_alerts_once"),)
