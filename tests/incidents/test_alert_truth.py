"""Alerts that arrive, and a reporter told the truth (issue 13, item 1).

A brand-new organisation has nobody the bot can alert: the reporter is told so plainly, with the
organisation's emergency number; the alert waits and goes out once when the ISMT room is linked.
"""

from __future__ import annotations

from sqlmodel import select

from handlers.context import Context
from handlers.incidents.pending import person_reachable
from schedules.jobs import run_job
from storage import organisations, people
from storage.db import unit_of_work
from storage.enums import Role
from storage.incident_models import IncidentEvent
from storage.models import AuditLog
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, incidents, link_ismt_room, town

USB_ANSWERS = [
    "Ik ben een USB-stick kwijt met klantgegevens erop",
    "vanochtend 9:15",
    "USB-stick",
    "1",
    "Ja",
    "Nee",
    "Nog niets",
]


def _set_contacts(bot: Harness, org_id: int, **contacts: str) -> None:
    with unit_of_work(bot.engine) as session:
        org = organisations.organisation_by_id(session=session, organisation_id=org_id)
        assert org is not None
        organisations.update_organisation(
            session=session, organisation=org, settings={"contacts": contacts}
        )


def _report_usb(bot: Harness, sender: str) -> str:
    bot.say(sender, "/melden")
    for answer in USB_ANSWERS:
        bot.say(sender, answer)
    return bot.say(sender, choice="send").text


def test_nobody_to_alert_is_said_plainly_and_the_alert_goes_out_once_when_the_room_is_linked(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org("nieuw")
    _set_contacts(
        bot,
        org,
        emergency="ISMT-piket 06 12 34 56 78",
        servicedesk="Servicedesk 020 555 01 02",
        privacy_officer="FG Fenna de Vries, 020 555 01 09",
    )
    employee = bot.person(Role.EMPLOYEE, org_id=org, name="Eva Employee")
    reply = _report_usb(bot, employee)
    assert "het ISMT is gewaarschuwd" not in reply
    assert "Je melding is geregistreerd als INC-2026-0001, maar er kon nog niemand" in reply
    assert "Wacht niet: bel nu ISMT-piket 06 12 34 56 78." in reply
    # The advice names the organisation's own numbers, and the privacy officer for client data.
    assert "Servicedesk: Servicedesk 020 555 01 02" in reply
    assert "privacyfunctionaris (FG Fenna de Vries, 020 555 01 09)" in reply
    (incident,) = incidents(bot)
    assert incident.alert_pending_since == clock.now
    with unit_of_work(engine) as session:
        kinds = [e.kind for e in session.exec(select(IncidentEvent))]
        audit = [a.action for a in session.exec(select(AuditLog))]
    assert "alerted" not in kinds and "alert_pending" in kinds  # the timeline does not pretend
    assert "incident.alert_undeliverable" in audit

    # Nothing changes: the job finds nobody either and sends nothing.
    assert run_job("incident-pending-alerts", engine, clock.now, features) == 0
    assert bot.outbox_for(ISMT_ROOM) == []

    # A coordinator links the ISMT room: the alert is posted there at once, and only once.
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Cor Coordinator")
    clock.advance(minutes=5)
    said = bot.say(coordinator, "/koppel ismt", group=ISMT_ROOM)
    assert "INC-2026-0001" in said.text
    room = bot.outbox_for(ISMT_ROOM)
    alerts = [m for m in room if "Nieuwe incidentmelding INC-2026-0001" in m]
    assert len(alerts) == 1
    assert run_job("incident-pending-alerts", engine, clock.now, features) == 0
    assert len([m for m in bot.outbox_for(ISMT_ROOM) if "Nieuwe incidentmelding" in m]) == 1
    (incident,) = incidents(bot)
    assert incident.alert_pending_since is None


def test_a_room_reports_who_knows_and_people_are_named(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    reply = _report_usb(bot, t.employee)
    assert "Het ISMT is gewaarschuwd in zijn groep." in reply
    assert "maar er kon nog niemand" not in reply

    # Without a room the coordinator is alerted privately, and named.
    other = town(bot, slug="zonder", ismt_room=False)
    reply = _report_usb(bot, other.employee)
    assert "Persoonlijk gewaarschuwd: Cor Coordinator (NIS2-coördinator)." in reply


def test_a_member_who_becomes_reachable_releases_the_pending_alert(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    """A Matrix ISMT member who never wrote first: no direct room, so not reachable. When the
    transport opens one (or they write), ``person_reachable`` sends the waiting alert to them."""
    bot = Harness(engine, features, clock)
    org = bot.org("matrixstad")
    employee = bot.person(Role.EMPLOYEE, org_id=org, name="Eva Employee")
    member = bot.person(Role.ISMT, org_id=org, name="Iris Ismt", platform="matrix")
    reply = _report_usb(bot, employee)
    assert "maar er kon nog niemand" in reply
    assert "Wacht niet: bel nu je leidinggevende of de IT-servicedesk." in reply
    with unit_of_work(engine) as session:
        found = people.identity_lookup(session=session, platform="matrix", external_id=member)
        assert found is not None
        identity, person, organisation = found
        people.note_private_chat(
            session=session, identity=identity, chat_id="!dm:example.org", now=clock.now
        )
        ctx = Context(session, clock.now, features, organisation=organisation)
        assert person_reachable(ctx, person.role) == ["INC-2026-0001"]
        assert person_reachable(ctx, person.role) == []  # once
    sent = bot.outbox_for("!dm:example.org")
    assert len(sent) == 1 and "Nieuwe incidentmelding INC-2026-0001" in sent[0]


def test_status_warns_while_nobody_can_be_alerted(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org("leeg")
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Cor", platform="matrix")
    said = bot.say(coordinator, "/status", platform="matrix")
    assert "Er is geen ISMT-groep gekoppeld" in said.text  # now reachable privately, no room
    assert "Contactgegevens ontbreken" in said.text
    link_ismt_room(bot, org)
    said = bot.say(coordinator, "/status", platform="matrix")
    assert "Er is geen ISMT-groep gekoppeld" not in said.text


def test_an_ismt_member_who_is_the_only_one_reachable_is_told_nobody_else_knows(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org("alleen")
    _set_contacts(bot, org, emergency="Piket 06 99")
    member = bot.person(Role.ISMT, org_id=org, name="Ilse Peeters")
    reply = _report_usb(bot, member)
    assert "De waarschuwing kon alleen jou zelf bereiken" in reply
    assert "Persoonlijk gewaarschuwd: Ilse Peeters" not in reply
    assert "Wacht niet: bel nu Piket 06 99." in reply


def test_a_report_stopped_half_way_is_not_said_to_reach_the_ismt_when_it_reached_nobody(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org("gestopt")
    employee = bot.person(Role.EMPLOYEE, org_id=org, name="Eva")
    bot.say(employee, "/melden")
    bot.say(employee, "Er belde iemand die zich voordeed als de bank")
    said = bot.say(employee, "/stop")
    assert "maar er kon nog niemand van het ISMT gewaarschuwd worden" in said.text
    assert "gaat als onvolledige melding naar het ISMT" not in said.text
    assert "Wacht niet: bel nu je leidinggevende of de IT-servicedesk." in said.text
