"""Canonical encodings shared by every signed or hashed object in Haven.

- JSON is canonicalised with RFC 8785 (JCS) before it is signed or hashed.
- Text is NFC-normalised before it is encoded.
- Binary values inside JSON are base64url without padding (RFC 4648 §5), the variant
  libsodium.js uses by default; both sides name it explicitly.
- The day is the UTC day, ``YYYY-MM-DD``; Haven never stores a finer time.
- Every signature covers ``"haven-<purpose>/1\\n" ‖ JCS(payload)``: one label per use
  of a key (as age does), so a signature made for one purpose never verifies for another.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import unicodedata
from typing import Any

import rfc8785
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from vault.errors import BadEncoding, BadSignature

SIGNATURE_PURPOSES = frozenset(
    {
        "subkey",  # root certifies a purpose subkey
        "bundle",  # reviewer key bundle
        "release",  # case base release packages and tombstones
        "manifest",  # served-code manifest of the intake site
        "checkpoint",  # audit log signed heads
        "event",  # reporter and reviewer events (see vault/SPEC.md)
        "reviewer-record",  # labels, notes, verification records
        "approval",  # drafter and approver signatures on releases
        "trust",  # case base trust-list changes
        "follow-up",  # partner follow-up events in the case base
        "audit-action",  # a reviewer's own signature on an audited action (S17)
    }
)


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    if not isinstance(text, str) or "=" in text:
        raise BadEncoding("expected unpadded base64url text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise BadEncoding("invalid base64url") from None


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value`` with every string NFC-normalised."""
    return rfc8785.dumps(_normalise(value))


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc(str(k)): _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    return value


def utc_day(moment: dt.datetime | None = None) -> str:
    moment = moment or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).date().isoformat()


def signed_message(purpose: str, payload: Any) -> bytes:
    if purpose not in SIGNATURE_PURPOSES:
        raise ValueError(f"unknown signature purpose {purpose!r}")
    return f"haven-{purpose}/1\n".encode("ascii") + canonical_json(payload)


def sign(purpose: str, payload: Any, key: SigningKey) -> bytes:
    """Detached Ed25519 signature over the labelled canonical payload."""
    return key.sign(signed_message(purpose, payload)).signature


def verify(purpose: str, payload: Any, signature: bytes, key: VerifyKey) -> None:
    """Raise BadSignature unless ``signature`` is ``key``'s over this purpose and payload."""
    try:
        key.verify(signed_message(purpose, payload), signature)
    except (BadSignatureError, ValueError, TypeError):
        raise BadSignature(f"bad {purpose} signature") from None
