"""The intake app's own settings: the ``[intake]`` section of haven.toml as a frozen dataclass.

Every value has a safe default so a fresh instance works; anything present but malformed is a
``IntakeConfigError`` and the app answers 503 everywhere rather than run half-configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from haven.i18n import LANGUAGES
from intake.errors import IntakeConfigError

MIB = 1024 * 1024


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Marks a default for the message catalogues; templates translate it when shown."""
    return text


# Helplines shown on the "danger now?" page when the deployment names none of its own.
DEFAULT_HELPLINES: tuple[Mapping[str, str], ...] = (
    {
        "kind": "emergency",
        "name": "Front Line Defenders emergency line (24/7)",
        "contact": "+353 1 210 0489",
        "note": N_("Protection and urgent support for human rights defenders at risk."),
    },
    {
        "kind": "digital",
        "name": "Access Now Digital Security Helpline (24/7)",
        "contact": "help@accessnow.org",
        "note": N_("Help if your phone, computer or accounts may be monitored or compromised."),
    },
)


@dataclass(frozen=True)
class Helpline:
    kind: str  # "emergency" or "digital"
    name: str
    contact: str
    note: str = ""


@dataclass(frozen=True)
class IntakeConfig:
    helplines: tuple[Helpline, ...] = field(
        default_factory=lambda: tuple(Helpline(**h) for h in DEFAULT_HELPLINES)
    )
    # Where "quick exit" goes: a neutral site; the history entry is replaced.
    quick_exit_url: str = "https://www.wikipedia.org/"
    # Pointer for cases clearly outside the UN-reprisals scope.
    out_of_scope_url: str = (
        "https://www.ohchr.org/en/special-procedures/sr-human-rights-defenders"
    )
    out_of_scope_name: str = N_(
        "the UN Special Rapporteur on the situation of human rights defenders")
    onion_address: str = ""
    behind_tls: bool = False  # send HSTS only where TLS is actually terminated in front
    # For people whose screen or browser history may be seen: every page title becomes a
    # neutral word and the tab icon a plain page, nothing naming Haven or reprisals.
    neutral_appearance: bool = False
    proxies: int = 0  # exact number of reverse proxies in front (ProxyFix), 0 = none
    # Size limits (bytes).
    max_envelope_bytes: int = 4 * MIB
    max_file_bytes: int = 500 * MIB
    max_files: int = 20
    max_submission_bytes: int = 2048 * MIB
    nojs_max_attachment_bytes: int = 16 * MIB
    nojs_max_form_bytes: int = 24 * MIB
    # Proof of work (leading zero bits of SHA-256); difficulty rises with load.
    pow_difficulty: int = 16
    # Measured: about 65,000 SHA-256 a second in a worker, with or without JIT (WebCrypto is
    # native), so 16 bits take about 1 s and 20 bits about 15 s here, ~30–60 s on a slow phone.
    pow_max_difficulty: int = 20
    pow_load_per_minute: int = 30  # submissions per minute before difficulty rises
    pow_ttl_seconds: int = 900
    # The no-JS queue: at most this many no-JS sealings at once, each waiting longer under load.
    nojs_concurrency: int = 2
    nojs_delay_seconds: float = 2.0
    # Rate limits (flask-limiter syntax), keyed by a rotating HMAC of the client address.
    limit_submit: str = "20 per hour"
    limit_receipt: str = "30 per hour"
    limit_upload: str = "3000 per hour"
    limit_pages: str = "600 per hour"
    # Refuse new data (503) when the blob directory's disk has less than this free.
    min_free_disk_bytes: int = 1024 * MIB
    # The six UN languages (haven.i18n.LANGUAGES); a deployment may offer fewer.
    languages: tuple[str, ...] = ("en", "ar", "zh", "fr", "ru", "es")


_INT_FIELDS = (
    "max_envelope_bytes",
    "max_file_bytes",
    "max_files",
    "max_submission_bytes",
    "nojs_max_attachment_bytes",
    "nojs_max_form_bytes",
    "pow_difficulty",
    "pow_max_difficulty",
    "pow_load_per_minute",
    "pow_ttl_seconds",
    "nojs_concurrency",
    "proxies",
    "min_free_disk_bytes",
)
_STR_FIELDS = (
    "quick_exit_url",
    "out_of_scope_url",
    "out_of_scope_name",
    "onion_address",
    "limit_submit",
    "limit_receipt",
    "limit_upload",
    "limit_pages",
)
MAX_POW_BITS = 24  # minutes on a slow phone: the most any deployment may ask


def intake_config_from_section(  # noqa: PLR0912 - one check per setting, flat on purpose
    section: Mapping[str, Any],
) -> IntakeConfig:
    """Validate the raw ``[intake]`` table; unknown keys are errors (typos fail loudly)."""
    known = {*_INT_FIELDS, *_STR_FIELDS, "helplines", "behind_tls", "neutral_appearance",
             "nojs_delay_seconds",
             "languages"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise IntakeConfigError(f"[intake]: unknown setting(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name in _INT_FIELDS:
        if name in section:
            value = section[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise IntakeConfigError(f"[intake] {name} must be a whole number >= 0")
            values[name] = value
    for name in _STR_FIELDS:
        if name in section:
            if not isinstance(section[name], str):
                raise IntakeConfigError(f"[intake] {name} must be text")
            values[name] = section[name]
    if "behind_tls" in section:
        if not isinstance(section["behind_tls"], bool):
            raise IntakeConfigError("[intake] behind_tls must be true or false")
        values["behind_tls"] = section["behind_tls"]
    if "neutral_appearance" in section:
        if not isinstance(section["neutral_appearance"], bool):
            raise IntakeConfigError("[intake] neutral_appearance must be true or false")
        values["neutral_appearance"] = section["neutral_appearance"]
    if "nojs_delay_seconds" in section:
        delay = section["nojs_delay_seconds"]
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0:
            raise IntakeConfigError("[intake] nojs_delay_seconds must be a number >= 0")
        values["nojs_delay_seconds"] = float(delay)
    if "languages" in section:
        languages = section["languages"]
        if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
            raise IntakeConfigError("[intake] languages must be a list of language codes")
        unknown_languages = sorted(set(languages) - set(LANGUAGES))
        if unknown_languages:
            raise IntakeConfigError(
                f"[intake] languages: no catalogue for {', '.join(unknown_languages)}")
        values["languages"] = tuple(languages) or ("en",)
    if "helplines" in section:
        values["helplines"] = _helplines(section["helplines"])
    config = IntakeConfig(**values)
    _check_consistency(config)
    return config


def _helplines(raw: Any) -> tuple[Helpline, ...]:
    if not isinstance(raw, list):
        raise IntakeConfigError("[intake] helplines must be a list of tables")
    lines = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            raise IntakeConfigError(f"[intake] helplines[{index}] must be a table")
        if entry.get("kind") not in ("emergency", "digital"):
            raise IntakeConfigError(
                f"[intake] helplines[{index}].kind must be 'emergency' or 'digital'"
            )
        for key in ("name", "contact"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise IntakeConfigError(f"[intake] helplines[{index}].{key} is required")
        extra = set(entry) - {"kind", "name", "contact", "note"}
        if extra:
            raise IntakeConfigError(
                f"[intake] helplines[{index}]: unknown key(s) {', '.join(sorted(extra))}"
            )
        lines.append(Helpline(**{k: str(v) for k, v in entry.items()}))
    return tuple(lines)


def _check_consistency(config: IntakeConfig) -> None:
    if config.pow_max_difficulty > MAX_POW_BITS:
        raise IntakeConfigError(f"[intake] pow_max_difficulty must be at most {MAX_POW_BITS}")
    if config.pow_difficulty > config.pow_max_difficulty:
        raise IntakeConfigError("[intake] pow_difficulty must not exceed pow_max_difficulty")
    if config.pow_ttl_seconds < 60:  # noqa: PLR2004 - a slow phone needs time to solve
        raise IntakeConfigError("[intake] pow_ttl_seconds must be at least 60")
    if config.nojs_concurrency < 1:
        raise IntakeConfigError("[intake] nojs_concurrency must be at least 1")
    if config.nojs_max_attachment_bytes > config.nojs_max_form_bytes:
        raise IntakeConfigError(
            "[intake] nojs_max_attachment_bytes must not exceed nojs_max_form_bytes"
        )
    if not config.quick_exit_url.startswith(("https://", "http://")):
        raise IntakeConfigError("[intake] quick_exit_url must be an https:// address")
