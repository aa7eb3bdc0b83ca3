"""Triage and the clocks through the chat, asserted on the stored ``incident_deadline`` rows.

The pure arithmetic is tested in test_clocks.py; here the same cases go through the intake, the
ISMT's commands and the database (SQLite and PostgreSQL), so the rows are what the law says.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from schedules.jobs import run_job
from storage import organisations
from storage.db import unit_of_work
from storage.enums import Role
from storage.incident_models import IncidentGdprAssessment
from tests.harness import Harness
from tests.incidents.chat_helpers import deadlines, incidents, link_ismt_room


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def _org(bot: Harness, tz: str) -> int:
    slug = "brussel" if tz == "Europe/Brussels" else "demo"
    with unit_of_work(bot.engine) as session:
        org = organisations.create_organisation(
            session=session,
            slug=slug,
            name=slug.title(),
            country="be" if tz == "Europe/Brussels" else "nl",
            timezone=tz,
            now=bot.clock(),
        )
        if tz == "Europe/Brussels":
            # A Belgian organisation in scope of the NIS2 law (an Annex I/II activity): its NIS2
            # clocks are legal deadlines, stored as rows (out of scope they are guidance only).
            organisations.update_organisation(
                session=session, organisation=org, settings={"nis2_in_scope": True}
            )
        org_id = org.id
    link_ismt_room(bot, org_id, chat_id=f"ismt-{slug}")  # type: ignore[arg-type]
    return org_id  # type: ignore[return-value]


def _report(bot: Harness, sender: str, when: str, *, personal_data: str = "Nee") -> str:
    bot.say(sender, "/melden Ransomware: alle bestanden op de fileserver zijn versleuteld")
    said = bot.say(sender, when)
    assert "Genoteerd" in said.text, said.text
    for answer in ("fileserver", "3", personal_data, "Ja"):
        bot.say(sender, answer)
    bot.say(sender, choice="nothing")
    said = bot.say(sender, choice="send")
    assert "INC-" in said.text
    return incidents(bot)[-1].reference


def _due(bot: Harness) -> dict[str, tuple[datetime, bool, datetime | None]]:
    incident = incidents(bot)[-1]
    return {k: (r.due_at, r.provisional, r.sent_at) for k, r in deadlines(bot, incident.id).items()}


@pytest.mark.parametrize("tz", ["Europe/Amsterdam", "Europe/Brussels"])
def test_spring_forward_saturday_night_rows(engine, features, clock, tz) -> None:  # type: ignore[no-untyped-def]
    clock.now = utc(2026, 3, 29, 7, 0)
    bot = Harness(engine, features, clock)
    org = _org(bot, tz)
    reporter = bot.person(Role.EMPLOYEE, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    ref = _report(bot, reporter, "28-03-2026 23:30")
    assert incidents(bot)[-1].aware_at == utc(2026, 3, 28, 22, 30)
    said = bot.say(ismt, f"/incident {ref} significant ja")
    assert "is significant" in said.text
    rows = _due(bot)
    assert rows["early_warning"] == (utc(2026, 3, 29, 22, 30), False, None)
    assert rows["notification"] == (utc(2026, 3, 31, 22, 30), False, None)
    assert rows["final"] == (utc(2026, 4, 30, 22, 30), True, None)  # provisional until notified
    assert "gdpr" not in rows
    # The ISMT reads them on the local wall clock, with the offset after the change.
    said = bot.say(ismt, f"/incident {ref}")
    assert "30-03-2026 00:30" in said.text and "(UTC+" not in said.text


@pytest.mark.parametrize("tz", ["Europe/Amsterdam", "Europe/Brussels"])
def test_fall_back_saturday_night_rows(engine, features, clock, tz) -> None:  # type: ignore[no-untyped-def]
    clock.now = utc(2026, 10, 25, 7, 0)
    bot = Harness(engine, features, clock)
    org = _org(bot, tz)
    reporter = bot.person(Role.EMPLOYEE, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    ref = _report(bot, reporter, "24-10-2026 23:30")
    bot.say(ismt, f"/incident {ref} significant ja")
    rows = _due(bot)
    assert rows["early_warning"][0] == utc(2026, 10, 25, 21, 30)
    assert rows["notification"][0] == utc(2026, 10, 27, 21, 30)
    assert rows["final"][0] == utc(2026, 11, 27, 21, 30)


def test_not_significant_removes_the_nis2_rows_and_keeps_gdpr(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = _org(bot, "Europe/Amsterdam")
    reporter = bot.person(Role.EMPLOYEE, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    ref = _report(bot, reporter, "vanochtend 8:00", personal_data="Ja")
    rows = _due(bot)
    # Undecided: the NIS2 clocks are shown as provisional, the GDPR one runs for real.
    assert rows["early_warning"][1] is True
    assert rows["gdpr"] == (utc(2026, 11, 26, 7, 0), False, None)
    bot.say(ismt, f"/incident {ref} significant nee")
    assert set(_due(bot)) == {"gdpr"}
    said = bot.say(ismt, f"/incident {ref} avg-geen-risico versleutelde back-up, niets ingezien")
    assert "geen AVG-melding nodig" in said.text
    assert _due(bot) == {}
    with unit_of_work(engine) as session:
        record = session.exec(select(IncidentGdprAssessment)).one()
    assert record.reason == "versleutelde back-up, niets ingezien"
    assert record.decided_at == clock.now


def test_january_31_plus_one_month_is_february_28(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = utc(2026, 1, 29, 12, 0)
    bot = Harness(engine, features, clock)
    org = _org(bot, "Europe/Amsterdam")
    reporter = bot.person(Role.EMPLOYEE, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    ref = _report(bot, reporter, "29-01-2026 10:00")
    bot.say(ismt, f"/incident {ref} significant ja")
    clock.now = utc(2026, 1, 31, 9, 0)  # 10:00 in Amsterdam
    said = bot.say(ismt, f"/verzonden {ref} melding")
    assert "Vastgelegd" in said.text
    rows = _due(bot)
    assert rows["notification"][2] == utc(2026, 1, 31, 9, 0)
    assert rows["final"] == (utc(2026, 2, 28, 9, 0), False, None)


def test_a_late_notification_moves_the_final_report(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = _org(bot, "Europe/Amsterdam")
    reporter = bot.person(Role.EMPLOYEE, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    ref = _report(bot, reporter, "nu")
    aware = clock.now
    bot.say(ismt, f"/incident {ref} significant ja")
    clock.advance(hours=80)  # 8 hours late
    bot.say(ismt, f"/verzonden {ref} melding")
    due, provisional, sent = _due(bot)["notification"]
    assert provisional is False
    assert sent == clock.now and sent > due and due == utc(2026, 11, 26, 9, 0)
    assert _due(bot)["final"] == (utc(2026, 12, 26, 17, 0), False, None)
    assert aware == utc(2026, 11, 23, 9, 0)


def test_adjusting_awareness_moves_every_clock(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = _org(bot, "Europe/Amsterdam")
    reporter = bot.person(Role.EMPLOYEE, org_id=org)
    it = bot.person(Role.IT, org_id=org)
    ref = _report(bot, reporter, "nu")
    said = bot.say(it, f"/incident {ref} bewust gisteren 14:00; de SOC zag het al gisteren")
    assert "termijnen zijn meegeschoven" in said.text
    assert incidents(bot)[-1].aware_at == utc(2026, 11, 22, 13, 0)
    assert _due(bot)["early_warning"][0] == utc(2026, 11, 23, 13, 0)
    said = bot.say(it, f"/incident {ref} bewust gisteren 14:00")
    assert "Geef ook een reden" in said.text


def test_the_ongoing_branch_progress_report_then_final_after_handling(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = _org(bot, "Europe/Amsterdam")
    reporter = bot.person(Role.EMPLOYEE, org_id=org)
    ismt = bot.person(Role.ISMT, org_id=org)
    ref = _report(bot, reporter, "nu")  # aware 2026-11-23 09:00 UTC
    bot.say(ismt, f"/incident {ref} significant ja")
    bot.say(ismt, f"/verzonden {ref} vroegtijdige-waarschuwing")
    clock.advance(hours=48)
    bot.say(ismt, f"/verzonden {ref} melding")  # 2026-11-25 09:00 UTC
    assert _due(bot)["final"][0] == utc(2026, 12, 25, 9, 0)
    # One month later the incident is still not handled: a progress report is due instead.
    clock.now = utc(2026, 12, 25, 9, 0)
    run_job("incident-reminders", engine, clock.now, features)
    rows = _due(bot)
    assert "final" not in rows
    assert rows["progress"][0] == utc(2026, 12, 25, 9, 0)
    bot.say(ismt, f"/verzonden {ref} voortgang")
    clock.now = utc(2027, 1, 10, 12, 0)
    bot.say(ismt, f"/incident {ref} status gesloten")
    rows = _due(bot)
    assert rows["progress"][2] == utc(2026, 12, 25, 9, 0)
    assert rows["final"] == (utc(2027, 2, 10, 12, 0), False, None)  # one month after handling
