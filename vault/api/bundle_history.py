"""Earlier published bundles, served so a reviewer app can open reports sealed under them.

An envelope names its bundle by ``vault.bundle.bundle_sha256(payload)`` (SHA-256 of the JCS
of the signed payload, vault/SPEC.md §2.3). The store indexes bundles by the SHA-256 of the
document *text* instead, so the payload hash is computed here on read; an instance keeps a
few dozen bundles at most, so reading them all is cheap. The documents are public and the
reviewer app verifies each against its own organisation pin: the API is not trusted for them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault.bundle import bundle_sha256
from vault.models import Bundle

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class PublishedBundle:
    serial: int
    sha256: str  # hex of vault.bundle.bundle_sha256(payload): what envelope headers carry
    day: dt.date
    document: str


def payload_sha256(document: str) -> str | None:
    """The payload hash of a recorded bundle document, or None when it is not a bundle."""
    try:
        payload = json.loads(document)["bundle"]
        if not isinstance(payload, dict):
            return None
        return bundle_sha256(payload).hex()
    except (KeyError, TypeError, ValueError):
        return None


def published(session: Session) -> list[PublishedBundle]:
    """Every recorded bundle that parses, newest serial first."""
    rows = session.scalars(sa.select(Bundle).order_by(Bundle.serial.desc()))
    found = []
    for row in rows:
        digest = payload_sha256(row.document)
        if digest is not None:
            found.append(PublishedBundle(row.serial, digest, row.day, row.document))
    return found


def by_serial(session: Session, serial: int) -> PublishedBundle | None:
    row = session.get(Bundle, serial)
    if row is None:
        return None
    digest = payload_sha256(row.document)
    return None if digest is None else PublishedBundle(row.serial, digest, row.day,
                                                       row.document)


def by_payload_sha256(session: Session, sha256_hex: str) -> PublishedBundle | None:
    """The bundle whose payload hash an envelope header names (lowercase hex)."""
    if not SHA256_HEX.match(sha256_hex):
        return None
    return next((b for b in published(session) if b.sha256 == sha256_hex), None)
