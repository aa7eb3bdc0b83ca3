"""rooms: a group chat belongs to one organisation (room_chat, referred to by every room)

A chat that was linked as a room of two organisations keeps the first link (the oldest row); the
later links of the other organisations are removed, and each removal is written to that
organisation's audit log, so its coordinator can see why alerts no longer go there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 05:50:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room_chat",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("chat_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("platform", "chat_id"),
        sa.UniqueConstraint("platform", "chat_id", "organisation_id"),
    )
    with op.batch_alter_table("room_chat", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_room_chat_organisation_id"), ["organisation_id"], unique=False
        )

    bind = op.get_bind()
    # The oldest link of each chat decides whose room it is.
    bind.execute(
        sa.text(
            "INSERT INTO room_chat (platform, chat_id, organisation_id, created_at) "
            "SELECT platform, chat_id, organisation_id, created_at FROM room "
            "WHERE id IN (SELECT min(id) FROM room GROUP BY platform, chat_id)"
        )
    )
    conflicting = bind.execute(
        sa.text(
            "SELECT r.id, r.organisation_id, r.purpose, r.platform, r.chat_id FROM room r "
            "JOIN room_chat c ON c.platform = r.platform AND c.chat_id = r.chat_id "
            "WHERE c.organisation_id <> r.organisation_id ORDER BY r.id"
        )
    ).fetchall()
    audit = sa.table(
        "auditlog",
        sa.column("organisation_id", sa.Integer()),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    now = datetime.now(UTC)
    for room_id, organisation_id, purpose, platform, chat_id in conflicting:
        bind.execute(
            audit.insert().values(
                organisation_id=organisation_id,
                actor="system",
                action="room.unlinked",
                detail={
                    "reason": "the chat is already a room of another organisation",
                    "purpose": purpose,
                    "platform": platform,
                    "chat_id": chat_id,
                },
                created_at=now,
            )
        )
        bind.execute(sa.text("DELETE FROM room WHERE id = :id"), {"id": room_id})

    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_room_room_chat",
            "room_chat",
            ["platform", "chat_id", "organisation_id"],
            ["platform", "chat_id", "organisation_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.drop_constraint("fk_room_room_chat", type_="foreignkey")
    with op.batch_alter_table("room_chat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_chat_organisation_id"))
    op.drop_table("room_chat")
