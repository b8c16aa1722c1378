"""TOTP secrets encrypted at rest under an instance key file (``keys/totp-wrap.key``).

A database dump alone (a backup, a replica, an SQL injection) then yields no second factor.
Stored form: ``"htw1." + b64(nonce(24) ‖ XChaCha20-Poly1305(key, nonce, secret,
aad = "haven-totp/1\\n" ‖ account_id))`` — bound to the account, so a sealed secret copied
to another row does not open. The key file holds 32 random bytes as hex (like the other
instance secrets), is made on first use (mode 0600, never overwritten) or by ``haven init``.

- ``load_or_create_key(path) -> bytes``
- ``seal_secret(key, account_id, secret) -> str`` / ``open_secret(key, account_id, stored)``
- ``is_sealed(stored) -> bool``
- ``seal_plaintext_secrets(session, key) -> int`` — the data step of the migration: seals
  every secret still stored in plaintext (written before this existed, or by a tool without
  the key); idempotent. The vault API runs it at start-up and after every enrolment.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import nacl.bindings as sodium
import sqlalchemy as sa
from nacl.exceptions import CryptoError
from sqlalchemy.orm import Session

from vault.canonical import b64decode, b64encode
from vault.errors import BadEncoding, TotpSecretUnreadable
from vault.reviewer_models import Account

KEY_FILE = "totp-wrap.key"
PREFIX = "htw1."
KEY_BYTES = 32
NONCE_BYTES = 24
AAD_PREFIX = b"haven-totp/1\n"


def load_or_create_key(path: Path) -> bytes:
    """The 32-byte key from ``path`` (hex); made atomically when the file does not exist."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # made by a concurrent start: read theirs
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(KEY_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
    try:
        key = bytes.fromhex(path.read_text("ascii").strip())
    except (OSError, ValueError) as exc:
        raise TotpSecretUnreadable(f"{path.name} is unreadable: {type(exc).__name__}") from None
    if len(key) != KEY_BYTES:
        raise TotpSecretUnreadable(f"{path.name} must hold {KEY_BYTES} bytes as hex")
    return key


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and str(stored).startswith(PREFIX)


def seal_secret(key: bytes, account_id: str, secret: str) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        secret.encode("ascii"), AAD_PREFIX + account_id.encode("ascii"), nonce, key)
    return PREFIX + b64encode(nonce + sealed)


def open_secret(key: bytes, account_id: str, stored: str) -> str:
    if not is_sealed(stored):
        raise TotpSecretUnreadable("the TOTP secret is not sealed")
    try:
        raw = b64decode(stored[len(PREFIX):])
        plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            raw[NONCE_BYTES:], AAD_PREFIX + account_id.encode("ascii"), raw[:NONCE_BYTES], key)
        return plain.decode("ascii")
    except (BadEncoding, CryptoError, ValueError, UnicodeDecodeError):
        raise TotpSecretUnreadable("the TOTP secret does not open under this instance's "
                                   "totp-wrap key") from None


def plaintext_secret(key: bytes, account_id: str, stored: str) -> str:
    """The secret for verification: opened when sealed, as-is when still plaintext."""
    return open_secret(key, account_id, stored) if is_sealed(stored) else stored


def seal_plaintext_secrets(session: Session, key: bytes) -> int:
    """Seal every TOTP secret still stored in plaintext; returns how many were sealed."""
    sealed = 0
    for row in session.scalars(sa.select(Account).where(Account.totp_secret.is_not(None))):
        if row.totp_secret and not is_sealed(row.totp_secret):
            row.totp_secret = seal_secret(key, row.id, row.totp_secret)
            sealed += 1
    session.flush()
    return sealed
