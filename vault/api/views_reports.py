"""Reports: the visible list, one report's ciphertext, its stanza, events, blobs, grants."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request, stream_with_context

from vault import store
from vault.action_signature import KEY_REQUEST
from vault.api import access, auditing, context, grants
from vault.api.action_check import require_signed_action
from vault.api.errors import ApiError
from vault.api.serialise import action
from vault.api.validation import b64_field, cursor_arg, int_arg, json_body, limit_arg, page_cursor
from vault.canonical import b64encode
from vault.models import Blob
from vault.reviewer_models import EventGrant
from vault.store import EventRecord

blueprint = Blueprint("reports", __name__, url_prefix="/api/v1/reports")

EVENT_KINDS = {"reply": "reply", "status": "status_change", "ack": "ack",
               "withdrawal_ack": "withdrawal_ack"}
READ_SIZE = 64 * 1024
MAX_EVENT_BYTES = 1024 * 1024


def _open(report_id: str) -> access.Access:
    """Access check plus the decrypt accounting of API.md §5 (quota, alert, audit)."""
    session, state, caller = context.db(), context.state(), context.caller().account
    found = access.access_for(session, caller, report_id)
    crossed = access.record_open(session, caller, report_id, context.today(), state.quota)
    if crossed is not None:
        auditing.record(session, "bulk_open_alert", detail={"count": crossed})
    return found


def _event_json(event: EventRecord) -> dict:
    return {"report_id": event.report_id, "direction": event.direction,
            "author": "reporter" if event.direction == "from_reporter" else "reviewer",
            "seq": event.seq, "sealed_b64": b64encode(event.sealed),
            "day": event.day.isoformat()}


@blueprint.get("")
@action("reports.list")
def list_reports():
    limit = limit_arg()
    session = context.db()
    rows = access.visible_report_ids(session, context.caller().account, limit=limit,
                                     after=cursor_arg())
    found = access.summaries(session, [rid for _day, rid in rows])
    return jsonify(reports=[found[rid] for _day, rid in rows],
                   next_cursor=page_cursor(rows, limit, lambda row: row))


@blueprint.get("/<report_id>")
@action("reports.read")
def read_report(report_id: str):
    _open(report_id)
    session = context.db()
    report = store.get_report(session, report_id)
    auditing.record(session, "envelope_fetch", report_id=report_id)
    blobs = session.query(Blob).filter(Blob.report_id == report_id).order_by(Blob.blob_id)
    return jsonify(
        report=access.summaries(session, [report_id])[report_id],
        envelope_b64=b64encode(report.envelope),
        grants=access.grants_of(session, report_id)
        + [access.event_grant_json(row) for row in access.event_grants_of(session, report_id)],
        events=[_event_json(e) for e in store.list_events(session, report_id)],
        blobs=[{"blob_id": b.blob_id, "ct_len": b.ct_len} for b in blobs],
    )


@blueprint.get("/<report_id>/stanza")
@action("reports.stanza")
def stanza(report_id: str):
    # The reviewer's own signature first (S17): a bad or missing one opens nothing.
    session = context.db()
    signed = require_signed_action(session, KEY_REQUEST, report_id)
    found = _open(report_id)
    auditing.record(session, KEY_REQUEST, report_id=report_id, signed=signed)
    grant = access.assignment_record(found.assignment) if found.assignment else None
    event_grants = [json.loads(row.grant_document)
                    for row in access.event_grants_of(session, report_id, found.key_id)]
    return jsonify(report_id=report_id, key_id=found.key_id,
                   stanza_b64=b64encode(found.sealed_key), grant=grant,
                   event_grants=event_grants)


@blueprint.get("/<report_id>/events")
@action("reports.events.read")
def events(report_id: str):
    _open(report_id)
    direction = request.args.get("direction")
    if direction not in (None, "from_reporter", "to_reporter"):
        raise ApiError("bad_request", "direction is from_reporter or to_reporter")
    rows = store.list_events(context.db(), report_id, direction, int_arg("after_seq"))
    return jsonify(events=[_event_json(e) for e in rows])


@blueprint.post("/<report_id>/events")
@action("reports.events.write")
def post_event(report_id: str):
    body = json_body({"kind": str, "seq": int, "sealed_b64": str})
    if body["kind"] not in EVENT_KINDS:
        raise ApiError("bad_request", f"kind is one of {', '.join(EVENT_KINDS)}")
    sealed = b64_field(body, "sealed_b64", max_length=MAX_EVENT_BYTES)
    session = context.db()
    access.access_for(session, context.caller().account, report_id)
    expected = store.next_event_seq(session, report_id, "to_reporter") or 1
    if body["seq"] != expected:
        raise ApiError("sequence_conflict", f"the next seq on this chain is {expected}")
    event = store.add_event(session, report_id, "to_reporter", body["seq"], sealed,
                            context.today())
    if body["kind"] == "status" and store.get_report(session, report_id).receipt_live:
        # The reporter's status outlives the deletion of replies they read (SPEC §6.1, S6).
        store.set_reporter_status(session, report_id, sealed, body["seq"], context.today())
    auditing.record(session, EVENT_KINDS[body["kind"]], report_id=report_id)
    return jsonify(_event_json(event)), 201


@blueprint.get("/<report_id>/blobs/<blob_id>")
@action("reports.blob")
def blob(report_id: str, blob_id: str):
    _open(report_id)
    session = context.db()
    if blob_id not in store.report_blob_ids(session, report_id):
        raise ApiError("no_access", "not visible to this account")
    auditing.record(session, "download", report_id=report_id)
    session.commit()  # the audit entry lands before a single byte leaves
    handle = context.state().blobs.open(blob_id)

    def chunks():
        with handle:
            while chunk := handle.read(READ_SIZE):
                yield chunk

    response = Response(stream_with_context(chunks()), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{blob_id}.bin"'
    return response


@blueprint.post("/<report_id>/grants")
@action("grants.assign")
def assign(report_id: str):
    from vault.api.validation import raw_json_object

    document = raw_json_object()
    session, caller = context.db(), context.caller().account
    access.access_for(session, caller, report_id)
    stored = grants.assign(session, caller, report_id, document, context.today())
    auditing.record(session, "assign", report_id=report_id,
                    detail={"key_id": stored.key_id, "envelope": stored.envelope})
    if stored.envelope == "event":
        row = session.get(EventGrant, (report_id, stored.key_id, stored.header_hash))
        if row is None:  # stored just above in this transaction
            raise ApiError("unavailable", "the grant was not stored")
        return jsonify(access.event_grant_json(row)), 201
    return jsonify(next(g for g in access.grants_of(session, report_id)
                        if g["key_id"] == stored.key_id)), 201


@blueprint.delete("/<report_id>/grants/<key_id>")
@action("grants.revoke")
def revoke(report_id: str, key_id: str):
    session, caller = context.db(), context.caller().account
    access.access_for(session, caller, report_id)
    grants.revoke(session, report_id, key_id)
    auditing.record(session, "revoke", report_id=report_id, detail={"key_id": key_id})
    return "", 204


@blueprint.post("/<report_id>/reseal")
@action("reports.reseal")
def reseal_report(report_id: str):
    """S6 key epoch: store the report (and its reporter events) re-sealed to the current
    bundle by the coordinator's reviewer app; old stanzas and grants go (vault/api/reseal.py)."""
    from vault.api import reseal

    body = json_body({"envelope_b64": str, "events": list})
    envelope = b64_field(body, "envelope_b64")
    events: dict[int, bytes] = {}
    for item in body["events"]:
        if not isinstance(item, dict) or set(item) != {"seq", "sealed_b64"}:
            raise ApiError("bad_request", "each event is {\"seq\", \"sealed_b64\"}")
        seq = item["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq in events:
            raise ApiError("bad_request", "each event names a distinct whole-number seq")
        events[seq] = b64_field(item, "sealed_b64", max_length=MAX_EVENT_BYTES)
    session, caller = context.db(), context.caller().account
    access.access_for(session, caller, report_id)
    done = reseal.reseal(session, report_id, envelope, events)
    auditing.record(session, "reseal", report_id=report_id,
                    detail={"bundle_serial": done.serial, "events": done.events})
    return jsonify(report_id=report_id, bundle_serial=done.serial, stanzas=done.stanzas,
                   events=done.events, grants_dropped=done.grants_dropped)
