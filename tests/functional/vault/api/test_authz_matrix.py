"""Walk every route of the vault API for every role and for an anonymous client, and
check the answer against ``vault.api.authz.MATRIX`` — the one place the rules live."""

from __future__ import annotations

import time
import uuid

import pytest

from vault.api import authz
from vault.api.credentials import issue_token
from vault.api.testkit import add_report
from vault.db import transaction

WALKERS = {"anonymous": None, "verifier": "vera", "coordinator": "coord", "admin": "ada"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, app.view_functions[rule.endpoint]


def _url(rule, values):
    return rule.rule.replace("<", "{").replace(">", "}").format(**values)


def test_every_route_has_an_action_and_every_action_a_route(vapi_app):
    used = set()
    for rule, _method, view in _routes(vapi_app):
        action = getattr(view, "haven_action", None)
        assert action in authz.MATRIX, f"{rule.rule} has no authorisation rule"
        used.add(action)
    assert used == set(authz.MATRIX)


@pytest.mark.parametrize("role", list(WALKERS))
def test_every_route_for_every_role(vapi_app, vapi_client, vapi_instance, role):
    people = vapi_instance.people
    values = {"report_id": add_report(vapi_instance), "account_id": people["otto"].account_id,
              "key_id": people["otto"].key_id, "blob_id": "0" * 64,
              "record_id": str(uuid.uuid4()), "serial": 1}
    name = WALKERS[role]
    checked = 0
    for rule, method, view in _routes(vapi_app):
        headers = {}
        if name is not None:
            with transaction(vapi_instance.sessions()) as session:
                token = issue_token(session, people[name].account_id, int(time.time()))
            headers["Authorization"] = f"Bearer {token}"
        answer = vapi_client.open(_url(rule, values), method=method, headers=headers,
                                  json={} if method in {"POST", "PUT", "PATCH"} else None)
        error = (answer.get_json(silent=True) or {}).get("error")
        code = error.get("code") if isinstance(error, dict) else None
        action = view.haven_action
        where = f"{role} {method} {rule.rule} -> {answer.status_code} {code}"
        if authz.is_public(action) or (name and authz.allowed(action, people[name].roles)):
            assert answer.status_code != 401, where
            assert code != "forbidden", where
        elif name is None:
            assert answer.status_code == 401, where
            assert code == "unauthenticated", where
        else:
            assert answer.status_code == 403, where
            assert code == "forbidden", where
        checked += 1
    assert checked == len(authz.MATRIX)  # one route per action
