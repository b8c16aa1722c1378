"""Fixtures of the vault store's functional tests: a real instance on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class StoreInstance:
    path: Path
    env: dict[str, str]
    checkpoint_key: object
    audit_key: bytes


@pytest.fixture
def store_instance(tmp_path, database_url) -> StoreInstance:
    """A real instance from haven.instance.create_instance (keys, certificates, secrets,
    migrated vault) on the test database."""
    from haven.instance import create_instance
    from vault.audit import load_audit_key
    from vault.keys import load_signing_key

    pg = not database_url.startswith("sqlite")
    created = create_instance(tmp_path / "instance", org_id="org-test",
                              database_url=database_url if pg else None)
    keys = created.config.keys_dir
    env = {"HAVEN_INSTANCE": str(created.config.instance_dir)}
    if pg:
        env["HAVEN_DATABASE_URL"] = database_url
    return StoreInstance(
        created.config.instance_dir, env,
        load_signing_key(keys / "checkpoint.key", purpose="checkpoint"),
        load_audit_key(keys / "audit-target.key"),
    )
