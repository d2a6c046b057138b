"""finding a household: the blind index of names, the phone hash (issue 10)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'name_tokens',
        sa.Column('id', _ID, nullable=False),
        sa.Column('person_id', _ID, nullable=False),
        sa.Column('household_id', _ID, nullable=False),
        sa.Column('village_code', sa.String(length=8), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_name_tokens_person_id_persons'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name=op.f('fk_name_tokens_household_id_households'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_name_tokens')),
    )
    op.create_index(op.f('ix_name_tokens_person_id'), 'name_tokens', ['person_id'])
    op.create_index(op.f('ix_name_tokens_household_id'), 'name_tokens', ['household_id'])
    op.create_index(op.f('ix_name_tokens_token_hash'), 'name_tokens', ['token_hash'])
    with op.batch_alter_table('persons') as batch_op:
        batch_op.add_column(sa.Column('phone_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_persons_phone_hash'), ['phone_hash'])


def downgrade() -> None:
    with op.batch_alter_table('persons') as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_phone_hash'))
        batch_op.drop_column('phone_hash')
    op.drop_table('name_tokens')
