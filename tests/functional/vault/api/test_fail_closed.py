"""The vault API refuses to start half-configured, and answers 503 when the database fails."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from haven.apps import create_or_unavailable
from haven.config import config_from_mapping
from haven.errors import ConfigError
from vault.api.app import create_app
from vault.db import make_engine


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("organisation", "organisation pin unusable"),
        ("fingerprint", "does not match the fingerprint"),
        ("audit_key", "audit-target key"),
    ],
)
def test_bad_keys_or_pins_refuse_to_start(vapi_instance, damage, message):
    config = vapi_instance.config
    if damage == "organisation":
        config.organisation_path.unlink()
    elif damage == "fingerprint":
        text = config.organisation_path.read_text()
        config.organisation_path.write_text(text.replace('"fingerprint": "', '"fingerprint": "0'))
    else:
        (config.keys_dir / "audit-target.key").write_text("not hex")
    with pytest.raises(ConfigError, match=message):
        create_app(config)


def test_unmigrated_database_refuses_to_start(tmp_path, vapi_instance):
    raw = {"instance_id": vapi_instance.config.instance_id,
           "vault": {"database_url": f"sqlite:///{tmp_path / 'empty.db'}"}}
    config = config_from_mapping(raw, vapi_instance.config.instance_dir)
    with pytest.raises(ConfigError, match="run `haven init`"):
        create_app(config)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"idle_timeout_seconds": 0}, "idle_timeout_seconds"),
        ({"idle_timeout_seconds": 99999, "absolute_timeout_seconds": 100}, "exceeds"),
        ({"decrypt_quota_per_day": "many"}, "decrypt_quota_per_day"),
        ({"bulk_open_alert_threshold": 500}, "exceeds decrypt_quota"),
        ({"argon2_time_cost": 0}, "too weak"),
        ({"lockout_threshold": 0}, "lockout"),
    ],
)
def test_bad_settings_are_named(vapi_instance, settings, message):
    config = vapi_instance.config
    raw = {"instance_id": config.instance_id, "vault": {"database_url": config.database_url},
           "vault_api": settings}
    with pytest.raises(ConfigError, match=message):
        create_app(config_from_mapping(raw, config.instance_dir))


def test_wsgi_entry_point_serves_503_when_misconfigured(tmp_path):
    app = create_or_unavailable("vault-api", {"HAVEN_INSTANCE": str(tmp_path)})
    from werkzeug.test import Client

    answer = Client(app).get("/api/v1/health")
    assert answer.status_code == 503


def test_database_failure_at_run_time_is_503(vapi_instance, vapi_client, vapi_as):
    engine = make_engine(vapi_instance.config.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE api_tokens"))
    answer = vapi_client.get("/api/v1/me", headers=vapi_as("coord"))
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert "api_tokens" not in answer.get_data(as_text=True)
