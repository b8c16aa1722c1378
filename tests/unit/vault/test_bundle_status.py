"""vault.bundle_status: how long the served bundle stays valid, for health checks."""

import copy

from vault.bundle_status import bundle_expiry
from vault.keys import add_days
from vault.testkit import make_keyset

KEYS = make_keyset(seed=b"unit-bundle-status", reviewers=2, triage=1)  # issued 2026-01-10


def _expiry(today: str, doc=KEYS.doc, pin=KEYS.fingerprint):  # type: ignore[no-untyped-def]
    return bundle_expiry(doc, pin, today=today)


def test_states_follow_the_days_left() -> None:
    assert _expiry(KEYS.today).to_dict() == {
        "state": "ok", "serial": 1, "expires_at": "2026-02-09", "days_left": 30}
    assert _expiry(add_days(KEYS.today, 22)).state == "ok"  # 8 days left
    assert (_expiry(add_days(KEYS.today, 23)).state, _expiry(add_days(KEYS.today, 23)).days_left
            ) == ("expiring", 7)
    assert _expiry("2026-02-09").days_left == 0  # the last valid day: still expiring
    assert _expiry("2026-02-09").state == "expiring"
    assert (_expiry("2026-02-10").state, _expiry("2026-02-10").days_left) == ("expired", -1)
    assert bundle_expiry(KEYS.doc, KEYS.fingerprint, today=KEYS.today, warn_within=30
                         ).state == "expiring"


def test_missing_or_unverifiable_bundles_report_no_dates() -> None:
    assert _expiry(KEYS.today, doc=None).to_dict() == {
        "state": "missing", "serial": None, "expires_at": None, "days_left": None}
    other = make_keyset(seed=b"unit-bundle-status-other")
    assert _expiry(KEYS.today, pin=other.fingerprint).state == "invalid"
    tampered = copy.deepcopy(KEYS.doc)
    tampered["bundle"]["expires_at"] = "2026-02-08"
    assert _expiry(KEYS.today, doc=tampered).state == "invalid"
    assert _expiry(KEYS.today, doc=["not", "a", "bundle"]).state == "invalid"
