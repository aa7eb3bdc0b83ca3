"""Queries on the persisted dialog state (one open dialog per person).

A dialog step reads and writes its person's row on every inbound message, so the hot path works
with plain data (``OpenDialog``) and one Core statement per read or write, built once: no ORM
object to load, track and flush. ``save_dialog`` and ``close_dialog`` still take an ORM
``DialogState`` too (the idle job loads those), and then save it the ORM's way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from storage.models import DialogState

_TABLE = DialogState.__table__  # type: ignore[attr-defined]


@dataclass(eq=False)
class OpenDialog:
    """A person's open dialog as plain data, with the columns of ``DialogState``.

    ``closed`` is set by ``close_dialog``: the row is gone from the database."""

    organisation_id: int
    person_id: int
    dialog: str
    state: str
    platform: str
    chat_id: str
    started_at: datetime
    updated_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    choices: list[list[str]] = field(default_factory=list)
    reminded_at: datetime | None = None
    id: int | None = None
    closed: bool = False


DialogRow = OpenDialog | DialogState

#: The columns ``OpenDialog`` carries, in the table's order.
COLUMNS = tuple(column.name for column in _TABLE.columns)


def open_dialog(*, session: Session, organisation_id: int, person_id: int) -> OpenDialog | None:
    session.flush()  # as the ORM's autoflush did before this read
    found = (
        session.connection()
        .execute(_OPEN_DIALOG, {"organisation_id": organisation_id, "person_id": person_id})
        .first()
    )
    return None if found is None else OpenDialog(**found._mapping)


# Built once (read on every dialog step): only the parameters change.
_OPEN_DIALOG = core_select(*_TABLE.columns).where(
    _TABLE.c.organisation_id == bindparam("organisation_id"),
    _TABLE.c.person_id == bindparam("person_id"),
)
_MUTABLE = ("dialog", "state", "data", "history", "choices", "platform", "chat_id")
_MUTABLE += ("started_at", "updated_at", "reminded_at")
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
# The columns to write come from each call's parameters (all of ``_MUTABLE``), typed by the table.
_UPDATE = update(_TABLE).where(_TABLE.c.id == bindparam("row_id"))
_DELETE = delete(_TABLE).where(_TABLE.c.id == bindparam("row_id"))


def save_dialog(*, session: Session, state: DialogRow) -> DialogRow:
    """Insert the dialog (a new one gets its ``id``) or write every column of it."""
    if isinstance(state, DialogState):
        session.add(state)
        session.flush()
        return state
    session.flush()  # what the ORM has pending goes first, as when this was an ORM flush
    values = {name: getattr(state, name) for name in _MUTABLE}
    connection = session.connection()
    if state.id is None:
        values |= {"organisation_id": state.organisation_id, "person_id": state.person_id}
        state.id = connection.execute(_INSERT, values).scalar_one()
        return state
    result = connection.execute(_UPDATE, {**values, "row_id": state.id})
    if result.rowcount != 1:  # as the ORM's flush says of a row deleted meanwhile
        raise StaleDataError(
            f"UPDATE statement on table 'dialogstate' expected to update 1 row(s); "
            f"{result.rowcount} were matched."
        )
    return state


def close_dialog(*, session: Session, state: DialogRow) -> None:
    if isinstance(state, DialogState):
        session.delete(state)
        session.flush()
        return
    session.flush()
    session.connection().execute(_DELETE, {"row_id": state.id})
    state.closed = True


def idle_dialogs(*, session: Session, idle_since: datetime, limit: int = 500) -> list[DialogState]:
    """Dialogs untouched since ``idle_since`` (over every organisation: the idle job's sweep)."""
    statement = (
        select(DialogState)
        .where(DialogState.updated_at <= idle_since)
        .order_by(DialogState.updated_at)
        .limit(limit)
    )
    return list(session.exec(statement))
