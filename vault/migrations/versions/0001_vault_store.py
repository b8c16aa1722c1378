"""vault store: reports, stanzas, blobs, uploads, events, bundles, audit, purge log

Revision ID: 0001_vault_store
Revises: (none: the first revision; later vault revisions chain after it)
"""

from alembic import op
import sqlalchemy as sa


revision = '0001_vault_store'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entries',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('actor_signature', sa.LargeBinary(), nullable=True),
    sa.Column('leaf_hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_entries'))
    )
    op.create_table('audit_heads',
    sa.Column('size', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('root', sa.LargeBinary(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('signature', sa.LargeBinary(length=64), nullable=False),
    sa.PrimaryKeyConstraint('size', name=op.f('pk_audit_heads'))
    )
    op.create_table('bundles',
    sa.Column('serial', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('serial', name=op.f('pk_bundles')),
    sa.UniqueConstraint('sha256', name=op.f('uq_bundles_sha256'))
    )
    op.create_table('purge_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('blob_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purge_log'))
    )
    op.create_table('reports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('envelope', sa.LargeBinary(), nullable=False),
    sa.Column('bundle_serial', sa.Integer(), nullable=False),
    sa.Column('server_sealed', sa.Boolean(), nullable=False),
    sa.Column('lookup_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('status_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('status_epoch', sa.Integer(), nullable=False),
    sa.Column('last_change_day', sa.Date(), nullable=False),
    sa.CheckConstraint("state IN ('active', 'withdrawn')", name=op.f('ck_reports_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('lookup_hash', name=op.f('uq_reports_lookup_hash'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_last_change_day'), ['last_change_day'], unique=False)

    op.create_table('upload_sessions',
    sa.Column('upload_id', sa.String(length=64), nullable=False),
    sa.Column('declared_chunk_count', sa.Integer(), nullable=False),
    sa.Column('chunk_size', sa.Integer(), nullable=False),
    sa.Column('next_index', sa.Integer(), nullable=False),
    sa.Column('received_bytes', sa.BigInteger(), nullable=False),
    sa.Column('last_chunk_hash', sa.LargeBinary(length=32), nullable=True),
    sa.Column('last_chunk_len', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('expires_day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('upload_id', name=op.f('pk_upload_sessions'))
    )
    with op.batch_alter_table('upload_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_sessions_expires_day'), ['expires_day'], unique=False)

    op.create_table('blobs',
    sa.Column('blob_id', sa.String(length=64), nullable=False),
    sa.Column('report_id', sa.String(length=36), nullable=True),
    sa.Column('ct_len', sa.BigInteger(), nullable=False),
    sa.Column('chunk_count', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.CheckConstraint("state IN ('stored', 'attached')", name=op.f('ck_blobs_state')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_blobs_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('blob_id', name=op.f('pk_blobs'))
    )
    with op.batch_alter_table('blobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blobs_report_id'), ['report_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('report_id', sa.String(length=36), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.CheckConstraint("direction IN ('from_reporter', 'to_reporter')", name=op.f('ck_events_direction')),
    sa.CheckConstraint('seq >= 0', name=op.f('ck_events_seq')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_events_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('report_id', 'direction', 'seq', name='uq_events_report_dir_seq')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_report_id'), ['report_id'], unique=False)

    op.create_table('stanzas',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('report_id', sa.String(length=36), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('sealed_key', sa.LargeBinary(), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_stanzas_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stanzas')),
    sa.UniqueConstraint('report_id', 'key_id', name='uq_stanzas_report_key')
    )
    with op.batch_alter_table('stanzas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stanzas_key_id'), ['key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stanzas_report_id'), ['report_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stanzas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stanzas_report_id'))
        batch_op.drop_index(batch_op.f('ix_stanzas_key_id'))

    op.drop_table('stanzas')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_report_id'))

    op.drop_table('events')
    with op.batch_alter_table('blobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blobs_report_id'))

    op.drop_table('blobs')
    with op.batch_alter_table('upload_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upload_sessions_expires_day'))

    op.drop_table('upload_sessions')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_last_change_day'))

    op.drop_table('reports')
    op.drop_table('purge_log')
    op.drop_table('bundles')
    op.drop_table('audit_heads')
    op.drop_table('audit_entries')
