"""The reporter's inbox over JSON: open with a lookup id (after a proof of work), add events."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, jsonify

from intake.burn import burn_from_json
from intake.inbox import add_reporter_event, lookup_from, read_inbox
from intake.request_body import json_body, pow_fields

inbox_api = Blueprint("inbox_api", __name__, url_prefix="/api/v1/inbox")


def services():
    return current_app.extensions["haven_intake"]


@inbox_api.post("")
def open_inbox():
    svc = services()
    body = json_body(max_bytes=4096)
    lookup_id = lookup_from(body)
    challenge, counter = pow_fields(body)
    svc.pow.verify(challenge, counter, scope="receipt",
                   binding=hashlib.sha256(lookup_id).hexdigest())
    return jsonify(read_inbox(svc, lookup_id).as_json())


@inbox_api.post("/events")
def add_event():
    svc = services()
    body = json_body(max_bytes=svc.intake_config.max_envelope_bytes * 4 // 3 + 4096)
    seq = add_reporter_event(svc, body)
    return jsonify(seq=seq), 201


@inbox_api.post("/burn")
def burn_receipt():
    """Burn my receipt (S6): the signed ``receipt_burned`` event; the receipt then opens
    nothing and answers like a receipt that never existed."""
    svc = services()
    body = json_body(max_bytes=svc.intake_config.max_envelope_bytes * 4 // 3 + 4096)
    burn_from_json(svc, body)
    return jsonify(burned=True)
