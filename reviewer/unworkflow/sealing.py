"""Encrypt a transmission package to its destination's recipient key, in memory.

Why age (``pyrage``, the Rust ``rage`` implementation): one small, modern format with X25519
recipients (``age1...``), a short public specification with test vectors, no keyring, no
algorithm negotiation and no web-of-trust to misconfigure; recipients are one line of text a
destination can hand over on paper. OpenPGP (pgpy, pysequoia) would add key servers,
expiry/sub-key semantics and cipher choices the destinations do not need. The plaintext
(a ZIP of ``package.json`` and ``package.pdf``) exists only in this process's memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyrage

from reviewer.unworkflow.errors import RecipientInvalid
from reviewer.unworkflow.pdf import build_pdf

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # no exact times inside the archive (S7)


@dataclass(frozen=True)
class SealedPackage:
    ciphertext: bytes  # age, binary
    json_sha256: str
    pdf_sha256: str
    # Scripts the PDF could not show on this host (transliterated there; the JSON is exact).
    pdf_unrendered_scripts: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.ciphertext).hexdigest()


def parse_recipient(text: str) -> pyrage.x25519.Recipient:
    try:
        return pyrage.x25519.Recipient.from_str(text.strip())
    except (pyrage.RecipientError, ValueError):
        raise RecipientInvalid("not an age X25519 recipient (age1...)") from None


def package_json(package: Mapping[str, Any]) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2, sort_keys=True).encode()


def _zip(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def seal_package(package: Mapping[str, Any], recipient: str) -> SealedPackage:
    """PDF + JSON, zipped and age-encrypted to ``recipient``; nothing is written to disk."""
    target = parse_recipient(recipient)
    data, pdf = package_json(package), build_pdf(package)
    plaintext = _zip({"package.json": data, "package.pdf": pdf.data})
    return SealedPackage(pyrage.encrypt(plaintext, [target]),
                         hashlib.sha256(data).hexdigest(), hashlib.sha256(pdf.data).hexdigest(),
                         pdf.unrendered_scripts)


def open_package(ciphertext: bytes, identity: str) -> dict[str, bytes]:
    """What the destination does with its identity: decrypt and unzip (used by tests and
    ``haven export open-transmission``)."""
    secret = pyrage.x25519.Identity.from_str(identity.strip())
    plaintext = pyrage.decrypt(ciphertext, [secret])
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
