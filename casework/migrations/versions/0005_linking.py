"""link codes and requests (issue 9)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('household_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_name', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('warned_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action', ['action', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_action')
    with op.batch_alter_table('household_links', schema=None) as batch_op:
        batch_op.drop_column('warned_at')
        batch_op.drop_column('requested_name')
