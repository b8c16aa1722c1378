"""Accounts, triage set, alerts, bundle draft/publication and the audit log."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify

from vault import audit, reviewer_store, totp_wrap
from vault.api import access, auditing, bundles, context
from vault.api.errors import ApiError
from vault.api.serialise import account_json, action, enrolment_json
from vault.api.validation import (
    check_uuid,
    cursor_arg,
    int_arg,
    json_body,
    limit_arg,
    page_cursor,
    raw_json_object,
    string_list,
)
from vault.errors import VaultError

blueprint = Blueprint("admin", __name__, url_prefix="/api/v1")


def _account_id(account_id: str) -> str:
    try:
        return check_uuid(account_id, "account_id")
    except ApiError:
        raise ApiError("not_found", "no such account") from None


@blueprint.get("/accounts")
@action("accounts.list")
def list_accounts():
    return jsonify(accounts=[account_json(a) for a in reviewer_store.list_accounts(context.db())])


@blueprint.post("/accounts")
@action("accounts.create")
def create_account():
    body = json_body({"username": str, "roles": list, "password": str})
    session = context.db()
    created = reviewer_store.create_account(
        session, username=body["username"], roles=string_list(body, "roles"),
        password=body["password"], policy=context.state().auth.password, day=context.today())
    reviewer_store.require_totp_enrolment(session, created.account_id)
    totp_wrap.seal_plaintext_secrets(session, context.state().auth.totp_key)
    auditing.record(session, "account_create", detail={"account_id": created.account_id})
    account = reviewer_store.get_account(session, created.account_id)
    return jsonify(account=account_json(account),
                   **enrolment_json(created.totp_secret, created.username,
                                    created.recovery_codes)), 201


@blueprint.get("/accounts/<account_id>")
@action("accounts.read")
def read_account(account_id: str):
    return jsonify(account_json(reviewer_store.get_account(context.db(), _account_id(account_id))))


@blueprint.patch("/accounts/<account_id>")
@action("accounts.roles")
def change_roles(account_id: str):
    body = json_body({"roles": list})
    session = context.db()
    view = reviewer_store.set_roles(session, _account_id(account_id), string_list(body, "roles"))
    auditing.record(session, "account_roles",
                    detail={"account_id": view.account_id, "roles": list(view.roles)})
    return jsonify(account_json(view))


@blueprint.post("/accounts/<account_id>/reset-totp")
@action("accounts.reset_totp")
def reset_totp(account_id: str):
    session = context.db()
    view = reviewer_store.get_account(session, _account_id(account_id))
    secret, codes = reviewer_store.reset_totp(session, view.account_id)
    reviewer_store.require_totp_enrolment(session, view.account_id)
    totp_wrap.seal_plaintext_secrets(session, context.state().auth.totp_key)
    auditing.record(session, "totp_reset", detail={"account_id": view.account_id})
    return jsonify(account=account_json(view), **enrolment_json(secret, view.username, codes))


@blueprint.post("/accounts/<account_id>/unlock")
@action("accounts.unlock")
def unlock(account_id: str):
    session = context.db()
    reviewer_store.unlock_account(session, _account_id(account_id))
    auditing.record(session, "account_unlock", detail={"account_id": account_id})
    return "", 204


@blueprint.post("/accounts/<account_id>/offboard")
@action("accounts.offboard")
def offboard(account_id: str):
    session = context.db()
    result = reviewer_store.offboard(session, _account_id(account_id), day=context.today())
    auditing.record(session, "offboard", detail={
        "account_id": account_id, "retired_keys": list(result.retired_key_ids),
        "deleted_stanzas": result.deleted_stanzas})
    return jsonify(account=account_json(result.account),
                   bundle_republish_required=result.bundle_republish_required)


@blueprint.get("/triage")
@action("triage.read")
def read_triage():
    return jsonify(members=reviewer_store.triage_members(context.db()))


@blueprint.put("/triage")
@action("triage.write")
def write_triage():
    body = json_body({"members": list})
    members = [check_uuid(m, "members[]") for m in string_list(body, "members")]
    session = context.db()
    chosen = reviewer_store.set_triage(session, members)
    auditing.record(session, "triage_change", detail={"members": chosen})
    return jsonify(members=chosen, bundle_republish_required=True)


@blueprint.get("/alerts")
@action("alerts.list")
def alerts():
    limit = limit_arg()
    rows = access.list_alerts(context.db(), limit=limit, after=cursor_arg())
    return jsonify(
        alerts=[{"alert_id": a.alert_id, "day": a.day.isoformat(), "account_id": a.account_id,
                 "kind": a.kind, "count": a.count} for a in rows],
        next_cursor=page_cursor(rows, limit, lambda a: (a.day, a.alert_id)))


@blueprint.get("/bundle/draft")
@action("bundle.draft")
def bundle_draft():
    state = context.state()
    return jsonify(payload=bundles.draft(context.db(), state.organisation, context.today()))


@blueprint.put("/bundle")
@action("bundle.publish")
def publish_bundle():
    document = raw_json_object()
    session, state = context.db(), context.state()
    published = bundles.publish(session, document, state.organisation, context.today(),
                                state.bundle_path)
    auditing.record(session, "bundle_publish", detail={
        "serial": published.serial, "activated": list(published.activated),
        "retired": list(published.retired)})
    return jsonify(serial=published.serial, activated=list(published.activated),
                   retired=list(published.retired))


@blueprint.get("/audit")
@action("audit.list")
def audit_entries():
    limit = limit_arg()
    after = int_arg("cursor")
    rows = audit.entries(context.db(), after_seq=after, limit=limit)
    next_cursor = str(rows[-1].seq) if len(rows) == limit else None
    return jsonify(entries=[auditing.entry_json(e) for e in rows], next_cursor=next_cursor)


@blueprint.get("/audit/verify")
@action("audit.verify")
def audit_verify():
    settings = context.state().settings
    try:
        verify_key = auditing.checkpoint_verify_key(Path(settings.organisation_path),
                                                    Path(settings.checkpoint_key_path))
    except VaultError as exc:
        raise ApiError("unavailable", f"no checkpoint key to verify with: {exc.code}") from None
    from vault.audit_signatures import check_action_signatures

    try:
        state = audit.verify_log(context.db(), verify_key)
        signatures = check_action_signatures(context.db())
    except VaultError as exc:
        return jsonify(ok=False, entries=0, head="", error=f"{exc.code}: {exc}")
    if not signatures.ok:  # a key request or client action the reviewer did not sign (S17)
        first = signatures.problems[0]
        return jsonify(ok=False, entries=state.size, head=state.root.hex(),
                       error=f"action_signature: entry {first.seq} ({first.action}): "
                             f"{first.reason}")
    return jsonify(ok=True, entries=state.size, head=state.root.hex(), error=None)
