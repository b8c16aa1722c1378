"""vault.store.add_event with blob_ids: a reporter's file_added event attaches its files."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid

import pytest

from vault import store
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import BlobAlreadyAttached, InvalidRecord, UnknownBlob
from vault.models import Blob, Event

DAY = dt.date(2026, 11, 23)


@pytest.fixture
def event_blob_sessions(database_url):
    migrate(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def _blob(factory) -> str:
    # A blob row exists only once its upload completed (vault.uploads); an unfinished
    # upload is an unknown blob here.
    blob_id = hashlib.blake2b(os.urandom(64), digest_size=32).hexdigest()
    with transaction(factory) as session:
        session.add(Blob(blob_id=blob_id, report_id=None, ct_len=64, chunk_count=1,
                         day=DAY, state="stored"))
    return blob_id


def _report(factory, blob_ids=()) -> str:
    report_id = str(uuid.uuid4())
    with transaction(factory) as session:
        store.add_report(session, report_id=report_id, day=DAY, envelope=b"ct" * 32,
                         bundle_serial=1, server_sealed=False, lookup_hash=os.urandom(32),
                         stanzas={"rev-a": b"sealed"}, blob_ids=list(blob_ids))
    return report_id


def _event(factory, report_id, seq, blob_ids, direction="from_reporter"):
    with transaction(factory) as session:
        return store.add_event(session, report_id, direction, seq, b"event" * 8, DAY,
                               blob_ids=blob_ids)


def _state(factory, blob_id):
    with factory() as session:
        blob = session.get(Blob, blob_id)
        return blob.state, blob.report_id


def _events(factory, report_id) -> int:
    with factory() as session:
        return session.query(Event).filter(Event.report_id == report_id).count()


def test_file_added_event_attaches_its_blobs_to_the_report(event_blob_sessions):
    factory = event_blob_sessions
    first = _blob(factory)
    report_id = _report(factory, [first])
    later = [_blob(factory), _blob(factory)]
    record = _event(factory, report_id, 1, later)
    assert record.seq == 1
    for blob_id in later:
        assert _state(factory, blob_id) == ("attached", report_id)
    with factory() as session:
        assert set(store.report_blob_ids(session, report_id)) == {first, *later}
        assert set(store.get_report(session, report_id).blob_ids) == {first, *later}


@pytest.mark.parametrize("problem", ["unknown", "attached", "twice"])
def test_bad_blob_refuses_the_event_and_attaches_nothing(event_blob_sessions, problem):
    factory = event_blob_sessions
    report_id = _report(factory)
    good = _blob(factory)
    if problem == "unknown":
        bad, error = "ab" * 32, UnknownBlob
    elif problem == "attached":
        bad = _blob(factory)
        _report(factory, [bad])
        error = BlobAlreadyAttached
    else:
        bad, error = good, InvalidRecord
    with pytest.raises(error):
        _event(factory, report_id, 1, [good, bad])
    assert _state(factory, good) == ("stored", None)
    assert _events(factory, report_id) == 0
    _event(factory, report_id, 1, [good])  # the seq is still free; the good blob attaches
    assert _state(factory, good) == ("attached", report_id)


def test_blob_cannot_move_to_a_second_event_or_come_from_reviewers(event_blob_sessions):
    factory = event_blob_sessions
    report_id = _report(factory)
    blob_id = _blob(factory)
    _event(factory, report_id, 1, [blob_id])
    with pytest.raises(BlobAlreadyAttached):
        _event(factory, report_id, 2, [blob_id])
    with pytest.raises(InvalidRecord):
        _event(factory, report_id, 1, [_blob(factory)], direction="to_reporter")
    assert _events(factory, report_id) == 1
