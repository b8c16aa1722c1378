"""Release packages and tombstones (casebase/SCHEMA.md), built with vault/release_package.py.

A release is signed in two sittings, by two people, each in their own unlocked session:

1. the drafter fixes the whole body — record, tier, consent snapshot, ``record_id``,
   version, day, the release key and both people's public keys — and signs it
   (``drafter_signature``); the body and that signature are kept in a sealed
   ``release_draft`` record;
2. the approver, after the gate passes again, signs the same body (``approver_signature``)
   and the reviewer app adds the organisation's release signature (``finish_release``).

``record_id`` is 128 random bits chosen at the first release, never derived from a vault id
(S19); later versions reuse it. Tombstones need the release signature only, so a withdrawal
is never held up waiting for a second person.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from nacl.signing import SigningKey

from reviewer.release.errors import ReleaseError
from vault.canonical import b64encode, sign
from vault.events import ConsentState
from vault.release_package import (
    approval_payload,
    build_release,
    build_tombstone,
    verify_package_signatures,
)

SNAPSHOT_SCOPES = ("aggregate_statistics", "casebase_anonymized", "casebase_named")


def new_record_id() -> str:
    return secrets.token_hex(16)


def consent_snapshot(consent: ConsentState, scope: str) -> dict[str, Any]:
    """Only scopes granted in signed consent events (S1) that concern the case base."""
    day = consent.last_day.get(scope)
    if scope not in consent.granted or not day or consent.given_by is None:
        raise ReleaseError(f"no signed consent for {scope}: nothing to snapshot")
    return {"scopes": sorted(s for s in SNAPSHOT_SCOPES if s in consent.granted),
            "given_by": consent.given_by, "confirmed": day[:7]}


def release_body(*, org_id: str, record_id: str, version: int, issued_at: str, tier: str,
                 snapshot: Mapping[str, Any], record: Mapping[str, Any], release_pk: bytes,
                 drafter: Mapping[str, str], approver: Mapping[str, str],
                 certificate: Mapping[str, Any] | None) -> dict[str, Any]:
    return build_release(org_id=org_id, record_id=record_id, version=version,
                         issued_at=issued_at, tier=tier, consent_snapshot=snapshot,
                         record=record, release_pk=release_pk, drafter=drafter,
                         approver=approver, release_certificate=certificate)


def sign_as(role: str, body: Mapping[str, Any], key: SigningKey) -> str:
    """The drafter's or approver's signature over the body (purpose ``approval``)."""
    listed = body.get(role, {}).get("pk")
    if listed != b64encode(bytes(key.verify_key)):
        raise ReleaseError(f"your key is not the {role} key this draft names")
    return b64encode(sign("approval", approval_payload(role, body), key))


def finish_release(body: Mapping[str, Any], drafter_signature: str, approver_signature: str,
                   release_key: SigningKey) -> dict[str, Any]:
    """Add the organisation's release signature and check all three before it is queued."""
    signed = {"package": dict(body), "signatures": {
        "release": b64encode(sign("release", body, release_key)),
        "drafter": drafter_signature, "approver": approver_signature}}
    verify_package_signatures(signed)
    return signed


def tombstone(*, org_id: str, record_id: str, version: int, issued_at: str, reason: str,
              release_key: SigningKey,
              certificate: Mapping[str, Any] | None) -> dict[str, Any]:
    body = build_tombstone(org_id=org_id, record_id=record_id, version=version,
                           issued_at=issued_at, reason=reason,
                           release_pk=bytes(release_key.verify_key),
                           release_certificate=certificate)
    signed = {"package": body, "signatures": {
        "release": b64encode(sign("release", body, release_key))}}
    verify_package_signatures(signed)
    return signed
