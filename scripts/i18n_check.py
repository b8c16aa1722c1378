#!/usr/bin/env python3
"""Check Haven's message catalogues: complete, not fuzzy, real translations, compiled.

Run from the repository root (``make i18n`` runs it after extracting and updating):

    python scripts/i18n_check.py            # every language
    python scripts/i18n_check.py ar fr      # some

For each catalogue it lists, by msgid, every message that is missing (no translation),
fuzzy, obsolete-but-absent-from-the-template, a copy of the English, written in the wrong
script, or whose ``%(name)s`` placeholders differ from the English; and whether the compiled
``messages.mo`` matches its ``messages.po``. Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "haven" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
TARGET_LANGUAGES = ("ar", "zh", "fr", "ru", "es")

# A translation in these languages must contain at least one letter of its own script.
SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "ru": re.compile(r"[\u0400-\u04FF]"),
    "zh": re.compile(r"[\u4E00-\u9FFF]"),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")
WORD = re.compile(r"[A-Za-z]{2,}")
# msgids that are legitimately the same in a Latin-script language: names, acronyms,
# symbols. Anything else identical to the English is reported as an untranslated copy.
SAME_ALLOWED = frozenset({
    # Names and acronyms.
    "Haven", "API", "CSV", "JSON", "OpenAPI", "TOTP", "URL", "ID", "PDF", "SVG", "OHCHR",
    "Tor Browser",
    # Words French or Spanish write exactly as English does.
    "Action", "Actions", "Correct.", "Error", "Error %(status)s", "Incident %(n)d", "Message",
    "No", "Organisation", "Pages", "Police", "Possible", "Secret", "Source", "Sources",
    "Total", "Type", "URGENT", "Urgent", "urgent", "Version", "version %(v)s", "bytes",
    "error", "original…",
})


@dataclass
class CatalogueReport:
    language: str
    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    wrong_script: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    stale_mo: bool = False
    absent: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.fuzzy or self.copies or self.wrong_script
                    or self.placeholders or self.stale_mo or self.absent)

    def lines(self) -> list[str]:
        if self.absent:
            return [f"{self.language}: no catalogue (run `make i18n`)"]
        out = []
        for title, items in (("missing", self.missing), ("fuzzy", self.fuzzy),
                             ("copied from English", self.copies),
                             ("not in the language's script", self.wrong_script),
                             ("placeholders differ", self.placeholders)):
            out += [f"{self.language}: {title}: {msgid!r}" for msgid in items]
        if self.stale_mo:
            out.append(f"{self.language}: messages.mo is out of date (run `make i18n`)")
        return out


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def load(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def template_ids(template: Path = TEMPLATE) -> list[str]:
    return [_key(m) for m in load(template) if m.id]


def check_language(language: str, expected: list[str] | None = None,
                   path: Path | None = None) -> CatalogueReport:
    """Every problem of one catalogue (``path``: another copy, for tests), by msgid."""
    report = CatalogueReport(language)
    path = path or catalogue_path(language)
    if not path.is_file():
        report.absent = True
        return report
    catalogue = load(path, language)
    messages = {_key(m): m for m in catalogue if m.id}
    for key in expected if expected is not None else template_ids():
        message = messages.get(key)
        if message is None or not _translated(message):
            report.missing.append(key)
            continue
        _check_message(report, message)
    report.stale_mo = not _mo_matches(catalogue, path.with_suffix(".mo"))
    return report


def _check_message(report: CatalogueReport, message: Message) -> None:
    key = _key(message)
    if message.fuzzy:
        report.fuzzy.append(key)
    originals = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    script = SCRIPTS.get(report.language)
    for text in strings:
        if _placeholders(text) != _placeholders(originals[0]):
            report.placeholders.append(key)
            break
    if not WORD.search(_without_placeholders(originals[0])):
        return  # symbols, numbers or a bare placeholder: nothing to translate
    if script is not None:
        if not all(script.search(_without_placeholders(text)) for text in strings):
            report.wrong_script.append(key)
    elif originals[0] not in SAME_ALLOWED and any(text == originals[0] for text in strings):
        report.copies.append(key)


def _placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def _without_placeholders(text: str) -> str:
    return PLACEHOLDER.sub("", text)


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(s.strip() for s in strings)


def _mo_matches(catalogue: Catalog, mo_path: Path) -> bool:
    if not mo_path.is_file():
        return False
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue() == mo_path.read_bytes()


def main(argv: list[str]) -> int:
    languages = tuple(argv) or TARGET_LANGUAGES
    expected = template_ids()
    failed = False
    for language in languages:
        report = check_language(language, expected)
        for line in report.lines():
            print(line)
        status = "ok" if report.ok else "PROBLEMS"
        print(f"{language}: {len(expected)} messages, {len(report.missing)} missing, "
              f"{len(report.fuzzy)} fuzzy, {len(report.copies)} copied — {status}")
        failed = failed or not report.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
