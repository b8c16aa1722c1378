"""vault.reply_store.reporter_head / set_reporter_head: the reporter's sealed chain head lives
on the report row — kept, replaced, bounded, cleared by a burn, gone with a purge."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
import sqlalchemy as sa

from vault import reply_store, store
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import InvalidRecord, UnknownReport
from vault.models import Report

DAY = dt.date(2026, 3, 1)


@pytest.fixture
def head_sessions(database_url):
    migrate(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def _report(factory) -> str:
    report_id = str(uuid.uuid4())
    with transaction(factory) as session:
        store.add_report(session, report_id=report_id, day=DAY, envelope=b"env",
                         bundle_serial=1, server_sealed=False, lookup_hash=os.urandom(32),
                         stanzas={"ab" * 16: b"sealed"})
    return report_id


def _head(factory, report_id):
    with factory() as session:
        return reply_store.reporter_head(session, report_id)


def test_a_head_is_kept_and_replaced_and_moves_the_last_change_day(head_sessions):
    report_id = _report(head_sessions)
    assert _head(head_sessions, report_id) is None
    first, second = os.urandom(80), os.urandom(reply_store.MAX_HEAD_BYTES)
    with transaction(head_sessions) as session:
        reply_store.set_reporter_head(session, report_id, first, DAY + dt.timedelta(days=2))
    assert _head(head_sessions, report_id) == first
    with transaction(head_sessions) as session:
        reply_store.set_reporter_head(session, report_id, second, DAY)  # an older day
    assert _head(head_sessions, report_id) == second
    with head_sessions() as session:
        assert session.get(Report, report_id).last_change_day == DAY + dt.timedelta(days=2)


@pytest.mark.parametrize("sealed", [b"", os.urandom(513), "text"])
def test_an_empty_oversized_or_non_bytes_head_is_refused_and_nothing_changes(
        head_sessions, sealed):
    report_id = _report(head_sessions)
    with transaction(head_sessions) as session:
        reply_store.set_reporter_head(session, report_id, b"kept", DAY)
    with transaction(head_sessions) as session, pytest.raises(InvalidRecord):
        reply_store.set_reporter_head(session, report_id, sealed, DAY)
    assert _head(head_sessions, report_id) == b"kept"


def test_the_database_itself_bounds_the_column(head_sessions):
    """A CHECK constraint, so no writer (nor a bug) can park a large blob in a head."""
    report_id = _report(head_sessions)
    with pytest.raises(sa.exc.IntegrityError), transaction(head_sessions) as session:
        session.execute(sa.update(Report).where(Report.id == report_id)
                        .values(reporter_head=os.urandom(reply_store.MAX_HEAD_BYTES + 1)))
    assert _head(head_sessions, report_id) is None


def test_an_unknown_report_is_refused(head_sessions):
    missing = str(uuid.uuid4())
    with transaction(head_sessions) as session, pytest.raises(UnknownReport):
        reply_store.set_reporter_head(session, missing, b"head", DAY)
    with head_sessions() as session, pytest.raises(UnknownReport):
        reply_store.reporter_head(session, missing)


def test_a_burn_clears_the_head_and_no_head_is_kept_after_it(head_sessions):
    report_id = _report(head_sessions)
    with transaction(head_sessions) as session:
        reply_store.set_reporter_head(session, report_id, b"head", DAY)
        reply_store.burn_receipt(session, report_id, DAY)
    assert _head(head_sessions, report_id) is None
    # An event racing the burn (its report found before the burn committed) keeps no head:
    # the event fails as for an unknown receipt.
    with transaction(head_sessions) as session, pytest.raises(UnknownReport):
        reply_store.set_reporter_head(session, report_id, b"late head", DAY)
    assert _head(head_sessions, report_id) is None


def test_a_purge_removes_the_head_with_the_report(head_sessions):
    from vault.retention import purge_report

    report_id = _report(head_sessions)
    head = os.urandom(80)
    with transaction(head_sessions) as session:
        reply_store.set_reporter_head(session, report_id, head, DAY)
    with transaction(head_sessions) as session:
        purge_report(session, report_id, audit_key=bytes(32), day=DAY, reason="withdrawn")
    with head_sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(Report).where(
            Report.reporter_head.is_not(None))) == 0


def test_migration_0009_goes_down_and_up_keeping_the_other_constraints(database_url):
    from alembic import command

    from vault.db import alembic_config

    migrate(database_url)
    command.downgrade(alembic_config(database_url), "0008_action_signatures")
    engine = make_engine(database_url)
    try:
        columns = {c["name"] for c in sa.inspect(engine).get_columns("reports")}
        assert "reporter_head" not in columns
        migrate(database_url)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("reports")}
        assert "reporter_head" in columns
        checks = {c["name"] for c in sa.inspect(engine).get_check_constraints("reports")}
        assert {"ck_reports_state", "ck_reports_reporter_head"} <= checks
    finally:
        engine.dispose()
