"""Queries on incidents (#4). Every query is bound to one organisation; nothing here commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.incident_models import (
    Incident,
    IncidentDeadline,
    IncidentEvent,
    IncidentGdprAssessment,
    IncidentReminderSent,
    IncidentReport,
)
from storage.upsert import insert_ignore

CLOSED = "closed"


def create_incident(
    *,
    session: Session,
    organisation_id: int,
    reporter_person_id: int | None,
    description: str,
    year: int,
    reference_for: Any,
    now: datetime,
) -> Incident:
    """A new incident with the next sequence number of ``year``; ``reference_for(year, seq)``
    formats the reference (the format is a rule of the handlers floor).

    Two reports at the same moment may pick the same number: the unique constraint then fails the
    second transaction, which the pipeline rolls back and apologises for (nothing half-written).
    """
    last = session.exec(
        select(func.max(Incident.sequence)).where(
            Incident.organisation_id == organisation_id, Incident.year == year
        )
    ).one()
    sequence = (last or 0) + 1
    incident = Incident(
        organisation_id=organisation_id,
        reference=reference_for(year, sequence),
        year=year,
        sequence=sequence,
        reporter_person_id=reporter_person_id,
        description=description,
        created_at=now,
        updated_at=now,
    )
    session.add(incident)
    session.flush()
    return incident


def incident_by_id(*, session: Session, organisation_id: int, incident_id: int) -> Incident | None:
    found = session.get(Incident, incident_id)
    return found if found and found.organisation_id == organisation_id else None


def incident_by_reference(
    *, session: Session, organisation_id: int, year: int, sequence: int
) -> Incident | None:
    statement = select(Incident).where(
        Incident.organisation_id == organisation_id,
        Incident.year == year,
        Incident.sequence == sequence,
    )
    return session.exec(statement).first()


def save_incident(*, session: Session, incident: Incident, now: datetime) -> Incident:
    incident.updated_at = now
    session.add(incident)
    session.flush()
    return incident


def list_incidents(
    *,
    session: Session,
    organisation_id: int,
    reporter_person_id: int | None = None,
    open_only: bool = True,
    complete_or_alerted: bool = True,
    limit: int | None = None,
) -> list[Incident]:
    """Incidents newest first; ``complete_or_alerted`` leaves out intakes still being typed."""
    statement = select(Incident).where(Incident.organisation_id == organisation_id)
    if reporter_person_id is not None:
        statement = statement.where(Incident.reporter_person_id == reporter_person_id)
    if open_only:
        statement = statement.where(Incident.status != CLOSED)
    if complete_or_alerted:
        statement = statement.where(
            (col(Incident.complete).is_(True)) | (col(Incident.alerted_at).is_not(None))
        )
    statement = statement.order_by(col(Incident.created_at).desc(), col(Incident.id).desc())
    if limit:
        statement = statement.limit(limit)
    return list(session.exec(statement))


def count_by_status(*, session: Session, organisation_id: int) -> dict[str, int]:
    statement = (
        select(Incident.status, func.count())
        .where(
            Incident.organisation_id == organisation_id,
            (col(Incident.complete).is_(True)) | (col(Incident.alerted_at).is_not(None)),
        )
        .group_by(Incident.status)
    )
    return {status: count for status, count in session.exec(statement)}


def count_significant(*, session: Session, organisation_id: int) -> int:
    statement = select(func.count()).where(
        Incident.organisation_id == organisation_id, col(Incident.significant).is_(True)
    )
    return int(session.exec(statement).one())


def stale_intakes(
    *, session: Session, idle_since: datetime, organisation_id: int | None = None, limit: int = 500
) -> list[Incident]:
    """Intakes the reporter did not finish and nobody was told about yet (any organisation when
    ``organisation_id`` is None: the abandoned-intake job's sweep)."""
    statement = select(Incident).where(
        col(Incident.complete).is_(False),
        col(Incident.alerted_at).is_(None),
        Incident.updated_at <= idle_since,
    )
    if organisation_id is not None:
        statement = statement.where(Incident.organisation_id == organisation_id)
    return list(session.exec(statement.order_by(Incident.updated_at).limit(limit)))


def pending_alerts(
    *, session: Session, organisation_id: int | None = None, limit: int = 500
) -> list[Incident]:
    """Incidents whose alert reached nobody yet, oldest first (any organisation when
    ``organisation_id`` is None: the pending-alert job's sweep)."""
    statement = select(Incident).where(col(Incident.alert_pending_since).is_not(None))
    if organisation_id is not None:
        statement = statement.where(Incident.organisation_id == organisation_id)
    return list(session.exec(statement.order_by(Incident.alert_pending_since).limit(limit)))


def count_pending_alerts(*, session: Session) -> dict[int, int]:
    """organisation id -> incidents whose alert reached nobody yet (for the operator's list)."""
    statement = (
        select(Incident.organisation_id, func.count())
        .where(col(Incident.alert_pending_since).is_not(None))
        .group_by(Incident.organisation_id)
    )
    return {org_id: count for org_id, count in session.exec(statement)}


# --- timeline -------------------------------------------------------------------------------


def add_event(
    *,
    session: Session,
    incident: Incident,
    kind: str,
    at: datetime,
    actor_person_id: int | None = None,
    text: str = "",
    detail: dict[str, Any] | None = None,
) -> IncidentEvent:
    event = IncidentEvent(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,  # type: ignore[arg-type]
        kind=kind,
        actor_person_id=actor_person_id,
        actor=f"person:{actor_person_id}" if actor_person_id else "system",
        text=text,
        detail=detail or {},
        at=at,
    )
    session.add(event)
    session.flush()
    return event


def events_of(*, session: Session, organisation_id: int, incident_id: int) -> list[IncidentEvent]:
    statement = select(IncidentEvent).where(
        IncidentEvent.organisation_id == organisation_id, IncidentEvent.incident_id == incident_id
    )
    return list(session.exec(statement.order_by(IncidentEvent.at, IncidentEvent.id)))


# --- reports sent and the GDPR assessment (facts) --------------------------------------------


def record_report(
    *,
    session: Session,
    incident: Incident,
    kind: str,
    sent_at: datetime,
    sent_by_person_id: int | None,
    recorded_at: datetime | None = None,
) -> IncidentReport:
    """Record that report ``kind`` was sent at ``sent_at`` (``recorded_at``: when this was said);
    recording it again corrects the time and the person."""
    statement = select(IncidentReport).where(
        IncidentReport.incident_id == incident.id, IncidentReport.kind == kind
    )
    report = session.exec(statement).first()
    if report is None:
        report = IncidentReport(
            organisation_id=incident.organisation_id,
            incident_id=incident.id,  # type: ignore[arg-type]
            kind=kind,
            sent_at=sent_at,
            sent_by_person_id=sent_by_person_id,
            recorded_at=recorded_at,
        )
    else:
        report.sent_at, report.sent_by_person_id = sent_at, sent_by_person_id
        report.recorded_at = recorded_at
    session.add(report)
    session.flush()
    return report


def reports_of(
    *, session: Session, organisation_id: int, incident_id: int
) -> dict[str, IncidentReport]:
    statement = select(IncidentReport).where(
        IncidentReport.organisation_id == organisation_id,
        IncidentReport.incident_id == incident_id,
    )
    return {r.kind: r for r in session.exec(statement)}


def record_gdpr_no_risk(
    *, session: Session, incident: Incident, reason: str, person_id: int | None, now: datetime
) -> IncidentGdprAssessment:
    statement = select(IncidentGdprAssessment).where(
        IncidentGdprAssessment.incident_id == incident.id
    )
    row = session.exec(statement).first() or IncidentGdprAssessment(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,  # type: ignore[arg-type]
        reason=reason,
        decided_at=now,
    )
    row.no_risk, row.reason, row.decided_by_person_id, row.decided_at = True, reason, person_id, now
    session.add(row)
    session.flush()
    return row


def gdpr_assessment_of(
    *, session: Session, organisation_id: int, incident_id: int
) -> IncidentGdprAssessment | None:
    statement = select(IncidentGdprAssessment).where(
        IncidentGdprAssessment.organisation_id == organisation_id,
        IncidentGdprAssessment.incident_id == incident_id,
    )
    return session.exec(statement).first()


# --- derived deadlines -------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineValues:
    kind: str
    due_at: datetime
    provisional: bool
    recipients: tuple[str, ...]
    basis: str
    sent_at: datetime | None
    sent_by_person_id: int | None
    first_reminder_at: datetime | None  # None: nothing to remind (sent)


def replace_deadlines(
    *, session: Session, incident: Incident, values: Iterable[DeadlineValues], now: datetime
) -> list[IncidentDeadline]:
    """Make the incident's deadline rows exactly ``values`` (one per kind).

    A row whose due time is unchanged keeps its reminder progress (``next_reminder_at``,
    ``last_reminder_key``); a new or moved one starts at ``first_reminder_at``. The claim rows in
    ``incident_reminder_sent`` stay either way (their key carries the due time).
    """
    statement = select(IncidentDeadline).where(IncidentDeadline.incident_id == incident.id)
    existing = {row.kind: row for row in session.exec(statement)}
    kept: list[IncidentDeadline] = []
    wanted = {v.kind: v for v in values}
    for kind, row in existing.items():
        if kind not in wanted:
            session.delete(row)
    for kind, value in wanted.items():
        row = existing.get(kind)
        if row is None:
            row = IncidentDeadline(
                organisation_id=incident.organisation_id,
                incident_id=incident.id,  # type: ignore[arg-type]
                kind=kind,
                due_at=value.due_at,
                next_reminder_at=value.first_reminder_at,
                updated_at=now,
            )
        elif row.due_at != value.due_at or row.sent_at is not None:
            row.last_reminder_key = None
            row.next_reminder_at = value.first_reminder_at
        if value.sent_at is not None:
            row.next_reminder_at = None
        row.due_at = value.due_at
        row.provisional = value.provisional
        row.recipients = list(value.recipients)
        row.basis = value.basis
        row.sent_at = value.sent_at
        row.sent_by_person_id = value.sent_by_person_id
        row.updated_at = now
        session.add(row)
        kept.append(row)
    session.flush()
    return sorted(kept, key=lambda r: (r.due_at, r.kind))


def deadlines_of(
    *, session: Session, organisation_id: int, incident_id: int
) -> list[IncidentDeadline]:
    statement = select(IncidentDeadline).where(
        IncidentDeadline.organisation_id == organisation_id,
        IncidentDeadline.incident_id == incident_id,
    )
    return list(session.exec(statement.order_by(IncidentDeadline.due_at, IncidentDeadline.kind)))


def next_open_deadlines(
    *, session: Session, organisation_id: int, incident_ids: Sequence[int]
) -> dict[int, IncidentDeadline]:
    """Per incident the first deadline not yet sent (for listings)."""
    if not incident_ids:
        return {}
    statement = (
        select(IncidentDeadline)
        .where(
            IncidentDeadline.organisation_id == organisation_id,
            col(IncidentDeadline.incident_id).in_(list(incident_ids)),
            col(IncidentDeadline.sent_at).is_(None),
        )
        .order_by(IncidentDeadline.due_at)
    )
    found: dict[int, IncidentDeadline] = {}
    for row in session.exec(statement):
        found.setdefault(row.incident_id, row)
    return found


@dataclass(frozen=True)
class OpenDeadline:
    """One row of the reminder scan: just what the slot computation needs."""

    deadline_id: int
    organisation_id: int
    incident_id: int
    kind: str
    due_at: datetime
    provisional: bool
    last_reminder_key: str | None


def deadlines_to_remind(
    *, session: Session, now: datetime, organisation_id: int | None = None
) -> list[OpenDeadline]:
    """Deadlines not sent whose next reminder moment has come, of incidents the ISMT knows of
    and that are not closed.

    One query over the ``(sent_at, next_reminder_at)`` index; any organisation when
    ``organisation_id`` is None (the reminder job's sweep; every row carries its organisation).
    """
    statement = (
        select(
            IncidentDeadline.id,
            IncidentDeadline.organisation_id,
            IncidentDeadline.incident_id,
            IncidentDeadline.kind,
            IncidentDeadline.due_at,
            IncidentDeadline.provisional,
            IncidentDeadline.last_reminder_key,
        )
        .join(Incident, col(Incident.id) == IncidentDeadline.incident_id)
        .where(
            col(IncidentDeadline.sent_at).is_(None),
            col(IncidentDeadline.next_reminder_at) <= now,
            Incident.status != CLOSED,
            col(Incident.alerted_at).is_not(None),
        )
    )
    if organisation_id is not None:
        statement = statement.where(IncidentDeadline.organisation_id == organisation_id)
    return [OpenDeadline(*row) for row in session.exec(statement)]


def claim_reminder(
    *, session: Session, organisation_id: int, incident_id: int, slot_key: str, now: datetime
) -> bool:
    """True for the one caller that claims this slot; commit it with the reminder's outbox rows."""
    claimed = insert_ignore(
        session,
        IncidentReminderSent,
        {
            "organisation_id": organisation_id,
            "incident_id": incident_id,
            "slot_key": slot_key,
            "sent_at": now,
        },
    )
    return claimed is not None


def set_reminder_progress(
    *, session: Session, deadline_id: int, key: str, next_at: datetime
) -> None:
    """After a slot: remember it, and when the next one comes."""
    row = session.get(IncidentDeadline, deadline_id)
    if row is not None:
        row.last_reminder_key, row.next_reminder_at = key, next_at
        session.add(row)
        session.flush()


def reminders_sent(
    *, session: Session, organisation_id: int, incident_id: int
) -> list[IncidentReminderSent]:
    statement = select(IncidentReminderSent).where(
        IncidentReminderSent.organisation_id == organisation_id,
        IncidentReminderSent.incident_id == incident_id,
    )
    return list(session.exec(statement.order_by(IncidentReminderSent.id)))


def deadline_figures(*, session: Session, now: datetime) -> dict[str, int]:
    """Across the deployment, for monitoring: open deadlines due within a day, open ones overdue,
    and reports that were sent after their deadline. Counts only, no organisation's details."""
    from datetime import timedelta

    from sqlalchemy import and_

    open_ = IncidentDeadline.sent_at.is_(None)  # type: ignore[union-attr]
    due_soon = session.exec(
        select(func.count()).where(
            open_, IncidentDeadline.due_at >= now, IncidentDeadline.due_at < now + timedelta(days=1)
        )
    ).one()
    overdue = session.exec(select(func.count()).where(open_, IncidentDeadline.due_at < now)).one()
    late = session.exec(
        select(func.count()).where(
            and_(
                IncidentDeadline.sent_at.is_not(None),
                IncidentDeadline.sent_at > IncidentDeadline.due_at,
            )  # type: ignore[union-attr,operator]
        )
    ).one()
    return {
        "deadlines_due_within_a_day": due_soon,
        "deadlines_overdue": overdue,
        "deadlines_sent_late": late,
    }
