"""training tables

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the tables of training (#6): completions, quiz attempts, nudges sent, snoozes, college reminders
    op.create_table('training_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('covers_art24', sa.Boolean(), nullable=False),
    sa.Column('certificate_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('certificate_year', sa.Integer(), nullable=True),
    sa.Column('certificate_sequence', sa.Integer(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('recorded_by_person_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_by_person_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('certificate_number'),
    sa.UniqueConstraint('organisation_id', 'certificate_year', 'certificate_sequence')
    )
    with op.batch_alter_table('training_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_record_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_record_person_id'), ['person_id'], unique=False)

    op.create_table('quiz_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('bank_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('drawn', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['record_id'], ['training_record.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempt_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_person_id'), ['person_id'], unique=False)

    op.create_table('training_nudge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('slot_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'slot_key')
    )
    with op.batch_alter_table('training_nudge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_nudge_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('training_snooze',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('cycle_due', sa.Date(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id')
    )
    with op.batch_alter_table('training_snooze', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_snooze_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('college_reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reminder_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('months_before', sa.Integer(), nullable=False),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reminder_key')
    )
    with op.batch_alter_table('college_reminder_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_college_reminder_sent_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('college_reminder_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_college_reminder_sent_organisation_id'))
    op.drop_table('college_reminder_sent')
    with op.batch_alter_table('training_snooze', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_snooze_organisation_id'))
    op.drop_table('training_snooze')
    with op.batch_alter_table('training_nudge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_nudge_organisation_id'))
    op.drop_table('training_nudge')
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_person_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_organisation_id'))
    op.drop_table('quiz_attempt')
    with op.batch_alter_table('training_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_record_person_id'))
        batch_op.drop_index(batch_op.f('ix_training_record_organisation_id'))
    op.drop_table('training_record')
