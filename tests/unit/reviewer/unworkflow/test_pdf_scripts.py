"""The transmission PDF in Arabic, Chinese and mixed lines: read back with pdfium.

What pdfium gives back, checked here: an Arabic run extracts as its logical string (the
embedded font maps each shaped glyph back to its letter); inside an English line pdfium
lists the Arabic words in visual order, so there the letters and their positions on the
page are checked instead. The host's fonts are installed by deploy/scripts/install-test-deps.sh.
"""

from __future__ import annotations

import ctypes
import dataclasses
from collections import Counter
from functools import cache

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from fontTools.ttLib import TTFont

from reviewer.unworkflow.pdf import build_pdf
from reviewer.unworkflow.pdf_fonts import installed_fonts

ARABIC = "اعتقل المدافع بعد عودته من جنيف"
CHINESE = "他在日内瓦人权理事会发言后被拘留。"
MIXED = "Questioned about مجلس حقوق الإنسان testimony and 人权理事会 session"
JOINED = "تحقيق"  # five letters that all join: one connected stroke when shaped
PACKAGE = {
    "format": "haven-transmission/1", "transmission_id": "t-1",
    "destination": {"id": "ohchr-demo", "name": "OHCHR"}, "use": "confidential",
    "acts": [{"date": "2026-03-20", "place": CHINESE}],
    "current_situation": {"narrative": ARABIC, "charges": JOINED},
    "link_to_cooperation": MIXED,
    "summary": {"lang": "fr", "text": "Interdiction de voyager après le témoignage."},
}


@cache
def rendered() -> bytes:
    fonts = installed_fonts()
    missing = [name for name in ("body", "cjk", "shaping") if not getattr(fonts, name)]
    assert not missing, f"{missing}: run deploy/scripts/install-test-deps.sh"
    result = build_pdf(PACKAGE, fonts)
    assert result.unrendered_scripts == ()
    return result.data


def page_text(data: bytes) -> str:
    return pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()


def chars(data: bytes) -> list[tuple[str, float, str]]:
    """(character, left x, font name) for every character on page 1."""
    page = pypdfium2.PdfDocument(data)[0]
    textpage = page.get_textpage()
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    out = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, 256, ctypes.byref(flags))
        out.append((char, textpage.get_charbox(index)[0], buffer.value.decode()))
    return out


def embedded_fonts(data: bytes) -> dict[str, bool]:
    page = pypdfium2.PdfDocument(data)[0]
    fonts = {}
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
        font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
        buffer = ctypes.create_string_buffer(256)
        pdfium_c.FPDFFont_GetBaseFontName(font, buffer, 256)
        fonts[buffer.value.decode()] = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
    return fonts


def test_arabic_narrative_extracts_as_its_logical_string():
    assert ARABIC in page_text(rendered())


def test_every_chinese_character_is_drawn_from_the_cjk_font_that_has_it():
    cjk = installed_fonts().cjk
    assert cjk is not None
    cmap = TTFont(str(cjk), fontNumber=0).getBestCmap()
    placed = [(c, font) for c, _, font in chars(rendered()) if "\u4e00" <= c <= "\u9fff"]
    assert Counter(c for c, _ in placed) == Counter(c for c in CHINESE + MIXED
                                                    if "\u4e00" <= c <= "\u9fff")
    for char, font in placed:
        assert "WenQuanYi" in font or "Noto" in font, (char, font)  # not DejaVu's .notdef
        assert ord(char) in cmap


def test_mixed_line_keeps_every_letter_and_sets_arabic_right_to_left_in_the_english_line():
    text = page_text(rendered())
    line = next(row for row in text.splitlines() if "Questioned" in row)
    assert Counter(c for c in line if c.isalpha()) == Counter(c for c in MIXED if c.isalpha())
    assert "Questioned about" in line
    assert "session" in line
    placed = chars(rendered())
    start = next(i for i, (c, _, _) in enumerate(placed) if c == "Q")
    row = placed[start:start + len(MIXED)]
    row_text = "".join(c for c, _, _ in row)
    arabic = [(c, x) for c, x, _ in row if "\u0600" <= c <= "\u06ff"]
    before = max(x for c, x, _ in row[:row_text.index("about") + 5])
    after = row[row_text.index("testimony")][1]
    assert before < min(x for _, x in arabic) < max(x for _, x in arabic) < after
    # Right to left inside the run: the first word in reading order is the rightmost.
    rightmost = max(arabic, key=lambda item: item[1])[0]
    assert rightmost == "م"  # the first letter of مجلس


def test_arabic_is_shaped_into_one_connected_stroke():
    data = rendered()
    placed = chars(data)
    boxes = []
    textpage = pypdfium2.PdfDocument(data)[0].get_textpage()
    start = page_text(data).replace("\r\n", "\n")
    assert JOINED in start
    for index, (char, _, _) in enumerate(placed):
        if char in JOINED and index + len(JOINED) <= len(placed) and "".join(
                c for c, _, _ in placed[index:index + len(JOINED)]) == JOINED:
            boxes = [textpage.get_charbox(i) for i in range(index, index + len(JOINED))]
            break
    assert boxes
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
    scale = 8
    page = pypdfium2.PdfDocument(data)[0]
    height = page.get_height()
    image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    crop = image.crop((int(left * scale) + 1, int((height - top) * scale),
                       int(right * scale) - 1, int((height - bottom) * scale)))
    blank_columns = [x for x in range(crop.width)
                     if min(crop.getpixel((x, y)) for y in range(crop.height)) > 200]
    assert crop.width > 20
    assert blank_columns == []  # isolated letters would leave gaps between them


def test_fonts_are_embedded_and_the_only_metadata_is_the_creator():
    data = rendered()
    fonts = embedded_fonts(data)
    assert any("DejaVuSans" in name for name in fonts)
    assert any("WenQuanYi" in name or "Noto" in name for name in fonts)
    assert all(fonts.values())
    metadata = {k: v for k, v in pypdfium2.PdfDocument(data).get_metadata_dict().items() if v}
    assert metadata == {"Creator": "Haven"}
    assert b"CreationDate" not in data
    assert b"<x:xmpmeta" not in data
    assert build_pdf(PACKAGE).data == data  # no time in it: the same package, the same bytes


def test_page_one_has_ink_where_the_chinese_and_arabic_text_are():
    data = rendered()
    page = pypdfium2.PdfDocument(data)[0]
    image = page.render(scale=2, grayscale=True).to_pil().convert("L")
    height = page.get_height()
    textpage = page.get_textpage()
    for index, (char, _, _) in enumerate(chars(data)):
        if char in (CHINESE[0], ARABIC[-1]):
            left, bottom, right, top = textpage.get_charbox(index)
            box = image.crop((int(left * 2), int((height - top) * 2),
                              int(right * 2) + 1, int((height - bottom) * 2) + 1))
            assert box.getextrema()[0] < 128, char  # some dark pixels, not a blank box


def test_titles_and_labels_follow_the_summary_language():
    text = page_text(rendered())
    assert "Situation actuelle" in text
    assert "Résumé" in text
    assert "Récit" in text
    spanish = page_text(build_pdf({**PACKAGE, "summary": {"lang": "es", "text": "x"}}).data)
    assert "Situación actual" in spanish
    assert "Resumen" in spanish
    english = page_text(build_pdf({**PACKAGE, "summary": {"lang": "en", "text": "x"}}).data)
    assert "Current situation" in english
    assert "Narrative" in english


@pytest.mark.parametrize("missing", ["cjk", "body"])
def test_missing_font_still_builds_and_names_the_script_it_could_not_render(missing):
    fonts = dataclasses.replace(installed_fonts(), **{missing: None})
    result = build_pdf(PACKAGE, fonts)
    text = page_text(result.data)
    assert "Chinese (Han characters)" in result.unrendered_scripts
    assert not any("\u4e00" <= c <= "\u9fff" for c in text)  # transliterated, not blank boxes
    assert "RiNeiWa" in text.replace(" ", "")
    if missing == "body":
        assert "Arabic" in result.unrendered_scripts
    else:
        assert ARABIC in text
        assert "Arabic" not in result.unrendered_scripts


def test_without_harfbuzz_arabic_is_reported_rather_than_set_as_isolated_letters():
    result = build_pdf(PACKAGE, dataclasses.replace(installed_fonts(), shaping=False))
    assert "Arabic" in result.unrendered_scripts
    assert not any("\u0600" <= c <= "\u06ff" for c in page_text(result.data))
