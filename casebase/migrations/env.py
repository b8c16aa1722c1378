"""Alembic environment of the case base database (run through casebase.db.migrate)."""

from alembic import context

from casebase.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    version_table="casebase_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
