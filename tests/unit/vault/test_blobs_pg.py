"""The database blob backend (vault.blobs_pg): streamed, atomic, swept, behind BlobBackend.

Always on a real PostgreSQL (``postgres_database_url``: CI's server or a private one); the
backend refuses SQLite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from haven.config import config_from_mapping
from vault import blobs_pg
from vault.blobs import (
    FileBlobBackend,
    backend_from_config,
    blob_id_of,
    read_blob,
    sweep,
    write_blob,
)
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import BlobCorrupt, InvalidRecord, UnknownBlob
from vault.models import Blob
from vault.uploads import UploadLimits, Uploads, fixed_size_chunks

DAY = dt.date(2026, 3, 1)
PIECE = 1000  # small pieces so a few KB of test data spans many rows


@pytest.fixture
def db_backend(tmp_path: Path, postgres_database_url: str):
    migrate(postgres_database_url)
    engine = make_engine(postgres_database_url)
    backend = blobs_pg.DatabaseBlobBackend(engine, tmp_path / "local", piece_size=PIECE)
    yield backend, session_factory(engine)
    engine.dispose()


def _piece_rows(backend, blob_id: str) -> int:
    with backend.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(blobs_pg.chunks)
                            .where(blobs_pg.chunks.c.blob_id == blob_id)).scalar_one()


def test_write_and_read_back_across_many_pieces(db_backend):
    backend, sessions = db_backend
    data = os.urandom(7 * PIECE + 123)
    with transaction(sessions) as session:
        stored = write_blob(session, backend, [data[:2500], data[2500:]], chunk_count=2, day=DAY)
    assert stored.blob_id == blob_id_of(data)
    assert _piece_rows(backend, stored.blob_id) == 8
    assert b"".join(read_blob(backend, stored.blob_id)) == data
    assert backend.exists(stored.blob_id)
    assert not any(backend.scratch_dir.iterdir()), "the temp file is consumed"


def test_reads_stream_one_piece_at_a_time(db_backend):
    backend, sessions = db_backend
    data = os.urandom(5 * PIECE)
    with transaction(sessions) as session:
        blob_id = write_blob(session, backend, [data], chunk_count=1, day=DAY).blob_id
    with backend.open(blob_id) as handle:
        first = handle.read(10)
        assert first == data[:10]
        assert handle.read() == data[10:]


def test_the_same_ciphertext_is_stored_once(db_backend):
    backend, sessions = db_backend
    data = os.urandom(3 * PIECE)
    for _ in range(2):
        with transaction(sessions) as session:
            write_blob(session, backend, [data], chunk_count=1, day=DAY)
    assert _piece_rows(backend, blob_id_of(data)) == 3


def test_unknown_blob_is_a_named_error(db_backend):
    backend, _ = db_backend
    with pytest.raises(UnknownBlob):
        backend.open("ab" * 32)
    assert backend.exists("ab" * 32) is False
    assert backend.delete("ab" * 32) is False


def test_a_failure_half_way_leaves_nothing_visible(db_backend, tmp_path, monkeypatch):
    backend, _ = db_backend
    data = os.urandom(6 * PIECE)
    source = tmp_path / "upload.part"
    source.write_bytes(data)
    real_open = open

    class FailingFile:
        """Reads three pieces, then the disk fails (as a crash mid-copy would stop it)."""

        def __init__(self, *args, **kwargs):
            self.inner, self.reads = real_open(*args, **kwargs), 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.inner.close()

        def read(self, size):
            self.reads += 1
            if self.reads > 3:
                raise OSError("I/O error")
            return self.inner.read(size)

    monkeypatch.setattr(blobs_pg, "open", FailingFile, raising=False)
    with pytest.raises(OSError, match="I/O error"):
        backend.store_file(source, blob_id_of(data), DAY)
    assert not backend.exists(blob_id_of(data))
    assert _piece_rows(backend, blob_id_of(data)) == 0
    assert source.exists(), "the source is kept for the caller to retry or sweep"


def test_a_damaged_piece_is_detected(db_backend):
    backend, sessions = db_backend
    data = os.urandom(3 * PIECE)
    with transaction(sessions) as session:
        blob_id = write_blob(session, backend, [data], chunk_count=1, day=DAY).blob_id
    with backend.engine.begin() as conn:
        conn.execute(blobs_pg.chunks.update().where(blobs_pg.chunks.c.seq == 1)
                     .values(data=b"x" * PIECE))
    with pytest.raises(BlobCorrupt):
        b"".join(read_blob(backend, blob_id))
    with backend.engine.begin() as conn:
        conn.execute(blobs_pg.chunks.delete().where(blobs_pg.chunks.c.seq == 2))
    with pytest.raises(BlobCorrupt, match="lost piece 2"):
        b"".join(read_blob(backend, blob_id, verify=False))


def test_sweep_removes_only_old_orphans(db_backend, tmp_path):
    backend, sessions = db_backend
    old_orphan, fresh_orphan, known = (os.urandom(PIECE + i) for i in range(3))
    for data, day in ((old_orphan, DAY), (fresh_orphan, dt.datetime.now(dt.UTC).date())):
        path = tmp_path / "src"
        path.write_bytes(data)
        backend.store_file(path, blob_id_of(data), day)
    with transaction(sessions) as session:
        write_blob(session, backend, [known], chunk_count=1, day=DAY)
    with transaction(sessions) as session:
        report = sweep(session, backend, grace_seconds=3600)
    assert report.orphan_blobs == 1
    assert not backend.exists(blob_id_of(old_orphan))
    assert _piece_rows(backend, blob_id_of(old_orphan)) == 0
    assert backend.exists(blob_id_of(fresh_orphan)), "may belong to a write in progress"
    assert backend.exists(blob_id_of(known))


def test_resumable_upload_lands_in_the_database(db_backend):
    backend, sessions = db_backend
    uploads = Uploads(backend, UploadLimits(chunk_size=1500, max_bytes=10_000),
                      fixed_size_chunks(1500))
    data = os.urandom(4000)
    with transaction(sessions) as session:
        upload_id = uploads.begin_upload(session, 3, day=DAY)
    for index in range(3):
        with transaction(sessions) as session:
            uploads.put_chunk(session, upload_id, index, data[index * 1500:(index + 1) * 1500],
                              today=DAY)
    with transaction(sessions) as session:
        blob_id = uploads.finish_upload(session, upload_id, today=DAY,
                                        expected_blob_id=hashlib.blake2b(
                                            data, digest_size=32).hexdigest())
        assert session.get(Blob, blob_id) is not None
    assert b"".join(read_blob(backend, blob_id)) == data
    assert not any(backend.upload_dir.iterdir()), "the part file was consumed"


def test_the_backend_is_chosen_by_configuration(tmp_path, postgres_database_url):
    migrate(postgres_database_url)

    def config(vault: dict, url: str = postgres_database_url):
        raw = {"instance_id": "0" * 32, "vault": {"database_url": url, **vault}}
        return config_from_mapping(raw, tmp_path)

    assert isinstance(backend_from_config(config({})), FileBlobBackend)
    chosen = backend_from_config(config({"blob_store": "database"}))
    assert isinstance(chosen, blobs_pg.DatabaseBlobBackend)
    chosen.engine.dispose()
    with pytest.raises(InvalidRecord, match="blob_store"):
        backend_from_config(config({"blob_store": "s3"}))
    with pytest.raises(InvalidRecord, match="needs a PostgreSQL"):
        backend_from_config(config({"blob_store": "database"}, f"sqlite:///{tmp_path}/v.db"))
