"""The outbox: messages written with the state change that caused them, delivered after commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.enums import OutboxPriority, OutboxStatus
from storage.models import OutboxAttachment, OutboxMessage
from storage.upsert import insert_ignore


def enqueue(
    *,
    session: Session,
    platform: str,
    chat_id: str,
    payload: dict[str, Any],
    idempotency_key: str,
    now: datetime,
    organisation_id: int | None = None,
    attachments: Sequence[tuple[str, str, str, bytes]] = (),
    priority: OutboxPriority = OutboxPriority.URGENT,
) -> int | None:
    """Queue one message; returns its id, or None when the idempotency key was queued before.

    ``attachments`` are (kind, filename, content_type, data) tuples. ``priority`` is its lane:
    replies and alerts (the default) go before reminders, reminders before bulk.
    """
    message_id = insert_ignore(
        session,
        OutboxMessage,
        {
            "organisation_id": organisation_id,
            "platform": platform,
            "chat_id": chat_id,
            "payload": {**payload, "attachments": len(attachments)},
            "idempotency_key": idempotency_key,
            "status": OutboxStatus.PENDING.value,
            "priority": int(priority),
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        },
    )
    if message_id is None:
        return None
    for kind, filename, content_type, data in attachments:
        session.add(
            OutboxAttachment(
                outbox_id=message_id,
                kind=kind,
                filename=filename,
                content_type=content_type,
                data=data,
            )
        )
    if attachments:
        session.flush()
    return message_id


def due_messages(
    *,
    session: Session,
    platforms: Sequence[str],
    now: datetime,
    limit: int = 200,
    priority: OutboxPriority | None = None,
) -> list[OutboxMessage]:
    """Pending messages due by ``now``, oldest first; only one lane's when ``priority`` is given."""
    statement = select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING.value,
        col(OutboxMessage.platform).in_(platforms),
        OutboxMessage.next_attempt_at <= now,
    )
    if priority is not None:
        statement = statement.where(OutboxMessage.priority == int(priority))
    statement = statement.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    return list(session.exec(statement))


def message_by_id(*, session: Session, message_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id)


def attachments_of(*, session: Session, message_id: int) -> list[OutboxAttachment]:
    statement = select(OutboxAttachment).where(OutboxAttachment.outbox_id == message_id)
    return list(session.exec(statement.order_by(OutboxAttachment.id)))


def mark_sent(
    *, session: Session, message: OutboxMessage, now: datetime, external_id: str | None
) -> None:
    message.status, message.sent_at, message.external_id = OutboxStatus.SENT.value, now, external_id
    message.attempts += 1
    session.add(message)
    session.flush()


def mark_retry(
    *, session: Session, message: OutboxMessage, next_attempt_at: datetime, error: str
) -> None:
    message.attempts += 1
    message.next_attempt_at, message.last_error = next_attempt_at, error[:2000]
    session.add(message)
    session.flush()


def mark_failed(*, session: Session, message: OutboxMessage, error: str) -> None:
    message.attempts += 1
    message.status, message.last_error = OutboxStatus.FAILED.value, error[:2000]
    session.add(message)
    session.flush()


def backlog(*, session: Session) -> dict[str, int]:
    """Counts per status (for /status and metrics)."""
    rows = session.exec(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {status: int(count) for status, count in rows}
