"""Login with password + TOTP or recovery code, lockout, rate limit, token lifecycle."""

from __future__ import annotations

import time

import pyotp
import pytest
import sqlalchemy as sa

from vault.api.testkit import PASSWORD
from vault.models import AuditEntry
from vault.reviewer_models import ApiToken


def _code(instance, name: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(instance.people[name].totp_secret).at(time.time() + 30 * offset_steps)


def _login(client, username: str, password: str = PASSWORD, **factor):
    return client.post("/api/v1/auth/login",
                       json={"username": username, "password": password, **factor})


def test_login_with_totp_gives_a_working_token(vapi_client, vapi_instance):
    answer = _login(vapi_client, "coord", totp=_code(vapi_instance, "coord"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["token"].startswith("hvt_")
    assert body["idle_timeout_seconds"] == 7200
    assert body["account"]["username"] == "coord"
    assert body["account"]["roles"] == ["coordinator"]
    assert body["recovery_codes_left"] == 10
    me = vapi_client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["account_id"] == vapi_instance.people["coord"].account_id


@pytest.mark.parametrize(
    ("username", "password", "factor"),
    [
        ("coord", "wrong password here", "good"),
        ("nobody", PASSWORD, "good"),
        ("coord", PASSWORD, "bad"),
    ],
)
def test_every_refusal_looks_the_same(vapi_client, vapi_instance, username, password, factor):
    code = _code(vapi_instance, "coord") if factor == "good" else "000000"
    answer = _login(vapi_client, username, password, totp=code)
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "invalid_credentials"


def test_a_totp_code_is_never_accepted_twice(vapi_client, vapi_instance):
    code = _code(vapi_instance, "vera")
    assert _login(vapi_client, "vera", totp=code).status_code == 200
    replay = _login(vapi_client, "vera", totp=code)
    assert replay.status_code == 401
    assert replay.get_json()["error"]["code"] == "invalid_credentials"


def test_recovery_code_works_once(vapi_client, vapi_instance):
    code = vapi_instance.people["otto"].recovery_codes[0]
    first = _login(vapi_client, "otto", recovery_code=code.upper())
    assert first.status_code == 200
    assert first.get_json()["recovery_codes_left"] == 9
    again = _login(vapi_client, "otto", recovery_code=code)
    assert again.status_code == 401


def test_at_most_one_second_factor(vapi_client):
    answer = _login(vapi_client, "coord", totp="123456", recovery_code="abcd")
    assert answer.status_code == 400
    assert "at most one" in answer.get_json()["error"]["message"]


def test_no_second_factor_is_a_failed_login_once_totp_is_confirmed(vapi_client):
    # Only an account still to enrol its TOTP may send the password alone (API.md §2).
    answer = _login(vapi_client, "coord")
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "invalid_credentials"
    assert "token" not in answer.get_json()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"username": "coord"}, "missing field 'password'"),
        ({"username": 5, "password": "x", "totp": "1"}, "'username' must be a string"),
        ({"username": "a", "password": "b", "totp": "1", "extra": 1}, "unknown field 'extra'"),
    ],
)
def test_malformed_login_bodies_name_the_field(vapi_client, body, message):
    answer = vapi_client.post("/api/v1/auth/login", json=body)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"] == message


def test_non_json_is_refused(vapi_client):
    answer = vapi_client.post("/api/v1/auth/login", data="username=coord")
    assert answer.status_code == 415
    assert answer.get_json()["error"]["code"] == "unsupported_media_type"


class TestLockout:
    @pytest.fixture
    def vapi_settings(self):
        return {"lockout_threshold": 3, "lockout_base_seconds": 60, "lockout_max_seconds": 600}

    def test_lockout_after_threshold_even_for_the_right_password(
        self, vapi_client, vapi_instance, vapi_as
    ):
        for _ in range(3):
            assert _login(vapi_client, "vera", "wrong password!!", totp="000000").status_code == 401
        locked = _login(vapi_client, "vera", totp=_code(vapi_instance, "vera"))
        assert locked.status_code == 423
        error = locked.get_json()["error"]
        assert error["code"] == "locked"
        assert 0 < error["retry_after"] <= 60
        assert locked.headers["Retry-After"] == str(error["retry_after"])
        account_id = vapi_instance.people["vera"].account_id
        unlock = vapi_client.post(f"/api/v1/accounts/{account_id}/unlock", headers=vapi_as("ada"))
        assert unlock.status_code == 204
        assert _login(vapi_client, "vera", totp=_code(vapi_instance, "vera")).status_code == 200

    def test_failed_logins_are_audited_without_the_typed_username(self, vapi_client,
                                                                   vapi_instance):
        _login(vapi_client, "no-such-person", totp="000000")
        _login(vapi_client, "vera", "wrong password!!", totp="000000")
        with vapi_instance.sessions()() as session:
            rows = session.scalars(sa.select(AuditEntry).where(
                AuditEntry.action == "login_failed").order_by(AuditEntry.seq)).all()
        assert [r.actor for r in rows] == ["system", vapi_instance.people["vera"].account_id]
        assert all("no-such-person" not in r.detail for r in rows)


class TestRateLimit:
    @pytest.fixture
    def vapi_settings(self):
        return {"login_rate_limit": "3/minute"}

    def test_login_is_rate_limited(self, vapi_client):
        for _ in range(3):
            assert _login(vapi_client, "nobody", totp="000000").status_code == 401
        limited = _login(vapi_client, "nobody", totp="000000")
        assert limited.status_code == 429
        assert limited.get_json()["error"]["code"] == "rate_limited"


def test_logout_revokes_the_token(vapi_client, vapi_as):
    assert vapi_client.post("/api/v1/auth/logout", headers=vapi_as("coord")).status_code == 204
    after = vapi_client.get("/api/v1/me", headers=vapi_as("coord"))
    assert after.status_code == 401
    assert after.get_json()["error"]["code"] == "unauthenticated"


def test_rotation_revokes_the_old_token(vapi_client, vapi_as):
    rotated = vapi_client.post("/api/v1/auth/rotate", headers=vapi_as("vera"))
    assert rotated.status_code == 200
    new = rotated.get_json()["token"]
    assert vapi_client.get("/api/v1/me", headers=vapi_as("vera")).status_code == 401
    me = vapi_client.get("/api/v1/me", headers={"Authorization": f"Bearer {new}"})
    assert me.status_code == 200


@pytest.mark.parametrize("column", ["last_seen_at", "created_at"])
def test_idle_and_absolute_expiry(vapi_client, vapi_instance, vapi_as, column):
    # Move the clock of the token back instead of waiting: 2 h idle, 12 h absolute.
    shift = 2 * 3600 + 5 if column == "last_seen_at" else 12 * 3600 + 5
    with vapi_instance.sessions()() as session, session.begin():
        session.execute(sa.update(ApiToken).values({column: getattr(ApiToken, column) - shift}))
    answer = vapi_client.get("/api/v1/me", headers=vapi_as("coord"))
    assert answer.status_code == 401
    assert "expired" in answer.get_json()["error"]["message"]


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer hvt_notatoken", "Basic abc"])
def test_bad_tokens(vapi_client, header):
    answer = vapi_client.get("/api/v1/me", headers={"Authorization": header})
    assert answer.status_code == 401


def test_password_change_revokes_other_sessions(vapi_client, vapi_instance, vapi_as):
    second = _login(vapi_client, "coord", totp=_code(vapi_instance, "coord")).get_json()["token"]
    changed = vapi_client.post("/api/v1/me/password", headers=vapi_as("coord"), json={
        "current_password": PASSWORD, "new_password": "another long password"})
    assert changed.status_code == 204
    assert vapi_client.get("/api/v1/me", headers=vapi_as("coord")).status_code == 200
    other = vapi_client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"})
    assert other.status_code == 401
    weak = vapi_client.post("/api/v1/me/password", headers=vapi_as("coord"), json={
        "current_password": "another long password", "new_password": "short"})
    assert weak.status_code == 400
    assert weak.get_json()["error"]["code"] == "weak_password"


def test_new_recovery_codes_need_the_password(vapi_client, vapi_as):
    wrong = vapi_client.post("/api/v1/me/recovery-codes", headers=vapi_as("otto"),
                             json={"password": "not the password"})
    assert wrong.status_code == 401
    fresh = vapi_client.post("/api/v1/me/recovery-codes", headers=vapi_as("otto"),
                             json={"password": PASSWORD})
    assert fresh.status_code == 200
    assert len(fresh.get_json()["recovery_codes"]) == 10
