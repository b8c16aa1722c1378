"""The intake's JSON API against its OpenAPI document (/api/v1/openapi.json).

Every /api/v1 route of the Flask app is described and nothing else; schemathesis (Python
API: ``from_wsgi`` and each operation's hypothesis strategy, a few examples each) calls every
operation with generated data: responses must match the document (status codes, content
types, JSON schemas) and never be 5xx. The app is a real instance built as the intake's
functional tests build it (keys, signed bundle, migrated vault database).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

_FUNCTIONAL_CONFTEST = Path(__file__).parents[2] / "functional" / "intake" / "conftest.py"

# Valid data the generator cannot make: a solved proof of work (upload start, submission),
# a Padmé-consistent ct_len/chunk_count pair, an envelope sealed to the published bundle,
# a reporter event signed with the receipt's key (a message, or the receipt_burned event).
# Generated bodies that fit the schema are still refused there (403/409/413/422), so
# "positive data accepted" cannot hold.
NOT_GENERABLE = {"/api/v1/uploads", "/api/v1/submissions", "/api/v1/inbox/events",
                 "/api/v1/inbox/burn"}


def _fixtures():
    """The functional tests' helpers (conftest modules are not importable by name)."""
    name = "intake_functional_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _FUNCTIONAL_CONFTEST)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def intake_openapi_app(tmp_path, database_url):
    from intake.app import create_app

    instance = _fixtures().build_instance(tmp_path, database_url)
    app = create_app(instance.config)
    assert "haven_intake" in app.extensions, "the test instance must not fail closed"
    app.config["HAVEN_TEST_INSTANCE"] = instance
    return app


def _documented(app) -> set[str]:
    served = app.test_client().get("/api/v1/openapi.json").get_json()
    return {f"{method.upper()} {path}" for path, operations in served["paths"].items()
            for method in operations}


def _flask_api_routes(app) -> set[str]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.replace("<int:index>", "{index}").replace("<token>", "{upload_id}")
        routes |= {f"{m} {path}" for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_api_route_is_documented_and_nothing_else(intake_openapi_app):
    documented = _documented(intake_openapi_app)
    assert documented == _flask_api_routes(intake_openapi_app)
    assert {"GET /api/v1/pow", "POST /api/v1/submissions", "POST /api/v1/inbox/events",
            "PUT /api/v1/uploads/{upload_id}/chunks/{index}"} <= documented


def test_document_is_identical_for_every_visitor_with_data_headers(intake_openapi_app):
    client = intake_openapi_app.test_client()
    first = client.get("/api/v1/openapi.json",
                       headers={"Accept-Language": "ar", "Host": "a.example"})
    second = client.get("/api/v1/openapi.json?lang=fr",
                        headers={"Host": "b.onion", "X-Forwarded-For": "192.0.2.7"})
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert first.mimetype == "application/json"
    assert first.json["openapi"] == "3.1.0"
    assert first.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "no-store" in first.headers["Cache-Control"]
    assert "Set-Cookie" not in first.headers


def test_api_conforms_to_its_openapi_document(intake_openapi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", intake_openapi_app)
    for operation in (result.ok() for result in schema.get_all_operations()):

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            excluded = [positive_data_acceptance] if case.path in NOT_GENERABLE else []
            case.call_and_validate(excluded_checks=excluded)

        check()


def test_real_successful_exchanges_match_the_document(intake_openapi_app):
    """What generated data cannot reach: a paid-for upload, a sealed submission, the inbox,
    a signed reporter event and a burned receipt, each answer validated against its
    operation."""
    import hashlib
    import os

    from nacl.public import PublicKey, SealedBox

    from vault.attachments import seal_attachment_bytes
    from vault.canonical import b64encode, canonical_json, utc_day
    from vault.events import ZERO_HASH
    from vault.seal import seal_reporter_event

    kit, instance = _fixtures(), intake_openapi_app.config["HAVEN_TEST_INSTANCE"]
    client = intake_openapi_app.test_client()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", intake_openapi_app)

    def checked(method: str, path: str, response, status: int):
        assert response.status_code == status, response.get_json()
        schema[path][method].validate_response(response)
        return response.get_json()

    checked("GET", "/api/v1/pow", client.get("/api/v1/pow?scope=upload"), 200)
    blob, entry = seal_attachment_bytes("photo.jpg", "image/jpeg", os.urandom(70_000))
    upload_id = kit.upload_blob(client, blob, entry)
    status = checked("GET", "/api/v1/uploads/{upload_id}",
                     client.get(f"/api/v1/uploads/{upload_id}"), 200)
    assert status == {"complete": True, "next_index": entry.chunk_count + 1}

    sealed, keys, _ = kit.sealed_report(instance, kit.MINIMAL_FIELDS, [entry])
    body = kit.submission_body(client, sealed.envelope, keys.lookup_id, [entry.blob_id])
    checked("POST", "/api/v1/submissions", client.post("/api/v1/submissions", json=body), 201)

    def open_inbox():
        pow_ = kit.solve_pow(client, "receipt", hashlib.sha256(keys.lookup_id).hexdigest())
        response = client.post("/api/v1/inbox",
                               json={"lookup_id": b64encode(keys.lookup_id), "pow": pow_})
        return checked("POST", "/api/v1/inbox", response, 200)

    assert open_inbox()["next_seq"] == 1
    event = seal_reporter_event(sealed.report_id, 1, ZERO_HASH, "message",
                                {"text": "more", "day": utc_day()},
                                bundle=kit.verified_bundle(instance), receipt_keys=keys,
                                day=utc_day())
    head = SealedBox(PublicKey(keys.reply_pk)).encrypt(
        canonical_json({"seq": 1, "event_hash": event.event_hash.hex()}))
    response = client.post("/api/v1/inbox/events", json={
        "lookup_id": b64encode(keys.lookup_id), "envelope": b64encode(event.envelope),
        "seq": 1, "head": b64encode(head)})
    assert checked("POST", "/api/v1/inbox/events", response, 201) == {"seq": 1}
    assert open_inbox()["head"] is not None

    burn = seal_reporter_event(sealed.report_id, 2, event.event_hash, "receipt_burned",
                               {"day": utc_day()}, bundle=kit.verified_bundle(instance),
                               receipt_keys=keys, day=utc_day())
    response = client.post("/api/v1/inbox/burn", json={
        "lookup_id": b64encode(keys.lookup_id), "envelope": b64encode(burn.envelope),
        "seq": 2})
    assert checked("POST", "/api/v1/inbox/burn", response, 200) == {"burned": True}
