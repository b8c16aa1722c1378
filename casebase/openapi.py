"""The OpenAPI 3.1 document of the case base API (served at /api/v1/openapi.json)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from casebase.countries import COUNTRY_CODES
from casebase.search import CATEGORY_FILTERS, COLUMN_FILTERS, SORTS, TERM_FILTERS
from casebase.validation import package_schema
from haven.taxonomy import load_taxonomy

_ERROR = {"$ref": "#/components/schemas/Error"}
_DAY = {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}


def _ids(vocabulary: str) -> list[str]:
    return list(load_taxonomy().ids(vocabulary))


def _nullable(vocabulary: str) -> dict[str, Any]:
    return {"type": ["string", "null"], "enum": [*_ids(vocabulary), None]}


def _error_responses(*codes: int) -> dict[str, Any]:
    text = {400: "Bad parameter", 401: "Invalid or missing token", 403: "Untrusted key",
            404: "Unknown or withdrawn case (same answer for both)", 409: "Version conflict",
            413: "Too large", 422: "Invalid package"}
    return {str(c): {"description": text[c],
                     "content": {"application/json": {"schema": _ERROR}}} for c in codes}


def _case_schema() -> dict[str, Any]:
    event = {"type": "object", "required": ["date", "event", "source", "org_id"], "properties": {
        "date": {"type": "string"}, "event": {"enum": _ids("follow_up_events")},
        "stance": _nullable("government_stances"), "note": {"type": "string"},
        "source": {"enum": ["release", "partner"]}, "org_id": {"type": "string"}}}
    terms = {v: {"type": "array", "items": {"enum": _ids(v)}}
             for v in ("acts", "act_categories", "perpetrators", "mechanisms")}
    flags = {f: {"type": "boolean"} for f in ("anonymity_requested", "named", "detained",
                                              "surveillance", "restrictive_law")}
    properties = {
        "record_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
        "org_id": {"type": "string"}, "version": {"type": "integer", "minimum": 1},
        "tier": {"enum": ["public", "partner"]}, "kind": {"enum": _ids("record_kinds")},
        "title": {"type": "string"}, "name": {"type": ["string", "null"]},
        "country": {"enum": list(COUNTRY_CODES)}, "region": {"type": "string"},
        "year": {"type": "integer"}, "year_to": {"type": ["integer", "null"]},
        "gender": _nullable("genders"), "role": _nullable("roles"), **terms,
        "engagement": {"enum": _ids("engagement")},
        "verification": {"enum": _ids("verification_status")}, **flags,
        "narrative": {"type": "string"}, "un_actors": {"type": "array",
                                                       "items": {"type": "string"}},
        "follow_up": {"type": "array", "items": event},
        "outcome": {"enum": _ids("case_outcomes")},
        "sg_citations": {"type": "array", "items": {"type": "object"}},
        # Released images without their bytes: GET /cases/{record_id}/attachments/{sha256}.
        "attachments": {"type": "array", "items": {
            "type": "object", "required": ["sha256", "media_type", "size", "caption"],
            "properties": {"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                           "media_type": {"enum": ["image/png", "image/jpeg"]},
                           "size": {"type": "integer", "minimum": 1},
                           "caption": {"type": ["string", "null"]}}}},
        "last_activity": {"type": "string"}, "released_on": _DAY,
    }
    return {"type": "object", "required": list(properties), "properties": properties}


def _list_parameters() -> list[dict[str, Any]]:
    def array(name: str, items: dict[str, Any], text: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": text,
                "style": "form", "explode": True,
                "schema": {"type": "array", "items": items, "maxItems": 10}}

    params = [
        {"name": "q", "in": "query", "required": False, "description": "Full-text search",
         "schema": {"type": "string", "maxLength": 200}},
        array("country", {"enum": list(COUNTRY_CODES)}, "ISO 3166-1 alpha-2"),
        array("year", {"type": "integer", "minimum": 1990, "maximum": 2100}, "Year"),
        array("org", {"type": "string", "pattern": "^[a-z0-9-]{3,64}$"}, "Organisation"),
    ]
    for name, vocabulary in {**COLUMN_FILTERS, **TERM_FILTERS, **CATEGORY_FILTERS}.items():
        params.append(array(name, {"enum": _ids(vocabulary)}, f"Filter by {vocabulary}"))
    params += [
        {"name": "stale", "in": "query", "required": False,
         "description": "Only cases without follow-up for this many months",
         "schema": {"type": "integer", "minimum": 1, "maximum": 240}},
        {"name": "sort", "in": "query", "required": False, "schema": {"enum": list(SORTS)}},
        {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    ]
    return params


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _package_schemas() -> dict[str, Any]:
    """casebase/schema/release-package.json as components (its $defs renamed Package_*)."""
    text = json.dumps(package_schema())
    text = text.replace('"#/$defs/', '"#/components/schemas/Package_')
    document = json.loads(text)
    schemas = {f"Package_{name}": value for name, value in document.pop("$defs").items()}
    document.pop("$schema", None)
    document.pop("$id", None)
    schemas["Package"] = document
    return schemas


def _paths() -> dict[str, Any]:
    case_list = {"type": "object",
                 "required": ["snapshot_date", "tier", "total", "page", "per_page", "cases"],
                 "properties": {"snapshot_date": _DAY, "tier": {"enum": ["public", "partner"]},
                                "total": {"type": "integer", "minimum": 0},
                                "page": {"type": "integer"}, "per_page": {"type": "integer"},
                                "pages": {"type": "integer"},
                                "cases": {"type": "array",
                                          "items": {"$ref": "#/components/schemas/Case"}}}}
    record_id = {"name": "record_id", "in": "path", "required": True,
                 "schema": {"type": "string"}}
    ingest_result = {"type": "object", "required": ["outcome", "record_id", "state"],
                     "properties": {"outcome": {"enum": ["created", "updated", "repeat",
                                                         "withdrawn"]},
                                    "record_id": {"type": "string"},
                                    "state": {"enum": ["pending", "published", "quarantined",
                                                       "withdrawn"]}}}
    return {
            "/api/v1/cases": {"get": {
                "operationId": "listCases", "summary": "Search and filter cases",
                "parameters": _list_parameters(),
                "responses": {"200": _json(case_list), **_error_responses(400, 401)}}},
            "/api/v1/cases/{record_id}": {"get": {
                "operationId": "getCase", "summary": "One case with its follow-up timeline",
                "parameters": [record_id],
                "responses": {"200": _json({"$ref": "#/components/schemas/Case"}),
                              **_error_responses(401, 404)}}},
            "/api/v1/stats": {"get": {
                "operationId": "getStats", "summary": "Latest suppressed statistics snapshot",
                "responses": {"200": _json({"type": "object",
                                            "required": ["snapshot_day", "tier", "tables"]}),
                              **_error_responses(401)}}},
            "/api/v1/tombstones": {"get": {
                "operationId": "getTombstones", "summary": "Signed feed of withdrawn records",
                "parameters": [{"name": "since", "in": "query", "required": False,
                                "schema": _DAY}],
                "responses": {"200": _json({"type": "object", "required": [
                    "since", "generated", "tombstones", "pk", "signature"]}),
                    **_error_responses(400, 401)}}},
            "/api/v1/cases/{record_id}/follow-up": {"post": {
                "operationId": "addFollowUp",
                "summary": "Add a follow-up event signed by the partner's organisation",
                "security": [{"partnerToken": []}],
                "parameters": [record_id],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"type": "object", "required": ["event", "pk", "signature"],
                               "properties": {"event": {"type": "object"},
                                              "pk": {"type": "string"},
                                              "signature": {"type": "string"}}}}}},
                "responses": {"201": _json({"type": "object", "required": [
                    "record_id", "date", "event", "source"]}, "Added"),
                    **_error_responses(400, 401, 403, 404, 413, 422)}}},
            "/api/v1/anonymity": {"post": {
                "operationId": "anonymityCounts",
                "summary": "k-anonymity and act-category counts for the release gate",
                "security": [{"partnerToken": []}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"type": "object",
                               "required": ["qi", "recode"],
                               "properties": {"qi": {"type": "object"},
                                              "recode": {"type": "object"},
                                              "exclude_record_id": {
                                                  "type": ["string", "null"]}}}}}},
                "responses": {"200": _json({"type": "object",
                                            "required": ["snapshot", "classes"]}),
                              **_error_responses(400, 401, 403, 413)}}},
            "/api/v1/ingest": {"post": {
                "operationId": "ingestPackage",
                "summary": "Ingest a signed release package or tombstone",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Package"}}}},
                "responses": {"201": _json(ingest_result, "Created"),
                              "200": _json(ingest_result, "Repeat, update or withdrawal"),
                              **_error_responses(400, 401, 403, 409, 413, 422)}}},
        }


@cache
def openapi_document(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Haven case base API", "version": "1.0.0",
                 "description": "Read-only access to released, anonymized reprisal cases, "
                                "statistics snapshots and the signed tombstone feed; ingest "
                                "of signed release packages (casebase/SCHEMA.md)."},
        "servers": [{"url": base_url}],
        "components": {
            "securitySchemes": {"partnerToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"],
                          "properties": {"error": {"type": "string"},
                                         "message": {"type": "string"}}},
                "Case": _case_schema(),
                **_package_schemas(),
            },
        },
        "security": [{}, {"partnerToken": []}],
        "paths": _paths(),
    }
