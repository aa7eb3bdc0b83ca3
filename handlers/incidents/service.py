"""Stored incidents meet the pure rules: deadlines recomputed into rows, references, local times.

Every change to an incident's facts goes through ``refresh_deadlines`` in the same unit of work, so
the ``incident_deadline`` rows always match ``compute_deadlines`` of the stored facts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.incidents.clocks import (
    NOTIFICATION_HOURS,
    ClockInput,
    Deadline,
    compute_deadlines,
)
from handlers.incidents.contacts import organisation_in_scope
from handlers.incidents.model import ReportKind, Status, TriState
from handlers.incidents.reference import format_reference, parse_reference, reference_year
from handlers.incidents.reminders import first_slot_at
from handlers.incidents.timeutil import add_hours, add_months, format_local, zone
from handlers.settings import FeatureSettings
from storage import incidents as store
from storage.db import Session
from storage.enums import Country
from storage.incident_models import Incident, IncidentDeadline
from storage.models import Organisation


def new_incident(
    session: Session,
    org: Organisation,
    *,
    reporter_person_id: int | None,
    description: str,
    now: datetime,
) -> Incident:
    year = reference_year(now, org.timezone)
    incident = store.create_incident(
        session=session,
        organisation_id=org.id,  # type: ignore[arg-type]
        reporter_person_id=reporter_person_id,
        description=description,
        year=year,
        reference_for=format_reference,
        now=now,
    )
    store.add_event(
        session=session,
        incident=incident,
        kind="created",
        at=now,
        actor_person_id=reporter_person_id,
    )
    return incident


def find_incident(session: Session, org: Organisation, text: str) -> Incident | None:
    ref = parse_reference(text)
    if ref is None:
        return None
    return store.incident_by_reference(
        session=session,
        organisation_id=org.id,  # type: ignore[arg-type]
        year=ref.year,
        sequence=ref.sequence,
    )


def _still_ongoing_at_final(
    incident: Incident, org: Organisation, notified_at: datetime | None, now: datetime
) -> bool | None:
    """True once the final report's moment has passed while the incident is not handled.

    Art. 23(4)(e): then a progress report is due at that moment and the final report one month
    after handling. Before that moment nobody knows yet (None: ``compute_deadlines`` infers it from
    ``handled_at``); once handled, ``handled_at`` tells.
    """
    if incident.handled_at is not None or incident.aware_at is None:
        return None
    anchor = notified_at or add_hours(incident.aware_at, NOTIFICATION_HOURS)
    return True if now >= add_months(anchor, 1, zone(org.timezone)) else None


def clock_input(
    session: Session, org: Organisation, incident: Incident, now: datetime
) -> ClockInput | None:
    """The facts ``compute_deadlines`` needs, or None while the awareness time is unknown."""
    if incident.aware_at is None:
        return None
    reports = store.reports_of(
        session=session,
        organisation_id=org.id,  # type: ignore[arg-type]
        incident_id=incident.id,  # type: ignore[arg-type]
    )
    assessment = store.gdpr_assessment_of(
        session=session,
        organisation_id=org.id,  # type: ignore[arg-type]
        incident_id=incident.id,  # type: ignore[arg-type]
    )
    return ClockInput(
        country=Country(org.country),
        timezone=org.timezone,
        aware_at=incident.aware_at,
        significant=incident.significant,
        personal_data=TriState(incident.personal_data or TriState.UNKNOWN),
        gdpr_no_risk_recorded=bool(assessment and assessment.no_risk),
        sent={ReportKind(kind): r.sent_at for kind, r in reports.items()},
        intermediate_requested_due=incident.intermediate_due_at,
        ongoing_at_final=_still_ongoing_at_final(
            incident,
            org,
            reports[ReportKind.NOTIFICATION.value].sent_at
            if ReportKind.NOTIFICATION.value in reports
            else None,
            now,
        ),
        handled_at=incident.handled_at,
        nis2_mandatory=organisation_in_scope(org),
    )


def current_deadlines(
    session: Session, org: Organisation, incident: Incident, now: datetime
) -> list[Deadline]:
    data = clock_input(session, org, incident, now)
    return compute_deadlines(data, now) if data is not None else []


def voluntary_guidance(
    session: Session, org: Organisation, incident: Incident, now: datetime
) -> list[Deadline]:
    """Outside the national NIS2 law: the NIS2 clocks as guidance for a voluntary report."""
    return [d for d in current_deadlines(session, org, incident, now) if d.voluntary]


def reminder_offsets(settings: FeatureSettings | None) -> tuple[timedelta, ...]:
    hours = (settings or FeatureSettings()).incident_reminder_hours_before
    return tuple(timedelta(hours=h) for h in hours)


def refresh_deadlines(
    session: Session,
    org: Organisation,
    incident: Incident,
    now: datetime,
    settings: FeatureSettings | None = None,
) -> list[IncidentDeadline]:
    """Rewrite the incident's deadline rows from its facts (call after every change)."""
    before = reminder_offsets(settings)
    reports = store.reports_of(
        session=session,
        organisation_id=org.id,  # type: ignore[arg-type]
        incident_id=incident.id,  # type: ignore[arg-type]
    )
    values = [
        store.DeadlineValues(
            kind=d.kind.value,
            due_at=d.due_at,
            provisional=d.provisional,
            recipients=tuple(r.value for r in d.recipients),
            basis=d.basis,
            sent_at=d.sent_at,
            sent_by_person_id=(
                reports[d.kind.value].sent_by_person_id if d.kind.value in reports else None
            ),
            first_reminder_at=None if d.sent_at else first_slot_at(d.due_at, before),
        )
        for d in current_deadlines(session, org, incident, now)
        if not d.voluntary  # guidance is shown, never stored as a deadline (see clocks, 8.)
    ]
    return store.replace_deadlines(session=session, incident=incident, values=values, now=now)


def when_local(org: Organisation, moment: datetime | None) -> str:
    return format_local(moment, zone(org.timezone)) if moment is not None else "—"


def is_open(incident: Incident) -> bool:
    return incident.status != Status.CLOSED.value
