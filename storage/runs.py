"""Scheduled runs: claiming (kind, period, target) once makes a job's effect happen exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import ScheduledRun
from storage.upsert import insert_ignore


def claim_run(
    *,
    session: Session,
    kind: str,
    period: str,
    target: str,
    now: datetime,
    organisation_id: int | None = None,
) -> bool:
    """True when this call is the first to claim the run; commit it with the run's effects."""
    return (
        insert_ignore(
            session,
            ScheduledRun,
            {
                "kind": kind,
                "period": period,
                "target": target,
                "created_at": now,
                "organisation_id": organisation_id,
            },
        )
        is not None
    )


def has_run(*, session: Session, kind: str, period: str, target: str) -> bool:
    statement = select(ScheduledRun.id).where(
        ScheduledRun.kind == kind, ScheduledRun.period == period, ScheduledRun.target == target
    )
    return session.exec(statement).first() is not None
