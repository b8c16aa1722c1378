"""The OpenAPI 3.1 document of the intake's JSON API, served at ``/api/v1/openapi.json``.

Written as data next to the code (intake/README.md, vault/SPEC.md §9); a contract test checks
that every /api/v1 Flask route is described here (and nothing else), and schemathesis checks
the app against it. The served bytes are built once and are the same for every visitor: no
server URL taken from the request, nothing that varies with the instance.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

B64 = {"type": "string", "pattern": "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"}
B64_32 = {"type": "string", "pattern": "^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$"}
HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
WHOLE = {"type": "integer", "minimum": 1}

_STATUS_TEXT = {
    400: "Malformed body or parameter", 403: "Missing, wrong, expired or reused proof of work",
    404: "Unknown upload or receipt (the same answer whatever the reason)",
    409: "Conflict (chunk out of order or different, duplicate report, event conflict)",
    410: "The upload expired", 413: "Larger than the site accepts",
    422: "Rejected envelope, chunk or declaration (the spec's error code)",
    429: "Too many requests from this network", 503: "Disk full or database unavailable",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": {**required, **(optional or {})},
            "required": list(required), "additionalProperties": False}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _json(_ref("Error"), _STATUS_TEXT[code]) for code in (*codes, 429)}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _op(operation_id: str, summary: str, responses: dict[str, Any],
        **extra: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "summary": summary, **extra, "responses": responses}


UPLOAD_ID = {"name": "upload_id", "in": "path", "required": True,
             "description": "The id returned when the upload was declared",
             "schema": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}}

SCHEMAS: dict[str, Any] = {
    # HTTP-level refusals (404 route, 405, 429) carry only the code; the intake's own
    # refusals also say what was wrong in "message".
    "Error": {"type": "object", "required": ["error"],
              "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
    "ProofOfWork": _obj({"challenge": {"type": "string", "minLength": 1},
                         "counter": {"type": "string", "pattern": "^[0-9]{1,20}$"}}),
    "Challenge": _obj({"challenge": {"type": "string"},
                       "scope": {"enum": ["submit", "upload", "receipt"]},
                       "difficulty": {"type": "integer", "minimum": 0, "maximum": 256},
                       "expires": {"type": "integer", "description": "Unix time"}}),
    "UploadDeclaration": _obj({"blob_id": HEX64, "ct_len": WHOLE, "chunk_count": WHOLE,
                               "pow": _ref("ProofOfWork")}),
    "UploadStatus": _obj({"complete": {"type": "boolean"},
                          "next_index": {"type": "integer", "minimum": 0}}),
    "Submission": _obj({"envelope": B64, "lookup_id": B64_32, "pow": _ref("ProofOfWork")},
                       {"blobs": {"type": "array", "items": HEX64, "uniqueItems": True}}),
    "InboxRequest": _obj({"lookup_id": B64_32, "pow": _ref("ProofOfWork")}),
    "Inbox": _obj({
        "report_id": {"type": "string"}, "state": {"type": "string"},
        "server_sealed": {"type": "boolean"}, "readers": {"type": "integer", "minimum": 0},
        "status": {"type": ["string", "null"], "description": "Sealed status, base64url"},
        "status_epoch": {"type": "integer", "minimum": 0},
        "replies": {"type": "array", "items": _obj({"seq": WHOLE, "sealed": B64, "day": DAY})},
        "next_seq": WHOLE,
        "head": {"type": ["string", "null"], "description": "The sealed chain head"},
        "replies_deleted": {"type": "integer", "minimum": 0,
                            "description": "Earlier replies deleted after the reporter read "
                                           "them (S6)"},
        "reply_retention_days": {"type": "integer", "minimum": 0,
                                 "description": "Replies are deleted this many days after "
                                                "they were first shown"}}),
    "ReporterEvent": _obj(
        {"lookup_id": B64_32, "envelope": B64, "seq": WHOLE, "head": B64},
        {"withdraw_report": {"type": "boolean"},
         "blobs": {"type": "array", "items": HEX64, "uniqueItems": True,
                   "description": "The uploaded files a file_added event attaches"}}),
    "BurnRequest": _obj({"lookup_id": B64_32, "envelope": B64, "seq": WHOLE}),
}


def _upload_paths() -> dict[str, Any]:
    index = {"name": "index", "in": "path", "required": True,
             "description": "0 = the 24-byte stream header, then 1…chunk_count",
             "schema": {"type": "integer", "minimum": 0, "maximum": 100000}}
    return {
        "/api/v1/uploads": {"post": _op(
            "beginUpload", "Declare an encrypted attachment (after a proof of work)",
            {"201": _json(_obj({"upload_id": {"type": "string"}}), "Created"),
             **_errors(400, 403, 413, 422)},
            requestBody=_body(_ref("UploadDeclaration")))},
        "/api/v1/uploads/{upload_id}/chunks/{index}": {"put": _op(
            "putChunk", "Send one wire chunk, in order (a resent last chunk is accepted)",
            {"204": {"description": "Stored"}, **_errors(404, 409, 410, 413, 422, 503)},
            parameters=[UPLOAD_ID, index],
            requestBody={"required": True, "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}})},
        "/api/v1/uploads/{upload_id}": {"get": _op(
            "uploadStatus", "Where to resume an upload",
            {"200": _json(_ref("UploadStatus")), **_errors(404, 410)},
            parameters=[UPLOAD_ID])},
    }


def _paths() -> dict[str, Any]:
    scope = {"name": "scope", "in": "query", "required": True,
             "schema": {"enum": ["submit", "upload", "receipt"]}}
    return {
        "/api/v1/openapi.json": {"get": _op(
            "openapi", "This document", {"200": _json({"type": "object"})})},
        "/api/v1/pow": {"get": _op(
            "powChallenge", "A proof-of-work challenge for one request",
            {"200": _json(_ref("Challenge")), **_errors(400)}, parameters=[scope])},
        **_upload_paths(),
        "/api/v1/submissions": {"post": _op(
            "submitReport", "Submit a sealed report envelope (SPEC §9 step 3)",
            {"201": _json(_obj({"report_id": {"type": "string"}}), "Created"),
             **_errors(400, 403, 409, 413, 422, 503)},
            requestBody=_body(_ref("Submission")))},
        "/api/v1/inbox": {"post": _op(
            "openInbox", "The reporter's inbox for a receipt's lookup id",
            {"200": _json(_ref("Inbox")), **_errors(400, 403, 404, 503)},
            requestBody=_body(_ref("InboxRequest")))},
        "/api/v1/inbox/events": {"post": _op(
            "addReporterEvent", "Add a signed, sealed reporter event (type 0x02)",
            {"201": _json(_obj({"seq": WHOLE}), "Created"),
             **_errors(400, 404, 409, 413, 422, 503)},
            requestBody=_body(_ref("ReporterEvent")))},
        "/api/v1/inbox/burn": {"post": _op(
            "burnReceipt", "Burn my receipt: a signed receipt_burned event (type 0x07); the "
            "receipt then opens nothing and answers like one that never existed (S6)",
            {"200": _json(_obj({"burned": {"const": True}})),
             **_errors(400, 404, 409, 413, 422, 503)},
            requestBody=_body(_ref("BurnRequest")))},
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Haven intake API", "version": "1.0.0",
                 "description": "Anonymous submission of end-to-end encrypted reports, "
                                "chunked attachment uploads and the reporter's inbox "
                                "(vault/SPEC.md §9). Requests that cost the server work "
                                "carry a proof of work from GET /api/v1/pow."},
        "components": {"schemas": SCHEMAS},
        "paths": _paths(),
    }


@cache
def document_bytes() -> bytes:
    """The served document: the same bytes for every visitor and every request."""
    return json.dumps(document(), sort_keys=True, separators=(",", ":")).encode()
