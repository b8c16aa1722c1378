"""The organisation's release subkey on the reviewer app host (team mode).

``keys/release.key`` of the instance, or ``[reviewer] release_key_path``: a vault.keys
signing-key file for purpose ``release``, certified by the organisation root in
``public/organisation.json`` (the certificate travels in each package so a case base that
trusts the root accepts it). Whoever controls this host can sign packages the case base
accepts as this organisation's — see threat-model.md, "The release key".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from reviewer.release.errors import ReleaseKeyMissing
from reviewer.release.settings import ReleaseSettings
from vault.canonical import b64encode
from vault.errors import VaultError
from vault.keys import load_signing_key


@dataclass(frozen=True)
class ReleaseKey:
    org_id: str
    signing_key: SigningKey
    certificate: dict[str, Any] | None

    @property
    def public_key(self) -> bytes:
        return bytes(self.signing_key.verify_key)


def load_release_key(settings: ReleaseSettings) -> ReleaseKey:
    path = Path(str(settings.release_key_path))
    try:
        key = load_signing_key(path, purpose="release")
    except FileNotFoundError:
        raise ReleaseKeyMissing(f"the release key is not on this host ({path}); releases "
                                "cannot be signed here") from None
    except (OSError, VaultError, ValueError) as exc:
        raise ReleaseKeyMissing(f"the release key at {path} does not load: {exc}") from None
    org_id, certificate = _organisation(Path(str(settings.organisation_path)), key)
    return ReleaseKey(org_id, key, certificate)


def _organisation(path: Path, key: SigningKey) -> tuple[str, dict[str, Any] | None]:
    try:
        doc = json.loads(path.read_text("utf-8"))
        org_id = doc["org_id"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ReleaseKeyMissing(f"cannot read the organisation id from {path}") from None
    public = b64encode(bytes(key.verify_key))
    for certificate in doc.get("certificates", []):
        payload = certificate.get("certificate", {}) if isinstance(certificate, dict) else {}
        if payload.get("purpose") == "release" and payload.get("public_key") == public:
            return str(org_id), certificate
    return str(org_id), None
