"""Validation of release packages: the JSON Schema, then the semantic rules of SCHEMA.md."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from casebase.errors import InvalidPackage

MAX_PACKAGE_BYTES = 256 * 1024  # without attachments; the configured cap adds theirs


@cache
def package_schema() -> dict[str, Any]:
    text = resources.files("casebase").joinpath("schema/release-package.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(definition: str | None = None) -> Any:
    """The whole schema, or one of its $defs (so errors point inside the right branch)."""
    schema = package_schema()
    if definition is not None:
        schema = {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    return jsonschema_rs.Draft202012Validator(schema)


def _first_error(validator: Any, instance: Any, prefix: str) -> None:
    errors = list(validator.iter_errors(instance))
    if errors:
        first = max(errors, key=lambda e: len(e.instance_path))
        where = "/".join([prefix, *(str(p) for p in first.instance_path)]).strip("/")
        raise InvalidPackage(f"schema: at {where or '(root)'}: {first.message}"[:300])


def parse_package(raw: bytes | str, max_bytes: int = MAX_PACKAGE_BYTES) -> dict[str, Any]:
    """Decode a signed package from bytes; 422 on anything that is not a JSON object."""
    if len(raw) > max_bytes:
        raise InvalidPackage(f"package larger than {max_bytes} bytes")
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidPackage(f"package is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InvalidPackage("package must be a JSON object")
    return value


def validate_package(signed: dict[str, Any], today: str) -> dict[str, Any]:
    """Schema and semantic checks; return the body. ``today`` is the UTC day."""
    body = signed.get("package")
    kind = body.get("type") if isinstance(body, dict) else None
    if kind in ("release", "tombstone"):
        _first_error(_validator(kind), body, "package")
    _first_error(_validator(), signed, "")
    body = signed["package"]
    if body["issued_at"] > today:
        raise InvalidPackage("issued_at is in the future", "issued_in_future")
    if body["type"] == "release":
        _check_release(body, today)
    return body


def _check_release(body: dict[str, Any], today: str) -> None:
    record = body["record"]
    scopes = set(body["consent_snapshot"]["scopes"])
    if not scopes & {"casebase_anonymized", "casebase_named"}:
        raise InvalidPackage("consent snapshot has no case base scope", "consent_missing")
    if record["named"] and "casebase_named" not in scopes:
        raise InvalidPackage("named record without casebase_named consent", "named_without_consent")
    if record["named"] != bool(record.get("name")):
        raise InvalidPackage("a name is given exactly when named is true", "name_without_named")
    year_to = record.get("year_to")
    if year_to is not None and not record["year"] < year_to <= record["year"] + 1:
        raise InvalidPackage("year_to must be year + 1 (two-year band)", "bad_year_band")
    if str(record["year"]) > today[:4]:
        raise InvalidPackage("year is in the future", "bad_year_band")
    for event in record["follow_up"]:
        if event["date"] > today[: len(event["date"])]:
            raise InvalidPackage("follow-up event dated in the future", "follow_up_in_future")
