"""The demo municipality for the terminal chat: created on first use, with rooms to watch."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.people.roles import role_label
from storage import audit, organisations, people, rooms
from storage.enums import Country, Platform, Role, RoomPurpose
from storage.models import Organisation, Person

DEMO_SLUG = "demo"
DEMO_NAME = "Gemeente Demo"
#: The terminal's stand-ins for the group rooms: what the bot sends there is shown with this name.
DEMO_ROOMS = {RoomPurpose.COUNCIL: "#raad", RoomPurpose.ISMT: "#ismt"}


def ensure_demo_organisation(*, session: Session, now: datetime) -> Organisation:
    org = organisations.organisation_by_slug(session=session, slug=DEMO_SLUG)
    if org is None:
        org = organisations.create_organisation(
            session=session,
            slug=DEMO_SLUG,
            name=DEMO_NAME,
            country=Country.NL.value,
            timezone="Europe/Amsterdam",
            now=now,
        )
        audit.record_audit(
            session=session,
            organisation_id=org.id,
            actor="operator",
            action="organisation.created",
            now=now,
            detail={"slug": DEMO_SLUG, "demo": True},
        )
    for purpose, chat_id in DEMO_ROOMS.items():
        rooms.link_room(
            session=session,
            organisation_id=org.id,
            purpose=purpose.value,
            platform=Platform.CONSOLE.value,
            chat_id=chat_id,
            now=now,
        )
    return org


def default_name(role: Role) -> str:
    return f"Demo {role_label(role, 'nl')}"


def console_external_id(org_slug: str, name: str) -> str:
    return f"{org_slug}:{name.strip().casefold()}"


def ensure_console_person(
    *, session: Session, org: Organisation, name: str, role: Role, language: str, now: datetime
) -> tuple[Person, bool]:
    """The person behind a terminal name: the same name is the same person next time."""
    external_id = console_external_id(org.slug, name)
    found = people.identity_lookup(
        session=session, platform=Platform.CONSOLE.value, external_id=external_id
    )
    if found is not None:
        return found[1], False
    person = people.create_person(
        session=session,
        organisation_id=org.id,
        name=name.strip(),
        role=role.value,
        language=language,
        now=now,
    )
    people.link_identity(
        session=session,
        person=person,
        platform=Platform.CONSOLE.value,
        external_id=external_id,
        now=now,
    )
    audit.record_audit(
        session=session,
        organisation_id=org.id,
        actor="operator",
        action="person.created",
        now=now,
        detail={"person_id": person.id, "role": role.value, "via": "terminal chat"},
    )
    return person, True
