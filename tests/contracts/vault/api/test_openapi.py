"""The vault API against its OpenAPI 3.1 document: every route documented (and nothing
else), and schemathesis-generated requests answered as the document says (bounded)."""

from __future__ import annotations

import re
import threading
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from werkzeug.serving import make_server

from vault import reviewer_store
from vault.api import authz
from vault.api.app import create_app
from vault.api.credentials import issue_token
from vault.api.openapi import document
from vault.api.testkit import add_report, build_api_instance
from vault.db import transaction


@pytest.fixture(scope="module")
def vapi_contract_instance(tmp_path_factory):
    directory = tmp_path_factory.mktemp("vault-api-contract")
    instance = build_api_instance(directory, f"sqlite:///{directory / 'vault.db'}",
                                  api_settings={"login_rate_limit": "1000/minute"})
    add_report(instance, files=(("a.pdf", "application/pdf", b"%PDF-1.4 test"),))
    with transaction(instance.sessions()) as session:
        # One account that every action allows, so generated requests reach the views.
        reviewer_store.set_roles(session, instance.people["coord"].account_id,
                                 ["coordinator", "admin"])
    return instance


@pytest.fixture(scope="module")
def vapi_contract_app(vapi_contract_instance):
    return create_app(vapi_contract_instance.config)


@pytest.fixture(scope="module")
def vapi_contract_url(vapi_contract_app):
    """The app on a loopback port for the whole module (schemathesis sends real HTTP)."""
    server = make_server("127.0.0.1", 0, vapi_contract_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_every_flask_route_is_documented_and_nothing_else(vapi_contract_app):
    documented = {(path, method.upper()) for path, ops in document()["paths"].items()
                  for method in ops}
    served = set()
    for rule in vapi_contract_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def test_documented_roles_follow_the_matrix():
    for ops in document()["paths"].values():
        for op in ops.values():
            action = op["x-haven-action"]
            assert op["x-haven-roles"] == sorted(authz.MATRIX[action])
            assert ("security" in op) != authz.is_public(action)


# ... and a schema cannot describe a re-sealed envelope either (reports.reseal).
# Nor the reviewer's signature on a key request or client action (Haven-Action-Signature).
SIGNED_BODIES = {"bundle.publish", "grants.assign", "records.write", "me.keys.register",
                 "reports.reseal", "reports.stanza", "audit.report"}


def test_api_answers_as_documented(vapi_contract_instance, vapi_contract_url):
    """Every operation, a few generated requests each. One test that walks the operations
    (as the case base's contract test does): schemathesis' own parametrisation gives every
    operation the same node id, which pytest-xdist cannot tell apart."""
    schema = schemathesis.openapi.from_dict(document())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in document()["paths"].values())
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=4, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            _call_and_validate(case, vapi_contract_instance, vapi_contract_url)

        check()


def _call_and_validate(case, instance, base_url: str) -> None:
    with transaction(instance.sessions()) as session:
        token = issue_token(session, instance.people["coord"].account_id, int(time.time()))
    excluded = []
    if case.operation.definition.raw.get("x-haven-action") in SIGNED_BODIES:
        # A schema cannot describe a valid signature or a key id derived from keys: bodies
        # that satisfy the schema are still refused, rightly (covered by functional tests).
        excluded.append(checks.positive_data_acceptance)
    case.call_and_validate(base_url=base_url, excluded_checks=excluded,
                           headers={"Authorization": f"Bearer {token}"})
