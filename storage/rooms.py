"""Queries on linked rooms (the council room, the ISMT room, ...)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import Room


def link_room(
    *,
    session: Session,
    organisation_id: int,
    purpose: str,
    platform: str,
    chat_id: str,
    now: datetime,
) -> tuple[Room, bool]:
    """Link a room; returns (room, created). Linking the same room again changes nothing."""
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
