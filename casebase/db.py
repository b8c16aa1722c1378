"""The case base's own database: engine, sessions, migrations, full-text index upkeep.

SQLite (default) uses an FTS5 table ``records_fts``; PostgreSQL a GIN index over the stored
column ``record_documents.search_vector = to_tsvector('simple', search_document)``. Both
match every word of the query as a prefix, so results are the same on either backend.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")  # withdrawn records leave no free pages
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            # Reads dominate: a 64 MiB page cache and memory-mapped reads keep list and
            # search queries off the disk.
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.execute("PRAGMA mmap_size=268435456")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the case base's own Alembic scripts."""
    config = Config()
    location = resources.files("casebase").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_record(session: Session, record: Any, document: str) -> None:
    """(Re)write the full-text entry of a record (SQLite; PostgreSQL indexes the column)."""
    if not is_sqlite(session):
        return
    if record.search_rowid is None:
        last = session.execute(sa.text("SELECT max(search_rowid) FROM records")).scalar()
        record.search_rowid = (last or 0) + 1
    else:
        unindex_record(session, record.search_rowid)
    session.execute(
        sa.text("INSERT INTO records_fts(rowid, document) VALUES (:r, :d)"),
        {"r": record.search_rowid, "d": document},
    )


def unindex_record(session: Session, search_rowid: int | None) -> None:
    if is_sqlite(session) and search_rowid is not None:
        session.execute(sa.text("DELETE FROM records_fts WHERE rowid = :r"), {"r": search_rowid})
