"""How long the served key bundle stays valid: what the vault API's health check, ``haven
keys status`` and the reviewer app's admin warning report (S3, S14).

Public API: ``bundle_expiry(doc, pinned_fingerprint, *, today, warn_within=7) ->
BundleExpiry`` with ``state`` ok | expiring | expired | invalid | missing, ``serial``,
``expires_at``, ``days_left`` (0 on the last valid day), and ``BundleExpiry.to_dict()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vault.bundle import EXPIRY_WARNING_DAYS, days_left, verify_bundle
from vault.errors import VaultError


@dataclass(frozen=True)
class BundleExpiry:
    state: str  # ok | expiring (within warn_within days) | expired | invalid | missing
    serial: int | None = None
    expires_at: str | None = None
    days_left: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "serial": self.serial, "expires_at": self.expires_at,
                "days_left": self.days_left}


def bundle_expiry(doc: Any, pinned_fingerprint: str, *, today: str,
                  warn_within: int = EXPIRY_WARNING_DAYS) -> BundleExpiry:
    """How long the served bundle ``doc`` (None: nothing served) stays valid.

    Its signatures and pin are checked, not its freshness, so an expired bundle still
    reports its dates; one that does not verify at all is ``invalid``.
    """
    if doc is None:
        return BundleExpiry("missing")
    try:
        bundle = verify_bundle(doc, pinned_fingerprint, today=today, min_serial=1,
                               check_freshness=False)
    except (VaultError, KeyError, TypeError, ValueError):
        return BundleExpiry("invalid")
    left = days_left(bundle.expires_at, today)
    state = "expired" if left < 0 else "expiring" if left <= warn_within else "ok"
    return BundleExpiry(state, bundle.serial, bundle.expires_at, left)
