"""Admins are warned in the reviewer app when the key bundle expires within 7 days or has
expired; nobody else sees the banner, and a bundle valid longer shows none."""

from __future__ import annotations

import json

from vault.canonical import utc_day
from vault.keys import add_days

EXPIRING = "The reviewer key bundle expires on"
EXPIRED = "The reviewer key bundle expired on"


def _publish_dated(rv, issued_at: str) -> str:  # type: ignore[no-untyped-def]
    """The admin's offline-signed flow with older dates; returns the expiry day."""
    admin = rv.admin_api()
    payload = admin._request("GET", "/bundle/draft")["payload"]
    payload["issued_at"], payload["expires_at"] = issued_at, add_days(issued_at, 30)
    admin._request("PUT", "/bundle", json=rv.instance.sign_bundle(payload))
    return payload["expires_at"]


def test_admins_see_days_left_once_the_bundle_expires_within_a_week(rv) -> None:  # type: ignore[no-untyped-def]
    expires = _publish_dated(rv, add_days(utc_day(), -25))

    page = rv.driver("ada", unlock=False).page("/admin/accounts")

    assert EXPIRING in page
    assert f"{expires} (days left: 5)" in page
    assert EXPIRING not in rv.driver("vera").page("/")  # reviewers are not told


def test_no_banner_while_the_bundle_is_valid_longer(rv) -> None:  # type: ignore[no-untyped-def]
    _publish_dated(rv, add_days(utc_day(), -22))  # eight days left

    page = rv.driver("ada", unlock=False).page("/admin/accounts")

    assert EXPIRING not in page
    assert EXPIRED not in page


def test_admins_are_told_when_the_bundle_has_expired(rv) -> None:  # type: ignore[no-untyped-def]
    # The vault API refuses to publish an expired bundle; the file simply ran out of time.
    payload = dict(rv.instance.bundle_doc["bundle"])
    payload["serial"] += 1
    payload["issued_at"] = add_days(utc_day(), -40)
    payload["expires_at"] = add_days(utc_day(), -10)
    rv.instance.config.bundle_path.write_text(json.dumps(rv.instance.sign_bundle(payload)))

    page = rv.driver("ada", unlock=False).page("/admin/accounts")

    assert f"{EXPIRED} {add_days(utc_day(), -10)}" in page
