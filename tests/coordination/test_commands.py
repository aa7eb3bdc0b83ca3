"""/audit, /status and /rapport through the real pipeline, and the audit programme's reminders."""

from __future__ import annotations

from sqlmodel import select

from handlers.reply import to_plain_text
from schedules.jobs import run_job
from storage import outbox, rooms
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import AuditLog, OutboxMessage
from tests.conftest import Clock
from tests.coordination.seed import utc
from tests.harness import Harness


def _texts(engine, chat_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        ).all()
        return [to_plain_text(r.payload["text"]) for r in rows]


def _programme(bot: Harness, coordinator: str) -> None:
    said = bot.say(coordinator, "/audit plan pentest 2026-12-10 SecureCo; externe systemen")
    assert "Gepland: #1 penetratietest door SecureCo op 10 dec 2026" in said.text
    said = bot.say(coordinator, "/audit plan review 15-01-2027 ISMT; jaarlijkse review")
    assert "Gepland: #2 beveiligingsreview" in said.text
    said = bot.say(
        coordinator, "/audit bevinding 1 2026-11-20 hoog MFA ontbreekt op VPN; Jan Jansen"
    )
    assert (
        "Bevinding F1 vastgelegd (hoog), uiterlijk 20 nov 2026, eigenaar: Jan Jansen." in said.text
    )
    said = bot.say(coordinator, "/audit bevinding 1 2027-02-01 Back-up niet getest")
    assert "Bevinding F2 vastgelegd (middel)" in said.text and "nog niemand" in said.text


def test_audit_programme_commands(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 11, 10, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    bot.person(Role.IT, org_id=org, name="Jan Jansen")
    with unit_of_work(engine) as session:
        rooms.link_room(
            session=session,
            organisation_id=org,
            purpose="ismt",
            platform="telegram",
            chat_id="g-ismt",
            now=clock(),
        )
    assert "Het auditprogramma is leeg." in bot.say(coordinator, "/audit").text
    _programme(bot, coordinator)
    assert "Er is geen audit #9." in bot.say(coordinator, "/audit bevinding 9 2027-01-01 iets").text
    assert (
        "Ik kon de datum “morgenvroeg-ish” niet lezen."
        in bot.say(coordinator, "/audit plan audit morgenvroeg-ish X; y").text
    )
    clock.now = utc(2026, 11, 25, 9)
    listed = bot.say(coordinator, "/audit").text
    assert "#1 penetratietest · SecureCo · externe systemen · gepland 10 dec 2026" in listed
    assert "⚠ F1 MFA ontbreekt op VPN · 20 nov 2026" in listed
    done = bot.say(coordinator, "/audit klaar 1 2026-12-10").text
    assert "#1 is vastgelegd als uitgevoerd op 10 dec 2026. Gedeeld met 1 ISMT-ruimte(s)." in done
    shared = _texts(engine, "g-ismt")
    assert (
        len(shared) == 1
        and "2 bevindingen" in shared[0]
        and "F1 MFA ontbreekt op VPN (hoog)" in shared[0]
    )
    assert "Bevinding F1 is opgelost." in bot.say(coordinator, "/audit opgelost F1").text
    assert "Zo werkt het" in bot.say(coordinator, "/audit onzin").text
    with unit_of_work(engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    for action in (
        "audit.planned",
        "audit.finding",
        "audit.done",
        "audit.finding_resolved",
        "command.audit",
    ):
        assert action in actions


def test_audit_and_overdue_finding_reminders_once(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 11, 10, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    owner = bot.person(Role.IT, org_id=org, name="Jan Jansen")
    _programme(bot, coordinator)
    job = "coordinator-reminders"
    # 14 days before 10 December, 09:00 local = 26 November 08:00 UTC. F1 due 20 November.
    clock.now = utc(2026, 11, 21, 7, 59)
    assert run_job(job, engine, clock(), features) == 0
    clock.now = utc(2026, 11, 21, 8, 0)  # the day after the due day, 09:00 local
    assert run_job(job, engine, clock(), features) == 2  # owner and coordinator
    assert run_job(job, engine, clock(), features) == 0
    clock.now = utc(2026, 11, 26, 8, 0)
    assert run_job(job, engine, clock(), features) == 1  # the pentest in 14 days
    assert run_job(job, engine, clock(), features) == 0
    clock.now = utc(2026, 11, 28, 8, 0)  # a week after the first overdue reminder
    assert run_job(job, engine, clock(), features) == 2
    coordinator_texts = _texts(engine, coordinator)
    assert (
        sum(
            "Binnenkort in het auditprogramma: penetratietest door SecureCo" in t
            for t in coordinator_texts
        )
        == 1
    )
    assert sum("Auditbevinding F1" in t for t in _texts(engine, owner)) == 2


def test_status_for_the_coordinator(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 11, 25, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    bot.person(Role.IT, org_id=org, name="Jan Jansen")
    _programme(bot, coordinator)
    status = bot.say(coordinator, "/status").text
    assert "Stand van zaken · Gemeente Demo" in status
    assert "F1 MFA ontbreekt op VPN (Jan Jansen): 5 dagen over 20 nov 2026" in status
    assert "Volgende in het auditprogramma: SecureCo op 10 dec 2026." in status
    assert "Volgende kwartaalrapportage (K4 2026): 4 jan 2027 09:00." in status
    english = bot.person(Role.COORDINATOR, org_id=org, language="en")
    assert "Next quarterly summary (Q4 2026): 4 Jan 2027 09:00." in bot.say(english, "/status").text


def test_rapport_sends_the_summary_with_its_charts_to_the_asker(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 11, 25, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    mayor = bot.person(Role.MAYOR, org_id=org, language="en")
    bot.person(Role.IT, org_id=org, name="Jan Jansen")
    _programme(bot, coordinator)
    said = bot.say(mayor, "/rapport")
    assert "NIS2 quarterly report · Gemeente Demo · Q3 2026" in said.text
    said = bot.say(coordinator, "/rapport 2026Q4 ismt")
    assert "ISMT-overzicht K4 2026" in said.text
    assert "Open auditbevindingen (2)" in said.text
    with unit_of_work(engine) as session:
        for message_id in said.result.outbox_ids:
            for attachment in outbox.attachments_of(session=session, message_id=message_id):
                assert attachment.kind == "image" and attachment.data.startswith(b"\x89PNG")
    assert "Ik begreep “volgendjaar” niet" in bot.say(coordinator, "/rapport volgendjaar").text
    assert "2027Q3 is nog niet begonnen." in bot.say(coordinator, "/rapport 2027Q3").text
    assert (
        "niet beschikbaar voor jouw rol"
        in bot.say(bot.person(Role.EMPLOYEE, org_id=org), "/rapport").text
    )


def test_status_lists_open_incidents_with_their_next_deadline(engine, features) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from handlers.incidents import service as incident_service
    from storage import incidents, organisations

    clock = Clock(utc(2026, 11, 25, 9))
    bot = Harness(engine, features, clock)
    org_id = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org_id)
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_id(session=session, organisation_id=org_id)
        aware = utc(2026, 11, 25, 6)
        incident = incident_service.new_incident(
            session, org, reporter_person_id=None, description="ransomware", now=aware
        )
        incident.category, incident.aware_at, incident.significant = (
            "malware_ransomware",
            aware,
            True,
        )
        incident.personal_data, incident.complete, incident.status = "no", True, "handling"
        incidents.save_incident(session=session, incident=incident, now=aware)
        incident_service.refresh_deadlines(session, org, incident, clock())
        reference = incident.reference
        closed = incident_service.new_incident(
            session, org, reporter_person_id=None, description="oud", now=aware - timedelta(days=90)
        )
        closed.complete, closed.status = True, "closed"
        incidents.save_incident(session=session, incident=closed, now=aware)
    status = bot.say(coordinator, "/status").text
    assert (
        f"• {reference} Malware of ransomware · volgende: Vroegtijdige waarschuwing uiterlijk 26 nov 2026 07:00"
        in status
    )
    assert closed.reference not in status
    assert "van de medewerkers heeft een actuele training" in status
    assert (
        "College (Cbw art. 24): nog geen burgemeester of wethouders aangemeld in de bot." in status
    )


def test_whoami_without_a_department_has_single_brackets(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.harness import Harness

    bot = Harness(engine, features, clock)
    org = bot.org()
    me = bot.person(Role.EMPLOYEE, org_id=org, name="Piet Puk")
    said = bot.say(me, "/wie").text
    assert "Je bent Piet Puk (geen afdeling), medewerker bij" in said
    assert "((" not in said and "))" not in said


def test_status_and_training_count_people_who_never_trained_as_not_up_to_date(
    engine, features
) -> None:  # type: ignore[no-untyped-def]
    """38 people, 2 ever trained, everyone enrolled a week ago (so nobody is overdue yet): the
    coordinator must read about 5 %, not "100 % have an up-to-date training", in /status and
    /training alike; the past quarter's /rapport says nobody was enrolled then, not "n/a"."""
    from storage import training
    from storage.training_models import TrainingMethod

    clock = Clock(utc(2026, 12, 7, 9))
    bot = Harness(engine, features, clock)
    org_id = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org_id)
    with unit_of_work(engine) as session:
        from storage import people

        made = [
            people.create_person(
                session=session,
                organisation_id=org_id,
                name=f"Medewerker {n}",
                role="employee",
                department="ICT",
                now=utc(2026, 11, 30, 9),
            )
            for n in range(37)
        ]
        for person in made[:2]:
            training.add_record(
                session=session,
                organisation_id=org_id,
                person_id=person.id,
                completed_at=utc(2026, 12, 1, 10),
                method=TrainingMethod.QUIZ,
                now=utc(2026, 12, 1, 10),
            )
    status = to_plain_text(bot.say(coordinator, "/status").text)
    assert (
        "5,3% van de medewerkers heeft een actuele training "
        "(2 van 38; nooit getraind: 36; over de termijn: 0;" in status
    )
    figures = bot.say(coordinator, "/training").text
    assert "Totaal: 5,3% actueel getraind (2 van 38)" in figures
    report = to_plain_text(bot.say(coordinator, "/rapport").text)
    assert "Medewerkers: op 30 sep 2026 nog niemand aangemeld in de bot." in report
    assert "n.v.t. (0 van 0" not in report
