"""Reviewer records: labels, notes, verification, cases, ... sealed and signed (DESIGN §1).

A record's content is canonical JSON encrypted with XChaCha20-Poly1305 under a fresh
32-byte record key; the record key is sealed (``crypto_box_seal``) to every reviewer key of
the VERIFIED bundle (S3: never to keys read from the API's directory). The AEAD's associated
data binds the ciphertext to its record id, kind, report, case, author and day, so the API
cannot move a record to another report. The author signs, with the Ed25519 key of their
unlocked slot, the payload the vault API checks (vault/api/API.md, "reviewer-record").

Ciphertext layout (canonical JSON bytes)::

    {"v": 1, "nonce": b64(24), "body": b64(aead), "stanzas": {key_id: b64(80)}}
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import nacl.bindings
from nacl.exceptions import CryptoError
from nacl.public import PublicKey, SealedBox
from nacl.signing import VerifyKey

from reviewer.errors import RecordInvalid
from reviewer.keyring import ReviewerKeys
from reviewer.vault_types import Record
from vault.canonical import b64decode, b64encode, canonical_json, sign, utc_day, verify
from vault.errors import VaultError

RECORD_FORMAT = 1
_AAD_LABEL = b"haven-reviewer-record/1\n"
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


@dataclass(frozen=True)
class Recipient:
    key_id: str
    x25519_pk: bytes
    ed25519_pk: bytes


@dataclass(frozen=True)
class OpenedRecord:
    record: Record
    content: Mapping[str, Any]

    @property
    def record_id(self) -> str:
        return self.record.record_id


def signed_payload(header: Mapping[str, Any], ciphertext: bytes) -> dict[str, Any]:
    """The object the author signs and the vault API verifies."""
    return {
        "record_id": header["record_id"],
        "kind": header["kind"],
        "report_id": header.get("report_id"),
        "case_id": header.get("case_id"),
        "author_key_id": header["author_key_id"],
        "day": header["day"],
        "recipients": sorted(header["recipients"]),
        "supersedes": header.get("supersedes"),
        "ciphertext_sha256": hashlib.sha256(ciphertext).hexdigest(),
    }


def _aad(header: Mapping[str, Any]) -> bytes:
    bound = {name: header.get(name) for name in
             ("record_id", "kind", "report_id", "case_id", "author_key_id", "day")}
    return _AAD_LABEL + canonical_json(bound)


def seal_record(
    *,
    kind: str,
    content: Mapping[str, Any],
    keys: ReviewerKeys,
    recipients: list[Recipient],
    report_id: str | None = None,
    case_id: str | None = None,
    supersedes: str | None = None,
) -> dict[str, Any]:
    """The JSON body for ``POST /api/v1/records``."""
    if not recipients:
        raise RecordInvalid("no reviewer keys to seal the record to")
    header = {
        "record_id": str(uuid.uuid4()), "kind": kind, "report_id": report_id,
        "case_id": case_id, "author_key_id": keys.key_id, "day": utc_day(),
        "recipients": sorted(r.key_id for r in recipients), "supersedes": supersedes,
    }
    record_key = secrets.token_bytes(32)
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        canonical_json(dict(content)), _aad(header), nonce, record_key)
    stanzas = {r.key_id: b64encode(SealedBox(PublicKey(r.x25519_pk)).encrypt(record_key))
               for r in recipients}
    ciphertext = canonical_json({"v": RECORD_FORMAT, "nonce": b64encode(nonce),
                                 "body": b64encode(body), "stanzas": stanzas})
    signature = sign("reviewer-record", signed_payload(header, ciphertext), keys.signing_key())
    return {**header, "ciphertext_b64": b64encode(ciphertext),
            "signature_b64": b64encode(signature)}


def open_record(record: Record, keys: ReviewerKeys,
                authors: Mapping[str, Recipient]) -> OpenedRecord:
    """Check the author's signature, then decrypt; RecordInvalid names what failed."""
    author = authors.get(record.author_key_id)
    if author is None:
        raise RecordInvalid("record author key is not in the verified bundle")
    header = {
        "record_id": record.record_id, "kind": record.kind, "report_id": record.report_id,
        "case_id": record.case_id, "author_key_id": record.author_key_id, "day": record.day,
        "recipients": list(record.recipients), "supersedes": record.supersedes,
    }
    try:
        verify("reviewer-record", signed_payload(header, record.ciphertext), record.signature,
               VerifyKey(author.ed25519_pk))
    except VaultError:
        raise RecordInvalid("record signature does not verify") from None
    try:
        outer = json.loads(record.ciphertext)
        stanza = b64decode(outer["stanzas"][keys.key_id])
        record_key = SealedBox(keys.private_key()).decrypt(stanza)
        plain = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            b64decode(outer["body"]), _aad(header), b64decode(outer["nonce"]), record_key)
        content = json.loads(plain)
    except (ValueError, KeyError, TypeError, CryptoError, VaultError):
        raise RecordInvalid("record does not open with this key") from None
    if outer.get("v") != RECORD_FORMAT or not isinstance(content, dict):
        raise RecordInvalid("unknown record format")
    return OpenedRecord(record, content)
