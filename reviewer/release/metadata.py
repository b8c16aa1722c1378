"""Does a scrubbed attachment still carry metadata? (S15, DESIGN.md §5 rule 8)

Images: no EXIF, XMP, ICC profile, comments or PNG/WebP text chunks, neither as parsed by
Pillow nor as byte markers anywhere in the file. PDFs: no document information dictionary
values and no XMP metadata stream. Anything else is refused: only images and PDFs are
scrubbed, and audio or video are not released yet (S15).
"""

from __future__ import annotations

import io

import pypdfium2
from PIL import Image

IMAGE_INFO_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment",
                   "Description", "Author", "Software", "Title", "Comment", "Copyright",
                   "GPSInfo")
BYTE_MARKERS = (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"<x:xmpmeta",
                b"ICC_PROFILE", b"tEXt", b"iTXt", b"zTXt", b"eXIf")
PDF_MARKERS = (b"/Author", b"/Creator", b"/Producer", b"/Title", b"/Subject", b"/Keywords",
               b"/Metadata", b"<x:xmpmeta")


def metadata_found(data: bytes, media_type: str) -> list[str]:
    """What metadata remains in ``data`` (empty when it is clean)."""
    if media_type == "application/pdf":
        return _pdf(data)
    if media_type.startswith("image/"):
        return _image(data)
    return [f"{media_type} files are not released"]


def _image(data: bytes) -> list[str]:
    found = []
    try:
        with Image.open(io.BytesIO(data)) as image:
            found += [f"image info {key}" for key in IMAGE_INFO_KEYS if image.info.get(key)]
            if image.getexif():
                found.append("EXIF tags")
    except (OSError, ValueError) as exc:
        return [f"not a readable image ({type(exc).__name__})"]
    found += [f"marker {marker!r}" for marker in BYTE_MARKERS if marker in data]
    return found


def _pdf(data: bytes) -> list[str]:
    found = []
    try:
        document = pypdfium2.PdfDocument(data)
        try:
            info = document.get_metadata_dict(skip_empty=True)
        finally:
            document.close()
    except pypdfium2.PdfiumError as exc:
        return [f"not a readable PDF ({exc})"]
    found += [f"PDF info {key}" for key in sorted(info)]
    found += [f"marker {marker!r}" for marker in PDF_MARKERS if marker in data]
    return found
