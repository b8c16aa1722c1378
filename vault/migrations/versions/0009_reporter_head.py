"""The reporter's sealed chain head in the vault: reports.reporter_head

Revision ID: 0009_reporter_head
Revises: 0008_action_signatures

With each reporter event the reporter sends ``{"seq", "event_hash"}`` sealed to their own
reply key (``crypto_box_seal``); the intake keeps that opaque box and hands it back on the
next visit so the next event can chain on (vault/SPEC.md §6.1, §8.1). It used to be a file
under ``INSTANCE/intake-heads/`` on the intake host; it is a column of the report now, so
that a follow-up reaching another intake host behind the same database finds it, backups and
restores carry it, a burned receipt clears it and a purge removes it with the report.

Heads written as files before this revision are NOT carried over: the migration cannot see
an intake host's files, and Haven keeps no fallback that reads them. A reporter whose head
was such a file gets the existing clear message on their next event ("The record of your
earlier messages is missing; please contact the organisation another way.") and reaches the
organisation another way. Acceptable before 1.0: no production deployment has such files;
a demo instance may, and can be seeded again. The old ``intake-heads/`` directory can be
deleted after the upgrade.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_reporter_head'
down_revision = '0008_action_signatures'
branch_labels = None
depends_on = None

MAX_HEAD_BYTES = 512  # vault.models.REPORTER_HEAD_MAX_BYTES when this revision was written


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_head', sa.LargeBinary(length=MAX_HEAD_BYTES),
                                      nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_reports_reporter_head'), f'length(reporter_head) <= {MAX_HEAD_BYTES}')


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reports_reporter_head'), type_='check')
        batch_op.drop_column('reporter_head')
