"""The only module of coordination that reads other features' data: it turns rows into facts.

Each part is read through storage query functions: the incident feature's ``list_incidents``, the
training feature's policy and college duty (``handlers.training.service``), and a few bulk,
read-only views in ``storage.coordination`` (one query per organisation, not one per incident or
person). A part whose feature has nothing for this organisation is still shown as such: ``None``
only where a part cannot apply (the college duty outside the Netherlands).

Choices:
- An incident counts from the moment the organisation became aware of it (``aware_at``), or when
  it was reported if that is not set; intakes still being typed are left out (as in /incidenten).
- Deadlines are the incident feature's derived rows as they stand, provisional ones included: the
  clock runs from awareness even while significance is undecided (facts 5.3, clocks.py decision 1).
- Training: every active person, with their counting completions (not pending or rejected
  self-declarations), against the organisation's own policy.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlmodel import Session

from handlers.coordination.facts import (
    AuditFact,
    CollegeFact,
    DeadlineFact,
    FindingFact,
    IncidentFact,
    OrgFacts,
    TrainingFact,
    TrainingRule,
    UnansweredCount,
)
from handlers.coordination.periods import Period, local_date, quarter_of
from handlers.training import service as training_service
from storage import coordination, incidents, people
from storage.models import Organisation
from storage.training_models import COUNTING_METHODS

#: Timeline events that record a decision on an incident (the ISMT's words are in their text).
DECISION_EVENTS = ("significant", "not_significant", "note")


def gather_facts(
    *,
    session: Session,
    organisation: Organisation,
    as_of: datetime,
    period: Period | None = None,
) -> OrgFacts:
    period = period or quarter_of(local_date(as_of, organisation.timezone))
    policy = training_service.policy_of(organisation)
    return OrgFacts(
        organisation=organisation.name,
        country=organisation.country,
        timezone=organisation.timezone,
        incidents=tuple(incident_facts(session=session, organisation=organisation)),
        training=tuple(training_facts(session=session, organisation=organisation)),
        college=college_facts(session=session, organisation=organisation, as_of=as_of),
        audits=tuple(audit_facts(session=session, organisation=organisation)),
        unanswered=unanswered(session=session, organisation=organisation, period=period),
        training_rule=TrainingRule(policy.interval_months, policy.first_due_grace_days),
    )


def _org_id(organisation: Organisation) -> int:
    assert organisation.id is not None
    return organisation.id


def incident_facts(*, session: Session, organisation: Organisation) -> list[IncidentFact]:
    org_id = _org_id(organisation)
    rows = incidents.list_incidents(session=session, organisation_id=org_id, open_only=False)
    deadlines: dict[int, list[DeadlineFact]] = {}
    for incident_id, kind, due_at, sent_at in coordination.incident_deadline_rows(
        session=session, organisation_id=org_id
    ):
        deadlines.setdefault(incident_id, []).append(DeadlineFact(kind, due_at, sent_at))
    decisions: dict[int, list[str]] = {}
    for incident_id, _kind, text, _at in coordination.incident_decision_rows(
        session=session, organisation_id=org_id, kinds=DECISION_EVENTS
    ):
        if text.strip():
            decisions.setdefault(incident_id, []).append(" ".join(text.split())[:200])
    return [
        IncidentFact(
            reference=row.reference,
            category=row.category or "other",
            created_at=row.aware_at or row.created_at,
            significant=row.significant,
            status=row.status,
            deadlines=tuple(deadlines.get(row.id, ())),  # type: ignore[arg-type]
            title=" ".join((row.service or "").split())[:120],
            decisions=tuple(decisions.get(row.id, ())),  # type: ignore[arg-type]
        )
        for row in rows
    ]


def training_facts(*, session: Session, organisation: Organisation) -> list[TrainingFact]:
    org_id, tz = _org_id(organisation), organisation.timezone
    done: dict[int, list] = {}  # type: ignore[type-arg]
    for person_id, completed_at in coordination.training_completion_rows(
        session=session, organisation_id=org_id, methods=[m.value for m in COUNTING_METHODS]
    ):
        done.setdefault(person_id, []).append(local_date(completed_at, tz))
    return [
        TrainingFact(
            person_id=p.id,  # type: ignore[arg-type]
            name=p.name,
            department=p.department,
            role=p.role,
            enrolled_on=local_date(p.created_at, tz),
            completions=tuple(sorted(done.get(p.id, ()))),  # type: ignore[arg-type]
        )
        for p in people.list_people(session=session, organisation_id=org_id)
    ]


def college_facts(
    *, session: Session, organisation: Organisation, as_of: datetime
) -> tuple[CollegeFact, ...] | None:
    """The college's certificate duty (Cbw art. 24): the Netherlands only, None elsewhere."""
    if organisation.country != "nl":
        return None
    today = local_date(as_of, organisation.timezone)
    return tuple(
        CollegeFact(
            person_id=member.id,  # type: ignore[arg-type]
            name=member.name,
            role=member.role,
            deadline=duty.deadline,
            certified_on=duty.certificate.obtained_on if duty.certificate else None,
            enrolled_on=local_date(member.created_at, organisation.timezone),
        )
        for member, duty, _assumed in training_service.college_duties(session, organisation, today)
    )


def audit_facts(*, session: Session, organisation: Organisation) -> list[AuditFact]:
    org_id, tz = _org_id(organisation), organisation.timezone
    audits = coordination.list_audits(session=session, organisation_id=org_id)
    findings = coordination.list_findings(session=session, organisation_id=org_id)
    owners = {
        p.id: p.name
        for p in people.list_people(session=session, organisation_id=org_id, active_only=False)
    }
    by_audit: dict[int, list[FindingFact]] = {}
    for f in findings:
        by_audit.setdefault(f.audit_id, []).append(
            FindingFact(
                id=f.id,  # type: ignore[arg-type]
                title=f.title,
                owner=owners.get(f.owner_person_id) if f.owner_person_id else None,
                due_on=local_date(f.due_at, tz) if f.due_at else None,
                status=f.status,
                severity=f.severity,
                closed_on=local_date(f.closed_at, tz) if f.closed_at else None,
            )
        )
    return [
        AuditFact(
            id=a.id,  # type: ignore[arg-type]
            kind=a.kind,
            planned_on=local_date(a.planned_at, tz),
            auditor=a.auditor,
            scope=a.scope,
            done_on=local_date(a.done_at, tz) if a.done_at else None,
            findings=tuple(by_audit.get(a.id, ())),  # type: ignore[arg-type]
        )
        for a in audits
    ]


def unanswered(
    *, session: Session, organisation: Organisation, period: Period
) -> tuple[UnansweredCount, ...]:
    """The questions the bot could not answer in the period, the same text counted together."""
    tz = organisation.timezone
    texts = coordination.unanswered_question_rows(
        session=session,
        organisation_id=_org_id(organisation),
        start=period.start_utc(tz),
        end=period.end_utc(tz),
    )
    first_form: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for text in texts:
        key = " ".join(text.casefold().split())
        first_form.setdefault(key, " ".join(text.split())[:200])
        counts[key] += 1
    return tuple(UnansweredCount(first_form[key], n) for key, n in counts.most_common(50))
