"""follow-up visits (text, voice notes, photos, location, next date) (issue 10)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'visits',
        sa.Column('id', BigId, nullable=False),
        sa.Column('household_id', BigId, nullable=False),
        sa.Column('case_id', BigId, nullable=True),
        sa.Column('visited_by', BigId, nullable=False),
        sa.Column('visited_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.LargeBinary(), nullable=True),
        sa.Column('location', sa.LargeBinary(), nullable=True),
        sa.Column('next_visit_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_visits_household_id_households')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_visits_case_id_cases')),
        sa.ForeignKeyConstraint(['visited_by'], ['accounts.id'], name=op.f('fk_visits_visited_by_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visits')),
    )
    op.create_index(op.f('ix_visits_case_id'), 'visits', ['case_id'], unique=False)
    op.create_index('ix_visits_household', 'visits', ['household_id', 'visited_at'], unique=False)
    op.create_index('ix_visits_next', 'visits', ['next_visit_on'], unique=False)
    with op.batch_alter_table('attachments') as batch_op:
        batch_op.add_column(sa.Column('visit_id', BigId, nullable=True))
        batch_op.create_foreign_key(op.f('fk_attachments_visit_id_visits'), 'visits', ['visit_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('attachments') as batch_op:
        batch_op.drop_constraint(op.f('fk_attachments_visit_id_visits'), type_='foreignkey')
        batch_op.drop_column('visit_id')
    op.drop_index('ix_visits_next', table_name='visits')
    op.drop_index('ix_visits_household', table_name='visits')
    op.drop_index(op.f('ix_visits_case_id'), table_name='visits')
    op.drop_table('visits')
