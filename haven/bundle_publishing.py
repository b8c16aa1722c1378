"""The one path every key bundle takes to the server: sign, check, record, serve (S3, S14).

``haven init`` (``haven.instance``), ``haven keys add-reviewer | retire | republish`` and the
daily ``haven keys republish --if-expiring-within`` timer all call ``sign_and_publish``.
It signs the contents with the online bundle subkey, checks the result the way a browser
will (organisation pin, subkey certificate, dates, serial), records it in the vault store
and then replaces ``public/bundle.json`` atomically — inside the caller's transaction, so a
refused record leaves the served file as it was. (Bundles signed offline arrive through the
vault API's ``PUT /api/v1/bundle``, vault/api/bundles.py, which records and writes the same
way.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from haven.config import HavenConfig
from haven.errors import BundlePublishError
from vault import bundle_store
from vault.bundle import (
    MAX_VALIDITY_DAYS,
    BundleContents,
    VerifiedBundle,
    sign_contents,
    verify_bundle,
    write_bundle_file,
)
from vault.canonical import b64decode
from vault.errors import VaultError
from vault.keys import SubkeyCertificate, fingerprint, load_signing_key, parse_certificate

BUNDLE_KEY_FILE = "bundle.key"


@dataclass(frozen=True)
class BundleSigner:
    """The online bundle subkey, its certificate and the root that certified it."""

    key: SigningKey
    certificate: SubkeyCertificate
    root_public_key: bytes

    def __repr__(self) -> str:  # the signing key never reaches logs or tracebacks
        return f"BundleSigner(fingerprint={self.fingerprint})"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.root_public_key)


@dataclass(frozen=True)
class PublishedBundle:
    serial: int
    issued_at: str
    expires_at: str
    document: dict[str, Any]
    text: str  # exactly what public/bundle.json and the store hold


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BundlePublishError(f"cannot read {path}: {exc}") from None


def load_signer(config: HavenConfig) -> BundleSigner:
    """``keys/bundle.key`` with the certificate of public/organisation.json that names it."""
    try:
        key = load_signing_key(config.keys_dir / BUNDLE_KEY_FILE, purpose="bundle")
    except VaultError as exc:
        raise BundlePublishError(f"no usable bundle subkey: {exc}") from None
    organisation = read_json(config.organisation_path)
    try:
        root = b64decode(organisation["root_public_key"])
        docs = [d for d in organisation.get("certificates", [])
                if d.get("certificate", {}).get("purpose") == "bundle"]
        certificates = [parse_certificate(d) for d in docs]
    except (KeyError, TypeError, AttributeError, VaultError) as exc:
        raise BundlePublishError(f"{config.organisation_path} is not usable: {exc}") from None
    public = bytes(key.verify_key)
    for certificate in certificates:
        if certificate.public_key == public:
            return BundleSigner(key, certificate, root)
    raise BundlePublishError(
        f"{config.organisation_path} has no certificate for the bundle subkey in "
        f"{config.keys_dir / BUNDLE_KEY_FILE} (certify it: docs/key-ceremony.md)")


def sign_and_publish(
    session: Session,
    bundle_path: Path,
    signer: BundleSigner,
    contents: BundleContents,
    *,
    today: str,
    validity_days: int = MAX_VALIDITY_DAYS,
    require_verifiable: bool = True,
) -> PublishedBundle:
    """Sign ``contents`` as of ``today``, check, record in the store, write ``bundle_path``.

    ``require_verifiable=False`` is for a new instance with no reviewer yet, whose first
    bundle has an empty triage set that no browser accepts (it is replaced by the first
    ``add-reviewer``); its signature chain is still checked.
    """
    try:
        doc = sign_contents(contents, bundle_sk=signer.key, certificate=signer.certificate,
                            root_public_key=signer.root_public_key, issued_at=today,
                            validity_days=validity_days)
        _check(doc, signer, contents, today, require_verifiable)
        text = json.dumps(doc, indent=2)
        bundle_store.add_bundle(session, contents.serial, text, today)
    except (VaultError, ValueError) as exc:
        raise BundlePublishError(f"bundle not published: {exc}") from None
    try:
        write_bundle_file(bundle_path, text)
    except OSError as exc:
        raise BundlePublishError(f"bundle not published: cannot write {bundle_path}: {exc}"
                                 ) from None
    payload = doc["bundle"]
    return PublishedBundle(contents.serial, payload["issued_at"], payload["expires_at"], doc,
                           text)


def _check(doc: dict[str, Any], signer: BundleSigner, contents: BundleContents, today: str,
           require_verifiable: bool) -> None:
    from vault.keys import verify_certificate

    if require_verifiable:
        verify_bundle(doc, signer.fingerprint, today=today, min_serial=contents.serial)
    else:
        verify_certificate(doc["certificate"], signer.root_public_key, "bundle", today=today,
                           org_id=contents.org_id)


def current_bundle(config: HavenConfig, *, today: str) -> VerifiedBundle:
    """The served bundle, checked against the organisation's root (not for freshness, so an
    expired bundle still reports its dates)."""
    doc = read_json(config.bundle_path)
    organisation = read_json(config.organisation_path)
    try:
        pinned = fingerprint(b64decode(organisation["root_public_key"]))
        return verify_bundle(doc, pinned, today=today, min_serial=1, check_freshness=False)
    except (KeyError, TypeError, VaultError) as exc:
        raise BundlePublishError(f"the served bundle does not verify: {exc}") from None


def next_serial(session: Session, served_serial: int) -> int:
    """Above both the served file and every recorded bundle (the store refuses lower)."""
    latest = bundle_store.latest_bundle(session)
    return max(served_serial, latest.serial if latest else 0) + 1
