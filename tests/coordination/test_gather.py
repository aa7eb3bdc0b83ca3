"""gather.py reads the incident, training and question tables into facts that agree with those
features' own views (and keeps organisations apart)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from handlers.coordination.figures import compute
from handlers.coordination.gather import gather_facts
from handlers.coordination.periods import Period
from handlers.incidents import service as incident_service
from handlers.training import service as training_service
from handlers.training.compliance import compliance_report
from storage import incidents, organisations, people, questions, training
from storage.db import unit_of_work
from storage.training_models import TrainingMethod
from tests.coordination.seed import utc

Q3 = Period(2026, 3)
AS_OF = utc(2026, 10, 1, 7)


def _org(session, slug: str, country: str = "nl"):  # type: ignore[no-untyped-def]
    return organisations.create_organisation(
        session=session,
        slug=slug,
        name=f"Gemeente {slug}",
        country=country,
        timezone="Europe/Amsterdam",
        now=utc(2025, 1, 1),
    )


def _incident(session, org, aware, *, category, significant, reports, status="closed"):  # type: ignore[no-untyped-def]
    incident = incident_service.new_incident(
        session, org, reporter_person_id=None, description="test", now=aware
    )
    incident.category, incident.aware_at, incident.significant = category, aware, significant
    incident.personal_data, incident.ongoing, incident.complete = "no", "no", True
    incident.status = status
    incident.handled_at = aware + timedelta(days=2) if status == "closed" else None
    incidents.save_incident(session=session, incident=incident, now=aware)
    for kind, at in reports.items():
        incidents.record_report(
            session=session, incident=incident, kind=kind, sent_at=at, sent_by_person_id=None
        )
    incident_service.refresh_deadlines(session, org, incident, AS_OF)
    return incident


def test_incidents_and_their_deadlines_as_the_incident_feature_holds_them(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        org, other = _org(session, "a"), _org(session, "b")
        aware = utc(2026, 7, 10, 10)
        _incident(
            session,
            org,
            aware,
            category="phishing",
            significant=True,
            reports={
                "early_warning": aware + timedelta(hours=20),  # on time
                "notification": aware + timedelta(hours=80),  # late
                "final": aware + timedelta(days=20),
            },
        )
        _incident(
            session, org, utc(2026, 8, 1, 9), category="outage", significant=False, reports={}
        )
        _incident(
            session, org, utc(2026, 5, 1, 9), category="phishing", significant=True, reports={}
        )
        _incident(
            session, other, utc(2026, 7, 2, 9), category="phishing", significant=True, reports={}
        )
        facts = gather_facts(session=session, organisation=org, as_of=AS_OF, period=Q3)
        rows = {
            i.reference: incidents.deadlines_of(
                session=session, organisation_id=org.id, incident_id=i.id
            )
            for i in incidents.list_incidents(
                session=session, organisation_id=org.id, open_only=False
            )
        }
    assert facts.incidents is not None and len(facts.incidents) == 3  # not the other organisation's
    for fact in facts.incidents:
        assert sorted((d.kind, d.due_at, d.sent_at) for d in fact.deadlines) == sorted(
            (r.kind, r.due_at, r.sent_at) for r in rows[fact.reference]
        )
    figures = compute(facts, Q3, AS_OF)
    assert figures.incidents is not None and figures.incidents.total == 2
    assert figures.incidents.significant == 1
    assert figures.incidents.by_category == {"phishing": 1, "outage": 1}
    assert figures.previous_incidents is not None and figures.previous_incidents.significant == 1
    states = {d.kind: d.state for line in figures.incident_lines for d in line.deadlines}
    assert states["early_warning"] == "met" and states["notification"] == "missed"


def test_training_compliance_agrees_with_the_training_feature(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        org = _org(session, "t")
        made = []
        for n, (dept, months_ago) in enumerate(
            [("ICT", 2), ("ICT", 8), ("HR", None), ("HR", 5), (None, 7), ("HR", 1)]
        ):
            person = people.create_person(
                session=session,
                organisation_id=org.id,
                name=f"P{n}",
                role="employee",
                department=dept,
                now=utc(2025, 6, 1),
            )
            made.append(person)
            if months_ago is not None:
                training.add_record(
                    session=session,
                    organisation_id=org.id,
                    person_id=person.id,
                    completed_at=AS_OF - timedelta(days=30 * months_ago),
                    method=TrainingMethod.QUIZ,
                    now=AS_OF,
                )
        training.add_record(  # a pending self-declaration does not count
            session=session,
            organisation_id=org.id,
            person_id=made[2].id,
            completed_at=AS_OF - timedelta(days=3),
            method=TrainingMethod.SELF_DECLARED,
            now=AS_OF,
        )
        facts = gather_facts(session=session, organisation=org, as_of=AS_OF, period=Q3)
        theirs = compliance_report(
            training_service.compliance_inputs(session, org),
            AS_OF.astimezone(ZoneInfo(org.timezone)).date(),
            training_service.policy_of(org),
            ZoneInfo(org.timezone),
        )
    ours = compute(facts, Period(2026, 4), AS_OF).training  # the running quarter, as of today
    assert ours is not None
    assert (ours.total, ours.overdue) == (theirs.overall.total, theirs.overall.overdue) == (6, 3)
    assert ours.percent == theirs.overall.percent == 50.0


def test_college_duty_and_unanswered_questions(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        org, belgian = _org(session, "c"), _org(session, "gent", country="be")
        mayor = people.create_person(
            session=session,
            organisation_id=org.id,
            name="Burgemeester B",
            role="mayor",
            now=utc(2025, 1, 1),
            appointed_at=utc(2023, 1, 1),
        )
        people.create_person(
            session=session,
            organisation_id=org.id,
            name="Wethouder W",
            role="alderman",
            now=utc(2025, 1, 1),
            appointed_at=utc(2026, 10, 1),
        )
        training.add_record(
            session=session,
            organisation_id=org.id,
            person_id=mayor.id,
            completed_at=utc(2026, 9, 1, 10),
            method=TrainingMethod.MANUAL,
            now=AS_OF,
            covers_art24=True,
        )
        for text, at in (
            ("Mag ik  USB-sticks gebruiken?", utc(2026, 8, 1)),
            ("mag ik usb-sticks gebruiken?", utc(2026, 8, 2)),
            ("Wat is BIO2?", utc(2026, 9, 1)),
            ("Wat is BIO2?", utc(2026, 10, 2)),  # next quarter
        ):
            questions.log_question(
                session=session,
                organisation_id=org.id,
                person_id=None,
                role="employee",
                language="nl",
                question=text,
                result_kind="unknown",
                entry_id=None,
                confidence=0.1,
                now=at,
            )
        facts = gather_facts(session=session, organisation=org, as_of=AS_OF, period=Q3)
        belgian_facts = gather_facts(session=session, organisation=belgian, as_of=AS_OF, period=Q3)
    assert facts.college is not None
    by_name = {c.name: c for c in facts.college}
    assert by_name["Burgemeester B"].certified_on is not None
    assert by_name["Wethouder W"].certified_on is None
    assert by_name["Wethouder W"].deadline.year == 2028  # two years after taking office
    assert belgian_facts.college is None  # Cbw art. 24 is Dutch law
    assert [(u.question, u.count) for u in facts.unanswered or ()] == [
        ("Mag ik USB-sticks gebruiken?", 2),
        ("Wat is BIO2?", 1),
    ]
