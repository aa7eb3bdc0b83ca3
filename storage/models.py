"""SQLModel tables of the core.

Every row that belongs to a municipality carries ``organisation_id``, and every query filters on it.
Every datetime is aware: SQLModel's ``UTCDateTime`` stores it in UTC and returns it in UTC, on SQLite
as on PostgreSQL. Feature tables live in their own modules beside these.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKeyConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2)  # storage.enums.Country
    timezone: str = Field(default="Europe/Amsterdam", max_length=64)
    matrix_domain: str | None = Field(default=None, max_length=200)
    suspended: bool = False
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    department: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=32)  # storage.enums.Role
    language: str = Field(default="nl", max_length=5)
    email: str | None = Field(default=None, max_length=320)
    appointed_at: datetime | None = None
    active: bool = True
    created_at: datetime


class Identity(SQLModel, table=True):
    """One account on one platform, pointing at a person (a person may have several)."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=255)
    created_at: datetime
    # Where a private message reaches this account (a Matrix direct room; Telegram's private chat id
    # equals the user id) and when it was last used: private messages go to the freshest account.
    private_chat_id: str | None = Field(default=None, max_length=255)
    last_seen_at: datetime | None = None


class Invite(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    code: str = Field(unique=True, max_length=32)
    role: str = Field(max_length=32)
    uses_left: int = 1
    expires_at: datetime
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class RoomChat(SQLModel, table=True):
    """Which organisation a group chat belongs to: one at most (its primary key is the chat).

    A linked room refers to this row with its organisation, so the database itself refuses a chat
    linked as the room of two organisations (B's alerts, with reporters' names, in A's room)."""

    __tablename__ = "room_chat"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "organisation_id"),)
    platform: str = Field(primary_key=True, max_length=16)
    chat_id: str = Field(primary_key=True, max_length=255)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_at: datetime


class Room(SQLModel, table=True):
    """A group chat linked to a purpose (the council room, the ISMT room) of one organisation."""

    __table_args__ = (
        UniqueConstraint("organisation_id", "purpose", "platform", "chat_id"),
        ForeignKeyConstraint(
            ["platform", "chat_id", "organisation_id"],
            ["room_chat.platform", "room_chat.chat_id", "room_chat.organisation_id"],
            name="fk_room_room_chat",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    purpose: str = Field(max_length=32)  # storage.enums.RoomPurpose
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=255)
    created_at: datetime


class DialogState(SQLModel, table=True):
    """The one open dialog of a person: where they are, what they answered so far, how they got here."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    dialog: str = Field(max_length=64)
    state: str = Field(max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    history: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    choices: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=255)
    started_at: datetime
    updated_at: datetime = Field(index=True)
    reminded_at: datetime | None = None


class InboxEvent(SQLModel, table=True):
    """Inbound events already handled: a replay of the same (platform, event id) is dropped."""

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    event_id: str = Field(max_length=255)
    handled_at: datetime = Field(index=True)


class OutboxMessage(SQLModel, table=True):
    """A message to deliver after commit; written in the same transaction as what caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "platform", "next_attempt_at"),
        Index("ix_outbox_lane", "status", "priority", "next_attempt_at"),
        # A button press names its chat and message: storage.buttons finds what was offered there.
        Index("ix_outbox_chat_message", "platform", "chat_id", "external_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=255)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    idempotency_key: str = Field(unique=True, max_length=255)
    status: str = Field(default="pending", max_length=16)
    priority: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # OutboxPriority
    attempts: int = 0
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None = None
    external_id: str | None = Field(default=None, max_length=255)
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class OutboxAttachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    kind: str = Field(max_length=16)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    data: bytes


class KeyValue(SQLModel, table=True):
    """Small runtime state: Telegram's offset, Matrix's next_batch and access token."""

    __tablename__ = "kv"
    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    actor_person_id: int | None = Field(default=None, foreign_key="person.id")
    actor: str = Field(max_length=200)  # "person:12", "operator", "system"
    action: str = Field(max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(index=True)


class ScheduledRun(SQLModel, table=True):
    """'This job did this for this period and target': the unique key makes every job run once."""

    __tablename__ = "scheduled_run"
    __table_args__ = (UniqueConstraint("kind", "period", "target"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=64)
    period: str = Field(max_length=64)
    target: str = Field(max_length=255)
    created_at: datetime
