"""Retention: personal data in old records is overwritten, the records and their counts stay.

A closed incident keeps its reference, category, impact, dates, decisions and deadlines (what the
summaries and an auditor count) and loses the free texts people typed and the link to the reporter.
A question in the log keeps its outcome and date and loses its text. Both are idempotent: a record
already emptied is not touched again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import Session, select

from storage.incident_models import Incident, IncidentEvent
from storage.question_models import QuestionLog

ERASED = "—"


def anonymise_closed_incidents(
    *, session: Session, organisation_id: int, closed_before: datetime
) -> int:
    """Erase what identifies people in incidents closed before ``closed_before``; returns how many."""
    ids = list(
        session.exec(
            select(Incident.id).where(
                Incident.organisation_id == organisation_id,
                Incident.handled_at.is_not(None),  # type: ignore[union-attr]
                Incident.handled_at < closed_before,  # type: ignore[operator]
                or_(Incident.description != ERASED, Incident.reporter_person_id.is_not(None)),  # type: ignore[union-attr]
            )
        )
    )
    if not ids:
        return 0
    session.execute(
        update(Incident)
        .where(Incident.id.in_(ids))  # type: ignore[union-attr]
        .values(
            description=ERASED,
            actions_taken=None,
            # What the ISMT recorded for the reports: free texts that may name people or systems.
            severity=None,
            indicators=None,
            root_cause=None,
            measures_applied=None,
            measures_ongoing=None,
            gdpr_details=None,
            reporter_person_id=None,
            handler_person_id=None,
            decided_by_person_id=None,
            crisis_by_person_id=None,
        )
    )
    session.execute(
        update(IncidentEvent)
        .where(and_(IncidentEvent.incident_id.in_(ids), IncidentEvent.text != ERASED))  # type: ignore[attr-defined]
        .values(text=ERASED, actor_person_id=None, detail={})
    )
    session.flush()
    return len(ids)


def erase_old_questions(*, session: Session, organisation_id: int, asked_before: datetime) -> int:
    result = session.execute(
        update(QuestionLog)
        .where(
            QuestionLog.organisation_id == organisation_id,
            QuestionLog.created_at < asked_before,
            QuestionLog.question != ERASED,
        )
        .values(question=ERASED, person_id=None)
    )
    session.flush()
    return int(result.rowcount or 0)
