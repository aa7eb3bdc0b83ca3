"""questions tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the tables of questions (#5): question log and per-organisation knowledge-base overrides


def downgrade() -> None:
    pass
