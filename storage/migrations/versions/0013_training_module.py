"""training_record: the learning module a quiz followed (the certificate names it)

A self-declared training keeps its date in ``completed_at`` and its proof (course, provider) in
``note``; only the module needed a column.

Revision ID: 0013_training_module
Revises: 0012_outbox_chat_message
Create Date: 2026-12-07 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_training_module"
down_revision = "0012_outbox_chat_message"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("module", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.drop_column("module")
