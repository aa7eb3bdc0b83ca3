"""An exercise from start to lessons learned to action points, and the proof that nothing of it
reaches a real figure, a draft, an incident or an authority."""

from __future__ import annotations

from sqlmodel import select

from handlers.control.figures import control_figures
from handlers.coordination.periods import Period
from handlers.coordination.service import figures_for
from handlers.reply import to_plain_text
from schedules.jobs import run_job
from storage import organisations
from storage.db import unit_of_work
from storage.incident_models import Incident
from storage.models import OutboxMessage
from tests.control.helpers import audit_actions, count_rows, town, utc
from tests.harness import Harness


def _all_texts_since(engine, first_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.id > first_id)).all()
        return [(r.chat_id, r.payload["text"]) for r in rows]


def _last_outbox_id(engine) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        rows = session.exec(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())).first()  # type: ignore[union-attr]
        return rows or 0


def test_ransomware_exercise_end_to_end(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    bot: Harness = t.bot
    before = _last_outbox_id(engine)
    assert bot.say(
        t.mayor, "/oefening start ransomware"
    ).result.refused  # the college plays, not leads
    assert "Er loopt geen oefening" in bot.say(t.mayor, "/oefening significant ja").text

    said = bot.say(t.coordinator, "/oefening start ransomware snel")
    assert "OEFENING — geen echt incident" in said.text
    assert not any("buiten de NIS2-wet" in x for x in bot.outbox_for("g-ismt-demo"))  # NL: in scope
    assert "Oefening #1 gestart: Ransomware op een fileserver" in said.text
    ismt_room = bot.outbox_for("g-ismt-demo")
    college_room = bot.outbox_for("g-college-demo")
    assert any("Oefening #1 begint nu" in x for x in ismt_room)
    assert any("FS01" in x for x in ismt_room)  # the first inject, at T+0
    assert not any("FS01" in x for x in college_room)  # that one is for the ISMT only

    # Pace "snel": 24 simulated minutes per minute. After one real minute, T+0:24: the question.
    t.clock.advance(minutes=1)
    assert run_job("exercise-pacing", engine, t.clock(), features) == 1
    assert run_job("exercise-pacing", engine, t.clock(), features) == 0  # each inject once
    assert any(
        "Wie beslist of dit een significant incident is" in x for x in bot.outbox_for("g-ismt-demo")
    )

    said = bot.say(t.ismt, "/oefening significant ja", group="g-ismt-demo")
    assert "Vastgelegd in de oefening (om T+0:24)" in said.text
    t.clock.advance(minutes=30)  # T+12:24
    bot.say(t.ismt, "/oefening verzonden vroegtijdig", group="g-ismt-demo")
    said = bot.say(t.ismt, "/oefening verzonden vroegtijdig")
    assert (
        "binnen de gesimuleerde termijn (T+24:00)" in said.text
        and "niets naar iemand verzonden" in said.text
    )
    assert (
        run_job("exercise-pacing", engine, t.clock(), features) >= 2
    )  # injects up to T+12:24 caught up
    assert any("verslaggever" in x for x in bot.outbox_for("g-college-demo"))
    assert any(
        "wie informeert het college van burgemeester en wethouders" in x
        for x in bot.outbox_for("g-college-demo")
    )
    said = bot.say(
        t.mayor, "/oefening antwoord We bevestigen een storing en geven om 14:00 een update"
    )
    assert "Vastgelegd in de oefening" in said.text
    bot.say(t.secretary, "/oefening notitie Crisisteam bijeengeroepen")

    # The coordinator skips ahead to the last inject; the 72 h clock then runs out unsent.
    said = bot.say(t.coordinator, "/oefening volgende")
    assert "De gesimuleerde tijd is nu" in said.text
    for _ in range(3):
        bot.say(t.coordinator, "/oefening volgende")
    assert "Alle injects zijn gespeeld" in bot.say(t.coordinator, "/oefening volgende").text
    t.clock.advance(minutes=60)  # 24 simulated hours later
    run_job("exercise-pacing", engine, t.clock(), features)
    assert any(
        "De gesimuleerde klok voor de incidentmelding (72 uur) is om T+72:00 verstreken" in x
        for x in bot.outbox_for("g-ismt-demo")
    )

    said = bot.say(t.coordinator, "/oefening stop")
    assert "in 2 chat(s) is om geleerde lessen gevraagd" in said.text
    assert "Het spel is beëindigd" in bot.say(t.ismt, "/oefening significant nee").text
    assert "Het spel is beëindigd" in bot.say(t.coordinator, "/oefening volgende").text
    assert bot.say(t.mayor, "/oefening volgende").result.refused
    said = bot.say(
        t.ismt, "/oefening les Beheeraccounts scheiden van back-up; Ivo Ismt; 2027-01-31"
    )
    assert (
        "Actiepunt A1 “Beheeraccounts scheiden van back-up”: eigenaar Ivo Ismt, uiterlijk 31 jan 2027."
        in said.text
    )
    said = bot.say(t.mayor, "/oefening les Perslijn vooraf afspreken")  # owner: who started it
    assert "eigenaar Carla Coördinator" in said.text

    said = bot.say(t.coordinator, "/oefening afsluiten")
    report = said.text
    assert (
        "✓ vroegtijdige waarschuwing (24 uur): uiterlijk T+24:00, verzonden T+12:24 (op tijd)"
        in report
    )
    assert "⚠ incidentmelding (72 uur): uiterlijk T+72:00, niet verzonden" in report
    assert "Ivo Ismt: besloten: significant: ja" in report
    assert "Bea Burgemeester: antwoord: We bevestigen een storing" in report
    assert "Ivo Ismt: geleerde les: Beheeraccounts scheiden van back-up" in report
    lines = report.splitlines()
    assert any(line.startswith("✓ vroegtijdige waarschuwing") for line in lines)
    assert any(line.startswith("⚠ incidentmelding (72 uur)") for line in lines)
    assert any(line.startswith("• eindverslag") and "T+33d 0:00" in line for line in lines)
    assert "A1 Beheeraccounts scheiden van back-up · Ivo Ismt · uiterlijk 31 jan 2027" in report
    document = said.replies[0]
    assert "Gedeeld met 1 chat(s) van het ISMT" in report
    # The report file rides along with the reply (stored as an attachment of the outbox row).
    from storage.models import OutboxAttachment

    with unit_of_work(engine) as session:
        files = session.exec(
            select(OutboxAttachment).where(OutboxAttachment.outbox_id == said.result.outbox_ids[0])
        ).all()
        assert [f.filename for f in files] == ["oefening-1-ransomware.md"]
        assert b"# Oefening #1: Ransomware op een fileserver" in files[0].data
    assert document.text

    # The owner sees the lesson among their action points; closing it is recorded.
    assert (
        "A1 Beheeraccounts scheiden van back-up · Ivo Ismt · 31 jan 2027 · oefening #1"
        in bot.say(t.ismt, "/acties").text
    )
    assert "is afgerond" in bot.say(t.ismt, "/actie A1 klaar").text

    # --- the proof: nothing of the exercise reached a real figure, draft, incident or authority ---
    assert count_rows(engine, Incident) == 0
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="demo")
        figures = figures_for(
            session=session, organisation=org, period=Period(2026, 4), as_of=t.clock()
        )
        assert figures.incidents is not None and figures.incidents.total == 0
        assert figures.deadlines is not None and (
            figures.deadlines.met,
            figures.deadlines.missed,
        ) == (0, 0)
        ours = control_figures(
            session=session, organisation=org, period=Period(2026, 4), as_of=t.clock()
        )
        assert [(e.scenario, e.lessons, e.actions) for e in ours.exercises] == [
            ("ransomware", 2, 2)
        ]
    # Every message the exercise queued went to the organisation's own rooms or people and says
    # OEFENING; none went anywhere else (there is no authority chat to go to).
    own_chats = {
        "g-ismt-demo",
        "g-college-demo",
        t.coordinator,
        t.ismt,
        t.mayor,
        t.secretary,
        t.council,
        t.auditor,
        t.employee,
    }
    for chat, text in _all_texts_since(engine, before):
        assert chat in own_chats, chat
        if chat.startswith("g-"):
            assert "OEFENING" in text, text
    assert {"exercise.started", "exercise.next", "exercise.stopped", "exercise.closed"} <= set(
        audit_actions(engine, t.org)
    )


def test_exercise_without_rooms_goes_privately_in_each_language(engine, features) -> None:  # type: ignore[no-untyped-def]
    from storage.enums import Role

    t = town(engine, features, country="be", slug="gent", rooms_linked=False)
    english_alderman = t.bot.person(
        Role.ALDERMAN, org_id=t.org, name="Alex Alderman", language="en"
    )
    t.bot.say(english_alderman, "/help")
    said = t.bot.say(t.coordinator, "/oefening start phishing echt")
    assert "Oefening #1 gestart: Phishinggolf met een aangeklikte link" in said.text
    assert any("salarisstrook" in x for x in t.bot.outbox_for(t.ismt))
    t.bot.say(t.coordinator, "/oefening volgende")  # T+0:30
    t.bot.say(t.coordinator, "/oefening volgende")  # T+2:00
    t.bot.say(t.coordinator, "/oefening volgende")  # T+2:30
    t.bot.say(t.coordinator, "/oefening volgende")  # T+5:00, to the college: Flemish words
    mayor = t.bot.outbox_for(t.mayor)
    assert any(
        "buiten de NIS2-wet" in x and "zou vrijwillig zijn (art. 30 NIS2)" in x for x in mayor
    )
    assert any("het college van burgemeester en schepenen" in x for x in mayor)
    alderman = t.bot.outbox_for(english_alderman)
    assert any(
        "EXERCISE — not a real incident" in x
        and "informs the college of mayor and aldermen (schepenen)" in x
        for x in alderman
    )
    assert not any("salarisstrook" in x for x in mayor)  # the T+0 inject was for the ISMT only


def test_a_lead_is_told_when_nobody_of_an_audience_is_reached(engine, features) -> None:  # type: ignore[no-untyped-def]
    from storage.enums import Role
    from tests.conftest import Clock
    from tests.control.helpers import utc

    bot = Harness(engine, features, Clock(utc(2026, 11, 23, 8, 0)))
    org = bot.org("nieuw", country="be")
    lead = bot.person(Role.COORDINATOR, org_id=org, name="Koen Coördinator")
    said = bot.say(lead, "/oefening start ddos")
    assert "Berichten klaargezet voor 2 chat(s)" in said.text  # the start and T+0, to the lead
    assert "Niemand van het college was bereikbaar" in said.text
    assert "Niemand van het ISMT" not in said.text
    said = bot.say(lead, "/oefening volgende")  # T+0:45, for the ISMT: the lead is reached
    assert "Niemand" not in said.text
    said = bot.say(lead, "/oefening volgende")  # T+3:00, for the college: nobody
    assert "0 chat(s)" in said.text and "Niemand van het college was bereikbaar" in said.text


def test_the_council_report_section_shows_the_exercise_and_its_lessons(engine, features) -> None:  # type: ignore[no-untyped-def]
    from handlers.control.report import council_section

    t = town(engine, features)
    bot = t.bot
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="demo")
        empty = council_section(
            session=session,
            organisation=org,
            period=Period(2026, 4),
            as_of=t.clock(),
            language="nl",
        )
    assert "Geen oefening dit kwartaal." in empty
    bot.say(t.coordinator, "/oefening start ransomware snel")
    bot.say(t.coordinator, "/oefening stop")
    bot.say(t.ismt, "/oefening les Back-up offline bewaren; Ivo Ismt; 2027-01-31")
    bot.say(t.mayor, "/oefening les Woordvoerder vooraf aanwijzen")
    bot.say(t.coordinator, "/oefening afsluiten")
    bot.say(t.coordinator, "/actie A2 klaar")
    t.clock.now = utc(2027, 1, 4, 8, 0)  # the first working day of Q1: the Q4 report
    with unit_of_work(engine) as session:
        org = organisations.organisation_by_slug(session=session, slug="demo")
        text = to_plain_text(
            council_section(
                session=session,
                organisation=org,
                period=Period(2026, 4),
                as_of=t.clock(),
                language="nl",
            )
        )
        english = to_plain_text(
            council_section(
                session=session,
                organisation=org,
                period=Period(2026),
                as_of=t.clock(),
                language="en",
            )
        )
    assert "• Ransomware op een fileserver (23 nov 2026), geleerde lessen:" in text
    assert "○ A1 Back-up offline bewaren · Ivo Ismt · uiterlijk 31 jan 2027" in text
    assert "✓ A2 Woordvoerder vooraf aanwijzen · Carla Coördinator · afgerond" in text
    assert "1 open; 1 afgerond en 2 nieuw dit kwartaal." in text
    assert "• Ransomware on a file server (23 Nov 2026), lessons learned:" in english
    assert "new this year" in english


def test_an_exercise_left_open_reminds_its_lead_once(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    t.bot.say(t.coordinator, "/oefening start ddos")
    t.clock.advance(days=6, hours=23)
    run_job("exercise-pacing", engine, t.clock(), features)
    assert not any("staat nog open" in x for x in t.bot.outbox_for(t.coordinator))
    t.clock.advance(hours=1)
    run_job("exercise-pacing", engine, t.clock(), features)
    run_job("exercise-pacing", engine, t.clock(), features)
    reminders = [x for x in t.bot.outbox_for(t.coordinator) if "staat nog open" in x]
    assert reminders == [
        "⏰ Oefening #1 (DDoS-aanval op het e-loket), gestart op 23 nov 2026, staat nog open. "
        "Beëindig het spel met /oefening stop, verzamel de geleerde lessen en sluit af met "
        "/oefening afsluiten: tot dan kan er geen nieuwe oefening starten."
    ]
