"""JSON shapes of API.md §4 built from store views, plus the route-action decorator."""

from __future__ import annotations

from typing import Any

from vault.canonical import b64encode
from vault.reviewer_store import AccountView, KeyView, WrappedKeyView


def action(name: str):
    """Tag a view with its authorisation action (``vault.api.authz.MATRIX``)."""

    def tag(view):
        view.haven_action = name
        return view

    return tag


def key_json(key: KeyView) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "x25519_pk_b64": b64encode(key.x25519_pk),
        "ed25519_pk_b64": b64encode(key.ed25519_pk),
        "status": key.state,
        "created_day": key.created_day.isoformat(),
        "retired_day": key.retired_day.isoformat() if key.retired_day else None,
    }


def wrapped_key_json(wrapped: WrappedKeyView) -> dict[str, Any]:
    return {
        **key_json(wrapped.key),
        "wrapped_secret_key_b64": b64encode(wrapped.wrapped_secret_key),
        "kdf": {
            "alg": "argon2id13",
            "salt_b64": b64encode(wrapped.kdf.salt),
            "opslimit": wrapped.kdf.opslimit,
            "memlimit": wrapped.kdf.memlimit,
        },
    }


def account_json(account: AccountView) -> dict[str, Any]:
    return {
        "account_id": account.account_id,
        "username": account.username,
        "roles": list(account.roles),
        "on_duty": account.on_duty,
        "status": account.state,
        "keys": [key_json(k) for k in account.keys],
        "created_day": account.created_day.isoformat(),
    }


def enrolment_json(secret: str, username: str, codes: tuple[str, ...]) -> dict[str, Any]:
    from vault import accounts

    uri = accounts.totp_provisioning_uri(secret, username)
    return {
        "totp": {"secret": secret, "provisioning_uri": uri, "qr_svg": accounts.totp_qr_svg(uri)},
        "recovery_codes": list(codes),
    }
