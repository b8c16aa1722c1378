"""A republished bundle (new reviewer, offboarding) reaches the intake without a restart;
a bundle that rolls back or does not verify is refused and the last good one is served."""

from __future__ import annotations

import json

from haven.apps import create
from haven.instance import AccountSpec, create_instance
from vault.bundle import reissue_bundle
from vault.canonical import utc_day
from vault.keys import load_signing_key, parse_certificate

FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}


def _served(client) -> dict:
    response = client.get("/bundle.json")
    assert response.status_code == 200
    return json.loads(response.data)["bundle"]


def test_republished_bundle_is_served_at_once_and_rollback_is_refused(tmp_path, database_url):
    created = create_instance(
        tmp_path / "instance", org_id="org-a", database_url=database_url,
        password_settings=FAST,
        accounts_to_create=[
            AccountSpec("coord", "coordinator", "a long password 1", "passphrase one"),
            AccountSpec("vera", "verifier", "a long password 2", "passphrase two"),
        ])
    config = created.config
    client = create("intake", config).test_client()
    first_text = config.bundle_path.read_text()
    assert _served(client)["serial"] == 1

    organisation = json.loads(config.organisation_path.read_text())
    certificate = parse_certificate(next(
        c for c in organisation["certificates"] if c["certificate"]["purpose"] == "bundle"))
    vera = created.reviewer_keys["vera"].key_id
    second = reissue_bundle(
        json.loads(first_text), bundle_sk=load_signing_key(config.keys_dir / "bundle.key"),
        certificate=certificate, issued_at=utc_day(), retire=[vera])
    config.bundle_path.write_text(json.dumps(second))

    served = _served(client)
    assert served["serial"] == 2
    assert vera not in {k["id"] for k in served["keys"]}
    assert vera in served["revoked"]

    config.bundle_path.write_text(first_text)  # a rollback to serial 1
    assert _served(client)["serial"] == 2
    config.bundle_path.write_text("{not a bundle")
    assert _served(client)["serial"] == 2
