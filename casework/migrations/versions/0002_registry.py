"""registry: villages, households, persons, accounts, roles, invites, consent, assessments,
attachments, audit log, tasks, conversations, rich menus

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('line_user_id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('line_user_id', name=op.f('uq_accounts_line_user_id'))
    )
    op.create_table('agencies',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('code', name=op.f('uq_agencies_code'))
    )
    op.create_table('audit_log',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=24), nullable=False),
    sa.Column('entity_id', sa.String(length=32), nullable=False),
    sa.Column('area_code', sa.String(length=8), nullable=True),
    sa.Column('changes', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_area', ['area_code', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id', 'at'], unique=False)

    op.create_table('conversations',
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('flow', sa.String(length=32), nullable=False),
    sa.Column('state', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', name=op.f('pk_conversations'))
    )
    op.create_table('households',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('village_code', sa.String(length=8), nullable=False),
    sa.Column('address_key', sa.String(length=64), nullable=False),
    sa.Column('address', sa.LargeBinary(), nullable=False),
    sa.Column('location', sa.LargeBinary(), nullable=True),
    sa.Column('housing_condition', sa.String(length=16), nullable=True),
    sa.Column('land', sa.String(length=16), nullable=True),
    sa.Column('water', sa.String(length=16), nullable=True),
    sa.Column('debt_baht', sa.Integer(), nullable=True),
    sa.Column('savings_baht', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('poverty_group', sa.SmallInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('address_key', name=op.f('uq_households_address_key'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_village_code'), ['village_code'], unique=False)
        batch_op.create_index('ix_households_village_status', ['village_code', 'status'], unique=False)

    op.create_table('rich_menus',
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('line_rich_menu_id', sa.String(length=80), nullable=False),
    sa.Column('image_sha256', sa.String(length=64), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_rich_menus'))
    )
    op.create_table('villages',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('subdistrict_code', sa.String(length=6), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_villages'))
    )
    with op.batch_alter_table('villages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_villages_subdistrict_code'), ['subdistrict_code'], unique=False)

    op.create_table('assessments',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('household_id', BIG_ID, nullable=False),
    sa.Column('questionnaire', sa.String(length=40), nullable=False),
    sa.Column('answers', JSON, nullable=False),
    sa.Column('scores', JSON, nullable=False),
    sa.Column('mean_score', sa.Float(), nullable=True),
    sa.Column('poverty_group', sa.SmallInteger(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('assessed_by', BIG_ID, nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', BIG_ID, nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by'], ['accounts.id'], name=op.f('fk_assessments_assessed_by_accounts')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_assessments_household_id_households')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['accounts.id'], name=op.f('fk_assessments_reviewed_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_household_id'), ['household_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('account_id', BIG_ID, nullable=True),
    sa.Column('household_id', BIG_ID, nullable=True),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', BIG_ID, nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_consents_account_id_accounts')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_consents_household_id_households')),
    sa.ForeignKeyConstraint(['recorded_by'], ['accounts.id'], name=op.f('fk_consents_recorded_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_account', ['account_id', 'scope', 'decided_at'], unique=False)
        batch_op.create_index('ix_consents_household', ['household_id', 'scope', 'decided_at'], unique=False)

    op.create_table('household_links',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('household_id', BIG_ID, nullable=False),
    sa.Column('account_id', BIG_ID, nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', BIG_ID, nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_household_links_account_id_accounts')),
    sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_household_links_created_by_accounts')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_links_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_links')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_household_links_code_hash'))
    )
    with op.batch_alter_table('household_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_links_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_links_household_id'), ['household_id'], unique=False)

    op.create_table('invites',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('area_code', sa.String(length=8), nullable=False),
    sa.Column('agency_id', BIG_ID, nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by', BIG_ID, nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_invites_agency_id_agencies')),
    sa.ForeignKeyConstraint(['used_by'], ['accounts.id'], name=op.f('fk_invites_used_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invites')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_invites_code_hash'))
    )
    op.create_table('persons',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('household_id', BIG_ID, nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('citizen_id_hash', sa.String(length=64), nullable=True),
    sa.Column('citizen_id', sa.LargeBinary(), nullable=True),
    sa.Column('name', sa.LargeBinary(), nullable=False),
    sa.Column('phone', sa.LargeBinary(), nullable=True),
    sa.Column('education', sa.String(length=24), nullable=True),
    sa.Column('occupation', sa.String(length=60), nullable=True),
    sa.Column('income_baht_year', sa.Integer(), nullable=True),
    sa.Column('welfare', JSON, nullable=False),
    sa.Column('has_disability_card', sa.Boolean(), nullable=True),
    sa.Column('health', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_persons_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('citizen_id_hash', name=op.f('uq_persons_citizen_id_hash'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_household_id'), ['household_id'], unique=False)

    op.create_table('role_grants',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('account_id', BIG_ID, nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('area_code', sa.String(length=8), nullable=False),
    sa.Column('agency_id', BIG_ID, nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_role_grants_account_id_accounts')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_role_grants_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants'))
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grants_account_id'), ['account_id'], unique=False)

    op.create_table('tasks',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('area_code', sa.String(length=8), nullable=False),
    sa.Column('household_id', BIG_ID, nullable=True),
    sa.Column('account_id', BIG_ID, nullable=True),
    sa.Column('details', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', BIG_ID, nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_tasks_account_id_accounts')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_tasks_household_id_households')),
    sa.ForeignKeyConstraint(['resolved_by'], ['accounts.id'], name=op.f('fk_tasks_resolved_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_area_code'), ['area_code'], unique=False)

    op.create_table('attachments',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('household_id', BIG_ID, nullable=False),
    sa.Column('assessment_id', BIG_ID, nullable=True),
    sa.Column('line_message_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', BIG_ID, nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_attachments_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_attachments_created_by_accounts')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_attachments_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('line_message_id', name=op.f('uq_attachments_line_message_id'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_household_id'), ['household_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_household_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_area_code'))

    op.drop_table('tasks')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grants_account_id'))

    op.drop_table('role_grants')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_household_id'))

    op.drop_table('persons')
    op.drop_table('invites')
    with op.batch_alter_table('household_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_links_household_id'))
        batch_op.drop_index(batch_op.f('ix_household_links_account_id'))

    op.drop_table('household_links')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('ix_consents_household')
        batch_op.drop_index('ix_consents_account')

    op.drop_table('consents')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_household_id'))

    op.drop_table('assessments')
    with op.batch_alter_table('villages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_villages_subdistrict_code'))

    op.drop_table('villages')
    op.drop_table('rich_menus')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_village_status')
        batch_op.drop_index(batch_op.f('ix_households_village_code'))

    op.drop_table('households')
    op.drop_table('conversations')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')
        batch_op.drop_index('ix_audit_log_area')

    op.drop_table('audit_log')
    op.drop_table('agencies')
    op.drop_table('accounts')
