"""Everything an intake app instance holds, built once by ``build_services`` (fail closed).

The intake holds only public material: the signed bundle it serves, the organisation
fingerprint it pins into pages, and the lookup pepper (a keyed hash for receipt lookup). It
never holds a key that opens a report.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import request
from flask_limiter import Limiter

from haven.config import HavenConfig
from intake.config import IntakeConfig
from intake.errors import IntakeConfigError
from intake.pow import ProofOfWork, SpentStore, shared_pow_key
from intake.ratelimit import RotatingAddressKey, address_key_for
from intake.site import SiteBuild, build_site

PEPPER_FILE = "lookup-pepper.key"
PEPPER_BYTES = 32
log = logging.getLogger("haven.intake")


@dataclass(frozen=True)
class PublishedBundle:
    document: bytes  # the exact bytes served at /bundle.json
    sha256: bytes  # bundle_sha256 = SHA-256(JCS(B)), what envelopes name
    serial: int
    triage: tuple[str, ...]
    parsed: object  # vault.bundle's verified bundle, for server-side sealing (no-JS)


@dataclass(frozen=True)
class IntakeServices:
    config: HavenConfig
    intake_config: IntakeConfig
    site: SiteBuild
    limiter: Limiter
    rate_key: RotatingAddressKey
    pow: ProofOfWork
    pepper: bytes
    bundle: CurrentBundle  # reads like a PublishedBundle; follows republished bundles
    sessions: object  # sqlalchemy sessionmaker for the vault database
    uploads: object  # vault.uploads.Uploads
    nojs_slots: threading.BoundedSemaphore
    argon2_slots: threading.BoundedSemaphore  # bounded concurrent argon2id (no-JS inbox, S4)


def build_services(config: HavenConfig, intake_config: IntakeConfig) -> IntakeServices:
    rate_key = address_key_for(config.ratelimit_storage_url, config.instance_id[:8])
    limiter = Limiter(
        key_func=lambda: rate_key(request.remote_addr),
        storage_uri=config.ratelimit_storage_url,
        strategy="fixed-window",
        headers_enabled=False,
        default_limits=[intake_config.limit_pages],
        default_limits_exempt_when=lambda: request.endpoint == "static",
        key_prefix=f"haven-intake-{config.instance_id[:8]}",
    )
    spent = SpentStore(lambda: limiter.storage)
    proof = ProofOfWork(
        spent,
        base_difficulty=intake_config.pow_difficulty,
        max_difficulty=intake_config.pow_max_difficulty,
        load_per_minute=intake_config.pow_load_per_minute,
        ttl=intake_config.pow_ttl_seconds,
        key=shared_pow_key(config.keys_dir),
    )
    from intake.storage import open_storage

    sessions, uploads = open_storage(config, intake_config)
    return IntakeServices(
        config=config,
        intake_config=intake_config,
        site=build_site(config.organisation_path),
        limiter=limiter,
        rate_key=rate_key,
        pow=proof,
        pepper=load_pepper(config.keys_dir / PEPPER_FILE),
        bundle=CurrentBundle(config),
        sessions=sessions,
        uploads=uploads,
        nojs_slots=threading.BoundedSemaphore(intake_config.nojs_concurrency),
        argon2_slots=threading.BoundedSemaphore(2),
    )


def load_pepper(path: Path) -> bytes:
    try:
        pepper = bytes.fromhex(path.read_text("ascii").strip())
    except FileNotFoundError:
        raise IntakeConfigError(f"{path} is missing: run `haven init`") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise IntakeConfigError(f"{path} must hold {PEPPER_BYTES} bytes as hex") from None
    if len(pepper) != PEPPER_BYTES:
        raise IntakeConfigError(f"{path} must hold {PEPPER_BYTES} bytes as hex")
    return pepper


class CurrentBundle:
    """The published bundle, read again whenever public/bundle.json changes on disk.

    A republish (a new reviewer, an offboarding, a new triage set) must reach the next report
    without restarting the intake, or reports would keep being sealed to retired keys. A new
    file that does not verify, or that rolls the serial back, is refused and the last good
    bundle stays in use: the intake never serves a bundle the browsers would reject.
    Attribute reads (``.document``, ``.sha256``, ``.parsed`` …) go to the current bundle.
    """

    def __init__(self, config: HavenConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._stamp = self._file_stamp()
        self._bundle = load_bundle(config)

    def _file_stamp(self) -> tuple[int, int, int]:
        try:
            stat = self._config.bundle_path.stat()
        except OSError:
            return (0, 0, 0)
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def current(self) -> PublishedBundle:
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return self._bundle
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    fresh = load_bundle(self._config)
                except IntakeConfigError as exc:
                    log.error("new bundle refused, keeping serial %s: %s",
                              self._bundle.serial, exc)
                else:
                    if fresh.serial >= self._bundle.serial:
                        self._bundle = fresh
                    else:
                        log.error("bundle serial %s rolls back %s: refused",
                                  fresh.serial, self._bundle.serial)
            return self._bundle

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.current(), name)


def load_bundle(config: HavenConfig) -> PublishedBundle:
    """Read public/bundle.json and verify it against the organisation fingerprint, today.

    An intake that would serve a bundle the browsers reject (expired, wrong signature) fails
    closed instead: reporters would type a report the page then refuses to send.
    """
    from intake.site import load_fingerprint
    from vault.bundle import verify_bundle
    from vault.canonical import utc_day
    from vault.errors import BundleError

    path = config.bundle_path
    try:
        document = path.read_bytes()
        parsed_json = json.loads(document)
    except FileNotFoundError:
        raise IntakeConfigError(f"{path} is missing: publish a bundle (`haven keys`)") from None
    except (OSError, ValueError) as exc:
        raise IntakeConfigError(f"cannot read {path}: {exc}") from None
    fingerprint = load_fingerprint(config.organisation_path)
    try:
        verified = verify_bundle(parsed_json, fingerprint, today=utc_day(), min_serial=1)
    except BundleError as exc:
        raise IntakeConfigError(f"{path} does not verify: {exc.code}") from None
    return PublishedBundle(
        document=document,
        sha256=verified.sha256,
        serial=verified.serial,
        triage=verified.triage,
        parsed=verified,
    )
