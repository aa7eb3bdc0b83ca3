"""coordination tables

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the tables of coordination (#7): reminders, audit programme, findings
    op.create_table('coordination_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_person_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('first_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('repeat', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coordination_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordination_reminder_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_coordination_reminder_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('coordination_reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['reminder_id'], ['coordination_reminder.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reminder_id', 'occurrence')
    )
    with op.batch_alter_table('coordination_reminder_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordination_reminder_sent_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coordination_reminder_sent_reminder_id'), ['reminder_id'], unique=False)

    op.create_table('coordination_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('planned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('auditor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by_person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coordination_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordination_audit_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('coordination_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('owner_person_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['coordination_audit.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['owner_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coordination_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordination_finding_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coordination_finding_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('coordination_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordination_finding_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_coordination_finding_audit_id'))
    op.drop_table('coordination_finding')
    with op.batch_alter_table('coordination_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordination_audit_organisation_id'))
    op.drop_table('coordination_audit')
    with op.batch_alter_table('coordination_reminder_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordination_reminder_sent_reminder_id'))
        batch_op.drop_index(batch_op.f('ix_coordination_reminder_sent_organisation_id'))
    op.drop_table('coordination_reminder_sent')
    with op.batch_alter_table('coordination_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordination_reminder_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_coordination_reminder_active'))
    op.drop_table('coordination_reminder')
