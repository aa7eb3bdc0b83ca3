"""Queries on the persisted dialog state (one open dialog per person)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from storage.models import DialogState


def open_dialog(*, session: Session, organisation_id: int, person_id: int) -> DialogState | None:
    found = session.execute(
        _OPEN_DIALOG, {"organisation_id": organisation_id, "person_id": person_id}
    ).first()
    return None if found is None else found[0]


# Built once (read on every dialog step): only the parameters change.
_OPEN_DIALOG = select(DialogState).where(
    DialogState.organisation_id == bindparam("organisation_id"),
    DialogState.person_id == bindparam("person_id"),
)


def save_dialog(*, session: Session, state: DialogState) -> DialogState:
    session.add(state)
    session.flush()
    return state


def close_dialog(*, session: Session, state: DialogState) -> None:
    session.delete(state)
    session.flush()


def idle_dialogs(*, session: Session, idle_since: datetime, limit: int = 500) -> list[DialogState]:
    """Dialogs untouched since ``idle_since`` (over every organisation: the idle job's sweep)."""
    statement = (
        select(DialogState)
        .where(DialogState.updated_at <= idle_since)
        .order_by(DialogState.updated_at)
        .limit(limit)
    )
    return list(session.exec(statement))
