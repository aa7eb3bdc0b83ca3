"""The intake dialog through the real pipeline: a phishing report, the alert, the entry points."""

from __future__ import annotations

from sqlmodel import select

from storage.db import unit_of_work
from storage.enums import Role
from storage.incident_models import Incident, IncidentEvent
from storage.models import AuditLog
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, incidents, report_phishing, town


def test_a_phishing_report_takes_under_ten_messages_and_alerts_the_ismt_room(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    said = report_phishing(bot, t.employee)
    assert len(said) < 10  # every element is one message the reporter sent
    final = said[-1].text
    assert "INC-2026-0001" in final
    assert "Phishing: wat je nu doet" in final  # the category's advice, in Dutch
    assert "Wijzig meteen je wachtwoord" in final
    room = bot.outbox_for(ISMT_ROOM)
    assert len(room) == 1
    alert = room[0]
    assert "Nieuwe incidentmelding INC-2026-0001" in alert
    assert "Eva Employee" in alert
    assert "Triage-hint" in alert
    (incident,) = incidents(bot)
    assert incident.complete and incident.alerted_at == clock.now
    assert incident.category == "phishing" and incident.impact == "none"
    assert incident.personal_data == "no" and incident.ongoing == "no"
    assert incident.service == "E-mail"
    assert incident.actions_taken == "Wachtwoord gewijzigd"
    # "vanochtend 9:15" on 23-11-2026 in Amsterdam (UTC+1) is 08:15 UTC
    assert incident.aware_at.isoformat() == "2026-11-23T08:15:00+00:00"
    with unit_of_work(engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog))]
    assert "incident.reported" in actions


def test_the_alert_carries_decision_buttons_and_a_button_records_the_decision(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    with unit_of_work(engine) as session:
        from storage.models import OutboxMessage

        row = session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == ISMT_ROOM)).one()
        buttons = [value for value, _label in row.payload["choices"]]
    assert buttons == [
        "/incident INC-2026-0001 significant ja",
        "/incident INC-2026-0001 significant nee",
    ]
    clock.advance(minutes=20)
    said = bot.say(t.ismt, choice=buttons[0], group=ISMT_ROOM)
    assert "is significant, besloten door Isa Ismt" in said.text
    (incident,) = incidents(bot)
    assert incident.significant is True
    assert incident.decided_at == clock.now
    with unit_of_work(engine) as session:
        kinds = [e.kind for e in session.exec(select(IncidentEvent).order_by(IncidentEvent.id))]
        audit = [a.action for a in session.exec(select(AuditLog))]
    assert kinds[-1] == "significant"
    assert "incident.significant" in audit


def test_the_incident_exists_from_the_first_answer(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    assert incidents(bot) == []
    bot.say(t.employee, "Mijn laptop is gestolen uit de auto")
    (incident,) = incidents(bot)
    assert incident.description == "Mijn laptop is gestolen uit de auto"
    assert incident.category == "lost_stolen_device" and incident.category_guessed
    assert not incident.complete and incident.alerted_at is None
    assert bot.outbox_for(ISMT_ROOM) == []  # not before it is sent or abandoned


def test_an_unclear_description_asks_for_the_category(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    said = bot.say(t.employee, "Er gebeurt iets vreemds met de printer")
    assert "Wat voor incident is het" in said.text
    assert ("malware_ransomware", "Malware of ransomware") in said.choices
    said = bot.say(t.employee, choice="malware_ransomware")
    assert "Wanneer merkte je het op" in said.text


def test_the_description_can_come_with_the_command(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    said = bot.say(t.employee, "/melden ik heb op een link geklikt in een rare mail")
    assert "Wanneer merkte je het op" in said.text
    (incident,) = incidents(bot)
    assert incident.category == "phishing"


def test_anonymous_report_hides_the_name_in_the_room_and_tells_the_coordinator(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee, anonymous=True)
    (alert,) = bot.outbox_for(ISMT_ROOM)
    assert "Eva Employee" not in alert
    assert "Gemeld door: anoniem" in alert
    (private,) = bot.outbox_for(t.coordinator)
    assert "Eva Employee" in private and "anoniem in de ISMT-ruimte" in private


def test_without_an_ismt_room_the_coordinator_gets_the_alert(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot, ismt_room=False)
    report_phishing(bot, t.employee)
    (private,) = bot.outbox_for(t.coordinator)
    assert "Nieuwe incidentmelding INC-2026-0001" in private


def test_without_room_or_coordinator_the_ismt_members_get_it(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    report_phishing(bot, employee)
    (private,) = bot.outbox_for(ismt)
    assert "Nieuwe incidentmelding" in private


def test_free_text_offers_the_intake_and_does_not_start_it(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    for text in (
        "ik wil iets melden",
        "Ik heb op een link geklikt",
        "I want to report an incident",
    ):
        said = bot.say(t.employee, text)
        assert said.choices == [("/melden", "Ja, incident melden")], text
        assert incidents(bot) == []
    said = bot.say(t.employee, "1")  # the offered choice, typed as its number
    assert "Wat is er gebeurd?" in said.text
    said = bot.say(t.employee, "/stop")
    assert "Gestopt" in said.text


def test_melden_in_a_group_points_to_the_private_chat(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    said = bot.say(t.employee, "/melden", group="some-group")
    assert "privéchat" in said.text and "t.me/nis2demo_bot" in said.replies[0].text


def test_correcting_a_field_returns_to_the_summary(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden Ik heb op een link geklikt")
    for answer in ("nu", "E-mail", "1", "Nee", "Nee"):
        bot.say(t.employee, answer)
    said = bot.say(t.employee, choice="nothing")
    assert "Controleer je melding" in said.text
    said = bot.say(t.employee, choice="fix")
    assert ("service", "Dienst of systeem") in said.choices
    bot.say(t.employee, choice="service")
    said = bot.say(t.employee, "Outlook webmail")
    assert "Controleer je melding" in said.text and "Outlook webmail" in said.text
    said = bot.say(t.employee, choice="send")
    assert "INC-2026-0001" in said.text
    (incident,) = incidents(bot)
    assert incident.service == "Outlook webmail"


def test_stop_keeps_what_was_typed_and_passes_it_on(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    bot.say(t.employee, "Ransomware-melding op mijn scherm, alles is versleuteld")
    said = bot.say(t.employee, "/stop")
    assert "INC-2026-0001" in said.text and "onvolledige melding" in said.text
    (alert,) = bot.outbox_for(ISMT_ROOM)
    assert "Onvolledige incidentmelding INC-2026-0001" in alert
    (incident,) = incidents(bot)
    assert not incident.complete and incident.alerted_at is not None


def test_english_reporter_gets_english_questions_and_advice(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    ann = bot.person(Role.EMPLOYEE, org_id=t.org, name="Ann", language="en")
    said = bot.say(ann, "/report")
    assert "What happened?" in said.text
    bot.say(ann, "Someone called me pretending to be the service desk")
    said = bot.say(ann, "this morning 9:00")
    assert "Which service or system" in said.text
    for answer in ("telephone", "1", "No", "No"):
        bot.say(ann, answer)
    bot.say(ann, choice="nothing")
    said = bot.say(ann, choice="send")
    assert "registered as INC-2026-0001" in said.text
    (incident,) = incidents(bot)
    assert incident.category == "suspicious_contact"
    assert isinstance(incident, Incident)


def test_a_described_incident_is_not_typed_twice_after_the_offer(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    """Free text that describes the incident, then the offered button: nine messages in all."""
    bot = Harness(engine, features, clock)
    t = town(bot)
    sent = ["Ik heb op een link geklikt in een mail over een pakketje", "1"]
    said = [bot.say(t.employee, sent[0])]
    said.append(bot.say(t.employee, sent[1]))
    assert "Genoteerd wat er gebeurde" in said[-1].text
    assert "Wanneer merkte je het op" in said[-1].text
    for answer in ("nu", "E-mail", "1", "Nee", "Nee", "Wachtwoord gewijzigd"):
        said.append(bot.say(t.employee, answer))
    said.append(bot.say(t.employee, choice="send"))
    assert len(said) == 9
    assert "INC-2026-0001" in said[-1].text
    (incident,) = incidents(bot)
    assert incident.description == sent[0] and incident.category == "phishing"


def test_a_stale_or_vague_offer_asks_what_happened(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "Ik heb op een link geklikt")
    clock.advance(minutes=11)
    assert "Wat is er gebeurd?" in bot.say(t.employee, "/melden").text
    bot.say(t.employee, "/stop")
    bot.say(t.employee, "ik wil iets melden")  # not a description
    assert "Wat is er gebeurd?" in bot.say(t.employee, "1").text
