"""What the Matrix transport keeps about reaching people: who has no direct room yet, and the
direct rooms that ended (everyone left). Crypto state lives in ``storage.matrix_crypto``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from storage.models import Identity, Organisation, Person

PLATFORM = "matrix"


@dataclass(frozen=True)
class Unreached:
    """An enrolled Matrix account the bot has no direct room with."""

    identity_id: int
    user_id: str
    organisation_id: int
    encrypt: bool  # the organisation asks for encrypted direct chats


def unreached_identities(*, session: Session, limit: int = 200) -> list[Unreached]:
    """Active people of active organisations whose Matrix account has no direct room yet."""
    statement = (
        select(Identity, Organisation)
        .join(Person, Person.id == Identity.person_id)
        .join(Organisation, Organisation.id == Identity.organisation_id)
        .where(Identity.platform == PLATFORM)
        .where(Identity.private_chat_id.is_(None))  # type: ignore[union-attr]
        .where(Person.active.is_(True))  # type: ignore[attr-defined]
        .where(Organisation.suspended.is_(False))  # type: ignore[attr-defined]
        .order_by(Identity.id)
        .limit(limit)
    )
    return [
        Unreached(
            identity_id=int(identity.id),  # type: ignore[arg-type]
            user_id=identity.external_id,
            organisation_id=org.id,  # type: ignore[arg-type]
            encrypt=bool((org.settings or {}).get("matrix_encrypted_direct_chats", False)),
        )
        for identity, org in session.exec(statement)
    ]


def identity_by_user(*, session: Session, user_id: str) -> Identity | None:
    return session.exec(
        select(Identity).where(Identity.platform == PLATFORM, Identity.external_id == user_id)
    ).first()


def set_direct_room(*, session: Session, user_id: str, room_id: str | None) -> bool:
    """Point this Matrix account's private chat at ``room_id`` (None: it has none). False when
    the account is not enrolled."""
    identity = identity_by_user(session=session, user_id=user_id)
    if identity is None:
        return False
    identity.private_chat_id = room_id
    session.add(identity)
    session.flush()
    return True


def forget_direct_room(*, session: Session, room_id: str) -> list[str]:
    """The room ended: every account whose private chat it was has none now. Returns their ids."""
    found = list(
        session.exec(
            select(Identity).where(
                Identity.platform == PLATFORM, Identity.private_chat_id == room_id
            )
        )
    )
    for identity in found:
        identity.private_chat_id = None
        session.add(identity)
    session.flush()
    return [identity.external_id for identity in found]
