"""The case base's own settings: the ``[casebase]`` section of haven.toml, validated once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from casebase.attachments import AttachmentLimits
from haven.config import HavenConfig
from haven.errors import ConfigError

MAX_PAGE_SIZE = 100
MIN_THRESHOLD = 2
MIN_SECRET_LENGTH = 32

_DEFAULTS: dict[str, Any] = {
    "publication_delay_days": 7,
    "stale_follow_up_months": 12,
    "page_size": 20,
    "partner_session_minutes": 60,
    "suppression_threshold": 5,
    # Scrubbed images released with records (S15); at least the reviewer's
    # release_attachment_max_bytes / release_attachments_max_bytes.
    "attachment_max_bytes": 4 * 1024 * 1024,
    "attachments_max_bytes": 10 * 1024 * 1024,
}
MIN_ATTACHMENT_BYTES = 1024


@dataclass(frozen=True)
class CasebaseConfig:
    database_url: str
    keys_dir: Path
    publication_delay_days: int = 7
    stale_follow_up_months: int = 12
    page_size: int = 20
    partner_session_minutes: int = 60
    suppression_threshold: int = 5
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8082"
    attachment_max_bytes: int = 4 * 1024 * 1024
    attachments_max_bytes: int = 10 * 1024 * 1024

    @property
    def attachment_limits(self) -> AttachmentLimits:
        return AttachmentLimits(self.attachment_max_bytes, self.attachments_max_bytes)

    @property
    def feed_key_path(self) -> Path:
        return self.keys_dir / "casebase-feed.key"


def casebase_config(haven: HavenConfig, **overrides: Any) -> CasebaseConfig:
    """Build the case base settings from the instance config (tests pass overrides)."""
    raw: dict[str, Any] = {**_DEFAULTS, **_known(haven.section("casebase")), **overrides}
    for key in _DEFAULTS:
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"casebase.{key} must be a whole number >= 0, not {value!r}")
    if raw["page_size"] < 1 or raw["page_size"] > MAX_PAGE_SIZE:
        raise ConfigError("casebase.page_size must be between 1 and 100")
    if raw["suppression_threshold"] < MIN_THRESHOLD:
        raise ConfigError("casebase.suppression_threshold must be at least 2")
    if min(raw["attachment_max_bytes"], raw["attachments_max_bytes"]) < MIN_ATTACHMENT_BYTES:
        raise ConfigError("casebase.attachment_max_bytes and attachments_max_bytes must be "
                          "at least 1024")
    secret = raw.get("secret_key") or _read_secret(haven.keys_dir / "session-secret.key")
    return CasebaseConfig(
        database_url=raw.get("database_url_override") or haven.casebase_database_url,
        keys_dir=haven.keys_dir,
        publication_delay_days=raw["publication_delay_days"],
        stale_follow_up_months=raw["stale_follow_up_months"],
        page_size=raw["page_size"],
        partner_session_minutes=raw["partner_session_minutes"],
        suppression_threshold=raw["suppression_threshold"],
        secret_key=secret,
        base_url=haven.casebase_url,
        attachment_max_bytes=raw["attachment_max_bytes"],
        attachments_max_bytes=raw["attachments_max_bytes"],
    )


def _known(section: Mapping[str, Any]) -> dict[str, Any]:
    allowed = {*_DEFAULTS, "secret_key", "database_url"}
    unknown = set(section) - allowed
    if unknown:
        raise ConfigError(f"[casebase]: unknown settings {sorted(unknown)}")
    return {k: v for k, v in section.items() if k != "database_url"}


def _read_secret(path: Path) -> str:
    try:
        secret = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"cannot read the session secret {path}: run `haven init`") from None
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"the session secret in {path} is too short")
    return secret
