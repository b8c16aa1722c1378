"""Scrubbed images released with a record (record_attachments)

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'record_attachments',
        sa.Column('record_id', sa.String(length=32), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=16), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('caption', sa.Text(), nullable=True),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['records.record_id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('record_id', 'position'),
    )
    op.create_index('ix_record_attachments_sha256', 'record_attachments',
                    ['record_id', 'sha256'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_record_attachments_sha256', table_name='record_attachments')
    op.drop_table('record_attachments')
