"""matrix crypto: the bot's sealed crypto store snapshot and cross-signing keys (issue 14)

Revision ID: 0011_matrix_crypto
Revises: 0010_control
Create Date: 2026-12-07 05:45:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011_matrix_crypto"
down_revision = "0010_control"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matrix_crypto_store",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "matrix_cross_signing",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("master_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("matrix_cross_signing")
    op.drop_table("matrix_crypto_store")
