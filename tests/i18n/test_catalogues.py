"""The message catalogues: complete for every string in the code today, nothing fuzzy, real
translations (not copies of the English), placeholders kept, compiled files current.

The expected messages come from a fresh extraction of the source tree (the same command as
``make i18n``), not from the committed template, so a string added to a template or view
without a translation fails here with its msgid named.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

from haven.i18n import LANGUAGES, SOURCE_LANGUAGE, TRANSLATIONS_DIR
from haven.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
TARGETS = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)

_spec = importlib.util.spec_from_file_location("haven_i18n_check", ROOT / "scripts/i18n_check.py")
i18n_check = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = i18n_check
_spec.loader.exec_module(i18n_check)


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory) -> Path:
    """``pybabel extract`` exactly as ``make i18n`` runs it, into a temporary template."""
    out = tmp_path_factory.mktemp("i18n") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel) if pybabel.exists() else shutil.which("pybabel") or "pybabel",
               "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_", "-k", "translate",
               "-k", "lazy_gettext",
               "-k", "lazy_ngettext:1,2", "--no-location", "--sort-output",
               "--project", "Haven", "-o", str(out), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # noqa: S603
    return out


@pytest.fixture(scope="module")
def expected_ids(fresh_template) -> list[str]:
    return i18n_check.template_ids(fresh_template)


def test_the_committed_template_lists_every_string_in_the_code(fresh_template):
    fresh = set(i18n_check.template_ids(fresh_template))
    committed = set(i18n_check.template_ids())
    missing = sorted(fresh - committed)
    assert not missing, f"run `make i18n`; not in messages.pot: {missing}"


def test_the_taxonomy_labels_are_extracted(expected_ids):
    labels = {label for terms in load_taxonomy().vocabularies.values() for label in terms.values()}
    assert labels <= set(expected_ids)
    assert len(expected_ids) > len(labels) + 500  # the apps' own strings are there too


@pytest.mark.parametrize("language", TARGETS)
def test_catalogue_is_complete_real_and_compiled(language, expected_ids):
    report = i18n_check.check_language(language, expected_ids)
    assert report.ok, "\n".join(report.lines())


@pytest.mark.parametrize("language", TARGETS)
def test_every_taxonomy_label_reads_in_the_language(language):
    translations = Translations.load(str(TRANSLATIONS_DIR), [language])
    taxonomy = load_taxonomy()
    untranslated = [label for terms in taxonomy.vocabularies.values()
                    for label in terms.values()
                    if translations.gettext(label) == label
                    and label not in i18n_check.SAME_ALLOWED]
    assert not untranslated


@pytest.mark.parametrize("language", TARGETS)
def test_consent_explanations_are_translated_and_distinct(language):
    """Each consent scope's label reads differently from the others in every language: two
    scopes sharing one translation would make a reporter's choice ambiguous."""
    translations = Translations.load(str(TRANSLATIONS_DIR), [language])
    labels = load_taxonomy().vocabulary("consent_scopes").values()
    translated = [translations.gettext(label) for label in labels]
    assert len(set(translated)) == len(translated)
    assert not set(translated) & set(labels)


def test_the_check_names_missing_fuzzy_copied_and_broken_messages(tmp_path):
    with (TRANSLATIONS_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    by_id = {m.id: m for m in catalogue if m.id}
    del catalogue["Quick exit"]
    by_id["Report a reprisal"].flags.add("fuzzy")
    by_id["Urgent help"].string = "Urgent help"
    by_id["Status: %(status)s"].string = "Statut : %(etat)s"
    path = tmp_path / "messages.po"
    with path.open("wb") as handle:
        write_po(handle, catalogue)
    report = i18n_check.check_language("fr", i18n_check.template_ids(), path=path)
    assert report.missing == ["Quick exit"]
    assert report.fuzzy == ["Report a reprisal"]
    assert report.copies == ["Urgent help"]
    assert report.placeholders == ["Status: %(status)s"]
    assert report.stale_mo  # no compiled file beside the copy
    assert not report.ok
    assert "fr: missing: 'Quick exit'" in report.lines()


def test_the_check_refuses_latin_text_in_a_non_latin_catalogue(tmp_path):
    with (TRANSLATIONS_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="ru")
    next(m for m in catalogue if m.id == "Quick exit").string = "Quick exit (fast)"
    path = tmp_path / "messages.po"
    with path.open("wb") as handle:
        write_po(handle, catalogue)
    check = i18n_check.check_language("ru", i18n_check.template_ids(), path=path)
    assert check.wrong_script == ["Quick exit"]
