"""the token buckets every sending process shares for LINE's rate limits (issue 13)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_buckets',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('tokens', sa.Float(), nullable=False),
        sa.Column('updated_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_rate_buckets')),
    )


def downgrade() -> None:
    op.drop_table('rate_buckets')
