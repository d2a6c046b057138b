"""case engine: the case state machine (origins, tracks, optimistic locking), plans,
referrals, consent to share per agency kind, agency group chats (issue 10)

Requests taken up by a leader were "acknowledged"; the state machine calls that "triaged".

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=12), nullable=False, server_default='request'))
        batch_op.add_column(sa.Column('track', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('service', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('programme', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('person_id', BigId, nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_foreign_key(op.f('fk_cases_person_id_persons'), 'persons', ['person_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_cases_status', ['status', 'updated_at'], unique=False)
    op.execute("UPDATE cases SET status = 'triaged' WHERE status = 'acknowledged'")
    op.execute("UPDATE case_updates SET status_after = 'triaged' WHERE status_after = 'acknowledged'")
    with op.batch_alter_table('consents') as batch_op:
        batch_op.alter_column('scope', type_=sa.String(length=40), existing_type=sa.String(length=12),
                              existing_nullable=False)
    with op.batch_alter_table('line_chats') as batch_op:
        batch_op.add_column(sa.Column('agency_id', BigId, nullable=True))
        batch_op.create_foreign_key(op.f('fk_line_chats_agency_id_agencies'), 'agencies', ['agency_id'], ['id'])
    op.create_table(
        'plans',
        sa.Column('id', BigId, nullable=False),
        sa.Column('household_id', BigId, nullable=False),
        sa.Column('case_id', BigId, nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('made_by', BigId, nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('decided_at', UTC, nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_plans_household_id_households')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_plans_case_id_cases')),
        sa.ForeignKeyConstraint(['made_by'], ['accounts.id'], name=op.f('fk_plans_made_by_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    )
    op.create_index(op.f('ix_plans_household_id'), 'plans', ['household_id'], unique=False)
    op.create_table(
        'plan_items',
        sa.Column('id', BigId, nullable=False),
        sa.Column('plan_id', BigId, nullable=False),
        sa.Column('position', sa.SmallInteger(), nullable=False),
        sa.Column('track', sa.String(length=12), nullable=False),
        sa.Column('need', sa.String(length=16), nullable=False),
        sa.Column('service', sa.String(length=32), nullable=True),
        sa.Column('programme', sa.String(length=24), nullable=True),
        sa.Column('person_id', BigId, nullable=True),
        sa.Column('kept', sa.Boolean(), nullable=False),
        sa.Column('case_id', BigId, nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_items_plan_id_plans'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_plan_items_person_id_persons'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_plan_items_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_items')),
    )
    op.create_index(op.f('ix_plan_items_plan_id'), 'plan_items', ['plan_id'], unique=False)
    op.create_table(
        'referrals',
        sa.Column('id', BigId, nullable=False),
        sa.Column('case_id', BigId, nullable=False),
        sa.Column('household_id', BigId, nullable=False),
        sa.Column('village_code', sa.String(length=8), nullable=False),
        sa.Column('agency_id', BigId, nullable=True),
        sa.Column('service', sa.String(length=32), nullable=False),
        sa.Column('programme', sa.String(length=24), nullable=True),
        sa.Column('person_id', BigId, nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('made_by', BigId, nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('sent_at', UTC, nullable=True),
        sa.Column('accept_due', sa.Date(), nullable=True),
        sa.Column('complete_due', sa.Date(), nullable=True),
        sa.Column('updated_at', UTC, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_referrals_case_id_cases')),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_referrals_household_id_households')),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_referrals_agency_id_agencies')),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_referrals_person_id_persons'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['made_by'], ['accounts.id'], name=op.f('fk_referrals_made_by_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    )
    op.create_index(op.f('ix_referrals_case_id'), 'referrals', ['case_id'], unique=False)
    op.create_index(op.f('ix_referrals_household_id'), 'referrals', ['household_id'], unique=False)
    op.create_index('ix_referrals_agency_status', 'referrals', ['agency_id', 'status', 'sent_at'], unique=False)
    op.create_index('ix_referrals_village_status', 'referrals', ['village_code', 'status'], unique=False)
    op.create_table(
        'referral_updates',
        sa.Column('id', BigId, nullable=False),
        sa.Column('referral_id', BigId, nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('status_after', sa.String(length=16), nullable=False),
        sa.Column('note', sa.LargeBinary(), nullable=True),
        sa.Column('by', BigId, nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_updates_referral_id_referrals')),
        sa.ForeignKeyConstraint(['by'], ['accounts.id'], name=op.f('fk_referral_updates_by_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_updates')),
    )
    op.create_index(op.f('ix_referral_updates_referral_id'), 'referral_updates', ['referral_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_referral_updates_referral_id'), table_name='referral_updates')
    op.drop_table('referral_updates')
    op.drop_index('ix_referrals_village_status', table_name='referrals')
    op.drop_index('ix_referrals_agency_status', table_name='referrals')
    op.drop_index(op.f('ix_referrals_household_id'), table_name='referrals')
    op.drop_index(op.f('ix_referrals_case_id'), table_name='referrals')
    op.drop_table('referrals')
    op.drop_index(op.f('ix_plan_items_plan_id'), table_name='plan_items')
    op.drop_table('plan_items')
    op.drop_index(op.f('ix_plans_household_id'), table_name='plans')
    op.drop_table('plans')
    with op.batch_alter_table('line_chats') as batch_op:
        batch_op.drop_constraint(op.f('fk_line_chats_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_column('agency_id')
    with op.batch_alter_table('consents') as batch_op:
        batch_op.alter_column('scope', type_=sa.String(length=12), existing_type=sa.String(length=40),
                              existing_nullable=False)
    op.execute("UPDATE case_updates SET status_after = 'acknowledged' WHERE status_after = 'triaged'")
    op.execute("UPDATE cases SET status = 'acknowledged' WHERE status = 'triaged'")
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_index('ix_cases_status')
        batch_op.drop_constraint(op.f('fk_cases_person_id_persons'), type_='foreignkey')
        for column in ('version', 'outcome', 'person_id', 'programme', 'service', 'track', 'origin'):
            batch_op.drop_column(column)
