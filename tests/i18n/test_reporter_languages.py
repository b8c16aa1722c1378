"""A reporter completes, follows up and withdraws a report entirely in each of the six
languages (the no-JS path, where every page comes from the server), and no page on the way
shows a run of untranslated English."""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from babel.support import Translations

from haven.i18n import LANGUAGES, TRANSLATIONS_DIR

_spec = importlib.util.spec_from_file_location(
    "i18n_flow_intake_support", Path(__file__).parents[1] / "functional/intake/conftest.py")
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support
_spec.loader.exec_module(support)

RECEIPT = re.compile(r"<bdi>(1(?: [a-z]+){8})</bdi>")
# Three or more English words in a row, in visible text.
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z']+(?:[ ,]+[A-Za-z][a-z']+){2,}\b")
# Names that stay as they are in every language (products, and the helplines' own names
# as the deployment configures them).
PROPER_NAMES = ("Tor Browser", "Front Line Defenders", "Access Now Digital Security Helpline")
FORM = {
    "danger.danger_now": "no",
    "un_link.linked": "yes",
    "situation.narrative": "Interrogated at the airport after the session.",
    "consent.giver": "victim",
    "consent.scopes": ["contact", "un_confidential"],
}


def gettext_for(language: str):  # type: ignore[no-untyped-def]
    if language == "en":
        return lambda text: text
    return Translations.load(str(TRANSLATIONS_DIR), [language]).gettext


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|bdi)\b.*?</\1>", " ", page, flags=re.DOTALL)
    page = re.sub(r'<code class="receipt-value">.*?</code>', " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# Words English uses all the time and French and Spanish never do: a Latin-script run with
# two of them is English left untranslated, not a French or Spanish sentence.
ENGLISH_ONLY = frozenset({"the", "and", "your", "you", "with", "this", "that", "which", "have",
                          "has", "been", "will", "from", "they", "their", "what", "when",
                          "where", "who", "is", "are", "was", "were", "not", "it", "be", "of",
                          "to", "or", "if", "can", "may"})


def english_runs(page: str, latin_script: bool = False) -> list[str]:
    """Runs of three or more English words in the visible text. In a Latin-script language
    (``latin_script``) only runs with at least two words English alone uses count."""
    text = visible_text(page)
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    runs = ENGLISH_RUN.findall(text)
    if latin_script:
        runs = [run for run in runs
                if len(ENGLISH_ONLY & set(re.findall(r"[a-z']+", run.lower()))) >= 2]  # noqa: PLR2004
    return runs


@pytest.fixture
def flow_client(tmp_path, database_url):
    from intake.app import create_app

    instance = support.build_instance(tmp_path, database_url)
    return create_app(instance.config).test_client()


@pytest.mark.parametrize("language", LANGUAGES)
def test_complete_follow_up_and_withdraw_in_each_language(flow_client, language):
    _ = gettext_for(language)
    pages = {}
    for path in ("/", "/report", "/help", "/protection", "/next", "/inbox"):
        pages[path] = flow_client.get(f"{path}?lang={language}").get_data(as_text=True)
    sent = flow_client.post(f"/report/nojs?lang={language}", data=FORM,
                            content_type="multipart/form-data")
    assert sent.status_code == 201
    pages["receipt"] = sent.get_data(as_text=True)
    receipt = RECEIPT.search(pages["receipt"]).group(1)
    assert _("Your receipt") in html.unescape(pages["receipt"])

    opened = flow_client.post(f"/inbox/nojs?lang={language}", data={"receipt": receipt})
    pages["inbox"] = opened.get_data(as_text=True)
    assert _("Your report is active.") in html.unescape(pages["inbox"])
    followed = flow_client.post(f"/inbox/nojs/act?lang={language}", data={
        "receipt": receipt, "action": "message", "message": "One more detail."})
    assert followed.status_code == 200
    pages["follow-up"] = followed.get_data(as_text=True)
    withdrawn = flow_client.post(f"/inbox/nojs/act?lang={language}", data={
        "receipt": receipt, "action": "withdraw"})
    assert withdrawn.status_code == 200
    pages["withdrawn"] = withdrawn.get_data(as_text=True)
    assert _("You withdrew this report. It will be deleted.") in html.unescape(pages["withdrawn"])

    for name, page in pages.items():
        html_lang = "zh-Hans" if language == "zh" else language
        assert f'<html lang="{html_lang}"' in page, name
        if language != "en":
            leftovers = english_runs(page, latin_script=language in {"fr", "es"})
            assert not leftovers, (name, leftovers)


def test_the_leftover_detector_finds_untranslated_english():
    assert english_runs("<p>Отправить <b>your report now</b></p>") == ["your report now"]
    assert english_runs("<p>Используйте Tor Browser</p><bdi>1 alpha bravo charlie</bdi>") == []
    assert english_runs("<p>Envoyer le signalement maintenant</p>", latin_script=True) == []
    assert english_runs("<p>Envoyer: send it to the team</p>", latin_script=True) == [
        "send it to the team"]
