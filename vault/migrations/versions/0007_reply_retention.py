"""Reply retention and burned receipts: reports.replies_fetched_seq, events.fetched_day,
reports.lookup_hash nullable

Revision ID: 0007_reply_retention
Revises: 0006_totp_enrolment

Replies (``to_reporter`` events) are deleted ``[vault] reply_retention_days`` after the
reporter first fetched them (S6), so the intake records the highest reply seq the reporter
fetched and, on each reply, the UTC day it was first served (no time of day).
A burned receipt sets ``lookup_hash`` to NULL (the receipt then opens nothing). Existing
rows start with nothing fetched: their replies are kept until the reporter next reads them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007_reply_retention'
down_revision = '0006_totp_enrolment'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replies_fetched_seq', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.alter_column('lookup_hash', existing_type=sa.LargeBinary(length=32),
                              nullable=True)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fetched_day', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_fetched_day'), ['fetched_day'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_fetched_day'))
        batch_op.drop_column('fetched_day')
    # A burned receipt has no lookup hash; it cannot go back under NOT NULL: give it one
    # nobody can reach (random bytes), which is what a burned receipt means.
    op.execute(sa.text(
        "UPDATE reports SET lookup_hash = " + _random_32_bytes_sql() + " WHERE lookup_hash IS NULL"))
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('lookup_hash', existing_type=sa.LargeBinary(length=32),
                              nullable=False)
        batch_op.drop_column('replies_fetched_seq')


def _random_32_bytes_sql() -> str:
    if op.get_bind().dialect.name == 'sqlite':
        return 'randomblob(32)'
    return "decode(md5(random()::text) || md5(random()::text), 'hex')"
