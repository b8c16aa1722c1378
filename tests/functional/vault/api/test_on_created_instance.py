"""The vault API on an instance made by ``haven.instance.create_instance`` (what `haven init`
and `haven demo` run), including a bundle published outside the API."""

from __future__ import annotations

import json

import pyotp

from haven.instance import AccountSpec, create_instance, publish_bundle
from vault.api.app import create_app
from vault.db import make_engine, session_factory, transaction
from vault.keys import load_signing_key, parse_certificate

FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
PASSWORD = "a long enough password"


def test_login_and_key_states_follow_bundles_published_by_the_cli(tmp_path, database_url):
    created = create_instance(
        tmp_path / "inst", org_id="org-demo", database_url=database_url,
        password_settings=FAST, extra_config="[vault_api]\nargon2_time_cost = 1\n"
                                             "argon2_memory_kib = 8192\n",
        accounts_to_create=[
            AccountSpec("cora", "coordinator", PASSWORD, passphrase="cora passphrase x"),
            AccountSpec("vic", "verifier", PASSWORD, passphrase="vic passphrase xx"),
            AccountSpec("adm", "admin", PASSWORD),
        ])
    client = create_app(created.config).test_client()
    secrets = {a.username: a.totp_secret for a in created.accounts}
    login = client.post("/api/v1/auth/login", json={
        "username": "cora", "password": PASSWORD, "totp": pyotp.TOTP(secrets["cora"]).now()})
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.get_json()['token']}"}
    states = {k["key_id"]: k["status"] for k in login.get_json()["account"]["keys"]}
    assert set(states.values()) == {"active"}

    # `haven keys`-style publication straight into the store: vic's key leaves the bundle.
    config = created.config
    bundle_key = load_signing_key(config.keys_dir / "bundle.key", purpose="bundle")
    organisation = json.loads(config.organisation_path.read_text())
    certificate = next(c for c in organisation["certificates"]
                       if c["certificate"]["purpose"] == "bundle")
    root = load_signing_key(config.keys_dir / "organisation-root.key", purpose="root")
    cora = created.reviewer_keys["cora"]
    with transaction(session_factory(make_engine(config.database_url))) as session:
        publish_bundle(session, config,
                       bundle_subkey=(bundle_key, parse_certificate(certificate)), root=root,
                       org_id="org-demo", pairs={"cora": cora}, serial=2,
                       triage=[cora.key_id], coordinators={"cora"})
    reviewers = client.get("/api/v1/reviewers", headers=headers).get_json()["reviewers"]
    by_name = {r["username"]: r["key_ids"] for r in reviewers}
    assert by_name["vic"] == []
    assert by_name["cora"] == [cora.key_id]
