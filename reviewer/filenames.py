"""Safe download names (RFC 6266 / RFC 8187): what the reporter called a file is hostile.

Control characters, bidi overrides and isolates (an "exe.pdf" that reads "fdp.exe"),
zero-width characters, path separators, reserved characters and leading dots are removed;
the name is NFC, at most 100 characters, and the ASCII ``filename=`` fallback is a fixed
safe name plus the (ASCII) extension.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_NAME = 100
_RESERVED = set('/\\:*?"<>|;,%\'`$')
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def _allowed(char: str) -> bool:
    category = unicodedata.category(char)
    # Cc control, Cf format (bidi, zero-width), Co private use, Cs surrogate, Cn unassigned,
    # Zl/Zp line and paragraph separators.
    return category not in {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"} and char not in _RESERVED


def safe_name(name: str, fallback: str = "attachment") -> str:
    text = unicodedata.normalize("NFC", str(name))
    text = "".join(ch if _allowed(ch) else "_" for ch in text)
    text = re.sub(r"\s+", " ", text).strip(" ._")
    if len(text) > MAX_NAME:
        match = _EXTENSION.search(text)
        suffix = match.group(0) if match else ""
        text = text[: MAX_NAME - len(suffix)].rstrip(" ._") + suffix
    return text or fallback


def with_suffix(name: str, suffix: str, extension: str) -> str:
    """``report.jpg`` -> ``report-scrubbed.png`` (the scrubber may change the format)."""
    stem = _EXTENSION.sub("", safe_name(name)) or "attachment"
    return safe_name(f"{stem}-{suffix}.{extension}")


def content_disposition(name: str) -> str:
    clean = safe_name(name)
    match = _EXTENSION.search(clean)
    ascii_fallback = "attachment" + (match.group(0).lower() if match else ".bin")
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(clean, safe='')}"
