"""Burn my receipt in Chromium, with JavaScript (confirmation panel, the signed event sealed
in the page) and without it (a confirmation page): afterwards the receipt opens nothing and
the reviewers hold the signed burn."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vault.events import ZERO_HASH

pytestmark = pytest.mark.browser


def _burned_state(instance):
    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        lookup = conn.execute(sa.text("SELECT lookup_hash FROM reports")).scalar_one()
        replies = conn.execute(sa.text(
            "SELECT count(*) FROM events WHERE direction = 'to_reporter'")).scalar_one()
        sealed = [r[0] for r in conn.execute(sa.text(
            "SELECT sealed FROM events WHERE direction = 'from_reporter' ORDER BY seq"))]
    engine.dispose()
    return lookup, replies, sealed


def _reviewer_sees(instance, kit, keys, report_id, sealed):
    from vault import open as vault_open

    key_id, pair = next(iter(instance.reviewers.items()))
    events = vault_open.open_reporter_events(
        sealed, key_id, pair.x25519_sk, kit.verified_bundle(instance),
        reporter_signing_pk=keys.signing_pk, report_id=report_id)
    return [e.type for e in events]


def test_burn_with_javascript(browser, intake_site, intake_kit):
    base_url, instance = intake_site
    report_id, keys, receipt = intake_kit.submit_over_http(base_url, instance)
    intake_kit.reviewer_reply(instance, report_id, keys, seq=1, prev_hash=ZERO_HASH,
                              payload={"text": "Please keep us informed."})
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/inbox")
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    page.locator("#inbox").wait_for(state="visible", timeout=60_000)
    assert "Please keep us informed." in page.locator("#inbox-replies").inner_text()
    assert "first shown to you" in page.locator("#reply-retention").inner_text()
    page.click("#burn-start")
    page.locator("#burn-panel").wait_for(state="visible")
    page.click("#burn-cancel")  # the confirmation step can be left
    assert page.locator("#burn-panel").is_hidden()
    assert _burned_state(instance)[0] is not None
    page.click("#burn-start")
    page.click("#burn-confirm")
    page.locator("#inbox-result").filter(has_text="burned").wait_for(timeout=30_000)
    assert page.locator("#inbox-replies").is_hidden()
    lookup, replies, sealed = _burned_state(instance)
    assert (lookup, replies) == (None, 0)
    assert _reviewer_sees(instance, intake_kit, keys, report_id, sealed) == ["receipt_burned"]
    page.goto(f"{base_url}/inbox")  # the same receipt again: like a wrong one
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    page.locator("#receipt-error").filter(has_text="No report matches").wait_for(
        timeout=60_000)
    context.close()


def test_burn_without_javascript(browser, intake_site, intake_kit):
    base_url, instance = intake_site
    report_id, keys, receipt = intake_kit.submit_over_http(base_url, instance)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/inbox")
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    page.locator("#burn-start").click()
    page.locator("#burn-confirm").wait_for()
    assert "Burning is not withdrawing" in page.content()
    page.locator("#burn-confirm").click()
    page.locator("#burned").wait_for()
    lookup, replies, sealed = _burned_state(instance)
    assert (lookup, replies) == (None, 0)
    assert _reviewer_sees(instance, intake_kit, keys, report_id, sealed) == ["receipt_burned"]
    page.goto(f"{base_url}/inbox")
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    assert "No report matches this receipt" in page.content()
    context.close()
