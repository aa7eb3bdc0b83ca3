"""The command registry: every command declares who may run it. Deny by default.

Features declare commands with ``@command(...)`` at import time; ``handlers.registry`` imports every
feature, and the router and ``/help`` read ``COMMANDS``. Command names are Dutch (what people type
here); English aliases exist so an English speaker's guess works too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from handlers.context import Context
from handlers.reply import Reply
from storage.enums import Role

Handler = Callable[[Context, list[str]], Reply | list[Reply]]

EVERYONE: frozenset[Role] = frozenset(Role)
COORDINATOR: frozenset[Role] = frozenset({Role.COORDINATOR})
INCIDENT_TEAM: frozenset[Role] = frozenset({Role.ISMT, Role.IT, Role.COORDINATOR})
COUNCIL_AND_COLLEGE: frozenset[Role] = frozenset(
    {Role.COUNCIL_MEMBER, Role.MAYOR, Role.ALDERMAN, Role.SECRETARY}
)


@dataclass(frozen=True)
class Command:
    name: str
    roles: frozenset[Role]
    summary: str  # an English msgid, translated when shown
    handler: Handler
    usage: str = ""  # arguments, e.g. "nl|en"
    aliases: tuple[str, ...] = ()
    audited: bool = False  # privileged: every run goes to the audit log
    in_groups: bool = False  # may run in a group room (otherwise: private chat only)
    in_dialog: bool = False  # may run while a dialog is open (without interrupting it)
    hidden: bool = False  # not listed in /help (aliases, internal)

    def allows(self, role: Role | None) -> bool:
        return role is not None and role in self.roles


COMMANDS: dict[str, Command] = {}


def command(
    name: str,
    *,
    roles: Iterable[Role],
    summary: str,
    usage: str = "",
    aliases: tuple[str, ...] = (),
    audited: bool = False,
    in_groups: bool = False,
    in_dialog: bool = False,
    hidden: bool = False,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        spec = Command(
            name=name,
            roles=frozenset(roles),
            summary=summary,
            handler=handler,
            usage=usage,
            aliases=aliases,
            audited=audited,
            in_groups=in_groups,
            in_dialog=in_dialog,
            hidden=hidden,
        )
        for key in (name, *aliases):
            if key in COMMANDS:
                raise ValueError(f"command /{key} declared twice")
            COMMANDS[key] = spec
        return handler

    return register


def find_command(name: str) -> Command | None:
    return COMMANDS.get(name.lower())


def commands_for(role: Role | None) -> list[Command]:
    """The distinct commands a role may run, in name order (for /help and the command menus)."""
    unique = {spec.name: spec for spec in COMMANDS.values()}
    return sorted(
        (c for c in unique.values() if c.allows(role) and not c.hidden), key=lambda c: c.name
    )


def parse_command(text: str) -> tuple[str, list[str]] | None:
    """``/cmd@bot a b`` or ``!cmd a b`` -> ("cmd", ["a", "b"]); None when it is not a command."""
    stripped = text.strip()
    if len(stripped) < 2 or stripped[0] not in "/!" or not stripped[1].isalpha():
        return None
    head, *args = stripped[1:].split()
    name = head.split("@", 1)[0].lower()
    return name, args
