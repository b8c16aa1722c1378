"""Signed reviewer actions: action_nonces

Revision ID: 0008_action_signatures
Revises: 0007_reply_retention

Key requests and client-reported actions carry the reviewer's own signature from now on
(S17, vault/SPEC.md §14). ``action_nonces`` keeps a hash of each accepted statement's nonce
(with its UTC day, for pruning) so a statement is accepted once. (The cut-over is read from the
log itself: unsigned entries before the first signed one predate signing. It is not stored
as a row here: a restore migrates an empty database first and then copies every row.)
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_action_signatures'
down_revision = '0007_reply_retention'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'action_nonces',
        sa.Column('nonce_hash', sa.LargeBinary(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('nonce_hash', name=op.f('pk_action_nonces')),
    )
    with op.batch_alter_table('action_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_nonces_day'), ['day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('action_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_nonces_day'))
    op.drop_table('action_nonces')
