"""agency registry: kinds, services with service levels, areas covered (issue 10)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('agencies') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=True))
    op.create_table(
        'agency_services',
        sa.Column('id', BigId, nullable=False),
        sa.Column('agency_id', BigId, nullable=False),
        sa.Column('service', sa.String(length=32), nullable=False),
        sa.Column('accept_days', sa.Integer(), nullable=False),
        sa.Column('complete_days', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_services_agency_id_agencies')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_services')),
        sa.UniqueConstraint('agency_id', 'service', name=op.f('uq_agency_services_agency_id')),
    )
    op.create_index(op.f('ix_agency_services_agency_id'), 'agency_services', ['agency_id'], unique=False)
    op.create_table(
        'agency_areas',
        sa.Column('id', BigId, nullable=False),
        sa.Column('agency_id', BigId, nullable=False),
        sa.Column('area_code', sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_areas_agency_id_agencies')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_areas')),
        sa.UniqueConstraint('agency_id', 'area_code', name=op.f('uq_agency_areas_agency_id')),
    )
    op.create_index(op.f('ix_agency_areas_agency_id'), 'agency_areas', ['agency_id'], unique=False)
    op.create_index(op.f('ix_agency_areas_area_code'), 'agency_areas', ['area_code'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_agency_areas_area_code'), table_name='agency_areas')
    op.drop_index(op.f('ix_agency_areas_agency_id'), table_name='agency_areas')
    op.drop_table('agency_areas')
    op.drop_index(op.f('ix_agency_services_agency_id'), table_name='agency_services')
    op.drop_table('agency_services')
    with op.batch_alter_table('agencies') as batch_op:
        batch_op.drop_column('kind')
