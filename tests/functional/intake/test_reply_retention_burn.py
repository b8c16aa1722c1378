"""S6 on the reporter side: replies the reporter fetched are recorded (day only, only ever
advancing) and deleted by ``haven purge`` N days later with the status and the chain kept;
"burn my receipt" (JSON and no-JS) makes the receipt answer exactly like a wrong one, and
the reviewers see the signed burn."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from vault.canonical import b64encode, utc_day
from vault.events import ZERO_HASH


def _engine(instance):
    from vault.db import make_engine

    return make_engine(instance.config.database_url)


def _fetch_state(instance, report_id):
    engine = _engine(instance)
    with engine.connect() as conn:
        days = dict(conn.execute(sa.text(
            "SELECT seq, fetched_day FROM events WHERE direction = 'to_reporter' "
            "AND report_id = :r"), {"r": report_id}).all())
        floor = conn.execute(sa.text("SELECT replies_fetched_seq FROM reports WHERE id = :r"),
                             {"r": report_id}).scalar_one()
    engine.dispose()
    return {seq: (None if day is None else str(day)) for seq, day in days.items()}, floor


def _age_fetches(instance, report_id, seqs, days_ago: int):
    engine = _engine(instance)
    old = dt.date.fromisoformat(utc_day()) - dt.timedelta(days=days_ago)
    with engine.begin() as conn:
        for seq in seqs:
            conn.execute(sa.text("UPDATE events SET fetched_day = :d WHERE report_id = :r "
                                 "AND direction = 'to_reporter' AND seq = :s"),
                         {"d": old, "r": report_id, "s": seq})
    engine.dispose()
    return old.isoformat()


def test_fetches_are_recorded_by_day_and_only_advance(intake_client, intake_instance,
                                                      intake_kit, submitted_report):
    from vault import reply_store
    from vault.db import session_factory, transaction

    report_id, keys, _ = submitted_report
    h1 = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1, prev_hash=ZERO_HASH)
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=2, prev_hash=h1)
    assert _fetch_state(intake_instance, report_id) == ({1: None, 2: None}, 0)
    assert intake_kit.open_inbox(intake_client, keys.lookup_id).status_code == 200
    today = utc_day()
    assert _fetch_state(intake_instance, report_id) == ({1: today, 2: today}, 2)
    old = _age_fetches(intake_instance, report_id, [1], 10)
    assert intake_kit.open_inbox(intake_client, keys.lookup_id).status_code == 200
    # A later visit never moves the first-shown day of a reply, nor the mark, back or on.
    assert _fetch_state(intake_instance, report_id) == ({1: old, 2: today}, 2)
    engine = _engine(intake_instance)
    with transaction(session_factory(engine)) as session:
        assert reply_store.record_replies_fetched(session, report_id, 1, "2000-01-01") == 0
    engine.dispose()
    assert _fetch_state(intake_instance, report_id) == ({1: old, 2: today}, 2)


def test_the_no_js_inbox_records_fetches_too(intake_client, intake_instance, submitted_report,
                                             intake_kit):
    report_id, keys, receipt = submitted_report
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1, prev_hash=ZERO_HASH)
    page = intake_client.post("/inbox/nojs", data={"receipt": receipt})
    assert page.status_code == 200
    assert "reply 1" in page.get_data(as_text=True)
    assert "days after they are first shown to you" in page.get_data(as_text=True)
    assert _fetch_state(intake_instance, report_id) == ({1: utc_day()}, 1)


def test_purge_deletes_only_replies_read_n_days_ago_and_keeps_status_and_chain(
        intake_client, intake_instance, intake_kit, submitted_report):
    from intake.reporter_inbox import current_status, open_replies
    from vault import audit, store
    from vault.blobs import FileBlobBackend
    from vault.db import session_factory, transaction
    from vault.errors import EventConflict
    from vault.retention import run_purge

    report_id, keys, receipt = submitted_report
    h1 = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1, prev_hash=ZERO_HASH)
    h2 = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=2, prev_hash=h1,
                                   kind="status", payload={"status": "verified"},
                                   status_copy=True)
    h3 = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=3, prev_hash=h2)
    assert intake_kit.open_inbox(intake_client, keys.lookup_id).status_code == 200
    _age_fetches(intake_instance, report_id, [1, 2], 30)
    _age_fetches(intake_instance, report_id, [3], 29)
    # Never fetched:
    h4 = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=4, prev_hash=h3)
    engine = _engine(intake_instance)
    factory = session_factory(engine)
    summary = run_purge(factory, FileBlobBackend(intake_instance.config.blob_dir),
                        today=utc_day(), retention_days=intake_instance.config.retention_days,
                        audit_key=bytes(32), reply_retention_days=30)
    assert (summary.replies.replies, summary.replies.reports) == (2, 1)
    assert set(_fetch_state(intake_instance, report_id)[0]) == {3, 4}
    with transaction(factory) as session:
        entry = [e for e in audit.entries(session) if e.action == "replies.purge"][-1]
        assert entry.target is None
        assert entry.detail == {"replies": 2, "reports": 1, "retention_days": 30}
        assert store.next_event_seq(session, report_id, "to_reporter") == 5
        with pytest.raises(EventConflict):  # a deleted seq is never reused
            store.add_event(session, report_id, "to_reporter", 1, b"x", utc_day())
    # The chain goes on:
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=5, prev_hash=h4)
    from intake.inbox import read_inbox

    services = intake_client.application.extensions["haven_intake"]
    view = read_inbox(services, keys.lookup_id)
    assert view.replies_deleted == 2
    shown = open_replies(view, keys, services.bundle.parsed)
    assert [(e.seq, e.verified) for e in shown] == [(3, True), (4, True), (5, True)]
    # The status reply was deleted; the reporter still sees the status, from its copy.
    assert current_status(view, shown, keys, services.bundle.parsed) == "Verified"
    page = intake_client.post("/inbox/nojs", data={"receipt": receipt}).get_data(as_text=True)
    assert "Earlier replies deleted after you read them: 2." in page
    assert "Status: Verified" in page
    engine.dispose()


def test_zero_days_deletes_every_fetched_reply_and_the_next_reply_continues(
        intake_client, intake_instance, intake_kit, submitted_report):
    from vault import store
    from vault.blobs import FileBlobBackend
    from vault.db import session_factory, transaction
    from vault.retention import run_purge

    report_id, keys, _ = submitted_report
    h1 = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1, prev_hash=ZERO_HASH)
    assert intake_kit.open_inbox(intake_client, keys.lookup_id).status_code == 200
    engine = _engine(intake_instance)
    factory = session_factory(engine)
    run_purge(factory, FileBlobBackend(intake_instance.config.blob_dir), today=utc_day(),
              retention_days=intake_instance.config.retention_days, audit_key=bytes(32),
              reply_retention_days=0)
    with transaction(factory) as session:
        assert store.list_events(session, report_id, "to_reporter") == []
        assert store.next_event_seq(session, report_id, "to_reporter") == 2
    engine.dispose()
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=2, prev_hash=h1)
    view = intake_kit.open_inbox(intake_client, keys.lookup_id).get_json()
    assert [r["seq"] for r in view["replies"]] == [2]
    assert view["replies_deleted"] == 1


def _burn_body(instance, kit, keys, report_id, seq=1):
    from vault.seal import seal_reporter_event

    sealed = seal_reporter_event(report_id, seq, ZERO_HASH, "receipt_burned",
                                 {"day": utc_day()}, bundle=kit.verified_bundle(instance),
                                 receipt_keys=keys, day=utc_day())
    return {"lookup_id": b64encode(keys.lookup_id), "envelope": b64encode(sealed.envelope),
            "seq": seq}


def _reporter_events(instance, kit, keys, report_id):
    from vault import open as vault_open

    engine = _engine(instance)
    with engine.connect() as conn:
        sealed = [r[0] for r in conn.execute(sa.text(
            "SELECT sealed FROM events WHERE direction = 'from_reporter' ORDER BY seq"))]
    engine.dispose()
    key_id, pair = next(iter(instance.reviewers.items()))
    return vault_open.open_reporter_events(
        sealed, key_id, pair.x25519_sk, kit.verified_bundle(instance),
        reporter_signing_pk=keys.signing_pk, report_id=report_id)


def test_a_burned_receipt_answers_exactly_like_a_wrong_one(intake_client, intake_instance,
                                                           intake_kit, submitted_report):
    from vault import audit
    from vault.db import session_factory, transaction
    from vault.reply_store import reporter_head, set_reporter_head

    report_id, keys, _ = submitted_report
    h1 = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1, prev_hash=ZERO_HASH,
                                   kind="status", payload={"status": "triaged"},
                                   status_copy=True)
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=2, prev_hash=h1)
    services = intake_client.application.extensions["haven_intake"]
    with transaction(services.sessions) as session:  # as a reporter event leaves it
        set_reporter_head(session, report_id, b"sealed head", dt.date.today())
    burned = intake_client.post("/api/v1/inbox/burn",
                                json=_burn_body(intake_instance, intake_kit, keys, report_id))
    assert burned.status_code == 200, burned.get_json()
    after = intake_kit.open_inbox(intake_client, keys.lookup_id)
    never = intake_kit.open_inbox(intake_client, bytes(range(32)))
    assert (after.status_code, after.get_data()) == (never.status_code, never.get_data())
    assert sorted(after.headers.keys()) == sorted(never.headers.keys())
    again = intake_client.post("/api/v1/inbox/burn",
                               json=_burn_body(intake_instance, intake_kit, keys, report_id, 2))
    assert again.status_code == 404
    with transaction(services.sessions) as session:
        assert reporter_head(session, report_id) is None  # the chain head went with the burn
    engine = _engine(intake_instance)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT lookup_hash, status_sealed, state, "
                                   "replies_fetched_seq FROM reports")).one()
        replies = conn.execute(sa.text(
            "SELECT count(*) FROM events WHERE direction = 'to_reporter'")).scalar_one()
    assert (row[0], row[1], row[2], row[3], replies) == (None, None, "active", 2, 0)
    with transaction(session_factory(engine)) as session:
        entry = [e for e in audit.entries(session) if e.action == "receipt.burn"][-1]
    engine.dispose()
    assert (entry.actor, entry.target, entry.detail) == ("reporter", None,
                                                         {"replies_deleted": 2})
    events = _reporter_events(intake_instance, intake_kit, keys, report_id)
    assert [e.type for e in events] == ["receipt_burned"]  # signed by the receipt key


def test_burning_needs_the_next_seq_and_the_report_of_the_receipt(
        intake_client, intake_instance, intake_kit, submitted_report):
    report_id, keys, _ = submitted_report
    wrong_seq = _burn_body(intake_instance, intake_kit, keys, report_id, seq=3)
    assert intake_client.post("/api/v1/inbox/burn", json=wrong_seq).status_code == 400
    services = intake_client.application.extensions["haven_intake"]
    from intake.inbox import read_inbox

    assert read_inbox(services, keys.lookup_id).report_id == report_id  # nothing burned


def test_burn_without_javascript_has_a_confirmation_step(intake_client, intake_instance,
                                                         intake_kit, submitted_report):
    report_id, keys, receipt = submitted_report
    page = intake_client.post("/inbox/nojs", data={"receipt": receipt}).get_data(as_text=True)
    assert 'id="burn-start"' in page
    assert "Burning is not withdrawing" in page
    ask = intake_client.post("/inbox/nojs/act", data={"receipt": receipt,
                                                      "action": "burn_confirm"})
    assert ask.status_code == 200
    assert 'id="burn-confirm"' in ask.get_data(as_text=True)
    unconfirmed = intake_client.post("/inbox/nojs/act", data={"receipt": receipt,
                                                              "action": "burn"})
    assert 'id="burn-confirm"' in unconfirmed.get_data(as_text=True)  # asked again
    assert intake_client.post("/inbox/nojs", data={"receipt": receipt}).status_code == 200
    done = intake_client.post("/inbox/nojs/act", data={"receipt": receipt, "action": "burn",
                                                       "confirm": "yes"})
    assert done.status_code == 200
    assert 'id="burned"' in done.get_data(as_text=True)
    from vault.receipts import new_receipt

    after = intake_client.post("/inbox/nojs", data={"receipt": receipt})
    never = intake_client.post("/inbox/nojs", data={"receipt": new_receipt()})
    assert (after.status_code, after.get_data()) == (never.status_code, never.get_data())
    assert after.status_code == 404
    events = _reporter_events(intake_instance, intake_kit, keys, report_id)
    assert [e.type for e in events] == ["receipt_burned"]
