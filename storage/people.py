"""Queries on people and their platform identities. Every query is bound to one organisation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import bindparam, func, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as core_select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlmodel import Session, select

from storage.dialogs import COLUMNS as DIALOG_COLUMNS
from storage.dialogs import OpenDialog
from storage.models import DialogState, Identity, Organisation, Person


def create_person(
    *,
    session: Session,
    organisation_id: int,
    name: str,
    role: str,
    now: datetime,
    department: str | None = None,
    language: str = "nl",
    email: str | None = None,
    appointed_at: datetime | None = None,
) -> Person:
    person = Person(
        organisation_id=organisation_id,
        name=name,
        role=role,
        department=department,
        language=language,
        email=email,
        appointed_at=appointed_at,
        created_at=now,
    )
    session.add(person)
    session.flush()
    return person


def person_by_id(*, session: Session, organisation_id: int, person_id: int) -> Person | None:
    person = session.get(Person, person_id)
    return person if person and person.organisation_id == organisation_id else None


def people_by_name(*, session: Session, organisation_id: int, name: str) -> list[Person]:
    """Active people whose name matches case-insensitively (names are not unique)."""
    statement = select(Person).where(
        Person.organisation_id == organisation_id,
        Person.active,
        func.lower(Person.name) == name.strip().lower(),
    )
    return list(session.exec(statement))


def people_by_email(*, session: Session, organisation_id: int, email: str) -> list[Person]:
    """People of the organisation (active or not) with this e-mail address, case-insensitively."""
    statement = select(Person).where(
        Person.organisation_id == organisation_id,
        func.lower(Person.email) == email.strip().lower(),
    )
    return list(session.exec(statement.order_by(Person.id)))


def list_people(
    *, session: Session, organisation_id: int, role: str | None = None, active_only: bool = True
) -> list[Person]:
    statement = select(Person).where(Person.organisation_id == organisation_id)
    if role:
        statement = statement.where(Person.role == role)
    if active_only:
        statement = statement.where(Person.active)
    return list(session.exec(statement.order_by(Person.name, Person.id)))


def identity_lookup(
    *, session: Session, platform: str, external_id: str
) -> tuple[Identity, Person, Organisation] | None:
    """Who is this? The identity, its person and their organisation, or None when not enrolled."""
    row = session.execute(
        _IDENTITY_LOOKUP, {"platform": platform, "external_id": external_id}
    ).first()
    return (row[0], row[1], row[2]) if row else None


# Built once (this runs on every inbound event): only the parameters change.
_IDENTITY_LOOKUP = (
    select(Identity, Person, Organisation)
    .join(Person, Person.id == Identity.person_id)  # type: ignore[arg-type]
    .join(Organisation, Organisation.id == Identity.organisation_id)  # type: ignore[arg-type]
    .where(
        Identity.platform == bindparam("platform"),
        Identity.external_id == bindparam("external_id"),
    )
)


class Sender(NamedTuple):
    """Who sent an inbound event, read in one statement on every event (the pipeline's hot path):
    the account's columns the router needs, the person and organisation (ORM objects, which
    features change and save), and the person's open dialog, if any."""

    identity_id: int
    private_chat_id: str | None
    last_seen_at: datetime | None
    person: Person
    organisation: Organisation
    dialog: OpenDialog | None


def sender_lookup(*, session: Session, platform: str, external_id: str) -> Sender | None:
    """``identity_lookup`` and ``dialogs.open_dialog`` together, in one round trip.

    The row is read with Core and the person and organisation made into ORM objects as a query
    would have loaded them (``_as_loaded``): the ORM's loading machinery was a quarter of a step."""
    session.flush()  # as the ORM's autoflush before a query
    row = session.connection().execute(_SENDER, {"platform": platform, "external_id": external_id})
    found = row.first()
    if found is None:
        return None
    person = _as_loaded(session, Person, _PERSON_COLUMNS, found[3:_ORGANISATION_AT])
    organisation = _as_loaded(
        session, Organisation, _ORGANISATION_COLUMNS, found[_ORGANISATION_AT:_DIALOG_AT]
    )
    dialog = None
    if found[_DIALOG_AT] is not None:  # the dialog's id: the outer join found one
        dialog = OpenDialog(**dict(zip(DIALOG_COLUMNS, found[_DIALOG_AT:], strict=True)))
    return Sender(found[0], found[1], found[2], person, organisation, dialog)


_M = TypeVar("_M", Person, Organisation)


def _as_loaded(session: Session, model: type[_M], names: tuple[str, ...], values: Any) -> _M:
    """The ORM object of a row read with Core, as a query would have loaded it: persistent in the
    session, nothing changed (so ``session.add`` after a change saves it as usual). The object the
    session already holds for that row, if any, as a query would return it."""
    mapper = sa_inspect(model)
    column_values = dict(zip(names, values, strict=True))
    existing = session.identity_map.get(mapper.identity_key_from_primary_key([column_values["id"]]))
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    loaded = mapper.class_manager.new_instance()
    instance_state(loaded).dict.update(column_values)
    make_transient_to_detached(loaded)  # the primary key becomes its identity; no history
    session.add(loaded)
    return loaded  # type: ignore[no-any-return]


_IDENTITY_TABLE = Identity.__table__  # type: ignore[attr-defined]
_PERSON_TABLE = Person.__table__  # type: ignore[attr-defined]
_ORGANISATION_TABLE = Organisation.__table__  # type: ignore[attr-defined]
_DIALOG = DialogState.__table__  # type: ignore[attr-defined]
_PERSON_COLUMNS = tuple(column.name for column in _PERSON_TABLE.columns)
_ORGANISATION_COLUMNS = tuple(column.name for column in _ORGANISATION_TABLE.columns)
_ORGANISATION_AT = 3 + len(_PERSON_COLUMNS)
_DIALOG_AT = _ORGANISATION_AT + len(_ORGANISATION_COLUMNS)
_SENDER = (
    core_select(
        _IDENTITY_TABLE.c.id,
        _IDENTITY_TABLE.c.private_chat_id,
        _IDENTITY_TABLE.c.last_seen_at,
        *_PERSON_TABLE.columns,
        *_ORGANISATION_TABLE.columns,
        *(_DIALOG.c[name] for name in DIALOG_COLUMNS),
    )
    .select_from(
        _IDENTITY_TABLE.join(_PERSON_TABLE, _PERSON_TABLE.c.id == _IDENTITY_TABLE.c.person_id)
        .join(
            _ORGANISATION_TABLE,
            _ORGANISATION_TABLE.c.id == _IDENTITY_TABLE.c.organisation_id,
        )
        .outerjoin(
            _DIALOG,
            (_DIALOG.c.organisation_id == _IDENTITY_TABLE.c.organisation_id)
            & (_DIALOG.c.person_id == _IDENTITY_TABLE.c.person_id),
        )
    )
    .where(
        _IDENTITY_TABLE.c.platform == bindparam("platform"),
        _IDENTITY_TABLE.c.external_id == bindparam("external_id"),
    )
)


def link_identity(
    *,
    session: Session,
    person: Person,
    platform: str,
    external_id: str,
    now: datetime,
    private_chat_id: str | None = None,
) -> Identity:
    identity = Identity(
        organisation_id=person.organisation_id,
        person_id=person.id,
        platform=platform,
        external_id=external_id,
        created_at=now,
        private_chat_id=private_chat_id,
        last_seen_at=now if private_chat_id else None,
    )
    session.add(identity)
    session.flush()
    return identity


def identities_of(*, session: Session, organisation_id: int, person_id: int) -> list[Identity]:
    statement = select(Identity).where(
        Identity.organisation_id == organisation_id, Identity.person_id == person_id
    )
    return list(session.exec(statement.order_by(Identity.id)))


SEEN_GRANULARITY = timedelta(minutes=10)  # don't write the identity row on every message


def note_private_chat(
    *, session: Session, identity: Identity | Sender, chat_id: str, now: datetime
) -> None:
    """Remember where this account talks to the bot privately, and that it was just used."""
    stale = identity.last_seen_at is None or now - identity.last_seen_at >= SEEN_GRANULARITY
    if identity.private_chat_id == chat_id and not stale:
        return
    if isinstance(identity, Sender):
        session.flush()
        values = {
            "private_chat_id": chat_id,
            "last_seen_at": now,
            "identity_id": identity.identity_id,
        }
        session.connection().execute(_NOTE_CHAT, values)
        return
    identity.private_chat_id, identity.last_seen_at = chat_id, now
    session.add(identity)
    session.flush()


_IDENTITY = Identity.__table__  # type: ignore[attr-defined]
_NOTE_CHAT = update(_IDENTITY).where(_IDENTITY.c.id == bindparam("identity_id"))


def _ranked_chats(identities: list[Identity]) -> list[tuple[str, str]]:
    """(platform, chat id) of the reachable identities, freshest account first.

    Telegram's private chat id is the user id, so a Telegram account is reachable even before its
    first private message; a Matrix account only once it has a direct room with the bot.
    """
    found = []
    for identity in identities:
        chat = identity.private_chat_id
        if chat is None and identity.platform in ("telegram", "console"):
            chat = identity.external_id
        if chat is not None:
            found.append((identity.last_seen_at, identity.id, identity.platform, chat))
    found.sort(key=lambda row: (row[0] is not None, row[0] or datetime.min, row[1]), reverse=True)
    return [(platform, chat) for _seen, _id, platform, chat in found]


def private_chats_of(
    *, session: Session, organisation_id: int, person_id: int
) -> list[tuple[str, str]]:
    """(platform, chat id) where a private message reaches this person, freshest account first."""
    return _ranked_chats(
        identities_of(session=session, organisation_id=organisation_id, person_id=person_id)
    )


def private_chat_map(*, session: Session, organisation_id: int) -> dict[int, tuple[str, str]]:
    """person id -> the (platform, chat id) ``private_chats_of`` would pick first, for everyone
    of the organisation in one query (fan-outs to thousands of people)."""
    by_person: dict[int, list[Identity]] = {}
    for identity in session.exec(
        select(Identity).where(Identity.organisation_id == organisation_id)
    ):
        by_person.setdefault(identity.person_id, []).append(identity)
    chats = {}
    for person_id, identities in by_person.items():
        ranked = _ranked_chats(identities)
        if ranked:
            chats[person_id] = ranked[0]
    return chats


def person_by_private_chat(
    *, session: Session, platform: str, chat_id: str
) -> tuple[Person, Organisation] | None:
    """Whose private chat is this? (For reports about a message that could not be delivered.)"""
    statement = (
        select(Person, Organisation)
        .join(Identity, Identity.person_id == Person.id)
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(Identity.platform == platform)
        .where((Identity.private_chat_id == chat_id) | (Identity.external_id == chat_id))
        .order_by(Identity.id)
    )
    row = session.exec(statement).first()
    return (row[0], row[1]) if row else None
