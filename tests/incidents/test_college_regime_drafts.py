"""Issue 13 items 2-5 end to end through the pipeline: the college in the loop, each country's
regime, drafts filled from what the ISMT recorded, deadlines that follow what happened."""

from __future__ import annotations

from datetime import UTC, datetime

from schedules.jobs import run_job
from storage import organisations
from storage.db import unit_of_work
from storage.enums import Role
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, deadlines, incidents, town


def _ransomware(bot: Harness, sender: str, *, personal_data: str = "Ja") -> str:
    """Reported 'nu' (2026-11-23 09:00 UTC): ransomware, severe, still going on."""
    bot.say(sender, "/melden Ransomware: alle bestanden op de fileserver zijn versleuteld")
    for answer in ("nu", "fileserver", "3", personal_data, "Ja"):
        bot.say(sender, answer)
    bot.say(sender, choice="nothing")
    bot.say(sender, choice="send")
    return incidents(bot)[-1].reference


def test_significant_reaches_the_mayor_and_the_secretary_in_plain_words(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    mayor = bot.person(Role.MAYOR, org_id=t.org, name="Marga Mayor")
    secretary = bot.person(Role.SECRETARY, org_id=t.org, name="Sam Secretary", language="en")
    council = bot.person(Role.COUNCIL_MEMBER, org_id=t.org, name="Ray Raad")
    ref = _ransomware(bot, t.employee, personal_data="Nee")
    assert bot.outbox_for(mayor) == []  # not yet: nothing was decided, no personal data

    said = bot.say(t.ismt, f"/incident {ref} significant ja", group=ISMT_ROOM)
    assert "Met een kort bericht op de hoogte gebracht: Marga Mayor, Sam Secretary." in said.text
    (notice,) = bot.outbox_for(mayor)
    assert f"Het ISMT heeft incident {ref} significant verklaard (NIS2)." in notice
    assert "Volgende wettelijke stap: Vroegtijdige waarschuwing uiterlijk 24-11-2026" in notice
    assert "Behandeld door: het ISMT" in notice
    assert "Eva Employee" not in notice and "fileserver" not in notice  # no reporter, no tech
    assert "u" in notice.split() or "U kunt" in notice  # the college is addressed with "u"
    (english,) = bot.outbox_for(secretary)
    assert f"Incident {ref} has been declared significant (NIS2) by the ISMT." in english
    assert bot.outbox_for(council) == []

    # The mayor may read it (the college view), the council member may not.
    said = bot.say(mayor, f"/incident {ref}")
    assert "Volgende wettelijke stap" in said.text and "Eva Employee" not in said.text
    assert "Er is geen incident" in bot.say(council, f"/incident {ref}").text

    # The secretary flags the crisis organisation; from then on each legal step reaches them.
    said = bot.say(secretary, f"/incident {ref} crisis")
    assert "Recorded: the crisis organisation is activated" in said.text
    assert any(
        "Sam Secretary heeft de crisisorganisatie geactiveerd" in m for m in bot.outbox_for(mayor)
    )
    clock.advance(hours=3)
    bot.say(t.ismt, f"/verzonden {ref} vroegtijdige-waarschuwing", group=ISMT_ROOM)
    assert any(
        "(crisis): de vroegtijdige waarschuwing is verstuurd" in m for m in bot.outbox_for(mayor)
    )
    assert any("(crisis): the early warning was sent" in m for m in bot.outbox_for(secretary))


def test_possibly_significant_with_personal_data_is_told_at_once(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    mayor = bot.person(Role.MAYOR, org_id=t.org, name="Marga Mayor")
    ref = _ransomware(bot, t.employee, personal_data="Ja")
    (notice,) = bot.outbox_for(mayor)
    assert f"Incident {ref} is mogelijk significant en er zijn persoonsgegevens" in notice


def _flemish(bot: Harness) -> object:
    return town(bot, slug="zoersel", country="be")


def test_a_flemish_organisation_gets_voluntary_guidance_and_mandatory_gdpr(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = _flemish(bot)
    ref = _ransomware(bot, t.employee, personal_data="Ja")  # type: ignore[attr-defined]
    (alert,) = [m for m in bot.outbox_for(ISMT_ROOM) if "Nieuwe incidentmelding" in m]
    assert "NIS2: vrijwillige melding (art. 30 NIS2)" in alert
    assert "NIS2-termijnen" not in alert
    assert "Vroegtijdige waarschuwing: richttijd " in alert  # guidance, not "uiterlijk"
    assert "AVG (persoonsgegevens): verplicht, significant of niet" in alert
    incident = incidents(bot)[-1]
    assert set(deadlines(bot, incident.id)) == {"gdpr"}  # only the legal one is a deadline row

    said = bot.say(t.ismt, f"/incident {ref} significant ja", group=ISMT_ROOM)  # type: ignore[attr-defined]
    assert "melden bij het CSIRT is vrijwillig (art. 30 NIS2)" in said.text
    draft = bot.say(
        t.ismt, f"/incident {ref} concept vroegtijdige-waarschuwing", group=ISMT_ROOM
    ).text  # type: ignore[attr-defined]
    assert "vrijwillige melding (art. 30 NIS2)" in draft
    assert "Belgische NIS2-wet van 26 april 2024" in draft
    assert "Safeonweb@work" in draft
    # Nothing is reminded or escalated as a missed legal deadline, a week later either.
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    run_job("incident-reminders", engine, clock.now, features)
    reminders = [m for m in bot.outbox_for(ISMT_ROOM) if "⏰" in m or "❗" in m]
    assert reminders and all("AVG" in m or "Melding van een inbreuk" in m for m in reminders)
    assert not any("Vroegtijdige waarschuwing" in m for m in reminders)


def test_a_flemish_organisation_in_scope_gets_legal_deadlines(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = _flemish(bot)
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="zoersel")
        organisations.update_organisation(
            session=session, organisation=org, settings={"nis2_in_scope": True}
        )
    _ransomware(bot, t.employee)  # type: ignore[attr-defined]
    incident = incidents(bot)[-1]
    assert {"early_warning", "notification", "gdpr"} <= set(deadlines(bot, incident.id))


def test_drafts_are_filled_from_what_the_ismt_recorded_never_from_the_noticed_time(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    ref = _ransomware(bot, t.employee)
    room = {"group": ISMT_ROOM}
    draft = bot.say(t.ismt, f"/incident {ref} concept vroegtijdige-waarschuwing", **room).text
    assert "Begonnen op: [nog invullen]" in draft  # the noticed time is not the start
    assert "Nog niet bekend (vastleggen met" in draft and "wanneer het begon (begin)" in draft
    assert "NCSC levert de dienst voorlopig" in draft  # the provisional CSIRT designation
    assert "070 204 55 11" in draft  # the IBD help line, marked as not a recipient

    said = bot.say(t.ismt, f"/incident {ref} vastleggen begin morgen 10:00", **room)
    assert "Dat moment ligt in de toekomst." in said.text
    assert "Wanneer merkte je het op" not in said.text
    clock.advance(hours=2)  # 12:00 in Amsterdam; aware since 10:00
    said = bot.say(t.ismt, f"/incident {ref} vastleggen begin vandaag 11:00", **room)
    assert "Het kan niet begonnen zijn nadat de organisatie ervan wist" in said.text
    bot.say(t.ismt, f"/incident {ref} vastleggen begin vandaag 08:30", **room)
    bot.say(t.ismt, f"/incident {ref} vastleggen kwaadwillig ja", **room)
    bot.say(t.ismt, f"/incident {ref} vastleggen grensoverschrijdend nee", **room)
    draft = bot.say(t.ismt, f"/incident {ref} concept vroegtijdige-waarschuwing", **room).text
    assert "Begonnen op: 23-11-2026 08:30" in draft
    assert "Vermoeden van onrechtmatig of kwaadwillig handelen: Ja" in draft
    assert "Mogelijk grensoverschrijdend effect: Nee" in draft
    assert "Nog niet bekend (vastleggen" not in draft
    assert "Telefoon of e-mail: [nog invullen]" in draft  # no 24/7 number set yet
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="demo")
        organisations.update_organisation(
            session=session,
            organisation=org,
            settings={"contacts": {"emergency": "ISMT-piket 06 1234 5678"}},
        )
    draft = bot.say(t.ismt, f"/incident {ref} concept vroegtijdige-waarschuwing", **room).text
    assert "Telefoon: ISMT-piket 06 1234 5678" in draft
    assert "[nog invullen]" not in draft  # an early warning that needs no editing

    bot.say(t.ismt, f"/incident {ref} vastleggen ioc 185.220.101.4, evil.example", **room)
    bot.say(t.ismt, f"/incident {ref} vastleggen avg-betrokkenen ongeveer 1200", **room)
    notification = bot.say(t.ismt, f"/incident {ref} concept melding", **room).text
    assert "185.220.101.4, evil.example" in notification
    assert "ernst en gevolgen (ernst)" in notification  # still missing, and said so
    gdpr = bot.say(t.ismt, f"/incident {ref} concept avg", **room).text
    assert "Aantal betrokkenen (bij benadering): ongeveer 1200" in gdpr

    # An awareness correction to before the recorded start: the draft shows no start at all.
    bot.say(t.ismt, f"/incident {ref} bewust vandaag 08:00; eerste melding in de logs", **room)
    draft = bot.say(t.ismt, f"/incident {ref} concept vroegtijdige-waarschuwing", **room).text
    assert "Begonnen op: [nog invullen]" in draft


def test_sending_the_final_report_closes_the_progress_report(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    ref = _ransomware(bot, t.employee, personal_data="Nee")
    bot.say(t.ismt, f"/incident {ref} significant ja", group=ISMT_ROOM)
    incident = incidents(bot)[-1]
    assert "Eindverslag (of voortgangsverslag" in bot.say(t.ismt, f"/incident {ref}").text
    # Nobody of the college is enrolled here: the ISMT is told to inform them itself.
    assert "licht hen zelf in" in bot.say(t.ismt, f"/incident {ref} significant ja").text
    clock.advance(hours=2)
    bot.say(t.ismt, f"/verzonden {ref} vroegtijdige-waarschuwing", group=ISMT_ROOM)
    bot.say(t.ismt, f"/verzonden {ref} melding", group=ISMT_ROOM)
    clock.now = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)  # past the month: still not handled
    run_job("incident-reminders", engine, clock.now, features)
    assert deadlines(bot, incident.id)["progress"].sent_at is None  # the progress report is due
    bot.say(t.ismt, f"/verzonden {ref} eindverslag", group=ISMT_ROOM)
    rows = deadlines(bot, incident.id)
    assert "progress" not in rows
    assert all(row.sent_at is not None for row in rows.values())
    before = len(bot.outbox_for(ISMT_ROOM))
    clock.now = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    run_job("incident-reminders", engine, clock.now, features)
    assert len(bot.outbox_for(ISMT_ROOM)) == before  # nothing nags any more


def test_sent_times_are_checked(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    ref = _ransomware(bot, t.employee, personal_data="Nee")
    clock.advance(hours=1)  # 10:00 UTC, 11:00 in Amsterdam

    def sent(when: str) -> str:
        return bot.say(t.ismt, f"/verzonden {ref} vroegtijdige-waarschuwing {when}").text

    assert "“25:00” is geen geldige tijd" in sent("25:00")
    assert "“10:75” is geen geldige tijd" in sent("10:75")
    assert "ligt in de toekomst" in sent("morgen 10:00")
    assert "Wanneer merkte je het op" not in sent("morgen 10:00")
    assert "eerder dan het moment waarop de organisatie" in sent("gisteren 10:00")
    assert "Daar kon ik geen tijd in lezen" in sent("blabla")
    assert incidents(bot)[-1].id and "early_warning" not in {
        k for k, r in deadlines(bot, incidents(bot)[-1].id).items() if r.sent_at
    }
    said = sent("10:30")  # local: 09:30 UTC, after awareness at 09:00 UTC (10:00 local)
    assert "verzonden 23-11-2026 10:30" in said
    timeline = bot.say(t.ismt, f"/incident {ref}").text
    assert "23-11-2026 10:30" in timeline and "vastgelegd 23-11-2026 11:00" in timeline


def test_reminders_use_het_for_het_words(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    from handlers.incidents.model import ReportKind
    from handlers.incidents.reminder_text import reminder_reply
    from handlers.incidents.reminders import ReminderSlot
    from handlers.reply import to_plain_text

    bot = Harness(engine, features, clock)
    t = town(bot)
    _ransomware(bot, t.employee, personal_data="Nee")
    incident = incidents(bot)[-1]
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="demo")
    due = datetime(2026, 12, 26, 9, 0, tzinfo=UTC)
    texts = {}
    for kind in (ReportKind.FINAL, ReportKind.PROGRESS, ReportKind.INTERMEDIATE):
        slot = ReminderSlot(
            key="k",
            kind=kind,
            at=due,
            offset=due - due,
            due_at=due,
            escalate=False,
            provisional=False,
        )
        texts[kind] = to_plain_text(reminder_reply("nl", org, incident, slot, clock.now).text)
    # Still going on (the reporter said so): both options are named.
    assert (
        "het eindverslag (of het voortgangsverslag, als het dan nog loopt) moet"
        in texts[ReportKind.FINAL]
    )
    assert "het voortgangsverslag moet" in texts[ReportKind.PROGRESS]
    assert "het tussentijdse verslag moet" in texts[ReportKind.INTERMEDIATE]
    assert not any(" de Eindverslag" in x or " de Voortgangsverslag" in x for x in texts.values())


def test_the_council_room_gets_the_notice_only_when_the_organisation_says_so(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    from storage import rooms

    bot = Harness(engine, features, clock)
    t = town(bot)
    with unit_of_work(engine) as session:
        rooms.link_room(
            session=session,
            organisation_id=t.org,
            purpose="council",
            platform="telegram",
            chat_id="raad",
            now=clock.now,
        )
    first = _ransomware(bot, t.employee, personal_data="Nee")
    bot.say(t.ismt, f"/incident {first} significant ja", group=ISMT_ROOM)
    assert bot.outbox_for("raad") == []  # default: the mayor and the secretary only
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="demo")
        organisations.update_organisation(
            session=session, organisation=org, settings={"incident_notice_council": True}
        )
    second = _ransomware(bot, t.employee, personal_data="Nee")
    bot.say(t.ismt, f"/incident {second} significant ja", group=ISMT_ROOM)
    (notice,) = bot.outbox_for("raad")
    assert f"Het ISMT heeft incident {second} significant verklaard" in notice
    assert "Eva Employee" not in notice
