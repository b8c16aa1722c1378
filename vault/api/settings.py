"""The vault API's own settings: the ``[vault_api]`` section of haven.toml, validated once."""

from __future__ import annotations

from dataclasses import dataclass

from haven.config import HavenConfig
from haven.errors import ConfigError
from vault.accounts import LockoutPolicy, PasswordPolicy

DEFAULT_IDLE_SECONDS = 2 * 60 * 60
DEFAULT_ABSOLUTE_SECONDS = 12 * 60 * 60


@dataclass(frozen=True)
class ApiSettings:
    database_url: str
    blob_dir: str
    organisation_path: str
    bundle_path: str
    audit_target_key_path: str
    checkpoint_key_path: str
    password: PasswordPolicy
    lockout: LockoutPolicy
    idle_timeout_seconds: int = DEFAULT_IDLE_SECONDS
    absolute_timeout_seconds: int = DEFAULT_ABSOLUTE_SECONDS
    login_rate_limit: str = "10/minute;100/hour"
    ratelimit_storage_url: str = "memory://"
    decrypt_quota_per_day: int = 100
    bulk_open_alert_threshold: int = 30
    max_body_bytes: int = 64 * 1024
    max_upload_bytes: int = 4 * 1024 * 1024
    totp_wrap_key_path: str = ""  # keys/totp-wrap.key; made on first use


_POSITIVE_INTS = (
    "idle_timeout_seconds",
    "absolute_timeout_seconds",
    "decrypt_quota_per_day",
    "bulk_open_alert_threshold",
    "max_body_bytes",
    "max_upload_bytes",
)


def api_settings(config: HavenConfig) -> ApiSettings:
    """Build the settings from the instance config; ConfigError names a bad value."""
    section = config.section("vault_api")
    values: dict[str, int] = {}
    for name in _POSITIVE_INTS:
        raw = section.get(name, getattr(ApiSettings, name))
        if not isinstance(raw, int) or isinstance(raw, bool) or raw <= 0:
            raise ConfigError(f"vault_api.{name} must be a whole number above 0")
        values[name] = raw
    if values["idle_timeout_seconds"] > values["absolute_timeout_seconds"]:
        raise ConfigError("vault_api.idle_timeout_seconds exceeds absolute_timeout_seconds")
    if values["bulk_open_alert_threshold"] > values["decrypt_quota_per_day"]:
        raise ConfigError("vault_api.bulk_open_alert_threshold exceeds decrypt_quota_per_day")
    try:
        password = PasswordPolicy.from_section(section)
        lockout = LockoutPolicy.from_section(section)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"vault_api: {exc}") from None
    if password.time_cost < 1 or password.memory_kib < 8 * password.parallelism:
        raise ConfigError("vault_api.argon2_* parameters are too weak")
    if lockout.threshold < 1 or lockout.base_seconds < 1 or lockout.max_seconds < 1:
        raise ConfigError("vault_api.lockout_* values must be above 0")
    rate_limit = section.get("login_rate_limit", ApiSettings.login_rate_limit)
    if not isinstance(rate_limit, str) or not rate_limit:
        raise ConfigError("vault_api.login_rate_limit must be a flask-limiter string")
    return ApiSettings(
        database_url=config.database_url,
        blob_dir=str(config.blob_dir),
        organisation_path=str(config.organisation_path),
        bundle_path=str(config.bundle_path),
        audit_target_key_path=str(config.keys_dir / "audit-target.key"),
        checkpoint_key_path=str(config.keys_dir / "checkpoint.key"),
        totp_wrap_key_path=str(config.keys_dir / "totp-wrap.key"),
        password=password,
        lockout=lockout,
        login_rate_limit=rate_limit,
        ratelimit_storage_url=config.ratelimit_storage_url,
        **values,
    )
