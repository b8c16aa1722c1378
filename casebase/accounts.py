"""Partner accounts (argon2id passwords) and API tokens (stored only as SHA-256)."""

from __future__ import annotations

import hashlib
import re
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from casebase.errors import AccountError
from casebase.models import ApiToken, Partner

MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "hcb_"  # noqa: S105 - a public marker, not a secret
_HASHER = PasswordHasher()
# Verified when the user does not exist, so a wrong name costs as much as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


def create_partner(session: Session, username: str, org_id: str, password: str,
                   today: str) -> Partner:
    if not re.fullmatch(r"[A-Za-z0-9._-]{3,64}", username):
        raise AccountError("user names are 3-64 letters, digits, dots, dashes or underscores")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,62}[a-z0-9]", org_id):
        raise AccountError("malformed organisation id")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(sa.select(Partner).where(Partner.username == username)) is not None:
        raise AccountError(f"partner {username!r} exists already")
    partner = Partner(username=username, org_id=org_id, password_hash=_HASHER.hash(password),
                      active=True, created_on=today)
    session.add(partner)
    session.flush()
    return partner


def authenticate(session: Session, username: str, password: str) -> Partner | None:
    partner = session.scalar(sa.select(Partner).where(Partner.username == username))
    try:
        _HASHER.verify(partner.password_hash if partner else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if partner is None or not partner.active:
        return None
    return partner


def issue_token(session: Session, partner: Partner, label: str, today: str) -> str:
    """A new API token; only its hash is stored, so it is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(partner_id=partner.id, token_sha256=_digest(token), label=label[:64],
                         created_on=today, revoked=False))
    session.flush()
    return token


def partner_for_token(session: Session, token: str) -> Partner | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:  # noqa: PLR2004
        return None
    row = session.scalar(sa.select(ApiToken).where(ApiToken.token_sha256 == _digest(token)))
    if row is None or row.revoked:
        return None
    partner = session.get(Partner, row.partner_id)
    return partner if partner is not None and partner.active else None


def revoke_tokens(session: Session, username: str) -> int:
    partner = session.scalar(sa.select(Partner).where(Partner.username == username))
    if partner is None:
        raise AccountError(f"no partner {username!r}")
    result = session.execute(sa.update(ApiToken).where(ApiToken.partner_id == partner.id)
                             .values(revoked=True))
    return result.rowcount or 0


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
