"""The bundle never lapses on a running deployment: `haven keys republish
--if-expiring-within` (what the daily timer runs) re-signs a bundle about to expire, the
running intake serves the new one without a restart, and `haven keys status` warns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.apps import create
from haven.cli import cli
from haven.config import HavenConfig
from haven.instance import AccountSpec, create_instance
from vault import bundle_store
from vault.canonical import utc_day
from vault.db import make_engine, session_factory, transaction
from vault.keys import add_days

FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _latest_serial(config: HavenConfig) -> int:
    engine = make_engine(config.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            latest = bundle_store.latest_bundle(session)
    finally:
        engine.dispose()
    assert latest is not None
    assert latest.document == config.bundle_path.read_text()  # the store and the file agree
    return latest.serial


@pytest.fixture
def expiry_instance(tmp_path: Path, database_url: str) -> HavenConfig:
    created = create_instance(
        tmp_path / "inst", org_id="org-exp", database_url=database_url,
        password_settings=FAST,
        accounts_to_create=[AccountSpec("cora", "coordinator", "a long password 1",
                                        "passphrase one")])
    return created.config


def _served(client) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/bundle.json")
    assert response.status_code == 200
    return json.loads(response.data)["bundle"]


def test_an_expiring_bundle_is_republished_and_the_intake_follows(
        expiry_instance: HavenConfig) -> None:
    config = expiry_instance
    inst = str(config.instance_dir)
    client = create("intake", config).test_client()
    # A bundle issued 25 days ago: five days left.
    code, out = _invoke("keys", "republish", "--instance", inst,
                        "--today", add_days(utc_day(), -25))
    assert code == 0, out
    assert _served(client)["serial"] == 2
    code, out = _invoke("keys", "status", "--instance", inst)
    assert code == 3, out
    assert "(5 day(s) left)" in out

    code, out = _invoke("keys", "republish", "--instance", inst, "--if-expiring-within", "7")

    assert code == 0, out
    assert f"published bundle serial 3, expires {add_days(utc_day(), 30)}" in out
    served = _served(client)  # the same app object: no restart
    assert served["serial"] == 3
    assert served["expires_at"] == add_days(utc_day(), 30)
    assert _latest_serial(config) == 3
    code, out = _invoke("keys", "status", "--instance", inst)
    assert code == 0, out
    assert "(30 day(s) left)" in out


def test_a_bundle_valid_longer_is_left_alone(expiry_instance: HavenConfig) -> None:
    config = expiry_instance
    before = config.bundle_path.read_bytes()

    code, out = _invoke("keys", "republish", "--instance", str(config.instance_dir),
                        "--if-expiring-within", "7")

    assert code == 0, out
    assert "valid until" in out
    assert "not republished" in out
    assert config.bundle_path.read_bytes() == before
    assert _latest_serial(config) == 1


def test_an_expired_bundle_is_republished_and_status_says_expired(
        expiry_instance: HavenConfig) -> None:
    config = expiry_instance
    inst = str(config.instance_dir)
    code, out = _invoke("keys", "republish", "--instance", inst,
                        "--today", add_days(utc_day(), -40))
    assert code == 0, out
    code, out = _invoke("keys", "status", "--instance", inst)
    assert code == 1
    assert "expired" in out
    # An intake started on it answers 503 (fail closed) until it is republished ...
    assert create("intake", config).test_client().get("/bundle.json").status_code == 503
    code, out = _invoke("keys", "republish", "--instance", inst, "--if-expiring-within", "0")
    assert code == 0, out
    assert "published bundle serial 3" in out
    # ... and serves the republished one.
    assert _served(create("intake", config).test_client())["serial"] == 3


def test_a_republish_that_cannot_sign_fails_loudly_and_changes_nothing(
        expiry_instance: HavenConfig) -> None:
    config = expiry_instance
    inst = str(config.instance_dir)
    code, _ = _invoke("keys", "republish", "--instance", inst,
                      "--today", add_days(utc_day(), -25))
    assert code == 0
    before = config.bundle_path.read_bytes()
    (config.keys_dir / "bundle.key").unlink()  # the subkey was moved offline

    code, out = _invoke("keys", "republish", "--instance", inst, "--if-expiring-within", "7")

    assert code == 1
    assert "no usable bundle subkey" in out
    assert config.bundle_path.read_bytes() == before
    assert _latest_serial(config) == 2
    code, out = _invoke("keys", "republish", "--instance", inst, "--if-expiring-within", "40")
    assert code == 2  # bad usage: a bundle is never valid that long
    code, out = _invoke("keys", "republish", "--instance", inst, "--today", "yesterday")
    assert code == 2
    assert "not a day" in out


def test_the_vault_api_health_reports_the_days_left(expiry_instance: HavenConfig) -> None:
    from vault.api.app import create_app

    config = expiry_instance
    client = create_app(config).test_client()

    def bundle_health() -> dict:
        answer = client.get("/api/v1/health")
        assert answer.status_code == 200
        assert answer.get_json()["status"] == "ok"
        return answer.get_json()["bundle"]

    assert bundle_health() == {"state": "ok", "serial": 1,
                               "expires_at": add_days(utc_day(), 30), "days_left": 30}
    _invoke("keys", "republish", "--instance", str(config.instance_dir),
            "--today", add_days(utc_day(), -25))
    assert bundle_health() == {"state": "expiring", "serial": 2,
                               "expires_at": add_days(utc_day(), 5), "days_left": 5}
    config.bundle_path.write_text("{half a bundle")
    assert bundle_health()["state"] == "invalid"
    config.bundle_path.unlink()
    assert bundle_health() == {"state": "missing", "serial": None, "expires_at": None,
                               "days_left": None}
