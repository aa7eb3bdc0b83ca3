"""Queries on linked rooms (the council room, the ISMT room, ...).

A group chat belongs to one organisation at most (``RoomChat``, enforced by the database): it may
be that organisation's room for several purposes, never another organisation's room too.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import Room, RoomChat


class RoomTaken(Exception):
    """The chat is already a room of another organisation."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(f"the chat is already a room of organisation {owner_id}")
        self.owner_id = owner_id


def room_owner(*, session: Session, platform: str, chat_id: str) -> int | None:
    """The organisation whose room this chat is, or None."""
    owner = session.get(RoomChat, (platform, chat_id))
    return owner.organisation_id if owner is not None else None


def link_room(
    *,
    session: Session,
    organisation_id: int,
    purpose: str,
    platform: str,
    chat_id: str,
    now: datetime,
) -> tuple[Room, bool]:
    """Link a room; returns (room, created). Linking the same room again changes nothing.

    Raises ``RoomTaken`` when the chat is already another organisation's room."""
    owner = room_owner(session=session, platform=platform, chat_id=chat_id)
    if owner is None:
        session.add(
            RoomChat(
                platform=platform, chat_id=chat_id, organisation_id=organisation_id, created_at=now
            )
        )
        session.flush()
    elif owner != organisation_id:
        raise RoomTaken(owner)
    statement = select(Room).where(
        Room.organisation_id == organisation_id,
        Room.purpose == purpose,
        Room.platform == platform,
        Room.chat_id == chat_id,
    )
    existing = session.exec(statement).first()
    if existing:
        return existing, False
    room = Room(
        organisation_id=organisation_id,
        purpose=purpose,
        platform=platform,
        chat_id=chat_id,
        created_at=now,
    )
    session.add(room)
    session.flush()
    return room, True


def rooms_for(*, session: Session, organisation_id: int, purpose: str | None = None) -> list[Room]:
    statement = select(Room).where(Room.organisation_id == organisation_id)
    if purpose:
        statement = statement.where(Room.purpose == purpose)
    return list(session.exec(statement.order_by(Room.id)))


def rooms_by_chat(*, session: Session, platform: str, chat_id: str) -> list[Room]:
    statement = select(Room).where(Room.platform == platform, Room.chat_id == chat_id)
    return list(session.exec(statement))
