"""A complete vault-API instance for tests and local checks — never for production keys.

``build_api_instance(directory, database_url) -> ApiInstance`` makes what ``haven init``
makes for the API (organisation root with bundle and checkpoint subkeys, organisation.json,
audit-target and checkpoint key files, a migrated database, a published bundle) plus four
accounts: ``coord`` (coordinator, on duty), ``vera`` (verifier, on duty), ``otto``
(verifier, off duty) and ``ada`` (admin only), with real wrapped keys. ``add_report``
seals and stores a report to the published bundle's triage set.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from haven.config import HavenConfig, config_from_mapping
from vault import accounts, bundle_store, reviewer_store, store
from vault.blobs import backend_for, write_blob
from vault.bundle import VerifiedBundle, build_bundle, verify_bundle
from vault.canonical import b64encode, utc_day
from vault.db import make_engine, migrate, session_factory, transaction
from vault.format import parse_envelope
from vault.keys import ReviewerKeyPair, add_days, certify_subkey, fingerprint, save_signing_key
from vault.receipts import keys_from_master
from vault.seal import seal_attachment_bytes, seal_report

PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts only
PASSPHRASE = "a separate unlock passphrase"  # noqa: S105 - test keys only
FAST_SETTINGS = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
ORG_ID = "org-test"


@dataclass(frozen=True)
class Person:
    username: str
    account_id: str
    roles: tuple[str, ...]
    totp_secret: str
    recovery_codes: tuple[str, ...]
    keypair: ReviewerKeyPair | None

    @property
    def key_id(self) -> str | None:
        return None if self.keypair is None else self.keypair.key_id


@dataclass
class ApiInstance:
    config: HavenConfig
    root: SigningKey
    bundle_key: SigningKey
    bundle_certificate: Any
    people: dict[str, Person]
    bundle_doc: dict[str, Any]
    serial: int = 1
    reports: list[str] = field(default_factory=list)

    def sessions(self):
        return session_factory(make_engine(self.config.database_url))

    def verified_bundle(self) -> VerifiedBundle:
        return verify_bundle(self.bundle_doc, fingerprint(self.root.verify_key),
                             today=utc_day(), min_serial=1)

    def sign_bundle(self, payload: dict[str, Any]) -> dict[str, Any]:
        """What the offline CLI step does: sign a draft payload with the bundle subkey."""
        return build_bundle(
            serial=payload["serial"], issued_at=payload["issued_at"],
            expires_at=payload["expires_at"], org_id=payload["org_id"], keys=payload["keys"],
            triage=payload["triage"], revoked=payload["revoked"], bundle_sk=self.bundle_key,
            certificate=self.bundle_certificate, root_public_key=bytes(self.root.verify_key))


# Wrapping costs an argon2id run per key; reuse wrapped keys across instances in one process.
_WRAPPED: dict[bytes, tuple[bytes, accounts.KdfParams]] = {}


def wrapped_for(pair: ReviewerKeyPair) -> tuple[bytes, accounts.KdfParams]:
    cached = _WRAPPED.get(pair.x25519_sk)
    if cached is None:
        cached = accounts.wrap_secret_keys(
            PASSPHRASE, pair.key_id, accounts.SecretKeys(pair.x25519_sk, pair.ed25519_seed))
        _WRAPPED[pair.x25519_sk] = cached
    return cached


_PAIRS: dict[str, ReviewerKeyPair] = {}


def _pair(username: str) -> ReviewerKeyPair:
    return _PAIRS.setdefault(username, ReviewerKeyPair.generate())


def _write_keys(directory: Path, root: SigningKey, today: str) -> tuple[SigningKey, Any]:
    keys_dir, public_dir = directory / "keys", directory / "public"
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    public_dir.mkdir(parents=True, exist_ok=True)
    bundle_sk, bundle_cert = certify_subkey(root, "bundle", add_days(today, 365), ORG_ID)
    checkpoint_sk, checkpoint_cert = certify_subkey(root, "checkpoint", add_days(today, 365),
                                                    ORG_ID)
    if bundle_sk is None or checkpoint_sk is None:
        raise RuntimeError("certify_subkey made no subkey")
    save_signing_key(keys_dir / "checkpoint.key", checkpoint_sk, purpose="checkpoint")
    (keys_dir / "audit-target.key").write_text(secrets.token_hex(32))
    (public_dir / "organisation.json").write_text(json.dumps({
        "org_id": ORG_ID,
        "fingerprint": fingerprint(root.verify_key),
        "root_public_key": b64encode(bytes(root.verify_key)),
        "certificates": [bundle_cert.to_dict(), checkpoint_cert.to_dict()],
    }))
    return bundle_sk, bundle_cert


def _toml(raw: dict[str, Any]) -> str:
    lines = [f"instance_id = {json.dumps(raw['instance_id'])}"]
    for section in ("vault", "vault_api"):
        lines.append(f"[{section}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in raw[section].items()]
    return "\n".join(lines) + "\n"


_PEOPLE = (
    ("coord", "coordinator", True, True),
    ("vera", "verifier", True, True),
    ("otto", "verifier", False, True),
    ("ada", "admin", False, False),
)


def build_api_instance(directory: Path, database_url: str, *,
                       api_settings: dict[str, Any] | None = None) -> ApiInstance:
    today = utc_day()
    raw = {
        "instance_id": secrets.token_hex(16),
        "vault": {"database_url": database_url},
        "vault_api": {**FAST_SETTINGS, **(api_settings or {})},
    }
    config = config_from_mapping(raw, directory)
    (directory / "haven.toml").write_text(_toml(raw))
    root = SigningKey.generate()
    bundle_sk, bundle_cert = _write_keys(directory, root, today)
    migrate(database_url)
    policy = accounts.PasswordPolicy.from_section(FAST_SETTINGS)
    people: dict[str, Person] = {}
    with transaction(session_factory(make_engine(database_url))) as session:
        for username, role, on_duty, has_key in _PEOPLE:
            pair = _pair(username) if has_key else None
            wrapped, kdf = wrapped_for(pair) if pair else (None, None)
            created = reviewer_store.create_reviewer_account(
                session, username=username, role=role, password=PASSWORD,
                x25519_pk=pair.x25519_pk if pair else None,
                ed25519_pk=pair.ed25519_pk if pair else None, wrapped_secret_key=wrapped,
                kdf_salt=kdf.salt if kdf else None, on_duty=on_duty, policy=policy)
            people[username] = Person(username, created.account_id, created.roles,
                                      created.totp_secret, created.recovery_codes, pair)
        entries = [p.keypair.public_entry("coordinator" if "coordinator" in p.roles
                                          else "reviewer", add_days(today, 365))
                   for p in people.values() if p.keypair]
        triage = [people[n].key_id or "" for n in ("coord", "vera")]
        doc = build_bundle(serial=1, issued_at=today, expires_at=add_days(today, 30),
                           org_id=ORG_ID, keys=entries, triage=triage, bundle_sk=bundle_sk,
                           certificate=bundle_cert, root_public_key=bytes(root.verify_key))
        text = json.dumps(doc)
        bundle_store.add_bundle(session, 1, text, today)
    (directory / "public" / "bundle.json").write_text(text)
    return ApiInstance(config, root, bundle_sk, bundle_cert, people, doc)


def add_report(instance: ApiInstance, fields: dict[str, Any] | None = None, *,
               files: tuple[tuple[str, str, bytes], ...] = ()) -> str:
    """Seal a report (and its files) to the current bundle's triage set and store it, as
    the intake does. ``files`` are (name, media type, bytes)."""
    receipt_keys = keys_from_master(secrets.token_bytes(32))
    sealed_files = [seal_attachment_bytes(name, kind, data) for name, kind, data in files]
    sealed = seal_report(fields or {"narrative": "test report"},
                         [entry for _blob, entry in sealed_files], instance.verified_bundle(),
                         receipt_keys, day=utc_day(), server_sealed=False)
    info = parse_envelope(sealed.envelope)
    backend = backend_for(instance.config.blob_dir)
    with transaction(instance.sessions()) as session:
        for blob, entry in sealed_files:
            write_blob(session, backend, [blob], chunk_count=entry.chunk_count, day=info.day)
        store.add_report(
            session, report_id=sealed.report_id, day=info.day, envelope=sealed.envelope,
            bundle_serial=instance.serial, server_sealed=False,
            lookup_hash=secrets.token_bytes(32),
            stanzas={s.key_id.hex(): s.sealed_key for s in info.stanzas},
            blob_ids=[entry.blob_id for _blob, entry in sealed_files],
        )
    instance.reports.append(sealed.report_id)
    return sealed.report_id
