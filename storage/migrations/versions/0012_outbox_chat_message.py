"""outbox: an index on (platform, chat_id, external_id) for button presses

A Telegram button press names the chat and the message it was pressed on; the transport checks in the
outbox that the bot offered that choice there (storage/buttons.py). Without the index that was a full
scan of an outbox that only grows (172 ms median at 200,000 rows on SQLite).

Revision ID: 0012_outbox_chat_message
Revises: 0011_matrix_crypto
Create Date: 2026-12-07 06:00:00
"""

from alembic import op

revision = "0012_outbox_chat_message"
down_revision = "0011_matrix_crypto"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_chat_message", ["platform", "chat_id", "external_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_chat_message")
