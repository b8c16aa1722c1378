"""What a watchdog checks in the key bundle a site serves (S3, S10).

The served code can be byte-identical to the signed release and still encrypt to the wrong
people if the bundle lists a key the organisation never announced — which the holder of the
online bundle subkey could sign. ``haven verify-site`` therefore also checks ``/bundle.json``:
the signatures from the pinned root down, that it is within its validity, and, with a state
file kept between runs, that its serial never goes back and which reviewer keys came or went
since the last run, so a person can confirm each change with the coordinators.

Public API: ``check_served_bundle(doc, fingerprint, *, today, state) -> BundleWatch`` and
``WatchState.load(path)`` / ``WatchState.save(path)``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haven.errors import HavenError
from vault.bundle import EXPIRY_WARNING_DAYS, VerifiedBundle, days_left, verify_bundle
from vault.errors import VaultError


class WatchStateUnreadable(HavenError):
    """The watchdog's state file exists but is not a state this command wrote."""


@dataclass(frozen=True)
class WatchState:
    """What the last successful run saw: the bundle serial and the reviewer keys in it."""

    bundle_serial: int = 0
    keys: tuple[tuple[str, str], ...] = ()  # (key id, role)

    @classmethod
    def load(cls, path: Path) -> WatchState:
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(int(data["bundle_serial"]),
                       tuple((str(k), str(r)) for k, r in data["keys"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise WatchStateUnreadable(f"{path}: not a verify-site state file "
                                       f"({type(exc).__name__})") from None

    def save(self, path: Path) -> None:
        text = json.dumps({"bundle_serial": self.bundle_serial,
                           "keys": [list(pair) for pair in self.keys]}, indent=2)
        temp = path.with_name(path.name + ".tmp")
        temp.write_text(text + "\n", "utf-8")
        os.replace(temp, path)


@dataclass(frozen=True)
class BundleWatch:
    ok: bool
    problem: str  # why the bundle is refused ("" when ok)
    serial: int | None = None
    expires_at: str | None = None
    days_left: int | None = None
    added: tuple[tuple[str, str], ...] = ()  # keys not in the last run's bundle
    removed: tuple[tuple[str, str], ...] = ()
    state: WatchState | None = None  # what to save when ok
    verified: VerifiedBundle | None = None

    @property
    def expiring(self) -> bool:
        return self.days_left is not None and self.days_left <= EXPIRY_WARNING_DAYS

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def check_served_bundle(doc: Any, fingerprint: str, *, today: str,
                        state: WatchState) -> BundleWatch:
    """Verify the served bundle ``doc`` (None: not served) against the pinned root and the
    last run's ``state``; a rollback below the last serial seen is refused."""
    if doc is None:
        return BundleWatch(False, "the site serves no /bundle.json")
    try:
        bundle = verify_bundle(doc, fingerprint, today=today,
                               min_serial=max(1, state.bundle_serial))
    except VaultError as exc:
        return BundleWatch(False, f"{type(exc).__name__}: {exc}")
    except (KeyError, TypeError, ValueError):
        return BundleWatch(False, "BundleMalformed: not a key bundle document")
    keys = tuple(sorted((key.id, key.role) for key in bundle.keys))
    first_run = state.bundle_serial == 0
    added = () if first_run else tuple(k for k in keys if k not in state.keys)
    removed = () if first_run else tuple(k for k in state.keys if k not in keys)
    return BundleWatch(True, "", bundle.serial, bundle.expires_at,
                       days_left(bundle.expires_at, today), added, removed,
                       WatchState(bundle.serial, keys), bundle)
