"""Key requests and client-reported actions carry the reviewer's own signature (S17):
accepted only from the caller's own active key, for this action, report, account and day,
once; refused with a specific code otherwise, before anything is opened or audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
import sqlalchemy as sa
from nacl.signing import SigningKey, VerifyKey

from vault.action_signature import HEADER, SignedAction, statement_from_payload, verify_action
from vault.api.testkit import add_report
from vault.canonical import b64encode
from vault.models import ActionNonce, AuditEntry
from vault.reviewer_models import DecryptOpen


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _audit_rows(instance, action):
    with instance.sessions()() as session:
        return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def _opens(instance):
    with instance.sessions()() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(DecryptOpen))


def _refused(answer, status, code):
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["code"] == code


def test_a_signed_stanza_request_is_served_and_audits_the_signature(vapi_client, vapi_instance,
                                                                     vapi_signed):
    report_id = add_report(vapi_instance)
    headers = vapi_signed("vera", "key_request", report_id)
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/stanza", headers=headers)
    assert answer.status_code == 200
    vera = vapi_instance.people["vera"]
    [row] = _audit_rows(vapi_instance, "key_request")
    detail = json.loads(row.detail)
    statement = statement_from_payload(detail["statement"])
    assert detail["key_id"] == statement.key_id == vera.key_id
    assert statement.account_id == row.actor == vera.account_id
    assert detail["statement_sha256"] == statement.sha256()
    assert report_id not in row.detail  # the report by digest only
    verify_action(SignedAction(statement, row.actor_signature),
                  VerifyKey(vera.keypair.ed25519_pk))
    sent = headers[HEADER].split(".")[0]
    assert b64encode(statement.encoded()) == sent
    with vapi_instance.sessions()() as session:
        stored = session.scalars(sa.select(ActionNonce.nonce_hash)).all()
    assert stored == [statement.nonce_hash()]  # a hash, never the nonce itself


def test_a_signed_client_action_is_audited_with_its_signature(vapi_client, vapi_instance,
                                                             vapi_signed):
    report_id = add_report(vapi_instance)
    answer = vapi_client.post("/api/v1/audit", json={"action": "raw_download",
                                                     "report_id": report_id},
                              headers=vapi_signed("coord", "raw_download", report_id))
    assert answer.status_code == 201
    [row] = _audit_rows(vapi_instance, "raw_download")
    assert row.actor_signature is not None
    assert json.loads(row.detail)["statement"]["action"] == "raw_download"
    no_report = vapi_client.post("/api/v1/audit", json={"action": "export"},
                                 headers=vapi_signed("coord", "export"))
    assert no_report.status_code == 201


def test_missing_signature_is_refused_and_nothing_opens(vapi_client, vapi_instance, vapi_as):
    report_id = add_report(vapi_instance)
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/stanza", headers=vapi_as("vera"))
    _refused(answer, 400, "action_signature_missing")
    posted = vapi_client.post("/api/v1/audit", json={"action": "export"},
                              headers=vapi_as("vera"))
    _refused(posted, 400, "action_signature_missing")
    assert _audit_rows(vapi_instance, "key_request") == []
    assert _audit_rows(vapi_instance, "export") == []
    assert _opens(vapi_instance) == 0


@pytest.mark.parametrize("value", ["garbage", "a.b.c", "e30.AAAA", "%%%.%%%"])
def test_malformed_signature_is_refused(vapi_client, vapi_instance, vapi_as, value):
    report_id = add_report(vapi_instance)
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                             headers={**vapi_as("vera"), HEADER: value})
    _refused(answer, 400, "action_signature_malformed")
    assert _opens(vapi_instance) == 0


def test_a_signature_by_another_key_does_not_verify(vapi_client, vapi_instance, vapi_as):
    from vault.action_signature import sign_action

    report_id = add_report(vapi_instance)
    vera = vapi_instance.people["vera"]
    forged = sign_action("key_request", report_id, account_id=vera.account_id,
                         key_id=vera.key_id, signing_key=SigningKey.generate())
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                             headers={**vapi_as("vera"), HEADER: forged.header_value()})
    _refused(answer, 403, "action_signature_bad")
    assert _opens(vapi_instance) == 0


def test_another_accounts_key_is_refused(vapi_client, vapi_instance, vapi_signed):
    report_id = add_report(vapi_instance)
    # vera's token, a statement for vera's account, signed with coord's (valid) key.
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                             headers=vapi_signed("vera", "key_request", report_id,
                                                 signer="coord"))
    _refused(answer, 403, "action_key_not_yours")
    # coord's own statement replayed with vera's token: signed for another account.
    coords = vapi_signed("coord", "key_request", report_id)
    vera_token = vapi_signed("vera", "key_request", report_id)["Authorization"]
    stolen = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                             headers={**coords, "Authorization": vera_token})
    _refused(stolen, 400, "action_mismatch")
    assert _opens(vapi_instance) == 0


def test_a_replayed_statement_is_refused(vapi_client, vapi_instance, vapi_signed):
    report_id = add_report(vapi_instance)
    headers = vapi_signed("vera", "key_request", report_id)
    assert vapi_client.get(f"/api/v1/reports/{report_id}/stanza", headers=headers
                           ).status_code == 200
    again = vapi_client.get(f"/api/v1/reports/{report_id}/stanza", headers=headers)
    _refused(again, 403, "action_replayed")
    assert len(_audit_rows(vapi_instance, "key_request")) == 1


def test_wrong_report_or_action_is_refused(vapi_client, vapi_instance, vapi_signed):
    report_id, other = add_report(vapi_instance), add_report(vapi_instance)
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                             headers=vapi_signed("vera", "key_request", other))
    _refused(answer, 400, "action_mismatch")
    as_export = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                                headers=vapi_signed("vera", "export", report_id))
    _refused(as_export, 400, "action_mismatch")
    posted = vapi_client.post("/api/v1/audit", json={"action": "export",
                                                     "report_id": report_id},
                              headers=vapi_signed("vera", "raw_download", report_id))
    _refused(posted, 400, "action_mismatch")
    assert _opens(vapi_instance) == 0
    assert _audit_rows(vapi_instance, "export") == []


def test_day_is_today_or_yesterday(vapi_client, vapi_instance, vapi_signed):
    report_id = add_report(vapi_instance)
    stale = (_today() - dt.timedelta(days=2)).isoformat()
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                             headers=vapi_signed("vera", "key_request", report_id, day=stale))
    _refused(answer, 400, "action_stale")
    future = (_today() + dt.timedelta(days=1)).isoformat()
    ahead = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                            headers=vapi_signed("vera", "key_request", report_id, day=future))
    _refused(ahead, 400, "action_stale")
    yesterday = (_today() - dt.timedelta(days=1)).isoformat()
    crossing = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                               headers=vapi_signed("vera", "key_request", report_id,
                                                   day=yesterday))
    assert crossing.status_code == 200


def test_old_nonces_are_pruned_by_the_retention_run(vapi_instance):
    from vault.retention import prune_action_nonces

    nonce = bytes(range(16))
    with vapi_instance.sessions()() as session, session.begin():
        for age in (0, 3, 4):
            session.add(ActionNonce(nonce_hash=hashlib.sha256(bytes([age]) + nonce).digest(),
                                    day=_today() - dt.timedelta(days=age)))
    with vapi_instance.sessions()() as session, session.begin():
        assert prune_action_nonces(session, _today()) == 1
    with vapi_instance.sessions()() as session:
        days = sorted(session.scalars(sa.select(ActionNonce.day)))
    assert days == [_today() - dt.timedelta(days=3), _today()]
