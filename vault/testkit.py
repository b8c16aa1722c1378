"""A complete key set for tests, vectors and the demo — never for production keys.

``make_keyset(*, reviewers=3, triage=2, today="2026-01-10", serial=1, seed=None,
org_id="org-test") -> KeySet`` builds a root, a certified bundle subkey, reviewer key pairs
and a signed bundle (triage = the first ``triage`` reviewers), deterministically when a
``seed`` is given. ``KeySet.verified(today=None)`` verifies the bundle against the root's
fingerprint; ``KeySet.rebundle(...)`` issues another bundle with the same keys.
``FreshTotpCodes().code(account, secret)`` gives a TOTP code the vault will accept for every
sign-in of a test, however many there are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pyotp
from nacl.signing import SigningKey

from vault.bundle import VerifiedBundle, build_bundle, verify_bundle
from vault.kdf import Rng, deterministic_rng, system_rng
from vault.keys import ReviewerKeyPair, SubkeyCertificate, add_days, certify_subkey, fingerprint


@dataclass(frozen=True)
class KeySet:
    org_id: str
    root: SigningKey
    bundle_key: SigningKey
    certificate: SubkeyCertificate
    reviewers: tuple[ReviewerKeyPair, ...]
    triage: tuple[str, ...]
    doc: dict[str, Any] = field(hash=False)
    today: str = "2026-01-10"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.root.verify_key)

    def verified(self, today: str | None = None, min_serial: int = 1) -> VerifiedBundle:
        return verify_bundle(
            self.doc, self.fingerprint, today=today or self.today, min_serial=min_serial
        )

    def rebundle(self, *, serial: int, issued_at: str, triage: tuple[str, ...] | None = None,
                 revoked: tuple[str, ...] = (), validity_days: int = 30) -> dict[str, Any]:
        return build_bundle(
            serial=serial,
            issued_at=issued_at,
            expires_at=add_days(issued_at, validity_days),
            org_id=self.org_id,
            keys=[r.public_entry("reviewer", "2099-12-31") for r in self.reviewers],
            triage=self.triage if triage is None else triage,
            revoked=revoked,
            bundle_sk=self.bundle_key,
            certificate=self.certificate,
            root_public_key=bytes(self.root.verify_key),
        )


def make_keyset(
    *,
    reviewers: int = 3,
    triage: int = 2,
    today: str = "2026-01-10",
    serial: int = 1,
    seed: bytes | None = None,
    org_id: str = "org-test",
) -> KeySet:
    rng: Rng = deterministic_rng(seed) if seed is not None else system_rng
    root = SigningKey(rng(32))
    bundle_key, cert = certify_subkey(
        root, "bundle", add_days(today, 365), org_id,
        subkey=SigningKey(rng(32)), issued_at=today,
    )
    pairs = tuple(ReviewerKeyPair.from_seeds(rng(32), rng(32)) for _ in range(reviewers))
    triage_ids = tuple(sorted(p.key_id for p in pairs[:triage]))
    partial = KeySet(org_id, root, bundle_key, cert, pairs, triage_ids, {}, today)
    doc = partial.rebundle(serial=serial, issued_at=today)
    return KeySet(org_id, root, bundle_key, cert, pairs, triage_ids, doc, today)


class FreshTotpCodes:
    """TOTP codes for tests that sign the same account in many times.

    The vault accepts one step of drift either way and never the same step twice, so each
    code here belongs to a step after the account's last one, and never to a step that could
    slide out of the window before the server checks it: the current step (valid for the next
    30 s and for 30 s after it ends) or the next one. When both are used up it waits for the
    clock to move on — at most one step. The previous step is taken only while at least
    ``margin`` seconds of the current step are left, so a slow request cannot outlive it.
    """

    def __init__(self, *, step_seconds: int = 30, margin: float = 10.0) -> None:
        self._last: dict[str, int] = {}
        self._step_seconds = step_seconds
        self._margin = margin

    def step(self, account: str) -> int:
        while True:
            now = time.time()
            current = int(now // self._step_seconds)
            left = (current + 1) * self._step_seconds - now
            earliest = current - 1 if left > self._margin else current
            step = max(self._last.get(account, earliest - 1) + 1, earliest)
            if step <= current + 1:
                self._last[account] = step
                return step
            time.sleep((step - 1) * self._step_seconds - now + 0.05)

    def code(self, account: str, secret: str) -> str:
        return pyotp.TOTP(secret).at(self.step(account) * self._step_seconds)
