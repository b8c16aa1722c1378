"""The scrubber worker: a hostile file in on stdin, a clean copy out on stdout (S15).

Run ONLY by ``reviewer.scrub.sandbox`` as a separate process (``python -I worker.py KIND``)
with an empty environment, no network namespace, CPU/memory/file-size limits and, when the
parent is root, the ``nobody`` user. It imports nothing from Haven: it never sees a key, the
database or the vault API. Images are decoded and re-encoded from pixels only (no EXIF, XMP,
ICC, comments); PDFs are rasterised page by page with pdfium into a new image-only PDF.

Exit status 0 = output on stdout; 3 = refused, with a reason code on stderr.
"""

from __future__ import annotations

import io
import os
import sys

REFUSED = 3
NOBODY = 65534


class Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def scrub_image(data: bytes, max_pixels: int) -> bytes:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.width * source.height > max_pixels:
                raise Refused("too_many_pixels")
            fmt = source.format
            source.seek(0)  # first frame only: animations become a still
            upright = ImageOps.exif_transpose(source)
            pixels = _pixels_only(upright)
    except Image.DecompressionBombError:
        raise Refused("too_many_pixels") from None
    except (OSError, ValueError, SyntaxError):
        raise Refused("not_an_image") from None
    out = io.BytesIO()
    if fmt == "JPEG":
        pixels.convert("RGB").save(out, "JPEG", quality=90)
    else:
        pixels.save(out, "PNG")
    return out.getvalue()


def _pixels_only(image):  # type: ignore[no-untyped-def]
    from PIL import Image

    mode = image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
    converted = image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)  # copies pixels, not .info (EXIF, XMP, ICC, text chunks)
    return clean


def scrub_pdf(data: bytes, max_pixels: int, max_pages: int) -> bytes:
    import pypdfium2 as pdfium
    from PIL import Image

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise Refused("not_a_pdf") from None
    try:
        if len(document) == 0:
            raise Refused("not_a_pdf")
        if len(document) > max_pages:
            raise Refused("too_many_pages")
        pages = [_render_page(document[index], max_pixels) for index in range(len(document))]
    finally:
        document.close()
    out = io.BytesIO()
    first, rest = pages[0], pages[1:]
    Image.init()
    # No document info at all: Pillow would otherwise stamp the scrub time (S8, rule 8).
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=150,
               title=None, creationDate=None, modDate=None)
    return out.getvalue()


def pdf_to_image(data: bytes, max_pixels: int, max_pages: int) -> bytes:
    """A PDF as one PNG image, its pages rasterised and stacked top to bottom: what a
    release to the case base carries (images only); the pixels of all pages stay within
    ``max_pixels``."""
    import pypdfium2 as pdfium
    from PIL import Image

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise Refused("not_a_pdf") from None
    try:
        count = len(document)
        if count == 0:
            raise Refused("not_a_pdf")
        if count > max_pages:
            raise Refused("too_many_pages")
        pages = [_render_page(document[index], max_pixels // count) for index in range(count)]
    finally:
        document.close()
    width, height = max(p.width for p in pages), sum(p.height for p in pages)
    if width * height > max_pixels:
        raise Refused("too_many_pixels")
    sheet = Image.new("RGB", (width, height), "white")
    top = 0
    for page in pages:
        sheet.paste(page, (0, top))
        top += page.height
    out = io.BytesIO()
    sheet.save(out, "PNG")
    return out.getvalue()


def _render_page(page, max_pixels: int):  # type: ignore[no-untyped-def]
    width, height = page.get_size()  # points (1/72 inch)
    if width <= 0 or height <= 0:
        raise Refused("not_a_pdf")
    scale = 150 / 72
    if width * height * scale * scale > max_pixels:
        scale = (max_pixels / (width * height)) ** 0.5
    bitmap = page.render(scale=scale, draw_annots=True)
    return _pixels_only(bitmap.to_pil()).convert("RGB")


def confine(cpu_seconds: int, memory_bytes: int) -> None:
    """Limits first, then load the decoders, then give up root before touching the input."""
    import resource

    for limit, value in (
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_FSIZE, 0),  # output goes to a pipe; no files may be written
        (resource.RLIMIT_NPROC, 0),  # no child processes or threads
    ):
        resource.setrlimit(limit, (value, value))
    import pypdfium2  # noqa: F401 - loaded while the library files are still readable
    from PIL import Image, ImageOps  # noqa: F401

    Image.init()
    if os.getuid() == 0:
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
        except OSError:
            sys.stderr.write("warning: could not drop to nobody\n")
    sys.stderr.flush()


def main(argv: list[str]) -> int:
    kind, max_pixels, max_pages = argv[1], int(argv[2]), int(argv[3])
    confine(cpu_seconds=int(argv[4]), memory_bytes=int(argv[5]))
    data = sys.stdin.buffer.read()
    try:
        if kind == "image":
            result = scrub_image(data, max_pixels)
        elif kind == "pdf":
            result = scrub_pdf(data, max_pixels, max_pages)
        elif kind == "pdf-image":
            result = pdf_to_image(data, max_pixels, max_pages)
        else:
            raise Refused("unsupported_type")
    except Refused as refusal:
        sys.stderr.write(refusal.reason)
        return REFUSED
    sys.stdout.buffer.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
