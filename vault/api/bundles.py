"""Bundle drafts and publication: the signing key stays off the web server (S3, S6).

The API builds the unsigned bundle object (vault/SPEC.md §2.3) from the registered keys and
the triage set; an admin signs it offline with the CLI and uploads the signed document. The
API verifies it against the instance's pinned organisation fingerprint, checks that every
key it lists is a registered key of an active reviewer with the same public keys, records
it, writes ``public/bundle.json`` atomically and moves key states: listed keys become
``active``, previously active keys no longer listed become ``retired``.

Residual risk (threat-model.md): the pin is read from ``public/organisation.json`` on the
same server; someone who can rewrite that file can make the API accept their own bundle.
The browser, the CLI and the reviewer app check bundles against pins built into them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault import bundle_store
from vault.bundle import (
    BUNDLE_VERSION,
    MAX_VALIDITY_DAYS,
    VerifiedBundle,
    verify_bundle,
    write_bundle_file,
)
from vault.canonical import b64decode, b64encode
from vault.errors import BadEncoding, BundleRejected, StaleBundle, VaultError
from vault.keys import fingerprint, fingerprints_equal
from vault.reviewer_models import Account, ReviewerKey

KEY_VALIDITY_DAYS = 365


@dataclass(frozen=True)
class Organisation:
    fingerprint: str
    org_id: str | None


@dataclass(frozen=True)
class Publication:
    serial: int
    activated: tuple[str, ...]
    retired: tuple[str, ...]
    document: str


def load_organisation(path: Path) -> Organisation:
    """The pinned fingerprint (and org id) from organisation.json; ValueError when unusable."""
    document = json.loads(path.read_text("utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("fingerprint"), str):
        raise ValueError(f"{path} has no fingerprint")
    pinned = document["fingerprint"]
    root = document.get("root_public_key")
    if root is not None:
        try:
            consistent = fingerprints_equal(fingerprint(b64decode(root)), pinned)
        except (BadEncoding, TypeError, ValueError):
            consistent = False
        if not consistent:
            raise ValueError(f"{path}: root_public_key does not match the fingerprint")
    org_id = document.get("org_id")
    return Organisation(pinned, org_id if isinstance(org_id, str) else None)


def current_serial(session: Session) -> int:
    latest = bundle_store.latest_bundle(session)
    return 0 if latest is None else latest.serial


def _current_org_id(session: Session, organisation: Organisation) -> str:
    latest = bundle_store.latest_bundle(session)
    if latest is not None:
        org_id = json.loads(latest.document).get("bundle", {}).get("org_id")
        if isinstance(org_id, str):
            return org_id
    if organisation.org_id is None:
        raise BundleRejected("organisation.json names no org_id and no bundle is published")
    return organisation.org_id


def draft(session: Session, organisation: Organisation, today: dt.date) -> dict[str, Any]:
    """The unsigned bundle object for the next serial (API.md §5 Bundle)."""
    rows = session.execute(
        sa.select(ReviewerKey, Account).join(Account, Account.id == ReviewerKey.account_id)
        .order_by(ReviewerKey.key_id)
    ).all()
    not_after = (today + dt.timedelta(days=KEY_VALIDITY_DAYS)).isoformat()
    keys, triage, revoked = [], [], []
    for key, account in rows:
        if key.state == "retired":
            revoked.append(key.key_id)
            continue
        if account.state != "active":
            continue
        role = "coordinator" if "coordinator" in account.roles.split(",") else "reviewer"
        keys.append({"id": key.key_id, "x25519_pk": b64encode(key.x25519_pk),
                     "ed25519_pk": b64encode(key.ed25519_pk), "role": role,
                     "not_after": not_after})
        if account.on_duty:
            triage.append(key.key_id)
    return {
        "version": BUNDLE_VERSION,
        "serial": current_serial(session) + 1,
        "issued_at": today.isoformat(),
        "expires_at": (today + dt.timedelta(days=MAX_VALIDITY_DAYS)).isoformat(),
        "org_id": _current_org_id(session, organisation),
        "keys": keys,
        "revoked": revoked,
        "triage": triage,
    }


def _verify(document: Any, organisation: Organisation, today: dt.date) -> VerifiedBundle:
    try:
        return verify_bundle(document, organisation.fingerprint, today=today.isoformat(),
                             min_serial=1)
    except VaultError as exc:
        raise BundleRejected(f"{exc.code}: {exc}") from None
    except (KeyError, TypeError, ValueError):
        raise BundleRejected("bundle_malformed: not a signed bundle document") from None


def _check_keys(session: Session, verified: VerifiedBundle) -> None:
    for entry in verified.keys:
        key = session.get(ReviewerKey, entry.id)
        account = session.get(Account, key.account_id) if key is not None else None
        if key is None or account is None:
            raise BundleRejected(f"key {entry.id} is not registered with this vault")
        if account.state != "active" or key.state == "retired":
            raise BundleRejected(f"key {entry.id} is retired or its account offboarded")
        if (key.x25519_pk, key.ed25519_pk) != (entry.x25519_pk, entry.ed25519_pk):
            raise BundleRejected(f"key {entry.id} has other public keys than registered")
        if entry.role == "coordinator" and "coordinator" not in account.roles.split(","):
            raise BundleRejected(f"key {entry.id} is listed as coordinator's, it is not")


def publish(session: Session, document: Any, organisation: Organisation, today: dt.date,
            bundle_path: Path) -> Publication:
    """Verify, record and write a signed bundle; move key states. See the module docstring."""
    verified = _verify(document, organisation, today)
    highest = current_serial(session)
    if verified.serial <= highest:
        raise StaleBundle(f"bundle serial {verified.serial} is not above {highest}")
    _check_keys(session, verified)
    listed = {k.id for k in verified.keys} - set(verified.revoked)
    activated, retired = apply_key_states(session, listed, verified.serial, today)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    bundle_store.add_bundle(session, verified.serial, text, today)
    write_bundle_file(bundle_path, text)
    return Publication(verified.serial, tuple(activated), tuple(retired), text)


def apply_key_states(session: Session, listed: set[str], serial: int, today: dt.date
                     ) -> tuple[list[str], list[str]]:
    """Listed keys become active; active keys no longer listed retire at ``serial``."""
    activated, retired = [], []
    for key in session.scalars(sa.select(ReviewerKey).order_by(ReviewerKey.key_id)):
        if key.key_id in listed and key.state == "pending":
            key.state = "active"
            activated.append(key.key_id)
        elif key.key_id not in listed and key.state == "active":
            key.state, key.retired_day, key.retired_at_serial = "retired", today, serial
            retired.append(key.key_id)
    session.flush()
    return activated, retired


def sync_with_latest_bundle(session: Session, today: dt.date) -> None:
    """Catch up with a bundle published outside the API (``haven keys``, ``haven init``):
    the key states follow the newest recorded bundle. Idempotent."""
    latest = bundle_store.latest_bundle(session)
    if latest is None:
        return
    try:
        payload = json.loads(latest.document)["bundle"]
        listed = {k["id"] for k in payload["keys"]} - set(payload.get("revoked", []))
    except (KeyError, TypeError, ValueError):
        return  # recorded by trusted code; a malformed row is the store's to report
    apply_key_states(session, listed, latest.serial, today)
