"""The verified key bundle: fetched from the vault API, checked against the organisation pin.

The pin is ``[reviewer] organisation_fingerprint`` when set (the strongest: typed in by the
reviewer from a channel other than the server), else the ``fingerprint`` (or the root key)
of the local ``public/organisation.json`` copy. The highest serial seen is remembered in the
reviewer's state directory, so a server that later serves an older bundle is refused
(rollback, S3). Every sealing in this app uses ``TrustedBundle`` keys, never the directory.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from reviewer.config import ReviewerConfig
from reviewer.errors import BundleUntrusted
from reviewer.records import Recipient
from reviewer.vault_client import VaultClient
from vault.bundle import VerifiedBundle, verify_bundle
from vault.canonical import b64decode, utc_day
from vault.errors import BundleMismatch, VaultError
from vault.keys import fingerprint

CACHE_SECONDS = 300
SERIAL_FILE = "bundle-serial"


@dataclass(frozen=True)
class TrustedBundle:
    bundle: VerifiedBundle

    def recipients(self) -> list[Recipient]:
        """Reviewer records are sealed to every current (non-revoked) reviewer key."""
        return [Recipient(k.id, k.x25519_pk, k.ed25519_pk) for k in self.bundle.keys
                if k.id not in self.bundle.revoked]

    def authors(self) -> dict[str, Recipient]:
        return {r.key_id: r for r in self.recipients()}


def pinned_fingerprint(config: ReviewerConfig) -> str:
    if config.pinned_fingerprint:
        return config.pinned_fingerprint
    try:
        organisation = json.loads(config.organisation_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BundleUntrusted(f"no organisation pin: cannot read "
                              f"{config.organisation_path} ({exc})") from None
    if isinstance(organisation.get("fingerprint"), str):
        return organisation["fingerprint"]
    try:
        return fingerprint(b64decode(organisation["root_public_key"]))
    except (KeyError, TypeError, VaultError):
        raise BundleUntrusted("organisation.json has neither fingerprint nor root key") from None


class BundleCache:
    def __init__(self, config: ReviewerConfig, client: VaultClient) -> None:
        self._config = config
        self._client = client
        self._lock = threading.Lock()
        self._current: tuple[float, TrustedBundle] | None = None

    def current(self, *, refresh: bool = False) -> TrustedBundle:
        with self._lock:
            fresh = self._current and time.monotonic() - self._current[0] < CACHE_SECONDS
            if fresh and not refresh and self._current:
                return self._current[1]
        trusted = self._fetch()
        with self._lock:
            self._current = (time.monotonic(), trusted)
        return trusted

    def for_envelope(self, bundle_sha256: bytes) -> VerifiedBundle:
        """The verified bundle an envelope names: the current one or one seen before.

        Older bundles are re-verified (signatures and pin; not freshness) from the copies
        this app kept, or fetched from the vault API's bundle history and verified the same
        way; one the vault does not list, or that fails the checks, is ``bundle_mismatch``.
        """
        current = self.current().bundle
        if current.sha256 != bundle_sha256:
            current = self.current(refresh=True).bundle  # a bundle published since we looked
        if current.sha256 == bundle_sha256:
            return current
        kept = self._kept_copy(bundle_sha256)
        if kept is not None:
            return kept
        return self._fetch_earlier(bundle_sha256)

    def _verify_earlier(self, doc: object, bundle_sha256: bytes) -> VerifiedBundle | None:
        """Signatures and pin, not freshness: an old bundle has expired by design."""
        try:
            old = verify_bundle(doc, pinned_fingerprint(self._config), today=utc_day(),
                                min_serial=1, check_freshness=False)
        except (KeyError, TypeError, ValueError, VaultError):
            return None
        return old if old.sha256 == bundle_sha256 else None

    def _kept_copy(self, bundle_sha256: bytes) -> VerifiedBundle | None:
        try:
            doc = json.loads((self._bundle_dir() / f"{bundle_sha256.hex()}.json").read_text())
        except (OSError, ValueError):
            return None
        return self._verify_earlier(doc, bundle_sha256)

    def _fetch_earlier(self, bundle_sha256: bytes) -> VerifiedBundle:
        """An earlier bundle from the API's history (GET /bundles), verified here against
        the organisation pin; the API is not trusted for its content."""
        doc = self._client.bundle_by_sha256(bundle_sha256.hex())
        if doc is None:
            raise BundleMismatch("the report was sealed to a bundle the vault does not list "
                                 "(ask a coordinator to re-seal it to the current keys)")
        old = self._verify_earlier(doc, bundle_sha256)
        if old is None:
            raise BundleMismatch("the vault served an earlier bundle that does not verify "
                                 "against the organisation pin or the report's bundle hash")
        if isinstance(doc, dict):
            self._keep_copy(doc, old)
        return old

    def forget(self) -> None:
        with self._lock:
            self._current = None

    def _fetch(self) -> TrustedBundle:
        doc = self._client.bundle()
        floor = self._serial_floor()
        try:
            verified = verify_bundle(doc, pinned_fingerprint(self._config), today=utc_day(),
                                     min_serial=floor)
        except VaultError as exc:
            raise BundleUntrusted(f"the key bundle is not trusted: {exc.code}") from None
        if verified.serial > floor:
            self._store_floor(verified.serial)
        self._keep_copy(doc, verified)
        return TrustedBundle(verified)

    def _bundle_dir(self) -> Path:
        return self._config.state_dir / "bundles"

    def _keep_copy(self, doc: dict, verified: VerifiedBundle) -> None:
        path = self._bundle_dir() / f"{verified.sha256.hex()}.json"
        if path.exists():
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(doc), "utf-8")
        except OSError:
            pass  # read-only state dir: only older reports lose their bundle

    def _floor_path(self) -> Path:
        return self._config.state_dir / SERIAL_FILE

    def _serial_floor(self) -> int:
        try:
            return max(1, int(self._floor_path().read_text("ascii").strip()))
        except (OSError, ValueError):
            return 1

    def _store_floor(self, serial: int) -> None:
        path = self._floor_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(str(serial), "ascii")
            tmp.replace(path)
        except OSError:
            pass  # read-only state dir: the in-process check still applies for this run
