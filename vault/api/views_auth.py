"""Public routes, login/logout/rotation and the caller's own account and keys."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, jsonify, request

from vault import accounts, reviewer_store
from vault.api import auditing, context
from vault.api.errors import ApiError
from vault.api.serialise import account_json, action, enrolment_json, key_json, wrapped_key_json
from vault.api.validation import b64_field, json_body
from vault.errors import AccountLocked, InvalidCredentials

blueprint = Blueprint("auth", __name__, url_prefix="/api/v1")


@blueprint.get("/health")
@action("health")
def health():
    """Liveness, and how long the served key bundle stays valid (public: the bundle is)."""
    from vault.bundle_status import bundle_expiry

    state = context.state()
    try:
        document = json.loads(state.bundle_path.read_text("utf-8"))
    except FileNotFoundError:
        document = None
    except (OSError, ValueError):
        document = {}  # there but unreadable: reported as invalid
    expiry = bundle_expiry(document, state.organisation.fingerprint,
                           today=context.today().isoformat())
    return jsonify(status="ok", bundle=expiry.to_dict())


@blueprint.get("/openapi.json")
@action("openapi")
def openapi():
    from vault.api.openapi import document

    return jsonify(document())


def _public_file(path: Path, what: str) -> Response:
    try:
        text = path.read_text("utf-8")
        json.loads(text)
    except (OSError, ValueError):
        raise ApiError("unavailable", f"the {what} is not published") from None
    return Response(text, mimetype="application/json")


@blueprint.get("/organisation")
@action("organisation.read")
def organisation():
    return _public_file(Path(context.state().settings.organisation_path), "organisation pin")


@blueprint.get("/bundle")
@action("bundle.read")
def bundle():
    return _public_file(context.state().bundle_path, "key bundle")


@blueprint.get("/bundles")
@action("bundles.list")
def bundle_history():
    from vault.api import bundle_history as history

    wanted = request.args.get("sha256")
    if wanted is not None and not history.SHA256_HEX.match(wanted):
        raise ApiError("bad_request", "sha256 must be 64 lowercase hex digits")
    found = history.published(context.db())
    if wanted is not None:
        found = [b for b in found if b.sha256 == wanted]
    return jsonify(bundles=[{"serial": b.serial, "sha256": b.sha256,
                             "day": b.day.isoformat()} for b in found])


@blueprint.get("/bundles/<serial>")
@action("bundles.read")
def bundle_at(serial: str):
    from vault.api import bundle_history as history

    if not serial.isdigit() or len(serial) > 9:  # noqa: PLR2004 - a 32-bit serial
        raise ApiError("not_found", "a bundle serial is a whole number")
    found = history.by_serial(context.db(), int(serial))
    if found is None:
        raise ApiError("not_found", f"no bundle with serial {serial} was published")
    return Response(found.document, mimetype="application/json")


@blueprint.post("/auth/login")
@action("auth.login")
def login():
    from vault.api.credentials import EnrolmentNeeded
    from vault.api.credentials import login as check_login

    body = json_body({"username": str, "password": str},
                     {"totp": str, "recovery_code": str})
    if body.get("totp") is not None and body.get("recovery_code") is not None:
        raise ApiError("bad_request", "send at most one of 'totp' and 'recovery_code'")
    session, state = context.db(), context.state()
    try:
        result = check_login(session, username=body["username"], password=body["password"],
                             totp=body.get("totp"), recovery_code=body.get("recovery_code"),
                             now=context.now(), policy=state.auth)
    except (InvalidCredentials, AccountLocked):
        account = reviewer_store.find_account(session, body["username"])
        auditing.record(session, "login_failed",
                        actor=account.account_id if account else "system")
        context.commit_on_error()
        raise
    if isinstance(result, EnrolmentNeeded):
        auditing.record(session, "totp_enrolment", actor=result.account_id)
        totp = enrolment_json(result.totp_secret, result.username, ())["totp"]
        return jsonify(enrolment_required=True, totp=totp)
    auditing.record(session, "login", actor=result.account.account_id,
                    detail={"factor": "totp" if body.get("totp") else "recovery_code"})
    return jsonify(token=result.token, idle_timeout_seconds=state.auth.idle_seconds,
                   absolute_timeout_seconds=state.auth.absolute_seconds,
                   account=account_json(result.account),
                   recovery_codes_left=result.recovery_codes_left)


@blueprint.post("/auth/logout")
@action("auth.logout")
def logout():
    from vault.api.credentials import revoke_token

    revoke_token(context.db(), context.caller().token_hash)
    auditing.record(context.db(), "logout")
    return "", 204


@blueprint.post("/auth/rotate")
@action("auth.rotate")
def rotate():
    from vault.api.credentials import rotate_token

    state = context.state()
    token = rotate_token(context.db(), context.caller(), context.now())
    return jsonify(token=token, idle_timeout_seconds=state.auth.idle_seconds,
                   absolute_timeout_seconds=state.auth.absolute_seconds)


@blueprint.get("/me")
@action("me.read")
def me():
    return jsonify(account_json(context.caller().account))


@blueprint.get("/me/keys")
@action("me.keys.read")
def my_keys():
    session = context.db()
    keys = reviewer_store.wrapped_keys(session, context.caller().account.account_id)
    auditing.record(session, "key_fetch")
    return jsonify(keys=[wrapped_key_json(k) for k in keys])


@blueprint.post("/me/keys")
@action("me.keys.register")
def register_key():
    body = json_body({"key_id": str, "x25519_pk_b64": str, "ed25519_pk_b64": str,
                      "wrapped_secret_key_b64": str, "kdf": dict})
    kdf = body["kdf"]
    if set(kdf) != {"alg", "salt_b64", "opslimit", "memlimit"} or kdf["alg"] != "argon2id13":
        raise ApiError("bad_request", "kdf is {alg: argon2id13, salt_b64, opslimit, memlimit}")
    params = accounts.KdfParams(b64_field(kdf, "salt_b64", length=accounts.KDF_SALT_BYTES),
                                kdf["opslimit"], kdf["memlimit"])
    session = context.db()
    key = reviewer_store.add_key(
        session, context.caller().account.account_id, key_id=body["key_id"],
        x25519_pk=b64_field(body, "x25519_pk_b64", length=32),
        ed25519_pk=b64_field(body, "ed25519_pk_b64", length=32),
        wrapped_secret_key=b64_field(body, "wrapped_secret_key_b64",
                                     length=accounts.WRAPPED_LENGTH),
        kdf=params, state="pending", day=context.today())
    auditing.record(session, "key_register", detail={"key_id": key.key_id})
    return jsonify(key_json(key)), 201


@blueprint.post("/me/password")
@action("me.password")
def change_password():
    from vault.api.credentials import change_password as change

    body = json_body({"current_password": str, "new_password": str})
    session = context.db()
    change(session, context.caller(), current=body["current_password"],
           new=body["new_password"], policy=context.state().auth)
    auditing.record(session, "password_change")
    return "", 204


@blueprint.post("/me/recovery-codes")
@action("me.recovery_codes")
def new_recovery_codes():
    from vault.api.credentials import replace_recovery_codes

    body = json_body({"password": str})
    session = context.db()
    codes = replace_recovery_codes(session, context.caller(), password=body["password"],
                                   policy=context.state().auth)
    auditing.record(session, "recovery_codes")
    return jsonify(recovery_codes=list(codes))


@blueprint.get("/reviewers")
@action("reviewers.list")
def reviewers():
    views = [a for a in reviewer_store.list_accounts(context.db())
             if a.state == "active" and a.is_reviewer]
    return jsonify(reviewers=[
        {"account_id": a.account_id, "username": a.username, "roles": list(a.roles),
         "on_duty": a.on_duty, "key_ids": list(a.active_key_ids)} for a in views
    ])
