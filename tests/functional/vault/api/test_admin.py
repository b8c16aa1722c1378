"""Accounts, triage set, key registration, bundle draft/publication, offboarding (S6),
retired keys, and the audit log endpoints."""

from __future__ import annotations

import datetime as dt
import json

import pyotp
import pytest
import sqlalchemy as sa
from nacl.signing import SigningKey

from vault import accounts, store
from vault.access import grant_access
from vault.api.testkit import PASSPHRASE, PASSWORD, add_report, wrapped_for
from vault.canonical import b64decode, b64encode, utc_day
from vault.errors import NoAccess
from vault.keys import ReviewerKeyPair
from vault.models import AuditEntry, Stanza
from vault.reviewer_models import ReviewerKey


def _create(client, headers, username="nadia", roles=("verifier",)):
    return client.post("/api/v1/accounts", headers=headers,
                       json={"username": username, "roles": list(roles), "password": PASSWORD})


def test_admin_creates_an_account_that_can_log_in(vapi_client, vapi_as):
    created = _create(vapi_client, vapi_as("ada"))
    assert created.status_code == 201
    body = created.get_json()
    assert body["account"]["roles"] == ["verifier"]
    assert body["totp"]["provisioning_uri"].startswith("otpauth://totp/Haven:nadia")
    assert body["totp"]["qr_svg"].startswith("<svg")
    assert len(body["recovery_codes"]) == 10
    login = vapi_client.post("/api/v1/auth/login", json={
        "username": "nadia", "password": PASSWORD,
        "totp": pyotp.TOTP(body["totp"]["secret"]).now()})
    assert login.status_code == 200
    listed = vapi_client.get("/api/v1/accounts", headers=vapi_as("ada")).get_json()
    assert "nadia" in [a["username"] for a in listed["accounts"]]


def test_account_creation_errors_are_specific(vapi_client, vapi_as):
    assert _create(vapi_client, vapi_as("ada"), "coord").get_json()["error"]["code"] == "conflict"
    bad_role = _create(vapi_client, vapi_as("ada"), "x1", ("owner",))
    assert bad_role.status_code == 400
    assert "unknown role 'owner'" in bad_role.get_json()["error"]["message"]
    bad_name = _create(vapi_client, vapi_as("ada"), "Robert'); DROP")
    assert bad_name.status_code == 400
    weak = vapi_client.post("/api/v1/accounts", headers=vapi_as("ada"),
                            json={"username": "y1", "roles": ["admin"], "password": "short"})
    assert weak.get_json()["error"]["code"] == "weak_password"


def test_roles_reset_totp_and_unknown_accounts(vapi_client, vapi_instance, vapi_as):
    otto = vapi_instance.people["otto"]
    changed = vapi_client.patch(f"/api/v1/accounts/{otto.account_id}", headers=vapi_as("ada"),
                                json={"roles": ["verifier", "admin"]})
    assert changed.get_json()["roles"] == ["admin", "verifier"]
    stripped = vapi_client.patch(f"/api/v1/accounts/{otto.account_id}", headers=vapi_as("ada"),
                                 json={"roles": ["admin"]})
    assert stripped.status_code == 409  # holds a key: offboard instead
    reset = vapi_client.post(f"/api/v1/accounts/{otto.account_id}/reset-totp",
                             headers=vapi_as("ada"))
    assert reset.status_code == 200
    assert reset.get_json()["totp"]["secret"] != otto.totp_secret
    assert vapi_client.get("/api/v1/me", headers=vapi_as("otto")).status_code == 401
    old = vapi_client.post("/api/v1/auth/login", json={
        "username": "otto", "password": PASSWORD, "totp": pyotp.TOTP(otto.totp_secret).now()})
    assert old.status_code == 401
    for target in ("00000000-0000-4000-8000-000000000000", "nope"):
        missing = vapi_client.get(f"/api/v1/accounts/{target}", headers=vapi_as("ada"))
        assert missing.status_code == 404


def test_triage_set(vapi_client, vapi_instance, vapi_as):
    people = vapi_instance.people
    now = vapi_client.get("/api/v1/triage", headers=vapi_as("coord")).get_json()["members"]
    assert sorted(now) == sorted([people["coord"].account_id, people["vera"].account_id])
    put = vapi_client.put("/api/v1/triage", headers=vapi_as("coord"),
                          json={"members": [people["otto"].account_id]})
    assert put.get_json() == {"members": [people["otto"].account_id],
                              "bundle_republish_required": True}
    admin_only = vapi_client.put("/api/v1/triage", headers=vapi_as("ada"),
                                 json={"members": [people["ada"].account_id]})
    assert admin_only.status_code == 409
    assert admin_only.get_json()["error"]["code"] == "key_state"


def _register_key(client, headers, pair):
    wrapped, kdf = wrapped_for(pair)
    return client.post("/api/v1/me/keys", headers=headers, json={
        "key_id": pair.key_id, "x25519_pk_b64": b64encode(pair.x25519_pk),
        "ed25519_pk_b64": b64encode(pair.ed25519_pk),
        "wrapped_secret_key_b64": b64encode(wrapped),
        "kdf": {"alg": "argon2id13", "salt_b64": b64encode(kdf.salt),
                "opslimit": kdf.opslimit, "memlimit": kdf.memlimit}})


def _publish(client, instance, headers):
    draft = client.get("/api/v1/bundle/draft", headers=headers).get_json()["payload"]
    return draft, client.put("/api/v1/bundle", headers=headers,
                             json=instance.sign_bundle(draft))


def test_key_rotation_through_draft_and_signed_bundle(vapi_client, vapi_instance, vapi_as):
    new_pair = ReviewerKeyPair.generate()
    registered = _register_key(vapi_client, vapi_as("otto"), new_pair)
    assert registered.status_code == 201
    assert registered.get_json()["status"] == "pending"
    mismatch = _register_key(vapi_client, vapi_as("otto"), new_pair)
    assert mismatch.status_code == 409
    old_key = vapi_instance.people["otto"].key_id
    # Otto's old key leaves the bundle: mark it retired by leaving it out of the draft.
    draft = vapi_client.get("/api/v1/bundle/draft", headers=vapi_as("ada")).get_json()["payload"]
    assert draft["serial"] == 2
    draft["keys"] = [k for k in draft["keys"] if k["id"] != old_key]
    published = vapi_client.put("/api/v1/bundle", headers=vapi_as("ada"),
                                json=vapi_instance.sign_bundle(draft))
    assert published.status_code == 200, published.get_json()
    assert published.get_json() == {"serial": 2, "activated": [new_pair.key_id],
                                    "retired": [old_key]}
    served = vapi_client.get("/api/v1/bundle").get_json()
    assert served["bundle"]["serial"] == 2
    keys = vapi_client.get("/api/v1/me/keys", headers=vapi_as("otto")).get_json()["keys"]
    states = {k["key_id"]: k["status"] for k in keys}
    assert states == {old_key: "retired", new_pair.key_id: "active"}
    wrapped = next(k for k in keys if k["key_id"] == new_pair.key_id)
    unwrapped = accounts.unwrap_secret_keys(
        PASSPHRASE, new_pair.key_id, b64decode(wrapped["wrapped_secret_key_b64"]),
        accounts.KdfParams(b64decode(wrapped["kdf"]["salt_b64"]), wrapped["kdf"]["opslimit"],
                           wrapped["kdf"]["memlimit"]))
    assert unwrapped.x25519_sk == new_pair.x25519_sk
    stale = vapi_client.put("/api/v1/bundle", headers=vapi_as("ada"),
                            json=vapi_instance.sign_bundle(draft))
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_bundle"


def test_bundles_that_fail_verification_are_refused(vapi_client, vapi_instance, vapi_as):
    draft = vapi_client.get("/api/v1/bundle/draft", headers=vapi_as("ada")).get_json()["payload"]
    signed = vapi_instance.sign_bundle(draft)
    forged = json.loads(json.dumps(signed))
    forged["bundle"]["triage"] = [vapi_instance.people["otto"].key_id]
    stranger = ReviewerKeyPair.generate().public_entry("reviewer", draft["expires_at"])
    unknown = vapi_instance.sign_bundle({**draft, "keys": [*draft["keys"], stranger]})
    other_root = vapi_instance.sign_bundle(draft)
    other_root["root_public_key"] = b64encode(bytes(SigningKey.generate().verify_key))
    for document, marker in ((forged, "bundle_signature_bad"), (unknown, "not registered"),
                             (other_root, "fingerprint_mismatch"), ({"x": 1}, "malformed")):
        answer = vapi_client.put("/api/v1/bundle", headers=vapi_as("ada"), json=document)
        assert answer.status_code == 422, marker
        assert answer.get_json()["error"]["code"] == "invalid_bundle"
        assert marker in answer.get_json()["error"]["message"]


def test_offboarding_removes_everything_and_is_audited(vapi_client, vapi_instance, vapi_as):
    report_id = add_report(vapi_instance)
    vera = vapi_instance.people["vera"]
    answer = vapi_client.post(f"/api/v1/accounts/{vera.account_id}/offboard",
                              headers=vapi_as("ada"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["account"]["status"] == "offboarded"
    assert body["bundle_republish_required"] is True
    assert vapi_client.get("/api/v1/me", headers=vapi_as("vera")).status_code == 401
    login = vapi_client.post("/api/v1/auth/login", json={
        "username": "vera", "password": PASSWORD, "totp": pyotp.TOTP(vera.totp_secret).now()})
    assert login.status_code == 401
    with vapi_instance.sessions()() as session:
        assert store.stanzas_for(session, vera.key_id) == []
        key = session.get(ReviewerKey, vera.key_id)
        assert key.wrapped_secret_key is None
        assert key.state == "retired"
        assert session.scalar(sa.select(Stanza.key_id).where(
            Stanza.report_id == report_id, Stanza.key_id == vera.key_id)) is None
    draft, published = _publish(vapi_client, vapi_instance, vapi_as("ada"))
    assert vera.key_id not in [k["id"] for k in draft["keys"]]
    assert vera.key_id in draft["revoked"]
    assert published.status_code == 200
    actions = [e["action"] for e in vapi_client.get(
        "/api/v1/audit?limit=200", headers=vapi_as("ada")).get_json()["entries"]]
    assert "offboard" in actions
    assert "bundle_publish" in actions


def test_a_retired_key_gets_nothing_sealed_after_retirement(vapi_client, vapi_instance, vapi_as,
                                                            vapi_signed):
    otto = vapi_instance.people["otto"]
    draft = vapi_client.get("/api/v1/bundle/draft", headers=vapi_as("ada")).get_json()["payload"]
    draft["keys"] = [k for k in draft["keys"] if k["id"] != otto.key_id]
    signed = vapi_instance.sign_bundle(draft)
    assert vapi_client.put("/api/v1/bundle", headers=vapi_as("ada"), json=signed).status_code == 200
    vapi_instance.bundle_doc, vapi_instance.serial = signed, 2
    later = add_report(vapi_instance)
    envelope = b64decode(vapi_client.get(f"/api/v1/reports/{later}",
                                         headers=vapi_as("coord")).get_json()["envelope_b64"])
    coord = vapi_instance.people["coord"].keypair
    # The bundle no longer lists otto, so a correct grant cannot even be built; a stanza
    # forced into the database (a buggy or hostile writer) is still not served.
    refused = vapi_client.post(f"/api/v1/reports/{later}/grants", headers=vapi_as("coord"),
                               json=_forged_grant(vapi_instance, later, envelope, coord,
                                                  otto.key_id))
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "key_state"
    with vapi_instance.sessions()() as session, session.begin():
        store.grant_access(session, later, otto.key_id, b"\x00" * 80, epoch=0, day=utc_day())
        session.execute(sa.update(ReviewerKey).where(ReviewerKey.key_id == otto.key_id)
                        .values(state="retired"))
    put = vapi_client.put("/api/v1/triage", headers=vapi_as("coord"),
                          json={"members": [otto.account_id]})
    assert put.status_code == 409  # no live key: cannot be on duty
    answer = vapi_client.get(f"/api/v1/reports/{later}/stanza",
                             headers=vapi_signed("otto", "key_request", later))
    assert answer.status_code == 403  # a retired key cannot sign a request (S17) ...
    # ... and the access rule underneath refuses the forced stanza on its own (S6, S14):
    # even with a forced assignment, only the key's retired state stands in the way.
    from vault import reviewer_store
    from vault.api.access import access_for
    from vault.reviewer_models import Assignment

    with vapi_instance.sessions()() as session, session.begin():
        session.add(Assignment(report_id=later, key_id=otto.key_id, account_id=otto.account_id,
                               assigned_by=otto.account_id,
                               day=dt.date.fromisoformat(utc_day()),
                               grant_document="{}"))
        session.flush()
        view = reviewer_store.get_account(session, otto.account_id)
        with pytest.raises(NoAccess):
            access_for(session, view, later)
        session.execute(sa.update(ReviewerKey).where(ReviewerKey.key_id == otto.key_id)
                        .values(state="active"))
        assert access_for(session, view, later).key_id == otto.key_id  # the rule, not luck


def _forged_grant(instance, report_id, envelope, coord, grantee_key_id):
    # A grant for coord's own key, renamed to the retired key: what a stale client might send.
    document = grant_access(envelope, coord.key_id, coord.x25519_sk, instance.verified_bundle(),
                            coord.key_id, granter=coord, day=utc_day())
    document["grant"]["key_id"] = grantee_key_id
    return document


def test_audit_log_lists_and_verifies_and_detects_tampering(vapi_client, vapi_instance,
                                                             vapi_as, vapi_signed):
    report_id = add_report(vapi_instance)
    vapi_client.get(f"/api/v1/reports/{report_id}", headers=vapi_as("coord"))
    vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                    headers=vapi_signed("coord", "key_request", report_id))
    page = vapi_client.get("/api/v1/audit?limit=1", headers=vapi_as("ada")).get_json()
    assert len(page["entries"]) == 1
    rest = vapi_client.get(f"/api/v1/audit?cursor={page['next_cursor']}",
                           headers=vapi_as("ada")).get_json()
    assert rest["entries"][0]["seq"] == page["entries"][0]["seq"] + 1
    good = vapi_client.get("/api/v1/audit/verify", headers=vapi_as("ada")).get_json()
    assert good["ok"] is True
    assert good["entries"] >= 2
    with vapi_instance.sessions()() as session, session.begin():
        session.execute(sa.update(AuditEntry).where(AuditEntry.seq == 0)
                        .values(action="logout"))
    bad = vapi_client.get("/api/v1/audit/verify", headers=vapi_as("ada")).get_json()
    assert bad["ok"] is False
    assert bad["error"].startswith("audit_tampered")
