"""Resumable chunked uploads of encrypted attachment streams (500 MB and more).

The browser encrypts a file as a secretstream of fixed-size chunks and sends them one by
one. Each accepted chunk is appended to a part file (``backend.upload_dir/<upload_id>``)
and fsynced; the row records how many chunks and bytes were accepted and a hash of the
last chunk. So:

- after a dropped connection the client asks ``upload_status`` and resends from
  ``next_index``; resending the last accepted chunk is accepted if identical (its reply may
  have been lost) and refused if different;
- a crash between the append and the row update leaves extra bytes in the part file; the
  next ``put_chunk`` truncates the file to the recorded length first;
- memory stays flat: chunks are appended, and ``finish_upload`` hashes the part file by
  streaming it, then moves it into the blob backend atomically (vault.blobs).

The server can only check chunk index, chunk length and declared count (the tag byte is
encrypted, S2); the length rule is a callable the caller passes (the intake plugs in
``vault.format.check_upload_chunk``), with ``fixed_size_chunks`` as the plain rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault.blobs import (
    DEFAULT_SWEEP_GRACE_SECONDS,
    READ_SIZE,
    BlobBackend,
    adopt_file,
    check_free_space,
    midnight_utc,
    new_hasher,
)
from vault.canonical import utc_day
from vault.errors import (
    BadChunk,
    ChunkMismatch,
    ChunkOutOfOrder,
    InvalidRecord,
    ManifestMismatch,
    UnknownUpload,
    UploadExpired,
    UploadIncomplete,
    UploadTooLarge,
)
from vault.models import UploadSession
from vault.store import DayLike, as_day

# (index, declared chunk count, chunk bytes) -> None, raising a VaultError to refuse.
ChunkCheck = Callable[[int, int, bytes], None]

UPLOAD_ID_BYTES = 32


def fixed_size_chunks(chunk_size: int) -> ChunkCheck:
    """Every chunk but the last is exactly ``chunk_size`` bytes; the last is 1..chunk_size."""

    def check(index: int, chunk_count: int, data: bytes) -> None:
        last = index == chunk_count - 1
        if not last and len(data) != chunk_size:
            raise BadChunk(f"chunk {index} must be {chunk_size} bytes, not {len(data)}")
        if last and not 1 <= len(data) <= chunk_size:
            raise BadChunk(f"the last chunk must be 1..{chunk_size} bytes, not {len(data)}")

    return check


@dataclass(frozen=True)
class UploadLimits:
    chunk_size: int
    max_bytes: int
    min_free_bytes: int = 0
    expiry_days: int = 1

    def __post_init__(self) -> None:
        if self.chunk_size < 1 or self.max_bytes < 1 or self.expiry_days < 1:
            raise InvalidRecord("upload limits must be positive")


@dataclass(frozen=True)
class UploadStatus:
    upload_id: str
    next_index: int
    declared_chunk_count: int
    received_bytes: int


class Uploads:
    """Resumable uploads into one blob backend, under fixed limits and a chunk rule."""

    def __init__(self, backend: BlobBackend, limits: UploadLimits,
                 check_chunk: ChunkCheck) -> None:
        self.backend = backend
        self.limits = limits
        self.check_chunk = check_chunk
        self.directory = backend.upload_dir

    def _part(self, upload_id: str) -> Path:
        return self.directory / upload_id

    def begin_upload(self, session: Session, declared_chunk_count: int,
                     day: DayLike | None = None) -> str:
        day = as_day(day or utc_day())
        max_chunks = math.ceil(self.limits.max_bytes / self.limits.chunk_size)
        if not isinstance(declared_chunk_count, int) or declared_chunk_count < 1:
            raise BadChunk("an upload declares at least one chunk")
        if declared_chunk_count > max_chunks:
            raise UploadTooLarge(f"at most {self.limits.max_bytes} bytes per file")
        check_free_space(self.directory, self.limits.min_free_bytes)
        upload_id = secrets.token_hex(UPLOAD_ID_BYTES)
        with open(self._part(upload_id), "xb"):
            pass
        stamp = midnight_utc(day)
        for path in (self._part(upload_id), self.directory):  # no time of day (S7)
            os.utime(path, (stamp, stamp))
        session.add(UploadSession(
            upload_id=upload_id, declared_chunk_count=declared_chunk_count,
            chunk_size=self.limits.chunk_size, next_index=0, received_bytes=0,
            last_chunk_hash=None, last_chunk_len=0, day=day,
            expires_day=day + dt.timedelta(days=self.limits.expiry_days),
        ))
        session.flush()
        return upload_id

    def _session_row(self, session: Session, upload_id: str,
                     today: dt.date | None) -> UploadSession:
        if not isinstance(upload_id, str) or len(upload_id) != 2 * UPLOAD_ID_BYTES:
            raise UnknownUpload("no such upload")
        row = session.get(UploadSession, upload_id, with_for_update=True)
        if row is None:
            raise UnknownUpload("no such upload")
        if row.expires_day < (today or as_day(utc_day())):
            raise UploadExpired("this upload has expired; start again")
        return row

    def put_chunk(self, session: Session, upload_id: str, index: int, data: bytes,
                  today: DayLike | None = None) -> int:
        """Accept chunk ``index``; returns the next index the client should send."""
        row = self._session_row(session, upload_id, as_day(today) if today else None)
        digest = hashlib.blake2b(data, digest_size=32).digest()
        if index == row.next_index - 1:
            if digest == row.last_chunk_hash and len(data) == row.last_chunk_len:
                return row.next_index
            raise ChunkMismatch(f"chunk {index} was accepted already with other bytes")
        if index != row.next_index:
            raise ChunkOutOfOrder(f"expected chunk {row.next_index}, got {index}")
        if index >= row.declared_chunk_count:
            raise BadChunk(f"the upload declared {row.declared_chunk_count} chunks")
        self.check_chunk(index, row.declared_chunk_count, data)
        if row.received_bytes + len(data) > self.limits.max_bytes:
            raise UploadTooLarge(f"at most {self.limits.max_bytes} bytes per file")
        check_free_space(self.directory, self.limits.min_free_bytes, len(data))
        self._append(upload_id, row.received_bytes, data, row.day)
        row.next_index += 1
        row.received_bytes += len(data)
        row.last_chunk_hash = digest
        row.last_chunk_len = len(data)
        session.flush()
        return row.next_index

    def _append(self, upload_id: str, keep: int, data: bytes, day: dt.date) -> None:
        path = self._part(upload_id)
        try:
            handle = open(path, "r+b")  # noqa: SIM115  (closed below)
        except FileNotFoundError:
            raise UploadIncomplete("this upload's data is gone; start again") from None
        with handle:
            handle.truncate(keep)  # drop bytes of a chunk whose row update never landed
            handle.seek(keep)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        stamp = midnight_utc(day)
        os.utime(path, (stamp, stamp))

    def upload_status(self, session: Session, upload_id: str,
                      today: DayLike | None = None) -> UploadStatus:
        row = self._session_row(session, upload_id, as_day(today) if today else None)
        return UploadStatus(upload_id, row.next_index, row.declared_chunk_count,
                            row.received_bytes)

    def finish_upload(self, session: Session, upload_id: str, today: DayLike | None = None,
                      *, expected_blob_id: str | None = None) -> str:
        """Hash the complete upload, move it into the backend; returns the blob id.

        With ``expected_blob_id`` (the id the sealed manifest declares), a mismatch raises
        ManifestMismatch BEFORE anything is moved: no blob is created from wrong bytes.
        """
        row = self._session_row(session, upload_id, as_day(today) if today else None)
        if row.next_index != row.declared_chunk_count:
            raise UploadIncomplete(
                f"{row.next_index} of {row.declared_chunk_count} chunks received"
            )
        path = self._part(upload_id)
        hasher = new_hasher()
        try:
            with open(path, "r+b") as handle:
                handle.truncate(row.received_bytes)
                while chunk := handle.read(READ_SIZE):
                    hasher.update(chunk)
        except FileNotFoundError:
            raise UploadIncomplete("this upload's data is gone; start again") from None
        if expected_blob_id is not None and hasher.hexdigest() != expected_blob_id:
            raise ManifestMismatch("the upload's content does not hash to its declared blob id")
        stored = adopt_file(session, self.backend, path, blob_id=hasher.hexdigest(),
                            ct_len=row.received_bytes, chunk_count=row.declared_chunk_count,
                            day=row.day)
        session.delete(row)
        session.flush()
        return stored.blob_id

    def sweep_expired(self, session: Session, today: DayLike,
                      grace_seconds: int = DEFAULT_SWEEP_GRACE_SECONDS) -> int:
        return sweep_expired_uploads(session, self.backend, today, grace_seconds)


def sweep_expired_uploads(session: Session, backend: BlobBackend, today: DayLike,
                          grace_seconds: int = DEFAULT_SWEEP_GRACE_SECONDS) -> int:
    """Delete expired uploads (rows and part files) and part files without a row
    (after a grace: a new upload's row may not be committed yet)."""
    directory = backend.upload_dir
    today = as_day(today)
    cutoff = time.time() - grace_seconds
    expired = list(session.scalars(
        sa.select(UploadSession.upload_id).where(UploadSession.expires_day < today)))
    for upload_id in expired:
        (directory / upload_id).unlink(missing_ok=True)
    if expired:
        session.execute(sa.delete(UploadSession).where(
            UploadSession.upload_id.in_(expired)))
    live = set(session.scalars(sa.select(UploadSession.upload_id)))
    orphans = 0
    for path in directory.iterdir():
        stale = path.is_file() and path.stat().st_ctime < cutoff
        if stale and path.name not in live:
            path.unlink(missing_ok=True)
            orphans += 1
    session.flush()
    return len(expired) + orphans
