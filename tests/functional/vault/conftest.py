"""Fixtures of the vault store's functional tests: a real instance on disk."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa


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


@pytest.fixture
def spare_database_url(database_url):
    """A second empty database of the same kind (None on SQLite: restore makes a file)."""
    server = os.environ.get("HAVEN_TEST_POSTGRES_URL")
    if not server:
        yield None
        return
    name = f"haven_s_{secrets.token_hex(6)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server.rpartition('/')[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
