"""TOTP enrolment at first login: accounts.totp_confirmed

Revision ID: 0006_totp_enrolment
Revises: 0005_totp_sealed

Existing accounts have been signing in with their second factor: they count as confirmed.
"""

import sqlalchemy as sa
from alembic import op

revision = '0006_totp_enrolment'
down_revision = '0005_totp_sealed'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_confirmed', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('totp_confirmed')
