"""The coordinator's reminders: the dialog, once per occurrence, the right local time across DST."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from handlers.coordination.recurrence import latest_due, next_after, occurrence, parse_future
from schedules.jobs import run_job
from storage import rooms
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import AuditLog, OutboxMessage
from tests.conftest import Clock
from tests.coordination.seed import utc
from tests.harness import Harness

AMS = "Europe/Amsterdam"
JOB = "coordinator-reminders"
ROLES_NL = "wethouder, ISMT-lid"  # sorted by role value: alderman, ismt


def _texts(engine, chat_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        ).all()
        return [r.payload["text"] for r in rows]


def test_weekly_occurrences_keep_the_local_time_across_dst() -> None:
    first = utc(2026, 10, 19, 7)  # Monday 09:00 CEST
    assert occurrence(first, "weekly", 1, AMS) == utc(2026, 10, 26, 8)  # 09:00 CET
    assert latest_due(first, "weekly", utc(2026, 10, 26, 7, 59), AMS) == first
    assert latest_due(first, "weekly", utc(2026, 10, 26, 8), AMS) == utc(2026, 10, 26, 8)
    assert next_after(first, "weekly", utc(2026, 10, 26, 8), AMS) == utc(2026, 11, 2, 8)
    spring = utc(2027, 3, 21, 1, 30)  # Sunday 02:30 CET; a week later 02:30 does not exist
    assert occurrence(spring, "weekly", 1, AMS) == utc(2027, 3, 28, 1, 30)  # = 03:30 CEST
    # Monthly from the 31st: the end of shorter months, and the 31st again after them.
    end = utc(2027, 1, 31, 8)
    assert occurrence(end, "monthly", 1, AMS) == utc(2027, 2, 28, 8)
    assert occurrence(end, "monthly", 2, AMS) == utc(2027, 3, 31, 7)  # CEST by then
    assert occurrence(end, "quarterly", 1, AMS) == utc(2027, 4, 30, 7)
    assert latest_due(end, "none", utc(2027, 1, 30), AMS) is None


def test_parse_future_reads_dutch_and_english_and_refuses_the_past() -> None:
    now = utc(2026, 11, 22, 9)  # Sunday 10:00 in Amsterdam
    assert parse_future("vrijdag 14:00", now=now, timezone=AMS) == utc(2026, 11, 27, 13)
    assert parse_future("morgen 10u", now=now, timezone=AMS) == utc(2026, 11, 23, 9)
    assert parse_future("1 december", now=now, timezone=AMS) == utc(2026, 12, 1, 8)
    assert parse_future("15-01-2027", now=now, timezone=AMS) == utc(2027, 1, 15, 8)
    assert parse_future("tomorrow 10:00", now=now, timezone=AMS) == utc(2026, 11, 23, 9)
    for bad in ("gisteren", "onzin", "", "2020-01-01", "2031-01-01", "x" * 200):
        assert parse_future(bad, now=now, timezone=AMS) is None, bad


def _set_weekly_reminder_for_ismt(bot: Harness, coordinator: str) -> str:
    said = bot.say(coordinator, "/herinnering")
    assert "Wie moet de herinnering krijgen?" in said.text
    said = bot.say(coordinator, choice="roles")
    said = bot.say(coordinator, "ismt, schepen")
    assert "Wanneer?" in said.text
    said = bot.say(coordinator, choice="weekly")
    said = bot.say(coordinator, "19 oktober 9:00")
    assert "Wat moet er in de herinnering staan?" in said.text
    said = bot.say(coordinator, "Risicoanalyse <b>bijwerken</b> & delen")
    assert "Aan: " + ROLES_NL in said.text
    assert "elke week, de eerste op 19 okt 2026 09:00" in said.text
    said = bot.say(coordinator, choice="yes")
    assert "Herinnering #" in said.text
    return said.text


def test_reminder_fires_once_at_nine_local_before_and_after_the_dst_change(
    engine, features
) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 10, 14, 10))  # Wednesday
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org, language="en")
    alderman = bot.person(Role.ALDERMAN, org_id=org)
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    _set_weekly_reminder_for_ismt(bot, coordinator)
    for moment, expected in (
        (utc(2026, 10, 19, 6, 59), 0),
        (utc(2026, 10, 19, 7, 0), 2),  # 09:00 CEST: the ISMT member and the alderman
        (utc(2026, 10, 19, 7, 1), 0),
        (utc(2026, 10, 26, 7, 0), 0),  # 08:00 CET: not yet, the clocks went back on the 25th
        (utc(2026, 10, 26, 7, 59), 0),
        (utc(2026, 10, 26, 8, 0), 2),
        (utc(2026, 10, 26, 8, 0), 0),  # a restart at the same moment: nothing twice
    ):
        clock.now = moment
        assert run_job(JOB, engine, moment, features) == expected, moment
    assert len(_texts(engine, ismt)) == 2 and len(_texts(engine, alderman)) == 2
    assert _texts(engine, employee) == []
    english = _texts(engine, ismt)[0]
    assert "Reminder from the NIS2 coordinator" in english
    assert "Risicoanalyse &lt;b&gt;bijwerken&lt;/b&gt; &amp; delen" in english
    # Down for three weeks: the latest occurrence once, not one per missed week.
    clock.now = utc(2026, 11, 19, 12)
    assert run_job(JOB, engine, clock(), features) == 2
    assert run_job(JOB, engine, clock(), features) == 0
    assert len(_texts(engine, ismt)) == 3


def test_list_and_cancel_reminders(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 10, 14, 10))
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    _set_weekly_reminder_for_ismt(bot, coordinator)
    listed = bot.say(coordinator, "/herinneringen")
    assert "Actieve herinneringen" in listed.text and "elke week" in listed.text
    assert "19 okt 2026 09:00" in listed.text
    (value, label), *_ = listed.choices
    assert value.startswith("/herinneringen stop ") and label.startswith("Stop #")
    cancelled = bot.say(coordinator, choice=value)
    assert "is gestopt" in cancelled.text
    assert "geen actieve herinneringen" in bot.say(coordinator, "/herinneringen").text
    assert "geen actieve herinnering #999" in bot.say(coordinator, "/herinneringen stop 999").text
    clock.now = utc(2026, 10, 19, 7)
    assert run_job(JOB, engine, clock(), features) == 0
    assert _texts(engine, ismt) == []
    with unit_of_work(engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    assert "reminder.created" in actions and "reminder.cancelled" in actions


def test_reminder_now_to_a_room_and_once_to_a_person(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 11, 23, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("demo")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    secretary = bot.person(Role.SECRETARY, org_id=org, name="Sanne Secretaris")
    with unit_of_work(engine) as session:
        rooms.link_room(
            session=session,
            organisation_id=org,
            purpose="ismt",
            platform="telegram",
            chat_id="g-ismt",
            now=clock(),
        )
    bot.say(coordinator, "/herinnering")
    bot.say(coordinator, choice="room")
    bot.say(coordinator, choice="ismt")
    bot.say(coordinator, choice="now")
    bot.say(coordinator, "Vergeet de oefening van vrijdag niet")
    assert "Herinnering #" in bot.say(coordinator, choice="yes").text
    assert run_job(JOB, engine, clock(), features) == 1
    clock.advance(minutes=5)
    assert run_job(JOB, engine, clock(), features) == 0  # a one-off is done
    assert len(_texts(engine, "g-ismt")) == 1
    bot.say(coordinator, "/herinnering")
    bot.say(coordinator, choice="person")
    assert "Ik vond niemand" in bot.say(coordinator, "Nobody Here").text
    bot.say(coordinator, "sanne secretaris")
    said = bot.say(coordinator, "gisteren")
    assert "Daarin kon ik geen datum en tijd in de toekomst lezen." in said.text
    bot.say(coordinator, "25-11-2026")
    confirm = bot.say(coordinator, "Stukken voor de raad klaarzetten")
    assert "Aan: Sanne Secretaris\nWanneer: 25 nov 2026 09:00" in confirm.text
    bot.say(coordinator, choice="yes")
    clock.now = utc(2026, 11, 25, 7, 59)
    assert run_job(JOB, engine, clock(), features) == 0
    clock.now = utc(2026, 11, 25, 8, 0)
    assert run_job(JOB, engine, clock(), features) == 1
    assert run_job(JOB, engine, clock(), features) == 0
    assert len(_texts(engine, secretary)) == 1


def test_results_do_not_depend_on_the_machine_clock() -> None:
    import time_machine

    now = utc(2026, 11, 22, 9)
    reference = [parse_future(p, now=now, timezone=AMS) for p in ("vrijdag 14:00", "1 december")]
    for elsewhere in (
        datetime(2031, 7, 1, 3, 0, tzinfo=UTC),
        datetime(2019, 3, 31, 2, 30, tzinfo=UTC),
    ):
        with time_machine.travel(elsewhere, tick=False):
            assert [
                parse_future(p, now=now, timezone=AMS) for p in ("vrijdag 14:00", "1 december")
            ] == reference
