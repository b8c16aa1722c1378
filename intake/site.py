"""What the served pages pin: the organisation fingerprint and the scripts' SRI hashes.

Pages that carry code are byte-identical for everyone (S10): they embed only values fixed for
the release — the organisation's root fingerprint (from public/organisation.json) and the
Subresource Integrity hash of every script they load — never anything about the visitor.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from intake.errors import IntakeConfigError

STATIC_DIR = Path(__file__).with_name("static")
# The browser envelope's scripts, in the load order haven-crypto.js documents (its header),
# then the pages' shared helpers. tests/functional/intake/test_pages.py compares this list
# with that header, so a new crypto file cannot be forgotten here.
CRYPTO_SCRIPTS = (
    "vendor/sri.js",
    "js/crypto/sodium-loader.js",
    "js/crypto/wordlist-en.js",
    "js/crypto/haven-crypto.js",
    "js/crypto/canonical.js",
    "js/crypto/bundle.js",
    "js/crypto/receipt.js",
    "js/crypto/envelope.js",
    "js/crypto/blake2b.js",
    "js/crypto/attachments.js",
    "js/crypto/events.js",
    "js/haven-page.js",
)
FINGERPRINT_HEX_LENGTH = 64


@dataclass(frozen=True)
class SiteBuild:
    fingerprint: str  # organisation root key fingerprint the browser checks the bundle against
    integrity: Mapping[str, str]  # static path (e.g. "js/form.js") -> "sha384-…"

    def sri(self, path: str) -> str:
        try:
            return self.integrity[path]
        except KeyError:
            raise IntakeConfigError(f"no SRI hash for static/{path}") from None


def sri_hash(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def static_integrity(static_dir: Path = STATIC_DIR) -> Mapping[str, str]:
    """SRI hash of every script and stylesheet under static/ (vendor files included)."""
    hashes = {}
    for path in sorted(static_dir.rglob("*")):
        if path.is_file() and path.suffix in (".js", ".css"):
            hashes[path.relative_to(static_dir).as_posix()] = sri_hash(path.read_bytes())
    return MappingProxyType(hashes)


def load_fingerprint(organisation_path: Path) -> str:
    try:
        document = json.loads(organisation_path.read_text("utf-8"))
    except FileNotFoundError:
        raise IntakeConfigError(f"{organisation_path} is missing: run `haven init`") from None
    except (OSError, ValueError) as exc:
        raise IntakeConfigError(f"cannot read {organisation_path}: {exc}") from None
    fingerprint = document.get("fingerprint") if isinstance(document, dict) else None
    if not isinstance(fingerprint, str) or len(fingerprint) < 16:  # noqa: PLR2004
        raise IntakeConfigError(f"{organisation_path} has no fingerprint")
    return fingerprint


def build_site(organisation_path: Path) -> SiteBuild:
    return SiteBuild(load_fingerprint(organisation_path), static_integrity())
