"""event grants: signed grant records per reporter event envelope (vault/SPEC.md §5)

Revision ID: 0004_event_grants
Revises: 0003_blob_store
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_event_grants'
down_revision = '0003_blob_store'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An assignee outside the triage set opens each reporter event through its own grant
    # record; the report envelope's grant stays in `assignments`.
    op.create_table('event_grants',
    sa.Column('report_id', sa.String(length=36), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('header_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('assigned_by', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('grant_document', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                            name=op.f('fk_event_grants_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'],
                            name=op.f('fk_event_grants_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'key_id', 'header_hash', name=op.f('pk_event_grants'))
    )
    with op.batch_alter_table('event_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_grants_account_id'), ['account_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_grants_account_id'))
    op.drop_table('event_grants')
