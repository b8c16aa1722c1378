"""Release settings: ``release_*`` keys of ``[reviewer]`` in haven.toml, validated once.

| key | default | meaning |
|---|---|---|
| ``release_k`` | 5 | k of k-anonymity (S18) |
| ``release_k_margin`` | 2 | records required above k, so a withdrawal does not break k |
| ``release_l_diversity`` | 2 | distinct act categories needed in the record's class |
| ``release_min_suspect_set`` | 20 | smallest acceptable estimate of the State's suspect set |
| ``release_delay_days`` | 90 | days after the latest incident before a release |
| ``release_consent_max_age_days`` | 365 | older consent must be re-confirmed by the reporter |
| ``release_casebase_url`` | ``[urls] casebase`` | where packages go and the k query is asked |
| ``release_casebase_token_path`` | ``keys/casebase-token.key`` | partner token (k query) |
| ``release_key_path`` | ``keys/release.key`` | the organisation's release subkey (team mode) |
| ``release_retry_base_seconds`` | 30 | first outbox retry delay, doubled per failure |
| ``release_retry_max_seconds`` | 3600 | longest outbox retry delay |
| ``release_sender_seconds`` | 60 | how often the background sender tries due tombstones (0 = off) |
| ``release_attachment_max_bytes`` | 3145728 | largest scrubbed attachment released (3 MiB) |
| ``release_attachments_max_bytes`` | 8388608 | all scrubbed attachments of one package (8 MiB) |
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from haven.config import HavenConfig
from reviewer.release.errors import ReleaseConfigError

_INTS: Mapping[str, tuple[int, int]] = {  # name -> (default, minimum)
    "release_k": (5, 2),
    "release_k_margin": (2, 0),
    "release_l_diversity": (2, 1),
    "release_min_suspect_set": (20, 2),
    "release_delay_days": (90, 0),
    "release_consent_max_age_days": (365, 1),
    "release_retry_base_seconds": (30, 1),
    "release_retry_max_seconds": (3600, 1),
    "release_sender_seconds": (60, 0),
    "release_attachment_max_bytes": (3 * 1024 * 1024, 1024),
    "release_attachments_max_bytes": (8 * 1024 * 1024, 1024),
}


@dataclass(frozen=True)
class ReleaseSettings:
    k: int = 5
    k_margin: int = 2
    l_diversity: int = 2
    min_suspect_set: int = 20
    delay_days: int = 90
    consent_max_age_days: int = 365
    retry_base_seconds: int = 30
    retry_max_seconds: int = 3600
    sender_seconds: int = 60
    attachment_max_bytes: int = 3 * 1024 * 1024
    attachments_max_bytes: int = 8 * 1024 * 1024
    casebase_url: str = "http://127.0.0.1:8082"
    casebase_token_path: Path | None = None
    release_key_path: Path | None = None
    organisation_path: Path | None = None
    outbox_path: Path | None = None

    @property
    def required_class_size(self) -> int:
        """Records (this one included) that must share its quasi-identifiers."""
        return self.k + self.k_margin


def release_settings(config: HavenConfig) -> ReleaseSettings:
    section = config.section("reviewer")
    values = {name[len("release_"):]: _int(section, name, *limits)
              for name, limits in _INTS.items()}
    url = str(section.get("release_casebase_url") or config.casebase_url).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ReleaseConfigError(f"reviewer.release_casebase_url must be http(s), not {url!r}")
    return ReleaseSettings(
        casebase_url=url,
        casebase_token_path=_path(section, "release_casebase_token_path",
                                  config.keys_dir / "casebase-token.key"),
        release_key_path=_path(section, "release_key_path", config.keys_dir / "release.key"),
        organisation_path=config.organisation_path,
        outbox_path=config.reviewer_state_dir / "outbox.sqlite3",
        **values,
    )


def _int(section: Mapping[str, Any], name: str, default: int, minimum: int) -> int:
    value = section.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ReleaseConfigError(f"reviewer.{name} must be a whole number >= {minimum}, "
                                 f"not {value!r}")
    return value


def _path(section: Mapping[str, Any], name: str, default: Path) -> Path:
    value = section.get(name)
    if value is None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise ReleaseConfigError(f"reviewer.{name} must be a file path")
    return Path(value)
