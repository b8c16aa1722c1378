"""Engines, sessions and schema migration for the vault database.

The schema is created ONLY by Alembic migrations (``migrate``), never by ``create_all``,
so a fresh instance and an upgraded one always have the same tables.

SQLite connections get WAL mode (readers never block the writer), foreign keys on,
``secure_delete=ON`` (freed pages are zeroed, so purged ciphertext does not linger in the
file, S6) and a busy timeout. pysqlite's own transaction handling is switched off and
SQLAlchemy emits ``BEGIN`` itself, so savepoints (``session.begin_nested()``) work and a
failed ``add_report`` never leaves half a report behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
ALEMBIC_INI = Path(__file__).with_name("alembic.ini")
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator wrote."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url_or_engine: str | sa.Engine) -> bool:
    if isinstance(url_or_engine, sa.Engine):
        return url_or_engine.dialect.name == "sqlite"
    return normalise_url(url_or_engine).startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine for the vault database (SQLite file or PostgreSQL via psycopg 3)."""
    url = normalise_url(url)
    if not is_sqlite(url):
        return sa.create_engine(url, pool_pre_ping=True, **kwargs)
    engine = sa.create_engine(url, **kwargs)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, decide where transactions begin (savepoints need it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: sa.Connection) -> None:
    # IMMEDIATE takes the write lock up front: read-then-write sequences (audit seq,
    # upload next index) cannot interleave with another writer.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextlib.contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed if the block succeeds, rolled back otherwise."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic reads this through ConfigParser: escape % so passwords survive.
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` with Alembic (the only schema path)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
