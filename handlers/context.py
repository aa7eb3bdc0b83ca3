"""What a command, a dialog step or a job gets: the unit of work, who is asking, and how to send.

Everything a feature writes goes through ``ctx.session`` (committed by the caller) and every message
other than the direct answer goes through ``ctx.send`` into the outbox, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from handlers.i18n import normalise_language, t
from handlers.messages import Inbound
from handlers.reply import Reply
from handlers.settings import FeatureSettings
from storage import audit, outbox, people, rooms
from storage.enums import OutboxPriority, Role
from storage.models import Organisation, Person

UNKNOWN: Any = object()


@dataclass
class Context:
    session: Session
    now: datetime
    settings: FeatureSettings
    organisation: Organisation | None = None
    person: Person | None = None
    event: Inbound | None = None
    language_hint: str | None = None
    _sent: int = field(default=0, init=False)
    #: The person's open dialog as this event last saw it (a row, or None for none), kept by the
    #: router and the dialog engine, which alone open and close dialogs in an event; UNKNOWN
    #: until one of them looked. Saves reading it again on every step.
    dialog: Any = field(default=UNKNOWN, init=False, repr=False)

    @property
    def language(self) -> str:
        if self.person is not None:
            return normalise_language(self.person.language)
        return normalise_language(self.language_hint)

    @property
    def role(self) -> Role | None:
        return Role(self.person.role) if self.person else None

    @property
    def org(self) -> Organisation:
        if self.organisation is None:
            raise RuntimeError("this action needs an organisation")
        return self.organisation

    @property
    def country(self) -> str | None:
        """The organisation's country (nl, be), for words that differ: schepen, not wethouder."""
        return self.organisation.country if self.organisation else None

    @property
    def me(self) -> Person:
        if self.person is None:
            raise RuntimeError("this action needs an enrolled person")
        return self.person

    def t(self, message: str, /, **params: object) -> str:
        return t(self.language, message, **params)

    def send(
        self,
        *,
        platform: str,
        chat_id: str,
        reply: Reply,
        key: str,
        priority: OutboxPriority = OutboxPriority.URGENT,
    ) -> int | None:
        """Queue ``reply`` for one chat. ``key`` makes it idempotent: the same key is sent once.

        ``priority``: a reminder or a bulk message (nudge, digest, summary) says so, and then
        waits for the replies and alerts of the moment instead of holding them up."""
        return outbox.enqueue(
            session=self.session,
            platform=platform,
            chat_id=chat_id,
            payload=reply.to_payload(),
            idempotency_key=key,
            now=self.now,
            organisation_id=self.organisation.id if self.organisation else None,
            attachments=[(a.kind, a.filename, a.content_type, a.data) for a in reply.attachments],
            priority=priority,
        )

    def send_to_person(
        self,
        person_id: int,
        reply: Reply,
        key: str,
        priority: OutboxPriority = OutboxPriority.URGENT,
    ) -> bool:
        """Queue ``reply`` privately for one person of this organisation, on the account they used
        last. True when it is (or, under the same ``key``, already was) on its way; False when the
        person has no private chat with the bot yet: the caller picks a fallback, nothing is
        silently dropped."""
        chats = people.private_chats_of(
            session=self.session, organisation_id=self.org.id, person_id=person_id
        )
        if not chats:
            return False
        platform, chat_id = chats[0]
        self.send(
            platform=platform,
            chat_id=chat_id,
            reply=reply,
            key=f"{key}:person:{person_id}",
            priority=priority,
        )
        return True

    def send_to_rooms(
        self,
        purpose: str,
        reply: Reply,
        key: str,
        priority: OutboxPriority = OutboxPriority.URGENT,
    ) -> int:
        """Queue ``reply`` for every room of this organisation with ``purpose``; returns how many."""
        count = 0
        for room in rooms.rooms_for(
            session=self.session, organisation_id=self.org.id, purpose=purpose
        ):
            if self.send(
                platform=room.platform,
                chat_id=room.chat_id,
                reply=reply,
                key=f"{key}:room:{room.id}",
                priority=priority,
            ):
                count += 1
        return count

    def audit(self, action: str, **detail: Any) -> None:
        actor = f"person:{self.person.id}" if self.person else "system"
        audit.record_audit(
            session=self.session,
            organisation_id=self.organisation.id if self.organisation else None,
            actor=actor,
            actor_person_id=self.person.id if self.person else None,
            action=action,
            now=self.now,
            detail=detail,
        )
