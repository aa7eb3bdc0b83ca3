"""The inbox: (platform, event id) pairs already handled, so that a replay is dropped."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete

from storage.models import InboxEvent
from storage.upsert import insert_ignore


def claim_event(*, session: Session, platform: str, event_id: str, now: datetime) -> bool:
    """True the first time an event is seen. Committed with its handling, so a crash re-handles it."""
    values = {"platform": platform, "event_id": event_id, "handled_at": now}
    return insert_ignore(session, InboxEvent, values) is not None


def forget_events_before(*, session: Session, before: datetime) -> int:
    """Prune old entries; platforms never replay events older than a day or so."""
    result = session.exec(delete(InboxEvent).where(col(InboxEvent.handled_at) < before))  # type: ignore[call-overload]
    return int(result.rowcount or 0)
