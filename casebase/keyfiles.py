"""Reading Ed25519 signing keys from files, and writing the case base's own ones."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from nacl.signing import SigningKey

from casebase.errors import CasebaseError
from vault.canonical import b64decode, b64encode
from vault.errors import BadEncoding

SEED_BYTES = 32
_JSON_FIELDS = ("seed", "secret_key", "private_key", "signing_key", "sk")


class KeyFileError(CasebaseError):
    code = "key_file_error"


def read_signing_key(path: Path) -> SigningKey:
    """A 32-byte Ed25519 seed as hex, base64url, or a JSON key file with one of the fields
    ``seed``/``secret_key``/``private_key``/``signing_key``/``sk`` holding it."""
    try:
        text = path.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc}") from None
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise KeyFileError(f"{path} is not valid JSON") from None
        field = next((f for f in _JSON_FIELDS if isinstance(data.get(f), str)), None)
        if field is None:
            raise KeyFileError(f"{path} has no {'/'.join(_JSON_FIELDS)} field")
        text = data[field]
    return SigningKey(_seed(text, path))


def _seed(text: str, path: Path) -> bytes:
    candidates = []
    with contextlib.suppress(ValueError):
        candidates.append(bytes.fromhex(text))
    with contextlib.suppress(BadEncoding):
        candidates.append(b64decode(text))
    for raw in candidates:
        if len(raw) == SEED_BYTES:
            return raw
        if len(raw) == 2 * SEED_BYTES:  # libsodium secret key = seed ‖ public key
            return raw[:SEED_BYTES]
    raise KeyFileError(f"{path} does not hold a 32-byte Ed25519 seed")


def write_signing_key(path: Path, key: SigningKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(bytes(key).hex() + "\n")


def public_key_text(key: SigningKey) -> str:
    return b64encode(bytes(key.verify_key))
