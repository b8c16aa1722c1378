"""Reports through the API: visibility (S14), stanzas that really open, decrypt quotas and
alerts, reviewer events, blob streaming, assignment by signed grant and revocation."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from vault import audit
from vault.access import grant_access, seal_reply
from vault.api.testkit import add_report
from vault.canonical import b64decode, b64encode, utc_day
from vault.events import ZERO_HASH
from vault.models import AuditEntry
from vault.open import open_report


def _opened(client, signed, instance, name, report_id):
    headers = signed(name, "key_request", report_id)
    detail = client.get(f"/api/v1/reports/{report_id}", headers=headers).get_json()
    stanza = client.get(f"/api/v1/reports/{report_id}/stanza", headers=headers).get_json()
    pair = instance.people[name].keypair
    assert stanza["key_id"] == pair.key_id
    return open_report(b64decode(detail["envelope_b64"]), pair.key_id, pair.x25519_sk,
                       instance.verified_bundle(), grant=stanza["grant"])


def test_triage_members_see_and_open_new_reports(vapi_client, vapi_instance, vapi_as,
                                                 vapi_signed):
    report_id = add_report(vapi_instance, {"narrative": "detained after testimony"})
    listed = vapi_client.get("/api/v1/reports", headers=vapi_as("vera")).get_json()
    assert [r["report_id"] for r in listed["reports"]] == [report_id]
    summary = listed["reports"][0]
    assert summary["access"] == ["triage"]
    assert summary["day"] == utc_day()
    assert sorted(summary["recipients"]) == sorted(
        vapi_instance.people[n].key_id for n in ("coord", "vera"))
    for name in ("coord", "vera"):
        opened = _opened(vapi_client, vapi_signed, vapi_instance, name, report_id)
        assert opened.fields["narrative"] == "detained after testimony"


@pytest.mark.parametrize("suffix", ["", "/stanza", "/events"])
def test_off_duty_reviewers_and_unknown_ids_get_no_access(vapi_client, vapi_instance, vapi_as,
                                                          vapi_signed, suffix):
    report_id = add_report(vapi_instance)
    assert vapi_client.get("/api/v1/reports", headers=vapi_as("otto")).get_json()["reports"] == []
    for target in (report_id, str(uuid.uuid4()), "not-a-uuid"):
        answer = vapi_client.get(f"/api/v1/reports/{target}{suffix}",
                                 headers=vapi_signed("otto", "key_request", target))
        assert answer.status_code == 403
        assert answer.get_json()["error"]["code"] == "no_access"


def test_admin_alone_reads_no_reports(vapi_client, vapi_instance, vapi_as):
    report_id = add_report(vapi_instance)
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/stanza", headers=vapi_as("ada"))
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"
    keys = vapi_client.get("/api/v1/me/keys", headers=vapi_as("ada")).get_json()
    assert keys == {"keys": []}


def test_paging_is_stable(vapi_client, vapi_instance, vapi_as):
    ids = {add_report(vapi_instance) for _ in range(5)}
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = vapi_client.get(f"/api/v1/reports{query}", headers=vapi_as("coord")).get_json()
        seen += [r["report_id"] for r in page["reports"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))
    bad = vapi_client.get("/api/v1/reports?cursor=%%%", headers=vapi_as("coord"))
    assert bad.status_code == 400


def test_stanza_requests_are_audited_by_keyed_hash(vapi_client, vapi_instance, vapi_signed):
    report_id = add_report(vapi_instance)
    vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                    headers=vapi_signed("vera", "key_request", report_id))
    key = audit.load_audit_key(vapi_instance.config.keys_dir / "audit-target.key")
    with vapi_instance.sessions()() as session:
        row = session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "key_request")).one()
    assert row.actor == vapi_instance.people["vera"].account_id
    assert row.target == audit.target_hash(key, report_id)
    assert report_id not in (row.detail or "")


class TestQuota:
    @pytest.fixture
    def vapi_settings(self):
        return {"decrypt_quota_per_day": 3, "bulk_open_alert_threshold": 2}

    def test_quota_and_bulk_open_alert(self, vapi_client, vapi_instance, vapi_as, vapi_signed):
        ids = [add_report(vapi_instance) for _ in range(4)]
        for report_id in ids[:3]:
            ok = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                                 headers=vapi_signed("vera", "key_request", report_id))
            assert ok.status_code == 200
        # Opening the same report again costs nothing.
        again = vapi_client.get(f"/api/v1/reports/{ids[0]}", headers=vapi_as("vera"))
        assert again.status_code == 200
        over = vapi_client.get(f"/api/v1/reports/{ids[3]}/stanza",
                               headers=vapi_signed("vera", "key_request", ids[3]))
        assert over.status_code == 429
        assert over.get_json()["error"]["code"] == "quota_exceeded"
        alerts = vapi_client.get("/api/v1/alerts", headers=vapi_as("coord")).get_json()["alerts"]
        assert [(a["account_id"], a["kind"], a["count"]) for a in alerts] == [
            (vapi_instance.people["vera"].account_id, "bulk_open", 3)]
        # Another reviewer's quota is their own.
        other = vapi_client.get(f"/api/v1/reports/{ids[3]}/stanza",
                                headers=vapi_signed("coord", "key_request", ids[3]))
        assert other.status_code == 200
        entries = vapi_client.get("/api/v1/audit?limit=200", headers=vapi_as("ada")).get_json()
        assert "bulk_open_alert" in [e["action"] for e in entries["entries"]]

    def test_bulk_exports_raise_an_alert(self, vapi_client, vapi_instance, vapi_as, vapi_signed):
        report_id = add_report(vapi_instance)
        for _ in range(3):
            answer = vapi_client.post("/api/v1/audit",
                                      headers=vapi_signed("coord", "export", report_id),
                                      json={"action": "export", "report_id": report_id})
            assert answer.status_code == 201
        alerts = vapi_client.get("/api/v1/alerts", headers=vapi_as("ada")).get_json()["alerts"]
        assert [(a["kind"], a["count"]) for a in alerts] == [("bulk_export", 3)]


def test_reviewer_events_chain_and_sequence(vapi_client, vapi_instance, vapi_as, vapi_signed):
    report_id = add_report(vapi_instance)
    opened = _opened(vapi_client, vapi_signed, vapi_instance, "coord", report_id)
    reply = seal_reply(report_id, 1, ZERO_HASH, "reply", {"text": "we received it"},
                       reviewer=vapi_instance.people["coord"].keypair,
                       reporter_reply_pk=opened.reporter_reply_pk)
    body = {"kind": "reply", "seq": 1, "sealed_b64": b64encode(reply.envelope)}
    posted = vapi_client.post(f"/api/v1/reports/{report_id}/events", json=body,
                              headers=vapi_as("coord"))
    assert posted.status_code == 201
    assert posted.get_json()["direction"] == "to_reporter"
    for seq in (1, 3):
        clash = vapi_client.post(f"/api/v1/reports/{report_id}/events",
                                 json={**body, "seq": seq}, headers=vapi_as("coord"))
        assert clash.status_code == 409
        assert clash.get_json()["error"]["code"] == "sequence_conflict"
    events = vapi_client.get(f"/api/v1/reports/{report_id}/events?direction=to_reporter",
                             headers=vapi_as("vera")).get_json()["events"]
    assert [(e["seq"], e["author"]) for e in events] == [(1, "reviewer")]
    assert b64decode(events[0]["sealed_b64"]) == reply.envelope


def test_blob_streams_as_octet_stream_and_is_audited(vapi_client, vapi_instance, vapi_as):
    report_id = add_report(vapi_instance, files=(("photo.jpg", "image/jpeg", b"\xff" * 70000),))
    detail = vapi_client.get(f"/api/v1/reports/{report_id}", headers=vapi_as("vera")).get_json()
    (blob,) = detail["blobs"]
    answer = vapi_client.get(f"/api/v1/reports/{report_id}/blobs/{blob['blob_id']}",
                             headers=vapi_as("vera"))
    assert answer.status_code == 200
    assert answer.mimetype == "application/octet-stream"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert len(answer.data) == blob["ct_len"]
    other = add_report(vapi_instance)
    stolen = vapi_client.get(f"/api/v1/reports/{other}/blobs/{blob['blob_id']}",
                             headers=vapi_as("vera"))
    assert stolen.status_code == 403
    entries = vapi_client.get("/api/v1/audit", headers=vapi_as("ada")).get_json()["entries"]
    assert "download" in [e["action"] for e in entries]


def _grant(instance, report_id, envelope, grantee="otto", granter="coord"):
    pair = instance.people[granter].keypair
    return grant_access(envelope, pair.key_id, pair.x25519_sk, instance.verified_bundle(),
                        instance.people[grantee].key_id, granter=pair, day=utc_day())


def test_assignment_reseals_to_the_assignee_and_revocation_removes_it(
    vapi_client, vapi_instance, vapi_as, vapi_signed
):
    report_id = add_report(vapi_instance, {"narrative": "travel ban"})
    detail = vapi_client.get(f"/api/v1/reports/{report_id}", headers=vapi_as("coord")).get_json()
    document = _grant(vapi_instance, report_id, b64decode(detail["envelope_b64"]))
    assigned = vapi_client.post(f"/api/v1/reports/{report_id}/grants", json=document,
                                headers=vapi_as("coord"))
    assert assigned.status_code == 201
    grant = assigned.get_json()
    assert grant["reason"] == "assignment"
    assert grant["account_id"] == vapi_instance.people["otto"].account_id
    listed = vapi_client.get("/api/v1/reports", headers=vapi_as("otto")).get_json()["reports"]
    assert listed[0]["access"] == ["triage", "assigned"]
    opened = _opened(vapi_client, vapi_signed, vapi_instance, "otto", report_id)
    assert opened.fields["narrative"] == "travel ban"
    key_id = vapi_instance.people["otto"].key_id
    revoked = vapi_client.delete(f"/api/v1/reports/{report_id}/grants/{key_id}",
                                 headers=vapi_as("coord"))
    assert revoked.status_code == 204
    gone = vapi_client.get(f"/api/v1/reports/{report_id}/stanza",
                           headers=vapi_signed("otto", "key_request", report_id))
    assert gone.status_code == 403


@pytest.mark.parametrize("tamper", ["signature", "report", "granter", "day"])
def test_bad_grants_are_refused(vapi_client, vapi_instance, vapi_as, tamper):
    report_id = add_report(vapi_instance)
    detail = vapi_client.get(f"/api/v1/reports/{report_id}", headers=vapi_as("coord")).get_json()
    envelope = b64decode(detail["envelope_b64"])
    if tamper == "granter":
        # vera signs a grant but coord uploads it: granted_by is not the caller's key.
        document = _grant(vapi_instance, report_id, envelope, granter="vera")
    else:
        document = _grant(vapi_instance, report_id, envelope)
    if tamper == "signature":
        document["grant"]["key_id"] = vapi_instance.people["vera"].key_id
    elif tamper == "report":
        document["grant"]["report_id"] = str(uuid.uuid4())
    elif tamper == "day":
        document["grant"]["day"] = "2001-01-01"
    answer = vapi_client.post(f"/api/v1/reports/{report_id}/grants", json=document,
                              headers=vapi_as("coord"))
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] in {"bad_request", "bad_signature"}
