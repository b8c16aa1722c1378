"""Restore of an encrypted backup (S24); the archive format is described in vault.backup.

The archive is decrypted as a stream (age authenticates every 64 KiB chunk before it is
handed on, and a truncated file fails at the end), unpacked into a staging directory next
to the target, and moved into place only when everything decrypted, every blob re-hashed
to its id and the database loaded: a failed restore leaves nothing behind. A PostgreSQL
backup is loaded in one transaction into an EMPTY database migrated to the backup's
revision; sequences are reset after the load.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import pyrage
import sqlalchemy as sa

from vault.backup import FORMAT, SQLITE_MEMBER, decode_value, pipe_through
from vault.db import is_sqlite, make_engine, migrate
from vault.errors import BackupError


@dataclass(frozen=True)
class RestoreSummary:
    instance_dir: Path
    database: str
    revision: str | None
    blobs: int
    rows: int


class _Loader:
    """Consumes the decrypted tar stream into a staging directory (and PostgreSQL)."""

    def __init__(self, staging: Path, database_url: str | None) -> None:
        self.staging, self.database_url = staging, database_url
        self.manifest: dict[str, Any] | None = None
        self.end: dict[str, Any] | None = None
        self.blobs = self.rows = 0
        self.engine: sa.Engine | None = None
        self.conn: sa.Connection | None = None
        self.tables: dict[str, sa.Table] = {}

    def consume(self, reader: IO[bytes]) -> None:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                name = _safe_name(member)
                handle = tar.extractfile(member)
                if handle is None:
                    raise BackupError(f"unexpected member {name}")
                if self.manifest is None and name != "manifest.json":
                    raise BackupError("the archive does not start with its manifest")
                self._member(name, handle, int(member.mtime))

    def _member(self, name: str, handle: IO[bytes], mtime: int) -> None:
        if name == "manifest.json":
            self._start(json.loads(handle.read()))
        elif name == "end.json":
            self.end = json.loads(handle.read())
        elif name == SQLITE_MEMBER:
            self._copy(handle, self.staging / "vault.db")
        elif name.startswith("database/") and name.endswith(".jsonl"):
            self._insert_rows(handle)
        elif name.startswith("blobs/"):
            self._blob(name, handle, mtime)
        elif name == "haven.toml" or name.startswith(("public/", "keys/")):
            self._copy(handle, self.staging / name)
        else:
            raise BackupError(f"unexpected member {name}")

    def _start(self, manifest: dict[str, Any]) -> None:
        if manifest.get("format") != FORMAT:
            raise BackupError("not a haven-backup/1 archive")
        self.manifest = manifest
        if manifest["database"] == "sqlite":
            if self.database_url and not is_sqlite(self.database_url):
                raise BackupError("this backup holds a SQLite database: restore it to a "
                                  "SQLite instance")
            return
        if not self.database_url or is_sqlite(self.database_url):
            raise BackupError("this backup holds a PostgreSQL database: set "
                              "HAVEN_DATABASE_URL to an empty PostgreSQL database")
        self.engine = make_engine(self.database_url)
        if sa.inspect(self.engine).get_table_names():
            raise BackupError("the target PostgreSQL database is not empty")
        migrate(self.database_url, manifest["revision"] or "base")
        self.conn = self.engine.connect()
        self.conn.begin()
        metadata = sa.MetaData()
        metadata.reflect(self.conn)
        self.tables = dict(metadata.tables)

    def _copy(self, handle: IO[bytes], target: Path) -> None:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(target, "xb") as out:
            shutil.copyfileobj(handle, out)
        target.chmod(0o600)

    def _blob(self, name: str, handle: IO[bytes], mtime: int) -> None:
        blob_id = PurePosixPath(name).name
        target = self.staging / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        hasher = hashlib.blake2b(digest_size=32)
        with open(target, "xb") as out:
            while chunk := handle.read(1 << 16):
                hasher.update(chunk)
                out.write(chunk)
        if hasher.hexdigest() != blob_id or name != f"blobs/{_blob_rel(blob_id)}":
            raise BackupError(f"blob {blob_id[:12]}… in the backup does not match its id")
        os.utime(target, (mtime, mtime))
        self.blobs += 1

    def _insert_rows(self, handle: IO[bytes]) -> None:
        if self.conn is None:
            raise BackupError("database rows in a backup of a SQLite database")
        batch: dict[str, list[dict[str, Any]]] = {}
        for line in handle:
            item = json.loads(line)
            row = {k: decode_value(v) for k, v in item["row"].items()}
            batch.setdefault(item["table"], []).append(row)
        for table_name, rows in batch.items():  # insertion order = foreign-key order
            if table_name not in self.tables:
                raise BackupError(f"table {table_name} is not in the restored schema")
            self.conn.execute(self.tables[table_name].insert(), rows)
            self.rows += len(rows)

    def finish(self) -> None:
        if self.manifest is None or self.end is None:
            raise BackupError("the archive is incomplete")
        if self.conn is not None:
            for table in self.tables.values():
                for column in table.primary_key.columns:
                    if column.autoincrement is True or isinstance(column.type, sa.Integer):
                        self.conn.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "  # noqa: S608  # nosec B608 - table names come from the models, not input
                            f"'{column.name}'), COALESCE(MAX({column.name}), 0) + 1, false) "
                            f"FROM {table.name}"))
            self.conn.commit()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.engine is not None:
            self.engine.dispose()


def _blob_rel(blob_id: str) -> str:
    return f"{blob_id[:2]}/{blob_id[2:4]}/{blob_id}"


def _safe_name(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    if not member.isreg() or path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"refusing archive member {member.name!r}")
    return path.as_posix()


def restore_backup(in_path: Path, identities: Sequence[Any], instance_dir: Path,
                   database_url: str | None = None) -> RestoreSummary:
    """Decrypt and unpack a backup into a NEW instance directory (and an empty PostgreSQL
    database when the backup holds one). All or nothing: a staging directory is moved
    into place only when the whole archive decrypted, unpacked and checked."""
    instance_dir = Path(instance_dir)
    if instance_dir.exists() and any(instance_dir.iterdir()):
        raise BackupError(f"{instance_dir} is not empty: restore into a new directory")
    instance_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = instance_dir.parent / f".{instance_dir.name}.restoring-{secrets.token_hex(4)}"
    staging.mkdir(mode=0o700)
    loader = _Loader(staging, database_url)
    try:
        with open(in_path, "rb") as source:
            pipe_through(lambda w: pyrage.decrypt_io(source, w, list(identities)),
                          loader.consume)
        loader.finish()
        if instance_dir.exists():
            instance_dir.rmdir()
        staging.rename(instance_dir)
    except (OSError, ValueError, KeyError, tarfile.TarError, sa.exc.SQLAlchemyError,
            pyrage.DecryptError) as exc:
        raise BackupError(f"restore failed: {exc}") from None
    finally:
        loader.close()
        shutil.rmtree(staging, ignore_errors=True)
    manifest = loader.manifest or {}
    return RestoreSummary(instance_dir, manifest.get("database", "?"), manifest.get("revision"),
                          loader.blobs, loader.rows)
