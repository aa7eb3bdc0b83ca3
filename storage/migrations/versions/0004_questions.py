"""questions tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('question_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('result_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entry_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('forwarded', sa.Boolean(), nullable=False),
    sa.Column('forwarded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('answered_by_person_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('question_log', schema=None) as batch_op:
        batch_op.create_index('ix_question_log_open', ['organisation_id', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_log_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_log_person_id'), ['person_id'], unique=False)

    op.create_table('kb_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'entry_id', 'language')
    )
    with op.batch_alter_table('kb_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_override_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kb_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_override_organisation_id'))

    op.drop_table('kb_override')
    with op.batch_alter_table('question_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_log_person_id'))
        batch_op.drop_index(batch_op.f('ix_question_log_organisation_id'))
        batch_op.drop_index('ix_question_log_open')

    op.drop_table('question_log')
