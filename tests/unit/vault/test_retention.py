"""vault.retention: which reports are due, purge of rows and files, VACUUM, audit."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from nacl.signing import SigningKey

from vault import audit, blobs, store
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import UnknownReport
from vault.models import Blob, Event, PurgeRecord, Report, Stanza
from vault.retention import expired_reports, purge_report, run_purge

DAY = dt.date(2026, 1, 10)
AUDIT_KEY = os.urandom(32)
RETENTION = {"new": 365, "closed": 90, "verified": 1825, "withdrawn": 0}


@pytest.fixture
def purge_env(database_url, tmp_path):
    migrate(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine), blobs.FileBlobBackend(tmp_path / "blobs"), database_url
    engine.dispose()


def _report_with_blob(factory, backend, marker: bytes, day=DAY) -> tuple[str, str]:
    report_id = str(uuid.uuid4())
    with transaction(factory) as session:
        blob = blobs.write_blob(session, backend, [marker + os.urandom(64)], chunk_count=1,
                                day=day)
        store.add_report(session, report_id=report_id, day=day, envelope=marker * 4,
                         bundle_serial=1, server_sealed=False, lookup_hash=os.urandom(32),
                         stanzas={"rev-a": b"sealed"}, blob_ids=[blob.blob_id])
        store.add_event(session, report_id, "from_reporter", 0, marker, day)
    return report_id, blob.blob_id


def _count(factory, model) -> int:
    with factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_withdrawn_reports_are_due_at_once_active_ones_after_the_longest_retention(purge_env):
    factory, backend, _ = purge_env
    withdrawn, _ = _report_with_blob(factory, backend, b"w" * 16)
    active, _ = _report_with_blob(factory, backend, b"a" * 16)
    with transaction(factory) as session:
        store.mark_withdrawn(session, withdrawn, DAY)
    with factory() as session:
        assert [c.report_id for c in expired_reports(session, DAY, RETENTION)] == [withdrawn]
        late = DAY + dt.timedelta(days=1825)
        due = {c.report_id: c for c in expired_reports(session, late, RETENTION)}
        assert set(due) == {withdrawn, active}
        assert due[active].due_day == late
        assert expired_reports(session, late - dt.timedelta(days=1), RETENTION)[0].state == \
            "withdrawn"


def test_run_purge_removes_rows_files_and_freed_pages(purge_env):
    factory, backend, url = purge_env
    marker = b"PURGE-ME-" + os.urandom(8).hex().encode()
    report_id, blob_id = _report_with_blob(factory, backend, marker)
    kept_id, kept_blob = _report_with_blob(factory, backend, b"KEEP-" * 4)
    with transaction(factory) as session:
        store.mark_withdrawn(session, report_id, DAY)
    dry = run_purge(factory, backend, today=DAY, retention_days=RETENTION,
                    audit_key=AUDIT_KEY, dry_run=True)
    assert (dry.reports, dry.dry_run) == (1, True)
    assert _count(factory, Report) == 2
    summary = run_purge(factory, backend, today=DAY, retention_days=RETENTION,
                        audit_key=AUDIT_KEY)
    assert (summary.reports, summary.blobs) == (1, 1)
    assert not backend.exists(blob_id)
    assert backend.exists(kept_blob)
    with factory() as session:
        assert session.get(Report, report_id) is None
        assert session.get(Report, kept_id) is not None
        assert session.scalar(sa.select(sa.func.count()).select_from(Stanza)) == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1
        assert session.get(Blob, blob_id) is None
        (record,) = session.scalars(sa.select(PurgeRecord))
        assert record.target == audit.target_hash(AUDIT_KEY, report_id)
        entry, replies = audit.entries(session)
        assert (entry.action, entry.target) == ("report.purge", record.target)
        # one entry per run for replies the reporter read (S6): counts only, no report named
        assert (replies.action, replies.target) == ("replies.purge", None)
        assert replies.detail == {"replies": 0, "reports": 0, "retention_days": 30}
        assert report_id not in entry.leaf_data().decode()
    if url.startswith("sqlite"):
        db_file = Path(url.removeprefix("sqlite:///"))
        for path in (db_file, db_file.with_name(db_file.name + "-wal")):
            if path.exists():
                assert marker not in path.read_bytes(), path


def test_the_audit_chain_still_verifies_after_a_purge(purge_env):
    factory, backend, _ = purge_env
    key = SigningKey.generate()
    report_id, _ = _report_with_blob(factory, backend, b"x" * 16)
    with transaction(factory) as session:
        audit.append(session, actor="reviewer-1", action="report.open",
                     target=audit.target_hash(AUDIT_KEY, report_id), day=DAY)
        saved = audit.sign_head(session, key, DAY)
        purge_report(session, report_id, audit_key=AUDIT_KEY, day=DAY, reason="request")
        audit.sign_head(session, key, DAY)
    with factory() as session:
        assert audit.verify_log(session, key.verify_key, saved).size == 2
    with transaction(factory) as session, pytest.raises(UnknownReport):
        purge_report(session, report_id, audit_key=AUDIT_KEY, day=DAY, reason="again")


def test_abandoned_uploads_and_blobs_are_cleaned(purge_env):
    factory, backend, _ = purge_env
    with transaction(factory) as session:
        lonely = blobs.write_blob(session, backend, [b"never attached"], chunk_count=1, day=DAY)
    later = DAY + dt.timedelta(days=3)
    summary = run_purge(factory, backend, today=later, retention_days=RETENTION,
                        audit_key=AUDIT_KEY)
    assert summary.unattached_blobs == 1
    assert not backend.exists(lonely.blob_id)
    assert _count(factory, Blob) == 0


def test_startup_sweep_removes_crash_leftovers(purge_env):
    from vault.retention import startup_sweep

    factory, backend, _ = purge_env
    (backend.scratch_dir / "crashed.part").write_bytes(b"half a blob")
    assert startup_sweep(factory, backend, DAY).temp_files == 0  # within the grace period
    assert startup_sweep(factory, backend, DAY, grace_seconds=-1).temp_files == 1
    assert list(backend.scratch_dir.iterdir()) == []
