"""welfare status per person and programme (issue 10)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'welfare_statuses',
        sa.Column('id', BigId, nullable=False),
        sa.Column('person_id', BigId, nullable=False),
        sa.Column('household_id', BigId, nullable=False),
        sa.Column('programme', sa.String(length=24), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('recorded_by', BigId, nullable=True),
        sa.Column('recorded_by_label', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_welfare_statuses_person_id_persons'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name=op.f('fk_welfare_statuses_household_id_households')),
        sa.ForeignKeyConstraint(['recorded_by'], ['accounts.id'],
                                name=op.f('fk_welfare_statuses_recorded_by_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_welfare_statuses')),
        sa.UniqueConstraint('person_id', 'programme', name=op.f('uq_welfare_statuses_person_id')),
    )
    op.create_index(op.f('ix_welfare_statuses_person_id'), 'welfare_statuses', ['person_id'], unique=False)
    op.create_index(op.f('ix_welfare_statuses_household_id'), 'welfare_statuses', ['household_id'], unique=False)
    # What people were already recorded as receiving is where they stand today.
    postgresql = op.get_bind().dialect.name == "postgresql"
    day, codes, where = (("CAST(p.updated_at AS DATE)", "jsonb_array_elements_text(p.welfare) AS w(value)",
                          "jsonb_typeof(p.welfare) = 'array'") if postgresql else
                         ("substr(p.updated_at, 1, 10)", "json_each(p.welfare) AS w", "json_type(p.welfare) = 'array'"))
    op.execute(sa.text(
        "INSERT INTO welfare_statuses (person_id, household_id, programme, status, since, source, recorded_by, "
        f"recorded_by_label, updated_at) SELECT p.id, p.household_id, w.value, 'receiving', {day}, 'import', "
        f"NULL, 'migration', p.updated_at FROM persons p, {codes} WHERE {where}"))


def downgrade() -> None:
    op.drop_index(op.f('ix_welfare_statuses_household_id'), table_name='welfare_statuses')
    op.drop_index(op.f('ix_welfare_statuses_person_id'), table_name='welfare_statuses')
    op.drop_table('welfare_statuses')
