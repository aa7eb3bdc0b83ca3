"""Small Matrix items of issue 14 that need no homeserver: the operator's invite line names the
Matrix form of the command, and ``!taal en`` works during the onboarding questions."""

from __future__ import annotations

import pytest

from storage.enums import Role
from tests.harness import Harness


@pytest.fixture
def bot(engine, features, clock) -> Harness:  # type: ignore[no-untyped-def]
    return Harness(engine, features, clock)


def test_invite_create_tells_matrix_people_to_type_bang_start(cli) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "demo", "--name", "Gemeente Demo", "--country", "nl")
    output = cli("invite", "create", "--org", "demo", "--role", "employee").output
    code = output.splitlines()[0].strip()
    assert f"/start {code}" in output and "Telegram" in output
    assert f"!start {code}" in output and "Matrix" in output


def test_taal_en_during_the_onboarding_questions_switches_and_resumes(bot: Harness) -> None:
    org = bot.org()
    code = bot.invite(org, Role.EMPLOYEE)
    first = bot.say("@anna:gemeente.nl", f"!start {code}", platform="matrix", name="Anna")
    assert "Wat is je naam?" in first.text
    switched = bot.say("@anna:gemeente.nl", "!taal en", platform="matrix")
    # The switch is confirmed in English, and the open question comes again, in English.
    assert "From now on I write to you in English." in switched.text
    assert "What is your name?" in switched.text
    assert "Wat is je naam?" not in switched.text
    # The dialog goes on where it was: the next answer is the name.
    assert "department" in bot.say("@anna:gemeente.nl", "Anna de Vries", platform="matrix").text
