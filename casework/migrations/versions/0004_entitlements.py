"""entitlements: decisions, screening runs and gaps, persons' nationality

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('screening_runs',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('area_code', sa.String(length=8), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('rules', sa.String(length=400), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('gaps', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_runs'))
    )
    with op.batch_alter_table('screening_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_runs_area_code'), ['area_code'], unique=False)
    op.create_table('screening_gaps',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('run_id', BIG_ID, nullable=False),
    sa.Column('programme', sa.String(length=24), nullable=False),
    sa.Column('village_code', sa.String(length=8), nullable=False),
    sa.Column('gaps', sa.Integer(), nullable=False),
    sa.Column('household_ids', sa.LargeBinary(), nullable=False),
    sa.Column('person_ids', sa.LargeBinary(), nullable=True),
    sa.Column('amounts', sa.LargeBinary(), nullable=True),
    sa.Column('ages', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['screening_runs.id'], name=op.f('fk_screening_gaps_run_id_screening_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_gaps'))
    )
    with op.batch_alter_table('screening_gaps', schema=None) as batch_op:
        batch_op.create_index('ix_screening_gaps_run', ['run_id', 'programme', 'village_code'], unique=True)
    op.create_table('decisions',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('programme', sa.String(length=24), nullable=False),
    sa.Column('rule_version', sa.String(length=48), nullable=False),
    sa.Column('rule_digest', sa.String(length=16), nullable=False),
    sa.Column('rule', JSON, nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('receiving', sa.Boolean(), nullable=False),
    sa.Column('inputs', sa.LargeBinary(), nullable=False),
    sa.Column('household_id', BIG_ID, nullable=True),
    sa.Column('person_id', BIG_ID, nullable=True),
    sa.Column('shown_to', BIG_ID, nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_decisions_household_id_households')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_decisions_person_id_persons')),
    sa.ForeignKeyConstraint(['shown_to'], ['accounts.id'], name=op.f('fk_decisions_shown_to_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_household', ['household_id', 'created_at'], unique=False)
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thai', sa.Boolean(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_column('thai')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_household')
    op.drop_table('decisions')
    with op.batch_alter_table('screening_gaps', schema=None) as batch_op:
        batch_op.drop_index('ix_screening_gaps_run')
    op.drop_table('screening_gaps')
    with op.batch_alter_table('screening_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_runs_area_code'))
    op.drop_table('screening_runs')
