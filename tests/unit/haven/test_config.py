"""The instance configuration is a pure function of haven.toml and the environment."""

import dataclasses
from pathlib import Path

import pytest

from haven.config import config_from_mapping, load_config
from haven.errors import ConfigError

INSTANCE_ID = "0123456789abcdef0123456789abcdef"


def test_defaults_put_every_database_inside_the_instance(tmp_path: Path):
    config = config_from_mapping({"instance_id": INSTANCE_ID}, tmp_path)

    assert config.database_url == f"sqlite:///{tmp_path / 'vault.db'}"
    assert config.casebase_database_url == f"sqlite:///{tmp_path / 'casebase.db'}"
    assert config.blob_dir == tmp_path / "blobs"
    assert config.bundle_path == tmp_path / "public" / "bundle.json"
    assert config.intake_url == "http://127.0.0.1:8080"
    assert config.vault_api_url == "http://127.0.0.1:8083"
    assert config.ratelimit_storage_url == "memory://"


def test_environment_overrides_the_file(tmp_path: Path):
    environ = {
        "HAVEN_DATABASE_URL": "postgresql+psycopg://haven@db/vault",
        "HAVEN_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
    }
    raw = {"instance_id": INSTANCE_ID, "vault": {"database_url": "sqlite:///elsewhere.db"}}

    config = config_from_mapping(raw, tmp_path, environ)

    assert config.database_url == "postgresql+psycopg://haven@db/vault"
    assert config.ratelimit_storage_url == "redis://127.0.0.1:6379/0"


def test_config_is_frozen(tmp_path: Path):
    config = config_from_mapping({"instance_id": INSTANCE_ID}, tmp_path)

    with pytest.raises(dataclasses.FrozenInstanceError):
        config.database_url = "sqlite:///other.db"  # type: ignore[misc]


def test_app_sections_are_read_only_and_default_to_empty(tmp_path: Path):
    raw = {"instance_id": INSTANCE_ID, "intake": {"max_upload_mb": 500}}
    config = config_from_mapping(raw, tmp_path)

    assert config.section("intake")["max_upload_mb"] == 500
    assert dict(config.section("casebase")) == {}
    with pytest.raises(TypeError):
        config.section("intake")["max_upload_mb"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "instance_id"),
        ({"instance_id": "short"}, "instance_id"),
        ({"instance_id": "z" * 32}, "instance_id"),
        ({"instance_id": INSTANCE_ID, "vault": {"database_url": "mysql://x"}}, "database_url"),
        ({"instance_id": INSTANCE_ID, "ratelimit": {"storage_url": "file:///x"}}, "storage_url"),
        ({"instance_id": INSTANCE_ID, "retention": {"bogus": 3}}, "unknown status"),
        ({"instance_id": INSTANCE_ID, "retention": {"closed": -1}}, "whole number"),
    ],
)
def test_invalid_configuration_is_refused_with_a_clear_message(tmp_path, raw, message):
    with pytest.raises(ConfigError, match=message):
        config_from_mapping(raw, tmp_path)


def test_missing_instance_says_how_to_create_one(tmp_path: Path):
    with pytest.raises(ConfigError, match="haven init"):
        load_config({}, instance_dir=tmp_path)


def test_unset_instance_is_a_config_error():
    with pytest.raises(ConfigError, match="HAVEN_INSTANCE"):
        load_config({})


def test_load_config_reads_haven_toml(tmp_path: Path):
    (tmp_path / "haven.toml").write_text(
        f'instance_id = "{INSTANCE_ID}"\n[retention]\nclosed = 30\n', "utf-8"
    )

    config = load_config({}, instance_dir=tmp_path)

    assert config.instance_id == INSTANCE_ID
    assert config.retention_days["closed"] == 30
    assert config.retention_days["new"] == 365
