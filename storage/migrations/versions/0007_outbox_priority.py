"""outbox: a priority lane per message (replies and alerts, reminders, bulk)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 05:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_outbox_lane', ['status', 'priority', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_lane')
        batch_op.drop_column('priority')
