"""The role matrix: every command x every role is allowed or denied exactly as written here.

The expectation is spelled out independently of the registry, so widening a command's roles by
accident fails this test.
"""

from __future__ import annotations

import pytest

from handlers.command import COMMANDS, commands_for
from storage.enums import Role
from tests.harness import Harness

ALL = frozenset(Role)
EXPECTED: dict[str, frozenset[Role]] = {
    "help": ALL,
    "taal": ALL,
    "wie": ALL,
    "profiel": ALL,
    "start": ALL,
    "uitnodiging": frozenset({Role.COORDINATOR}),
    "mensen": frozenset({Role.COORDINATOR}),
    "koppel": ALL,  # a link code for one's other platform; linking rooms: test_link_identity.py
    "vraag": ALL,
    "vraagkeuze": ALL,
    "vraagdoor": ALL,
    "rol": ALL,
    "vragen": frozenset(
        {Role.COUNCIL_MEMBER, Role.MAYOR, Role.ALDERMAN, Role.SECRETARY, Role.COORDINATOR}
    ),
    "onbeantwoord": frozenset({Role.COORDINATOR}),
    "kennis": frozenset({Role.COORDINATOR}),
    "melden": ALL,
    "incident": ALL,  # what each role sees of an incident: tests/incidents/test_visibility.py
    "incidenten": ALL,
    "verzonden": frozenset({Role.ISMT, Role.COORDINATOR}),
    "toets": ALL,
    "leren": ALL,
    "gevolgd": ALL,
    "later": ALL,
    "mijntraining": ALL,
    "training": frozenset({Role.COORDINATOR, Role.SECRETARY, Role.MAYOR}),
    "getraind": frozenset({Role.COORDINATOR}),
    "bevestig": frozenset({Role.COORDINATOR}),
    "benoemd": frozenset({Role.COORDINATOR}),
    "rapport": frozenset(  # the council and the college fetch the published report (#16)
        {Role.COORDINATOR, Role.SECRETARY, Role.MAYOR, Role.COUNCIL_MEMBER, Role.ALDERMAN}
    ),
    "herinnering": frozenset({Role.COORDINATOR}),
    "herinneringen": frozenset({Role.COORDINATOR}),
    "audit": frozenset({Role.COORDINATOR}),
    "status": frozenset({Role.COORDINATOR}),
    # in control (#16): tests/control/
    "acties": ALL,  # everyone sees their own action points; who sees all: tests/control/
    "actie": ALL,  # closing needs owner, coordinator or secretary: tests/control/test_actions.py
    "oefening": frozenset(
        {Role.COORDINATOR, Role.ISMT, Role.IT, Role.MAYOR, Role.ALDERMAN, Role.SECRETARY}
    ),
    "bob": frozenset(
        {Role.COORDINATOR, Role.SECRETARY, Role.MAYOR, Role.ALDERMAN, Role.COUNCIL_MEMBER}
    ),
    "besluit": frozenset({Role.COORDINATOR, Role.SECRETARY}),
    "bewijs": frozenset({Role.AUDITOR, Role.COORDINATOR}),
    "jaarreview": frozenset({Role.COORDINATOR, Role.SECRETARY, Role.MAYOR}),
}


def test_every_declared_command_has_an_expectation() -> None:
    declared = {spec.name for spec in COMMANDS.values() if spec.name in EXPECTED or not spec.hidden}
    assert declared <= set(EXPECTED), f"add these to the matrix: {declared - set(EXPECTED)}"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_matrix(sqlite_engine, features, clock, role: Role) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(sqlite_engine, features, clock)
    org = bot.org()
    me = bot.person(role, org_id=org)
    listed = {spec.name for spec in commands_for(role)}
    for name, allowed_roles in EXPECTED.items():
        spec = COMMANDS[name]
        assert spec.allows(role) == (role in allowed_roles), name
        if not spec.hidden:
            assert (name in listed) == (role in allowed_roles), f"/help for {role} and /{name}"
        said = bot.say(me, f"/{name}")
        denied = "niet beschikbaar voor jouw rol" in said.text
        assert denied == (role not in allowed_roles), f"/{name} as {role}: {said.text}"
        bot.say(me, "/stop")  # leave any dialog the command opened


def test_privileged_commands_are_audited() -> None:
    for name in (
        "uitnodiging",
        "koppel",
        "onbeantwoord",
        "kennis",
        "incident",
        "verzonden",
        "getraind",
        "bevestig",
        "benoemd",
        "rapport",
        "herinnering",
        "herinneringen",
        "audit",
        "status",
        "bob",
        "besluit",
        "bewijs",
        "jaarreview",
    ):
        assert COMMANDS[name].audited
