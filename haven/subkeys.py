"""Renewing a purpose subkey with the offline organisation root (S3, docs/key-ceremony.md §7).

Three steps, so that neither private key crosses the air gap:

1. on the server, ``make_request`` makes the new subkey next to the old one
   (``keys/<purpose>.key.pending``, 0600) and returns the request to carry to the offline
   machine: the organisation, the purpose, the new public key and the root fingerprint the
   server pins;
2. on the offline machine, ``certify_request`` signs it with the root key, after checking
   the root is the one the request names;
3. on the server, ``install_certificate`` checks the certificate against the pinned root,
   that it certifies the pending key, replaces the pending key for the old one and the
   purpose's certificate in ``public/organisation.json``.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from haven.config import HavenConfig
from haven.errors import BundlePublishError
from vault.canonical import b64decode, b64encode
from vault.errors import BadEncoding, VaultError
from vault.kdf import KEY_BYTES
from vault.keys import (
    SUBKEY_PURPOSES,
    SubkeyCertificate,
    add_days,
    certify_public_subkey,
    fingerprint,
    fingerprints_equal,
    load_signing_key,
    save_signing_key,
    verify_certificate,
)

REQUEST_TYPE = "haven-subkey-request/1"
PENDING_SUFFIX = ".pending"
MAX_SUBKEY_DAYS = 2 * 366  # a longer certificate outlives the yearly ceremony it replaces


class SubkeyError(BundlePublishError):
    """A subkey request, certificate or installation was refused; nothing changed."""


@dataclass(frozen=True)
class SubkeyRequest:
    org_id: str
    purpose: str
    public_key: bytes
    root_fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": REQUEST_TYPE, "org_id": self.org_id, "purpose": self.purpose,
                "public_key": b64encode(self.public_key),
                "root_fingerprint": self.root_fingerprint}


def _organisation(config: HavenConfig) -> dict[str, Any]:
    try:
        doc = json.loads(config.organisation_path.read_text("utf-8"))
        b64decode(doc["root_public_key"])
        if not isinstance(doc.get("org_id"), str):
            raise ValueError("no org_id")
    except (OSError, ValueError, KeyError, TypeError, BadEncoding) as exc:
        raise SubkeyError(f"{config.organisation_path} is not usable: {exc}") from None
    return doc


def pending_path(config: HavenConfig, purpose: str) -> Path:
    return config.keys_dir / f"{purpose}.key{PENDING_SUFFIX}"


def make_request(config: HavenConfig, purpose: str) -> SubkeyRequest:
    """A new ``purpose`` subkey kept as ``keys/<purpose>.key.pending``, and its request."""
    if purpose not in SUBKEY_PURPOSES:
        raise SubkeyError(f"unknown subkey purpose {purpose!r}")
    organisation = _organisation(config)
    pending = pending_path(config, purpose)
    if pending.exists():
        raise SubkeyError(f"{pending} exists: install its certificate or delete it first")
    key = SigningKey.generate()
    save_signing_key(pending, key, purpose=purpose)
    root = b64decode(organisation["root_public_key"])
    return SubkeyRequest(organisation["org_id"], purpose, bytes(key.verify_key),
                         fingerprint(root))


def parse_request(doc: Any) -> SubkeyRequest:
    try:
        if doc["type"] != REQUEST_TYPE or doc["purpose"] not in SUBKEY_PURPOSES:
            raise ValueError("not a subkey request")
        public_key = b64decode(doc["public_key"])
        if len(public_key) != KEY_BYTES:
            raise ValueError("the public key is not 32 bytes")
        if not isinstance(doc["org_id"], str) or not isinstance(doc["root_fingerprint"], str):
            raise ValueError("org_id and root_fingerprint are strings")
    except (KeyError, TypeError, ValueError, BadEncoding) as exc:
        raise SubkeyError(f"malformed subkey request: {exc}") from None
    return SubkeyRequest(doc["org_id"], doc["purpose"], public_key, doc["root_fingerprint"])


def certify_request(root_key_path: Path, request: SubkeyRequest, *, today: str,
                    not_after: str) -> SubkeyCertificate:
    """Sign the request with the root key: offline, after both people checked it."""
    try:
        root = load_signing_key(root_key_path, purpose="root")
    except VaultError as exc:
        raise SubkeyError(f"no usable root key: {exc}") from None
    if not fingerprints_equal(fingerprint(root.verify_key), request.root_fingerprint):
        raise SubkeyError(
            f"this root key has fingerprint {fingerprint(root.verify_key)}, the request is "
            f"for {request.root_fingerprint}: wrong root key, or a request not from this "
            "organisation's server")
    if not today < not_after <= add_days(today, MAX_SUBKEY_DAYS):
        raise SubkeyError(f"--not-after must be after {today} and at most "
                          f"{MAX_SUBKEY_DAYS} days later")
    return certify_public_subkey(root, request.purpose, request.public_key, not_after,
                                 request.org_id, issued_at=today)


def install_certificate(config: HavenConfig, cert_doc: Any, *, today: str) -> SubkeyCertificate:
    """Put a certified pending subkey in service; see the module docstring."""
    organisation = _organisation(config)
    root = b64decode(organisation["root_public_key"])
    purpose = cert_doc.get("certificate", {}).get("purpose") if isinstance(cert_doc, dict) \
        else None
    if purpose not in SUBKEY_PURPOSES:
        raise SubkeyError("not a subkey certificate")
    try:
        cert = verify_certificate(cert_doc, root, purpose, today=today,
                                  org_id=organisation["org_id"])
        pending = load_signing_key(pending_path(config, purpose), purpose=purpose)
    except VaultError as exc:
        raise SubkeyError(f"certificate not installed: {exc}") from None
    if bytes(pending.verify_key) != cert.public_key:
        raise SubkeyError(
            f"the certificate is for another key than {pending_path(config, purpose)}")
    others = [c for c in organisation.get("certificates", [])
              if c.get("certificate", {}).get("purpose") != purpose]
    updated = {**organisation, "certificates": [*others, cert.to_dict()]}
    os.replace(pending_path(config, purpose), config.keys_dir / f"{purpose}.key")
    _write_public_json(config.organisation_path, updated)
    return cert


def _write_public_json(path: Path, doc: dict[str, Any]) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".organisation-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(doc, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # noqa: S103 - organisation.json is public by design
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
