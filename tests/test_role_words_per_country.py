"""A Flemish organisation's people read Flemish role words everywhere a role is named (#12 item 5):
a schepen and an algemeen directeur, never a wethouder or a gemeentesecretaris."""

from __future__ import annotations

from handlers.people.roles import role_label
from storage.enums import Role
from tests.harness import Harness


def test_role_labels_follow_the_country() -> None:
    assert role_label(Role.ALDERMAN, "nl", "nl") == "wethouder"
    assert role_label(Role.ALDERMAN, "nl", "be") == "schepen"
    assert role_label(Role.SECRETARY, "nl", "be") == "algemeen directeur"
    assert role_label(Role.SECRETARY, "nl") == "gemeentesecretaris"
    assert role_label(Role.ALDERMAN, "en", "be") == "alderman (schepen)"
    assert role_label(Role.MAYOR, "nl", "be") == "burgemeester"


def test_a_flemish_schepen_is_called_schepen_in_the_chat(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    schepen = bot.person(Role.ALDERMAN, org_id=bot.org("gent", country="be"), name="Sam Schepen")
    for command in ("/wie", "/help"):
        said = bot.say(schepen, command).text.lower()
        assert "schepen" in said and "wethouder" not in said, (command, said)
    wethouder = bot.person(Role.ALDERMAN, org_id=bot.org("utrecht"), name="Wim Wethouder")
    said = bot.say(wethouder, "/wie").text.lower()
    assert "wethouder" in said and "schepen" not in said
