"""Records and checks at the boundary of vault.store (frozen dataclasses, validators).

Split from vault.store to keep modules small; vault.store re-exports every name here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from vault.errors import InvalidRecord
from vault.models import BLOB_ID_LENGTH, KEY_ID_MAX_LENGTH

LOOKUP_HASH_LENGTH = 32
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

DayLike = dt.date | str


@dataclass(frozen=True)
class ReportRecord:
    id: str
    day: dt.date
    envelope: bytes
    bundle_serial: int
    server_sealed: bool
    state: str
    status_sealed: bytes | None
    status_epoch: int
    last_change_day: dt.date
    blob_ids: tuple[str, ...]
    replies_fetched_seq: int = 0  # highest reply seq the reporter fetched (vault.reply_store)
    receipt_live: bool = True  # False once the reporter burned the receipt


@dataclass(frozen=True)
class ReportSummary:
    """A row of ``list_reports``: metadata only, no ciphertext."""

    id: str
    day: dt.date
    bundle_serial: int
    state: str
    last_change_day: dt.date


@dataclass(frozen=True)
class StanzaRecord:
    report_id: str
    key_id: str
    sealed_key: bytes
    epoch: int


@dataclass(frozen=True)
class EventRecord:
    report_id: str
    direction: str
    seq: int
    sealed: bytes
    day: dt.date


@dataclass(frozen=True)
class BundleRecord:
    serial: int
    sha256: str
    document: str
    day: dt.date


# --- validation helpers ------------------------------------------------------------


def as_day(value: DayLike) -> dt.date:
    """A UTC day from a ``date`` or ``YYYY-MM-DD`` text; never a datetime (S7)."""
    if isinstance(value, dt.datetime):
        raise InvalidRecord("the vault stores days, not times: pass a date")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"not a YYYY-MM-DD day: {value!r}") from None


def check_report_id(report_id: str) -> str:
    try:
        parsed = uuid.UUID(report_id)
    except (TypeError, ValueError, AttributeError):
        raise InvalidRecord("report id must be a UUIDv4") from None
    if parsed.version != 4 or str(parsed) != report_id:  # noqa: PLR2004
        raise InvalidRecord("report id must be a lowercase canonical UUIDv4")
    return report_id


def check_blob_id(blob_id: str) -> str:
    if (
        not isinstance(blob_id, str)
        or len(blob_id) != BLOB_ID_LENGTH
        or blob_id.strip("0123456789abcdef")
    ):
        raise InvalidRecord("blob id must be 64 lowercase hex characters (BLAKE2b-256)")
    return blob_id


def check_key_id(key_id: str) -> str:
    if not isinstance(key_id, str) or not key_id or len(key_id) > KEY_ID_MAX_LENGTH:
        raise InvalidRecord(f"key id must be 1..{KEY_ID_MAX_LENGTH} characters")
    return key_id


def check_bytes(name: str, value: bytes, *, exact: int | None = None) -> bytes:
    if not isinstance(value, bytes) or not value:
        raise InvalidRecord(f"{name} must be non-empty bytes")
    if exact is not None and len(value) != exact:
        raise InvalidRecord(f"{name} must be {exact} bytes")
    return value
