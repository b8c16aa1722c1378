"""Login, bearer tokens, password and recovery-code changes (plain logic over a Session).

A failed login changes the database (the failure counter, the lockout end) and then raises:
the caller commits the session before it turns the error into a response, so failures count
even though the request fails (``vault.api.db.commit_on_error``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault import accounts, reviewer_store, totp_wrap
from vault.errors import AccountLocked, InvalidCredentials, Unauthenticated
from vault.reviewer_models import Account, ApiToken, RecoveryCode

MAX_TOKEN_LENGTH = 128


@dataclass(frozen=True)
class AuthPolicy:
    password: accounts.PasswordPolicy
    lockout: accounts.LockoutPolicy
    idle_seconds: int
    absolute_seconds: int
    totp_key: bytes = b""  # keys/totp-wrap.key (vault.totp_wrap); TOTP secrets are sealed


@dataclass(frozen=True)
class EnrolmentNeeded:
    """Password right, no confirmed TOTP yet and no code sent: a fresh secret to scan."""

    account_id: str
    username: str
    totp_secret: str


@dataclass(frozen=True)
class LoginResult:
    token: str
    account: reviewer_store.AccountView
    recovery_codes_left: int


@dataclass(frozen=True)
class Caller:
    """The authenticated account behind a request, and its token's hash."""

    account: reviewer_store.AccountView
    token_hash: str


def _fail(row: Account, policy: AuthPolicy, now: int, reason: str) -> InvalidCredentials:
    row.failed_logins += 1
    lock = policy.lockout.lock_seconds(row.failed_logins)
    if lock:
        row.locked_until = now + lock
    return InvalidCredentials(reason)


def _check_second_factor(session: Session, row: Account, *, totp: str | None,
                         recovery_code: str | None, now: int, totp_key: bytes) -> None:
    if totp is not None:
        if not row.totp_secret:
            raise InvalidCredentials("no TOTP enrolled")
        secret = totp_wrap.plaintext_secret(totp_key, row.id, row.totp_secret)
        row.totp_last_step = accounts.verify_totp(
            secret, totp, now=now, last_used_step=row.totp_last_step
        )
        if not totp_wrap.is_sealed(row.totp_secret):  # written by a tool without the key
            row.totp_secret = totp_wrap.seal_secret(totp_key, row.id, secret)
        return
    code_hash = accounts.hash_recovery_code(recovery_code or "", row.id)
    found = session.get(RecoveryCode, code_hash)
    if found is None or found.account_id != row.id:
        raise InvalidCredentials("wrong recovery code")
    session.delete(found)


def _start_enrolment(row: Account, policy: AuthPolicy) -> EnrolmentNeeded:
    """A fresh secret each time (the admin who made the account never sees it), sealed."""
    secret = accounts.new_totp_secret()
    row.totp_secret = totp_wrap.seal_secret(policy.totp_key, row.id, secret)
    row.totp_last_step = None
    return EnrolmentNeeded(row.id, row.username, secret)


def login(session: Session, *, username: str, password: str, totp: str | None,
          recovery_code: str | None, now: int, policy: AuthPolicy
          ) -> LoginResult | EnrolmentNeeded:
    """Check password + (TOTP or recovery code); issue a token. See the module docstring.

    An account whose TOTP is not confirmed may send the password alone: the answer is then
    an ``EnrolmentNeeded`` with a fresh secret; the next login with a code from it confirms."""
    row = session.scalar(sa.select(Account).where(Account.username == username))
    if row is None or row.state != "active":
        # Same argon2id work as for a real account: timing does not reveal usernames.
        accounts.verify_password(accounts.dummy_password_hash(policy.password), password,
                                 policy.password)
        raise InvalidCredentials("unknown user or wrong password")
    if row.locked_until is not None and now < row.locked_until:
        raise AccountLocked("too many failed logins", retry_after=row.locked_until - now)
    if not accounts.verify_password(row.password_hash, password, policy.password):
        raise _fail(row, policy, now, "unknown user or wrong password")
    if totp is None and recovery_code is None:
        if row.totp_confirmed:
            raise _fail(row, policy, now, "a second factor is required")
        return _start_enrolment(row, policy)
    try:
        _check_second_factor(session, row, totp=totp, recovery_code=recovery_code, now=now,
                             totp_key=policy.totp_key)
    except InvalidCredentials as exc:
        raise _fail(row, policy, now, str(exc)) from None
    if totp is not None:
        row.totp_confirmed = True  # a first code from the enrolled secret confirms it
    row.failed_logins = 0
    row.locked_until = None
    if accounts.password_needs_rehash(row.password_hash, policy.password):
        row.password_hash = accounts.hash_password(password, policy.password)
    _drop_expired_tokens(session, now, policy)
    token = issue_token(session, row.id, now)
    left = session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                          .where(RecoveryCode.account_id == row.id)) or 0
    return LoginResult(token, reviewer_store.get_account(session, row.id), int(left))


def issue_token(session: Session, account_id: str, now: int, *, created_at: int | None = None
                ) -> str:
    token, token_hash = accounts.new_token()
    session.add(ApiToken(token_hash=token_hash, account_id=account_id,
                         created_at=now if created_at is None else created_at, last_seen_at=now))
    session.flush()
    return token


def _drop_expired_tokens(session: Session, now: int, policy: AuthPolicy) -> None:
    session.execute(sa.delete(ApiToken).where(sa.or_(
        ApiToken.last_seen_at < now - policy.idle_seconds,
        ApiToken.created_at < now - policy.absolute_seconds,
    )))


def resolve_token(session: Session, token: str | None, *, now: int, policy: AuthPolicy
                  ) -> Caller:
    """The caller behind a bearer token; Unauthenticated when absent, unknown or expired."""
    if not token or not token.startswith(accounts.TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated("a bearer token is required")
    token_hash = accounts.hash_token(token)
    row = session.get(ApiToken, token_hash)
    if row is None:
        raise Unauthenticated("unknown or revoked token")
    expired = (now - row.last_seen_at > policy.idle_seconds
               or now - row.created_at > policy.absolute_seconds)
    account = session.get(Account, row.account_id)
    if expired or account is None or account.state != "active":
        session.delete(row)
        raise Unauthenticated("the session expired: log in again")
    row.last_seen_at = now
    return Caller(reviewer_store.get_account(session, row.account_id), token_hash)


def revoke_token(session: Session, token_hash: str) -> None:
    session.execute(sa.delete(ApiToken).where(ApiToken.token_hash == token_hash))


def rotate_token(session: Session, caller: Caller, now: int) -> str:
    """A new token for the same session; the absolute lifetime still runs from login."""
    row = session.get(ApiToken, caller.token_hash)
    if row is None:
        raise Unauthenticated("unknown or revoked token")
    created_at = row.created_at
    session.delete(row)
    return issue_token(session, caller.account.account_id, now, created_at=created_at)


def change_password(session: Session, caller: Caller, *, current: str, new: str,
                    policy: AuthPolicy) -> None:
    row = session.get(Account, caller.account.account_id)
    if row is None or not accounts.verify_password(row.password_hash, current, policy.password):
        raise InvalidCredentials("the current password is wrong")
    row.password_hash = accounts.hash_password(new, policy.password)
    reviewer_store.revoke_all_tokens(session, row.id, keep_hash=caller.token_hash)


def replace_recovery_codes(session: Session, caller: Caller, *, password: str,
                           policy: AuthPolicy) -> tuple[str, ...]:
    row = session.get(Account, caller.account.account_id)
    if row is None or not accounts.verify_password(row.password_hash, password, policy.password):
        raise InvalidCredentials("the password is wrong")
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.account_id == row.id))
    codes = tuple(accounts.new_recovery_codes())
    for code in codes:
        session.add(RecoveryCode(code_hash=accounts.hash_recovery_code(code, row.id),
                                 account_id=row.id))
    session.flush()
    return codes
