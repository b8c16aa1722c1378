"""The case base's own signing key and the signed tombstone feed (S20)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey, VerifyKey

from vault.canonical import b64decode, b64encode, sign, verify


def load_or_create_feed_key(path: Path) -> SigningKey:
    """The feed key (32-byte seed, hex, file mode 0600); made on first use."""
    if path.exists():
        return SigningKey(bytes.fromhex(path.read_text("ascii").strip()))
    key = SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(bytes(key).hex())
    return key


def signed_feed(payload: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    """``payload`` plus ``pk`` and ``signature`` (purpose ``release``, over the payload)."""
    return {**payload, "pk": b64encode(bytes(key.verify_key)),
            "signature": b64encode(sign("release", payload, key))}


def verify_feed(document: dict[str, Any], pinned_pk: str) -> dict[str, Any]:
    """What a partner runs: check the feed against the case base key it pinned."""
    payload = {k: v for k, v in document.items() if k not in ("pk", "signature")}
    verify("release", payload, b64decode(document["signature"]), VerifyKey(b64decode(pinned_pk)))
    return payload
