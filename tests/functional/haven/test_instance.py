"""`haven init` makes a working instance: keys, public documents, a migrated vault, a bundle."""

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from nacl.signing import VerifyKey

from haven.cli import cli
from haven.config import load_config
from haven.errors import HavenError
from haven.instance import AccountSpec, create_instance
from vault import accounts
from vault.bundle import verify_bundle
from vault.canonical import b64decode, utc_day
from vault.keys import verify_certificate

FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}


def _create(directory: Path, database_url: str, *specs: AccountSpec):
    return create_instance(
        directory,
        org_id="org-a",
        accounts_to_create=specs,
        database_url=database_url,
        password_settings=FAST,
    )


def test_instance_has_certified_subkeys_and_private_key_files(tmp_path, database_url):
    created = _create(tmp_path / "inst", database_url)
    config = load_config({}, instance_dir=tmp_path / "inst")

    organisation = json.loads(config.organisation_path.read_text())
    assert organisation["fingerprint"] == created.fingerprint
    root = VerifyKey(b64decode(organisation["root_public_key"]))
    purposes = set()
    for doc in organisation["certificates"]:
        purpose = doc["certificate"]["purpose"]
        purposes.add(verify_certificate(doc, root, purpose, today=utc_day()).purpose)
    assert purposes == {"bundle", "release", "manifest", "checkpoint"}
    assert stat.S_IMODE(config.keys_dir.stat().st_mode) == 0o700
    for key_file in config.keys_dir.iterdir():
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, key_file.name


def test_bundle_lists_reviewers_and_seals_to_those_on_duty(tmp_path, database_url):
    created = _create(
        tmp_path / "inst",
        database_url,
        AccountSpec("coord", "coordinator", "a long password 1", "key passphrase 1"),
        AccountSpec("otto", "verifier", "a long password 2", "key passphrase 2", on_duty=False),
        AccountSpec("ada", "admin", "a long password 3"),
    )
    doc = json.loads(created.config.bundle_path.read_text())

    bundle = verify_bundle(doc, created.fingerprint, today=utc_day(), min_serial=1)

    ids = {a.username: a.key_id for a in created.accounts}
    assert ids["ada"] is None  # an admin holds no report key
    assert {k.id for k in bundle.keys} == {ids["coord"], ids["otto"]}
    assert [k.id for k in bundle.triage_keys] == [ids["coord"]]


def test_reviewer_key_unwraps_only_with_its_passphrase(tmp_path, database_url):
    created = _create(
        tmp_path / "inst",
        database_url,
        AccountSpec("vera", "verifier", "a long password 1", "the right passphrase"),
    )
    from vault import reviewer_store
    from vault.db import make_engine, session_factory

    with session_factory(make_engine(database_url))() as session:
        account = reviewer_store.find_account(session, "vera")
        (wrapped,) = reviewer_store.wrapped_keys(session, account.account_id)
    pair = created.reviewer_keys["vera"]
    blob, kdf = wrapped.wrapped_secret_key, wrapped.kdf

    keys = accounts.unwrap_secret_keys("the right passphrase", pair.key_id, blob, kdf)

    assert keys.x25519_sk == pair.x25519_sk
    with pytest.raises(accounts.BadPassphrase):
        accounts.unwrap_secret_keys("the wrong passphrase", pair.key_id, blob, kdf)


def test_an_instance_is_never_overwritten(tmp_path, database_url):
    _create(tmp_path / "inst", database_url)

    with pytest.raises(HavenError, match="already"):
        _create(tmp_path / "inst", database_url)


def test_haven_init_prints_fingerprint_and_root_key_warning(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "inst"), "--org-id", "org-a"],
        input="an admin password long enough\nan admin password long enough\n",
    )

    assert result.exit_code == 0, result.output
    fingerprint = json.loads((tmp_path / "inst/public/organisation.json").read_text())[
        "fingerprint"
    ]
    assert f"Organisation fingerprint: {fingerprint}" in result.output
    assert "organisation-root.key" in result.output
    assert "Recovery codes" in result.output
