"""The reporter's inbox: open with the receipt (lookup id + proof of work over JSON, or the
receipt itself without JS), verified reviewer replies, signed reporter events chained
across visits, consent changes and withdrawal recorded at once; wrong receipts rate-limited."""

from __future__ import annotations

import re

import sqlalchemy as sa

from vault.canonical import b64encode, utc_day


def test_the_inbox_opens_with_the_lookup_id_and_returns_only_data(
        intake_client, intake_kit, submitted_report):
    report_id, keys, _receipt = submitted_report
    response = intake_kit.open_inbox(intake_client, keys.lookup_id)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["report_id"] == report_id
    assert data["state"] == "active"
    assert data["readers"] == 2
    assert data["replies"] == []
    assert data["next_seq"] == 1
    assert data["head"] is None


def test_a_wrong_receipt_gets_404_and_misses_are_rate_limited(
        tmp_path, database_url, intake_kit):
    from intake.app import create_app

    instance = intake_kit.build_instance(tmp_path, database_url,
                                         intake={"limit_receipt": "3 per hour"})
    client = create_app(instance.config).test_client()
    statuses = [intake_kit.open_inbox(client, bytes([n]) * 32).status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    assert intake_kit.open_inbox(client, bytes([9]) * 32).get_json() is not None


def test_the_receipt_proof_of_work_is_required(intake_client, submitted_report):
    _report_id, keys, _ = submitted_report
    response = intake_client.post("/api/v1/inbox", json={"lookup_id": b64encode(keys.lookup_id)})
    assert response.status_code == 403


def _event_body(instance, keys, report_id, *, seq, prev_hash, kind, payload, kit):
    from nacl.public import PublicKey, SealedBox

    from vault.canonical import canonical_json
    from vault.seal import seal_reporter_event

    sealed = seal_reporter_event(report_id, seq, prev_hash, kind, payload,
                                 bundle=kit.verified_bundle(instance), receipt_keys=keys,
                                 day=utc_day())
    head = SealedBox(PublicKey(keys.reply_pk)).encrypt(
        canonical_json({"seq": seq, "event_hash": sealed.event_hash.hex()}))
    return {"lookup_id": b64encode(keys.lookup_id), "envelope": b64encode(sealed.envelope),
            "seq": seq, "head": b64encode(head)}, sealed


def test_reporter_events_chain_across_visits_and_withdrawal_is_immediate(
        intake_client, intake_instance, intake_kit, submitted_report):
    from vault.events import ZERO_HASH

    report_id, keys, _ = submitted_report
    body, first = _event_body(intake_instance, keys, report_id, seq=1, prev_hash=ZERO_HASH,
                              kind="message", payload={"text": "more", "day": utc_day()},
                              kit=intake_kit)
    assert intake_client.post("/api/v1/inbox/events", json=body).status_code == 201
    again = intake_client.post("/api/v1/inbox/events", json=body)
    assert again.status_code == 400  # seq 1 is taken: the next must be 2
    view = intake_kit.open_inbox(intake_client, keys.lookup_id).get_json()
    assert view["next_seq"] == 2
    assert view["head"] is not None
    body, _ = _event_body(intake_instance, keys, report_id, seq=2, prev_hash=first.event_hash,
                          kind="withdrawal", payload={"day": utc_day()}, kit=intake_kit)
    body["withdraw_report"] = True
    assert intake_client.post("/api/v1/inbox/events", json=body).status_code == 201
    assert intake_kit.open_inbox(intake_client, keys.lookup_id).get_json()["state"] == "withdrawn"


def test_an_event_for_another_report_is_refused(intake_client, intake_instance, intake_kit,
                                                 submitted_report):
    from vault.events import ZERO_HASH

    _report_id, keys, _ = submitted_report
    body, _ = _event_body(intake_instance, keys, "7d2f4b1e-9a8c-4d3e-8f2a-1b2c3d4e5f60", seq=1,
                          prev_hash=ZERO_HASH, kind="message",
                          payload={"text": "x", "day": utc_day()}, kit=intake_kit)
    response = intake_client.post("/api/v1/inbox/events", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"] == "event_replay"


def test_nojs_inbox_shows_verified_replies_and_acts(
        intake_client, intake_instance, intake_kit, submitted_report):
    from vault.events import ZERO_HASH

    report_id, keys, receipt = submitted_report
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1, prev_hash=ZERO_HASH,
                              kind="reply",
                              payload={"text": "We received your report.", "day": utc_day()})
    page = intake_client.post("/inbox/nojs", data={"receipt": receipt})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "We received your report." in html
    assert "verified reviewer" in html
    sent = intake_client.post("/inbox/nojs/act", data={
        "receipt": receipt, "action": "message", "message": "A new detail."})
    assert "Sent, signed with your receipt." in sent.get_data(as_text=True)
    changed = intake_client.post("/inbox/nojs/act", data={
        "receipt": receipt, "action": "consent", "given_by": "victim",
        "scope-public_advocacy": "withdraw", "scope-aggregate_statistics": "grant"})
    assert "Your choices were recorded." in changed.get_data(as_text=True)
    withdrawn = intake_client.post("/inbox/nojs/act", data={"receipt": receipt,
                                                            "action": "withdraw"})
    assert "You withdrew this report" in withdrawn.get_data(as_text=True)
    _check_reporter_chain(intake_instance, intake_kit, report_id, keys)


def _check_reporter_chain(instance, kit, report_id, keys):
    """The reviewer side verifies the three server-sealed events as one signed chain."""
    from vault import open as vault_open

    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        sealed = [row[0] for row in conn.execute(sa.text(
            "SELECT sealed FROM events WHERE direction = 'from_reporter' ORDER BY seq"))]
    engine.dispose()
    key_id, pair = next(iter(instance.reviewers.items()))
    events = vault_open.open_reporter_events(
        sealed, key_id, pair.x25519_sk, kit.verified_bundle(instance),
        reporter_signing_pk=keys.signing_pk, report_id=report_id)
    assert [e.type for e in events] == ["message", "consent_change", "withdrawal"]


def test_nojs_inbox_with_a_wrong_receipt_is_404(intake_client):
    response = intake_client.post("/inbox/nojs", data={"receipt": "1 abandon " * 1 + "zoo " * 7})
    assert response.status_code == 404
    bad = intake_client.post("/inbox/nojs", data={"receipt": "not a receipt"})
    assert bad.status_code == 404


def test_nojs_consent_for_un_scopes_needs_the_victim(intake_client, submitted_report):
    _report_id, _keys, receipt = submitted_report
    response = intake_client.post("/inbox/nojs/act", data={
        "receipt": receipt, "action": "consent", "given_by": "not_asked",
        "scope-un_confidential": "grant"})
    assert response.status_code == 400
    assert re.search("UN and publication choices stay off", response.get_data(as_text=True))


def test_nojs_inbox_shows_the_status_and_the_signed_withdrawal_acknowledgement(
        intake_client, intake_instance, submitted_report, intake_kit):
    from vault.events import ZERO_HASH

    report_id, keys, receipt = submitted_report
    first = intake_kit.reviewer_reply(
        intake_instance, report_id, keys, seq=1, prev_hash=ZERO_HASH, kind="status",
        payload={"status": "under_verification", "day": utc_day()})
    intake_kit.reviewer_reply(
        intake_instance, report_id, keys, seq=2, prev_hash=first, kind="withdrawal_ack",
        payload={"text": "Withdrawal recorded.", "day": utc_day()})
    html = intake_client.post("/inbox/nojs", data={"receipt": receipt}).get_data(as_text=True)
    assert "Status: Being verified" in html
    assert "Signed acknowledgement of your withdrawal" in html
    assert "could not be verified" not in html


def test_a_reply_signed_by_a_key_outside_the_bundle_is_not_verified(
        intake_client, intake_instance, submitted_report):
    from nacl.signing import SigningKey

    from vault import store
    from vault.crypto import seal_box
    from vault.db import make_engine, session_factory, transaction
    from vault.events import ZERO_HASH, sign_event

    report_id, keys, receipt = submitted_report
    forged = sign_event(report_id, 1, ZERO_HASH, "reply", {"text": "Send us your address."},
                        signing_key=SigningKey.generate())
    sealed = seal_box(bytes(16) + forged, keys.reply_pk)
    engine = make_engine(intake_instance.config.database_url)
    with transaction(session_factory(engine)) as session:
        store.add_event(session, report_id, "to_reporter", 1, sealed, utc_day())
    engine.dispose()
    html = intake_client.post("/inbox/nojs", data={"receipt": receipt}).get_data(as_text=True)
    assert "Send us your address." not in html
    assert "could not be verified" in html


def test_a_file_added_event_attaches_its_uploaded_file(intake_client, intake_instance,
                                                      intake_kit, submitted_report):
    import os

    from vault.attachments import seal_attachment_bytes
    from vault.events import ZERO_HASH

    report_id, keys, _ = submitted_report
    blob, entry = seal_attachment_bytes("later.pdf", "application/pdf", os.urandom(70_000))
    intake_kit.upload_blob(intake_client, blob, entry)
    body, _ = _event_body(intake_instance, keys, report_id, seq=1, prev_hash=ZERO_HASH,
                          kind="file_added", payload={"attachments": [entry.to_manifest()]},
                          kit=intake_kit)
    unknown = intake_client.post("/api/v1/inbox/events", json={**body, "blobs": ["ab" * 32]})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"] == "unknown_blob"
    bad = intake_client.post("/api/v1/inbox/events", json={**body, "blobs": "nope"})
    assert bad.status_code == 400
    response = intake_client.post("/api/v1/inbox/events", json={**body, "blobs": [entry.blob_id]})
    assert response.status_code == 201
    engine = sa.create_engine(intake_instance.config.database_url)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT report_id, state FROM blobs WHERE blob_id = :b"),
                                 {"b": entry.blob_id}).one()
    engine.dispose()
    assert (row.report_id, row.state) == (report_id, "attached")
    # The file is bound to the report: a second event cannot take it again.
    again, _ = _event_body(intake_instance, keys, report_id, seq=2, prev_hash=ZERO_HASH,
                           kind="file_added", payload={"attachments": [entry.to_manifest()]},
                           kit=intake_kit)
    taken = intake_client.post("/api/v1/inbox/events", json={**again, "blobs": [entry.blob_id]})
    assert taken.get_json()["error"] == "blob_already_attached"
