"""database blob store: blob bytes as chunked rows (vault.blobs_pg), for several intake hosts

Revision ID: 0003_blob_store
Revises: 0002_reviewer_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_blob_store'
down_revision = '0002_reviewer_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per stored blob (written in the same transaction as its chunks: a blob
    # is visible whole or not at all), and its bytes in fixed-size pieces.
    op.create_table('blob_store_objects',
    sa.Column('blob_id', sa.String(length=64), nullable=False),
    sa.Column('ct_len', sa.BigInteger(), nullable=False),
    sa.Column('piece_count', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('blob_id', name=op.f('pk_blob_store_objects'))
    )
    op.create_table('blob_store_chunks',
    sa.Column('blob_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['blob_id'], ['blob_store_objects.blob_id'],
                            name=op.f('fk_blob_store_chunks_blob_id_blob_store_objects'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('blob_id', 'seq', name=op.f('pk_blob_store_chunks'))
    )


def downgrade() -> None:
    op.drop_table('blob_store_chunks')
    op.drop_table('blob_store_objects')
