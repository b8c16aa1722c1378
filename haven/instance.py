"""Creating an instance directory: keys, public documents, configuration, vault database.

``create_instance`` is what ``haven init`` and ``haven demo`` run. It

1. writes ``haven.toml`` with a fresh random instance id;
2. generates the organisation root key and certifies the four purpose subkeys (bundle,
   release, manifest, checkpoint, S3), and writes ``public/organisation.json``;
3. makes the instance secrets (lookup pepper, audit-target key, session secret);
4. migrates the vault database (Alembic is the only way the schema is created);
5. creates the given accounts — reviewers with an X25519/Ed25519 keypair wrapped under their
   own passphrase — and publishes the first signed key bundle, sealed-to set = the on-duty
   reviewers (S14).

In production the root key must not stay on the server: ``haven init`` writes it to
``keys/organisation-root.key`` and tells the operator to move it to the offline machine
(docs/key-ceremony.md); a later bundle is signed with the bundle subkey, which stays online.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from haven.bundle_publishing import BundleSigner, sign_and_publish
from haven.config import CONFIG_FILE_NAME, HavenConfig, load_config
from haven.errors import HavenError
from vault import accounts, reviewer_store
from vault.bundle import BundleContents
from vault.canonical import b64encode, utc_day
from vault.db import make_engine, migrate, session_factory, transaction
from vault.keys import (
    ReviewerKeyPair,
    add_days,
    certify_subkey,
    fingerprint,
    save_signing_key,
)

SUBKEY_PURPOSES = ("bundle", "release", "manifest", "checkpoint")
SUBKEY_VALIDITY_DAYS = 365
BUNDLE_VALIDITY_DAYS = 30
SECRET_FILES = (
    "lookup-pepper.key",
    "audit-target.key",
    "session-secret.key",
    "pow-secret.key",
    "totp-wrap.key",
)
ROOT_KEY_FILE = "organisation-root.key"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    role: str  # verifier | coordinator | admin
    password: str
    passphrase: str | None = None  # reviewers only: unlocks their private key
    on_duty: bool = True
    extra_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreatedAccountInfo:
    username: str
    roles: tuple[str, ...]
    totp_secret: str
    recovery_codes: tuple[str, ...]
    key_id: str | None


@dataclass(frozen=True)
class CreatedInstance:
    config: HavenConfig
    org_id: str
    fingerprint: str
    accounts: tuple[CreatedAccountInfo, ...]
    # In memory for tests and the demo; never written anywhere but the wrapped form.
    reviewer_keys: dict[str, ReviewerKeyPair] = field(repr=False, hash=False)


def create_instance(
    directory: Path,
    *,
    org_id: str,
    accounts_to_create: Sequence[AccountSpec] = (),
    database_url: str | None = None,
    casebase_database_url: str | None = None,
    extra_config: str = "",
    password_settings: dict[str, int] | None = None,
) -> CreatedInstance:
    directory = directory.resolve()
    if (directory / CONFIG_FILE_NAME).exists():
        raise HavenError(f"{directory} is an instance already")
    directory.mkdir(parents=True, exist_ok=True)
    _write_config(directory, database_url, casebase_database_url, extra_config)
    config = load_config({}, instance_dir=directory)
    today = utc_day()
    root = SigningKey.generate()
    subkeys = _write_keys(config, root, org_id, today)
    migrate(config.database_url)
    policy = accounts.PasswordPolicy.from_section(password_settings or {})
    created, pairs = [], {}
    with transaction(session_factory(make_engine(config.database_url))) as session:
        for spec in accounts_to_create:
            info, pair = _create_account(session, spec, policy)
            created.append(info)
            if pair is not None:
                pairs[spec.username] = pair
        publish_bundle(
            session,
            config,
            bundle_subkey=subkeys["bundle"],
            root=root,
            org_id=org_id,
            pairs=pairs,
            serial=1,
            triage=[
                pairs[s.username].key_id
                for s in accounts_to_create
                if s.on_duty and s.username in pairs
            ],
            coordinators={
                s.username for s in accounts_to_create if "coordinator" in (s.role, *s.extra_roles)
            },
        )
    return CreatedInstance(config, org_id, fingerprint(root.verify_key), tuple(created), pairs)


def _write_config(
    directory: Path, database_url: str | None, casebase_database_url: str | None, extra: str
) -> None:
    lines = [f'instance_id = "{secrets.token_hex(16)}"', ""]
    if database_url:
        lines += ["[vault]", f'database_url = "{database_url}"', ""]
    if casebase_database_url:
        lines += ["[casebase]", f'database_url = "{casebase_database_url}"', ""]
    (directory / CONFIG_FILE_NAME).write_text("\n".join(lines) + extra, "utf-8")


def _write_keys(config: HavenConfig, root: SigningKey, org_id: str, today: str) -> dict[str, Any]:
    config.keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    config.public_dir.mkdir(parents=True, exist_ok=True)
    save_signing_key(config.keys_dir / ROOT_KEY_FILE, root, purpose="root")
    subkeys: dict[str, Any] = {}
    certificates = []
    for purpose in SUBKEY_PURPOSES:
        subkey, certificate = certify_subkey(
            root, purpose, add_days(today, SUBKEY_VALIDITY_DAYS), org_id
        )
        assert subkey is not None  # noqa: S101 - certify_subkey makes one when given none
        save_signing_key(config.keys_dir / f"{purpose}.key", subkey, purpose=purpose)
        subkeys[purpose] = (subkey, certificate)
        certificates.append(certificate.to_dict())
    for name in SECRET_FILES:
        path = config.keys_dir / name
        path.write_text(secrets.token_hex(32), "ascii")
        path.chmod(0o600)
    organisation = {
        "org_id": org_id,
        "fingerprint": fingerprint(root.verify_key),
        "root_public_key": b64encode(bytes(root.verify_key)),
        "certificates": certificates,
    }
    config.organisation_path.write_text(json.dumps(organisation, indent=2), "utf-8")
    return subkeys


def _create_account(session, spec: AccountSpec, policy: accounts.PasswordPolicy):
    pair = None
    wrapped = kdf = None
    if spec.role in accounts.REVIEWER_ROLES or set(spec.extra_roles) & accounts.REVIEWER_ROLES:
        if not spec.passphrase:
            raise HavenError(f"{spec.username}: a reviewer needs a key passphrase")
        pair = ReviewerKeyPair.generate()
        wrapped, kdf = accounts.wrap_secret_keys(
            spec.passphrase, pair.key_id, accounts.SecretKeys(pair.x25519_sk, pair.ed25519_seed)
        )
    created = reviewer_store.create_reviewer_account(
        session,
        username=spec.username,
        role=spec.role,
        extra_roles=spec.extra_roles,
        password=spec.password,
        x25519_pk=pair.x25519_pk if pair else None,
        ed25519_pk=pair.ed25519_pk if pair else None,
        wrapped_secret_key=wrapped,
        kdf_salt=kdf.salt if kdf else None,
        kdf_opslimit=kdf.opslimit if kdf else accounts.KDF_MIN_OPSLIMIT,
        kdf_memlimit=kdf.memlimit if kdf else accounts.KDF_MIN_MEMLIMIT,
        on_duty=spec.on_duty,
        policy=policy,
    )
    info = CreatedAccountInfo(
        spec.username, created.roles, created.totp_secret, created.recovery_codes, created.key_id
    )
    return info, pair


def publish_bundle(
    session,
    config: HavenConfig,
    *,
    bundle_subkey: tuple[SigningKey, Any],
    root: SigningKey,
    org_id: str,
    pairs: dict[str, ReviewerKeyPair],
    serial: int,
    triage: list[str],
    coordinators: set[str],
) -> dict[str, Any]:
    """Sign a bundle of the given reviewer keys, record it and write public/bundle.json."""
    subkey, certificate = bundle_subkey
    today = utc_day()
    entries = tuple(
        pair.public_entry(
            "coordinator" if name in coordinators else "reviewer",
            add_days(today, SUBKEY_VALIDITY_DAYS),
        )
        for name, pair in pairs.items()
    )
    published = sign_and_publish(
        session,
        config.bundle_path,
        BundleSigner(subkey, certificate, bytes(root.verify_key)),
        BundleContents(serial=serial, org_id=org_id, keys=entries, triage=tuple(triage)),
        today=today,
        validity_days=BUNDLE_VALIDITY_DAYS,
        require_verifiable=bool(triage),
    )
    return published.document
