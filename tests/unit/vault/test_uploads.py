"""vault.uploads: resumable chunked uploads, strict order, caps, crash recovery, flat memory."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import tracemalloc

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault import blobs
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import (
    BadChunk,
    ChunkMismatch,
    ChunkOutOfOrder,
    DiskFull,
    UnknownUpload,
    UploadExpired,
    UploadIncomplete,
    UploadTooLarge,
)
from vault.models import Blob, UploadSession
from vault.uploads import UploadLimits, Uploads, fixed_size_chunks

DAY = dt.date(2026, 11, 23)
CHUNK = 1024


def _uploads(backend, *, chunk=CHUNK, max_bytes=64 * CHUNK, min_free=0) -> Uploads:
    limits = UploadLimits(chunk_size=chunk, max_bytes=max_bytes, min_free_bytes=min_free)
    return Uploads(backend, limits, fixed_size_chunks(chunk))


@pytest.fixture
def upload_env(database_url, tmp_path):
    migrate(database_url)
    engine = make_engine(database_url)
    backend = blobs.FileBlobBackend(tmp_path / "blobs")
    yield session_factory(engine), backend, database_url
    engine.dispose()


def _put(factory, uploads, upload_id, index, data, *, today=DAY):
    with transaction(factory) as session:
        return uploads.put_chunk(session, upload_id, index, data, today=today)


def _begin(factory, uploads, count):
    with transaction(factory) as session:
        return uploads.begin_upload(session, count, day=DAY)


def test_chunks_become_one_content_addressed_blob(upload_env):
    factory, backend, _ = upload_env
    uploads = _uploads(backend)
    chunks = [os.urandom(CHUNK), os.urandom(CHUNK), os.urandom(100)]
    upload_id = _begin(factory, uploads, 3)
    for index, data in enumerate(chunks):
        assert _put(factory, uploads, upload_id, index, data) == index + 1
    with transaction(factory) as session:
        assert uploads.upload_status(session, upload_id, today=DAY).next_index == 3
        blob_id = uploads.finish_upload(session, upload_id, today=DAY)
    whole = b"".join(chunks)
    assert blob_id == hashlib.blake2b(whole, digest_size=32).hexdigest()
    assert b"".join(blobs.read_blob(backend, blob_id)) == whole
    assert list(backend.upload_dir.iterdir()) == []
    with factory() as session:
        row = session.get(Blob, blob_id)
        assert (row.ct_len, row.chunk_count, row.state) == (len(whole), 3, "stored")
        assert session.get(UploadSession, upload_id) is None


def test_resending_the_last_chunk_is_accepted_only_if_identical(upload_env):
    factory, backend, _ = upload_env
    uploads = _uploads(backend)
    first, second = os.urandom(CHUNK), os.urandom(CHUNK)
    upload_id = _begin(factory, uploads, 3)
    _put(factory, uploads, upload_id, 0, first)
    _put(factory, uploads, upload_id, 1, second)
    assert _put(factory, uploads, upload_id, 1, second) == 2  # reply was lost; resend
    with pytest.raises(ChunkMismatch):
        _put(factory, uploads, upload_id, 1, os.urandom(CHUNK))
    with pytest.raises(ChunkOutOfOrder):
        _put(factory, uploads, upload_id, 0, first)
    with pytest.raises(ChunkOutOfOrder):
        _put(factory, uploads, upload_id, 3, b"x")
    assert (backend.upload_dir / upload_id).stat().st_size == 2 * CHUNK


def test_length_rules_caps_and_unknown_ids(upload_env):
    factory, backend, _ = upload_env
    uploads = _uploads(backend, max_bytes=4 * CHUNK)
    with pytest.raises(UploadTooLarge):
        _begin(factory, uploads, 5)
    with pytest.raises(BadChunk):
        _begin(factory, uploads, 0)
    upload_id = _begin(factory, uploads, 2)
    with pytest.raises(BadChunk):
        _put(factory, uploads, upload_id, 0, b"short")
    _put(factory, uploads, upload_id, 0, b"a" * CHUNK)
    with pytest.raises(BadChunk):
        _put(factory, uploads, upload_id, 1, b"b" * (CHUNK + 1))
    with pytest.raises(UploadIncomplete), transaction(factory) as session:
        uploads.finish_upload(session, upload_id, today=DAY)
    with pytest.raises(UnknownUpload):
        _put(factory, uploads, "f" * 64, 0, b"x")
    with pytest.raises(UnknownUpload):
        _put(factory, uploads, "../etc/passwd", 0, b"x")


def test_the_disk_high_water_mark_refuses_new_uploads(upload_env):
    factory, backend, _ = upload_env
    with pytest.raises(DiskFull):
        _begin(factory, _uploads(backend, min_free=1 << 62), 1)


def test_expired_uploads_are_refused_and_swept(upload_env):
    factory, backend, _ = upload_env
    uploads = _uploads(backend)
    upload_id = _begin(factory, uploads, 2)
    _put(factory, uploads, upload_id, 0, b"a" * CHUNK)
    later = DAY + dt.timedelta(days=2)
    with pytest.raises(UploadExpired):
        _put(factory, uploads, upload_id, 1, b"b", today=later)
    with transaction(factory) as session:
        assert uploads.sweep_expired(session, later) == 1
    assert list(backend.upload_dir.iterdir()) == []
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(UploadSession)) == 0


def test_bytes_of_a_chunk_whose_row_never_landed_are_dropped(upload_env):
    factory, backend, _ = upload_env
    uploads = _uploads(backend)
    chunks = [os.urandom(CHUNK), os.urandom(50)]
    upload_id = _begin(factory, uploads, 2)
    _put(factory, uploads, upload_id, 0, chunks[0])
    with open(backend.upload_dir / upload_id, "ab") as part:  # crash after the append
        part.write(b"garbage of a lost request")
    _put(factory, uploads, upload_id, 1, chunks[1])
    with transaction(factory) as session:
        blob_id = uploads.finish_upload(session, upload_id, today=DAY)
    assert blob_id == blobs.blob_id_of(b"".join(chunks))


CHILD = textwrap.dedent(
    """
    import sys, time, datetime as dt
    from pathlib import Path
    from vault import blobs
    from vault.db import make_engine, session_factory, transaction
    from vault.uploads import Uploads, UploadLimits, fixed_size_chunks

    factory = session_factory(make_engine(sys.argv[1]))
    backend = blobs.FileBlobBackend(Path(sys.argv[2]))
    uploads = Uploads(backend, UploadLimits(chunk_size=1024, max_bytes=1 << 20),
                      fixed_size_chunks(1024))
    upload_id = sys.argv[3]
    for index in range(3):
        with transaction(factory) as session:
            uploads.put_chunk(session, upload_id, index, bytes([index]) * 1024,
                              today=dt.date(2026, 11, 23))
    print("three chunks in", flush=True)
    time.sleep(600)
    """
)


def test_a_killed_uploader_is_resumed_from_upload_status(upload_env):
    factory, backend, url = upload_env
    uploads = _uploads(backend)
    upload_id = _begin(factory, uploads, 5)
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(backend.root), upload_id],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "three chunks in"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    with transaction(factory) as session:
        assert uploads.upload_status(session, upload_id, today=DAY).next_index == 3
    _put(factory, uploads, upload_id, 3, bytes([3]) * CHUNK)
    _put(factory, uploads, upload_id, 4, b"end")
    with transaction(factory) as session:
        blob_id = uploads.finish_upload(session, upload_id, today=DAY)
    expected = b"".join(bytes([i]) * CHUNK for i in range(4)) + b"end"
    assert blob_id == blobs.blob_id_of(expected)


def test_memory_stays_flat_in_the_file_size(upload_env):
    factory, backend, _ = upload_env
    chunk = 256 * 1024
    count = 64  # 16 MiB through the upload path
    uploads = _uploads(backend, chunk=chunk, max_bytes=count * chunk)
    upload_id = _begin(factory, uploads, count)
    data = os.urandom(chunk)
    tracemalloc.start()
    try:
        for index in range(count):
            _put(factory, uploads, upload_id, index, data)
        with transaction(factory) as session:
            blob_id = uploads.finish_upload(session, upload_id, today=DAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * chunk  # a few chunks, never the 16 MiB file
    assert backend.path_for(blob_id).stat().st_size == count * chunk


def test_a_wrong_declared_blob_id_moves_nothing(upload_env):
    from vault.errors import ManifestMismatch

    factory, backend, _ = upload_env
    uploads = _uploads(backend)
    upload_id = _begin(factory, uploads, 1)
    _put(factory, uploads, upload_id, 0, b"bytes")
    with pytest.raises(ManifestMismatch), transaction(factory) as session:
        uploads.finish_upload(session, upload_id, today=DAY, expected_blob_id="ab" * 32)
    assert list(backend.root.glob("??/??/*")) == []
    assert (backend.upload_dir / upload_id).stat().st_size == 5
    with transaction(factory) as session:
        blob_id = uploads.finish_upload(session, upload_id, today=DAY,
                                        expected_blob_id=blobs.blob_id_of(b"bytes"))
    assert backend.exists(blob_id)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["next", "resend", "skip", "back", "lost"]), max_size=25),
       st.integers(min_value=1, max_value=6))
def test_any_mix_of_retries_yields_the_exact_ciphertext(upload_env, actions, count):
    """Resends, out-of-order chunks and lost row updates never corrupt the upload."""
    factory, backend, _ = upload_env
    uploads = _uploads(backend)
    chunks = [os.urandom(CHUNK) for _ in range(count - 1)] + [os.urandom(7)]
    upload_id = _begin(factory, uploads, count)
    sent = 0
    for action in [*actions, *["next"] * count]:
        if sent == count:
            break
        if action == "next":
            sent = _put(factory, uploads, upload_id, sent, chunks[sent])
        elif action == "resend" and sent:
            assert _put(factory, uploads, upload_id, sent - 1, chunks[sent - 1]) == sent
        elif action in ("skip", "back") and (action == "skip" or sent > 1):
            index = sent + 1 if action == "skip" else sent - 2
            with pytest.raises(ChunkOutOfOrder):
                _put(factory, uploads, upload_id, index, b"x" * CHUNK)
        elif action == "lost":
            with open(backend.upload_dir / upload_id, "ab") as part:
                part.write(os.urandom(CHUNK // 2))
    with transaction(factory) as session:
        blob_id = uploads.finish_upload(session, upload_id, today=DAY)
    assert blob_id == blobs.blob_id_of(b"".join(chunks))
