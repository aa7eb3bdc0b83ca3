"""INSERT ... ON CONFLICT DO NOTHING for both dialects: the race-free way to claim something once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def insert_ignore(session: Session, table: type[SQLModel], values: dict[str, Any]) -> bool:
    """Insert one row unless a unique constraint says it exists; True when this call inserted it."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table.__table__).values(**values).on_conflict_do_nothing()  # type: ignore[attr-defined]
    result = session.execute(statement)
    return bool(result.rowcount)
