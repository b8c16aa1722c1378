"""Request helpers shared by the views: who is signed in, their API client, their keys."""

from __future__ import annotations

from dataclasses import dataclass

from flask import session

from reviewer.keyring import ReviewerKeys
from reviewer.sessions import ServerSession, end_session, rotate_session
from reviewer.state import reviewer_state
from reviewer.vault_client import VaultClient

ROLE_KEYS = ("account_id", "username", "roles", "token")


@dataclass(frozen=True)
class SignedIn:
    account_id: str
    username: str
    roles: tuple[str, ...]

    @property
    def is_reviewer(self) -> bool:
        return bool({"verifier", "coordinator"} & set(self.roles))


def current_user() -> SignedIn | None:
    if not session.get("account_id"):
        return None
    return SignedIn(session["account_id"], session["username"], tuple(session["roles"]))


def current_roles() -> tuple[str, ...]:
    user = current_user()
    return user.roles if user else ()


def api() -> VaultClient:
    """The vault API client carrying this session's bearer token (kept server-side only)."""
    return reviewer_state().vault.with_token(session.get("token", ""),
                                             action_signer=_sign_action)


def _sign_action(action: str, report_id: str | None) -> str:
    """Key requests and client-reported actions carry the reviewer's own signature (S17)."""
    return keys().sign_action(action, report_id)


def session_id() -> str:
    sid = _server_session().sid
    if sid is None:
        raise RuntimeError("no server-side session")
    return sid


def keys() -> ReviewerKeys:
    """This session's unlocked keys; raises KeyLocked."""
    return reviewer_state().keys.keys(session_id())


def key_unlocked() -> bool:
    sid = _server_session().sid
    return bool(sid) and reviewer_state().keys.is_unlocked(sid)


def rotate() -> None:
    state = reviewer_state()
    rotate_session(_server_session(), state.sessions, state.keys.move)


def sign_out(response) -> None:  # type: ignore[no-untyped-def]
    state = reviewer_state()
    iface = state.session_interface
    end_session(_server_session(), state.sessions, response, iface.cookie_name, iface.secure)


def _server_session() -> ServerSession:
    current = session._get_current_object()  # type: ignore[attr-defined]
    assert isinstance(current, ServerSession)  # noqa: S101 - installed by create_app
    return current
