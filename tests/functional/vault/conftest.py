"""Fixtures of the vault store's functional tests: a small real instance on disk."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from vault.canonical import b64encode
from vault.keys import certify_subkey, generate_root, save_signing_key


@dataclass(frozen=True)
class StoreInstance:
    path: Path
    env: dict[str, str]
    checkpoint_key: object
    audit_key: bytes


@pytest.fixture
def store_instance(tmp_path, database_url) -> StoreInstance:
    """haven.toml, keys/ (audit-target, pepper, session secret, checkpoint subkey) and
    public/organisation.json with the root key and the checkpoint subkey certificate."""
    root_dir = tmp_path / "instance"
    (root_dir / "keys").mkdir(parents=True, mode=0o700)
    (root_dir / "public").mkdir()
    instance_id = secrets.token_hex(16)
    (root_dir / "haven.toml").write_text(f'instance_id = "{instance_id}"\n')
    audit_key = os.urandom(32)
    (root_dir / "keys" / "audit-target.key").write_text(audit_key.hex())
    (root_dir / "keys" / "lookup-pepper.key").write_text(os.urandom(32).hex())
    (root_dir / "keys" / "session-secret.key").write_text(os.urandom(32).hex())
    root = generate_root()
    not_after = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    checkpoint, cert = certify_subkey(root, "checkpoint", not_after, instance_id)
    save_signing_key(root_dir / "keys" / "checkpoint.key", checkpoint, purpose="checkpoint")
    (root_dir / "public" / "organisation.json").write_text(
        json.dumps({"root_public_key": b64encode(bytes(root.verify_key)),
                                  "subkeys": [cert.to_dict()]})
    )
    env = {"HAVEN_INSTANCE": str(root_dir)}
    if not database_url.startswith("sqlite"):
        env["HAVEN_DATABASE_URL"] = database_url
    return StoreInstance(root_dir, env, checkpoint, audit_key)


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
