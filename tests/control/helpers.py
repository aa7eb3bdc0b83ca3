"""Shared set-up for the control tests: a municipality with its people and rooms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import func, select

from storage import rooms
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import AuditLog
from tests.conftest import Clock
from tests.harness import Harness


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class Town:
    bot: Harness
    clock: Clock
    org: int
    coordinator: str
    ismt: str
    mayor: str
    secretary: str
    council: str
    auditor: str
    employee: str


def town(
    engine, features, *, country: str = "nl", slug: str = "demo", rooms_linked: bool = True
) -> Town:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 11, 23, 8, 0))  # Monday 09:00 in Amsterdam
    bot = Harness(engine, features, clock)
    org = bot.org(slug, country=country)
    made = Town(
        bot,
        clock,
        org,
        coordinator=bot.person(Role.COORDINATOR, org_id=org, name="Carla Coördinator"),
        ismt=bot.person(Role.ISMT, org_id=org, name="Ivo Ismt"),
        mayor=bot.person(Role.MAYOR, org_id=org, name="Bea Burgemeester"),
        secretary=bot.person(Role.SECRETARY, org_id=org, name="Sam Secretaris"),
        council=bot.person(Role.COUNCIL_MEMBER, org_id=org, name="Rik Raadslid"),
        auditor=bot.person(Role.AUDITOR, org_id=org, name="Ada Auditor"),
        employee=bot.person(Role.EMPLOYEE, org_id=org, name="Eva Employee"),
    )
    # Everyone has talked to the bot once, so private messages reach them.
    for sender in (
        made.coordinator,
        made.ismt,
        made.mayor,
        made.secretary,
        made.council,
        made.auditor,
        made.employee,
    ):
        bot.say(sender, "/help")
    if rooms_linked:
        with unit_of_work(engine) as session:
            for purpose, chat in (("ismt", f"g-ismt-{slug}"), ("college", f"g-college-{slug}")):
                rooms.link_room(
                    session=session,
                    organisation_id=org,
                    purpose=purpose,
                    platform="telegram",
                    chat_id=chat,
                    now=clock(),
                )
    return made


def audit_actions(engine, org: int) -> list[str]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(AuditLog).where(AuditLog.organisation_id == org).order_by(AuditLog.id)
        ).all()
        return [r.action for r in rows]


def count_rows(engine, table) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()
