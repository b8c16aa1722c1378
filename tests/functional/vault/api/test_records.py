"""Sealed, signed reviewer records: checks on write, visibility to recipients only, paging."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from nacl.public import PublicKey, SealedBox

from vault.api.testkit import add_report
from vault.canonical import b64decode, b64encode, sign, utc_day


def _record(instance, *, author="vera", recipients=("vera", "coord"), report_id=None,
            kind="note", text=b"a note only reviewers read", **overrides):
    pair = instance.people[author].keypair
    # What the reviewer app does: seal to each recipient (here, one sealed box per key).
    ciphertext = b"".join(
        SealedBox(PublicKey(instance.people[r].keypair.x25519_pk)).encrypt(text)
        for r in recipients)
    fields = {
        "record_id": str(uuid.uuid4()), "kind": kind, "report_id": report_id, "case_id": None,
        "author_key_id": pair.key_id, "day": utc_day(),
        "recipients": sorted(instance.people[r].key_id for r in recipients),
        "supersedes": None,
    }
    fields.update(overrides)
    payload = {**fields, "ciphertext_sha256": hashlib.sha256(ciphertext).hexdigest()}
    body = {k: v for k, v in fields.items() if v is not None}
    body.update(ciphertext_b64=b64encode(ciphertext),
                signature_b64=b64encode(sign("reviewer-record", payload, pair.signing_key)))
    return body


def test_records_are_stored_and_served_to_recipients_only(vapi_client, vapi_instance,
                                                          vapi_as):
    report_id = add_report(vapi_instance)
    body = _record(vapi_instance, report_id=report_id, kind="label")
    stored = vapi_client.post("/api/v1/records", json=body, headers=vapi_as("vera"))
    assert stored.status_code == 201, stored.get_json()
    record = stored.get_json()
    assert record["author_account_id"] == vapi_instance.people["vera"].account_id
    assert b64decode(record["ciphertext_b64"]) == b64decode(body["ciphertext_b64"])
    for reader in ("vera", "coord"):
        one = vapi_client.get(f"/api/v1/records/{body['record_id']}", headers=vapi_as(reader))
        assert one.status_code == 200
        listed = vapi_client.get(f"/api/v1/records?report_id={report_id}&kind=label",
                                 headers=vapi_as(reader)).get_json()["records"]
        assert [r["record_id"] for r in listed] == [body["record_id"]]
    hidden = vapi_client.get(f"/api/v1/records/{body['record_id']}", headers=vapi_as("otto"))
    assert hidden.status_code == 403
    assert vapi_client.get("/api/v1/records", headers=vapi_as("otto")).get_json()["records"] == []


def test_versions_and_duplicates(vapi_client, vapi_instance, vapi_as):
    first = _record(vapi_instance, kind="verification")
    stored = vapi_client.post("/api/v1/records", json=first, headers=vapi_as("vera"))
    assert stored.status_code == 201
    again = vapi_client.post("/api/v1/records", json=first, headers=vapi_as("vera"))
    assert again.status_code == 409
    second = _record(vapi_instance, kind="verification", supersedes=first["record_id"])
    answer = vapi_client.post("/api/v1/records", json=second, headers=vapi_as("vera"))
    assert answer.get_json()["supersedes"] == first["record_id"]


def test_paging_through_records(vapi_client, vapi_instance, vapi_as):
    ids = set()
    for _ in range(3):
        body = _record(vapi_instance, kind="case", case_id=str(uuid.uuid4()))
        vapi_client.post("/api/v1/records", json=body, headers=vapi_as("vera"))
        ids.add(body["record_id"])
    page = vapi_client.get("/api/v1/records?limit=2", headers=vapi_as("coord")).get_json()
    rest = vapi_client.get(f"/api/v1/records?limit=2&cursor={page['next_cursor']}",
                           headers=vapi_as("coord")).get_json()
    assert {r["record_id"] for r in page["records"] + rest["records"]} == ids
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"author": "coord"}, (400, "bad_request")),  # author key is not the caller's
        ({"day": "2001-01-01"}, (400, "bad_request")),
        ({"kind": "Bad Kind"}, (400, "bad_request")),
        ({"recipients_extra": "ada"}, (409, "key_state")),
        ({"tamper": True}, (400, "bad_signature")),
        ({"report_id": "unknown"}, (403, "no_access")),
        ({"record_id": "not-a-uuid"}, (400, "bad_request")),
    ],
)
def test_bad_records_are_refused(vapi_client, vapi_instance, vapi_as, change, expected):
    status, code = expected
    kwargs = {}
    if "author" in change:
        kwargs["author"] = change["author"]
    if "day" in change:
        kwargs["day"] = change["day"]
    if "kind" in change:
        kwargs["kind"] = change["kind"]
    if "report_id" in change:
        kwargs["report_id"] = str(uuid.uuid4())
    if "record_id" in change:
        kwargs["record_id"] = change["record_id"]
    body = _record(vapi_instance, **kwargs)
    if "recipients_extra" in change:
        body["recipients"] = [*body["recipients"], "f" * 32]
    if "tamper" in change:
        body["ciphertext_b64"] = b64encode(b"swapped ciphertext")
    answer = vapi_client.post("/api/v1/records", json=body, headers=vapi_as("vera"))
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["code"] == code


def test_client_reported_audit_actions(vapi_client, vapi_instance, vapi_as, vapi_signed):
    report_id = add_report(vapi_instance)
    entry = vapi_client.post("/api/v1/audit", json={"action": "export", "report_id": report_id},
                             headers=vapi_signed("coord", "export", report_id))
    assert entry.status_code == 201
    assert entry.get_json()["action"] == "export"
    assert entry.get_json()["target"] != report_id
    unknown = vapi_client.post("/api/v1/audit", json={"action": "delete_everything"},
                               headers=vapi_as("coord"))
    assert unknown.status_code == 400
    invisible = vapi_client.post("/api/v1/audit", json={"action": "export",
                                                        "report_id": report_id},
                                 headers=vapi_signed("otto", "export", report_id))
    assert invisible.status_code == 403
    assert invisible.get_json()["error"]["code"] == "no_access"
