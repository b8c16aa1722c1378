"""Replies deleted after the reporter read them, and burned receipts (S6), as the reviewers
live them: the report page says what went, the next reply continues the chain, and a burned
receipt closes the conversation."""

from __future__ import annotations

import datetime as dt

from vault import store
from vault.canonical import utc_day
from vault.db import transaction
from vault.reply_store import burn_receipt, delete_fetched_replies, record_replies_fetched
from vault.reporter_open import open_reviewer_events


def _to_reporter(rv, report_id):
    with transaction(rv.instance.sessions()) as session:
        return [e.sealed for e in store.list_events(session, report_id, "to_reporter")]


def _opened(rv, report, **kwargs):
    return open_reviewer_events(_to_reporter(rv, report.report_id), report.receipt_keys,
                                rv.instance.verified_bundle(), report_id=report.report_id,
                                **kwargs)


def test_a_reply_after_the_read_ones_were_deleted_continues_the_chain(rv):
    report = rv.submit()
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    for text in ("We received your report.", "Can you tell us the date?"):
        assert coord.post(f"{path}/reply", {"text": text}, token_from=path).status_code == 302
    read = _opened(rv, report)
    assert [e.seq for e in read] == [1, 2]

    today = dt.date.fromisoformat(utc_day())
    with transaction(rv.instance.sessions()) as session:
        record_replies_fetched(session, report.report_id, 2, today - dt.timedelta(days=31))
        deleted = delete_fetched_replies(session, today, 30)
    assert (deleted.reports, deleted.replies) == (1, 2)
    assert _to_reporter(rv, report.report_id) == []

    page = coord.page(path)
    assert 'id="replies-deleted"' in page
    assert "Earlier replies deleted after the reporter read them: 2" in page

    assert coord.post(f"{path}/reply", {"text": "Thank you, noted."},
                      token_from=path).status_code == 302
    remaining = _opened(rv, report, from_first_present=True)
    assert [e.seq for e in remaining] == [3]
    assert remaining[0].payload == {"text": "Thank you, noted."}
    # Chained on the deleted reply the reporter read, not restarted: no fork, no reuse.
    assert remaining[0].prev_hash == read[-1].event_hash


def test_replies_read_recently_stay_until_their_time(rv):
    report = rv.submit()
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    coord.post(f"{path}/reply", {"text": "We received your report."}, token_from=path)
    today = dt.date.fromisoformat(utc_day())
    with transaction(rv.instance.sessions()) as session:
        record_replies_fetched(session, report.report_id, 1, today - dt.timedelta(days=29))
        deleted = delete_fetched_replies(session, today, 30)
    assert deleted.replies == 0
    assert [e.seq for e in _opened(rv, report)] == [1]
    assert 'id="replies-deleted"' not in coord.page(path)


def test_a_burned_receipt_is_shown_to_the_reviewers_and_closes_the_reply_form(rv):
    report = rv.submit()
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    coord.post(f"{path}/reply", {"text": "We received your report."}, token_from=path)
    assert f'action="{path}/reply"' in coord.page(path)

    rv.reporter_event(report, "receipt_burned", {"day": utc_day()})
    with transaction(rv.instance.sessions()) as session:
        burned = burn_receipt(session, report.report_id, utc_day())
    assert burned.replies_deleted == 1

    page = coord.page(path)
    assert 'id="receipt-burned"' in page
    assert f'action="{path}/reply"' not in page
    # Burning is not withdrawing: the report is still there for the reviewers.
    with transaction(rv.instance.sessions()) as session:
        assert store.get_report(session, report.report_id).state == "active"
