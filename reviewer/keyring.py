"""The one object in the reviewer process that holds unwrapped private keys (S13).

Keys are indexed by the server-side session id; they never go into cookies, Redis, the
database or the vault API. A slot is wiped when the session logs out, when it has been idle
longer than ``idle_seconds`` (auto-lock) and when the process exits.

Wiping overwrites the ``bytearray`` copies this module owns. That is best effort only:
PyNaCl and libsodium take immutable ``bytes`` copies while a key is in use, which Python
frees but does not zero, and the allocator may have moved buffers. The process is therefore
also made non-dumpable (``reviewer.hardening``); a root user on the host can still read it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from reviewer.errors import KeyLocked
from vault.action_signature import sign_action

KEY_BYTES = 32


@dataclass
class _Slot:
    reviewer_id: str
    key_id: str  # the active key: signs, and is the key new grants are made for
    secrets: dict[str, tuple[bytearray, bytearray]]  # key id -> (x25519 sk, ed25519 seed)
    last_used: float

    def wipe(self) -> None:
        for pair in self.secrets.values():
            for buffer in pair:
                for index in range(len(buffer)):
                    buffer[index] = 0
        self.secrets.clear()


@dataclass(frozen=True)
class ReviewerKeys:
    """A short-lived view of an unlocked slot; do not keep it beyond one request."""

    reviewer_id: str
    key_id: str
    _slot: _Slot

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._slot.secrets)

    def private_key(self, key_id: str | None = None) -> PrivateKey:
        """The X25519 key (the active one by default; retired ones open older reports)."""
        pair = self._slot.secrets.get(key_id or self.key_id)
        if pair is None:
            raise KeyLocked(f"no unlocked key {key_id!r}")
        return PrivateKey(bytes(pair[0]))

    def signing_key(self) -> SigningKey:
        return SigningKey(bytes(self._slot.secrets[self.key_id][1]))

    def sign_action(self, action: str, report_id: str | None) -> str:
        """The ``Haven-Action-Signature`` for one audited request, signed with the active
        key (S17, vault/SPEC.md §14): what the vault records as this reviewer's act."""
        return sign_action(action, report_id, account_id=self.reviewer_id,
                           key_id=self.key_id, signing_key=self.signing_key()).header_value()


class KeyHolder:
    def __init__(self, idle_seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.Lock()

    def unlock(
        self,
        session_id: str,
        *,
        reviewer_id: str,
        key_id: str,
        secrets: dict[str, tuple[bytes, bytes]],
    ) -> None:
        """Hold ``secrets`` (key id -> X25519 secret, Ed25519 seed); ``key_id`` is active."""
        if key_id not in secrets:
            raise ValueError("the active key must be among the unlocked keys")
        copies: dict[str, tuple[bytearray, bytearray]] = {}
        for kid, (x25519_secret, ed25519_seed) in secrets.items():
            if len(x25519_secret) != KEY_BYTES or len(ed25519_seed) != KEY_BYTES:
                raise ValueError("reviewer keys are 32 bytes each")
            copies[kid] = (bytearray(x25519_secret), bytearray(ed25519_seed))
        slot = _Slot(reviewer_id, key_id, copies, self._clock())
        with self._lock:
            previous = self._slots.pop(session_id, None)
            if previous is not None:
                previous.wipe()
            self._slots[session_id] = slot

    def keys(self, session_id: str) -> ReviewerKeys:
        """The unlocked keys of this session; raises KeyLocked (and wipes) when idle too long."""
        with self._lock:
            slot = self._slots.get(session_id)
            if slot is None:
                raise KeyLocked("the key is locked: unlock it with your passphrase")
            now = self._clock()
            if now - slot.last_used > self._idle_seconds:
                del self._slots[session_id]
                slot.wipe()
                raise KeyLocked("the key was locked after a period of inactivity")
            slot.last_used = now
            return ReviewerKeys(slot.reviewer_id, slot.key_id, slot)

    def is_unlocked(self, session_id: str) -> bool:
        try:
            self.keys(session_id)
        except KeyLocked:
            return False
        return True

    def move(self, old_session_id: str, new_session_id: str) -> None:
        """Follow a session id rotation (login, unlock) without copying the key."""
        with self._lock:
            slot = self._slots.pop(old_session_id, None)
            if slot is not None:
                self._slots[new_session_id] = slot

    def lock(self, session_id: str) -> None:
        with self._lock:
            slot = self._slots.pop(session_id, None)
        if slot is not None:
            slot.wipe()

    def sweep(self) -> int:
        """Wipe every slot idle longer than the limit; returns how many were wiped."""
        now = self._clock()
        with self._lock:
            stale = [sid for sid, slot in self._slots.items()
                     if now - slot.last_used > self._idle_seconds]
            slots = [self._slots.pop(sid) for sid in stale]
        for slot in slots:
            slot.wipe()
        return len(slots)

    def wipe_all(self) -> None:
        with self._lock:
            slots = list(self._slots.values())
            self._slots.clear()
        for slot in slots:
            slot.wipe()

    def __len__(self) -> int:
        return len(self._slots)
