"""The vault schema comes from Alembic migrations only, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from vault.db import alembic_config, current_revision, make_engine, migrate, normalise_url
from vault.models import Base


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    (head,) = script.get_heads()  # one linear chain
    (base,) = script.get_bases()
    assert base == "0001_vault_store"
    return head


EXPECTED_TABLES = {
    "reports", "stanzas", "blobs", "upload_sessions", "events", "bundles",
    "audit_entries", "audit_heads", "purge_log",
}


def test_migration_creates_every_model_table(database_url):
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert tables >= EXPECTED_TABLES
        assert "alembic_version" in tables
        assert current_revision(engine) == _head_revision()
        model_tables = {t.name for t in Base.metadata.sorted_tables}
        assert model_tables >= EXPECTED_TABLES
    finally:
        engine.dispose()


def test_migration_matches_the_models(database_url):
    """Autogenerate finds nothing to add: the migration and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrate(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = [d for d in compare_metadata(context, Base.metadata)
                    if _table_of(d) in EXPECTED_TABLES]
        assert diff == []
    finally:
        engine.dispose()


def _table_of(diff) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
        if isinstance(part, sa.Table):
            return name
    return None


def test_migrate_twice_is_a_no_op(database_url):
    migrate(database_url)
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == _head_revision()
    finally:
        engine.dispose()


def test_sqlite_connections_are_hardened(tmp_path):
    url = f"sqlite:///{tmp_path / 'v.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        engine.dispose()


def test_postgresql_urls_use_psycopg3():
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_no_column_stores_a_time_or_client_metadata():
    """S7: days only, never a time; no IP or user agent anywhere in the vault store."""
    for table in Base.metadata.sorted_tables:
        if table.name not in EXPECTED_TABLES:
            continue
        for column in table.columns:
            assert not isinstance(column.type, (sa.DateTime, sa.Time)), column
            lowered = column.name.lower()
            assert not any(word in lowered for word in ("ip", "agent", "time")), column
