"""The submission API (SPEC §9 step 3) and proof-of-work challenges (S12)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from intake.errors import BadRequestBody
from intake.headers import CLEAR_SITE_DATA
from intake.request_body import json_body
from intake.submissions import accept_submission

api = Blueprint("api", __name__, url_prefix="/api/v1")


def services():
    return current_app.extensions["haven_intake"]


@api.get("/pow")
def pow_challenge():
    scope = request.args.get("scope", "")
    if scope not in ("submit", "upload", "receipt"):
        raise BadRequestBody("scope must be submit, upload or receipt")
    return jsonify(services().pow.issue(scope).as_json())


@api.post("/submissions")
def submit():
    svc = services()
    # base64 grows the envelope by a third; the cap is on the envelope's own size.
    body = json_body(max_bytes=svc.intake_config.max_envelope_bytes * 4 // 3 + 16384)
    report_id = accept_submission(svc, body)
    response = jsonify(report_id=report_id)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response, 201

