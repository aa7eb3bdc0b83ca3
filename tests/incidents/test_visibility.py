"""Who sees what of incidents, for every role (see handlers/incidents/visibility.py)."""

from __future__ import annotations

import pytest

from storage.enums import Role
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, report_phishing, town

FULL = {Role.ISMT, Role.IT, Role.COORDINATOR}
COUNTS = {Role.COUNCIL_MEMBER, Role.MAYOR, Role.ALDERMAN, Role.SECRETARY, Role.AUDITOR}
DESCRIPTION = "Ik heb op een link geklikt in een mail over een pakketje"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_what_each_role_sees(engine, features, clock, role: Role) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    viewer = bot.person(role, org_id=t.org, name="Vera Viewer")
    listing = bot.say(viewer, "/incidenten").text
    detail = bot.say(viewer, "/incident INC-2026-0001").text
    if role in FULL:
        assert "INC-2026-0001" in listing and "Vroegtijdige waarschuwing" in listing
        assert DESCRIPTION in detail and "Eva Employee" in detail and "Tijdlijn" in detail
    elif role in COUNTS:
        assert "alleen aantallen" in listing and "INC-2026-0001" not in listing
        assert "Nieuw: 1" in listing
        assert "geen incident INC-2026-0001 dat je mag zien" in detail
    else:  # an employee who did not report it
        assert role == Role.EMPLOYEE
        assert "INC-2026-0001" not in listing
        assert "geen incident INC-2026-0001 dat je mag zien" in detail
    # Changing it is for the team only, whatever the role can see.
    said = bot.say(viewer, "/incident INC-2026-0001 notitie gezien").text
    if role in FULL:
        assert "Notitie toegevoegd" in said
    else:
        assert "Notitie toegevoegd" not in said


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_a_reporter_of_any_role_sees_own_report_and_its_status_only(
    engine, features, clock, role: Role
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    me = bot.person(role, org_id=t.org, name="Rita Reporter")
    report_phishing(bot, me)
    report_phishing(bot, t.employee)  # someone else's: INC-2026-0002
    listing = bot.say(me, "/incidenten").text
    assert "INC-2026-0001" in listing
    detail = bot.say(me, "/incident INC-2026-0001").text
    assert "Status: Nieuw" in detail
    if role not in FULL:
        assert "INC-2026-0002" not in listing
        assert DESCRIPTION not in detail  # the reporter's view: reference, category, status
        assert "dat je mag zien" in bot.say(me, "/incident INC-2026-0002").text


def test_anonymous_reporter_is_hidden_from_ismt_and_it_but_not_the_coordinator(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    it = bot.person(Role.IT, org_id=t.org)
    report_phishing(bot, t.employee, anonymous=True)
    for viewer in (t.ismt, it):
        text = bot.say(viewer, "/incident INC-2026-0001").text
        assert "Eva Employee" not in text and "Gemeld door: anoniem" in text
    assert (
        "Eva Employee"
        not in bot.say(t.coordinator, "/incident INC-2026-0001", group=ISMT_ROOM).text
    )
    assert "Eva Employee" in bot.say(t.coordinator, "/incident INC-2026-0001").text


def test_incidents_are_not_shown_in_other_groups(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    said = bot.say(t.ismt, "/incident INC-2026-0001", group="council-room")
    assert "alleen in de ISMT-ruimte" in said.text and DESCRIPTION not in said.text
    said = bot.say(t.ismt, "/incident INC-2026-0001", group=ISMT_ROOM)
    assert DESCRIPTION in said.text


def test_other_organisations_incidents_are_invisible(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    report_phishing(bot, t.employee)
    other = bot.org("elders")
    outsider = bot.person(Role.ISMT, org_id=other)
    assert "dat je mag zien" in bot.say(outsider, "/incident INC-2026-0001").text
    assert "INC-2026-0001" not in bot.say(outsider, "/incidenten").text


def test_only_ismt_and_coordinator_decide_and_record_reports(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    it = bot.person(Role.IT, org_id=t.org)
    report_phishing(bot, t.employee)
    assert (
        "mag je dit incident bekijken, maar niet wijzigen"
        in bot.say(it, "/incident INC-2026-0001 significant ja").text
    )
    assert "niet beschikbaar voor jouw rol" in bot.say(it, "/verzonden INC-2026-0001 melding").text
    assert (
        "Status van INC-2026-0001" in bot.say(it, "/incident INC-2026-0001 status behandeling").text
    )
    assert "behandelt INC-2026-0001" in bot.say(it, "/incident INC-2026-0001 behandelaar ik").text
    assert "besloten door" in bot.say(t.coordinator, "/incident INC-2026-0001 significant ja").text
