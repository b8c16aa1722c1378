"""The opt-in draft (S11): encrypted under a passphrase, resumable, gone after sending."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SECRET = "CANARY-draft-90af12"


def test_a_draft_is_encrypted_resumed_and_wiped_on_send(browser, intake_site):
    base_url, _instance = intake_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/report")
    assert page.evaluate("localStorage.length") == 0  # nothing saved unless asked
    page.click(".progress a[href='#page-situation']")
    page.fill("#situation-narrative", SECRET)
    page.fill("#draft-passphrase", "correct horse battery")
    page.click("#draft-save")
    page.locator("#draft-status").filter(has_text="saved").wait_for(timeout=30_000)
    stored = page.evaluate("localStorage.getItem('haven-draft')")
    assert stored
    assert SECRET not in stored

    page.reload()
    assert page.locator("#situation-narrative").input_value() == ""
    page.fill("#draft-passphrase", "wrong passphrase")
    page.click("#draft-resume")
    page.locator("#draft-status").filter(has_text="does not open").wait_for(timeout=30_000)
    page.fill("#draft-passphrase", "correct horse battery")
    page.click("#draft-resume")
    page.locator("#draft-status").filter(has_text="back in the form").wait_for(timeout=30_000)
    assert page.locator("#situation-narrative").input_value() == SECRET

    page.click(".progress a[href='#page-un_link']")
    page.check("input[name='un_link.linked'][value='yes']")
    page.click(".progress a[href='#page-consent']")
    page.check("input[name='consent.giver'][value='victim']")
    page.click(".progress a[href='#page-send']")
    page.click("#send-button")
    page.locator("#receipt-value").wait_for(state="visible", timeout=60_000)
    assert page.evaluate("localStorage.length") == 0
    context.close()
