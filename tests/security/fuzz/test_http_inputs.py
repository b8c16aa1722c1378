"""Property tests of the intake's HTTP input parsers with hypothesis.

Arbitrary bodies — random bytes, random JSON, and objects with the right member names but
wrong, huge, negative, mistyped or badly encoded values — reach the parsers of every JSON
route (submission, upload declaration, chunk PUT and status, inbox, inbox events). Each
answer must be a 4xx with a JSON error code (never a 500, never a 2xx), and nothing may be
stored.
"""

from __future__ import annotations

import json
import secrets

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault.canonical import b64encode

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
INTAKE = """
[intake]
pow_difficulty = 2
min_free_disk_bytes = 0
limit_submit = "100000 per hour"
limit_upload = "100000 per hour"
limit_pages = "100000 per hour"
limit_receipt = "100000 per hour"
"""

json_leaf = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
             | st.floats(allow_nan=False) | st.text(max_size=80))
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                          max_leaves=12)
b64_blob = st.binary(max_size=300).map(b64encode)
hex64 = st.text(alphabet="0123456789abcdefABCDEF", min_size=60, max_size=66)
odd_value = json_value | b64_blob | hex64 | st.integers()
pow_value = st.fixed_dictionaries({"challenge": st.text(max_size=40) | json_value,
                                   "counter": st.text(max_size=10) | json_value})
submission = st.fixed_dictionaries({}, optional={
    "envelope": odd_value, "lookup_id": odd_value, "blobs": st.lists(odd_value, max_size=3)
    | odd_value, "pow": pow_value | odd_value})
declaration = st.fixed_dictionaries({}, optional={
    "blob_id": odd_value, "ct_len": odd_value, "chunk_count": odd_value,
    "pow": pow_value | odd_value})
inbox = st.fixed_dictionaries({}, optional={
    "lookup_id": odd_value, "pow": pow_value | odd_value, "envelope": odd_value,
    "seq": odd_value, "head": odd_value, "withdraw": odd_value})


@pytest.fixture(scope="module")
def intake_client(tmp_path_factory):
    from haven.instance import AccountSpec, create_instance
    from intake.app import create_app

    directory = tmp_path_factory.mktemp("http-inputs")
    created = create_instance(
        directory, org_id="org-fuzz", extra_config=INTAKE, password_settings=FAST_ARGON2,
        accounts_to_create=[AccountSpec("rita", "verifier", "a long password 1", "pass 1")])
    app = create_app(created.config)
    assert "haven_intake" in app.extensions
    return app.test_client(), created.config


def _rows(config) -> tuple[int, int, int]:
    engine = sa.create_engine(config.database_url)
    with engine.connect() as conn:
        counts = tuple(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
                       for table in ("reports", "blobs", "events"))
    engine.dispose()
    return counts  # type: ignore[return-value]


def _refused(response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    body = response.get_json()
    assert isinstance(body, dict), response.data[:300]
    assert isinstance(body.get("error"), str), response.data[:300]


def _body(value) -> bytes:
    return json.dumps(value).encode()


@SETTINGS
@given(body=submission | json_value, raw=st.booleans())
def test_submissions_refuse_bad_input_cleanly(intake_client, body, raw):
    client, config = intake_client
    before = _rows(config)
    data = _body(body) if not raw else secrets.token_bytes(len(_body(body)) % 200)
    _refused(client.post("/api/v1/submissions", data=data, content_type="application/json"))
    assert _rows(config) == before


@SETTINGS
@given(body=declaration | json_value)
def test_upload_declarations_refuse_bad_input_cleanly(intake_client, body):
    client, config = intake_client
    before = _rows(config)
    _refused(client.post("/api/v1/uploads", data=_body(body), content_type="application/json"))
    assert _rows(config) == before


@SETTINGS
@given(token=st.text(alphabet="0123456789abcdef.-_xyz", max_size=200),
       index=st.integers(min_value=0, max_value=2**40), data=st.binary(max_size=2000))
def test_chunks_and_status_refuse_unknown_uploads(intake_client, token, index, data):
    client, config = intake_client
    before = _rows(config)
    if token:
        _refused(client.put(f"/api/v1/uploads/{token}/chunks/{index}", data=data,
                            content_type="application/octet-stream"))
        _refused(client.get(f"/api/v1/uploads/{token}"))
    assert _rows(config) == before


@SETTINGS
@given(body=inbox | json_value, route=st.sampled_from(["/api/v1/inbox",
                                                         "/api/v1/inbox/events"]))
def test_inbox_routes_refuse_bad_input_cleanly(intake_client, body, route):
    client, config = intake_client
    before = _rows(config)
    _refused(client.post(route, data=_body(body), content_type="application/json"))
    assert _rows(config) == before
