"""Blob bytes in the vault database, in chunked rows: one blob store for several intake hosts.

``FileBlobBackend`` (vault.blobs) keeps blobs on one host's disk. Behind nginx with several
intake hosts, an upload finished on one host must be readable by every other host and by the
vault API; ``DatabaseBlobBackend`` keeps the bytes in PostgreSQL with the same guarantees as
the file backend (SQLite is refused: its single writer lock would make the backend's own
transaction wait for the caller's):

- atomic: a blob's object row and all its pieces are written in ONE transaction on the
  backend's own connection, committed before the caller inserts the ``blobs`` row (as the
  file backend renames before the row lands). A crash at any moment leaves either nothing
  visible or a complete blob; an object without a ``blobs`` row is an orphan that ``sweep``
  removes after a grace;
- streamed: ``store_file`` reads the finished upload file piece by piece and ``open`` returns
  a reader that fetches one piece per query, so memory stays flat for 500 MB files;
- no time of day at rest (S7): only the day is stored, so the sweep grace is counted in days.

Resumable uploads still append to a part file in ``upload_dir`` on the host that received
them (vault.uploads); that directory must be shared, or nginx must send all requests of one
upload to the same host (docs/scaling.md). Selected by ``[vault] blob_store = "database"``
(``vault.blobs.backend_from_config``).
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from vault.blobs import TEMP_SUFFIX, SweepReport
from vault.errors import BlobCorrupt, InvalidRecord, UnknownBlob
from vault.store_records import check_blob_id

# 1 MiB pieces: few rows for a 500 MB blob, small enough that one piece in memory is nothing.
PIECE_SIZE = 1024 * 1024

metadata = sa.MetaData()
objects = sa.Table(
    "blob_store_objects", metadata,
    sa.Column("blob_id", sa.String(64), primary_key=True),
    sa.Column("ct_len", sa.BigInteger, nullable=False),
    sa.Column("piece_count", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
)
chunks = sa.Table(
    "blob_store_chunks", metadata,
    sa.Column("blob_id", sa.String(64),
              sa.ForeignKey("blob_store_objects.blob_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)


class DatabaseBlobBackend:
    """Blobs as ``blob_store_objects`` + ``blob_store_chunks`` rows; temp files stay local."""

    def __init__(self, engine: sa.Engine, local_dir: Path, piece_size: int = PIECE_SIZE) -> None:
        self.engine = engine
        self.piece_size = piece_size
        root = Path(local_dir)
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._tmp = root / "tmp"
        self._tmp.mkdir(mode=0o700, exist_ok=True)
        self._uploads = root / "uploads"
        self._uploads.mkdir(mode=0o700, exist_ok=True)

    @property
    def scratch_dir(self) -> Path:
        return self._tmp

    @property
    def upload_dir(self) -> Path:
        return self._uploads

    def store_file(self, source: Path, blob_id: str, day: dt.date) -> None:
        check_blob_id(blob_id)
        size = source.stat().st_size
        pieces = max(1, -(-size // self.piece_size))
        with self.engine.begin() as conn:
            if self._exists(conn, blob_id):
                source.unlink(missing_ok=True)  # content addressing: same bytes, stored once
                return
            conn.execute(objects.insert().values(blob_id=blob_id, ct_len=size,
                                                 piece_count=pieces, day=day))
            with open(source, "rb") as handle:
                for seq in range(pieces):
                    data = handle.read(self.piece_size)
                    conn.execute(chunks.insert().values(blob_id=blob_id, seq=seq, data=data))
        source.unlink(missing_ok=True)

    def open(self, blob_id: str) -> BinaryIO:
        check_blob_id(blob_id)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(objects.c.ct_len, objects.c.piece_count)
                               .where(objects.c.blob_id == blob_id)).first()
        if row is None:
            raise UnknownBlob(f"blob {blob_id[:12]}… has no stored bytes")
        raw = _PieceReader(self.engine, blob_id, int(row.piece_count), int(row.ct_len))
        return io.BufferedReader(raw, buffer_size=self.piece_size)  # type: ignore[return-value]

    def exists(self, blob_id: str) -> bool:
        check_blob_id(blob_id)
        with self.engine.connect() as conn:
            return self._exists(conn, blob_id)

    @staticmethod
    def _exists(conn: sa.Connection, blob_id: str) -> bool:
        found = conn.execute(sa.select(objects.c.blob_id).where(objects.c.blob_id == blob_id))
        return found.first() is not None

    def delete(self, blob_id: str) -> bool:
        check_blob_id(blob_id)
        with self.engine.begin() as conn:
            # Pieces first: SQLite honours ON DELETE CASCADE only with foreign keys on.
            conn.execute(chunks.delete().where(chunks.c.blob_id == blob_id))
            result = conn.execute(objects.delete().where(objects.c.blob_id == blob_id))
        return bool(result.rowcount)

    def sweep(self, is_known: Callable[[str], bool], grace_seconds: int) -> SweepReport:
        cutoff = time.time() - grace_seconds
        temp_files = 0
        for path in self._tmp.iterdir():
            if path.is_file() and path.stat().st_ctime < cutoff:
                path.unlink(missing_ok=True)
                temp_files += 1
        # Only the day is stored (S7): an object is stale once its day ended a full grace ago.
        last_stale_day = dt.datetime.fromtimestamp(cutoff, dt.UTC).date() - dt.timedelta(days=1)
        with self.engine.connect() as conn:
            candidates = list(conn.execute(
                sa.select(objects.c.blob_id).where(objects.c.day <= last_stale_day)).scalars())
        orphans = sum(1 for blob_id in candidates
                      if not is_known(blob_id) and self.delete(blob_id))
        return SweepReport(temp_files, orphans)

    def new_temp_path(self) -> Path:
        return self._tmp / f"{secrets.token_hex(16)}{TEMP_SUFFIX}"


class _PieceReader(io.RawIOBase):
    """Reads a stored blob one piece (one query) at a time."""

    def __init__(self, engine: sa.Engine, blob_id: str, piece_count: int, ct_len: int) -> None:
        super().__init__()
        self._engine, self._blob_id = engine, blob_id
        self._piece_count, self._ct_len = piece_count, ct_len
        self._next_seq, self._buffer, self._delivered = 0, b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[override]
        if not self._buffer and self._next_seq < self._piece_count:
            self._buffer = self._fetch(self._next_seq)
            self._next_seq += 1
        count = min(len(target), len(self._buffer))
        target[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        self._delivered += count
        if count == 0 and self._delivered != self._ct_len:
            raise BlobCorrupt(f"blob {self._blob_id[:12]}… is shorter than stored")
        return count

    def _fetch(self, seq: int) -> bytes:
        with self._engine.connect() as conn:
            data = conn.execute(sa.select(chunks.c.data).where(
                chunks.c.blob_id == self._blob_id, chunks.c.seq == seq)).scalar()
        if data is None:
            # Deleted (purged) while being read, or damaged: never hand out a partial blob.
            raise BlobCorrupt(f"blob {self._blob_id[:12]}… lost piece {seq}")
        return bytes(data)


def database_backend(database_url: str, local_dir: Path) -> DatabaseBlobBackend:
    from vault.db import is_sqlite, make_engine

    if is_sqlite(database_url):
        raise InvalidRecord('vault.blob_store = "database" needs a PostgreSQL vault database')
    # Small pool: pieces are fetched on short-lived connections, one at a time per reader.
    engine = make_engine(database_url, pool_size=4, max_overflow=4)
    return DatabaseBlobBackend(engine, local_dir)
