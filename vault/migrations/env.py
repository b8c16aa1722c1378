"""Alembic environment of the vault database: online migrations with Base.metadata."""

from __future__ import annotations

import contextlib
import importlib

from alembic import context

import vault.models  # noqa: F401  (registers the vault tables on Base)
from vault.db import make_engine
from vault.models import Base

# Other vault modules that declare models on Base: add their name here (one line) so
# autogenerate sees every table. A module not written yet is skipped.
EXTRA_MODEL_MODULES = ("vault.reviewer_models",)
for _module in EXTRA_MODEL_MODULES:
    with contextlib.suppress(ModuleNotFoundError):
        importlib.import_module(_module)

target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("the vault migrates online only: use vault.db.migrate(url)")
run_migrations_online()
