"""The vault API keeps TOTP secrets sealed under keys/totp-wrap.key: secrets stored in
plaintext (before migration 0005, or by a tool without the key) are sealed at start-up,
enrolments through the API are stored sealed, and logins with TOTP keep working."""

from __future__ import annotations

import pyotp
import sqlalchemy as sa

from vault import totp_wrap
from vault.api.app import create_app
from vault.api.testkit import PASSWORD
from vault.db import transaction
from vault.reviewer_models import Account


def _stored(instance):
    with transaction(instance.sessions()) as session:
        return dict(session.execute(sa.select(Account.id, Account.totp_secret)).all())


def test_start_up_seals_plaintext_secrets_and_login_still_works(vapi_instance):
    assert not any(totp_wrap.is_sealed(s) for s in _stored(vapi_instance).values())
    client = create_app(vapi_instance.config).test_client()
    stored = _stored(vapi_instance)
    assert all(totp_wrap.is_sealed(s) for s in stored.values())
    key_file = vapi_instance.config.keys_dir / totp_wrap.KEY_FILE
    key = totp_wrap.load_or_create_key(key_file)
    vera = vapi_instance.people["vera"]
    assert totp_wrap.open_secret(key, vera.account_id, stored[vera.account_id]) == \
        vera.totp_secret
    login = client.post("/api/v1/auth/login", json={
        "username": "vera", "password": PASSWORD, "totp": pyotp.TOTP(vera.totp_secret).now()})
    assert login.status_code == 200
    create_app(vapi_instance.config)  # a second start: nothing left to seal, same key
    assert _stored(vapi_instance) == stored


def test_enrolment_through_the_api_is_stored_sealed(vapi_client, vapi_instance, vapi_as):
    made = vapi_client.post("/api/v1/accounts", headers=vapi_as("ada"), json={
        "username": "nadia", "roles": ["verifier"], "password": PASSWORD})
    assert made.status_code == 201
    body = made.get_json()
    secret = body["totp"]["secret"]
    stored = _stored(vapi_instance)[body["account"]["account_id"]]
    assert totp_wrap.is_sealed(stored)
    assert secret not in stored
    login = vapi_client.post("/api/v1/auth/login", json={
        "username": "nadia", "password": PASSWORD, "totp": pyotp.TOTP(secret).now()})
    assert login.status_code == 200
    reset = vapi_client.post(f"/api/v1/accounts/{body['account']['account_id']}/reset-totp",
                             headers=vapi_as("ada"))
    assert totp_wrap.is_sealed(_stored(vapi_instance)[body["account"]["account_id"]])
    assert reset.get_json()["totp"]["secret"] != secret


def test_a_secret_sealed_under_another_key_is_a_named_server_fault(vapi_instance):
    create_app(vapi_instance.config)  # seals every secret under the instance key
    key_file = vapi_instance.config.keys_dir / totp_wrap.KEY_FILE
    key_file.write_text("ab" * 32)  # e.g. the database restored onto a host without it
    client = create_app(vapi_instance.config).test_client()
    vera = vapi_instance.people["vera"]
    answer = client.post("/api/v1/auth/login", json={
        "username": "vera", "password": PASSWORD, "totp": pyotp.TOTP(vera.totp_secret).now()})
    assert answer.status_code == 503
    assert "totp-wrap key" in answer.get_json()["error"]["message"]
    assert "token" not in answer.get_json()
