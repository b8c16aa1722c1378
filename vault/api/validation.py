"""Request parsing: JSON bodies with exactly the expected fields, base64url, paging.

Every failure is an ``ApiError("bad_request" | "bad_encoding", message naming the field)``,
so a client always learns which part of its request was wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from flask import request

from vault.api.errors import ApiError
from vault.canonical import b64decode
from vault.errors import BadEncoding

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false",
               list: "a list", dict: "an object"}


def json_body(required: dict[str, type], optional: dict[str, type] | None = None
              ) -> dict[str, Any]:
    """The request's JSON object, checked field by field; unknown fields are refused."""
    optional = optional or {}
    if not request.is_json:
        raise ApiError("unsupported_media_type", "send Content-Type: application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError("bad_request", "the body must be a JSON object")
    unknown = sorted(set(body) - set(required) - set(optional))
    if unknown:
        raise ApiError("bad_request", f"unknown field {unknown[0]!r}")
    for name, kind in required.items():
        if name not in body:
            raise ApiError("bad_request", f"missing field {name!r}")
        body[name] = _check_type(name, body[name], kind)
    for name, kind in optional.items():
        if body.get(name) is not None:
            body[name] = _check_type(name, body[name], kind)
    return body


def _check_type(name: str, value: Any, kind: type) -> Any:
    # JSON has one number type: 3.0 is the whole number 3 (JSON Schema agrees).
    if kind is int and isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ApiError("bad_request", f"{name!r} must be {_TYPE_NAMES.get(kind, kind.__name__)}")
    return value


def raw_json_object() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError("unsupported_media_type", "send Content-Type: application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError("bad_request", "the body must be a JSON object")
    return body


def b64_field(body: dict[str, Any], name: str, *, length: int | None = None,
              max_length: int | None = None) -> bytes:
    try:
        value = b64decode(body[name])
    except BadEncoding:
        raise ApiError("bad_encoding", f"{name!r} must be unpadded base64url") from None
    if length is not None and len(value) != length:
        raise ApiError("bad_encoding", f"{name!r} must decode to {length} bytes")
    if max_length is not None and len(value) > max_length:
        raise ApiError("too_large", f"{name!r} is over {max_length} bytes")
    return value


def string_list(body: dict[str, Any], name: str) -> list[str]:
    values = body[name]
    if not all(isinstance(v, str) for v in values):
        raise ApiError("bad_request", f"{name!r} must list strings")
    return values


def check_uuid(value: str, name: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise ApiError("bad_request", f"{name} must be a UUID") from None
    if str(parsed) != value:
        raise ApiError("bad_request", f"{name} must be a lower-case hyphenated UUID")
    return value


def limit_arg() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError("bad_request", f"limit must be 1..{MAX_LIMIT}")
    return int(raw)


def int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 9:  # noqa: PLR2004 - keeps it inside a 32-bit int
        raise ApiError("bad_request", f"{name} must be a whole number >= 0")
    return int(raw)


# A keyset position: the day's ordinal and the last id seen. Any value of this shape is a
# valid position (ids sort as text), so clients may treat it as opaque.
CURSOR_PATTERN = re.compile(r"^([1-9][0-9]{0,5})~([0-9a-f-]{36})$")


def encode_cursor(day: dt.date, item_id: str) -> str:
    return f"{day.toordinal()}~{item_id}"


def cursor_arg() -> tuple[dt.date, str] | None:
    raw = request.args.get("cursor")
    if raw is None or raw == "":
        return None
    match = CURSOR_PATTERN.match(raw)
    if match is None:
        raise ApiError("bad_request", "cursor is not one this API issued")
    return dt.date.fromordinal(int(match.group(1))), match.group(2)


def page_cursor(rows: list, limit: int, key) -> str | None:
    """The next cursor when the page is full (there may be more), else None."""
    if len(rows) < limit:
        return None
    day, item_id = key(rows[-1])
    return encode_cursor(day, item_id)
