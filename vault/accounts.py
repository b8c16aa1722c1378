"""Reviewer account secrets: passwords, TOTP, recovery codes, lockout, tokens, wrapped keys.

Plain Python (no Flask, no database): the vault API and the CLI call these functions, and
the reviewer app imports the key-wrapping pair to unlock a reviewer's key in its own memory.

- Passwords are hashed with argon2id (argon2-cffi) under a ``PasswordPolicy`` taken from
  ``[vault_api]`` in haven.toml; a login rehashes when the policy changed.
- TOTP (RFC 6238, pyotp) accepts the previous, current and next 30-second step, and never the
  same step twice for one account: the caller stores the returned step and passes it back.
- Recovery codes carry 80 bits each and are stored as keyed BLAKE2b hashes; each works once.
- Lockout doubles the wait after every failure beyond the threshold, up to a ceiling.
- Bearer tokens are random; only their SHA-256 is stored.
- A reviewer's secret keys are wrapped by a key derived with argon2id from a passphrase that is
  not the login password; the vault only ever sees the wrapped bytes (see vault/api/API.md §4).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Mapping

import argon2
import nacl.bindings
import nacl.exceptions
import nacl.pwhash
import pyotp
import segno

from vault.errors import BadKdfParams, BadPassphrase, InvalidCredentials, WeakPassword

ROLES = ("verifier", "coordinator", "admin")
REVIEWER_ROLES = frozenset({"verifier", "coordinator"})
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
TOTP_STEP_SECONDS = 30
TOTP_DIGITS = 6
TOTP_ISSUER = "Haven"
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_BYTES = 10  # 80 bits, 16 base32 characters
TOKEN_PREFIX = "hvt_"  # noqa: S105 - a marker, not a secret
TOKEN_BYTES = 32

KDF_ALG = "argon2id13"
KDF_SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES
KDF_MIN_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
KDF_MIN_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE
KDF_MAX_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_SENSITIVE
KDF_MAX_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_SENSITIVE
SECRET_KEY_BYTES = 32
WRAP_NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
WRAPPED_LENGTH = WRAP_NONCE_BYTES + 2 * SECRET_KEY_BYTES + 16
_WRAP_LABEL = b"haven-wrapped-key/1\n"
_RECOVERY_LABEL = b"haven-recovery-code/1"


# --- passwords ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordPolicy:
    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 1

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> PasswordPolicy:
        return cls(
            time_cost=int(section.get("argon2_time_cost", cls.time_cost)),
            memory_kib=int(section.get("argon2_memory_kib", cls.memory_kib)),
            parallelism=int(section.get("argon2_parallelism", cls.parallelism)),
        )

    def hasher(self) -> argon2.PasswordHasher:
        return argon2.PasswordHasher(
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            type=argon2.Type.ID,
        )


def check_password_strength(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str, policy: PasswordPolicy) -> str:
    check_password_strength(password)
    return policy.hasher().hash(password)


def verify_password(stored_hash: str, password: str, policy: PasswordPolicy) -> bool:
    """True when ``password`` matches; never raises for a wrong or over-long password."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return policy.hasher().verify(stored_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str, policy: PasswordPolicy) -> bool:
    return policy.hasher().check_needs_rehash(stored_hash)


# A fixed hash to verify against when the username is unknown, so an unknown user costs the
# same argon2id work as a known one.
def dummy_password_hash(policy: PasswordPolicy) -> str:
    return _dummy_hashes.setdefault(policy, policy.hasher().hash(secrets.token_urlsafe(16)))


_dummy_hashes: dict[PasswordPolicy, str] = {}


# --- TOTP --------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32(length=32)


def totp_provisioning_uri(secret: str, username: str, issuer: str = TOTP_ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def totp_qr_svg(uri: str) -> str:
    """The enrolment QR code as an SVG document (segno; no remote content, no script)."""
    return segno.make(uri, error="m").svg_inline(scale=4)


def totp_step(now: float) -> int:
    return int(now // TOTP_STEP_SECONDS)


def verify_totp(secret: str, code: str, *, now: float, last_used_step: int | None) -> int:
    """Return the time step ``code`` belongs to; raise InvalidCredentials otherwise.

    Accepts one step of clock drift either way, and only steps after ``last_used_step`` —
    so a code seen once (shoulder-surfed, phished, replayed) never works again.
    """
    code = (code or "").strip().replace(" ", "")
    if len(code) != TOTP_DIGITS or not code.isdigit():
        raise InvalidCredentials("a TOTP code is 6 digits")
    totp = pyotp.TOTP(secret)
    current = totp_step(now)
    for step in (current - 1, current, current + 1):
        expected = totp.at(step * TOTP_STEP_SECONDS)
        if hmac.compare_digest(expected, code):
            if last_used_step is not None and step <= last_used_step:
                raise InvalidCredentials("this TOTP code was already used")
            return step
    raise InvalidCredentials("wrong TOTP code")


# --- recovery codes ----------------------------------------------------------------------


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    codes = []
    for _ in range(count):
        raw = base64.b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode("ascii")
        codes.append("-".join(raw[i : i + 4] for i in range(0, len(raw), 4)).lower())
    return codes


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())
    # Common misreadings of base32 on paper.
    return cleaned.translate(str.maketrans("018", "OIB"))


def hash_recovery_code(code: str, account_id: str) -> str:
    """Keyed by the account, so equal codes of two accounts never share a hash."""
    normalised = normalise_recovery_code(code)
    digest = hashlib.blake2b(
        normalised.encode("ascii"),
        key=hashlib.blake2b(_RECOVERY_LABEL + account_id.encode()).digest()[:32],
        digest_size=32,
    )
    return digest.hexdigest()


# --- lockout -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LockoutPolicy:
    threshold: int = 5
    base_seconds: int = 60
    max_seconds: int = 3600

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> LockoutPolicy:
        return cls(
            threshold=int(section.get("lockout_threshold", cls.threshold)),
            base_seconds=int(section.get("lockout_base_seconds", cls.base_seconds)),
            max_seconds=int(section.get("lockout_max_seconds", cls.max_seconds)),
        )

    def lock_seconds(self, failures: int) -> int:
        """How long to lock after ``failures`` consecutive failures (0 below the threshold)."""
        if failures < self.threshold:
            return 0
        doublings = min(failures - self.threshold, 32)
        return min(self.base_seconds * (2**doublings), self.max_seconds)


# --- bearer tokens -----------------------------------------------------------------------


def new_token() -> tuple[str, str]:
    """A fresh bearer token and the hash to store."""
    token = TOKEN_PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(TOKEN_BYTES)).rstrip(
        b"="
    ).decode("ascii")
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# --- wrapped reviewer keys ---------------------------------------------------------------


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    opslimit: int = KDF_MIN_OPSLIMIT
    memlimit: int = KDF_MIN_MEMLIMIT

    def __post_init__(self) -> None:
        check_kdf_params(self.salt, self.opslimit, self.memlimit)


def check_kdf_params(salt: bytes, opslimit: int, memlimit: int) -> None:
    if not isinstance(salt, bytes) or len(salt) != KDF_SALT_BYTES:
        raise BadKdfParams(f"the KDF salt must be {KDF_SALT_BYTES} bytes")
    if not isinstance(opslimit, int) or not KDF_MIN_OPSLIMIT <= opslimit <= KDF_MAX_OPSLIMIT:
        raise BadKdfParams(f"opslimit must be {KDF_MIN_OPSLIMIT}..{KDF_MAX_OPSLIMIT}")
    if not isinstance(memlimit, int) or not KDF_MIN_MEMLIMIT <= memlimit <= KDF_MAX_MEMLIMIT:
        raise BadKdfParams(f"memlimit must be {KDF_MIN_MEMLIMIT}..{KDF_MAX_MEMLIMIT} bytes")


@dataclass(frozen=True)
class SecretKeys:
    x25519_sk: bytes
    ed25519_seed: bytes


def _wrapping_key(passphrase: str, kdf: KdfParams) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        SECRET_KEY_BYTES,
        passphrase.encode("utf-8"),
        kdf.salt,
        opslimit=kdf.opslimit,
        memlimit=kdf.memlimit,
    )


def wrap_secret_keys(
    passphrase: str, key_id: str, keys: SecretKeys, kdf: KdfParams | None = None
) -> tuple[bytes, KdfParams]:
    """Encrypt a reviewer's X25519 secret key and Ed25519 seed under the passphrase."""
    if len(keys.x25519_sk) != SECRET_KEY_BYTES or len(keys.ed25519_seed) != SECRET_KEY_BYTES:
        raise ValueError("secret keys are 32 bytes each")
    kdf = kdf or KdfParams(salt=secrets.token_bytes(KDF_SALT_BYTES))
    nonce = secrets.token_bytes(WRAP_NONCE_BYTES)
    sealed = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        keys.x25519_sk + keys.ed25519_seed,
        _WRAP_LABEL + key_id.encode("utf-8"),
        nonce,
        _wrapping_key(passphrase, kdf),
    )
    return nonce + sealed, kdf


def unwrap_secret_keys(passphrase: str, key_id: str, wrapped: bytes, kdf: KdfParams) -> SecretKeys:
    """Inverse of wrap_secret_keys; BadPassphrase when the passphrase (or key id) is wrong."""
    if len(wrapped) != WRAPPED_LENGTH:
        raise BadPassphrase("the wrapped key has the wrong length")
    nonce, sealed = wrapped[:WRAP_NONCE_BYTES], wrapped[WRAP_NONCE_BYTES:]
    try:
        plain = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed, _WRAP_LABEL + key_id.encode("utf-8"), nonce, _wrapping_key(passphrase, kdf)
        )
    except nacl.exceptions.CryptoError:
        raise BadPassphrase("wrong passphrase") from None
    return SecretKeys(x25519_sk=plain[:SECRET_KEY_BYTES], ed25519_seed=plain[SECRET_KEY_BYTES:])
