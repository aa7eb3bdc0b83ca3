"""coordination_council_report(+_chart): the council's quarterly report as a draft for the
coordinator's review, then published once (#16 item 3)

Revision ID: 0014_council_report_review
Revises: 0013_training_module
Create Date: 2026-12-07 14:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014_council_report_review"
down_revision = "0013_training_module"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coordination_council_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("approved_by_person_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("drafted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "period"),
    )
    with op.batch_alter_table("coordination_council_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordination_council_report_organisation_id"),
            ["organisation_id"],
            unique=False,
        )
    op.create_table(
        "coordination_council_report_chart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["coordination_council_report.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("coordination_council_report_chart", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordination_council_report_chart_organisation_id"),
            ["organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_coordination_council_report_chart_report_id"),
            ["report_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("coordination_council_report_chart", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordination_council_report_chart_report_id"))
        batch_op.drop_index(batch_op.f("ix_coordination_council_report_chart_organisation_id"))
    op.drop_table("coordination_council_report_chart")
    with op.batch_alter_table("coordination_council_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordination_council_report_organisation_id"))
    op.drop_table("coordination_council_report")
