"""Fixtures for the intake's functional tests: a real instance (keys, signed bundle, migrated
vault database) in a temporary directory, and the intake app built from it."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from haven.config import HavenConfig, config_from_mapping


@dataclass(frozen=True)
class IntakeInstance:
    config: HavenConfig
    reviewers: dict  # key id -> vault.keys.ReviewerKeyPair (private keys, for opening in tests)
    fingerprint: str


def build_instance(directory: Path, database_url: str, intake: dict | None = None,
                   reviewers: int = 2) -> IntakeInstance:
    from vault.bundle import build_bundle
    from vault.canonical import b64encode, utc_day
    from vault.db import migrate
    from vault.keys import ReviewerKeyPair, add_days, certify_subkey, fingerprint, generate_root

    org_id = "haven-test-org"
    today = utc_day()
    root = generate_root()
    bundle_sk, certificate = certify_subkey(root, "bundle", add_days(today, 365), org_id)
    pairs = [ReviewerKeyPair.generate() for _ in range(reviewers)]
    document = build_bundle(
        serial=1, issued_at=today, expires_at=add_days(today, 30), org_id=org_id,
        keys=[p.public_entry("reviewer", add_days(today, 365)) for p in pairs],
        triage=[p.key_id for p in pairs], bundle_sk=bundle_sk, certificate=certificate,
        root_public_key=bytes(root.verify_key),
    )
    (directory / "keys").mkdir(mode=0o700)
    (directory / "public").mkdir()
    (directory / "keys" / "lookup-pepper.key").write_text(secrets.token_hex(32))
    (directory / "public" / "bundle.json").write_text(json.dumps(document))
    root_fp = fingerprint(root.verify_key)
    (directory / "public" / "organisation.json").write_text(json.dumps(
        {"org_id": org_id, "fingerprint": root_fp,
         "root_public_key": b64encode(bytes(root.verify_key))}))
    migrate(database_url)
    raw = {
        "instance_id": secrets.token_hex(16),
        "vault": {"database_url": database_url},
        "intake": {"pow_difficulty": 4, "pow_max_difficulty": 8, "nojs_delay_seconds": 0,
                   "min_free_disk_bytes": 0, **(intake or {})},
    }
    config = config_from_mapping(raw, directory)
    return IntakeInstance(config, {p.key_id: p for p in pairs}, root_fp)


@pytest.fixture
def intake_instance(tmp_path: Path, database_url: str) -> IntakeInstance:
    return build_instance(tmp_path, database_url)


@pytest.fixture
def intake_app(intake_instance):
    from intake.app import create_app

    app = create_app(intake_instance.config)
    assert "haven_intake" in app.extensions, "the test instance must not fail closed"
    return app


@pytest.fixture
def intake_client(intake_app):
    return intake_app.test_client()
