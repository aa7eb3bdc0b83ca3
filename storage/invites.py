"""Queries on invite codes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import Invite


def create_invite(
    *,
    session: Session,
    organisation_id: int,
    code: str,
    role: str,
    uses: int,
    expires_at: datetime,
    now: datetime,
    created_by_person_id: int | None = None,
) -> Invite:
    invite = Invite(
        organisation_id=organisation_id,
        code=code,
        role=role,
        uses_left=uses,
        expires_at=expires_at,
        created_by_person_id=created_by_person_id,
        created_at=now,
    )
    session.add(invite)
    session.flush()
    return invite


def invite_by_code(*, session: Session, code: str) -> Invite | None:
    # Invite codes are global (someone not enrolled has no organisation yet); with_for_update
    # keeps two people from spending the last use at once on PostgreSQL.
    statement = select(Invite).where(Invite.code == code).with_for_update()
    return session.exec(statement).first()


def spend_invite(*, session: Session, invite: Invite) -> None:
    invite.uses_left -= 1
    session.add(invite)
    session.flush()


def list_invites(*, session: Session, organisation_id: int) -> list[Invite]:
    statement = select(Invite).where(Invite.organisation_id == organisation_id)
    return list(session.exec(statement.order_by(Invite.created_at)))
