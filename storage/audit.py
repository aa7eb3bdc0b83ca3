"""The audit log of privileged actions (who did what, when, for which organisation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from storage.models import AuditLog


def record_audit(
    *,
    session: Session,
    organisation_id: int | None,
    actor: str,
    action: str,
    now: datetime,
    actor_person_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    entry = AuditLog(
        organisation_id=organisation_id,
        actor=actor,
        actor_person_id=actor_person_id,
        action=action,
        detail=detail or {},
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def audit_entries(
    *, session: Session, organisation_id: int, action: str | None = None
) -> list[AuditLog]:
    statement = select(AuditLog).where(AuditLog.organisation_id == organisation_id)
    if action:
        statement = statement.where(AuditLog.action == action)
    return list(session.exec(statement.order_by(AuditLog.created_at, AuditLog.id)))
