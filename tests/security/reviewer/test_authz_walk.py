"""Every route of the reviewer app × every role, against the real vault API: what the
matrix in reviewer/authz.py refuses is a 403 (or the sign-in page for anonymous users),
and what it allows is never a 403 nor a server error."""

from __future__ import annotations

import re
import uuid

import pytest

from reviewer import authz

ROLES = {"anonymous": None, "verifier": "vera", "coordinator": "coord", "admin": "ada"}
LAST = ("keys.lock", "auth.logout")  # lock the key, end the session: walked last


def _url(rule, report_id: str, blob_id: str, case_id: str, account_id: str) -> str:
    values = {"report_id": report_id, "blob_id": blob_id, "case_id": case_id,
              "account_id": account_id, "filename": "reviewer.css"}
    path = rule.rule
    for name in rule.arguments:
        value = values.get(name) or _any_value(rule, name)
        path = re.sub(rf"<(?:[^:>]+:)?{name}(?:\([^)]*\))?>", value, path)
    return path


def _any_value(rule, name: str) -> str:
    """Routes other parts add (UN workflow, release): a well-formed value of the right kind."""
    from werkzeug.routing import UUIDConverter

    if isinstance(rule._converters.get(name), UUIDConverter):
        return str(uuid.uuid4())
    return "BH"


def _routes(app):
    rules = list(app.url_map.iter_rules())
    rules.sort(key=lambda r: LAST.index(r.endpoint) + 1 if r.endpoint in LAST else 0)
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.mark.parametrize("role", list(ROLES))
def test_every_route_for_every_role(rv, role):
    report = rv.submit(files=(("a.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),))
    blob_id = next(iter(_blob_ids(rv, report.report_id)))
    username = ROLES[role]
    driver = rv.driver(username, unlock=role in ("verifier", "coordinator"))
    roles = [] if username is None else list(rv.instance.people[username].roles)
    account_id = rv.instance.people["otto"].account_id
    walked = 0
    for rule, method in _routes(rv.app):
        path = _url(rule, report.report_id, blob_id, str(uuid.uuid4()), account_id)
        if method == "GET":
            response = driver.client.get(path)
        else:
            response = driver.client.post(path, data={"csrf_token": _token(driver)})
        allowed = authz.allowed(roles, authz.required_action(rule.endpoint))
        label = f"{role} {method} {rule.rule} -> {response.status_code}"
        assert response.status_code < 500, label
        if allowed:
            assert response.status_code != 403 or _refused_by_vault(response), label
        elif username is None:
            assert response.status_code == 302, label
            assert response.headers["Location"].endswith("/login"), label
        else:
            assert response.status_code == 403, label
        walked += 1
    assert walked >= len(authz.ENDPOINTS)


def _refused_by_vault(response) -> bool:
    """An allowed route may still meet the API's own refusal (not shared with this key)."""
    return "Not shared with you" in response.get_data(as_text=True)


def _token(driver) -> str:
    try:
        return driver.csrf("/login")
    except AssertionError:
        return ""


def _blob_ids(rv, report_id):
    from vault import store
    from vault.db import transaction

    with transaction(rv.instance.sessions()) as session:
        return store.report_blob_ids(session, report_id)


def test_every_route_is_in_the_matrix(rv):
    endpoints = {rule.endpoint for rule in rv.app.url_map.iter_rules()}
    assert endpoints == set(authz.ENDPOINTS)
