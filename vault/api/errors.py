"""API errors: one JSON shape, ``{"error": {"code", "message"}}``, and one status per code.

Views raise ``ApiError`` or let a ``vault.errors.VaultError`` through; ``register`` maps
both to JSON. Unknown report ids answer like reports the caller may not see (``no_access``)
so the API does not reveal which reports exist.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from vault.errors import AccountLocked, VaultError

log = logging.getLogger("vault.api")

STATUS_BY_CODE = {
    "bad_request": 400,
    "bad_encoding": 400,
    "bad_signature": 400,
    "invalid_record": 400,
    "bad_kdf_params": 400,
    "weak_password": 400,
    # signed reviewer actions (S17, vault/api/action_check.py)
    "action_signature_missing": 400,
    "action_signature_malformed": 400,
    "action_mismatch": 400,
    "action_stale": 400,
    "action_signature_bad": 403,
    "action_key_not_yours": 403,
    "action_replayed": 403,
    "unauthenticated": 401,
    "invalid_credentials": 401,
    "forbidden": 403,
    "no_access": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "sequence_conflict": 409,
    "stale_bundle": 409,
    "key_state": 409,
    "report_not_active": 409,
    "too_large": 413,
    "unsupported_media_type": 415,
    "invalid_bundle": 422,
    "locked": 423,
    "rate_limited": 429,
    "quota_exceeded": 429,
    "unavailable": 503,
}

# Store errors whose own code would say more than the caller may know, or name the same
# condition differently.
_RENAMED = {
    "unknown_report": "no_access",
    "unknown_blob": "no_access",
    "event_conflict": "sequence_conflict",
    "duplicate_report": "conflict",
    # A sealed TOTP secret that does not open: keys/totp-wrap.key is not the one it was
    # sealed with (e.g. a database restored without it). A server fault, not the caller's.
    "totp_unreadable": "unavailable",
}


class ApiError(Exception):
    def __init__(self, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        if code not in STATUS_BY_CODE:
            raise ValueError(f"unknown API error code {code!r}")
        self.code = code
        self.message = message
        self.retry_after = retry_after

    @property
    def status(self) -> int:
        return STATUS_BY_CODE[self.code]


def from_vault_error(exc: VaultError) -> ApiError:
    code = _RENAMED.get(exc.code, exc.code)
    if code not in STATUS_BY_CODE:
        code = "bad_request"
    message = "not visible to this account" if code == "no_access" else str(exc)
    retry_after = exc.retry_after if isinstance(exc, AccountLocked) else None
    return ApiError(code, message, retry_after=retry_after)


def error_response(error: ApiError):
    body = {"error": {"code": error.code, "message": error.message}}
    if error.retry_after is not None:
        body["error"]["retry_after"] = error.retry_after
    response = jsonify(body)
    response.status_code = error.status
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


SERVER_ERROR = 500
_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
               413: "too_large", 415: "unsupported_media_type", 429: "rate_limited"}


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc)

    @app.errorhandler(VaultError)
    def _vault_error(exc: VaultError):
        return error_response(from_vault_error(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or SERVER_ERROR
        code = _HTTP_CODES.get(status)
        if code is None:
            code = "unavailable" if status >= SERVER_ERROR else "bad_request"
        retry = None
        if code == "rate_limited":
            retry = int(getattr(exc, "retry_after", 0) or 60)
        response = error_response(ApiError(code, exc.description or code, retry_after=retry))
        allowed = getattr(exc, "valid_methods", None)
        if allowed:  # RFC 9110: a 405 names the methods the resource supports
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # The type only: messages can carry request data.
        log.error("vault API failure: %s", type(exc).__name__)
        return error_response(ApiError("unavailable", "the vault is unavailable"))
