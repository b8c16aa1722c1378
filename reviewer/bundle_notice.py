"""The admin warning that the reviewer key bundle is about to lapse (S14).

A bundle is valid for 30 days; once it expires, browsers refuse to encrypt and the intake
answers 503 until someone republishes. The daily ``haven-bundle-republish.timer`` should
prevent that; this warning is for when it does not (no subkey on the host, the timer
disabled, the subkey certificate expired). Admins see it on every page from
``EXPIRY_WARNING_DAYS`` days before expiry (the verified bundle is cached for five minutes,
so a republish clears it within that).
"""

from __future__ import annotations

from reviewer.errors import ReviewerError
from reviewer.state import ReviewerState, reviewer_state
from reviewer.trust import pinned_fingerprint
from reviewer.vault_client import VaultApiError
from vault.bundle import EXPIRY_WARNING_DAYS, days_left
from vault.bundle_status import BundleExpiry, bundle_expiry
from vault.canonical import utc_day


def admin_bundle_notice() -> BundleExpiry | None:
    """The bundle's expiry when admins must act (expiring, expired, invalid), else None."""
    state, today = reviewer_state(), utc_day()
    try:
        bundle = state.bundles.current().bundle
    except VaultApiError:
        return None  # the vault is unreachable: the pages that need it say so
    except ReviewerError:
        expiry = _served_expiry(state, today)  # refused: expired, or it does not verify
    else:
        left = days_left(bundle.expires_at, today)
        expiry = BundleExpiry("expiring" if left <= EXPIRY_WARNING_DAYS else "ok",
                              bundle.serial, bundle.expires_at, left)
    return None if expiry is None or expiry.state == "ok" else expiry


def _served_expiry(state: ReviewerState, today: str) -> BundleExpiry | None:
    try:
        document = state.vault.bundle()
        return bundle_expiry(document, pinned_fingerprint(state.config), today=today)
    except VaultApiError:
        return None
    except ReviewerError:  # no organisation pin at all
        return BundleExpiry("invalid")
