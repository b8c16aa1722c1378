"""Vault API security properties: strict headers everywhere, no identifying data in logs or
the audit log, secrets stored only as hashes, nothing internal in error bodies."""

from __future__ import annotations

import logging

import pyotp
import sqlalchemy as sa
from nacl.signing import SigningKey

from vault.action_signature import HEADER, sign_action
from vault.api.testkit import PASSWORD, add_report
from vault.db import make_engine
from vault.models import AuditEntry

CLIENT_IP = "198.51.100.23"
CLIENT_IPV6 = "2001:db8::7"


def test_strict_headers_on_every_kind_of_answer(vsec_client, vsec_instance, vsec_as):
    report_id = add_report(vsec_instance, files=(("x.png", "image/png", b"\x89PNG" * 10),))
    headers = vsec_as("vera")
    blob_id = vsec_client.get(f"/api/v1/reports/{report_id}",
                              headers=headers).get_json()["blobs"][0]["blob_id"]
    answers = [
        vsec_client.get("/api/v1/health"),
        vsec_client.get("/api/v1/me", headers=headers),
        vsec_client.get("/api/v1/me"),
        vsec_client.get("/api/v1/no-such-route"),
        vsec_client.delete("/api/v1/health"),
        vsec_client.get(f"/api/v1/reports/{report_id}/blobs/{blob_id}", headers=headers),
    ]
    for answer in answers:
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
        assert "sandbox" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in answer.headers
        assert answer.mimetype in {"application/json", "application/octet-stream"}


def test_no_addresses_ids_or_secrets_in_logs_or_audit(vsec_client, vsec_instance, vsec_as,
                                                      caplog):
    caplog.set_level(logging.DEBUG)
    report_id = add_report(vsec_instance, {"narrative": "canary-narrative-7731"})
    person = vsec_instance.people["coord"]
    for address in (CLIENT_IP, CLIENT_IPV6):
        env = {"REMOTE_ADDR": address}
        vsec_client.post("/api/v1/auth/login", environ_base=env, json={
            "username": "coord", "password": "wrong password 1", "totp": "000000"})
        vsec_client.post("/api/v1/auth/login", environ_base=env, json={
            "username": "coord", "password": PASSWORD,
            "totp": pyotp.TOTP(person.totp_secret).now()})
        signed = sign_action("key_request", report_id, account_id=person.account_id,
                             key_id=person.key_id,
                             signing_key=SigningKey(person.keypair.ed25519_seed))
        answer = vsec_client.get(f"/api/v1/reports/{report_id}/stanza", environ_base=env,
                                 headers={**vsec_as("coord"), HEADER: signed.header_value()})
        assert answer.status_code == 200
    with vsec_instance.sessions()() as session:
        rows = session.scalars(sa.select(AuditEntry)).all()
    stored = " ".join(f"{r.actor} {r.action} {r.target} {r.detail}" for r in rows)
    for secret in (CLIENT_IP, CLIENT_IPV6, report_id, PASSWORD, "canary-narrative",
                   person.totp_secret):
        assert secret not in caplog.text
        assert secret not in stored
    assert {"login", "login_failed", "key_request"} <= {r.action for r in rows}


def test_secrets_are_stored_only_as_hashes(vsec_client, vsec_instance):
    person = vsec_instance.people["vera"]
    login = vsec_client.post("/api/v1/auth/login", json={
        "username": "vera", "password": PASSWORD, "totp": pyotp.TOTP(person.totp_secret).now()})
    token = login.get_json()["token"]
    engine = make_engine(vsec_instance.config.database_url)
    dump = []
    with engine.connect() as conn:
        for table in ("accounts", "api_tokens", "recovery_codes", "reviewer_keys"):
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):  # noqa: S608
                dump.extend(str(v) for v in row)
    text = " ".join(dump)
    assert token not in text
    assert token[4:] not in text
    assert PASSWORD not in text
    for code in person.recovery_codes:
        assert code not in text
        assert code.replace("-", "").upper() not in text


def test_each_login_gets_a_fresh_token_and_rotation_kills_the_old(vsec_client, vsec_instance):
    person = vsec_instance.people["otto"]
    tokens = []
    for code in person.recovery_codes[:2]:
        answer = vsec_client.post("/api/v1/auth/login", json={
            "username": "otto", "password": PASSWORD, "recovery_code": code})
        tokens.append(answer.get_json()["token"])
    assert tokens[0] != tokens[1]
    rotated = vsec_client.post("/api/v1/auth/rotate",
                               headers={"Authorization": f"Bearer {tokens[0]}"})
    assert rotated.status_code == 200
    old = vsec_client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens[0]}"})
    assert old.status_code == 401


def test_brute_force_stops_at_the_lockout(vsec_client, vsec_instance):
    person = vsec_instance.people["vera"]
    for attempt in range(5):
        answer = vsec_client.post("/api/v1/auth/login", json={
            "username": "vera", "password": f"guess number {attempt}", "totp": "000000"})
        assert answer.status_code == 401
    right = vsec_client.post("/api/v1/auth/login", json={
        "username": "vera", "password": PASSWORD, "totp": pyotp.TOTP(person.totp_secret).now()})
    assert right.status_code == 423


def test_internal_errors_say_nothing_internal(vsec_client, vsec_instance, vsec_as):
    engine = make_engine(vsec_instance.config.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE record_recipients"))
    answer = vsec_client.get("/api/v1/records", headers=vsec_as("vera"))
    assert answer.status_code == 503
    body = answer.get_data(as_text=True)
    assert "record_recipients" not in body
    assert "Traceback" not in body
    assert "sqlite" not in body.lower()


def test_body_limits(vsec_client, vsec_as):
    big = {"username": "x" * 70_000, "password": "y", "totp": "123456"}
    answer = vsec_client.post("/api/v1/auth/login", json=big)
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "too_large"
    record = vsec_client.post("/api/v1/records", headers=vsec_as("vera"),
                              json={"ciphertext_b64": "A" * 70_000})
    assert record.status_code == 400  # the larger limit applies; the body is just incomplete
