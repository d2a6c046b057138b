"""an area's households, cases, referrals and name tokens found by index from the start of
their village code (bench/cases.py, issue 10)

A leader's or coordinator's area is a prefix of village codes (``LIKE '4615%'``). PostgreSQL
uses a btree index for such a prefix only under the "C" collation or with a pattern operator
class; under any other (C.UTF-8, th_TH, en_US) it read all 300,000 households for each open
list and each search by name. The indexes on ``village_code`` take ``varchar_pattern_ops``
(equality uses them too). A case keeps its household's village, as a referral does, so an
area's open cases are found without reading the area's households (a sub-district's open
list read and sorted all 100,000 open cases); a name's tokens are found by hash and area
together. On SQLite the indexes are as before but for the new two.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

PATTERN = {"village_code": "varchar_pattern_ops"}  # casework.models.base.VILLAGE_PREFIX


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch_op:
        batch_op.add_column(sa.Column('village_code', sa.String(length=8), nullable=True))
    op.execute("UPDATE cases SET village_code = (SELECT households.village_code FROM households "
               "WHERE households.id = cases.household_id)")
    with op.batch_alter_table('cases') as batch_op:
        batch_op.alter_column('village_code', existing_type=sa.String(length=8), nullable=False)
    op.create_index('ix_cases_village_status', 'cases', ['village_code', 'status', 'updated_at'],
                    postgresql_ops=PATTERN)
    op.drop_index('ix_households_village_code', table_name='households')
    op.create_index('ix_households_village_code', 'households', ['village_code'], postgresql_ops=PATTERN)
    op.drop_index('ix_referrals_village_status', table_name='referrals')
    op.create_index('ix_referrals_village_status', 'referrals', ['village_code', 'status'], postgresql_ops=PATTERN)
    op.drop_index('ix_name_tokens_token_hash', table_name='name_tokens')
    op.create_index('ix_name_tokens_token_village', 'name_tokens', ['token_hash', 'village_code'],
                    postgresql_ops=PATTERN)


def downgrade() -> None:
    op.drop_index('ix_name_tokens_token_village', table_name='name_tokens')
    op.create_index('ix_name_tokens_token_hash', 'name_tokens', ['token_hash'])
    op.drop_index('ix_referrals_village_status', table_name='referrals')
    op.create_index('ix_referrals_village_status', 'referrals', ['village_code', 'status'])
    op.drop_index('ix_households_village_code', table_name='households')
    op.create_index('ix_households_village_code', 'households', ['village_code'])
    op.drop_index('ix_cases_village_status', table_name='cases')
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_column('village_code')
