"""axe on every page of the reviewer app (against the real vault API) and of the case base,
in English and Arabic, with and without JavaScript."""

from __future__ import annotations

import importlib.util
import secrets
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
LANGUAGES = ("en", "ar")
PARTNER_PASSWORD = "correct horse battery staple"

_spec = importlib.util.spec_from_file_location(
    "a11y_reviewer_support", Path(__file__).parents[2] / "functional/reviewer/conftest.py")
rv_support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = rv_support
_spec.loader.exec_module(rv_support)


def _sign_in(page, base: str, rv, username: str, *, unlock: bool = True) -> None:
    from vault.api.testkit import PASSPHRASE, PASSWORD

    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=totp]", rv.totp(username))
    page.click("form button[type=submit]")
    if not unlock:
        return
    page.goto(f"{base}/key/unlock")
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.click("main form button[type=submit]")


def _reviewer_paths(rv) -> list[str]:
    """Every GET page, with a real report, case and follow-up behind the ones taking ids."""
    report = rv.submit({"narrative": "Detained after speaking at the session in Geneva.",
                        "incidents": [{"acts": ["detention"], "date": "2026-03"}]})
    coord = rv.driver("coord")
    case_path = coord.post("/cases/", {"title": "Detention 2026", "kind": "individual"},
                           token_from="/cases/").headers["Location"]
    rid = report.report_id
    return ["/", "/inbox/", "/inbox/urgent", "/cases/", case_path, "/cycle/",
            f"/reports/{rid}", f"/reports/{rid}/redact", f"/release/reports/{rid}",
            "/release/outbox", f"/followup/{rid}", f"/transmissions/{rid}", "/key/unlock",
            "/key/setup", "/no-such-page"]



def _audit_enrolment(auditor, lang: str) -> None:
    """The second-factor enrolment page (QR code, secret, recovery codes shown once) is the
    answer to resetting an account's TOTP: reached here with and without JavaScript."""
    for page, check in ((auditor.js, auditor.check_js), (auditor.nojs, auditor.check_nojs)):
        page.goto(f"{auditor.base}/admin/accounts?lang={lang}")
        page.locator("tr:has-text('vera') form[action*='reset-totp'] button").click()
        page.locator("main img").first.wait_for()
        check(f"second-factor enrolment ({lang})")


def test_every_reviewer_page_has_no_serious_accessibility_violation(
        a11y_auditor, tmp_path, database_url, live_server, page_inventory):
    from reviewer.app import create_app as create_reviewer_app
    from vault.api.app import create_app as create_api_app
    from vault.api.testkit import build_api_instance

    directory = tmp_path / "instance"
    directory.mkdir()
    instance = build_api_instance(directory, database_url)
    (instance.config.keys_dir / "session-secret.key").write_text(secrets.token_hex(32))
    with live_server(create_api_app(instance.config)) as api_url:
        app = create_reviewer_app(instance.config, vault_url=api_url)
        rv = rv_support.Rv(instance, api_url, app)
        paths = _reviewer_paths(rv)
        with a11y_auditor(app) as auditor:
            for lang in LANGUAGES:
                auditor.visit(f"/login?lang={lang}", f"/login ({lang}, signed out)")
            for page in (auditor.js, auditor.nojs):
                _sign_in(page, auditor.base, rv, "coord")
            for lang in LANGUAGES:
                for path in paths:
                    auditor.visit(f"{path}?lang={lang}", status=404 if "no-such" in path else 200)
            for page in (auditor.js, auditor.nojs):
                page.context.clear_cookies()
                _sign_in(page, auditor.base, rv, "ada", unlock=False)  # an admin has no key
            for lang in LANGUAGES:
                auditor.visit(f"/admin/accounts?lang={lang}")
                auditor.visit(f"/audit/?lang={lang}")
                _audit_enrolment(auditor, lang)
            auditor.assert_audited(page_inventory.AUDITED["reviewer"])
            auditor.assert_clean()


@pytest.fixture
def a11y_casebase_app(casebase_with_public_cases):
    return casebase_with_public_cases(partner=("partner-a11y", PARTNER_PASSWORD))


def test_every_casebase_page_has_no_serious_accessibility_violation(
        a11y_auditor, a11y_casebase_app, page_inventory):
    with a11y_auditor(a11y_casebase_app) as auditor:
        auditor.js.goto(auditor.base + "/")
        case_path = auditor.js.locator("li.case-item a").first.get_attribute("href")
        assert case_path
        case_path = case_path.split("?", 1)[0]
        for lang in LANGUAGES:
            for path in ("/", "/?q=passport&sort=newest", case_path, "/trends",
                         "/partner/login", "/cases/no-such-record"):
                separator = "&" if "?" in path else "?"
                auditor.visit(f"{path}{separator}lang={lang}",
                              status=404 if "no-such" in path else 200)
        for page in (auditor.js, auditor.nojs):  # the partner tier: signed in, same pages
            page.goto(f"{auditor.base}/partner/login")
            page.fill("#username", "partner-a11y")
            page.fill("#password", PARTNER_PASSWORD)
            page.click("main form button[type=submit]")
            page.goto(f"{auditor.base}/?lang=en")
            assert page.locator(".tier").inner_text() == "You see public and partner records."
        for lang in LANGUAGES:
            for path in ("/", case_path, "/trends"):
                auditor.visit(f"{path}?lang={lang}", f"{path} (partner, {lang})")
        assert sum("partner," in label for label in auditor.audited) == 12  # noqa: PLR2004
        auditor.assert_audited(page_inventory.AUDITED["casebase"])
        auditor.assert_clean()
