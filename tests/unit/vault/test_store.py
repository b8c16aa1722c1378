"""vault.store: atomic reports, stanzas, events, reporter status, listing, bundles."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid

import pytest
import sqlalchemy as sa

from vault import bundle_store, store
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import (
    BlobAlreadyAttached,
    DuplicateLookup,
    DuplicateReport,
    EventConflict,
    InvalidRecord,
    ReportNotActive,
    StaleStatus,
    UnknownBlob,
    UnknownReport,
)
from vault.models import Blob, Report, Stanza

DAY = dt.date(2026, 11, 23)


@pytest.fixture
def store_sessions(database_url):
    migrate(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def _blob_row(factory, *, state="stored") -> str:
    data = os.urandom(64)
    blob_id = hashlib.blake2b(data, digest_size=32).hexdigest()
    with transaction(factory) as session:
        session.add(Blob(blob_id=blob_id, report_id=None, ct_len=64, chunk_count=1,
                         day=DAY, state=state))
    return blob_id


def _add(factory, *, report_id=None, lookup=None, blob_ids=(), stanzas=None):
    report_id = report_id or str(uuid.uuid4())
    with transaction(factory) as session:
        return store.add_report(
            session, report_id=report_id, day=DAY, envelope=b"ciphertext" * 8,
            bundle_serial=3, server_sealed=False, lookup_hash=lookup or os.urandom(32),
            stanzas=stanzas or {"rev-a": b"sealed-a", "rev-b": b"sealed-b"},
            blob_ids=list(blob_ids),
        )


def _count(factory, model) -> int:
    with factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_add_report_round_trips_with_stanzas_and_blobs(store_sessions):
    blob_id = _blob_row(store_sessions)
    lookup = os.urandom(32)
    record = _add(store_sessions, lookup=lookup, blob_ids=[blob_id])
    with store_sessions() as session:
        found = store.find_report_by_lookup(session, lookup)
        assert found == store.get_report(session, record.id)
        assert found.envelope == b"ciphertext" * 8
        assert found.blob_ids == (blob_id,)
        assert found.state == "active"
        assert found.last_change_day == DAY
        assert session.get(Blob, blob_id).state == "attached"
        assert [s.key_id for s in store.report_stanzas(session, record.id)] == ["rev-a", "rev-b"]
        assert store.reader_count(session, record.id) == 2


def test_unknown_blob_rejects_the_whole_report(store_sessions):
    with pytest.raises(UnknownBlob):
        _add(store_sessions, blob_ids=["ab" * 32])
    assert _count(store_sessions, Report) == 0
    assert _count(store_sessions, Stanza) == 0


def test_blob_of_another_report_is_refused_and_nothing_changes(store_sessions):
    blob_id = _blob_row(store_sessions)
    first = _add(store_sessions, blob_ids=[blob_id])
    with pytest.raises(BlobAlreadyAttached):
        _add(store_sessions, blob_ids=[blob_id])
    assert _count(store_sessions, Report) == 1
    with store_sessions() as session:
        assert session.get(Blob, blob_id).report_id == first.id


def test_failed_add_leaves_the_callers_session_usable(store_sessions):
    with transaction(store_sessions) as session:
        with pytest.raises(UnknownBlob):
            store.add_report(
                session, report_id=str(uuid.uuid4()), day=DAY, envelope=b"x",
                bundle_serial=1, server_sealed=False, lookup_hash=os.urandom(32),
                stanzas={"k": b"s"}, blob_ids=["cd" * 32],
            )
        store.add_report(
            session, report_id=str(uuid.uuid4()), day=DAY, envelope=b"x",
            bundle_serial=1, server_sealed=False, lookup_hash=os.urandom(32),
            stanzas={"k": b"s"},
        )
    assert _count(store_sessions, Report) == 1
    assert _count(store_sessions, Stanza) == 1


def test_duplicate_id_and_duplicate_lookup_are_named(store_sessions):
    lookup = os.urandom(32)
    record = _add(store_sessions, lookup=lookup)
    with pytest.raises(DuplicateReport):
        _add(store_sessions, report_id=record.id)
    with pytest.raises(DuplicateLookup):
        _add(store_sessions, lookup=lookup)
    assert _count(store_sessions, Report) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("report_id", "not-a-uuid"),
        ("report_id", "446a6406-e748-11f1-88f9-02fc00000001"),  # version 1: refused
        ("lookup_hash", b"short"),
        ("envelope", b""),
        ("stanzas", {}),
        ("day", "2026-13-01"),
        ("day", dt.datetime(2026, 1, 1, 12, 0)),
        ("blob_ids", ["XYZ"]),
    ],
)
def test_malformed_reports_are_refused(store_sessions, field, value):
    kwargs = {
        "report_id": str(uuid.uuid4()), "day": DAY, "envelope": b"e", "bundle_serial": 1,
        "server_sealed": False, "lookup_hash": os.urandom(32), "stanzas": {"k": b"s"},
        "blob_ids": [],
    }
    kwargs[field] = value
    with transaction(store_sessions) as session, pytest.raises(InvalidRecord):
        store.add_report(session, **kwargs)
    assert _count(store_sessions, Report) == 0


def test_events_keep_order_per_direction_and_refuse_conflicts(store_sessions):
    record = _add(store_sessions)
    later = DAY + dt.timedelta(days=3)
    with transaction(store_sessions) as session:
        store.add_event(session, record.id, "from_reporter", 0, b"e0", DAY)
        store.add_event(session, record.id, "from_reporter", 1, b"e1", later)
        store.add_event(session, record.id, "to_reporter", 0, b"r0", DAY)
    with transaction(store_sessions) as session, pytest.raises(EventConflict):
        store.add_event(session, record.id, "from_reporter", 1, b"fork", DAY)
    with store_sessions() as session:
        events = store.list_events(session, record.id, direction="from_reporter")
        assert [(e.seq, e.sealed) for e in events] == [(0, b"e0"), (1, b"e1")]
        assert [e.seq for e in store.list_events(session, record.id, after_seq=0)] == [1]
        assert len(store.list_events(session, record.id)) == 3
        assert store.next_event_seq(session, record.id, "from_reporter") == 2
        assert store.get_report(session, record.id).last_change_day == later
    with transaction(store_sessions) as session:
        with pytest.raises(InvalidRecord):
            store.add_event(session, record.id, "sideways", 0, b"x", DAY)
        with pytest.raises(UnknownReport):
            store.add_event(session, str(uuid.uuid4()), "to_reporter", 0, b"x", DAY)


def test_reporter_status_only_moves_forward(store_sessions):
    record = _add(store_sessions)
    with transaction(store_sessions) as session:
        store.set_reporter_status(session, record.id, b"sealed-status-1", 1, DAY)
    with transaction(store_sessions) as session, pytest.raises(StaleStatus):
        store.set_reporter_status(session, record.id, b"replayed", 1, DAY)
    with store_sessions() as session:
        report = store.get_report(session, record.id)
        assert (report.status_sealed, report.status_epoch) == (b"sealed-status-1", 1)


def test_grant_revoke_and_offboarding(store_sessions):
    one, two = _add(store_sessions), _add(store_sessions)
    with transaction(store_sessions) as session:
        store.grant_access(session, one.id, "rev-c", b"sealed-c", epoch=1, day=DAY)
        store.grant_access(session, one.id, "rev-a", b"resealed-a", epoch=2, day=DAY)
    with store_sessions() as session:
        assert [s.report_id for s in store.stanzas_for(session, "rev-c")] == [one.id]
        (stanza,) = store.stanzas_for(session, "rev-a", report_id=one.id)
        assert (stanza.sealed_key, stanza.epoch) == (b"resealed-a", 2)
    with transaction(store_sessions) as session:
        assert store.revoke_access(session, one.id, "rev-c") is True
        assert store.revoke_access(session, one.id, "rev-c") is False
        assert store.revoke_key_everywhere(session, "rev-b") == 2
    with store_sessions() as session:
        assert store.stanzas_for(session, "rev-c") == []
        assert store.stanzas_for(session, "rev-b") == []
        assert {r.id for r in store.list_reports(session, key_id="rev-a")} == {one.id, two.id}


def test_withdrawn_reports_take_no_new_grants(store_sessions):
    record = _add(store_sessions)
    with transaction(store_sessions) as session:
        store.mark_withdrawn(session, record.id, DAY)
    with transaction(store_sessions) as session, pytest.raises(ReportNotActive):
        store.grant_access(session, record.id, "rev-z", b"s", epoch=0, day=DAY)
    with store_sessions() as session:
        assert [r.id for r in store.list_reports(session, state="withdrawn")] == [record.id]
        assert store.list_reports(session, state="active") == []


def test_list_reports_filters_and_pages(store_sessions):
    ids = sorted(_add(store_sessions).id for _ in range(5))
    with store_sessions() as session:
        first = store.list_reports(session, limit=2)
        assert [r.id for r in first] == ids[:2]
        rest = store.list_reports(session, after_id=first[-1].id, limit=10)
        assert [r.id for r in rest] == ids[2:]
        assert store.list_reports(session, since_day=DAY + dt.timedelta(days=1)) == []
        assert len(store.list_reports(session, until_day=DAY, bundle_serial=3)) == 5
        assert store.list_reports(session, bundle_serial=4) == []
        with pytest.raises(InvalidRecord):
            store.list_reports(session, state="purged")


def test_bundles_grow_and_are_found_by_hash(store_sessions):
    with transaction(store_sessions) as session:
        record = bundle_store.add_bundle(session, 1, '{"serial":1}', DAY)
        bundle_store.add_bundle(session, 2, '{"serial":2}', DAY)
    with transaction(store_sessions) as session, pytest.raises(InvalidRecord):
        bundle_store.add_bundle(session, 2, '{"serial":2,"x":1}', DAY)
    with store_sessions() as session:
        assert bundle_store.latest_bundle(session).serial == 2
        assert bundle_store.bundle_by_sha256(session, record.sha256).document == '{"serial":1}'


def test_concurrent_reports_with_one_receipt_keep_exactly_one(store_sessions):
    import threading

    lookup = os.urandom(32)
    outcomes = []
    barrier = threading.Barrier(2)

    def submit():
        barrier.wait()
        try:
            _add(store_sessions, lookup=lookup)
            outcomes.append("stored")
        except DuplicateLookup:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate", "stored"]
    assert _count(store_sessions, Report) == 1
    assert _count(store_sessions, Stanza) == 2
