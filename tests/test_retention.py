"""Retention: personal data in old records is erased once a day per organisation; counts stay."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from schedules.jobs import JobOptions, run_job
from storage import audit, incidents, organisations, people, questions, tenancy
from storage.db import unit_of_work
from storage.enums import Role
from storage.incident_models import Incident, IncidentEvent
from storage.question_models import QuestionLog
from tests.harness import Harness


def _incident(session, org_id: int, reporter: int, now, *, closed_days_ago: int | None, n: int):  # type: ignore[no-untyped-def]
    incident = incidents.create_incident(
        session=session,
        organisation_id=org_id,
        reporter_person_id=reporter,
        description=f"Jan de Vries klikte op een link ({n})",
        year=2024,
        reference_for=lambda y, s: f"INC-{y}-{s:04d}",
        now=now,
    )
    incident.actions_taken = "wachtwoord van jan@gemeente.nl gewijzigd"
    incident.category = "phishing"
    if closed_days_ago is not None:
        incident.status = "closed"
        incident.handled_at = now - timedelta(days=closed_days_ago)
    incidents.save_incident(session=session, incident=incident, now=now)
    incidents.add_event(
        session=session,
        incident=incident,
        kind="note",
        at=now,
        actor_person_id=reporter,
        text="gebeld met Jan",
        detail={"who": "Jan"},
    )
    return incident.id


def _question(session, org_id: int, person: int, now, days_ago: int) -> int:  # type: ignore[no-untyped-def]
    row = questions.log_question(
        session=session, organisation_id=org_id, person_id=person, role="employee", language="nl",
        question="ik, Jan de Vries, ben mijn laptop kwijt", result_kind="answer",
        entry_id="practical.lost_laptop", confidence=0.9, now=now - timedelta(days=days_ago),
    )  # fmt: skip
    return row.id  # type: ignore[return-value]


def test_old_personal_data_is_erased_once_and_counts_stay(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    other = bot.org("ander")
    reporter = bot.person(Role.EMPLOYEE, org_id=org)
    now = clock()
    with unit_of_work(engine) as s:
        pid = people.identity_lookup(session=s, platform="telegram", external_id=reporter)[1].id  # type: ignore[index]
        old = _incident(s, org, pid, now, closed_days_ago=800, n=1)
        recent = _incident(s, org, pid, now, closed_days_ago=30, n=2)
        open_one = _incident(s, org, pid, now, closed_days_ago=None, n=3)
        elsewhere = _incident(s, other, None, now, closed_days_ago=900, n=4)
        old_q, new_q = _question(s, org, pid, now, 400), _question(s, org, pid, now, 10)
        organisations.update_organisation(
            session=s,
            organisation=organisations.organisation_by_id(session=s, organisation_id=other),  # type: ignore[arg-type]
            settings={"retention_incident_days": 0},  # this organisation keeps everything
        )

    assert run_job("retention", engine, now, features) == 2  # one incident, one question
    assert run_job("retention", engine, now + timedelta(hours=1), features) == 0  # once a day
    with unit_of_work(engine) as s:
        erased = s.get(Incident, old)
        assert erased.description == "—" and erased.actions_taken is None  # type: ignore[union-attr]
        assert erased.reporter_person_id is None and erased.category == "phishing"  # type: ignore[union-attr]
        assert erased.reference == "INC-2024-0001"  # type: ignore[union-attr]
        events = s.exec(select(IncidentEvent).where(IncidentEvent.incident_id == old)).all()
        assert [(e.text, e.detail, e.actor_person_id) for e in events] == [("—", {}, None)]
        for kept in (recent, open_one, elsewhere):
            assert "Jan de Vries" in s.get(Incident, kept).description  # type: ignore[union-attr]
        assert s.get(QuestionLog, old_q).question == "—"  # type: ignore[union-attr]
        assert s.get(QuestionLog, old_q).entry_id == "practical.lost_laptop"  # type: ignore[union-attr]
        assert "Jan" in s.get(QuestionLog, new_q).question  # type: ignore[union-attr]
        assert [
            e.detail
            for e in audit.audit_entries(session=s, organisation_id=org, action="retention.applied")
        ] == [{"incidents": 1, "questions": 1}]
    # The next day: nothing new is old enough, and a day later the run is claimed again.
    assert run_job("retention", engine, now + timedelta(days=1), features, JobOptions()) == 0


def test_forgetting_a_person_erases_their_questions_but_keeps_the_counts(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    asker = bot.person(Role.EMPLOYEE, org_id=org)
    with unit_of_work(engine) as s:
        pid = people.identity_lookup(session=s, platform="telegram", external_id=asker)[1].id  # type: ignore[index]
        q = _question(s, org, pid, clock(), 1)
        assert tenancy.forget_person(session=s, organisation_id=org, person_id=pid, now=clock())
    with unit_of_work(engine) as s:
        row = s.get(QuestionLog, q)
        assert row.question == "—" and row.person_id is None and row.result_kind == "answer"  # type: ignore[union-attr]
