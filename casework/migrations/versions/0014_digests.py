"""scheduled digests: preferences, notices sent exactly once, the clock's run log (issue 12)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'digest_preferences',
        sa.Column('account_id', BigId, nullable=False),
        sa.Column('send_at', sa.Time(), nullable=False),
        sa.Column('paused', sa.Boolean(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('all_clear', sa.Boolean(), nullable=False),
        sa.Column('email', sa.LargeBinary(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_digest_preferences_account_id_accounts')),
        sa.PrimaryKeyConstraint('account_id', name=op.f('pk_digest_preferences')),
    )
    op.create_table(
        'notices',
        sa.Column('id', BigId, nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('recipient', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=24), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('outcome', sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
        sa.UniqueConstraint('key', name=op.f('uq_notices_key')),
    )
    op.create_table(
        'clock_runs',
        sa.Column('id', BigId, nullable=False),
        sa.Column('job', sa.String(length=40), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('late', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_runs')),
    )
    op.create_index('ix_clock_runs_job', 'clock_runs', ['job', 'started_at'], unique=False)
    for table in ('role_grants', 'invites'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('supervisor', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    for table in ('invites', 'role_grants'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('supervisor')
    op.drop_index('ix_clock_runs_job', table_name='clock_runs')
    op.drop_table('clock_runs')
    op.drop_table('notices')
    op.drop_table('digest_preferences')
