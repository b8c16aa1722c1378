"""The package builder's attachments: only scrubbed copies approved one by one, checked
again on the exact bytes that go in, the approved hash re-checked, within the caps."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from reviewer.release.attachments import (
    Approval,
    ScrubbedCopy,
    build_entries,
    package_attachments,
    with_data,
    without_data,
)
from reviewer.release.errors import AttachmentRefused
from reviewer.release.settings import ReleaseSettings
from vault.canonical import b64decode

BLOB, OTHER = "a" * 32, "b" * 32


def jpeg(colour: str = "teal", **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG", **save)
    return out.getvalue()


def approved(data: bytes, blob_id: str = BLOB, by: str | None = "coord-key",
             clean: bool = True) -> Approval:
    return Approval(blob_id, hashlib.sha256(data).hexdigest(), clean, by)


SETTINGS = ReleaseSettings()


def test_an_approved_clean_copy_is_included_with_its_bytes_and_caption():
    data = jpeg()
    entries = package_attachments([ScrubbedCopy(BLOB, data, "image/jpeg")], [approved(data)],
                                  ["  A notice on a door  "], SETTINGS)
    assert entries == [{"media_type": "image/jpeg", "sha256": hashlib.sha256(data).hexdigest(),
                        "size": len(data), "data": entries[0]["data"],
                        "caption": "A notice on a door"}]
    assert b64decode(entries[0]["data"]) == data
    no_caption = package_attachments([ScrubbedCopy(BLOB, data, "image/jpeg")],
                                     [approved(data)], [], SETTINGS)
    assert "caption" not in no_caption[0]


def test_a_copy_that_is_not_the_approved_one_is_refused():
    data, approved_copy = jpeg("teal"), jpeg("navy")
    with pytest.raises(AttachmentRefused, match="not the one that was approved"):
        package_attachments([ScrubbedCopy(BLOB, data, "image/jpeg")],
                            [approved(approved_copy)], [""], SETTINGS)


@pytest.mark.parametrize("approval", [
    None, approved(b"x", blob_id=OTHER), approved(b"x", by=None), approved(b"x", clean=False),
])
def test_without_its_own_approval_nothing_is_included(approval):
    data = jpeg()
    if approval is not None:  # the same bytes, but not a usable approval of this file
        approval = Approval(approval.blob_id, hashlib.sha256(data).hexdigest(),
                            approval.metadata_free, approval.approved_by)
    with pytest.raises(AttachmentRefused, match="not approved on its own"):
        package_attachments([ScrubbedCopy(BLOB, data, "image/jpeg")],
                            [approval] if approval else [], [""], SETTINGS)


def test_metadata_in_the_bytes_that_go_in_is_refused_even_when_approved():
    exif = Image.Exif()
    exif[0x010F] = "CamMaker"
    data = jpeg(exif=exif.tobytes())
    with pytest.raises(AttachmentRefused, match="still carries metadata"):
        package_attachments([ScrubbedCopy(BLOB, data, "image/jpeg")], [approved(data)], [""],
                            SETTINGS)


def test_only_png_and_jpeg_images_go_in():
    pdf = b"%PDF-1.4 rasterised"
    with pytest.raises(AttachmentRefused, match="only PNG and JPEG"):
        package_attachments([ScrubbedCopy(BLOB, pdf, "application/pdf")], [approved(pdf)],
                            [""], SETTINGS)
    data = jpeg()
    with pytest.raises(AttachmentRefused, match="only PNG and JPEG"):
        package_attachments([ScrubbedCopy(BLOB, data, "image/png")], [approved(data)], [""],
                            SETTINGS)


def test_size_caps_per_attachment_and_per_package():
    first, second = jpeg("teal"), jpeg("navy")
    tight = ReleaseSettings(attachment_max_bytes=len(first) - 1)
    with pytest.raises(AttachmentRefused, match="a released attachment may have"):
        package_attachments([ScrubbedCopy(BLOB, first, "image/jpeg")], [approved(first)],
                            [""], tight)
    total = ReleaseSettings(attachments_max_bytes=len(first) + len(second) - 1)
    copies = [ScrubbedCopy(BLOB, first, "image/jpeg"), ScrubbedCopy(OTHER, second,
                                                                     "image/jpeg")]
    with pytest.raises(AttachmentRefused, match="one package may carry"):
        package_attachments(copies, [approved(first), approved(second, OTHER)], ["", ""],
                            total)


def test_build_entries_scrubs_each_chosen_attachment_again():
    data, asked = jpeg(), []

    def scrub_copy(blob_id: str) -> ScrubbedCopy:
        asked.append(blob_id)
        return ScrubbedCopy(blob_id, data, "image/jpeg")

    entries = build_entries([BLOB], ["caption"], scrub_copy, [approved(data)], SETTINGS)
    assert asked == [BLOB]
    assert entries[0]["size"] == len(data)


def test_sealed_records_keep_the_entries_without_bytes_and_they_go_back_exactly():
    data = jpeg()
    entries = package_attachments([ScrubbedCopy(BLOB, data, "image/jpeg")], [approved(data)],
                                  ["notice"], SETTINGS)
    record = {"title": "t", "attachments": entries}
    stored = without_data(record)
    assert "data" not in stored["attachments"][0]
    assert with_data(stored, entries) == record
    other = jpeg("navy")
    swapped = package_attachments([ScrubbedCopy(BLOB, other, "image/jpeg")],
                                  [approved(other)], ["notice"], SETTINGS)
    with pytest.raises(AttachmentRefused, match="not the ones the draft was signed with"):
        with_data(stored, swapped)
    assert with_data({"title": "t"}, []) == {"title": "t"}
