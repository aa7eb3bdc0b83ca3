"""Small runtime values: polling offsets, sync tokens, credentials obtained at first login."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.models import KeyValue


def get_value(*, session: Session, key: str) -> str | None:
    row = session.get(KeyValue, key)
    return row.value if row else None


def set_value(*, session: Session, key: str, value: str, now: datetime) -> None:
    row = session.get(KeyValue, key)
    if row is None:
        row = KeyValue(key=key, value=value, updated_at=now)
    else:
        row.value, row.updated_at = value, now
    session.add(row)
    session.flush()


def take_value(*, session: Session, key: str) -> str | None:
    """Read and delete in one go (one-time codes): a second taker gets None."""
    row = session.get(KeyValue, key)
    if row is None:
        return None
    session.delete(row)
    session.flush()
    return row.value
