"""Rule 8's check on scrubbed copies: metadata is found in originals and absent from what the
sandboxed scrubber (reviewer.scrub, run for real) produces."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from reviewer.release.metadata import metadata_found
from reviewer.scrub import ScrubLimits, scrub

LIMITS = ScrubLimits(cpu_seconds=30, memory_bytes=1536 * 1024 * 1024, max_pixels=4_000_000,
                     max_pages=5, timeout_seconds=60)


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CamMaker"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(out, "JPEG", exif=exif.tobytes(),
                                            comment=b"a comment")
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Someone")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_info() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(out, "PDF", title="A title", author="Someone")
    return out.getvalue()


@pytest.mark.parametrize(("make", "media_type"), [
    (jpeg_with_exif, "image/jpeg"), (png_with_text, "image/png")])
def test_originals_carry_metadata_scrubbed_images_do_not(make, media_type):
    original = make()
    assert metadata_found(original, media_type)
    clean = scrub(original, LIMITS)
    assert metadata_found(clean.data, clean.media_type) == []


def test_scrubbed_pdf_keeps_no_author_or_title():
    original = pdf_with_info()
    assert "PDF info Author" in metadata_found(original, "application/pdf")
    clean = scrub(original, LIMITS)
    found = metadata_found(clean.data, clean.media_type)
    assert not {"PDF info Author", "PDF info Title"} & set(found)


def test_scrubbed_pdf_carries_no_metadata_at_all():
    clean = scrub(pdf_with_info(), LIMITS)
    assert metadata_found(clean.data, clean.media_type) == []


def test_audio_and_video_are_never_released():
    assert metadata_found(b"ID3....", "audio/mpeg") == ["audio/mpeg files are not released"]


def test_unreadable_files_are_reported():
    assert metadata_found(b"not an image", "image/png")[0].startswith("not a readable image")
    assert metadata_found(b"%PDF-1.7 junk", "application/pdf")[0].startswith("not a readable")
