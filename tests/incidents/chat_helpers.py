"""Helpers for the incident chat tests (imported, not collected)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from storage import rooms
from storage.db import unit_of_work
from storage.enums import Role, RoomPurpose
from storage.incident_models import Incident, IncidentDeadline
from tests.harness import Harness, Said

ISMT_ROOM = "ismt-room"

PHISHING_ANSWERS = [
    "Ik heb op een link geklikt in een mail over een pakketje",
    "vanochtend 9:15",
    "E-mail",
    "1",  # impact: none (a number picks a choice)
    "Nee",
    "Nee",
    "Wachtwoord gewijzigd",
]


@dataclass
class Town:
    bot: Harness
    org: int
    employee: str
    ismt: str
    coordinator: str


def town(bot: Harness, *, slug: str = "demo", country: str = "nl", ismt_room: bool = True) -> Town:
    org = bot.org(slug, country=country)
    if ismt_room:
        link_ismt_room(bot, org)
    return Town(
        bot,
        org,
        employee=bot.person(Role.EMPLOYEE, org_id=org, name="Eva Employee"),
        ismt=bot.person(Role.ISMT, org_id=org, name="Isa Ismt"),
        coordinator=bot.person(Role.COORDINATOR, org_id=org, name="Cor Coordinator"),
    )


def link_ismt_room(bot: Harness, org: int, chat_id: str = ISMT_ROOM) -> None:
    with unit_of_work(bot.engine) as session:
        rooms.link_room(
            session=session,
            organisation_id=org,
            purpose=RoomPurpose.ISMT.value,
            platform="telegram",
            chat_id=chat_id,
            now=bot.clock(),
        )


def report_phishing(bot: Harness, sender: str, *, anonymous: bool = False) -> list[Said]:
    said = [bot.say(sender, "/melden")]
    for answer in PHISHING_ANSWERS:
        said.append(bot.say(sender, answer))
    said.append(bot.say(sender, choice="send_anonymous" if anonymous else "send"))
    return said


def incidents(bot: Harness) -> list[Incident]:
    with unit_of_work(bot.engine) as session:
        return list(session.exec(select(Incident).order_by(Incident.id)))


def deadlines(bot: Harness, incident_id: int) -> dict[str, IncidentDeadline]:
    with unit_of_work(bot.engine) as session:
        rows = session.exec(
            select(IncidentDeadline).where(IncidentDeadline.incident_id == incident_id)
        )
        return {row.kind: row for row in rows}
