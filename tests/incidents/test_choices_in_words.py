"""Choices answered naturally, in the dialog engine for every dialog (issue 13, item 6): a word or
the start of a label, yes/no in both languages, small typos (rapidfuzz); an answer that fits several
options is asked again naming them; a person's own data next to free text stays exact."""

from __future__ import annotations

import pytest

from handlers.dialog import resolve_choice
from storage.enums import Role
from tests.harness import Harness
from tests.incidents.chat_helpers import incidents, town

IMPACT = [
    ["none", "Geen gevolgen voor het werk of de dienstverlening"],
    ["partial", "Deels verstoord"],
    ["severe", "Ernstig verstoord"],
]
TRISTATE = [["yes", "Ja"], ["no", "Nee"], ["unknown", "Weet ik (nog) niet"]]
CONFIRM = [
    ["send", "Versturen"],
    ["send_anonymous", "Versturen, zonder mijn naam in de ISMT-ruimte"],
    ["fix", "Iets wijzigen"],
]


@pytest.mark.parametrize(
    ("choices", "typed", "picked"),
    [
        (IMPACT, "geen", "none"),
        (IMPACT, "deels", "partial"),
        (IMPACT, "Ernstig", "severe"),
        (IMPACT, "ernstg", "severe"),  # a typo
        (IMPACT, "2", "partial"),
        (TRISTATE, "ja", "yes"),
        (TRISTATE, "yes", "yes"),
        (TRISTATE, "neen", "no"),  # Flemish
        (TRISTATE, "nope", "no"),
        (TRISTATE, "weet niet", "unknown"),
        (CONFIRM, "verstuur", "send"),
        (CONFIRM, "zonder naam", "send_anonymous"),
        (CONFIRM, "wijzig", "fix"),
    ],
)
def test_words_pick_a_choice(choices, typed, picked) -> None:  # type: ignore[no-untyped-def]
    assert resolve_choice(choices, typed, None).value == picked


@pytest.mark.parametrize(
    ("choices", "typed"),
    [
        (IMPACT, "de"),  # a stopword is no answer
        (IMPACT, "4"),
        (IMPACT, "de mailserver ligt eruit sinds vanochtend"),  # free text, not a choice
        ([["unknown", "Weet ik niet"]], "outlook"),
    ],
)
def test_other_text_picks_nothing(choices, typed) -> None:  # type: ignore[no-untyped-def]
    match = resolve_choice(choices, typed, None)
    assert match.value is None and match.ambiguous == ()


def test_an_ambiguous_word_names_the_options() -> None:
    match = resolve_choice(IMPACT, "verstoord", None)
    assert match.value is None
    assert [v for v, _ in match.ambiguous] == ["partial", "severe"]


def test_the_intake_is_answered_in_words(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    bot.say(t.employee, "De fileserver is traag en sommige mappen zijn weg")
    said = bot.say(t.employee, "iets anders")  # the category question: "Iets anders"
    assert "Wanneer merkte je het op" in said.text
    bot.say(t.employee, "vanochtend 9:15")
    bot.say(t.employee, "fileserver")
    said = bot.say(t.employee, "verstoord")
    assert "Dat past bij meer dan één optie: 1. Deels verstoord; 2. Ernstig verstoord" in said.text
    bot.say(t.employee, "deels")
    bot.say(t.employee, "neen")
    bot.say(t.employee, "weet niet")
    bot.say(t.employee, "niets")
    said = bot.say(t.employee, "verstuur")
    assert "INC-2026-0001" in said.text
    (incident,) = incidents(bot)
    assert (incident.category, incident.impact) == ("other", "partial")
    assert (incident.personal_data, incident.ongoing) == ("no", "unknown")
    assert incident.actions_taken == "nog niets" and incident.complete


def test_a_new_name_is_never_read_as_keeping_the_old_one(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org("naam")
    person = bot.person(Role.EMPLOYEE, org_id=org, name="Eva Employee")
    bot.say(person, "/profiel")
    bot.say(person, "Eva")  # a prefix of the current name, but a new name
    bot.say(person, "1")  # department: keep or skip (the number still works)
    from storage import people
    from storage.db import unit_of_work

    with unit_of_work(engine) as session:
        (found,) = people.list_people(session=session, organisation_id=org)
    assert found.name == "Eva"


def test_a_number_typed_in_a_matrix_ismt_room_answers_the_alert(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    from storage import rooms
    from storage.db import unit_of_work
    from tests.incidents.chat_helpers import report_phishing

    bot = Harness(engine, features, clock)
    t = town(bot, ismt_room=False)
    room = "!ismt:example.org"
    with unit_of_work(engine) as session:
        rooms.link_room(
            session=session,
            organisation_id=t.org,
            purpose="ismt",
            platform="matrix",
            chat_id=room,
            now=clock.now,
        )
    member = bot.person(Role.ISMT, org_id=t.org, name="Iris Ismt", platform="matrix")
    report_phishing(bot, t.employee)
    (alert,) = bot.outbox_for(room)
    assert "kies een van de opties hieronder (het nummer typen mag ook)" in alert
    assert "knoppen" not in alert  # no buttons on Matrix
    said = bot.say(member, "1", group=room, platform="matrix")
    assert "is significant, besloten door Iris Ismt" in said.text
    assert incidents(bot)[-1].significant is True
    # The number answered the alert just above; now the latest message has no choices.
    assert bot.say(member, "2", group=room, platform="matrix").replies == []
    assert incidents(bot)[-1].significant is True


def test_a_number_typed_privately_answers_an_alert_that_came_through_the_outbox(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    from tests.incidents.chat_helpers import report_phishing

    bot = Harness(engine, features, clock)
    org = bot.org("prive")
    employee = bot.person(Role.EMPLOYEE, org_id=org, name="Eva")
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Cor", platform="matrix")
    bot.say(coordinator, "/help", platform="matrix")  # their direct room is known from now on
    report_phishing(bot, employee)
    assert "Nieuwe incidentmelding" in bot.outbox_for(coordinator)[-1]
    said = bot.say(coordinator, "1", platform="matrix")
    assert "is significant, besloten door Cor" in said.text
