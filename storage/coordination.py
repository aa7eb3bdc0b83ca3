"""Queries of coordination (#7): reminders, their sent occurrences, the audit programme, findings.

Every query is bound to one organisation; nothing here commits (the caller's unit of work does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.coordination_models import (
    AuditFinding,
    CoordinatorReminder,
    CoordinatorReminderSent,
    PlannedAudit,
)
from storage.incident_models import IncidentDeadline, IncidentEvent
from storage.question_models import QuestionLog
from storage.training_models import TrainingRecord
from storage.upsert import insert_ignore

# -- reminders --------------------------------------------------------------------------------


def create_reminder(
    *,
    session: Session,
    organisation_id: int,
    audience: dict[str, Any],
    text: str,
    first_at: datetime,
    repeat: str,
    timezone: str,
    now: datetime,
    created_by_person_id: int | None = None,
) -> CoordinatorReminder:
    reminder = CoordinatorReminder(
        organisation_id=organisation_id,
        created_by_person_id=created_by_person_id,
        audience=audience,
        text=text,
        first_at=first_at,
        repeat=repeat,
        timezone=timezone,
        active=True,
        created_at=now,
    )
    session.add(reminder)
    session.flush()
    return reminder


def active_reminders(
    *, session: Session, organisation_id: int | None = None, due_by: datetime | None = None
) -> list[CoordinatorReminder]:
    """Active reminders (of one organisation, or of all for the job), first occurrence <= due_by."""
    statement = select(CoordinatorReminder).where(col(CoordinatorReminder.active).is_(True))
    if organisation_id is not None:
        statement = statement.where(CoordinatorReminder.organisation_id == organisation_id)
    if due_by is not None:
        statement = statement.where(CoordinatorReminder.first_at <= due_by)
    return list(
        session.exec(statement.order_by(CoordinatorReminder.first_at, CoordinatorReminder.id))
    )


def reminder_by_id(
    *, session: Session, organisation_id: int, reminder_id: int
) -> CoordinatorReminder | None:
    found = session.get(CoordinatorReminder, reminder_id)
    return found if found and found.organisation_id == organisation_id else None


def cancel_reminder(*, session: Session, reminder: CoordinatorReminder, now: datetime) -> None:
    reminder.active, reminder.cancelled_at = False, now
    session.add(reminder)
    session.flush()


def finish_reminder(*, session: Session, reminder: CoordinatorReminder) -> None:
    """A one-off reminder that was sent: no longer active (not cancelled)."""
    reminder.active = False
    session.add(reminder)
    session.flush()


def claim_occurrence(
    *, session: Session, reminder: CoordinatorReminder, occurrence: datetime, now: datetime
) -> int | None:
    """Claim one occurrence of a reminder; its row id, or None when it was claimed before."""
    return insert_ignore(
        session,
        CoordinatorReminderSent,
        {
            "organisation_id": reminder.organisation_id,
            "reminder_id": reminder.id,
            "occurrence": occurrence,
            "recipients": 0,
            "sent_at": now,
        },
    )


def set_recipients(*, session: Session, sent_id: int, recipients: int) -> None:
    row = session.get(CoordinatorReminderSent, sent_id)
    if row is not None:
        row.recipients = recipients
        session.add(row)
        session.flush()


def occurrences_sent(
    *, session: Session, organisation_id: int, reminder_id: int
) -> list[CoordinatorReminderSent]:
    statement = select(CoordinatorReminderSent).where(
        CoordinatorReminderSent.organisation_id == organisation_id,
        CoordinatorReminderSent.reminder_id == reminder_id,
    )
    return list(session.exec(statement.order_by(CoordinatorReminderSent.occurrence)))


# -- audit programme --------------------------------------------------------------------------


def create_audit(
    *,
    session: Session,
    organisation_id: int,
    kind: str,
    planned_at: datetime,
    auditor: str,
    scope: str,
    now: datetime,
    created_by_person_id: int | None = None,
    done_at: datetime | None = None,
) -> PlannedAudit:
    audit = PlannedAudit(
        organisation_id=organisation_id,
        kind=kind,
        planned_at=planned_at,
        auditor=auditor,
        scope=scope,
        done_at=done_at,
        created_by_person_id=created_by_person_id,
        created_at=now,
    )
    session.add(audit)
    session.flush()
    return audit


def audit_by_id(*, session: Session, organisation_id: int, audit_id: int) -> PlannedAudit | None:
    found = session.get(PlannedAudit, audit_id)
    return found if found and found.organisation_id == organisation_id else None


def list_audits(*, session: Session, organisation_id: int) -> list[PlannedAudit]:
    statement = select(PlannedAudit).where(PlannedAudit.organisation_id == organisation_id)
    return list(session.exec(statement.order_by(PlannedAudit.planned_at, PlannedAudit.id)))


def mark_audit_done(*, session: Session, audit: PlannedAudit, done_at: datetime) -> None:
    audit.done_at = done_at
    session.add(audit)
    session.flush()


def create_finding(
    *,
    session: Session,
    audit: PlannedAudit,
    title: str,
    now: datetime,
    owner_person_id: int | None = None,
    due_at: datetime | None = None,
    severity: str = "medium",
) -> AuditFinding:
    finding = AuditFinding(
        organisation_id=audit.organisation_id,
        audit_id=audit.id,  # type: ignore[arg-type]
        title=title,
        owner_person_id=owner_person_id,
        due_at=due_at,
        severity=severity,
        status="open",
        created_at=now,
    )
    session.add(finding)
    session.flush()
    return finding


def finding_by_id(
    *, session: Session, organisation_id: int, finding_id: int
) -> AuditFinding | None:
    found = session.get(AuditFinding, finding_id)
    return found if found and found.organisation_id == organisation_id else None


def close_finding(*, session: Session, finding: AuditFinding, now: datetime) -> None:
    finding.status, finding.closed_at = "done", now
    session.add(finding)
    session.flush()


def list_findings(
    *, session: Session, organisation_id: int, audit_ids: Sequence[int] | None = None
) -> list[AuditFinding]:
    statement = select(AuditFinding).where(AuditFinding.organisation_id == organisation_id)
    if audit_ids is not None:
        statement = statement.where(col(AuditFinding.audit_id).in_(list(audit_ids)))
    return list(session.exec(statement.order_by(AuditFinding.id)))


def overdue_findings(
    *, session: Session, organisation_id: int, now: datetime
) -> list[AuditFinding]:
    statement = select(AuditFinding).where(
        AuditFinding.organisation_id == organisation_id,
        AuditFinding.status == "open",
        col(AuditFinding.due_at).is_not(None),
        col(AuditFinding.due_at) < now,
    )
    return list(session.exec(statement.order_by(AuditFinding.due_at, AuditFinding.id)))


# -- read-only views over other features' tables, for the summaries ----------------------------
# The incident, training and question features own these tables; the summaries need a few bulk
# reads their modules do not offer (one query per organisation instead of one per incident or
# person). Nothing here writes; each read is one query, bound to one organisation.


def incident_deadline_rows(
    *, session: Session, organisation_id: int
) -> list[tuple[int, str, datetime, datetime | None]]:
    """(incident id, kind, due_at, sent_at) of every derived deadline of the organisation."""
    statement = select(
        IncidentDeadline.incident_id,
        IncidentDeadline.kind,
        IncidentDeadline.due_at,
        IncidentDeadline.sent_at,
    ).where(IncidentDeadline.organisation_id == organisation_id)
    return [(int(i), k, d, s) for i, k, d, s in session.exec(statement)]


def incident_decision_rows(
    *, session: Session, organisation_id: int, kinds: Sequence[str]
) -> list[tuple[int, str, str, datetime]]:
    """(incident id, kind, text, at) of the timeline events of these kinds, oldest first."""
    statement = (
        select(IncidentEvent.incident_id, IncidentEvent.kind, IncidentEvent.text, IncidentEvent.at)
        .where(
            IncidentEvent.organisation_id == organisation_id,
            col(IncidentEvent.kind).in_(list(kinds)),
        )
        .order_by(IncidentEvent.at, IncidentEvent.id)
    )
    return [(int(i), k, text or "", at) for i, k, text, at in session.exec(statement)]


def training_completion_rows(
    *, session: Session, organisation_id: int, methods: Sequence[str]
) -> list[tuple[int, datetime]]:
    """(person id, completed_at) of every training record with one of ``methods``."""
    statement = select(TrainingRecord.person_id, TrainingRecord.completed_at).where(
        TrainingRecord.organisation_id == organisation_id,
        col(TrainingRecord.method).in_(list(methods)),
    )
    return [(int(p), at) for p, at in session.exec(statement)]


def unanswered_question_rows(
    *, session: Session, organisation_id: int, start: datetime, end: datetime
) -> list[str]:
    """The text of every question the bot could not answer in [start, end)."""
    statement = select(QuestionLog.question).where(
        QuestionLog.organisation_id == organisation_id,
        QuestionLog.result_kind == "unknown",
        QuestionLog.created_at >= start,
        QuestionLog.created_at < end,
    )
    return list(session.exec(statement))
