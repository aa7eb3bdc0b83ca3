"""incidents tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the tables of incidents (#4): incident, timeline, deadlines, reports sent, reminders sent


def downgrade() -> None:
    pass
