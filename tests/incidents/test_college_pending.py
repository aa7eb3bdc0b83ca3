"""A mayor or secretary the bot cannot write to yet (imported, never enrolled, a Matrix account
without a direct room) is not silently skipped: the ISMT is told who still waits, and the notice
goes out once, marked as late, as soon as they can be reached (the ``incident-pending-alerts``
job)."""

from __future__ import annotations

from schedules.jobs import run_job
from storage import incidents as store
from storage import kv, people
from storage.db import unit_of_work
from storage.enums import Role
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, incidents, town
from tests.incidents.test_college_regime_drafts import _ransomware

JOB = "incident-pending-alerts"
MAYOR_DM = "!dm-mayor:example.org"


def _give_a_direct_room(engine, sender: str, clock) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        found = people.identity_lookup(session=session, platform="matrix", external_id=sender)
        assert found is not None
        people.note_private_chat(
            session=session, identity=found[0], chat_id=MAYOR_DM, now=clock.now
        )


def _waiting(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return kv.keys_with_prefix(session=session, prefix="college-pending:")


def test_an_unreachable_mayor_gets_the_notice_once_reachable(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    mayor = bot.person(Role.MAYOR, org_id=t.org, name="Marga Mayor", platform="matrix")
    secretary = bot.person(Role.SECRETARY, org_id=t.org, name="Sam Secretary")
    ref = _ransomware(bot, t.employee, personal_data="Nee")

    said = bot.say(t.ismt, f"/incident {ref} significant ja", group=ISMT_ROOM)
    assert "Met een kort bericht op de hoogte gebracht: Sam Secretary." in said.text
    assert (
        "Nog niet bereikbaar via de bot: Marga Mayor. Zij krijgen het bericht zodra ze bereikbaar "
        "zijn; kan het niet wachten, breng hen dan zelf op de hoogte." in said.text
    )
    assert len(bot.outbox_for(secretary)) == 1
    assert run_job(JOB, engine, clock(), features) == 0  # still no way to reach her
    assert len(_waiting(engine)) == 1

    clock.advance(hours=2)
    _give_a_direct_room(engine, mayor, clock)
    assert run_job(JOB, engine, clock(), features) == 1
    (late,) = bot.outbox_for(MAYOR_DM)
    assert "Nu verstuurd: de bot kon u niet bereiken toen dit gebeurde (23-11-2026" in late
    assert f"Het ISMT heeft incident {ref} significant verklaard (NIS2)." in late
    assert "Eva Employee" not in late  # the college view: no reporter
    assert run_job(JOB, engine, clock(), features) == 0  # once
    assert _waiting(engine) == []
    assert len(bot.outbox_for(MAYOR_DM)) == 1
    assert len(bot.outbox_for(secretary)) == 1  # the secretary is not told twice

    with unit_of_work(engine) as session:
        incident = incidents(bot)[-1]
        events = store.events_of(
            session=session, organisation_id=incident.organisation_id, incident_id=incident.id
        )
    told = [e for e in events if e.kind == "college_notified"]
    assert [e.text for e in told] == ["Sam Secretary", "Marga Mayor"]
    assert told[-1].detail == {"stage": "significant", "late": True}


def test_a_notice_for_someone_who_left_the_college_is_dropped(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    mayor = bot.person(Role.MAYOR, org_id=t.org, name="Marga Mayor", platform="matrix")
    ref = _ransomware(bot, t.employee, personal_data="Nee")
    said = bot.say(t.ismt, f"/incident {ref} significant ja", group=ISMT_ROOM)
    assert "Nog niet bereikbaar via de bot: Marga Mayor." in said.text
    with unit_of_work(engine) as session:
        found = people.identity_lookup(session=session, platform="matrix", external_id=mayor)
        assert found is not None
        found[1].role = Role.EMPLOYEE.value  # no longer mayor
        session.add(found[1])
    _give_a_direct_room(engine, mayor, clock)
    assert run_job(JOB, engine, clock(), features) == 0
    assert bot.outbox_for(MAYOR_DM) == []
    assert _waiting(engine) == []  # dropped, not retried forever


def test_a_waiting_notice_that_no_longer_holds_is_dropped(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    """Declared significant while the mayor could not be reached, then corrected to not
    significant: the mayor, reachable a week later, is not told it was declared significant."""
    bot = Harness(engine, features, clock)
    t = town(bot)
    mayor = bot.person(Role.MAYOR, org_id=t.org, name="Marga Mayor", platform="matrix")
    ref = _ransomware(bot, t.employee, personal_data="Nee")
    bot.say(t.ismt, f"/incident {ref} significant ja", group=ISMT_ROOM)
    bot.say(t.ismt, f"/incident {ref} significant nee", group=ISMT_ROOM)
    clock.advance(days=7)
    _give_a_direct_room(engine, mayor, clock)
    assert run_job(JOB, engine, clock(), features) == 0
    assert bot.outbox_for(MAYOR_DM) == []
    assert _waiting(engine) == []
