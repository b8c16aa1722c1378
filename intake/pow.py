"""Proof of work on submission, upload start and receipt login (S12).

A challenge is ``v1.<nonce>.<scope>.<difficulty>.<expiry>.<mac>`` with
``mac = HMAC-SHA256(key, "v1.<nonce>.<scope>.<difficulty>.<expiry>")``; the key is random and
lives only in process memory, so nothing about challenges is stored until one is spent. A
solution is a decimal ``counter`` such that

    SHA-256(challenge ‖ "\\n" ‖ binding ‖ "\\n" ‖ counter)

starts with ``difficulty`` zero bits, where ``binding`` is the lowercase hex SHA-256 of what the
work pays for (the envelope, the upload declaration, the lookup id). Verifying costs one MAC
and one hash; each nonce is accepted once (a marker in the rate-limit storage until it
expires). Difficulty rises by one bit for each doubling of submissions per minute above the
configured load, up to a cap (~30 s on a slow phone without JIT).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from intake.errors import ProofOfWorkError

SCOPES = frozenset({"submit", "upload", "receipt"})
VERSION = "v1"


@dataclass(frozen=True)
class Challenge:
    token: str
    scope: str
    difficulty: int
    expires: int

    def as_json(self) -> dict:
        return {"challenge": self.token, "scope": self.scope, "difficulty": self.difficulty,
                "expires": self.expires}


class SpentStore:
    """Single-use markers and the load counter, over flask-limiter's storage (memory or Redis)."""

    def __init__(self, storage_of: Callable[[], object]) -> None:
        self._storage_of = storage_of  # the limiter's storage exists only after init_app

    def first_use(self, nonce: str, ttl: int) -> bool:
        return self._storage_of().incr(f"haven-pow-spent:{nonce}", ttl) == 1

    def count_submission(self, minute: int) -> None:
        self._storage_of().incr(f"haven-pow-load:{minute}", 120)

    def submissions_in(self, minute: int) -> int:
        return int(self._storage_of().get(f"haven-pow-load:{minute}") or 0)


class ProofOfWork:
    def __init__(
        self,
        spent: SpentStore,
        *,
        base_difficulty: int,
        max_difficulty: int,
        load_per_minute: int,
        ttl: int,
        clock: Callable[[], float] = time.time,
        key: bytes | None = None,
    ) -> None:
        # Every intake worker and host of one instance must share the key, or a challenge
        # issued by one worker is refused by the next (see shared_pow_key).
        self._key = key or secrets.token_bytes(32)
        self._spent = spent
        self._base = base_difficulty
        self._max = max_difficulty
        self._load = max(load_per_minute, 1)
        self._ttl = ttl
        self._clock = clock

    def current_difficulty(self) -> int:
        minute = int(self._clock() // 60)
        recent = max(self._spent.submissions_in(minute), self._spent.submissions_in(minute - 1))
        extra = 0 if recent <= self._load else math.ceil(math.log2(recent / self._load))
        return min(self._base + extra, self._max)

    def issue(self, scope: str) -> Challenge:
        if scope not in SCOPES:
            raise ProofOfWorkError(f"unknown proof-of-work scope {scope!r}")
        difficulty = self.current_difficulty()
        expires = int(self._clock()) + self._ttl
        body = f"{VERSION}.{secrets.token_hex(16)}.{scope}.{difficulty}.{expires}"
        return Challenge(f"{body}.{self._mac(body)}", scope, difficulty, expires)

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode("ascii"), hashlib.sha256).hexdigest()

    def verify(self, token: str, counter: str, *, scope: str, binding: str) -> None:
        """Raise ProofOfWorkError unless this is a fresh, valid, unspent solution."""
        if not isinstance(token, str) or not isinstance(counter, str):
            raise ProofOfWorkError("proof of work missing")
        parts = token.split(".")
        if len(parts) != 6 or parts[0] != VERSION:  # noqa: PLR2004 - the token's fields
            raise ProofOfWorkError("malformed proof-of-work challenge")
        body, mac = token.rsplit(".", 1)
        if not hmac.compare_digest(self._mac(body), mac):
            raise ProofOfWorkError("proof-of-work challenge not issued here")
        _version, nonce, token_scope, difficulty, expires = body.split(".")
        if token_scope != scope:
            raise ProofOfWorkError("proof of work made for another action")
        if int(expires) < self._clock():
            raise ProofOfWorkError("proof-of-work challenge expired")
        if not counter.isdigit() or len(counter) > 20:  # noqa: PLR2004 - a 64-bit counter
            raise ProofOfWorkError("malformed proof-of-work counter")
        if leading_zero_bits(solution_hash(token, binding, counter)) < int(difficulty):
            raise ProofOfWorkError("proof of work does not meet the difficulty")
        if not self._spent.first_use(nonce, self._ttl):
            raise ProofOfWorkError("proof of work already used")
        if scope == "submit":
            self._spent.count_submission(int(self._clock() // 60))

    def count_submission(self) -> None:
        """Count a submission that paid no work (the no-JS queue) towards the load."""
        self._spent.count_submission(int(self._clock() // 60))


def solution_hash(token: str, binding: str, counter: str) -> bytes:
    return hashlib.sha256(f"{token}\n{binding}\n{counter}".encode("ascii")).digest()


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(token: str, binding: str, difficulty: int) -> str:
    """Find a counter (what the browser's worker and `haven submit` do); for tests and CLI."""
    counter = 0
    while leading_zero_bits(solution_hash(token, binding, str(counter))) < difficulty:
        counter += 1
    return str(counter)


POW_KEY_FILE = "pow-secret.key"
POW_KEY_BYTES = 32


def shared_pow_key(keys_dir) -> bytes:
    """The instance's challenge-MAC key, made once (race-free) by whichever process needs it
    first. A runtime secret: backups leave it out (vault/backup.py keeps only listed keys)."""
    import os

    path = keys_dir / POW_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(POW_KEY_BYTES))
    for _ in range(50):  # another process may be between creating and writing the file
        text = path.read_text("ascii").strip()
        if len(text) == 2 * POW_KEY_BYTES:
            return bytes.fromhex(text)
        time.sleep(0.01)
    raise ValueError(f"{path} must hold {POW_KEY_BYTES} bytes as hex")
