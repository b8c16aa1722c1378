"""The reporter's inbox with JavaScript, read in Arabic: a verified reply names the
reviewer's role in Arabic (from the page's string table), not by its bundle id."""

from __future__ import annotations

import json

import pytest

from vault.canonical import utc_day
from vault.events import ZERO_HASH

pytestmark = pytest.mark.browser


def _role_of(bundle_document: object, key_id: str) -> str:
    """The role the signed bundle gives ``key_id`` (wherever its keys list sits)."""
    if isinstance(bundle_document, dict):
        if bundle_document.get("id") == key_id and "role" in bundle_document:
            return bundle_document["role"]
        values = bundle_document.values()
    elif isinstance(bundle_document, list):
        values = bundle_document
    else:
        values = ()
    for value in values:
        found = _role_of(value, key_id)
        if found:
            return found
    return ""


def test_the_arabic_inbox_names_the_reviewer_role_in_arabic(browser, intake_site, intake_kit):
    from babel.support import Translations

    from haven.i18n import TRANSLATIONS_DIR

    base_url, instance = intake_site
    report_id, keys, receipt = intake_kit.submit_over_http(base_url, instance)
    intake_kit.reviewer_reply(instance, report_id, keys, seq=1, prev_hash=ZERO_HASH,
                              payload={"text": "We are verifying your report.",
                                       "day": utc_day()})
    key_id = next(iter(instance.reviewers))
    role = _role_of(json.loads(instance.config.bundle_path.read_text()), key_id)
    assert role in ("reviewer", "coordinator")
    arabic = Translations.load(str(TRANSLATIONS_DIR), ["ar"])
    role_in_arabic, verified_in_arabic = arabic.gettext(role), arabic.gettext("verified reviewer")
    assert role_in_arabic != role
    assert verified_in_arabic != "verified reviewer"

    context = browser.new_context(locale="ar")
    page = context.new_page()
    page.goto(f"{base_url}/inbox?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    page.locator("#inbox").wait_for(state="visible", timeout=60_000)
    replies = page.locator("#inbox-replies").inner_text()
    assert "We are verifying your report." in replies
    assert f"{verified_in_arabic} ({role_in_arabic})" in replies
    assert f"({role})" not in replies
    context.close()
