"""training tables

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the tables of training (#6): policy state, completions, self-declarations, quiz attempts, nudges


def downgrade() -> None:
    pass
