"""The glue between the pure training rules and the tables: policy per organisation, views per
person, registering a completion with its certificate. Used by the chat modules and the jobs."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.training.certificate import (
    CertificateData,
    Method,
    certificate_number,
    org_slug,
    valid_until,
)
from handlers.training.college import (
    CBW_ART24_IN_FORCE,
    CollegeCertificate,
    CollegeDuty,
    CollegeMember,
    college_duty,
)
from handlers.training.compliance import ComplianceInput
from handlers.training.policy import TrainingPolicy, policy_from_settings
from handlers.training.schedule import PersonTrainingView, SnoozeState, next_due
from storage import people, training
from storage.enums import COLLEGE_ROLES, Country, Role
from storage.models import Organisation, Person
from storage.training_models import TrainingMethod, TrainingRecord

#: How a record's method reads on a certificate (the certificate module's three labels).
CERTIFICATE_METHOD = {
    TrainingMethod.QUIZ: Method.QUIZ,
    TrainingMethod.CONFIRMED: Method.ATTENDED,
    TrainingMethod.MANUAL: Method.ATTENDED,
    TrainingMethod.IMPORT: Method.IMPORTED,
}


def policy_of(org: Organisation) -> TrainingPolicy:
    """The organisation's own policy (``settings["training"]``), the defaults where it says nothing."""
    return policy_from_settings((org.settings or {}).get("training", {}))


def tz_of(org: Organisation) -> tzinfo:
    return ZoneInfo(org.timezone)


def country_of(org: Organisation) -> Country:
    return Country(org.country)


def local_day(moment: datetime, org: Organisation) -> date:
    return moment.astimezone(tz_of(org)).date()


def noon(day: date, org: Organisation) -> datetime:
    """A completion known only by its date: midday local time, so no timezone moves its day."""
    return datetime.combine(day, time(12), tzinfo=tz_of(org))


def views_for(
    session: Session, org: Organisation, persons: list[Person]
) -> list[PersonTrainingView]:
    """What the sweep needs per person, read with four queries for the whole organisation."""
    assert org.id is not None
    completions = training.last_completions(session=session, organisation_id=org.id)
    nudged = training.last_nudges(session=session, organisation_id=org.id)
    snoozed = training.snoozes(session=session, organisation_id=org.id)
    views = []
    for person in persons:
        assert person.id is not None
        key, at = nudged.get(person.id, (None, None))
        row = snoozed.get(person.id)
        snooze = (
            SnoozeState(row.cycle_due, row.step, row.count, row.until) if row is not None else None
        )
        views.append(
            PersonTrainingView(
                person.id,
                enrolled_at=person.created_at,
                last_completed_at=completions.get(person.id),
                last_nudge_key=key,
                last_nudge_at=at,
                snooze=snooze,
            )
        )
    return views


def view_of(session: Session, org: Organisation, person: Person) -> PersonTrainingView:
    return views_for(session, org, [person])[0]


def due_date_of(session: Session, org: Organisation, person: Person) -> date:
    view = view_of(session, org, person)
    return next_due(view.last_completed_at, view.enrolled_at, policy_of(org), tz_of(org))


def compliance_inputs(session: Session, org: Organisation) -> list[ComplianceInput]:
    assert org.id is not None
    completions = training.last_completions(session=session, organisation_id=org.id)
    return [
        ComplianceInput(p.id, p.name, p.department, p.created_at, completions.get(p.id))  # type: ignore[arg-type]
        for p in people.list_people(session=session, organisation_id=org.id)
    ]


def certificate_slug(org: Organisation) -> str:
    """The organisation's part of a certificate number: its slug without dashes, else its name."""
    slug = re.sub(r"[^A-Z0-9]", "", org.slug.upper())[:16]
    return slug if len(slug) >= 2 else org_slug(org.name)


def register_completion(
    session: Session,
    org: Organisation,
    person: Person,
    *,
    completed_at: datetime,
    method: TrainingMethod,
    now: datetime,
    with_certificate: bool,
    covers_art24: bool = False,
    recorded_by: Person | None = None,
    note: str | None = None,
    module: str | None = None,
) -> TrainingRecord:
    """Write a completion; with a certificate number (per organisation and year) when asked."""
    assert org.id is not None and person.id is not None
    day = local_day(completed_at, org)
    number = year = sequence = None
    if with_certificate:
        year = day.year
        sequence = training.next_certificate_sequence(
            session=session, organisation_id=org.id, year=year
        )
        number = certificate_number(certificate_slug(org), year, sequence)
    return training.add_record(
        session=session,
        organisation_id=org.id,
        person_id=person.id,
        completed_at=completed_at,
        method=method,
        now=now,
        covers_art24=covers_art24,
        certificate_number=number,
        certificate_year=year,
        certificate_sequence=sequence,
        valid_until=valid_until(day, policy_of(org)),
        recorded_by_person_id=recorded_by.id if recorded_by else None,
        note=note,
        module=module,
    )


def certificate_data(org: Organisation, person: Person, record: TrainingRecord) -> CertificateData:
    day = local_day(record.completed_at, org)
    return CertificateData(
        holder_name=person.name,
        organisation=org.name,
        completed_on=day,
        valid_until=record.valid_until or valid_until(day, policy_of(org)),
        number=record.certificate_number or "",
        method=CERTIFICATE_METHOD.get(TrainingMethod(record.method), Method.ATTENDED),
        module=record.module or "",
    )


def appointed_on(person: Person, org: Organisation) -> tuple[date, bool]:
    """The day the member took office, and whether it was assumed.

    With no ``appointed_at`` known the member is taken to have been in office when art. 24(2)
    entered into force (or since their enrolment, if that was earlier): the law's own date, the
    earliest deadline the law can give them (facts §9.20). Counting from the enrolment instead
    put a sitting alderman's deadline months after the legal one; an earlier warning is the safe
    side, and the coordinator corrects a later appointment with /benoemd.
    """
    if person.appointed_at is not None:
        return local_day(person.appointed_at, org), False
    return min(local_day(person.created_at, org), CBW_ART24_IN_FORCE), True


def college_duties(
    session: Session, org: Organisation, today: date
) -> list[tuple[Person, CollegeDuty, bool]]:
    """(member, duty, appointment assumed) for every active mayor and alderman (NL only).

    Only the member's own art. 24 certificates are passed in: a predecessor's certificate is
    somebody else's record and so can never count.
    """
    assert org.id is not None
    if country_of(org) is not Country.NL:
        return []
    members = [
        p
        for p in people.list_people(session=session, organisation_id=org.id)
        if Role(p.role) in COLLEGE_ROLES
    ]
    certificates = training.art24_certificates(
        session=session, organisation_id=org.id, person_ids=[p.id for p in members if p.id]
    )
    result = []
    for member in members:
        assert member.id is not None
        day, assumed = appointed_on(member, org)
        own = [
            CollegeCertificate(
                c.person_id, local_day(c.completed_at, org), c.certificate_number or ""
            )
            for c in certificates
            if c.person_id == member.id
        ]
        duty = college_duty(
            CollegeMember(member.id, Role(member.role), day), own, today, Country.NL
        )
        if duty is not None:
            result.append((member, duty, assumed))
    result.sort(key=lambda item: (item[1].deadline, item[0].name.casefold()))
    return result


def day_bounds(day: date, org: Organisation) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz_of(org))
    return start, start + timedelta(days=1)
