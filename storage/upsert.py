"""INSERT ... ON CONFLICT DO NOTHING for both dialects: the race-free way to claim something once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def insert_ignore(session: Session, table: type[SQLModel], values: dict[str, Any]) -> Any | None:
    """Insert one row unless a unique constraint says it exists; the new primary key, or None."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table_ = table.__table__  # type: ignore[attr-defined]
    primary = next(iter(table_.primary_key.columns))
    # RETURNING (not rowcount, which drivers report differently here) says whether a row was made.
    statement = module.insert(table_).values(**values).on_conflict_do_nothing().returning(primary)
    row = session.execute(statement).first()
    return None if row is None else row[0]
