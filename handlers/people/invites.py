"""Invite codes: made by the coordinator or the operator, spent by /start CODE.

An invite may be *bound* to a person who is already known (imported from a CSV, added by the
operator): enrolling with it links the chat account to that person instead of creating a second
one, so their training history, department and role stay theirs. The binding is kept beside the
invite in the key-value table (``invite-person:<invite id>``), so no schema change was needed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers.i18n import N_
from storage import audit, invites, kv
from storage.enums import Role
from storage.models import Invite

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31^10 ~ 8e14 codes: guessing one is hopeless


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def make_invite(
    *,
    session: Session,
    organisation_id: int,
    role: Role,
    uses: int,
    valid_for: timedelta,
    now: datetime,
    actor: str,
    created_by_person_id: int | None = None,
    for_person_id: int | None = None,
) -> Invite:
    """A new code; ``for_person_id`` binds it to that (already known) person: one use."""
    if valid_for <= timedelta(0):
        raise ValueError("an invite must be valid for some time")
    if for_person_id is not None:
        uses = 1
    invite = invites.create_invite(
        session=session,
        organisation_id=organisation_id,
        code=new_code(),
        role=role.value,
        uses=uses,
        expires_at=now + valid_for,
        now=now,
        created_by_person_id=created_by_person_id,
    )
    audit.record_audit(
        session=session,
        organisation_id=organisation_id,
        actor=actor,
        actor_person_id=created_by_person_id,
        action="invite.created",
        now=now,
        detail={
            "role": role.value,
            "uses": uses,
            "expires_at": invite.expires_at.isoformat(),
            **({"for_person_id": for_person_id} if for_person_id is not None else {}),
        },
    )
    if for_person_id is not None:
        kv.set_value(session=session, key=_bound_key(invite), value=str(for_person_id), now=now)
    return invite


def _bound_key(invite: Invite) -> str:
    return f"invite-person:{invite.id}"


def bound_person_id(*, session: Session, invite: Invite) -> int | None:
    """The person this invite was made for, or None for an ordinary invite."""
    value = kv.get_value(session=session, key=_bound_key(invite))
    return int(value) if value and value.isdigit() else None


@dataclass(frozen=True)
class InviteProblem:
    message: str  # msgid


def check_invite(invite: Invite | None, now: datetime) -> InviteProblem | None:
    if invite is None:
        return InviteProblem(
            N_("I don't know that invite code. Check it with your NIS2 coordinator.")
        )
    if invite.expires_at <= now:
        return InviteProblem(
            N_("That invite code has expired. Ask your NIS2 coordinator for a new one.")
        )
    if invite.uses_left <= 0:
        return InviteProblem(
            N_("That invite code has been used up. Ask your NIS2 coordinator for a new one.")
        )
    return None


def deep_link(bot_username: str | None, code: str) -> str | None:
    return f"https://t.me/{bot_username}?start={code}" if bot_username else None
