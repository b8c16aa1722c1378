"""Scrubbed images released with a record: checked at ingest, stored, served (S15).

The reviewer side scrubs and checks every image before it signs a package; the case base
trusts none of that and checks each one again before anything is stored: the bytes decode
(base64url), have the stated size and hash, are within the configured caps, are the stated
type by their magic bytes and as Pillow reads them, decode as an image within a pixel
limit, and carry no metadata — no EXIF, XMP, ICC profile, comment or text chunk, checked
both by walking the file's own structure (JPEG segments, PNG chunks, an allow-list) and as
Pillow parses it. Anything else refuses the whole package with a specific code.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

from casebase.errors import InvalidPackage
from vault.canonical import b64decode
from vault.errors import VaultError

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}
MAX_PIXELS = 40_000_000
# PNG chunks that carry pixels or how to show them, nothing about where or who: every
# other chunk (tEXt, zTXt, iTXt, eXIf, iCCP, tIME, private ones) is refused.
PNG_CHUNKS = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM",
                        b"sRGB", b"pHYs", b"sBIT", b"bKGD"})
PILLOW_INFO = ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop",
               "adobe", "mp")
PACKAGE_OVERHEAD_BYTES = 256 * 1024  # the record, signatures and certificate


@dataclass(frozen=True)
class AttachmentLimits:
    attachment_max_bytes: int = 4 * 1024 * 1024
    attachments_max_bytes: int = 10 * 1024 * 1024

    @property
    def max_package_bytes(self) -> int:
        """A signed package: its attachments as base64url (4/3) and the rest of it."""
        return -(-self.attachments_max_bytes * 4 // 3) + PACKAGE_OVERHEAD_BYTES


@dataclass(frozen=True)
class VerifiedAttachment:
    position: int
    media_type: str
    sha256: str
    size: int
    caption: str | None
    data: bytes


def verify_attachments(record: Mapping[str, Any],
                       limits: AttachmentLimits) -> list[VerifiedAttachment]:
    """Every attachment of a (schema-valid) record, checked; ``InvalidPackage`` otherwise."""
    entries: Sequence[Mapping[str, Any]] = record.get("attachments") or []
    if len({e["sha256"] for e in entries}) != len(entries):
        raise InvalidPackage("the same attachment is listed twice", "attachment_duplicate")
    total = sum(int(e["size"]) for e in entries)
    if total > limits.attachments_max_bytes:
        raise InvalidPackage(f"attachments come to {total} bytes, over the "
                             f"{limits.attachments_max_bytes} this case base takes",
                             "attachment_too_large")
    return [verify_attachment(entry, index, limits) for index, entry in enumerate(entries)]


def verify_attachment(entry: Mapping[str, Any], index: int,
                      limits: AttachmentLimits) -> VerifiedAttachment:
    where = f"record.attachments[{index}]"
    size, media_type = int(entry["size"]), str(entry["media_type"])
    if size > limits.attachment_max_bytes:
        raise InvalidPackage(f"{where} is {size} bytes, over the "
                             f"{limits.attachment_max_bytes} this case base takes",
                             "attachment_too_large")
    try:
        data = b64decode(str(entry["data"]))
    except (VaultError, ValueError):
        raise InvalidPackage(f"{where}.data is not base64url", "attachment_bad_encoding") from None
    if len(data) != size:
        raise InvalidPackage(f"{where} has {len(data)} bytes, not the {size} stated",
                             "attachment_size_mismatch")
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise InvalidPackage(f"{where}: the bytes do not hash to the stated sha256",
                             "attachment_hash_mismatch")
    if not data.startswith(MAGIC[media_type]):
        raise InvalidPackage(f"{where}: the bytes are not {media_type} (magic bytes)",
                             "attachment_wrong_type")
    found = structure_metadata(data, media_type) + pillow_metadata(data, media_type, where)
    if found:
        raise InvalidPackage(f"{where} carries metadata: {', '.join(sorted(set(found)))}",
                             "attachment_metadata")
    caption = entry.get("caption")
    return VerifiedAttachment(index, media_type, entry["sha256"], size,
                              str(caption) if caption else None, data)


def pillow_metadata(data: bytes, media_type: str, where: str) -> list[str]:
    """Decode the image fully (within ``MAX_PIXELS``) and list the metadata Pillow sees."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[FORMATS[media_type]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise InvalidPackage(f"{where} has more than {MAX_PIXELS} pixels",
                                         "attachment_not_image")
                image.load()
                found = [f"{key}" for key in PILLOW_INFO if image.info.get(key)]
                found += [f"text {key}" for key in getattr(image, "text", {}) or {}]
                if image.getexif():
                    found.append("EXIF tags")
                return found
    except InvalidPackage:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise InvalidPackage(f"{where} does not decode as {media_type}",
                             "attachment_not_image") from None


def structure_metadata(data: bytes, media_type: str) -> list[str]:
    """What the file's own structure carries besides pixels (an allow-list)."""
    try:
        if media_type == "image/png":
            return [f"PNG chunk {name}" for name in _png_chunks(data)
                    if name not in PNG_CHUNKS]
        return [what for marker, payload in _jpeg_segments(data)
                if (what := _jpeg_extra(marker, payload))]
    except ValueError as exc:
        return [f"damaged file ({exc})"]


def _png_chunks(data: bytes) -> Iterator[bytes]:
    at = 8
    while at < len(data):
        if at + 12 > len(data):
            raise ValueError("a truncated PNG chunk")
        length = int.from_bytes(data[at:at + 4], "big")
        name = data[at + 4:at + 8]
        yield name
        at += 12 + length
        if name == b"IEND":
            if at != len(data):
                yield b"bytes after IEND"
            return
    raise ValueError("no IEND chunk")


def _jpeg_segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(marker, payload) of every segment, also after the first scan (progressive files)."""
    at = 2
    while at < len(data):
        if data[at] != 0xFF:  # noqa: PLR2004
            raise ValueError("a JPEG segment does not start with 0xFF")
        marker = data[at + 1] if at + 1 < len(data) else 0
        if marker == 0xFF:  # noqa: PLR2004 - fill byte
            at += 1
            continue
        if marker == 0xD9:  # noqa: PLR2004 - end of image
            if at + 2 != len(data):
                yield 0xD9, b"bytes after the end of image"  # noqa: PLR2004
            return
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if length < 2 or at + 2 + length > len(data):  # noqa: PLR2004
            raise ValueError("a truncated JPEG segment")
        yield marker, data[at + 4:at + 2 + length]
        at += 2 + length
        if marker == 0xDA:  # noqa: PLR2004 - start of scan: skip the entropy-coded data
            at = _after_scan(data, at)
    raise ValueError("no end of image")


def _after_scan(data: bytes, at: int) -> int:
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            raise ValueError("a scan without an end")
        follower = data[at + 1]
        if follower == 0 or 0xD0 <= follower <= 0xD7 or follower == 0xFF:  # noqa: PLR2004
            at += 1 if follower == 0xFF else 2  # noqa: PLR2004
            continue
        return at


def _jpeg_extra(marker: int, payload: bytes) -> str | None:
    if marker == 0xD9:  # noqa: PLR2004
        return "bytes after the end of image"
    if marker == 0xFE:  # noqa: PLR2004
        return "JPEG comment"
    if marker == 0xE0:  # noqa: PLR2004 - APP0: a plain JFIF header, no thumbnail
        plain = payload.startswith(b"JFIF\x00") and payload[12:14] == b"\x00\x00"
        return None if plain else "JPEG APP0 other than a plain JFIF header"
    if 0xE1 <= marker <= 0xEF:  # noqa: PLR2004 - EXIF, XMP, ICC, Photoshop/IPTC, Adobe...
        label = payload[:12].split(b"\x00")[0].decode("latin-1", "replace") or "?"
        return f"JPEG APP{marker - 0xE0} ({label})"
    return None


def sniff_extension(media_type: str) -> str:
    return EXTENSIONS.get(media_type, "bin")
