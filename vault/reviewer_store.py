"""Reviewer accounts and keys in the vault database: create, list, roles, TOTP, offboarding.

Plain Python over a SQLAlchemy ``Session`` (the caller owns the transaction), used by the
vault API, ``haven accounts`` and ``haven init`` / ``haven demo``. Secrets are handled by
``vault.accounts``; this module only stores their hashes, the TOTP secret and the wrapped
(never the unwrapped) reviewer keys.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault import accounts, store
from vault.canonical import utc_day
from vault.errors import DuplicateAccount, InvalidRecord, KeyStateError, UnknownAccount
from vault.keys import key_id as key_id_of
from vault.reviewer_models import (
    KEY_STATES,
    Account,
    ApiToken,
    Assignment,
    EventGrant,
    RecoveryCode,
    ReviewerKey,
)

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PUBLIC_KEY_BYTES = 32
UNUSABLE_PASSWORD_HASH = "!offboarded"  # noqa: S105 - matches no password, by design


@dataclass(frozen=True)
class KeyView:
    key_id: str
    account_id: str
    x25519_pk: bytes
    ed25519_pk: bytes
    state: str
    created_day: dt.date
    retired_day: dt.date | None
    retired_at_serial: int | None


@dataclass(frozen=True)
class WrappedKeyView:
    key: KeyView
    wrapped_secret_key: bytes
    kdf: accounts.KdfParams


@dataclass(frozen=True)
class AccountView:
    account_id: str
    username: str
    roles: tuple[str, ...]
    on_duty: bool
    state: str
    created_day: dt.date
    keys: tuple[KeyView, ...]

    @property
    def is_reviewer(self) -> bool:
        return bool(accounts.REVIEWER_ROLES.intersection(self.roles))

    @property
    def active_key_ids(self) -> tuple[str, ...]:
        return tuple(k.key_id for k in self.keys if k.state == "active")


@dataclass(frozen=True)
class CreatedAccount:
    account_id: str
    username: str
    roles: tuple[str, ...]
    key_id: str | None
    totp_secret: str
    recovery_codes: tuple[str, ...]


@dataclass(frozen=True)
class OffboardResult:
    account: AccountView
    retired_key_ids: tuple[str, ...]
    deleted_stanzas: int
    bundle_republish_required: bool


# --- validation ----------------------------------------------------------------------


def check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(sorted(set(roles)))
    if not chosen:
        raise InvalidRecord("an account needs at least one role")
    unknown = [r for r in chosen if r not in accounts.ROLES]
    if unknown:
        raise InvalidRecord(f"unknown role {unknown[0]!r}: roles are {', '.join(accounts.ROLES)}")
    return chosen


def check_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME_PATTERN.match(username):
        raise InvalidRecord(
            "a username is 2-64 characters: lower-case letters, digits, '.', '_' or '-'"
        )
    return username


def check_key_id(key_id: str) -> str:
    if not isinstance(key_id, str) or not KEY_ID_PATTERN.match(key_id):
        raise InvalidRecord("a key id is 1-64 characters of A-Z a-z 0-9 _ -")
    return key_id


def _check_public_key(name: str, value: bytes) -> bytes:
    if not isinstance(value, bytes) or len(value) != PUBLIC_KEY_BYTES:
        raise InvalidRecord(f"{name} must be {PUBLIC_KEY_BYTES} bytes")
    return value


# --- reading -------------------------------------------------------------------------


def _key_view(row: ReviewerKey) -> KeyView:
    return KeyView(row.key_id, row.account_id, row.x25519_pk, row.ed25519_pk, row.state,
                   row.created_day, row.retired_day, row.retired_at_serial)


def _account_row(session: Session, account_id: str) -> Account:
    row = session.get(Account, account_id) if isinstance(account_id, str) else None
    if row is None:
        raise UnknownAccount("no such account")
    return row


def _view(session: Session, row: Account) -> AccountView:
    keys = session.scalars(
        sa.select(ReviewerKey).where(ReviewerKey.account_id == row.id)
        .order_by(ReviewerKey.created_day, ReviewerKey.key_id)
    )
    return AccountView(row.id, row.username, tuple(row.roles.split(",")), row.on_duty,
                       row.state, row.created_day, tuple(_key_view(k) for k in keys))


def get_account(session: Session, account_id: str) -> AccountView:
    return _view(session, _account_row(session, account_id))


def find_account(session: Session, username: str) -> AccountView | None:
    row = session.scalar(sa.select(Account).where(Account.username == username))
    return None if row is None else _view(session, row)


def list_accounts(session: Session) -> list[AccountView]:
    rows = session.scalars(sa.select(Account).order_by(Account.username))
    return [_view(session, row) for row in rows]


def get_key(session: Session, key_id: str) -> KeyView:
    row = session.get(ReviewerKey, key_id) if isinstance(key_id, str) else None
    if row is None:
        raise KeyStateError("no such reviewer key")
    return _key_view(row)


def keys_in_state(session: Session, *states: str) -> list[KeyView]:
    rows = session.scalars(
        sa.select(ReviewerKey).where(ReviewerKey.state.in_(states)).order_by(ReviewerKey.key_id)
    )
    return [_key_view(k) for k in rows]


def wrapped_keys(session: Session, account_id: str) -> list[WrappedKeyView]:
    """The caller's own wrapped keys (what the reviewer app unwraps with the passphrase)."""
    rows = session.scalars(
        sa.select(ReviewerKey).where(ReviewerKey.account_id == account_id,
                                     ReviewerKey.wrapped_secret_key.is_not(None))
        .order_by(ReviewerKey.created_day, ReviewerKey.key_id)
    )
    return [
        WrappedKeyView(_key_view(k), k.wrapped_secret_key or b"",
                       accounts.KdfParams(k.kdf_salt or b"", k.kdf_opslimit, k.kdf_memlimit))
        for k in rows
    ]


# --- creating ------------------------------------------------------------------------


def _new_secrets(session: Session, account_id: str, totp_secret: str | None
                 ) -> tuple[str, tuple[str, ...]]:
    secret = totp_secret or accounts.new_totp_secret()
    codes = tuple(accounts.new_recovery_codes())
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
    for code in codes:
        session.add(RecoveryCode(code_hash=accounts.hash_recovery_code(code, account_id),
                                 account_id=account_id))
    return secret, codes


def create_account(
    session: Session, *, username: str, roles: Iterable[str], password: str,
    policy: accounts.PasswordPolicy | None = None, totp_secret: str | None = None,
    on_duty: bool = False, day: dt.date | None = None,
) -> CreatedAccount:
    """A new account with a fresh TOTP secret and recovery codes (shown once)."""
    check_username(username)
    chosen = check_roles(roles)
    if session.scalar(sa.select(Account.id).where(Account.username == username)):
        raise DuplicateAccount(f"the username {username!r} is taken")
    account_id = str(uuid.uuid4())
    password_hash = accounts.hash_password(password, policy or accounts.PasswordPolicy())
    session.add(Account(
        id=account_id, username=username, roles=",".join(chosen), password_hash=password_hash,
        totp_secret=None, totp_last_step=None, state="active",
        on_duty=on_duty and bool(accounts.REVIEWER_ROLES.intersection(chosen)),
        failed_logins=0, locked_until=None, created_day=day or dt.date.fromisoformat(utc_day()),
    ))
    session.flush()
    secret, codes = _new_secrets(session, account_id, totp_secret)
    _account_row(session, account_id).totp_secret = secret
    session.flush()
    return CreatedAccount(account_id, username, chosen, None, secret, codes)


def add_key(
    session: Session, account_id: str, *, key_id: str, x25519_pk: bytes, ed25519_pk: bytes,
    wrapped_secret_key: bytes, kdf: accounts.KdfParams, state: str = "pending",
    day: dt.date | None = None,
) -> KeyView:
    """Register a reviewer keypair: public keys plus the passphrase-wrapped secret keys."""
    account = _account_row(session, account_id)
    if account.state != "active" or not accounts.REVIEWER_ROLES.intersection(
        account.roles.split(",")
    ):
        raise KeyStateError("only active reviewers (verifier, coordinator) hold keys")
    if state not in KEY_STATES or state == "retired":
        raise KeyStateError("a new key is pending or active")
    check_key_id(key_id)
    _check_public_key("x25519_pk", x25519_pk)
    _check_public_key("ed25519_pk", ed25519_pk)
    if key_id != key_id_of(x25519_pk, ed25519_pk):
        raise InvalidRecord("the key id does not match the public keys (vault/SPEC.md §2.2)")
    if not isinstance(wrapped_secret_key, bytes) or len(wrapped_secret_key) != (
        accounts.WRAPPED_LENGTH
    ):
        raise InvalidRecord(f"a wrapped key is {accounts.WRAPPED_LENGTH} bytes")
    taken = session.scalar(sa.select(ReviewerKey.key_id).where(sa.or_(
        ReviewerKey.key_id == key_id, ReviewerKey.x25519_pk == x25519_pk,
        ReviewerKey.ed25519_pk == ed25519_pk)))
    if taken is not None:
        raise DuplicateAccount("this key id or public key is registered already")
    row = ReviewerKey(
        key_id=key_id, account_id=account_id, x25519_pk=x25519_pk, ed25519_pk=ed25519_pk,
        wrapped_secret_key=wrapped_secret_key, kdf_salt=kdf.salt, kdf_opslimit=kdf.opslimit,
        kdf_memlimit=kdf.memlimit, state=state,
        created_day=day or dt.date.fromisoformat(utc_day()),
    )
    session.add(row)
    session.flush()
    return _key_view(row)


def create_reviewer_account(
    session: Session, *, username: str, role: str, password: str,
    totp_secret: str | None = None, x25519_pk: bytes | None, ed25519_pk: bytes | None,
    wrapped_secret_key: bytes | None, kdf_salt: bytes | None,
    kdf_opslimit: int = accounts.KDF_MIN_OPSLIMIT, kdf_memlimit: int = accounts.KDF_MIN_MEMLIMIT,
    key_id: str | None = None, extra_roles: Iterable[str] = (), on_duty: bool = True,
    key_status: str = "active", policy: accounts.PasswordPolicy | None = None,
    day: dt.date | None = None,
) -> CreatedAccount:
    """One call for ``haven init`` / ``haven demo`` / test fixtures: account plus its key.

    ``key_status="active"`` is right when the caller publishes a bundle listing the key in
    the same step (``haven init``); otherwise register it ``pending``.
    """
    created = create_account(session, username=username, roles=(role, *extra_roles),
                             password=password, policy=policy, totp_secret=totp_secret,
                             on_duty=on_duty, day=day)
    if x25519_pk is None:
        if accounts.REVIEWER_ROLES.intersection(created.roles):
            raise InvalidRecord("a verifier or coordinator account needs its keypair")
        return created
    if ed25519_pk is None or wrapped_secret_key is None or kdf_salt is None:
        raise InvalidRecord("x25519_pk, ed25519_pk, wrapped_secret_key and kdf_salt go together")
    chosen_id = key_id or key_id_of(x25519_pk, ed25519_pk)
    add_key(session, created.account_id, key_id=chosen_id, x25519_pk=x25519_pk,
            ed25519_pk=ed25519_pk, wrapped_secret_key=wrapped_secret_key,
            kdf=accounts.KdfParams(kdf_salt, kdf_opslimit, kdf_memlimit), state=key_status,
            day=day)
    return CreatedAccount(created.account_id, created.username, created.roles, chosen_id,
                          created.totp_secret, created.recovery_codes)


# --- changing ------------------------------------------------------------------------


def _active_row(session: Session, account_id: str) -> Account:
    row = _account_row(session, account_id)
    if row.state != "active":
        raise KeyStateError("the account is offboarded")
    return row


def set_roles(session: Session, account_id: str, roles: Iterable[str]) -> AccountView:
    row = _active_row(session, account_id)
    chosen = check_roles(roles)
    holds_keys = session.scalar(sa.select(ReviewerKey.key_id).where(
        ReviewerKey.account_id == account_id, ReviewerKey.state != "retired"))
    if holds_keys and not accounts.REVIEWER_ROLES.intersection(chosen):
        raise KeyStateError("offboard the account to take away its reviewer role")
    row.roles = ",".join(chosen)
    if not accounts.REVIEWER_ROLES.intersection(chosen):
        row.on_duty = False
    session.flush()
    return _view(session, row)


def revoke_all_tokens(session: Session, account_id: str, *, keep_hash: str | None = None
                      ) -> None:
    query = sa.delete(ApiToken).where(ApiToken.account_id == account_id)
    if keep_hash is not None:
        query = query.where(ApiToken.token_hash != keep_hash)
    session.execute(query)


def require_totp_enrolment(session: Session, account_id: str) -> None:
    """The person confirms a TOTP code at their next sign-in (enrolment at first login)."""
    _account_row(session, account_id).totp_confirmed = False
    session.flush()


def reset_totp(session: Session, account_id: str) -> tuple[str, tuple[str, ...]]:
    """A new TOTP secret and recovery codes; every token of the account is revoked."""
    row = _active_row(session, account_id)
    secret, codes = _new_secrets(session, account_id, None)
    row.totp_secret = secret
    row.totp_last_step = None
    revoke_all_tokens(session, account_id)
    session.flush()
    return secret, codes


def unlock_account(session: Session, account_id: str) -> None:
    row = _active_row(session, account_id)
    row.failed_logins = 0
    row.locked_until = None
    session.flush()


def triage_members(session: Session) -> list[str]:
    rows = session.scalars(sa.select(Account.id).where(Account.on_duty.is_(True))
                           .order_by(Account.id))
    return list(rows)


def set_triage(session: Session, member_ids: Iterable[str]) -> list[str]:
    """Replace the on-duty triage set; members must be active reviewers with a live key."""
    members = sorted(set(member_ids))
    for account_id in members:
        view = get_account(session, account_id)
        if view.state != "active" or not view.is_reviewer:
            raise KeyStateError(f"{view.username} is not an active reviewer")
        if not any(k.state in ("active", "pending") for k in view.keys):
            raise KeyStateError(f"{view.username} has no active or pending key")
    session.execute(sa.update(Account).values(on_duty=False))
    if members:
        session.execute(sa.update(Account).where(Account.id.in_(members)).values(on_duty=True))
    session.flush()
    return members


def offboard(session: Session, account_id: str, *, day: dt.date | None = None
             ) -> OffboardResult:
    """S6: tokens, TOTP, recovery codes, wrapped keys and every stanza go; keys retire."""
    row = _active_row(session, account_id)
    today = day or dt.date.fromisoformat(utc_day())
    revoke_all_tokens(session, account_id)
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
    session.execute(sa.delete(Assignment).where(Assignment.account_id == account_id))
    session.execute(sa.delete(EventGrant).where(EventGrant.account_id == account_id))
    retired: list[str] = []
    was_published = False
    deleted = 0
    for key in session.scalars(sa.select(ReviewerKey).where(
            ReviewerKey.account_id == account_id)):
        deleted += store.revoke_key_everywhere(session, key.key_id)
        was_published = was_published or key.state == "active"
        if key.state != "retired":
            key.state, key.retired_day = "retired", today
            retired.append(key.key_id)
        key.wrapped_secret_key, key.kdf_salt = None, None
    row.totp_secret, row.totp_last_step, row.password_hash = None, None, UNUSABLE_PASSWORD_HASH
    row.on_duty, row.state, row.failed_logins, row.locked_until = False, "offboarded", 0, None
    session.flush()
    return OffboardResult(_view(session, row), tuple(retired), deleted, was_published)
