"""Encrypted backups of a vault instance and their restore (S24).

A backup is a tar stream, encrypted with age (pyrage) to two or more offline custodians'
recipients as it is produced: the tar is written into a pipe that the encryptor reads, so
no plaintext archive ever touches the disk and memory stays flat (apart from a SQLite
snapshot, see below). Members:

- ``manifest.json`` — format, UTC day, instance id, database kind and Alembic revision;
- the database, consistent at one instant:
  SQLite: the online backup API into an in-memory copy, serialised (``database/vault.db``;
  memory = database size — blobs are not in it);
  PostgreSQL: every table of the vault database, read in ONE ``REPEATABLE READ``
  transaction and written as JSON lines (``database/NNNN.jsonl``, bounded chunks, tables
  in foreign-key order). No ``pg_dump`` needed; sequences are reset on restore;
- ``blobs/ab/cd/<id>`` — the blob files the snapshot refers to (content-addressed,
  re-hashed on restore); ``public/*``, ``haven.toml``;
- ``keys/lookup-pepper.key``, ``keys/audit-target.key`` and ``keys/totp-wrap.key`` ONLY.
  They are bound to the data: without the pepper no reporter's receipt finds its report
  again; without the audit-target key the log's report references cannot be checked;
  without the TOTP wrapping key no reviewer's second factor opens (vault/totp_wrap.py).

Left out on purpose (runtime secrets and signing keys): ``session-secret.key``, rate-limit
and PoW keys (in memory anyway), the organisation root (offline by design) and the bundle,
release, manifest and checkpoint subkeys. After a restore the organisation re-certifies
fresh subkeys from the offline root (``haven keys``) — a stolen backup can then never sign
a bundle. Backups are kept no longer than the purge horizon; key epochs (S6) make old
backups' stanzas useless once the epoch's reviewer keys are destroyed.

Restoring lives in ``vault.restore``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import json
import os
import secrets
import sqlite3
import tarfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyrage
import sqlalchemy as sa

from vault.blobs import midnight_utc
from vault.canonical import canonical_json, utc_day
from vault.db import is_sqlite, make_engine, normalise_url
from vault.errors import BackupError

FORMAT = "haven-backup/1"
KEPT_KEY_FILES = ("lookup-pepper.key", "audit-target.key", "totp-wrap.key")
MIN_RECIPIENTS = 2
JSONL_CHUNK_BYTES = 4 << 20
SQLITE_MEMBER = "database/vault.db"


@dataclass(frozen=True)
class BackupSources:
    instance_dir: Path
    instance_id: str
    database_url: str
    blob_dir: Path
    public_dir: Path
    keys_dir: Path


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    database: str
    revision: str | None
    blobs: int
    missing_blobs: tuple[str, ...]
    recipients: int


def parse_recipients(texts: Sequence[str]) -> list[Any]:
    unique = sorted({t.strip() for t in texts})
    if len(unique) < MIN_RECIPIENTS:
        raise BackupError("encrypt backups to at least two custodians (two --recipient)")
    try:
        return [pyrage.x25519.Recipient.from_str(text) for text in unique]
    except pyrage.RecipientError as exc:
        raise BackupError(f"not an age recipient: {exc}") from None


def load_identities(path: Path) -> list[Any]:
    try:
        lines = Path(path).read_text("ascii").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"cannot read the age identity {path}: {exc}") from None
    keys = [ln.strip() for ln in lines if ln.strip().startswith("AGE-SECRET-KEY-")]
    try:
        identities = [pyrage.x25519.Identity.from_str(k) for k in keys]
    except pyrage.IdentityError as exc:
        raise BackupError(f"{path}: not an age identity: {exc}") from None
    if not identities:
        raise BackupError(f"{path} holds no AGE-SECRET-KEY line")
    return identities


# --- writing -------------------------------------------------------------------------


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), mtime, 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> None:
    info = tarfile.TarInfo(name)
    stat = path.stat()
    info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
    with open(path, "rb") as handle:
        tar.addfile(info, handle)


@dataclass
class _Snapshot:
    kind: str
    revision: str | None
    blob_ids: list[str]
    members: Iterator[tuple[str, bytes]]


@contextlib.contextmanager
def _database_snapshot(url: str) -> Iterator[_Snapshot]:
    if is_sqlite(url):
        yield _sqlite_snapshot(url)
        return
    engine = make_engine(url)
    try:
        with (
            engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
            conn.begin(),
        ):
            yield _postgres_snapshot(conn)
    finally:
        engine.dispose()


def _sqlite_snapshot(url: str) -> _Snapshot:
    path = normalise_url(url).removeprefix("sqlite:///")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    memory = sqlite3.connect(":memory:")
    try:
        source.backup(memory)  # one step: a consistent copy under a read lock
        revision = memory.execute("SELECT version_num FROM alembic_version").fetchone()
        blob_ids = [row[0] for row in memory.execute("SELECT blob_id FROM blobs")]
        data = memory.serialize()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot snapshot the SQLite database: {exc}") from None
    finally:
        source.close()
        memory.close()
    return _Snapshot("sqlite", revision[0] if revision else None, blob_ids,
                     iter([(SQLITE_MEMBER, data)]))


def _postgres_snapshot(conn: sa.Connection) -> _Snapshot:
    metadata = sa.MetaData()
    metadata.reflect(conn)
    revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    blob_ids = list(conn.exec_driver_sql("SELECT blob_id FROM blobs").scalars())
    tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
    return _Snapshot("postgresql", revision, blob_ids, _jsonl_members(conn, tables))


def _jsonl_members(conn: sa.Connection, tables: list[sa.Table]) -> Iterator[tuple[str, bytes]]:
    buffer, index = io.BytesIO(), 0
    for table in tables:
        order = list(table.primary_key.columns) or list(table.columns)
        for row in conn.execute(sa.select(table).order_by(*order)).mappings():
            line = {"table": table.name, "row": {k: _encode(v) for k, v in row.items()}}
            buffer.write(json.dumps(line, separators=(",", ":")).encode() + b"\n")
            if buffer.tell() >= JSONL_CHUNK_BYTES:
                yield f"database/{index:06d}.jsonl", buffer.getvalue()
                buffer, index = io.BytesIO(), index + 1
    yield f"database/{index:06d}.jsonl", buffer.getvalue()


def _encode(value: Any) -> Any:
    if isinstance(value, (bytes, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dt.datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    return value


def decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "$b" in value:
            return base64.b64decode(value["$b"])
        if "$t" in value:
            return dt.datetime.fromisoformat(value["$t"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
    return value


def _blob_path(root: Path, blob_id: str) -> Path:
    return root / blob_id[:2] / blob_id[2:4] / blob_id


def _write_archive(stream: IO[bytes], sources: BackupSources, day: str) -> dict[str, Any]:
    mtime = midnight_utc(dt.date.fromisoformat(day))
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        with _database_snapshot(sources.database_url) as snap:
            manifest = {"format": FORMAT, "day": day, "instance_id": sources.instance_id,
                        "database": snap.kind, "revision": snap.revision}
            _add_bytes(tar, "manifest.json", canonical_json(manifest), mtime)
            for name, data in snap.members:
                _add_bytes(tar, name, data, mtime)
            blob_ids = snap.blob_ids
        missing = []
        for blob_id in sorted(blob_ids):
            path = _blob_path(sources.blob_dir, blob_id)
            if path.is_file():
                _add_file(tar, f"blobs/{blob_id[:2]}/{blob_id[2:4]}/{blob_id}", path)
            else:  # purged between the snapshot and now
                missing.append(blob_id)
        for path in sorted(sources.public_dir.rglob("*")) if sources.public_dir.is_dir() else []:
            if path.is_file():
                _add_file(tar, f"public/{path.relative_to(sources.public_dir).as_posix()}", path)
        _add_file(tar, "haven.toml", sources.instance_dir / "haven.toml")
        for name in KEPT_KEY_FILES:
            if (sources.keys_dir / name).is_file():
                _add_file(tar, f"keys/{name}", sources.keys_dir / name)
        summary = {**manifest, "blobs": len(blob_ids) - len(missing), "missing_blobs": missing}
        _add_bytes(tar, "end.json", canonical_json(summary), mtime)
    return summary


def pipe_through(produce: Callable[[IO[bytes]], Any],
                  consume: Callable[[IO[bytes]], None]) -> Any:
    """Run ``produce`` (writes) in a thread and ``consume`` (reads) here, over a pipe."""
    read_fd, write_fd = os.pipe()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with os.fdopen(write_fd, "wb") as writer:
                outcome["result"] = produce(writer)
        except BaseException as exc:  # noqa: BLE001  (re-raised in the caller's thread)
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    consumer_error: BaseException | None = None
    with os.fdopen(read_fd, "rb") as reader:
        try:
            consume(reader)
        except BaseException as exc:  # noqa: BLE001  (the producer's error explains more)
            consumer_error = exc
        finally:
            while reader.read(1 << 16):  # let a producer blocked on a full pipe finish
                pass
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    if consumer_error is not None:
        raise consumer_error
    return outcome.get("result")


def create_backup(sources: BackupSources, out_path: Path, recipients: Sequence[str],
                  day: str | None = None) -> BackupSummary:
    """Write an age-encrypted backup of the instance to ``out_path`` (atomically)."""
    parsed = parse_recipients(recipients)
    day = day or utc_day()
    out_path = Path(out_path)
    temp = out_path.with_name(f".{out_path.name}.{secrets.token_hex(4)}.part")
    try:
        with open(temp, "xb") as out:

            def encrypt(reader: IO[bytes]) -> None:
                pyrage.encrypt_io(reader, out, parsed)

            summary = pipe_through(lambda w: _write_archive(w, sources, day), encrypt)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, out_path)
    except (OSError, sa.exc.SQLAlchemyError, pyrage.EncryptError) as exc:
        raise BackupError(f"backup failed: {exc}") from None
    finally:
        temp.unlink(missing_ok=True)
    return BackupSummary(out_path, summary["database"], summary["revision"], summary["blobs"],
                         tuple(summary["missing_blobs"]), len(parsed))
