"""Small runtime values: polling offsets, sync tokens, credentials obtained at first login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlmodel import Session

from storage.models import KeyValue

_TABLE = KeyValue.__table__  # type: ignore[attr-defined]
# Built once: the router reads the remembered choices after many a dialog step.
_GET = select(_TABLE.c.value).where(_TABLE.c.key == bindparam("key"))


def get_value(*, session: Session, key: str) -> str | None:
    session.flush()  # a value set in this unit of work is read back, as with session.get
    return session.connection().execute(_GET, {"key": key}).scalar_one_or_none()


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


def keys_with_prefix(*, session: Session, prefix: str) -> list[str]:
    """Every key that starts with ``prefix`` (``%`` and ``_`` in it are taken literally)."""
    session.flush()
    statement = select(_TABLE.c.key).where(_TABLE.c.key.startswith(prefix, autoescape=True))
    return sorted(session.connection().execute(statement).scalars())
