"""Instance configuration: a frozen dataclass, loaded once by a pure function.

An instance is a directory (``haven init DIR``) holding ``haven.toml``, the keys and the
SQLite databases. ``load_config`` reads that file and the ``HAVEN_*`` environment and
returns a validated ``HavenConfig``; it never reads anything else, so tests build configs
from a dict and a temporary directory. Each app keeps its own settings in a section
(``[intake]``, ``[reviewer]``, ``[casebase]``, ``[vault_api]``) and turns it into a frozen
dataclass of its own with ``HavenConfig.section``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from haven.errors import ConfigError

CONFIG_FILE_NAME = "haven.toml"
INSTANCE_ID_HEX_LENGTH = 32

# Days a reply to the reporter is kept after the reporter first fetched it (``[vault]
# reply_retention_days``; 0 = deleted at the next ``haven purge``; S6, vault/reply_store.py).
DEFAULT_REPLY_RETENTION_DAYS = 30

# Days a report is kept after it last changed, by status. ``haven purge`` applies them.
DEFAULT_RETENTION_DAYS = MappingProxyType(
    {
        "new": 365,
        "triaged": 365,
        "under_verification": 730,
        "verified": 1825,
        "release_drafted": 1825,
        "released": 1825,
        "held": 730,
        "closed": 90,
        "withdrawn": 0,
    }
)

_DEFAULT_URLS = {
    "intake": "http://127.0.0.1:8080",
    "reviewer": "http://127.0.0.1:8081",
    "casebase": "http://127.0.0.1:8082",
    "vault_api": "http://127.0.0.1:8083",
}

# Environment variables that override the file, and the key each one sets.
ENV_OVERRIDES = MappingProxyType(
    {
        "HAVEN_DATABASE_URL": "database_url",
        "HAVEN_CASEBASE_DATABASE_URL": "casebase_database_url",
        "HAVEN_RATELIMIT_STORAGE_URL": "ratelimit_storage_url",
        "HAVEN_VAULT_API_URL": "vault_api_url",
        "HAVEN_CASEBASE_URL": "casebase_url",
        "HAVEN_INTAKE_URL": "intake_url",
        "HAVEN_REVIEWER_URL": "reviewer_url",
    }
)


@dataclass(frozen=True)
class HavenConfig:
    instance_dir: Path
    instance_id: str
    database_url: str
    casebase_database_url: str
    blob_dir: Path
    keys_dir: Path
    public_dir: Path
    reviewer_state_dir: Path
    intake_url: str
    reviewer_url: str
    casebase_url: str
    vault_api_url: str
    ratelimit_storage_url: str
    retention_days: Mapping[str, int] = field(default_factory=lambda: DEFAULT_RETENTION_DAYS)
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))
    reply_retention_days: int = DEFAULT_REPLY_RETENTION_DAYS

    def section(self, name: str) -> Mapping[str, Any]:
        """The raw ``[name]`` table of haven.toml (empty when absent)."""
        return self.sections.get(name, MappingProxyType({}))

    @property
    def bundle_path(self) -> Path:
        """The signed reviewer key bundle served to reporters' browsers and the CLI."""
        return self.public_dir / "bundle.json"

    @property
    def organisation_path(self) -> Path:
        """The organisation's public root key, fingerprint and subkey certificates."""
        return self.public_dir / "organisation.json"


def instance_dir_from_env(environ: Mapping[str, str]) -> Path:
    raw = environ.get("HAVEN_INSTANCE")
    if not raw:
        raise ConfigError("HAVEN_INSTANCE is not set: point it at a directory made by `haven init`")
    return Path(raw)


def load_config(
    environ: Mapping[str, str] | None = None, instance_dir: Path | None = None
) -> HavenConfig:
    """Read ``haven.toml`` of the instance and apply ``HAVEN_*`` overrides; validate."""
    environ = os.environ if environ is None else environ
    instance_dir = (instance_dir or instance_dir_from_env(environ)).resolve()
    path = instance_dir / CONFIG_FILE_NAME
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"no {CONFIG_FILE_NAME} in {instance_dir}: run `haven init {instance_dir}`"
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    return config_from_mapping(raw, instance_dir, environ)


def config_from_mapping(
    raw: Mapping[str, Any], instance_dir: Path, environ: Mapping[str, str] | None = None
) -> HavenConfig:
    """Build and validate a config from parsed TOML; pure, so tests can call it directly."""
    environ = {} if environ is None else environ
    flat: dict[str, Any] = {
        "instance_id": raw.get("instance_id"),
        "database_url": raw.get("vault", {}).get("database_url")
        or f"sqlite:///{instance_dir / 'vault.db'}",
        "casebase_database_url": raw.get("casebase", {}).get("database_url")
        or f"sqlite:///{instance_dir / 'casebase.db'}",
        "ratelimit_storage_url": raw.get("ratelimit", {}).get("storage_url", "memory://"),
    }
    urls = {**_DEFAULT_URLS, **raw.get("urls", {})}
    for name, url in urls.items():
        flat[f"{name}_url"] = url
    for env_name, key in ENV_OVERRIDES.items():
        if environ.get(env_name):
            flat[key] = environ[env_name]

    instance_id = flat["instance_id"]
    well_formed = isinstance(instance_id, str) and len(instance_id) == INSTANCE_ID_HEX_LENGTH
    if not well_formed or not _is_hex(instance_id):
        raise ConfigError("instance_id must be 32 hex characters (made by `haven init`)")
    for key in ("database_url", "casebase_database_url"):
        if not str(flat[key]).startswith(("sqlite:///", "postgresql")):
            raise ConfigError(f"{key} must be a sqlite:/// or postgresql URL, not {flat[key]!r}")
    if not str(flat["ratelimit_storage_url"]).startswith(("memory://", "redis://", "rediss://")):
        raise ConfigError("ratelimit.storage_url must be memory:// or a redis:// URL")

    retention = dict(DEFAULT_RETENTION_DAYS)
    for status, days in raw.get("retention", {}).items():
        if status not in DEFAULT_RETENTION_DAYS:
            raise ConfigError(f"retention: unknown status {status!r}")
        if not isinstance(days, int) or days < 0:
            raise ConfigError(f"retention.{status} must be a whole number of days >= 0")
        retention[status] = days

    reply_days = raw.get("vault", {}).get("reply_retention_days", DEFAULT_REPLY_RETENTION_DAYS)
    if not isinstance(reply_days, int) or isinstance(reply_days, bool) or reply_days < 0:
        raise ConfigError("vault.reply_retention_days must be a whole number of days >= 0")

    paths = raw.get("paths", {})
    sections = {
        name: MappingProxyType(dict(value))
        for name, value in raw.items()
        if isinstance(value, dict)
    }
    return HavenConfig(
        instance_dir=instance_dir,
        instance_id=instance_id,
        database_url=str(flat["database_url"]),
        casebase_database_url=str(flat["casebase_database_url"]),
        blob_dir=instance_dir / paths.get("blobs", "blobs"),
        keys_dir=instance_dir / paths.get("keys", "keys"),
        public_dir=instance_dir / paths.get("public", "public"),
        reviewer_state_dir=instance_dir / paths.get("reviewer_state", "reviewer"),
        intake_url=str(flat["intake_url"]),
        reviewer_url=str(flat["reviewer_url"]),
        casebase_url=str(flat["casebase_url"]),
        vault_api_url=str(flat["vault_api_url"]),
        ratelimit_storage_url=str(flat["ratelimit_storage_url"]),
        retention_days=MappingProxyType(retention),
        sections=MappingProxyType(sections),
        reply_retention_days=reply_days,
    )


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True
