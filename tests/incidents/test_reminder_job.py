"""The reminder and abandoned-intake jobs: each slot exactly once, across restarts and downtime."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from sqlmodel import select

from schedules.jobs import run_job
from storage.db import make_engine, unit_of_work
from storage.enums import Role
from storage.incident_models import IncidentReminderSent
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, incidents, town


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def _significant_incident(bot: Harness, t) -> str:  # type: ignore[no-untyped-def]
    """Reported 'nu' at 2026-11-23 09:00 UTC: early warning due 11-24 09:00, notification 11-26."""
    bot.say(t.employee, "/melden Ransomware: alles is versleuteld")
    for answer in ("nu", "fileserver", "3", "Nee", "Ja"):
        bot.say(t.employee, answer)
    bot.say(t.employee, choice="nothing")
    bot.say(t.employee, choice="send")
    ref = incidents(bot)[-1].reference
    bot.say(t.ismt, f"/incident {ref} significant ja", group=ISMT_ROOM)
    return ref


def _reminders(bot: Harness, chat: str = ISMT_ROOM) -> list[str]:
    return [m for m in bot.outbox_for(chat) if "⏰" in m or "❗" in m]


def test_each_slot_is_sent_once_across_runs_and_a_restart(engine, db_url, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    secretary = bot.person(Role.SECRETARY, org_id=t.org, name="Sam Secretary")
    _significant_incident(bot, t)
    assert run_job("incident-reminders", engine, clock.now, features) == 0

    clock.now = utc(2026, 11, 23, 21, 0)  # 12 h before the early warning
    assert run_job("incident-reminders", engine, clock.now, features) == 1
    assert run_job("incident-reminders", engine, clock.now, features) == 0
    restarted = make_engine(db_url)  # a new process: nothing in memory survives
    assert run_job("incident-reminders", restarted, clock.now, features) == 0
    restarted.dispose()
    (first,) = _reminders(bot)
    assert (
        "de vroegtijdige waarschuwing moet uiterlijk" in first and "over ongeveer 12 uur" in first
    )

    for moment, expected in [
        (utc(2026, 11, 24, 7, 0), "over ongeveer 2 uur"),
        (utc(2026, 11, 24, 9, 0), "moet nu weg"),
        (utc(2026, 11, 24, 21, 0), "te laat sinds"),
    ]:
        clock.now = moment
        assert run_job("incident-reminders", engine, clock.now, features) == 1
        assert run_job("incident-reminders", engine, clock.now, features) == 0
        assert expected in _reminders(bot)[-1]
    assert len(_reminders(bot)) == 4
    # Overdue: the coordinator and the secretary are told privately, once.
    assert len(_reminders(bot, t.coordinator)) == 1
    assert "te laat" in _reminders(bot, secretary)[0]
    with unit_of_work(engine) as session:
        keys = [r.slot_key for r in session.exec(select(IncidentReminderSent))]
    assert len(keys) == len(set(keys)) == 4


def test_after_downtime_each_deadline_is_caught_up_once(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    _significant_incident(bot, t)
    clock.now = utc(2026, 11, 25, 10, 0)  # the bot was down for two days
    assert run_job("incident-reminders", engine, clock.now, features) == 1
    (caught_up,) = _reminders(bot)
    assert "de vroegtijdige waarschuwing is te laat" in caught_up and "te laat sinds" in caught_up
    assert run_job("incident-reminders", engine, clock.now, features) == 0
    # The notification's -12 h slot comes at 11-25 21:00, normally.
    clock.now = utc(2026, 11, 25, 21, 0)
    assert run_job("incident-reminders", engine, clock.now, features) == 2  # + EW overdue again
    assert any("de incidentmelding moet uiterlijk" in m for m in _reminders(bot)[-2:])


def test_a_sent_report_is_no_longer_reminded(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    ref = _significant_incident(bot, t)
    bot.say(t.ismt, f"/verzonden {ref} vroegtijdige-waarschuwing")
    clock.now = utc(2026, 11, 24, 21, 0)
    assert run_job("incident-reminders", engine, clock.now, features) == 0
    assert _reminders(bot) == []


def test_a_closed_or_not_significant_incident_is_not_reminded(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    ref = _significant_incident(bot, t)
    bot.say(t.ismt, f"/incident {ref} significant nee", group=ISMT_ROOM)
    clock.now = utc(2026, 11, 24, 21, 0)
    assert run_job("incident-reminders", engine, clock.now, features) == 0


def test_an_abandoned_intake_reaches_the_ismt_once(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    bot.say(t.employee, "Ik kreeg een rare mail en heb op een link geklikt")
    bot.say(t.employee, "vanochtend 9:00")
    clock.advance(minutes=29)
    assert run_job("incident-abandoned", engine, clock.now, features) == 0
    clock.advance(minutes=2)
    assert run_job("incident-abandoned", engine, clock.now, features) == 1
    assert run_job("incident-abandoned", engine, clock.now, features) == 0
    (alert,) = bot.outbox_for(ISMT_ROOM)
    assert "Onvolledige incidentmelding INC-2026-0001" in alert
    assert "rare mail" in alert and "(niet beantwoord)" in alert
    # The reporter comes back and finishes: the room hears that it is complete, once.
    for answer in ("mail", "1", "Nee", "Nee"):
        bot.say(t.employee, answer)
    bot.say(t.employee, choice="nothing")
    said = bot.say(t.employee, choice="send")
    assert "INC-2026-0001" in said.text
    room = bot.outbox_for(ISMT_ROOM)
    assert len(room) == 2 and "Nieuwe incidentmelding INC-2026-0001" in room[1]


def test_the_abandoned_time_is_a_setting(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    bot.say(t.employee, "Mijn telefoon is gestolen")
    clock.advance(minutes=10)
    quick = replace(features, incident_abandoned_minutes=5)
    assert run_job("incident-abandoned", engine, clock.now, quick) == 1


def test_a_crash_between_claim_and_commit_loses_and_duplicates_nothing(
    engine, features, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The slot claim and the outbox rows share one transaction: a crash in between (after both
    were written, before the commit) leaves neither, and the next run sends the slot once."""
    from handlers.context import Context

    bot = Harness(engine, features, clock)
    t = town(bot)
    _significant_incident(bot, t)
    clock.now = utc(2026, 11, 23, 21, 0)
    real_send = Context.send_to_rooms

    def send_then_die(self, purpose, reply, key):  # type: ignore[no-untyped-def]
        real_send(self, purpose, reply, key)
        raise SystemExit("killed")  # like SIGKILL: no except clause of ours runs

    monkeypatch.setattr(Context, "send_to_rooms", send_then_die)
    with contextlib.suppress(SystemExit):
        run_job("incident-reminders", engine, clock.now, features)
    with unit_of_work(engine) as session:
        assert session.exec(select(IncidentReminderSent)).all() == []
    assert _reminders(bot) == []
    monkeypatch.setattr(Context, "send_to_rooms", real_send)
    assert run_job("incident-reminders", engine, clock.now, features) == 1
    assert run_job("incident-reminders", engine, clock.now, features) == 0
    assert len(_reminders(bot)) == 1
