"""Action points: made, listed per role, closed by their owner, followed up by the job."""

from __future__ import annotations

from schedules.jobs import run_job
from tests.control.helpers import audit_actions, town, utc


def test_action_point_lifecycle_and_roles(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    bot = t.bot
    said = bot.say(t.coordinator, "/actie nieuw Back-up herstel testen; Ivo Ismt; 2026-12-15")
    assert (
        "Actiepunt A1 “Back-up herstel testen”: eigenaar Ivo Ismt, uiterlijk 15 dec 2026."
        in said.text
    )
    said = bot.say(t.coordinator, "/actie nieuw Wachtwoordbeleid herzien")  # defaults: me, +30 days
    assert (
        "Actiepunt A2 “Wachtwoordbeleid herzien”: eigenaar Carla Coördinator, uiterlijk 23 dec 2026."
        in said.text
    )
    assert (
        "Ik vond 0 personen"
        in bot.say(t.coordinator, "/actie nieuw Iets doen; Niemand Bekend").text
    )
    assert (
        "kon de datum “gisteren-ish” niet lezen"
        in bot.say(t.coordinator, "/actie nieuw Iets doen; Ivo Ismt; gisteren-ish").text
    )

    # The employee may not add one; the ISMT member sees all; the employee sees only their own.
    refused = bot.say(t.employee, "/actie nieuw Iets; Ivo Ismt")
    assert refused.result.refused and "Alleen de coördinator of de secretaris" in refused.text
    listed = bot.say(t.ismt, "/acties").text
    assert (
        "A1 Back-up herstel testen · Ivo Ismt · 15 dec 2026 · overig" in listed and "A2" in listed
    )
    assert "Je hebt geen open actiepunten." in bot.say(t.employee, "/acties").text
    assert "Er is geen actiepunt A1." in bot.say(t.employee, "/actie A1").text

    # Someone else's action point: not the owner, not a keeper -> refused; the owner closes it.
    assert bot.say(t.council, "/actie A1 klaar").result.refused
    assert (
        "A1 “Back-up herstel testen” is afgerond."
        in bot.say(t.ismt, "/actie A1 klaar getest op 1 dec").text
    )
    assert "A1 was al afgerond." in bot.say(t.ismt, "/actie 1 klaar").text
    assert "✓ A1" in bot.say(t.coordinator, "/acties alle").text
    assert "A1" not in bot.say(t.coordinator, "/acties").text

    # Owner and date changed by the secretary; not by the owner.
    assert bot.say(t.coordinator, "/actie A2 eigenaar Ivo Ismt").replies
    assert bot.say(t.ismt, "/actie A2 datum 2027-01-10").result.refused
    said = bot.say(t.secretary, "/actie A2 datum 2027-01-10")
    assert "eigenaar Ivo Ismt, uiterlijk 10 jan 2027" in said.text
    actions = audit_actions(engine, t.org)
    for expected in ("action.created", "action.done", "action.owner", "action.due"):
        assert expected in actions


def test_follow_up_before_due_and_weekly_when_overdue(engine, features) -> None:  # type: ignore[no-untyped-def]
    t = town(engine, features)
    bot = t.bot
    bot.say(t.coordinator, "/actie nieuw Noodplan actualiseren; Ivo Ismt; 2026-12-10")
    t.clock.now = utc(2026, 12, 2, 7, 59)  # 08:59 local, eight days before: nothing yet
    assert run_job("action-follow-up", engine, t.clock(), features) == 0
    t.clock.now = utc(2026, 12, 3, 8, 0)  # 09:00 local, seven days before
    assert run_job("action-follow-up", engine, t.clock(), features) == 1
    assert run_job("action-follow-up", engine, t.clock(), features) == 0  # once
    owner_chat = bot.outbox_for(t.ismt)
    assert any("moet uiterlijk 10 dec 2026 af zijn" in text for text in owner_chat)

    t.clock.now = utc(2026, 12, 11, 8, 0)  # the day after the due date: owner and coordinator
    assert run_job("action-follow-up", engine, t.clock(), features) == 2
    assert run_job("action-follow-up", engine, t.clock(), features) == 0
    t.clock.now = utc(2026, 12, 15, 8, 0)  # within the same week: nothing new
    assert run_job("action-follow-up", engine, t.clock(), features) == 0
    t.clock.now = utc(2026, 12, 18, 8, 0)  # a week later: again
    assert run_job("action-follow-up", engine, t.clock(), features) == 2
    assert any(
        "staat nog open (eigenaar: Ivo Ismt)" in text for text in bot.outbox_for(t.coordinator)
    )
    bot.say(t.ismt, "/actie A1 klaar")
    t.clock.now = utc(2026, 12, 25, 8, 0)
    assert run_job("action-follow-up", engine, t.clock(), features) == 0  # done: no more


def test_unreachable_owner_goes_to_the_coordinators(engine, features) -> None:  # type: ignore[no-untyped-def]
    from storage.enums import Role

    t = town(engine, features)
    t.bot.person(
        Role.IT, org_id=t.org, name="Stille Sjaak", platform="matrix"
    )  # no direct room yet
    t.bot.say(t.coordinator, "/actie nieuw Logging aanzetten; Stille Sjaak; 2026-12-10")
    t.clock.now = utc(2026, 12, 3, 8, 0)
    assert run_job("action-follow-up", engine, t.clock(), features) == 1
    texts = t.bot.outbox_for(t.coordinator)
    assert any("Logging aanzetten" in x and "nog geen privéchat" in x for x in texts)


def test_reminders_are_in_the_owners_language(engine, features) -> None:  # type: ignore[no-untyped-def]
    from storage.enums import Role

    t = town(engine, features)
    english = t.bot.person(Role.IT, org_id=t.org, name="Edward IT", language="en")
    t.bot.say(english, "/help")
    t.bot.say(t.coordinator, "/actie nieuw Patch the VPN; Edward IT; 2026-12-10")
    t.clock.now = utc(2026, 12, 3, 8, 0)
    assert run_job("action-follow-up", engine, t.clock(), features) == 1
    (reminder,) = [x for x in t.bot.outbox_for(english) if "A1" in x]
    assert "Action point A1 “Patch the VPN” is due on 10 Dec 2026." in reminder
