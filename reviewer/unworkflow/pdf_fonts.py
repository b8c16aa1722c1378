"""The fonts the package PDF is set in, and the characters a host's fonts cannot show.

A transmission carries text in any of the six UN languages. DejaVu Sans covers Latin,
Cyrillic, Greek and Arabic; Chinese needs a CJK font (Debian's fonts-wqy-microhei, or
fonts-noto-cjk), registered as fpdf2's fallback font so a line that mixes Chinese and English
takes each character from the font that has it. Arabic is only readable shaped (joined
letters, right to left), which needs HarfBuzz (``uharfbuzz``).

A host may lack a font. The PDF then still builds: each character no font can show is
transliterated (anyascii) rather than drawn as an empty box, and the scripts concerned are
returned so the reviewer page can say plainly that the PDF is incomplete and the JSON beside
it is the authoritative record.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii

BODY_FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # fonts-wqy-microhei (5 MB)
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # fonts-noto-cjk
)
# Right-to-left letters (Arabic, Hebrew, Syriac, Thaana...): unreadable unless shaped.
RTL_CLASSES = frozenset({"R", "AL"})


def N_(text: str) -> str:  # noqa: N802 - marks a script name for the catalogues, shown translated
    return text


# Script names the reviewer page shows, keyed by the first word of a character's Unicode
# name; the page translates them. A script not listed is named by its Unicode name.
SCRIPT_NAMES: Mapping[str, str] = {
    "ARABIC": N_("Arabic"),
    "CJK": N_("Chinese (Han characters)"),
    "IDEOGRAPHIC": N_("Chinese (Han characters)"),  # 。 and other CJK punctuation
    "FULLWIDTH": N_("Chinese (Han characters)"),  # ，： and other full-width forms
    "CYRILLIC": N_("Cyrillic"),
    "GREEK": N_("Greek"),
    "HEBREW": N_("Hebrew"),
    "HANGUL": N_("Korean (Hangul)"),
    "HIRAGANA": N_("Japanese (kana)"),
    "KATAKANA": N_("Japanese (kana)"),
    "LATIN": N_("Latin"),
}


@dataclass(frozen=True)
class FontFiles:
    """The font files this host has; ``None`` where none of the candidates is installed."""

    body: Path | None
    cjk: Path | None
    shaping: bool  # HarfBuzz bindings importable


def installed_fonts(body: Iterable[Path] = BODY_FONTS,
                    cjk: Iterable[Path] = CJK_FONTS) -> FontFiles:
    return FontFiles(_first_file(body), _first_file(cjk),
                     importlib.util.find_spec("uharfbuzz") is not None)


def _first_file(paths: Iterable[Path]) -> Path | None:
    return next((path for path in paths if path.is_file()), None)


def script_name(char: str) -> str:
    """The script of ``char`` in words ("Arabic", "Chinese (Han characters)"...)."""
    word = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
    return SCRIPT_NAMES.get(word, word.capitalize())


def needs_shaping(char: str) -> bool:
    return unicodedata.bidirectional(char) in RTL_CLASSES


def is_rtl_paragraph(text: str) -> bool:
    """Unicode bidi rule P2: the first strong character sets the paragraph's direction."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in RTL_CLASSES:
            return True
        if direction == "L":
            return False
    return False


class Coverage:
    """Which characters the PDF can draw; the others are transliterated and their scripts
    remembered (``unrendered``)."""

    def __init__(self, drawable: Callable[[str], bool]) -> None:
        self._drawable = drawable
        self.unrendered: set[str] = set()

    def text(self, value: str) -> str:
        if all(self._drawable(char) for char in value):
            return value
        out = []
        for char in value:
            if self._drawable(char):
                out.append(char)
            else:
                self.unrendered.add(script_name(char))
                out.append(anyascii(char))
        return "".join(out)

