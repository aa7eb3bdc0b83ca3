"""incidents: pending alerts, what the ISMT records for the reports, crisis flag, recorded_at

Revision ID: 0009_incident_facts
Revises: 0008
Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_incident_facts"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("alert_pending_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "suspected_malicious", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("cross_border", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        for name in (
            "severity",
            "indicators",
            "root_cause",
            "measures_applied",
            "measures_ongoing",
        ):
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("gdpr_details", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("crisis_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("crisis_by_person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_incident_crisis_by_person_id", "person", ["crisis_by_person_id"], ["id"]
        )
        batch_op.create_index(
            batch_op.f("ix_incident_alert_pending_since"), ["alert_pending_since"], unique=False
        )
    with op.batch_alter_table("incident_report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_report", schema=None) as batch_op:
        batch_op.drop_column("recorded_at")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_alert_pending_since"))
        batch_op.drop_constraint("fk_incident_crisis_by_person_id", type_="foreignkey")
        for name in (
            "crisis_by_person_id",
            "crisis_at",
            "gdpr_details",
            "measures_ongoing",
            "measures_applied",
            "root_cause",
            "indicators",
            "severity",
            "cross_border",
            "suspected_malicious",
            "started_at",
            "alert_pending_since",
        ):
            batch_op.drop_column(name)
