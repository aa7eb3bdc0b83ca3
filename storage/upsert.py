"""INSERT ... ON CONFLICT DO NOTHING for both dialects: the race-free way to claim something once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, SQLModel

# One statement per (dialect, table), built once: building and hashing a new statement on every
# call was a large part of a dialog step (the inbox claim and the outbox row are on every step).
_STATEMENTS: dict[tuple[str, str], Insert] = {}


def _statement(dialect: str, table: type[SQLModel]) -> Insert:
    table_ = table.__table__  # type: ignore[attr-defined]
    key = (dialect, table_.name)
    statement = _STATEMENTS.get(key)
    if statement is None:
        module = postgresql if dialect == "postgresql" else sqlite
        primary = next(iter(table_.primary_key.columns))
        # RETURNING (not rowcount, which drivers report differently here) says whether a row
        # was made. The columns come from each call's values.
        statement = _STATEMENTS[key] = (
            module.insert(table_).on_conflict_do_nothing().returning(primary)
        )
    return statement


def insert_ignore(session: Session, table: type[SQLModel], values: dict[str, Any]) -> Any | None:
    """Insert one row unless a unique constraint says it exists; the new primary key, or None."""
    connection = session.connection()  # the session's transaction, without the ORM's layers
    statement = _statement(connection.dialect.name, table)
    row = connection.execute(statement, values).first()
    return None if row is None else row[0]
