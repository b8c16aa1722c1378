from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.filenames import content_disposition, safe_name, with_suffix


@pytest.mark.parametrize(("hostile", "expected"), [
    ("report\u202egpj.exe", "report_gpj.exe"),
    ("../../etc/passwd", "etc_passwd"),
    ("a\r\nb.pdf", "a__b.pdf"),
    ("\u200bzero\u2066width.png", "zero_width.png"),
    ('x"; filename=evil.exe', "x__ filename=evil.exe"),
    ("...", "attachment"),
    ("", "attachment"),
])
def test_safe_name(hostile, expected):
    assert safe_name(hostile) == expected


def test_long_names_keep_their_extension():
    name = safe_name("x" * 500 + ".pdf")
    assert len(name) <= 100
    assert name.endswith(".pdf")


def test_scrubbed_suffix():
    assert with_suffix("photo.JPG", "scrubbed", "png") == "photo-scrubbed.png"


def test_disposition_has_ascii_fallback_and_rfc8187_name():
    header = content_disposition("تقرير.pdf")
    assert header.startswith('attachment; filename="attachment.pdf"; filename*=UTF-8\'\'')
    assert unquote(header.split("''", 1)[1]) == "تقرير.pdf"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_name_gives_a_header_without_controls_or_quotes(name):
    header = content_disposition(name)
    assert header.isascii()
    assert "\r" not in header
    assert "\n" not in header
    decoded = unquote(header.split("''", 1)[1])
    assert '"' not in decoded
    assert "/" not in decoded
    assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in decoded)
