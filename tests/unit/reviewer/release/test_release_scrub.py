"""Scrubbing for release (the sandboxed worker, for real): the same file always gives the
same bytes (the package builder finds the approved copy again by its hash), and a PDF
becomes one PNG of its pages that the case base's own checks accept."""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from casebase.attachments import AttachmentLimits, verify_attachment
from reviewer.release.metadata import metadata_found
from reviewer.scrub import ScrubLimits, scrub_for_release
from vault.canonical import b64encode

LIMITS = ScrubLimits(cpu_seconds=20, memory_bytes=1 << 30, max_pixels=60_000_000,
                     max_pages=20, timeout_seconds=60)


def pdf_with_metadata() -> bytes:
    pages = [Image.new("RGB", (300, 400), colour) for colour in ("white", "yellow")]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], title="Notice to M.",
                  author="Ministry clerk", subject="travel ban")
    return out.getvalue()


def photo_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (50, 40), "teal").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def accepted_by_the_case_base(data: bytes, media_type: str) -> None:
    entry = {"media_type": media_type, "sha256": hashlib.sha256(data).hexdigest(),
             "size": len(data), "data": b64encode(data)}
    assert verify_attachment(entry, 0, AttachmentLimits()).data == data


def test_a_pdf_is_released_as_one_clean_png_of_its_pages_every_time_the_same():
    source = pdf_with_metadata()
    first, second = scrub_for_release(source, LIMITS), scrub_for_release(source, LIMITS)
    assert first.sha256 == second.sha256
    assert first.data == second.data
    assert (first.media_type, first.transform) == ("image/png", "pdf-rasterised-png-150dpi")
    assert metadata_found(first.data, first.media_type) == []
    for text in (b"Ministry clerk", b"Notice to M.", b"travel ban"):
        assert text not in first.data
    with Image.open(io.BytesIO(first.data)) as image:
        assert image.format == "PNG"
        assert image.height > image.width  # two portrait pages, one above the other
    accepted_by_the_case_base(first.data, "image/png")


def test_a_photo_is_re_encoded_the_same_way_every_time():
    source = photo_with_exif()
    first, second = scrub_for_release(source, LIMITS), scrub_for_release(source, LIMITS)
    assert first.data == second.data
    assert first.media_type == "image/jpeg"
    assert metadata_found(first.data, first.media_type) == []
    accepted_by_the_case_base(first.data, "image/jpeg")
