"""Latin-script words left on a page read in Arabic or Russian: untranslated English, or a
raw id shown where a label belongs. Data is not counted: text inside ``<bdi>`` (names,
narratives, anything people typed), ``<code>`` (commands, paths, formats to type),
``<pre>``, scripts and styles, and elements marked ``translate="no"`` (an organisation id in
an ``<option>``, where no ``<bdi>`` may stand); text shown in a ``<bdi>`` on the page is
data wherever else it appears too (a case title repeated in ``<title>``); nor words on the
allow-list of names, acronyms and formats that stay as they are in every language."""

from __future__ import annotations

import html
import re

# Two or more Latin letters (accents included): single letters are list markers and such.
# Letters glued to digits are hex ids or dates, not words.
LATIN_WORD = re.compile(r"(?<![0-9A-Za-z])[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'-]*"
                        r"[A-Za-z\u00C0-\u024F](?![0-9A-Za-z])")
# Addresses, file paths and file names are data, not words.
URL = re.compile(r"\S*(?:https?://|www\.|/)\S*|\S+\.(?:onion|org|json|age|csv|png|svg)\b")
ALLOWED = frozenset({
    # Names of the product, organisations, mechanisms and software.
    "Haven", "OHCHR", "UN", "UPR", "HRC", "ECOSOC", "EMRIP", "CEDAW", "CAT", "CCPR", "Tor",
    "Browser", "Front", "Line", "Defenders", "Access", "Now", "Digital", "Security",
    "Helpline", "English", "Français", "Español", "Uwazi",
    # Formats, algorithms and units written the same in every language.
    "SHA", "sha", "TOTP", "QR", "PDF", "PNG", "SVG", "CSV", "JSON", "API", "URL", "ID", "age",
    "ISO", "KiB", "MB", "GB", "KB", "MAC", "HTTP", "YYYY", "MM", "DD", "YYYY-MM", "YYYY-MM-DD",
    "II", "III", "IV",
})


DATA_ELEMENT = re.compile(r"<(script|style|bdi|code|pre|template|textarea)\b.*?</\1>",
                          re.DOTALL | re.IGNORECASE)
NOT_TRANSLATED = re.compile(r"<(\w+)\b[^>]*\btranslate=\"no\"[^>]*>.*?</\1>",
                            re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    data = sorted({html.unescape(TAG.sub("", m.group(0))).strip()
                   for m in re.finditer(r"<bdi\b.*?</bdi>", page, re.DOTALL | re.IGNORECASE)},
                  key=len, reverse=True)
    page = NOT_TRANSLATED.sub(" ", DATA_ELEMENT.sub(" ", page))
    text = html.unescape(TAG.sub(" ", page))
    for shown in data:
        if shown:
            text = text.replace(shown, " ")
    return URL.sub(" ", text)


def latin_words(page: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Every Latin-script word shown on ``page`` outside the data and the allow-list."""
    return [word for word in LATIN_WORD.findall(visible_text(page))
            if word not in ALLOWED and word not in allowed]
