"""identity: private chat and last seen, to reach a person privately on the account they use

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 09:30:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private_chat_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
        batch_op.add_column(sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('private_chat_id')
