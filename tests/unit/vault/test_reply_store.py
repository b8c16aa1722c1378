"""vault.reply_store: fetch marks only advance, retention deletes by first-fetched day with
the chain floor kept, burning removes the lookup, replies and status (S6)."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
import sqlalchemy as sa

from vault import reply_store, store
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import EventConflict, InvalidRecord
from vault.models import Event, Report

DAY = dt.date(2026, 3, 1)


@pytest.fixture
def reply_sessions(database_url):
    migrate(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def _report(factory, replies: int = 0) -> str:
    report_id = str(uuid.uuid4())
    with transaction(factory) as session:
        store.add_report(session, report_id=report_id, day=DAY, envelope=b"env",
                         bundle_serial=1, server_sealed=False, lookup_hash=os.urandom(32),
                         stanzas={"ab" * 16: b"sealed"})
        for seq in range(1, replies + 1):
            store.add_event(session, report_id, "to_reporter", seq, b"reply", DAY)
        store.add_event(session, report_id, "from_reporter", 1, b"mine", DAY)
    return report_id


def _fetched(factory, report_id):
    with factory() as session:
        rows = session.execute(sa.select(Event.seq, Event.fetched_day).where(
            Event.report_id == report_id, Event.direction == "to_reporter")
            .order_by(Event.seq)).all()
        return dict(rows), session.get(Report, report_id).replies_fetched_seq


def test_fetch_marks_only_advance(reply_sessions):
    report_id = _report(reply_sessions, replies=3)
    with transaction(reply_sessions) as session:
        assert reply_store.record_replies_fetched(session, report_id, 2, DAY) == 2
    later = DAY + dt.timedelta(days=5)
    with transaction(reply_sessions) as session:
        assert reply_store.record_replies_fetched(session, report_id, 3, later) == 1
        assert reply_store.record_replies_fetched(session, report_id, 1, later) == 0
    assert _fetched(reply_sessions, report_id) == ({1: DAY, 2: DAY, 3: later}, 3)
    with transaction(reply_sessions) as session, pytest.raises(InvalidRecord):
        reply_store.record_replies_fetched(session, report_id, -1, DAY)


@pytest.mark.parametrize(("keep", "deleted"), [(10, 0), (9, 0), (5, 2), (0, 3)])
def test_retention_deletes_by_first_fetched_day(reply_sessions, keep, deleted):
    report_id = _report(reply_sessions, replies=4)
    with transaction(reply_sessions) as session:
        reply_store.record_replies_fetched(session, report_id, 2, DAY)
        reply_store.record_replies_fetched(session, report_id, 3, DAY + dt.timedelta(days=4))
    today = DAY + dt.timedelta(days=min(keep, 5) if keep else 4)
    with transaction(reply_sessions) as session:
        result = reply_store.delete_fetched_replies(session, today, keep)
    assert result.replies == deleted
    remaining, floor = _fetched(reply_sessions, report_id)
    assert 4 in remaining  # never fetched: never deleted
    assert floor == 3
    with transaction(reply_sessions) as session:
        assert store.next_event_seq(session, report_id, "to_reporter") == 5
        assert reply_store.reply_counts(session, [report_id])[report_id] == (deleted, 4)
        # a reporter's own events are never touched
        assert len(store.list_events(session, report_id, "from_reporter")) == 1


def test_the_floor_survives_deleting_every_reply(reply_sessions):
    report_id = _report(reply_sessions, replies=2)
    with transaction(reply_sessions) as session:
        reply_store.record_replies_fetched(session, report_id, 2, DAY)
        reply_store.delete_fetched_replies(session, DAY, 0)
    with transaction(reply_sessions) as session:
        assert store.next_event_seq(session, report_id, "to_reporter") == 3
        assert reply_store.reply_counts(session, [report_id])[report_id] == (2, 2)
    for seq in (1, 2):
        with transaction(reply_sessions) as session, pytest.raises(EventConflict):
            store.add_event(session, report_id, "to_reporter", seq, b"again", DAY)
    with transaction(reply_sessions) as session:
        store.add_event(session, report_id, "to_reporter", 3, b"next", DAY)


def test_burn_removes_lookup_replies_and_status_and_keeps_the_report(reply_sessions):
    report_id = _report(reply_sessions, replies=2)
    with transaction(reply_sessions) as session:
        store.set_reporter_status(session, report_id, b"status", 2, DAY)
        lookup = session.get(Report, report_id).lookup_hash
        burned = reply_store.burn_receipt(session, report_id, DAY)
    assert burned.replies_deleted == 2
    with transaction(reply_sessions) as session:
        assert store.find_report_by_lookup(session, lookup) is None
        record = store.get_report(session, report_id)
        assert (record.status_sealed, record.receipt_live, record.state) == (None, False,
                                                                             "active")
        assert store.next_event_seq(session, report_id, "to_reporter") == 3
        assert len(store.list_events(session, report_id, "from_reporter")) == 1


def test_no_column_of_the_new_state_holds_a_time(reply_sessions):
    """Days only (S7): the fetch day is a DATE, the mark an integer."""
    assert isinstance(Event.__table__.c.fetched_day.type, sa.Date)
    assert isinstance(Report.__table__.c.replies_fetched_seq.type, sa.Integer)
