"""Encrypted attachment streams, stored content-addressed behind a small backend interface.

A blob id is the hex BLAKE2b-256 of the ciphertext (the sealed manifest names it, S2).
``FileBlobBackend`` keeps each blob in ``blob_dir/ab/cd/<id>``. A blob is written to a temp
file in the same file system, fsynced, given the mtime 00:00 UTC of its day (S7), renamed
into place and its directory fsynced — and only THEN is its row inserted. So a crash at any
moment leaves either nothing visible or a complete file; never a row pointing at a partial
file. Temp files of crashed writes and files whose row never landed are removed by
``sweep`` (at start-up and by ``haven purge``), after a grace period so a write in progress
in another worker is never touched.

A PostgreSQL backend (chunked rows, streamed) can implement the same ``BlobBackend``
protocol; nothing outside this module touches paths of stored blobs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault.errors import BlobCorrupt, DiskFull, InvalidRecord, UnknownBlob, UploadTooLarge
from vault.models import Blob
from vault.store import DayLike, as_day, check_blob_id

READ_SIZE = 64 * 1024
DEFAULT_SWEEP_GRACE_SECONDS = 3600
TEMP_SUFFIX = ".part"


def new_hasher() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=32)


def blob_id_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def midnight_utc(day: dt.date) -> int:
    return calendar.timegm(day.timetuple())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_free_space(path: Path, min_free_bytes: int, incoming: int = 0) -> None:
    """Refuse new bytes when the disk would fall below the high-water mark (S12: 503)."""
    free = shutil.disk_usage(path).free
    if free - incoming < min_free_bytes:
        raise DiskFull("the vault's disk is nearly full; try again later")


@dataclass(frozen=True)
class StoredBlob:
    blob_id: str
    ct_len: int
    chunk_count: int
    day: dt.date


@dataclass(frozen=True)
class SweepReport:
    temp_files: int
    orphan_blobs: int


class BlobBackend(Protocol):
    """Where blob bytes live. Every method streams; none holds a whole blob in memory."""

    @property
    def scratch_dir(self) -> Path:
        """A directory on the same file system for temp files (swept after a grace)."""
        ...

    @property
    def upload_dir(self) -> Path:
        """A directory on the same file system for resumable uploads (see vault.uploads)."""
        ...

    def store_file(self, source: Path, blob_id: str, day: dt.date) -> None:
        """Take the complete file ``source`` (consumed) as blob ``blob_id``, atomically."""
        ...

    def open(self, blob_id: str) -> BinaryIO: ...

    def exists(self, blob_id: str) -> bool: ...

    def delete(self, blob_id: str) -> bool: ...

    def sweep(self, is_known: Callable[[str], bool], grace_seconds: int) -> SweepReport: ...


class FileBlobBackend:
    """Blobs as files under ``root/ab/cd/<blob id>``; temp files under ``root/tmp``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(mode=0o700, exist_ok=True)
        self._uploads = self.root / "uploads"
        self._uploads.mkdir(mode=0o700, exist_ok=True)

    @property
    def scratch_dir(self) -> Path:
        return self._tmp

    @property
    def upload_dir(self) -> Path:
        return self._uploads

    def path_for(self, blob_id: str) -> Path:
        check_blob_id(blob_id)
        return self.root / blob_id[:2] / blob_id[2:4] / blob_id

    def new_temp_path(self) -> Path:
        return self._tmp / f"{secrets.token_hex(16)}{TEMP_SUFFIX}"

    def store_file(self, source: Path, blob_id: str, day: dt.date) -> None:
        target = self.path_for(blob_id)
        with open(source, "rb+") as handle:
            os.fsync(handle.fileno())
        stamp = midnight_utc(day)
        os.utime(source, (stamp, stamp))
        self._make_dirs(target.parent)
        os.replace(source, target)
        fsync_dir(target.parent)
        fsync_dir(source.parent)
        # Directory mtimes would otherwise tell when the last blob arrived (S7).
        for directory in (target.parent, target.parent.parent, source.parent, self.root):
            os.utime(directory, (stamp, stamp))

    def _make_dirs(self, directory: Path) -> None:
        if directory.is_dir():
            return
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fsync_dir(directory.parent)
        fsync_dir(directory.parent.parent)

    def open(self, blob_id: str) -> BinaryIO:
        try:
            return open(self.path_for(blob_id), "rb")  # noqa: SIM115  (caller closes)
        except FileNotFoundError:
            raise UnknownBlob(f"blob {blob_id[:12]}… has no stored bytes") from None

    def exists(self, blob_id: str) -> bool:
        return self.path_for(blob_id).is_file()

    def delete(self, blob_id: str) -> bool:
        path = self.path_for(blob_id)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        fsync_dir(path.parent)
        return True

    def sweep(self, is_known: Callable[[str], bool], grace_seconds: int) -> SweepReport:
        cutoff = time.time() - grace_seconds
        temp_files = 0
        for path in self._tmp.iterdir():
            # ctime, not mtime: blob mtimes are set to midnight on purpose (S7).
            if path.is_file() and path.stat().st_ctime < cutoff:
                path.unlink(missing_ok=True)
                temp_files += 1
        orphans = 0
        for path in self.root.glob("??/??/*"):
            name = path.name
            if len(name) != 64 or not path.is_file():  # noqa: PLR2004
                continue
            if path.stat().st_ctime < cutoff and not is_known(name):
                path.unlink(missing_ok=True)
                orphans += 1
        return SweepReport(temp_files, orphans)


def backend_for(blob_dir: Path) -> FileBlobBackend:
    return FileBlobBackend(blob_dir)


BLOB_STORES = ("files", "database")


def backend_from_config(config) -> BlobBackend:  # config: haven.config.HavenConfig
    """The instance's blob backend: ``[vault] blob_store = "files"`` (default, blob_dir on
    this host) or ``"database"`` (chunked rows in the vault database, vault.blobs_pg, so
    several intake hosts share one store)."""
    store = config.section("vault").get("blob_store", "files")
    if store == "files":
        return FileBlobBackend(config.blob_dir)
    if store == "database":
        from vault.blobs_pg import database_backend

        return database_backend(config.database_url, config.blob_dir)
    raise InvalidRecord(f"vault.blob_store must be one of {', '.join(BLOB_STORES)}, not {store!r}")


def write_blob(
    session: Session,
    backend: BlobBackend,
    chunks: Iterable[bytes],
    *,
    chunk_count: int,
    day: DayLike,
    max_bytes: int | None = None,
    min_free_bytes: int = 0,
) -> StoredBlob:
    """Stream ciphertext into a new blob (temp file → hash → atomic move → row).

    Used by the no-JS path and by tools; browsers use ``vault.uploads`` (resumable).
    """
    day = as_day(day)
    if chunk_count < 1:
        raise InvalidRecord("a blob has at least one chunk")
    temp = backend.scratch_dir / f"{secrets.token_hex(16)}{TEMP_SUFFIX}"
    hasher, length = new_hasher(), 0
    try:
        with open(temp, "xb") as out:
            for chunk in chunks:
                length += len(chunk)
                if max_bytes is not None and length > max_bytes:
                    raise UploadTooLarge(f"blob is larger than {max_bytes} bytes")
                if min_free_bytes:
                    check_free_space(backend.scratch_dir, min_free_bytes, len(chunk))
                hasher.update(chunk)
                out.write(chunk)
        if length == 0:
            raise InvalidRecord("a blob cannot be empty")
        blob_id = hasher.hexdigest()
        return adopt_file(session, backend, temp, blob_id=blob_id, ct_len=length,
                          chunk_count=chunk_count, day=day)
    finally:
        temp.unlink(missing_ok=True)


def adopt_file(
    session: Session, backend: BlobBackend, source: Path, *, blob_id: str, ct_len: int,
    chunk_count: int, day: dt.date,
) -> StoredBlob:
    """Move a complete, hashed temp file into the backend, then insert its row."""
    existing = session.get(Blob, blob_id)
    if existing is not None:
        # Same ciphertext twice (content addressing): keep the one stored copy.
        source.unlink(missing_ok=True)
        return StoredBlob(existing.blob_id, existing.ct_len, existing.chunk_count,
                          existing.day)
    backend.store_file(source, blob_id, day)
    session.add(Blob(blob_id=blob_id, report_id=None, ct_len=ct_len,
                     chunk_count=chunk_count, day=day, state="stored"))
    session.flush()
    return StoredBlob(blob_id, ct_len, chunk_count, day)


def blob_info(session: Session, blob_id: str) -> StoredBlob:
    row = session.get(Blob, check_blob_id(blob_id))
    if row is None:
        raise UnknownBlob(f"blob {blob_id[:12]}… is unknown")
    return StoredBlob(row.blob_id, row.ct_len, row.chunk_count, row.day)


def read_blob(backend: BlobBackend, blob_id: str, *, verify: bool = True,
              read_size: int = READ_SIZE) -> Iterator[bytes]:
    """Stream a blob's bytes. With ``verify``, raise BlobCorrupt at the end if the bytes do
    not hash to the id (readers must then discard what they got)."""
    hasher = new_hasher()
    with backend.open(blob_id) as handle:
        while chunk := handle.read(read_size):
            hasher.update(chunk)
            yield chunk
    if verify and hasher.hexdigest() != blob_id:
        raise BlobCorrupt(f"blob {blob_id[:12]}… does not match its id")


def verify_blob(backend: BlobBackend, blob_id: str) -> None:
    for _ in read_blob(backend, blob_id):
        pass


def delete_blob_files(backend: BlobBackend, blob_ids: Iterable[str]) -> int:
    return sum(1 for blob_id in blob_ids if backend.delete(blob_id))


def sweep(session: Session, backend: BlobBackend,
          grace_seconds: int = DEFAULT_SWEEP_GRACE_SECONDS) -> SweepReport:
    """Remove temp files of crashed writes and blob files whose row never landed."""

    def is_known(blob_id: str) -> bool:
        return session.scalar(sa.select(Blob.blob_id).where(Blob.blob_id == blob_id)) is not None

    return backend.sweep(is_known, grace_seconds)
