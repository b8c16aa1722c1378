"""Served-code transparency (S10): a signed manifest of everything the site serves that runs.

A release's manifest lists the SHA-256 of every static file (scripts, the vendored libsodium,
the stylesheet) and of every page that carries code, as the intake renders them — pages are
byte-identical for every visitor, so anyone can fetch and compare. It is signed with the
organisation's "manifest" subkey, certified by the offline root:

    {"manifest": M, "signature": b64(Sign(manifest_sk, "haven-manifest/1\\n" ‖ JCS(M))),
     "certificate": <manifest subkey certificate>, "root_public_key": b64}
    M = {"version": "haven-manifest/1", "org_id": str, "release": str, "issued_at": day,
         "files": {"/path": "sha256 hex", …}}

``haven site-manifest`` builds and signs it into ``public/manifest.json`` (the intake serves
it at ``/manifest.json``); ``haven verify-site URL --fingerprint FP`` checks the signature
chain against a fingerprint the watchdog got elsewhere, then fetches every listed path and
compares. A pin served by the server it checks proves little: the fingerprint must come
from another channel (threat-model.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake.site import STATIC_DIR

MANIFEST_VERSION = "haven-manifest/1"
# Pages that carry code (they load scripts); each is rendered once and hashed.
CODE_PAGES = ("/", "/report", "/inbox", "/help", "/protection", "/next", "/exit")
STATIC_SUFFIXES = (".js", ".css")


class ManifestError(Exception):
    """The manifest does not verify, or the site serves something else."""


@dataclass(frozen=True)
class Mismatch:
    path: str
    expected: str
    served: str  # sha256 hex, or "missing (HTTP 404)" and the like


def static_paths(static_dir: Path = STATIC_DIR) -> list[str]:
    return sorted(
        "/static/" + path.relative_to(static_dir).as_posix()
        for path in static_dir.rglob("*")
        if path.is_file() and path.suffix in STATIC_SUFFIXES
    )


def served_hashes(fetch: Callable[[str], bytes], paths: list[str]) -> dict[str, str]:
    return {path: hashlib.sha256(fetch(path)).hexdigest() for path in paths}


def build_manifest(fetch: Callable[[str], bytes], *, org_id: str, release: str,
                   day: str) -> dict[str, Any]:
    """Hash what ``fetch(path)`` returns for every code page and static code file."""
    paths = [*CODE_PAGES, *static_paths()]
    return {"version": MANIFEST_VERSION, "org_id": org_id, "release": release,
            "issued_at": day, "files": served_hashes(fetch, paths)}


def sign_manifest(manifest: Mapping[str, Any], manifest_key, certificate: Mapping[str, Any],
                  root_public_key: str) -> dict[str, Any]:
    from vault.canonical import b64encode, sign

    return {"manifest": dict(manifest),
            "signature": b64encode(sign("manifest", manifest, manifest_key)),
            "certificate": dict(certificate), "root_public_key": root_public_key}


def verify_manifest(doc: Any, fingerprint: str, today: str) -> Mapping[str, Any]:
    """Root fingerprint → manifest subkey certificate → signature; returns M."""
    from vault.canonical import b64decode, verify
    from vault.errors import VaultError
    from vault.keys import fingerprint as root_fingerprint
    from vault.keys import fingerprints_equal, verify_certificate

    try:
        manifest = doc["manifest"]
        root = b64decode(doc["root_public_key"])
        if manifest.get("version") != MANIFEST_VERSION or not isinstance(
                manifest.get("files"), dict):
            raise ManifestError("not a haven-manifest/1 document")
        if not fingerprints_equal(root_fingerprint(root), fingerprint):
            raise ManifestError("the manifest's root key is not the pinned organisation key")
        certificate = verify_certificate(doc["certificate"], root, "manifest", today=today,
                                         org_id=manifest["org_id"])
        verify("manifest", manifest, b64decode(doc["signature"]), certificate.verify_key)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"malformed manifest document ({exc})") from None
    except VaultError as exc:
        raise ManifestError(f"the manifest does not verify: {exc.code}") from None
    return manifest


def compare(manifest: Mapping[str, Any], fetch: Callable[[str], bytes | None]) -> list[Mismatch]:
    """Fetch every listed path; what differs or is missing is a Mismatch."""
    mismatches = []
    for path, expected in sorted(manifest["files"].items()):
        body = fetch(path)
        served = "missing" if body is None else hashlib.sha256(body).hexdigest()
        if served != expected:
            mismatches.append(Mismatch(path, expected, served))
    return mismatches
