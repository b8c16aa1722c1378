"""vault.blobs: content-addressed, atomic, streamed blob files; crash safety; sweeping."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from vault import blobs
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import BlobCorrupt, DiskFull, InvalidRecord, UnknownBlob, UploadTooLarge
from vault.models import Blob

DAY = dt.date(2026, 11, 23)


@pytest.fixture
def blob_env(database_url, tmp_path):
    migrate(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine), blobs.FileBlobBackend(tmp_path / "blobs"), database_url
    engine.dispose()


def _stored_files(backend) -> list:
    return [p for p in backend.root.glob("??/??/*") if p.is_file()]


def test_write_then_read_back_streams_the_same_bytes(blob_env):
    factory, backend, _ = blob_env
    parts = [os.urandom(1000) for _ in range(5)]
    with transaction(factory) as session:
        stored = blobs.write_blob(session, backend, iter(parts), chunk_count=5, day=DAY)
    whole = b"".join(parts)
    assert stored.blob_id == blobs.blob_id_of(whole)
    assert stored.ct_len == len(whole)
    assert b"".join(blobs.read_blob(backend, stored.blob_id, read_size=333)) == whole
    path = backend.path_for(stored.blob_id)
    assert path.parent.parent.name == stored.blob_id[:2]
    assert path.stat().st_mtime == blobs.midnight_utc(DAY)
    for directory in (path.parent, path.parent.parent, backend.scratch_dir):
        assert directory.stat().st_mtime == blobs.midnight_utc(DAY)
    assert list(backend.scratch_dir.iterdir()) == []
    with factory() as session:
        row = session.get(Blob, stored.blob_id)
        assert (row.state, row.report_id, row.chunk_count, row.day) == ("stored", None, 5, DAY)


def test_identical_ciphertext_is_stored_once(blob_env):
    factory, backend, _ = blob_env
    data = os.urandom(100)
    with transaction(factory) as session:
        one = blobs.write_blob(session, backend, [data], chunk_count=1, day=DAY)
    with transaction(factory) as session:
        two = blobs.write_blob(session, backend, [data], chunk_count=1, day=DAY)
    assert one == two
    assert len(_stored_files(backend)) == 1


def test_over_cap_empty_and_full_disk_leave_nothing(blob_env):
    factory, backend, _ = blob_env
    with transaction(factory) as session, pytest.raises(UploadTooLarge):
        blobs.write_blob(session, backend, [b"x" * 60, b"y" * 60], chunk_count=2, day=DAY,
                         max_bytes=100)
    with transaction(factory) as session, pytest.raises(InvalidRecord):
        blobs.write_blob(session, backend, [], chunk_count=1, day=DAY)
    with transaction(factory) as session, pytest.raises(DiskFull):
        blobs.write_blob(session, backend, [b"z"], chunk_count=1, day=DAY,
                         min_free_bytes=1 << 62)
    assert _stored_files(backend) == []
    assert list(backend.scratch_dir.iterdir()) == []
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Blob)) == 0


def test_a_corrupted_blob_is_detected_on_read(blob_env):
    factory, backend, _ = blob_env
    with transaction(factory) as session:
        stored = blobs.write_blob(session, backend, [os.urandom(500)], chunk_count=1, day=DAY)
    path = backend.path_for(stored.blob_id)
    raw = bytearray(path.read_bytes())
    raw[10] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(BlobCorrupt):
        blobs.verify_blob(backend, stored.blob_id)
    with pytest.raises(UnknownBlob):
        blobs.verify_blob(backend, "00" * 32)


CHILD = textwrap.dedent(
    """
    import sys, time, datetime as dt
    from pathlib import Path
    from vault import blobs
    from vault.db import make_engine, session_factory, transaction

    factory = session_factory(make_engine(sys.argv[1]))
    backend = blobs.FileBlobBackend(Path(sys.argv[2]))

    def chunks():
        for _ in range(8):
            yield b"c" * 65536
        print("half-written", flush=True)
        time.sleep(600)
        yield b"never"

    with transaction(factory) as session:
        blobs.write_blob(session, backend, chunks(), chunk_count=9, day=dt.date(2026, 1, 1))
    """
)


def test_kill_9_during_a_write_leaves_no_blob_and_no_row(blob_env):
    factory, backend, url = blob_env
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(backend.root)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout.readline().strip() == "half-written"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert _stored_files(backend) == []
    leftovers = list(backend.scratch_dir.iterdir())
    assert len(leftovers) == 1
    assert leftovers[0].stat().st_size == 8 * 65536
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Blob)) == 0
        assert blobs.sweep(session, backend, grace_seconds=3600).temp_files == 0  # too fresh
        assert blobs.sweep(session, backend, grace_seconds=-1).temp_files == 1
    assert list(backend.scratch_dir.iterdir()) == []


def test_a_file_whose_row_never_landed_is_swept(blob_env):
    factory, backend, _ = blob_env
    with transaction(factory) as session:
        kept = blobs.write_blob(session, backend, [b"kept"], chunk_count=1, day=DAY)
    temp = backend.scratch_dir / "crash.part"
    temp.write_bytes(b"orphan")
    backend.store_file(temp, blobs.blob_id_of(b"orphan"), DAY)  # crash before the row
    with factory() as session:
        report = blobs.sweep(session, backend, grace_seconds=-1)
    assert report == blobs.SweepReport(temp_files=0, orphan_blobs=1)
    assert [p.name for p in _stored_files(backend)] == [kept.blob_id]
