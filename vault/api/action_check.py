"""The reviewer's signature on what they do (S17): checked before a stanza leaves the vault
and before a client-reported action is audited (vault/SPEC.md §14, API.md §5).

``require_signed_action(session, action, report_id)`` reads ``Haven-Action-Signature``,
checks it against the caller's own active reviewer key, the request (action, report,
account, day) and the nonces already used, stores the nonce's hash and returns the
``SignedAction`` for the audit entry. Any failure is an ``ApiError`` with a specific code,
raised before anything is opened or recorded.
"""

from __future__ import annotations

import datetime as dt

from flask import request
from nacl.signing import VerifyKey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vault.action_signature import HEADER, SignedAction, parse_header, report_digest, verify_action
from vault.api import context
from vault.api.errors import ApiError
from vault.errors import ActionSignatureBad, ActionSignatureError
from vault.models import ActionNonce
from vault.reviewer_models import ReviewerKey


def require_signed_action(session: Session, action: str, report_id: str | None
                          ) -> SignedAction:
    value = request.headers.get(HEADER)
    if not value:
        raise ApiError("action_signature_missing",
                       f"this request needs a {HEADER} header signed with your reviewer key")
    try:
        signed = parse_header(value)
    except ActionSignatureError as exc:
        raise ApiError("action_signature_malformed", str(exc)) from None
    _check_matches(signed, action, report_id, context.today())
    key = _callers_key(session, signed.statement.key_id)
    try:
        verify_action(signed, VerifyKey(key.ed25519_pk))
    except ActionSignatureBad as exc:
        raise ApiError("action_signature_bad", str(exc)) from None
    _use_nonce(session, signed)
    return signed


def _check_matches(signed: SignedAction, action: str, report_id: str | None,
                   today: dt.date) -> None:
    statement = signed.statement
    caller = context.caller().account.account_id
    if statement.account_id != caller:
        raise ApiError("action_mismatch", "the statement is signed for another account")
    if statement.action != action:
        raise ApiError("action_mismatch", f"the statement is for {statement.action!r}, "
                                          f"this request is {action!r}")
    if statement.report != report_digest(report_id):
        raise ApiError("action_mismatch", "the statement names another report")
    if statement.day_value not in (today, today - dt.timedelta(days=1)):
        raise ApiError("action_stale", "the statement's day is neither today nor yesterday "
                                       "(UTC)")


def _callers_key(session: Session, key_id: str) -> ReviewerKey:
    """The caller's own active key: a key of another account, a pending or retired key,
    or an unknown id are all refused the same way."""
    key = session.get(ReviewerKey, key_id)
    caller = context.caller().account.account_id
    if key is None or key.account_id != caller or key.state != "active":
        raise ApiError("action_key_not_yours",
                       "the statement names no active reviewer key of this account")
    return key


def _use_nonce(session: Session, signed: SignedAction) -> None:
    nonce_hash = signed.statement.nonce_hash()
    if session.get(ActionNonce, nonce_hash) is not None:
        raise ApiError("action_replayed", "this signed statement was already used")
    try:
        with session.begin_nested():
            session.add(ActionNonce(nonce_hash=nonce_hash, day=signed.statement.day_value))
    except IntegrityError:  # the same statement sent twice at once
        raise ApiError("action_replayed", "this signed statement was already used") from None

