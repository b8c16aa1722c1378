"""Sealed reviewer records and the audit entries the reviewer app reports itself."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from vault.action_signature import CLIENT_ACTIONS
from vault.api import access, auditing, context, records
from vault.api.action_check import require_signed_action
from vault.api.errors import ApiError
from vault.api.serialise import action
from vault.api.validation import (
    b64_field,
    check_uuid,
    cursor_arg,
    json_body,
    limit_arg,
    page_cursor,
    string_list,
)

blueprint = Blueprint("records", __name__, url_prefix="/api/v1")

CLIENT_AUDIT_ACTIONS = CLIENT_ACTIONS
MAX_RECORD_BYTES = 2 * 1024 * 1024


@blueprint.post("/records")
@action("records.write")
def post_record():
    body = json_body(
        {"record_id": str, "kind": str, "author_key_id": str, "day": str, "recipients": list,
         "ciphertext_b64": str, "signature_b64": str},
        {"report_id": str, "case_id": str, "supersedes": str},
    )
    new = records.NewRecord(
        record_id=body["record_id"], kind=body["kind"], report_id=body.get("report_id"),
        case_id=body.get("case_id"), author_key_id=body["author_key_id"], day=body["day"],
        recipients=tuple(string_list(body, "recipients")), supersedes=body.get("supersedes"),
        ciphertext=b64_field(body, "ciphertext_b64", max_length=MAX_RECORD_BYTES),
        signature=b64_field(body, "signature_b64", length=64),
    )
    session = context.db()
    row = records.add_record(session, context.caller().account, new, context.today())
    auditing.record(session, f"record_{row.kind}", report_id=row.report_id,
                    detail={"record_id": row.record_id})
    return jsonify(records.record_json(session, row)), 201


@blueprint.get("/records")
@action("records.list")
def list_records():
    report_id, case_id = request.args.get("report_id"), request.args.get("case_id")
    kind = request.args.get("kind")
    if report_id is not None:
        check_uuid(report_id, "report_id")
    if case_id is not None:
        check_uuid(case_id, "case_id")
    if kind is not None and not records.KIND_PATTERN.match(kind):
        raise ApiError("bad_request", "kind is 1-32 of a-z 0-9 _ starting with a letter")
    limit = limit_arg()
    session = context.db()
    rows = records.list_records(session, context.caller().account, report_id=report_id,
                                case_id=case_id, kind=kind, limit=limit, after=cursor_arg())
    return jsonify(records=[records.record_json(session, r) for r in rows],
                   next_cursor=page_cursor(rows, limit, lambda r: (r.day, r.record_id)))


@blueprint.get("/records/<record_id>")
@action("records.read")
def read_record(record_id: str):
    session = context.db()
    row = records.get_record(session, context.caller().account, record_id)
    return jsonify(records.record_json(session, row))


@blueprint.post("/audit")
@action("audit.report")
def report_action():
    body = json_body({"action": str}, {"report_id": str})
    if body["action"] not in CLIENT_AUDIT_ACTIONS:
        raise ApiError("bad_request", f"action is one of {', '.join(CLIENT_AUDIT_ACTIONS)}")
    session = context.db()
    report_id = body.get("report_id")
    if report_id is not None:
        check_uuid(report_id, "report_id")
    signed = require_signed_action(session, body["action"], report_id)
    if report_id is not None:
        access.access_for(session, context.caller().account, report_id)
    entry = auditing.record(session, body["action"], report_id=report_id, signed=signed)
    if body["action"] == "export":
        caller, state = context.caller().account, context.state()
        crossed = access.record_export(session, caller, context.today(), state.quota)
        if crossed is not None:
            auditing.record(session, "bulk_export_alert", detail={"count": crossed})
    return jsonify(auditing.entry_json(entry)), 201


