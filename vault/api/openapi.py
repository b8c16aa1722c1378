"""The OpenAPI 3.1 document of the vault API, served at ``/api/v1/openapi.json``.

Written as data next to the code; a contract test checks that every Flask route is
described here (and nothing else), and schemathesis checks the app against it.
"""

from __future__ import annotations

from typing import Any

from vault.action_signature import CLIENT_ACTIONS
from vault.action_signature import HEADER as ACTION_HEADER
from vault.api import authz

B64 = {"type": "string", "pattern": "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"}
B64_32 = {"type": "string", "pattern": "^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$"}
B64_16 = {"type": "string", "pattern": "^[A-Za-z0-9_-]{21}[AQgw]$"}
B64_64 = {"type": "string", "pattern": "^[A-Za-z0-9_-]{85}[AQgw]$"}
B64_SOME = {"type": "string", "minLength": 2,
            "pattern": "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"}
USERNAME = {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{1,63}$"}
PASSWORD = {"type": "string", "minLength": 12, "maxLength": 1024}
KIND = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"}
DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
UUID = {"type": "string", "format": "uuid"}
KEY_ID = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
NULLABLE_UUID = {"type": ["string", "null"], "format": "uuid"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None,
         *, closed: bool = True) -> dict[str, Any]:
    properties = {**required, **(optional or {})}
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "required": list(required)}
    if closed:
        schema["additionalProperties"] = False
    return schema


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _page(name: str, item: str) -> dict[str, Any]:
    return _obj({name: _list(_ref(item)), "next_cursor": {"type": ["string", "null"]}})


KEY = _obj({"key_id": KEY_ID, "x25519_pk_b64": B64, "ed25519_pk_b64": B64,
            "status": {"enum": ["pending", "active", "retired"]}, "created_day": DAY,
            "retired_day": {"type": ["string", "null"]}})
KDF = _obj({"alg": {"const": "argon2id13"}, "salt_b64": B64_16,
            "opslimit": {"type": "integer", "minimum": 2, "maximum": 4},
            "memlimit": {"type": "integer", "minimum": 67108864, "maximum": 1073741824}})
SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"code": {"type": "string"}, "message": {"type": "string"}},
                                {"retry_after": {"type": "integer"}})}),
    "Key": KEY,
    "KdfParams": KDF,
    "WrappedKey": {"allOf": [{**KEY, "additionalProperties": True}, _obj(
        {"wrapped_secret_key_b64": B64, "kdf": _ref("KdfParams")}, closed=False)]},
    "Account": _obj({
        "account_id": UUID, "username": {"type": "string"},
        "roles": _list({"enum": list(authz.ROLES)}), "on_duty": {"type": "boolean"},
        "status": {"enum": ["active", "offboarded"]}, "keys": _list(_ref("Key")),
        "created_day": DAY}),
    "Enrolment": _obj({
        "account": _ref("Account"),
        "totp": _obj({"secret": {"type": "string"}, "provisioning_uri": {"type": "string"},
                      "qr_svg": {"type": "string"}}),
        "recovery_codes": _list({"type": "string"})}),
    "ReportSummary": _obj({
        "report_id": UUID, "day": DAY, "bundle_serial": {"type": ["integer", "null"]},
        "state": {"enum": ["active", "withdrawn"]}, "event_count": {"type": "integer"},
        "blob_count": {"type": "integer"}, "access": _list({"enum": ["triage", "assigned"]}),
        "assignees": _list(UUID), "recipients": _list(KEY_ID),
        "replies_deleted": {"type": "integer", "minimum": 0},
        "last_reply_seq": {"type": "integer", "minimum": 0}}),
    "SignedGrant": _obj({"grant": _obj({
        "version": {"const": "haven-grant/1"}, "report_id": UUID,
        "header_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "key_id": KEY_ID,
        "sealed_key": B64, "granted_by": KEY_ID, "day": DAY}), "signature": B64_64}),
    "SignedBundle": _obj({"bundle": {"type": "object"}, "signature": B64_64,
                          "certificate": {"type": "object"}, "root_public_key": B64_32}),
    "Grant": _obj({
        "report_id": UUID, "key_id": KEY_ID, "account_id": NULLABLE_UUID,
        "reason": {"enum": ["triage", "assignment"]}, "day": {"type": ["string", "null"]},
        "record": {"oneOf": [_ref("SignedGrant"), {"type": "null"}]},
        "envelope": {"enum": ["report", "event"]},
        "header_hash": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"}}),
    "Event": _obj({
        "report_id": UUID, "direction": {"enum": ["from_reporter", "to_reporter"]},
        "author": {"enum": ["reporter", "reviewer"]}, "seq": {"type": "integer"},
        "sealed_b64": B64, "day": DAY}),
    "Blob": _obj({"blob_id": {"type": "string"}, "ct_len": {"type": "integer"}}),
    "Record": _obj({
        "record_id": UUID, "kind": {"type": "string"}, "report_id": NULLABLE_UUID,
        "case_id": NULLABLE_UUID, "author_key_id": KEY_ID, "author_account_id": UUID,
        "day": DAY, "recipients": _list(KEY_ID), "supersedes": NULLABLE_UUID,
        "ciphertext_b64": B64, "signature_b64": B64}),
    "AuditEntry": _obj({
        "seq": {"type": "integer"}, "day": DAY, "actor": {"type": ["string", "null"]},
        "action": {"type": "string"}, "target": {"type": ["string", "null"]},
        "entry_hash": {"type": "string"},
        "signed_by": {"type": ["string", "null"],
                      "description": "Key id of the reviewer signature the entry carries "
                                     "(S17); null when the action is token-authenticated"}}),
    "Alert": _obj({"alert_id": UUID, "day": DAY, "account_id": UUID,
                   "kind": {"enum": ["bulk_open", "bulk_export"]},
                   "count": {"type": "integer"}}),
}

_ERROR_STATUSES = {
    "400": "Malformed request (the message names the field)",
    "401": "No valid bearer token, or login refused",
    "403": "The role may not do this, or the item is not visible to this account",
    "404": "Unknown route or account",
    "409": "Conflict with the current state",
    "413": "Body too large",
    "415": "Not JSON",
    "422": "Bundle rejected",
    "423": "Account locked",
    "429": "Rate limit or daily decrypt quota",
    "503": "Misconfigured or unavailable (fail closed)",
}


def _responses(status: str, schema: dict[str, Any] | None, description: str) -> dict:
    ok: dict[str, Any] = {"description": description}
    if schema is not None:
        ok["content"] = {"application/json": {"schema": schema}}
    errors = {code: {"description": text,
                     "content": {"application/json": {"schema": _ref("Error")}}}
              for code, text in _ERROR_STATUSES.items()}
    return {status: ok, **errors}


def _op(action: str, summary: str, *, status: str = "200", response: Any = None,
        body: dict[str, Any] | None = None, params: list | None = None,
        raw: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": action.replace(".", "_"), "summary": summary,
                          "x-haven-action": action,
                          "x-haven-roles": sorted(authz.MATRIX[action])}
    op["responses"] = _responses(status, response, summary)
    if raw is not None:
        op["responses"][status] = {"description": summary, "content": {raw: {"schema": {
            "type": "string", "format": "binary"}}}}
    if not authz.is_public(action):
        op["security"] = [{"bearer": []}]
    if body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    return op


def _path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or UUID}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


PAGING = [_query("limit", {"type": "integer", "minimum": 1, "maximum": 200}),
          _query("cursor", {"type": "string", "pattern": "^([1-9][0-9]{0,5}~[0-9a-f-]{36})?$"})]
SEQ_PAGING = [_query("limit", {"type": "integer", "minimum": 1, "maximum": 200}),
              _query("cursor", {"type": "string", "pattern": "^[0-9]{0,9}$"})]
REPORT = [_path("report_id")]
# The reviewer's own signature on a key request or client-reported action (S17, API.md §5,
# vault/SPEC.md §14): b64(JCS(statement)) "." b64(Ed25519 signature).
ACTION_SIGNATURE = {
    "name": ACTION_HEADER, "in": "header", "required": True,
    "description": "b64url(JCS(statement)).b64url(signature), purpose haven-audit-action/1",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{40,900}\\.[A-Za-z0-9_-]{86}$"}}
ACCOUNT = [_path("account_id")]
TOKEN_ANSWER = _obj({"token": {"type": "string"}, "idle_timeout_seconds": {"type": "integer"},
                     "absolute_timeout_seconds": {"type": "integer"}},
                    {"account": _ref("Account"), "recovery_codes_left": {"type": "integer"}})
RECORD_BODY = _obj(
    {"record_id": UUID, "kind": KIND,
     "author_key_id": KEY_ID, "day": DAY,
     "recipients": {**_list(KEY_ID), "minItems": 1, "maxItems": 64, "uniqueItems": True},
     "ciphertext_b64": B64_SOME, "signature_b64": B64_64},
    {"report_id": NULLABLE_UUID, "case_id": NULLABLE_UUID, "supersedes": NULLABLE_UUID})
# Neither factor: only for an account still to enrol its TOTP (API.md §2).
LOGIN_BODY = {**_obj({"username": {"type": "string"}, "password": {"type": "string"}},
                    {"totp": {"type": "string", "pattern": "^[0-9]{6}$"},
                     "recovery_code": {"type": "string"}}),
              "not": {"required": ["totp", "recovery_code"]}}
ENROLMENT_NEEDED = _obj({"enrolment_required": {"const": True}, "totp": _obj({
    "secret": {"type": "string"}, "provisioning_uri": {"type": "string"},
    "qr_svg": {"type": "string"}})})
CODES = _obj({"recovery_codes": _list({"type": "string"})})
BUNDLE_EXPIRY = _obj({"state": {"enum": ["ok", "expiring", "expired", "invalid", "missing"]},
                      "serial": {"type": ["integer", "null"]},
                      "expires_at": {"type": ["string", "null"]},
                      "days_left": {"type": ["integer", "null"]}})


def _paths() -> dict[str, Any]:
    roles = _list({"enum": list(authz.ROLES)})
    return {
        "/api/v1/health": {"get": _op("health", "Liveness and key bundle expiry", response=_obj(
            {"status": {"const": "ok"}, "bundle": BUNDLE_EXPIRY}))},
        "/api/v1/openapi.json": {"get": _op("openapi", "This document",
                                            response={"type": "object"})},
        "/api/v1/organisation": {"get": _op("organisation.read", "The organisation pin",
                                            response={"type": "object"})},
        "/api/v1/bundle": {
            "get": _op("bundle.read", "The signed key bundle", response={"type": "object"}),
            "put": _op("bundle.publish", "Publish a bundle signed offline",
                       body=_ref("SignedBundle"), response=_obj({
                           "serial": {"type": "integer"}, "activated": _list(KEY_ID),
                           "retired": _list(KEY_ID)}))},
        "/api/v1/bundles": {"get": _op(
            "bundles.list", "Published bundles, newest first",
            params=[_query("sha256", {"type": "string", "pattern": "^[0-9a-f]{64}$"})],
            response=_obj({"bundles": _list(_obj({
                "serial": {"type": "integer"}, "sha256": {"type": "string",
                                                          "pattern": "^[0-9a-f]{64}$"},
                "day": DAY}))}))},
        "/api/v1/bundles/{serial}": {"get": _op(
            "bundles.read", "One earlier signed bundle, as published",
            params=[_path("serial", {"type": "integer", "minimum": 1})],
            response={"type": "object"})},
        "/api/v1/bundle/draft": {"get": _op("bundle.draft", "Unsigned next bundle",
                                            response=_obj({"payload": {"type": "object"}}))},
        "/api/v1/auth/login": {"post": _op("auth.login", "Log in (or start TOTP enrolment)",
                                           response={"oneOf": [TOKEN_ANSWER,
                                                               ENROLMENT_NEEDED]},
                                           body=LOGIN_BODY)},
        "/api/v1/auth/logout": {"post": _op("auth.logout", "Revoke this token",
                                            status="204")},
        "/api/v1/auth/rotate": {"post": _op("auth.rotate", "New token, old one revoked",
                                            response=TOKEN_ANSWER)},
        "/api/v1/me": {"get": _op("me.read", "My account", response=_ref("Account"))},
        "/api/v1/me/keys": {
            "get": _op("me.keys.read", "My wrapped keys",
                       response=_obj({"keys": _list(_ref("WrappedKey"))})),
            "post": _op("me.keys.register", "Register a keypair", status="201",
                        response=_ref("Key"), body=_obj({
                            "key_id": KEY_ID, "x25519_pk_b64": B64_32, "ed25519_pk_b64": B64_32,
                            "wrapped_secret_key_b64": {"type": "string", "pattern":
                                                       "^[A-Za-z0-9_-]{138}[AEIMQUYcgkosw048]$"},
                            "kdf": _ref("KdfParams")}))},
        "/api/v1/me/password": {"post": _op("me.password", "Change my password",
                                            status="204", body=_obj({
                                                "current_password": {"type": "string"},
                                                "new_password": PASSWORD}))},
        "/api/v1/me/recovery-codes": {"post": _op(
            "me.recovery_codes", "New recovery codes", response=CODES,
            body=_obj({"password": {"type": "string"}}))},
        "/api/v1/reviewers": {"get": _op("reviewers.list", "Reviewer directory", response=_obj(
            {"reviewers": _list(_obj({"account_id": UUID, "username": {"type": "string"},
                                      "roles": roles, "on_duty": {"type": "boolean"},
                                      "key_ids": _list(KEY_ID)}))}))},
        **_report_paths(),
        **_record_paths(),
        **_admin_paths(roles),
    }


def _report_paths() -> dict[str, Any]:
    base = "/api/v1/reports"
    return {
        base: {"get": _op("reports.list", "Visible reports", params=PAGING,
                          response=_page("reports", "ReportSummary"))},
        base + "/{report_id}": {"get": _op("reports.read", "One report's ciphertext",
                                           params=REPORT, response=_obj({
                                               "report": _ref("ReportSummary"),
                                               "envelope_b64": B64,
                                               "grants": _list(_ref("Grant")),
                                               "events": _list(_ref("Event")),
                                               "blobs": _list(_ref("Blob"))}))},
        base + "/{report_id}/stanza": {"get": _op(
            "reports.stanza", "My stanza (audited, signed decrypt request)",
            params=[*REPORT, ACTION_SIGNATURE], response=_obj({
                "report_id": UUID, "key_id": KEY_ID, "stanza_b64": B64,
                "grant": {"oneOf": [_ref("SignedGrant"), {"type": "null"}]},
                "event_grants": _list(_ref("SignedGrant"))}))},
        base + "/{report_id}/events": {
            "get": _op("reports.events.read", "Events of both chains", params=[
                *REPORT, _query("direction", {"enum": ["from_reporter", "to_reporter"]}),
                _query("after_seq", {"type": "integer", "minimum": 0})],
                response=_obj({"events": _list(_ref("Event"))})),
            "post": _op("reports.events.write", "Post a sealed reviewer event",
                        status="201", params=REPORT, response=_ref("Event"), body=_obj({
                            "kind": {"enum": ["reply", "status", "ack", "withdrawal_ack"]},
                            "seq": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                            "sealed_b64": B64_SOME}))},
        base + "/{report_id}/blobs/{blob_id}": {"get": _op(
            "reports.blob", "Stream an encrypted blob",
            params=[*REPORT, _path("blob_id", {"type": "string"})],
            raw="application/octet-stream")},
        base + "/{report_id}/grants": {"post": _op(
            "grants.assign", "Assign: store a signed grant (report or reporter event envelope)",
            status="201", params=REPORT,
            body=_ref("SignedGrant"), response=_ref("Grant"))},
        base + "/{report_id}/reseal": {"post": _op(
            "reports.reseal", "Key epoch: replace the envelopes with ones re-sealed to the "
            "current bundle", params=REPORT, body=_obj({
                "envelope_b64": B64_SOME, "events": {**_list(_obj(
                    {"seq": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                     "sealed_b64": B64_SOME})), "maxItems": 10000}}),
            response=_obj({"report_id": UUID, "bundle_serial": {"type": "integer"},
                           "stanzas": {"type": "integer"}, "events": {"type": "integer"},
                           "grants_dropped": {"type": "integer"}}))},
        base + "/{report_id}/grants/{key_id}": {"delete": _op(
            "grants.revoke", "Revoke: delete the stanza", status="204",
            params=[*REPORT, _path("key_id", KEY_ID)])},
    }


def _record_paths() -> dict[str, Any]:
    return {
        "/api/v1/records": {
            "get": _op("records.list", "Records sealed to me", params=[
                *PAGING, _query("report_id", UUID), _query("case_id", UUID),
                _query("kind", KIND)], response=_page("records", "Record")),
            "post": _op("records.write", "Store a sealed, signed record", status="201",
                        body=RECORD_BODY, response=_ref("Record"))},
        "/api/v1/records/{record_id}": {"get": _op(
            "records.read", "One record", params=[_path("record_id")], response=_ref("Record"))},
        "/api/v1/audit": {
            "post": _op("audit.report", "Report a reviewer-app action (signed)",
                        status="201", response=_ref("AuditEntry"), params=[ACTION_SIGNATURE],
                        body=_obj({"action": {"enum": list(CLIENT_ACTIONS)}},
                                  {"report_id": NULLABLE_UUID})),
            "get": _op("audit.list", "Audit entries, oldest first", params=SEQ_PAGING,
                       response=_page("entries", "AuditEntry"))},
        "/api/v1/audit/verify": {"get": _op("audit.verify", "Verify the hash chain",
                                            response=_obj({
                                                "ok": {"type": "boolean"},
                                                "entries": {"type": "integer"},
                                                "head": {"type": "string"},
                                                "error": {"type": ["string", "null"]}}))},
    }


def _admin_paths(roles: dict[str, Any]) -> dict[str, Any]:
    account_answer = _obj({"account": _ref("Account"),
                           "bundle_republish_required": {"type": "boolean"}})
    return {
        "/api/v1/accounts": {
            "get": _op("accounts.list", "All accounts",
                       response=_obj({"accounts": _list(_ref("Account"))})),
            "post": _op("accounts.create", "Create an account", status="201",
                        response=_ref("Enrolment"), body=_obj({
                            "username": USERNAME, "roles": {**roles, "minItems": 1},
                            "password": PASSWORD}))},
        "/api/v1/accounts/{account_id}": {
            "get": _op("accounts.read", "One account", params=ACCOUNT,
                       response=_ref("Account")),
            "patch": _op("accounts.roles", "Change roles", params=ACCOUNT,
                         body=_obj({"roles": {**roles, "minItems": 1}}),
                         response=_ref("Account"))},
        "/api/v1/accounts/{account_id}/reset-totp": {"post": _op(
            "accounts.reset_totp", "New TOTP secret and codes", params=ACCOUNT,
            response=_ref("Enrolment"))},
        "/api/v1/accounts/{account_id}/unlock": {"post": _op(
            "accounts.unlock", "Clear a lockout", status="204", params=ACCOUNT)},
        "/api/v1/accounts/{account_id}/offboard": {"post": _op(
            "accounts.offboard", "Offboard (S6)", params=ACCOUNT, response=account_answer)},
        "/api/v1/triage": {
            "get": _op("triage.read", "On-duty triage set",
                       response=_obj({"members": _list(UUID)})),
            "put": _op("triage.write", "Replace the triage set",
                       body=_obj({"members": _list(UUID)}),
                       response=_obj({"members": _list(UUID),
                                      "bundle_republish_required": {"type": "boolean"}}))},
        "/api/v1/alerts": {"get": _op("alerts.list", "Bulk-open alerts", params=PAGING,
                                      response=_page("alerts", "Alert"))},
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Haven vault API", "version": "1",
                 "description": "Ciphertext, wrapped keys and signed reviewer records for "
                                "authenticated reviewers. See vault/api/API.md."},
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
