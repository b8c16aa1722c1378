"""The published reviewer key bundles, as recorded in the vault (vault/SPEC.md §2).

``add_bundle(session, serial, document, day)`` records the exact JSON served (serials only
grow); ``latest_bundle`` and ``bundle_by_sha256`` read them back as ``BundleRecord``.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault.errors import InvalidRecord
from vault.models import Bundle
from vault.store_records import BundleRecord, DayLike, as_day


def add_bundle(session: Session, serial: int, document: str, day: DayLike) -> BundleRecord:
    """Record a published bundle (the exact JSON served); serials only grow."""
    if not isinstance(document, str) or not document:
        raise InvalidRecord("bundle document must be JSON text")
    highest = session.scalar(sa.select(sa.func.max(Bundle.serial)))
    if highest is not None and serial <= highest:
        raise InvalidRecord(f"bundle serial {serial} is not above {highest}")
    digest = hashlib.sha256(document.encode("utf-8")).hexdigest()
    session.add(Bundle(serial=serial, sha256=digest, document=document, day=as_day(day)))
    session.flush()
    return BundleRecord(serial, digest, document, as_day(day))


def latest_bundle(session: Session) -> BundleRecord | None:
    row = session.scalar(sa.select(Bundle).order_by(Bundle.serial.desc()).limit(1))
    return None if row is None else BundleRecord(row.serial, row.sha256, row.document, row.day)


def bundle_by_sha256(session: Session, sha256: str) -> BundleRecord | None:
    row = session.scalar(sa.select(Bundle).where(Bundle.sha256 == sha256))
    return None if row is None else BundleRecord(row.serial, row.sha256, row.document, row.day)
