"""axe on every intake page, in English and Arabic, with and without JavaScript — including
the pages only reached by posting a form: the no-JS receipt, the receipt check, a refused
form, the no-JS inbox, and the JS inbox once a receipt has opened it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location(
    "a11y_intake_support", Path(__file__).parents[2] / "functional/intake/conftest.py")
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support
_spec.loader.exec_module(support)

PAGES = ("/", "/report", "/help", "/protection", "/next", "/inbox", "/no-such-page")
LANGUAGES = ("en", "ar")


def _send_nojs_report(page, base: str, lang: str) -> str:
    page.goto(f"{base}/report?lang={lang}")
    page.check("input[name='un_link.linked'][value='yes']")
    page.fill("#situation-narrative", "Questioned at the border after the session.")
    page.check("input[name='consent.giver'][value='victim']")
    page.click("#send-button")
    page.locator(".receipt-value").wait_for()
    return page.locator(".receipt-value").inner_text().strip()


def _audit_nojs_flows(auditor, lang: str) -> str:
    page, base = auditor.nojs, auditor.base
    receipt = _send_nojs_report(page, base, lang)
    auditor.check_nojs(f"receipt shown once ({lang})")
    page.fill("#check-word", "wrong")
    page.click("form[action*='/receipt/check'] button[type=submit]")
    auditor.check_nojs(f"receipt check ({lang})")
    page.goto(f"{base}/report?lang={lang}")
    page.click("#send-button")  # nothing filled in: refused, with the fields named
    auditor.check_nojs(f"refused form ({lang})")
    page.goto(f"{base}/inbox?lang={lang}")
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    page.locator("form[action*='/inbox/nojs/act']").first.wait_for()
    auditor.check_nojs(f"inbox opened without JS ({lang})")
    return receipt


def _audit_js_inbox(auditor, lang: str, receipt: str) -> None:
    page = auditor.js
    page.goto(f"{auditor.base}/inbox?lang={lang}")
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    page.locator("#inbox").wait_for(state="visible", timeout=60_000)
    auditor.check_js(f"inbox opened with JS ({lang})")


def test_every_intake_page_has_no_serious_accessibility_violation(
        a11y_auditor, tmp_path, database_url, page_inventory):
    from intake.app import create_app

    instance = support.build_instance(tmp_path, database_url)
    with a11y_auditor(create_app(instance.config)) as auditor:
        for lang in LANGUAGES:
            for path in PAGES:
                auditor.visit(f"{path}?lang={lang}", status=404 if "no-such" in path else 200)
            receipt = _audit_nojs_flows(auditor, lang)
            _audit_js_inbox(auditor, lang, receipt)
        assert len(auditor.audited) == len(LANGUAGES) * (2 * len(PAGES) + 5)
        auditor.assert_audited(page_inventory.AUDITED["intake"])
        auditor.assert_clean()
