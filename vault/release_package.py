"""Building, signing and checking case base release packages and tombstones.

Plain Python shared by the reviewer side (which builds and signs releases) and the case
base (which verifies them at ingest and signs its seed cases): neither app may import the
other, so the one definition of a package's signatures lives here. The format is
described normatively in ``casebase/SCHEMA.md``.

A signed package is ``{"package": body, "signatures": {...}}`` where

- ``release``  = Ed25519 by the organisation's release key over ``"haven-release/1\\n" ‖
  JCS(body)``; the body names that key (``release_pk``) and the drafter's and approver's
  public keys, so the release signature covers who approved;
- ``drafter`` / ``approver`` = Ed25519 by those people's keys over ``"haven-approval/1\\n" ‖
  JCS({"role": ..., "package": body})`` (the role is signed so the two cannot be swapped).

Releases need all three signatures and two different people. A tombstone needs the release
signature; approvals on it are checked when present but never required, so a withdrawal of
consent is never held up waiting for a second person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from nacl.signing import SigningKey, VerifyKey

from vault.canonical import b64decode, b64encode, sign, verify
from vault.errors import BadEncoding, BadSignature, VaultError

PACKAGE_SCHEMA = "haven-casebase-package/1"
PACKAGE_TYPES = ("release", "tombstone")
APPROVAL_ROLES = ("drafter", "approver")


class PackageSignatureError(VaultError):
    """A signature of a release package is missing, malformed or does not verify."""

    code = "bad_package_signature"


class SamePersonApproval(VaultError):
    """Drafter and approver of a release are the same person or the same key."""

    code = "same_person_approval"


@dataclass(frozen=True)
class Approver:
    """A person who drafted or approved a release: stable id and Ed25519 public key."""

    person_id: str
    signing_key: SigningKey

    def public(self) -> dict[str, str]:
        return {"id": self.person_id, "pk": b64encode(bytes(self.signing_key.verify_key))}


def build_release(
    *,
    org_id: str,
    record_id: str,
    version: int,
    issued_at: str,
    tier: str,
    consent_snapshot: Mapping[str, Any],
    record: Mapping[str, Any],
    release_pk: bytes,
    drafter: Mapping[str, str],
    approver: Mapping[str, str],
    release_certificate: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The unsigned body of a release package (see casebase/SCHEMA.md for each field).

    ``release_certificate`` is the organisation root's certificate of the release subkey
    (``vault.keys.SubkeyCertificate.to_dict()``), for case bases that trust the root.
    """
    body: dict[str, Any] = {
        "schema": PACKAGE_SCHEMA,
        "type": "release",
        "org_id": org_id,
        "record_id": record_id,
        "version": version,
        "issued_at": issued_at,
        "tier": tier,
        "release_pk": b64encode(release_pk),
        "consent_snapshot": dict(consent_snapshot),
        "record": dict(record),
        "drafter": dict(drafter),
        "approver": dict(approver),
    }
    if release_certificate is not None:
        body["release_certificate"] = dict(release_certificate)
    return body


def build_tombstone(
    *,
    org_id: str,
    record_id: str,
    version: int,
    issued_at: str,
    reason: str,
    release_pk: bytes,
    release_certificate: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The unsigned body of a tombstone: the record is withdrawn from the case base."""
    body: dict[str, Any] = {
        "schema": PACKAGE_SCHEMA,
        "type": "tombstone",
        "org_id": org_id,
        "record_id": record_id,
        "version": version,
        "issued_at": issued_at,
        "reason": reason,
        "release_pk": b64encode(release_pk),
    }
    if release_certificate is not None:
        body["release_certificate"] = dict(release_certificate)
    return body


def approval_payload(role: str, body: Mapping[str, Any]) -> dict[str, Any]:
    if role not in APPROVAL_ROLES:
        raise ValueError(f"unknown approval role {role!r}")
    return {"role": role, "package": dict(body)}


def sign_package(
    body: Mapping[str, Any],
    release_sk: SigningKey,
    drafter_sk: SigningKey | None = None,
    approver_sk: SigningKey | None = None,
) -> dict[str, Any]:
    """Sign ``body``; the keys must match the public keys the body lists."""
    if b64decode(body["release_pk"]) != bytes(release_sk.verify_key):
        raise PackageSignatureError("release_pk in the package is not the signing release key")
    signatures = {"release": b64encode(sign("release", body, release_sk))}
    for role, key in (("drafter", drafter_sk), ("approver", approver_sk)):
        if key is None:
            continue
        listed = body.get(role, {}).get("pk")
        if listed != b64encode(bytes(key.verify_key)):
            raise PackageSignatureError(f"the {role} key is not the one the package lists")
        signatures[role] = b64encode(sign("approval", approval_payload(role, body), key))
    return {"package": dict(body), "signatures": signatures}


def verify_package_signatures(signed: Mapping[str, Any]) -> dict[str, Any]:
    """Check every signature of a signed package; return its body.

    Only the cryptography is checked here. Whether ``release_pk`` is trusted for
    ``org_id`` on ``issued_at`` is the case base's decision (its trust list).
    """
    body = signed.get("package")
    signatures = signed.get("signatures")
    if not isinstance(body, dict) or not isinstance(signatures, dict):
        raise PackageSignatureError("a signed package is {package, signatures}")
    _check(signatures, "release", "release", body, body.get("release_pk"))
    required = body.get("type") == "release"
    people = []
    for role in APPROVAL_ROLES:
        person = body.get(role)
        if person is None and not required:
            if role in signatures:
                raise PackageSignatureError(f"{role} signature without a listed {role}")
            continue
        if not isinstance(person, dict):
            raise PackageSignatureError(f"the package does not list its {role}")
        _check(signatures, role, "approval", approval_payload(role, body), person.get("pk"))
        people.append(person)
    if len(people) == len(APPROVAL_ROLES):
        drafter, approver = people
        if drafter.get("id") == approver.get("id") or drafter.get("pk") == approver.get("pk"):
            raise SamePersonApproval("drafter and approver must be two different people")
    return body


def _check(signatures: Mapping[str, Any], name: str, purpose: str, payload: Any, pk: Any) -> None:
    raw_signature = signatures.get(name)
    if not isinstance(raw_signature, str) or not isinstance(pk, str):
        raise PackageSignatureError(f"missing {name} signature or key")
    try:
        key = VerifyKey(b64decode(pk))
        signature = b64decode(raw_signature)
    except (BadEncoding, ValueError, TypeError):
        raise PackageSignatureError(f"malformed {name} key or signature") from None
    try:
        verify(purpose, payload, signature, key)
    except BadSignature:
        raise PackageSignatureError(f"the {name} signature does not verify") from None
