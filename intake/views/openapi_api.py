"""GET /api/v1/openapi.json: the intake API's OpenAPI document, the same bytes for everyone."""

from __future__ import annotations

from flask import Blueprint, Response

from intake.openapi import document_bytes

openapi_api = Blueprint("openapi_api", __name__, url_prefix="/api/v1")


@openapi_api.get("/openapi.json")
def openapi():
    return Response(document_bytes(), mimetype="application/json")
