"""The signed reviewer key bundle (vault/SPEC.md §2.3, S3, S14).

Public API:
- ``build_bundle(*, serial, issued_at, expires_at, org_id, keys, triage, revoked=(),
  bundle_sk, certificate) -> dict`` — the published document
  ``{"bundle", "signature", "certificate", "root_public_key"}``.
- ``verify_bundle(doc, pinned_fingerprint, *, today, min_serial, check_freshness=True)
  -> VerifiedBundle``.
- ``bundle_sha256(payload: dict) -> bytes``.
- frozen ``VerifiedBundle`` / ``BundleKey``; ``VerifiedBundle.key(key_id)``,
  ``.triage_keys``, ``.signer(key_id)`` (an Ed25519 VerifyKey of a non-revoked key).
- ``reissue_bundle(previous_doc, *, bundle_sk, certificate, issued_at, add_keys=(),
  retire=(), triage=None, validity_days=30) -> dict`` — the next serial.
- frozen ``BundleContents``; ``next_contents(previous_doc, *, add_keys=(), retire=(),
  triage=None, serial=None)`` and ``sign_contents(contents, *, bundle_sk, certificate,
  root_public_key, issued_at, validity_days=30) -> dict`` — ``reissue_bundle`` in two steps.
- ``days_left(expires_at, today) -> int`` — 0 on the last valid day, negative once expired.
- ``write_bundle_file(path, text)`` — replace the served file atomically (mode 0644).
  (How long the served bundle stays valid, for health checks: vault/bundle_status.py.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey, VerifyKey

from vault.canonical import b64decode, b64encode, canonical_json, sign, verify
from vault.errors import (
    BadEncoding,
    BadSignature,
    BundleExpired,
    BundleMalformed,
    BundleNotYetValid,
    BundleRolledBack,
    BundleSignatureBad,
    FingerprintMismatch,
    UnknownSigner,
)
from vault.kdf import KEY_BYTES, SIGNATURE_BYTES
from vault.keys import (
    DAY_LENGTH,
    SubkeyCertificate,
    fingerprint,
    fingerprints_equal,
    key_id,
    verify_certificate,
)

BUNDLE_VERSION = "haven-bundle/1"
MAX_VALIDITY_DAYS = 30
EXPIRY_WARNING_DAYS = 7  # admins are warned this many days before the bundle expires
ROLES = frozenset({"reviewer", "coordinator"})
_PAYLOAD_FIELDS = {
    "version", "serial", "issued_at", "expires_at", "org_id", "keys", "revoked", "triage"
}
_KEY_FIELDS = {"id", "x25519_pk", "ed25519_pk", "role", "not_after"}


@dataclass(frozen=True)
class BundleKey:
    id: str
    x25519_pk: bytes
    ed25519_pk: bytes
    role: str
    not_after: str

    @property
    def id_bytes(self) -> bytes:
        return bytes.fromhex(self.id)


@dataclass(frozen=True)
class VerifiedBundle:
    serial: int
    issued_at: str
    expires_at: str
    org_id: str
    keys: tuple[BundleKey, ...]
    revoked: tuple[str, ...]
    triage: tuple[str, ...]
    sha256: bytes
    root_public_key: bytes
    payload: Mapping[str, Any]

    def key(self, key_id_hex: str) -> BundleKey | None:
        return next((k for k in self.keys if k.id == key_id_hex), None)

    @property
    def triage_keys(self) -> tuple[BundleKey, ...]:
        return tuple(k for k in self.keys if k.id in self.triage)

    def signer(self, key_id_hex: str) -> VerifyKey:
        """The Ed25519 key of a bundle key that may sign (present, not revoked)."""
        found = self.key(key_id_hex)
        if found is None or key_id_hex in self.revoked:
            raise UnknownSigner("the signer is not a current key of the bundle")
        return VerifyKey(found.ed25519_pk)


def bundle_sha256(payload: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(canonical_json(payload)).digest()


def build_bundle(
    *,
    serial: int,
    issued_at: str,
    expires_at: str,
    org_id: str,
    keys: Iterable[Mapping[str, Any]],
    triage: Iterable[str],
    revoked: Iterable[str] = (),
    bundle_sk: SigningKey,
    certificate: SubkeyCertificate,
    root_public_key: bytes,
) -> dict[str, Any]:
    """Sign a bundle with the certified bundle subkey; keys are ``public_entry`` dicts."""
    payload = {
        "version": BUNDLE_VERSION,
        "serial": serial,
        "issued_at": issued_at,
        "expires_at": expires_at,
        "org_id": org_id,
        "keys": sorted((dict(k) for k in keys), key=lambda k: k["id"]),
        "revoked": sorted(revoked),
        "triage": sorted(triage),
    }
    if bytes(bundle_sk.verify_key) != certificate.public_key:
        raise ValueError("the bundle key does not match its certificate")
    return {
        "bundle": payload,
        "signature": b64encode(sign("bundle", payload, bundle_sk)),
        "certificate": certificate.to_dict(),
        "root_public_key": b64encode(root_public_key),
    }


def verify_bundle(
    doc: Any,
    pinned_fingerprint: str,
    *,
    today: str,
    min_serial: int,
    check_freshness: bool = True,
) -> VerifiedBundle:
    """Check root → subkey certificate → bundle signature, expiry, serial floor (§2.3)."""
    payload, signature, root, keys = _parse(doc)
    if not fingerprints_equal(fingerprint(root), pinned_fingerprint):
        raise FingerprintMismatch(
            f"the bundle's root key has fingerprint {fingerprint(root)}, not the pinned one"
        )
    moment = today if check_freshness else payload["issued_at"]
    cert = verify_certificate(
        doc["certificate"], root, "bundle", today=moment, org_id=payload["org_id"]
    )
    try:
        verify("bundle", payload, signature, cert.verify_key)
    except BadSignature:
        raise BundleSignatureBad("the bundle signature does not verify") from None
    _check_dates(payload, today, check_freshness)
    if check_freshness and payload["serial"] < min_serial:
        raise BundleRolledBack(f"bundle serial {payload['serial']} is below {min_serial}")
    _check_keys(payload, keys, moment)
    return VerifiedBundle(
        serial=payload["serial"],
        issued_at=payload["issued_at"],
        expires_at=payload["expires_at"],
        org_id=payload["org_id"],
        keys=keys,
        revoked=tuple(payload["revoked"]),
        triage=tuple(payload["triage"]),
        sha256=bundle_sha256(payload),
        root_public_key=root,
        payload=payload,
    )


def _parse(doc: Any) -> tuple[dict[str, Any], bytes, bytes, tuple[BundleKey, ...]]:
    try:
        payload = doc["bundle"]
        signature = b64decode(doc["signature"])
        root = b64decode(doc["root_public_key"])
        if set(payload) != _PAYLOAD_FIELDS or payload["version"] != BUNDLE_VERSION:
            raise ValueError("unexpected bundle fields or version")
        if len(signature) != SIGNATURE_BYTES or len(root) != KEY_BYTES:
            raise ValueError("bad signature or root key length")
        if type(payload["serial"]) is not int or payload["serial"] < 1:
            raise ValueError("serial is a positive integer")
        if not isinstance(payload["org_id"], str) or "certificate" not in doc:
            raise ValueError("org_id and certificate are required")
        for day in (payload["issued_at"], payload["expires_at"]):
            _day(day)
        for name in ("revoked", "triage"):
            if not isinstance(payload[name], list) or not all(
                isinstance(i, str) for i in payload[name]
            ):
                raise ValueError(f"{name} is a list of key ids")
        keys = tuple(_parse_key(k) for k in payload["keys"])
        if len({k.id for k in keys}) != len(keys):
            raise ValueError("duplicate key id")
    except (KeyError, TypeError, ValueError, BadEncoding) as exc:
        raise BundleMalformed(f"malformed bundle: {exc}") from None
    return payload, signature, root, keys


def _parse_key(entry: Any) -> BundleKey:
    if not isinstance(entry, dict) or set(entry) != _KEY_FIELDS:
        raise ValueError("unexpected key entry fields")
    key = BundleKey(
        entry["id"], b64decode(entry["x25519_pk"]), b64decode(entry["ed25519_pk"]),
        entry["role"], entry["not_after"],
    )
    if len(key.x25519_pk) != KEY_BYTES or len(key.ed25519_pk) != KEY_BYTES:
        raise ValueError("public keys are 32 bytes")
    if key.role not in ROLES:
        raise ValueError(f"unknown role {key.role!r}")
    _day(key.not_after)
    return key


def _check_dates(payload: Mapping[str, Any], today: str, check_freshness: bool) -> None:
    issued, expires = _day(payload["issued_at"]), _day(payload["expires_at"])
    if not issued <= expires <= issued + dt.timedelta(days=MAX_VALIDITY_DAYS):
        raise BundleMalformed(f"a bundle is valid for at most {MAX_VALIDITY_DAYS} days")
    if not check_freshness:
        return
    if issued > _day(today) + dt.timedelta(days=1):
        raise BundleNotYetValid(f"the bundle is issued on {payload['issued_at']}, after today")
    if _day(today) > expires:
        raise BundleExpired(f"the bundle expired on {payload['expires_at']}")


def _check_keys(payload: Mapping[str, Any], keys: tuple[BundleKey, ...], today: str) -> None:
    for key in keys:
        if key.id != key_id(key.x25519_pk, key.ed25519_pk):
            raise BundleMalformed(f"key id {key.id} does not name its keys")
    by_id = {k.id: k for k in keys}
    triage = payload["triage"]
    if not triage or len(set(triage)) != len(triage):
        raise BundleMalformed("the triage set is empty or repeats a key")
    for triage_id in triage:
        member = by_id.get(triage_id)
        if member is None or triage_id in payload["revoked"]:
            raise BundleMalformed(f"triage key {triage_id} is missing or revoked")
        if today > member.not_after:
            raise BundleMalformed(f"triage key {triage_id} expired on {member.not_after}")


def _day(value: Any) -> dt.date:
    if not isinstance(value, str) or len(value) != DAY_LENGTH:
        raise ValueError(f"not a day: {value!r}")
    return dt.date.fromisoformat(value)


@dataclass(frozen=True)
class BundleContents:
    """What a bundle lists, before dates and signature."""

    serial: int
    org_id: str
    keys: tuple[Mapping[str, Any], ...]
    triage: tuple[str, ...]
    revoked: tuple[str, ...] = ()


def next_contents(
    previous: Mapping[str, Any],
    *,
    add_keys: Iterable[Mapping[str, Any]] = (),
    retire: Iterable[str] = (),
    triage: Iterable[str] | None = None,
    serial: int | None = None,
) -> BundleContents:
    """The contents after ``previous``: keys added or retired (retired ids are revoked).

    ``serial`` defaults to the previous serial + 1; a publisher that also knows a higher
    recorded serial passes the one above it.
    """
    payload = previous["bundle"]
    retired = set(retire)
    keys = {k["id"]: dict(k) for k in payload["keys"] if k["id"] not in retired}
    for entry in add_keys:
        try:
            parsed = _parse_key(entry)
        except (KeyError, TypeError, ValueError, BadEncoding) as exc:
            raise BundleMalformed(f"bad key entry: {exc}") from None
        if parsed.id != key_id(parsed.x25519_pk, parsed.ed25519_pk):
            raise BundleMalformed(f"key id {parsed.id} does not name its keys")
        if entry["id"] in payload["revoked"] or entry["id"] in retired:
            raise BundleMalformed(f"key {entry['id']} was revoked and cannot come back")
        keys[entry["id"]] = dict(entry)
    chosen = [t for t in (payload["triage"] if triage is None else triage) if t not in retired]
    return BundleContents(
        serial=payload["serial"] + 1 if serial is None else serial,
        org_id=payload["org_id"],
        keys=tuple(keys.values()),
        triage=tuple(chosen),
        revoked=tuple(sorted(set(payload["revoked"]) | retired)),
    )


def sign_contents(
    contents: BundleContents,
    *,
    bundle_sk: SigningKey,
    certificate: SubkeyCertificate,
    root_public_key: bytes,
    issued_at: str,
    validity_days: int = MAX_VALIDITY_DAYS,
) -> dict[str, Any]:
    """Date and sign ``contents``: valid from ``issued_at`` for ``validity_days``."""
    if not 0 <= validity_days <= MAX_VALIDITY_DAYS:
        raise ValueError(f"a bundle is valid for 0 to {MAX_VALIDITY_DAYS} days")
    expires = (dt.date.fromisoformat(issued_at) + dt.timedelta(days=validity_days)).isoformat()
    return build_bundle(
        serial=contents.serial,
        issued_at=issued_at,
        expires_at=expires,
        org_id=contents.org_id,
        keys=contents.keys,
        triage=contents.triage,
        revoked=contents.revoked,
        bundle_sk=bundle_sk,
        certificate=certificate,
        root_public_key=root_public_key,
    )


def reissue_bundle(
    previous: Mapping[str, Any],
    *,
    bundle_sk: SigningKey,
    certificate: SubkeyCertificate,
    issued_at: str,
    add_keys: Iterable[Mapping[str, Any]] = (),
    retire: Iterable[str] = (),
    triage: Iterable[str] | None = None,
    validity_days: int = MAX_VALIDITY_DAYS,
) -> dict[str, Any]:
    """The next bundle (serial + 1): keys added or retired (retired ids are revoked)."""
    contents = next_contents(previous, add_keys=add_keys, retire=retire, triage=triage)
    return sign_contents(
        contents, bundle_sk=bundle_sk, certificate=certificate,
        root_public_key=b64decode(previous["root_public_key"]), issued_at=issued_at,
        validity_days=validity_days,
    )


def days_left(expires_at: str, today: str) -> int:
    """Whole days from ``today`` to the last valid day: 0 on it, negative once expired."""
    return (_day(expires_at) - _day(today)).days


def write_bundle_file(path: Path, text: str) -> None:
    """Replace the served bundle at once: a reader (the intake follows this file) sees the
    old document or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".bundle-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # noqa: S103 - the bundle is public by design
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise

