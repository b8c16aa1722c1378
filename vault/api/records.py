"""Sealed, signed reviewer records: labels, notes, verification records, cases, drafts...

The API stores the ciphertext opaque, with the small plaintext index of API.md §5, and
checks what it can without keys: the author is the caller's active key, the recipients are
active keys, the report (if any) is visible to the caller, the day is today, and the
signature verifies over the index plus the ciphertext's SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from nacl.signing import VerifyKey
from sqlalchemy.orm import Session

from vault.api import access
from vault.canonical import b64encode, verify
from vault.errors import DuplicateAccount, InvalidReviewerRecord, KeyStateError, NoAccess
from vault.reviewer_models import RecordRecipient, ReviewerKey, ReviewerRecord
from vault.reviewer_store import AccountView

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_RECIPIENTS = 64


@dataclass(frozen=True)
class NewRecord:
    record_id: str
    kind: str
    report_id: str | None
    case_id: str | None
    author_key_id: str
    day: str
    recipients: tuple[str, ...]
    supersedes: str | None
    ciphertext: bytes
    signature: bytes

    def signed_payload(self) -> dict:
        return {
            "record_id": self.record_id,
            "kind": self.kind,
            "report_id": self.report_id,
            "case_id": self.case_id,
            "author_key_id": self.author_key_id,
            "day": self.day,
            "recipients": sorted(self.recipients),
            "supersedes": self.supersedes,
            "ciphertext_sha256": hashlib.sha256(self.ciphertext).hexdigest(),
        }


def _check_uuid(name: str, value: str | None) -> None:
    if value is None:
        return
    try:
        parsed = uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise InvalidReviewerRecord(f"{name} must be a UUID") from None
    if str(parsed) != value:
        raise InvalidReviewerRecord(f"{name} must be a lower-case hyphenated UUID")


def _check_shape(record: NewRecord, today: dt.date) -> None:
    _check_uuid("record_id", record.record_id)
    _check_uuid("report_id", record.report_id)
    _check_uuid("case_id", record.case_id)
    _check_uuid("supersedes", record.supersedes)
    if not KIND_PATTERN.match(record.kind):
        raise InvalidReviewerRecord("kind is 1-32 of a-z 0-9 _ starting with a letter")
    if record.day != today.isoformat():
        raise InvalidReviewerRecord("day must be today (UTC)")
    if not record.recipients or len(record.recipients) > MAX_RECIPIENTS:
        raise InvalidReviewerRecord(f"recipients lists 1-{MAX_RECIPIENTS} key ids")
    if len(set(record.recipients)) != len(record.recipients):
        raise InvalidReviewerRecord("recipients repeats a key id")
    if not record.ciphertext:
        raise InvalidReviewerRecord("ciphertext is empty")


def add_record(session: Session, caller: AccountView, record: NewRecord,
               today: dt.date) -> ReviewerRecord:
    _check_shape(record, today)
    author = session.get(ReviewerKey, record.author_key_id)
    if author is None or author.account_id != caller.account_id or author.state != "active":
        raise InvalidReviewerRecord("author_key_id must be one of your own active keys")
    active = set(session.scalars(sa.select(ReviewerKey.key_id).where(
        ReviewerKey.key_id.in_(record.recipients), ReviewerKey.state == "active")))
    missing = sorted(set(record.recipients) - active)
    if missing:
        raise KeyStateError(f"recipient {missing[0]} is not an active reviewer key")
    if record.report_id is not None:
        access.access_for(session, caller, record.report_id)
    if record.supersedes is not None:
        get_record(session, caller, record.supersedes)
    verify("reviewer-record", record.signed_payload(), record.signature,
           VerifyKey(author.ed25519_pk))
    if session.get(ReviewerRecord, record.record_id) is not None:
        raise DuplicateAccount("a record with this id exists")
    row = ReviewerRecord(
        record_id=record.record_id, kind=record.kind, report_id=record.report_id,
        case_id=record.case_id, author_key_id=record.author_key_id,
        author_account_id=caller.account_id, day=today, supersedes=record.supersedes,
        ciphertext=record.ciphertext, signature=record.signature,
    )
    session.add(row)
    session.flush()
    for key_id in sorted(record.recipients):
        session.add(RecordRecipient(record_id=record.record_id, key_id=key_id))
    session.flush()
    return row


def _my_key_ids(session: Session, caller: AccountView) -> list[str]:
    return list(session.scalars(sa.select(ReviewerKey.key_id).where(
        ReviewerKey.account_id == caller.account_id, ReviewerKey.state != "pending")))


def get_record(session: Session, caller: AccountView, record_id: str) -> ReviewerRecord:
    row = session.get(ReviewerRecord, record_id) if isinstance(record_id, str) else None
    mine = _my_key_ids(session, caller)
    if row is None or not mine or session.scalar(sa.select(RecordRecipient.key_id).where(
            RecordRecipient.record_id == record_id, RecordRecipient.key_id.in_(mine))) is None:
        raise NoAccess("not visible")
    return row


def list_records(session: Session, caller: AccountView, *, report_id: str | None,
                 case_id: str | None, kind: str | None, limit: int,
                 after: tuple[dt.date, str] | None) -> list[ReviewerRecord]:
    """Records sealed to one of the caller's keys, oldest day first, keyset-paginated."""
    mine = _my_key_ids(session, caller)
    if not mine:
        return []
    query = sa.select(ReviewerRecord).where(ReviewerRecord.record_id.in_(
        sa.select(RecordRecipient.record_id).where(RecordRecipient.key_id.in_(mine))))
    if report_id is not None:
        query = query.where(ReviewerRecord.report_id == report_id)
    if case_id is not None:
        query = query.where(ReviewerRecord.case_id == case_id)
    if kind is not None:
        query = query.where(ReviewerRecord.kind == kind)
    if after is not None:
        day, record_id = after
        query = query.where(sa.or_(ReviewerRecord.day > day, sa.and_(
            ReviewerRecord.day == day, ReviewerRecord.record_id > record_id)))
    order = (ReviewerRecord.day, ReviewerRecord.record_id)
    return list(session.scalars(query.order_by(*order).limit(limit)))


def record_json(session: Session, row: ReviewerRecord) -> dict:
    recipients = list(session.scalars(sa.select(RecordRecipient.key_id).where(
        RecordRecipient.record_id == row.record_id).order_by(RecordRecipient.key_id)))
    return {
        "record_id": row.record_id,
        "kind": row.kind,
        "report_id": row.report_id,
        "case_id": row.case_id,
        "author_key_id": row.author_key_id,
        "author_account_id": row.author_account_id,
        "day": row.day.isoformat(),
        "recipients": recipients,
        "supersedes": row.supersedes,
        "ciphertext_b64": b64encode(row.ciphertext),
        "signature_b64": b64encode(row.signature),
    }
