"""TOTP secrets sealed at rest: room for the sealed form (vault.totp_wrap)

Revision ID: 0005_totp_sealed
Revises: 0004_event_grants

The data step (sealing the secrets stored in plaintext until now) needs the instance's
keys/totp-wrap.key, which this database migration does not know: the vault API runs
``vault.totp_wrap.seal_plaintext_secrets`` at every start-up, before it serves a request.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_totp_sealed'
down_revision = '0004_event_grants'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64),
                              type_=sa.String(length=160), existing_nullable=True)


def downgrade() -> None:
    # Sealed secrets do not fit the old column: a downgrade needs new TOTP enrolments.
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=160),
                              type_=sa.String(length=64), existing_nullable=True)
