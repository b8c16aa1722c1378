"""Organisation root, purpose subkeys, reviewer key pairs, fingerprints, key files (S3).

Public API (vault/SPEC.md §2):
- ``generate_root() -> SigningKey`` — the offline organisation root (Ed25519).
- ``fingerprint(root_vk: VerifyKey | bytes) -> str`` — ``xxxx-xxxx-…`` (8 groups of 4 hex).
- ``fingerprints_equal(a: str, b: str) -> bool`` — ignores case and separators.
- ``certify_subkey(root_sk, purpose, not_after, org_id, *, subkey=None, issued_at=None)
  -> tuple[SigningKey | None, SubkeyCertificate]`` — makes (or takes) a subkey and certifies it.
- ``certify_public_subkey(root_sk, purpose, subkey_vk, not_after, org_id, *, issued_at=None)
  -> SubkeyCertificate`` — offline ceremony: certify a public key brought on paper/USB.
- ``verify_certificate(doc, root_vk, purpose, *, today) -> SubkeyCertificate``.
- ``ReviewerKeyPair.generate()``, ``.key_id``, ``.public_entry(role, not_after)``.
- ``key_id(x25519_pk, ed25519_pk) -> str`` (hex).
- ``save_signing_key(path, sk, *, purpose)`` / ``load_signing_key(path, *, purpose=None)``:
  JSON files with mode 0600 (signing subkeys and the root). Reviewer private keys are never
  written unwrapped: they exist only passphrase-wrapped (vault.accounts.wrap_secret_keys).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nacl.bindings
from nacl.public import PrivateKey
from nacl.signing import SigningKey, VerifyKey

from vault.canonical import b64decode, b64encode, sign, utc_day, verify
from vault.errors import (
    BadEncoding,
    BadSignature,
    KeyFileInvalid,
    SubkeyExpired,
    SubkeyNotCertified,
)
from vault.kdf import KEY_BYTES, SIGNATURE_BYTES, blake2b

SUBKEY_PURPOSES = frozenset({"bundle", "release", "manifest", "checkpoint"})
CERT_VERSION = "haven-subkey/1"
FINGERPRINT_LABEL = b"haven-root-fingerprint/1"
KEY_ID_LABEL = b"haven-key-id/1"
DAY_LENGTH = 10
FINGERPRINT_HEX_DIGITS = 32
_HEX = re.compile(r"[^0-9a-f]")


def generate_root() -> SigningKey:
    return SigningKey.generate()


def fingerprint(root_vk: VerifyKey | bytes) -> str:
    raw = bytes(root_vk)
    digest = blake2b(FINGERPRINT_LABEL + raw, 16).hex()
    return "-".join(digest[i : i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    return _HEX.sub("", text.lower())


def fingerprints_equal(a: str, b: str) -> bool:
    left, right = normalise_fingerprint(a), normalise_fingerprint(b)
    return len(left) == FINGERPRINT_HEX_DIGITS and left == right


def key_id(x25519_pk: bytes, ed25519_pk: bytes) -> str:
    return blake2b(KEY_ID_LABEL + x25519_pk + ed25519_pk, 16).hex()


@dataclass(frozen=True)
class SubkeyCertificate:
    org_id: str
    purpose: str
    public_key: bytes
    issued_at: str
    not_after: str
    signature: bytes

    def payload(self) -> dict[str, Any]:
        return {
            "version": CERT_VERSION,
            "org_id": self.org_id,
            "purpose": self.purpose,
            "public_key": b64encode(self.public_key),
            "issued_at": self.issued_at,
            "not_after": self.not_after,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"certificate": self.payload(), "signature": b64encode(self.signature)}

    @property
    def verify_key(self) -> VerifyKey:
        return VerifyKey(self.public_key)


def certify_public_subkey(
    root_sk: SigningKey,
    purpose: str,
    subkey_vk: VerifyKey | bytes,
    not_after: str,
    org_id: str,
    *,
    issued_at: str | None = None,
) -> SubkeyCertificate:
    if purpose not in SUBKEY_PURPOSES:
        raise ValueError(f"unknown subkey purpose {purpose!r}")
    _check_day(not_after)
    unsigned = SubkeyCertificate(
        org_id, purpose, bytes(subkey_vk), issued_at or utc_day(), not_after, b""
    )
    signature = sign("subkey", unsigned.payload(), root_sk)
    return SubkeyCertificate(**{**unsigned.__dict__, "signature": signature})


def certify_subkey(
    root_sk: SigningKey,
    purpose: str,
    not_after: str,
    org_id: str,
    *,
    subkey: SigningKey | None = None,
    issued_at: str | None = None,
) -> tuple[SigningKey, SubkeyCertificate]:
    """Certify ``subkey`` (a fresh one when None) for ``purpose`` until ``not_after``."""
    subkey = subkey or SigningKey.generate()
    cert = certify_public_subkey(
        root_sk, purpose, subkey.verify_key, not_after, org_id, issued_at=issued_at
    )
    return subkey, cert


def parse_certificate(doc: Any) -> SubkeyCertificate:
    """Shape check only; raises SubkeyNotCertified on anything malformed."""
    try:
        payload, signature = doc["certificate"], b64decode(doc["signature"])
        if payload["version"] != CERT_VERSION or set(payload) != {
            "version", "org_id", "purpose", "public_key", "issued_at", "not_after"
        }:
            raise ValueError("unexpected certificate fields")
        public_key = b64decode(payload["public_key"])
        if len(public_key) != KEY_BYTES or len(signature) != SIGNATURE_BYTES:
            raise ValueError("bad key or signature length")
        for day in (payload["issued_at"], payload["not_after"]):
            _check_day(day)
        if not isinstance(payload["org_id"], str) or not isinstance(payload["purpose"], str):
            raise ValueError("org_id and purpose are strings")
    except (KeyError, TypeError, ValueError, BadEncoding) as exc:
        raise SubkeyNotCertified(f"malformed subkey certificate: {exc}") from None
    return SubkeyCertificate(
        payload["org_id"], payload["purpose"], public_key,
        payload["issued_at"], payload["not_after"], signature,
    )


def verify_certificate(
    doc: Any, root_vk: VerifyKey | bytes, purpose: str, *, today: str, org_id: str | None = None
) -> SubkeyCertificate:
    """Check the root's signature, the purpose, the organisation and ``today ≤ not_after``."""
    cert = parse_certificate(doc)
    root = root_vk if isinstance(root_vk, VerifyKey) else VerifyKey(root_vk)
    try:
        verify("subkey", cert.payload(), cert.signature, root)
    except BadSignature:
        raise SubkeyNotCertified("the subkey certificate is not signed by the root") from None
    if cert.purpose != purpose:
        raise SubkeyNotCertified(f"the subkey is certified for {cert.purpose}, not {purpose}")
    if org_id is not None and cert.org_id != org_id:
        raise SubkeyNotCertified("the subkey is certified for another organisation")
    if today > cert.not_after:
        raise SubkeyExpired(f"the {purpose} subkey expired on {cert.not_after}")
    return cert


@dataclass(frozen=True)
class ReviewerKeyPair:
    """A reviewer's X25519 (stanzas) and Ed25519 (signatures) private keys."""

    x25519_sk: bytes
    ed25519_seed: bytes

    def __repr__(self) -> str:  # private keys never reach logs or tracebacks
        return f"ReviewerKeyPair(key_id={self.key_id})"

    @classmethod
    def generate(cls) -> ReviewerKeyPair:
        return cls(bytes(PrivateKey.generate()), bytes(SigningKey.generate()))

    @classmethod
    def from_seeds(cls, box_seed: bytes, sign_seed: bytes) -> ReviewerKeyPair:
        _pk, sk = nacl.bindings.crypto_box_seed_keypair(box_seed)
        return cls(sk, sign_seed)

    @property
    def x25519_pk(self) -> bytes:
        return nacl.bindings.crypto_scalarmult_base(self.x25519_sk)

    @property
    def signing_key(self) -> SigningKey:
        return SigningKey(self.ed25519_seed)

    @property
    def ed25519_pk(self) -> bytes:
        return bytes(self.signing_key.verify_key)

    @property
    def key_id(self) -> str:
        return key_id(self.x25519_pk, self.ed25519_pk)

    def public_entry(self, role: str, not_after: str) -> dict[str, Any]:
        """The bundle's ``keys[]`` entry for this pair."""
        return {
            "id": self.key_id,
            "x25519_pk": b64encode(self.x25519_pk),
            "ed25519_pk": b64encode(self.ed25519_pk),
            "role": role,
            "not_after": not_after,
        }


def _write_private(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.chmod(path, 0o600)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyFileInvalid(f"cannot read key file {path}: {exc}") from None
    if not isinstance(doc, dict):
        raise KeyFileInvalid(f"{path} is not a key file")
    return doc


def save_signing_key(path: Path, key: SigningKey, *, purpose: str) -> None:
    _write_private(
        Path(path),
        {
            "type": "haven-signing-key/1",
            "purpose": purpose,
            "seed": b64encode(bytes(key)),
            "public_key": b64encode(bytes(key.verify_key)),
        },
    )


def load_signing_key(path: Path, *, purpose: str | None = None) -> SigningKey:
    doc = _read_json(path)
    try:
        if doc["type"] != "haven-signing-key/1":
            raise ValueError("not a signing key file")
        if purpose is not None and doc["purpose"] != purpose:
            raise ValueError(f"holds a {doc['purpose']} key, not {purpose}")
        key = SigningKey(b64decode(doc["seed"]))
        if b64encode(bytes(key.verify_key)) != doc["public_key"]:
            raise ValueError("public key does not match the seed")
    except (KeyError, TypeError, ValueError, BadEncoding) as exc:
        raise KeyFileInvalid(f"{path}: {exc}") from None
    return key


def _check_day(day: Any) -> None:
    if not isinstance(day, str) or len(day) != DAY_LENGTH:
        raise ValueError(f"not a day: {day!r}")
    dt.date.fromisoformat(day)


def add_days(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
