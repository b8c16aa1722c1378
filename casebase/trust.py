"""The trust list: which release keys may publish for which organisation (S19).

Every change is a statement signed (purpose ``trust``) by two different administrators and
kept in the trust log. A rotation is also signed by the old and the new release key, so
neither an administrator pair alone nor a stolen old key alone can move an organisation to
a key it does not hold. Revocation with ``compromised_since`` quarantines the records that
key brought in from that day on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

import sqlalchemy as sa
from nacl.signing import SigningKey, VerifyKey
from sqlalchemy.orm import Session

from casebase.errors import OrgMismatch, TrustChangeRejected, UntrustedKey
from casebase.models import Admin, Record, TrustEntry, TrustLog
from vault.canonical import b64decode, b64encode, sign, verify
from vault.errors import VaultError
from vault.keys import verify_certificate

ACTIONS = ("add", "revoke", "rotate")
KEY_KINDS = ("release", "root")
REQUIRED_ADMINS = 2
FOREVER = "9999-12-31"


@dataclass(frozen=True)
class AdminSignature:
    admin_id: str
    signature: str

    def as_dict(self) -> dict[str, str]:
        return {"admin_id": self.admin_id, "signature": self.signature}


def add_admin(session: Session, admin_id: str, public_key: str, today: str) -> None:
    VerifyKey(b64decode(public_key))  # refuse a malformed key now, not at the first change
    if session.get(Admin, admin_id) is not None:
        raise TrustChangeRejected(f"administrator {admin_id!r} exists already")
    session.add(Admin(admin_id=admin_id, public_key=public_key, added_on=today))


def sign_statement(statement: Mapping[str, Any], admin_id: str, key: SigningKey) -> AdminSignature:
    return AdminSignature(admin_id, b64encode(sign("trust", dict(statement), key)))


def rotation_payload(org_id: str, old_pk: str, new_pk: str, day: str) -> dict[str, str]:
    return {"action": "rotate", "org_id": org_id, "old_pk": old_pk, "new_pk": new_pk, "day": day}


def sign_rotation(org_id: str, old: SigningKey, new: SigningKey, day: str) -> dict[str, str]:
    """The part of a rotation statement that the old and the new release keys sign."""
    old_pk, new_pk = b64encode(bytes(old.verify_key)), b64encode(bytes(new.verify_key))
    payload = rotation_payload(org_id, old_pk, new_pk, day)
    return {
        **payload,
        "old_signature": b64encode(sign("trust", payload, old)),
        "new_signature": b64encode(sign("trust", payload, new)),
    }


def apply_change(
    session: Session, statement: Mapping[str, Any], signatures: list[AdminSignature], today: str
) -> None:
    """Check two administrators' signatures, then apply and log the change."""
    _check_admin_signatures(session, statement, signatures)
    action = statement.get("action")
    if action == "add":
        _add(session, statement)
    elif action == "revoke":
        _revoke(session, statement)
    elif action == "rotate":
        _rotate(session, statement)
    else:
        raise TrustChangeRejected(f"unknown trust action {action!r}")
    session.add(
        TrustLog(
            day=today,
            statement=json.dumps(dict(statement), sort_keys=True),
            signatures=json.dumps([s.as_dict() for s in signatures]),
        )
    )


def _check_admin_signatures(
    session: Session, statement: Mapping[str, Any], signatures: list[AdminSignature]
) -> None:
    good = set()
    for item in signatures:
        admin = session.get(Admin, item.admin_id)
        if admin is None:
            raise TrustChangeRejected(f"unknown administrator {item.admin_id!r}")
        try:
            verify("trust", dict(statement), b64decode(item.signature), _key(admin.public_key))
        except VaultError:
            raise TrustChangeRejected(f"bad signature of administrator {item.admin_id!r}") from None
        good.add(admin.admin_id)
    if len(good) < REQUIRED_ADMINS:
        raise TrustChangeRejected("a trust change needs two different administrators")


def _add(session: Session, statement: Mapping[str, Any]) -> None:
    pk = _pk(statement.get("release_pk"))
    existing = session.scalar(sa.select(TrustEntry).where(TrustEntry.release_pk == pk))
    if existing is not None:
        raise TrustChangeRejected("this release key is already on the trust list")
    not_before = statement.get("not_before") or "0000-01-01"
    not_after = statement.get("not_after") or FOREVER
    if not_after < not_before:
        raise TrustChangeRejected("not_after is before not_before")
    key_kind = statement.get("key_kind", "release")
    if key_kind not in KEY_KINDS:
        raise TrustChangeRejected(f"key_kind must be one of {KEY_KINDS}")
    session.add(
        TrustEntry(
            org_id=_org(statement),
            release_pk=pk,
            not_before=not_before,
            not_after=not_after,
            key_kind=key_kind,
            state="active",
        )
    )


def _revoke(session: Session, statement: Mapping[str, Any]) -> None:
    """Revoke a listed key; a release subkey certified by a trusted root is not listed, so
    revoking it adds a revoked entry that blocks it."""
    org_id, pk = _org(statement), _pk(statement.get("release_pk"))
    entry = session.scalar(sa.select(TrustEntry).where(TrustEntry.release_pk == pk))
    if entry is None:
        entry = TrustEntry(org_id=org_id, release_pk=pk, not_before="0000-01-01",
                           not_after=FOREVER, key_kind="release", state="revoked")
        session.add(entry)
    elif entry.org_id != org_id:
        raise TrustChangeRejected("this key belongs to another organisation")
    since = statement.get("compromised_since")
    entry.state = "revoked"
    entry.compromised_since = since
    if since:
        session.execute(
            sa.update(Record)
            .where(sa.or_(Record.release_pk == pk, Record.trust_anchor == pk),
                   Record.ingested_on >= since)
            .values(state="quarantined")
        )


def _rotate(session: Session, statement: Mapping[str, Any]) -> None:
    org_id, day = _org(statement), str(statement.get("day"))
    old_pk, new_pk = _pk(statement.get("old_pk")), _pk(statement.get("new_pk"))
    payload = rotation_payload(org_id, old_pk, new_pk, day)
    for name, pk in (("old_signature", old_pk), ("new_signature", new_pk)):
        try:
            verify("trust", payload, b64decode(str(statement.get(name))), _key(pk))
        except VaultError:
            raise TrustChangeRejected(f"rotation {name} does not verify") from None
    old = _entry(session, org_id, old_pk)
    if old.state != "active":
        raise TrustChangeRejected("only an active key can be rotated")
    old.state, old.rotated_on = "rotated", day
    _add(session, {"org_id": org_id, "release_pk": new_pk, "not_before": day,
                   "not_after": statement.get("not_after")})


def check_release_key(
    session: Session, org_id: str, release_pk: str, issued_at: str,
    certificate: Mapping[str, Any] | None = None,
) -> str:
    """Raise UntrustedKey / OrgMismatch unless ``release_pk`` may sign for ``org_id`` on
    ``issued_at``, directly or through a certificate by a trusted root; return the public
    key of the trust entry that vouches for it (its trust anchor)."""
    entry = session.scalar(sa.select(TrustEntry).where(TrustEntry.release_pk == release_pk))
    if entry is None and certificate is not None:
        return _check_certified(session, org_id, release_pk, issued_at, certificate)
    if entry is None or entry.key_kind == "root":
        raise UntrustedKey("the release key is not on the trust list")
    _check_entry(entry, org_id, issued_at)
    return entry.release_pk


def _check_certified(session: Session, org_id: str, release_pk: str, issued_at: str,
                     certificate: Mapping[str, Any]) -> str:
    roots = session.scalars(sa.select(TrustEntry).where(
        TrustEntry.org_id == org_id, TrustEntry.key_kind == "root"))
    for root in roots:
        try:
            cert = verify_certificate(dict(certificate), b64decode(root.release_pk), "release",
                                      today=issued_at, org_id=org_id)
        except VaultError:
            continue
        if b64encode(cert.public_key) == release_pk and cert.issued_at <= issued_at:
            _check_entry(root, org_id, issued_at)
            return root.release_pk
    raise UntrustedKey("the release key is not certified by a trusted organisation root")


def _check_entry(entry: TrustEntry, org_id: str, issued_at: str) -> None:
    if entry.org_id != org_id:
        raise OrgMismatch("the release key belongs to another organisation")
    if not entry.not_before <= issued_at <= entry.not_after:
        raise UntrustedKey("the release key is not valid on the day the package was issued")
    if entry.state == "revoked" and (
        entry.compromised_since is None or issued_at >= entry.compromised_since
    ):
        raise UntrustedKey("the release key has been revoked")
    if entry.state == "rotated" and issued_at >= (entry.rotated_on or ""):
        raise UntrustedKey("the release key was rotated before this package was issued")


def trusted_keys(session: Session, org_id: str) -> list[TrustEntry]:
    return list(session.scalars(sa.select(TrustEntry).where(TrustEntry.org_id == org_id)))


def _entry(session: Session, org_id: str, pk: str) -> TrustEntry:
    entry = session.scalar(
        sa.select(TrustEntry).where(TrustEntry.org_id == org_id, TrustEntry.release_pk == pk)
    )
    if entry is None:
        raise TrustChangeRejected("no such key on the trust list for this organisation")
    return entry


def _org(statement: Mapping[str, Any]) -> str:
    org_id = statement.get("org_id")
    if not isinstance(org_id, str) or not 3 <= len(org_id) <= 64:  # noqa: PLR2004
        raise TrustChangeRejected("org_id is missing or malformed")
    return org_id


def _pk(value: Any) -> str:
    try:
        VerifyKey(b64decode(str(value)))
    except (VaultError, ValueError, TypeError):
        raise TrustChangeRejected("malformed public key") from None
    return str(value)


def _key(pk: str) -> VerifyKey:
    return VerifyKey(b64decode(pk))
