"""Safety of use on the intake: quick exit on every page (and Esc twice), neutral titles and
tab icon when configured, the onion address shown where there is one — in every language."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from babel.support import Translations

from haven.i18n import LANGUAGES, TRANSLATIONS_DIR

_spec = importlib.util.spec_from_file_location(
    "safety_intake_support", Path(__file__).parents[2] / "functional/intake/conftest.py")
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support
_spec.loader.exec_module(support)

PAGES = ("/", "/report", "/help", "/protection", "/next", "/inbox", "/no-such-page")
ONION = "havenexampleqwertyuiopasdfghjklzxcvbnm234567abcdefghijkl.onion"


def _notes(language: str) -> str:
    if language == "en":
        return "Notes"
    return Translations.load(str(TRANSLATIONS_DIR), [language]).gettext("Notes")


def _client(tmp_path, database_url, **intake):  # type: ignore[no-untyped-def]
    from intake.app import create_app

    instance = support.build_instance(tmp_path, database_url, intake=intake or None)
    return create_app(instance.config).test_client()


def test_every_page_has_a_quick_exit_and_a_descriptive_title_by_default(tmp_path, database_url):
    client = _client(tmp_path, database_url)
    for language in LANGUAGES:
        for path in PAGES:
            page = client.get(f"{path}?lang={language}").get_data(as_text=True)
            assert re.search(r'<a id="quick-exit" class="quick-exit" href="/exit', page), path
            assert "· Haven</title>" in page
            assert "img/haven-icon.svg" in page
            assert ".onion" not in page  # no onion configured, none shown


def test_neutral_appearance_hides_the_purpose_from_titles_and_icon(tmp_path, database_url):
    client = _client(tmp_path, database_url, neutral_appearance=True, onion_address=ONION)
    for language in LANGUAGES:
        for path in PAGES:
            page = client.get(f"{path}?lang={language}").get_data(as_text=True)
            title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
            assert title == _notes(language), (path, title)
            assert "img/neutral-icon.svg" in page
            assert "haven-icon" not in page
            assert f'<bdi class="onion" dir="ltr">{ONION}</bdi>' in page


def test_neutral_appearance_must_be_a_boolean(tmp_path, database_url):
    from intake.config import intake_config_from_section
    from intake.errors import IntakeConfigError

    assert intake_config_from_section({"neutral_appearance": True}).neutral_appearance
    with pytest.raises(IntakeConfigError, match="neutral_appearance must be true or false"):
        intake_config_from_section({"neutral_appearance": "yes"})


def _neutral_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html")])
    return [b"<!doctype html><title>Weather</title><h1>Weather</h1>"]


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ar"])
def test_escape_twice_leaves_every_page_for_the_neutral_site(
        browser, live_server, tmp_path, database_url, language):
    from intake.app import create_app

    with live_server(_neutral_app) as neutral:
        instance = support.build_instance(tmp_path, database_url,
                                          intake={"quick_exit_url": f"{neutral}/"})
        with live_server(create_app(instance.config)) as base:
            context = browser.new_context()
            page = context.new_page()
            for path in PAGES:
                page.goto(f"{base}{path}?lang={language}")
                page.keyboard.press("Escape")
                page.keyboard.press("Escape")
                page.wait_for_url(f"{neutral}/")
                assert page.title() == "Weather"
            context.close()
