"""Choosing the language: ``?lang=`` first, then Accept-Language; right-to-left for Arabic;
the choice carried through links, redirects and forms; never a cookie."""

from __future__ import annotations

import importlib.util
import re
import secrets
import sys
from pathlib import Path

import pytest
from babel.support import Translations

from haven.i18n import LANGUAGES, TRANSLATIONS_DIR, requested_language, text_direction

_spec = importlib.util.spec_from_file_location(
    "i18n_intake_support", Path(__file__).parents[1] / "functional/intake/conftest.py")
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support
_spec.loader.exec_module(support)


def translated(language: str, msgid: str) -> str:
    if language == "en":
        return msgid
    return Translations.load(str(TRANSLATIONS_DIR), [language]).gettext(msgid)


def html_text(response) -> str:  # type: ignore[no-untyped-def]
    import html

    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def i18n_intake(tmp_path, database_url):
    from intake.app import create_app

    instance = support.build_instance(tmp_path, database_url)
    return create_app(instance.config).test_client()


def test_requested_language_accepts_only_offered_codes():
    assert requested_language("ar", LANGUAGES) == "ar"
    assert requested_language("zh-CN", LANGUAGES) == "zh"
    assert requested_language(" FR ", LANGUAGES) == "fr"
    assert requested_language("de", LANGUAGES) is None
    assert requested_language("", LANGUAGES) is None
    assert text_direction("ar") == "rtl"
    assert text_direction("zh") == "ltr"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_is_chosen_by_the_reporter_and_shown(i18n_intake, language):
    response = i18n_intake.get(f"/?lang={language}", headers={"Accept-Language": "ru"})
    text = html_text(response)
    html_lang = "zh-Hans" if language == "zh" else language
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{html_lang}" dir="{direction}">' in text
    assert translated(language, "Quick exit") in text
    assert translated(language, "Report a reprisal for cooperating with the United Nations") in text
    assert "Set-Cookie" not in response.headers


def test_the_browser_language_is_the_default(i18n_intake):
    text = html_text(i18n_intake.get("/", headers={"Accept-Language": "es-MX, en;q=0.5"}))
    assert '<html lang="es" dir="ltr">' in text
    assert "Salida rápida" in text
    unknown = html_text(i18n_intake.get("/?lang=de", headers={"Accept-Language": "fr"}))
    assert '<html lang="fr"' in unknown  # an unknown choice falls back, never fails


def test_a_chosen_language_is_carried_through_links_and_forms_not_cookies(i18n_intake):
    response = i18n_intake.get("/report?lang=ar")
    text = response.get_data(as_text=True)
    assert 'href="/help?lang=ar"' in text
    assert 'href="/?lang=ar"' in text
    assert 'action="/report/nojs?lang=ar"' in text
    assert re.search(r'href="/static/css/haven\.css"', text)  # static files stay identical
    assert "Set-Cookie" not in response.headers
    switch = re.findall(r'<a href="/report\?lang=(\w+)" lang="[\w-]+" hreflang', text)
    assert switch == list(LANGUAGES)  # a visible switch, every language named in itself
    assert 'aria-current="true">العربية' in text


def test_the_case_base_offers_the_six_languages(tmp_path, database_url):
    from casebase.app import create_app
    from casebase.config import CasebaseConfig

    app = create_app(CasebaseConfig(database_url=database_url, keys_dir=tmp_path / "keys",
                                    secret_key="d" * 64))
    client = app.test_client()
    for language in LANGUAGES:
        text = html_text(client.get(f"/?lang={language}"))
        assert translated(language, "Haven case base") in text
        assert translated(language, "Filters") in text
    arabic = client.get("/?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic
    assert '<input type="hidden" name="lang" value="ar">' in arabic  # GET search keeps it
    app.extensions["casebase"]["engine"].dispose()


def test_the_reviewer_app_offers_the_six_languages(tmp_path, database_url):
    from reviewer.app import create_app
    from vault.api.testkit import build_api_instance

    directory = tmp_path / "instance"
    directory.mkdir()
    instance = build_api_instance(directory, database_url)
    (instance.config.keys_dir / "session-secret.key").write_text(secrets.token_hex(32))
    client = create_app(instance.config, vault_url="http://127.0.0.1:9").test_client()
    redirect = client.get("/?lang=ar")
    assert redirect.status_code == 302
    assert redirect.headers["Location"].endswith("/login?lang=ar")
    for language in LANGUAGES:
        text = html_text(client.get(f"/login?lang={language}"))
        assert translated(language, "Sign in") in text
        assert translated(language, "Password") in text
    assert 'dir="rtl"' in client.get("/login?lang=ar").get_data(as_text=True)


def test_the_intake_switch_is_the_same_for_every_visitor_of_a_page(i18n_intake):
    """Parameters someone added to the address are not echoed into the page (S10: pages
    that carry code are identical for everyone)."""
    plain = i18n_intake.get("/report?lang=fr").get_data(as_text=True)
    tagged = i18n_intake.get("/report?lang=fr&visitor=abc123").get_data(as_text=True)
    assert "abc123" not in tagged
    assert plain == tagged
