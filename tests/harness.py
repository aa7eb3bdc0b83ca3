"""A small test harness: talk to the real pipeline on a real database and read what it queued."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.pipeline import HandleResult, Pipeline
from handlers.messages import Inbound
from handlers.people.invites import make_invite
from handlers.reply import Reply, to_plain_text
from handlers.settings import FeatureSettings
from storage import organisations, people
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import OutboxMessage


@dataclass
class Said:
    result: HandleResult
    replies: list[Reply]

    @property
    def texts(self) -> list[str]:
        return [to_plain_text(r.text) for r in self.replies]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(c.value, c.label) for r in self.replies for c in r.choices]


class Harness:
    def __init__(self, engine: Engine, features: FeatureSettings, clock) -> None:  # type: ignore[no-untyped-def]
        self.engine, self.features, self.clock = engine, features, clock
        self.pipeline = Pipeline(engine, features, clock=clock)

    def org(self, slug: str = "demo", country: str = "nl") -> int:
        with unit_of_work(self.engine) as session:
            found = organisations.organisation_by_slug(session=session, slug=slug)
            if found:
                return found.id  # type: ignore[return-value]
            org = organisations.create_organisation(
                session=session,
                slug=slug,
                name=f"Gemeente {slug.title()}",
                country=country,
                timezone="Europe/Amsterdam",
                now=self.clock(),
            )
            return org.id  # type: ignore[return-value]

    def person(
        self,
        role: Role,
        *,
        org_id: int,
        name: str | None = None,
        platform: str = "telegram",
        language: str = "nl",
    ) -> str:
        """Create an enrolled person; returns their sender id on ``platform``."""
        sender = f"u-{uuid.uuid4().hex[:8]}"
        with unit_of_work(self.engine) as session:
            person = people.create_person(
                session=session,
                organisation_id=org_id,
                name=name or f"Test {role.value}",
                role=role.value,
                language=language,
                now=self.clock(),
            )
            people.link_identity(
                session=session,
                person=person,
                platform=platform,
                external_id=sender,
                now=self.clock(),
            )
        return sender

    def invite(self, org_id: int, role: Role, *, uses: int = 1, days: int = 7) -> str:
        with unit_of_work(self.engine) as session:
            made = make_invite(
                session=session,
                organisation_id=org_id,
                role=role,
                uses=uses,
                valid_for=timedelta(days=days),
                now=self.clock(),
                actor="test",
            )
            return made.code

    def say(
        self,
        sender: str,
        text: str = "",
        *,
        choice: str | None = None,
        group: str | None = None,
        event_id: str | None = None,
        platform: str = "telegram",
        name: str = "Tess Tester",
        language: str | None = None,
    ) -> Said:
        event = Inbound(
            platform=platform,
            chat_id=group or sender,
            sender_id=sender,
            event_id=event_id or uuid.uuid4().hex,
            received_at=self.clock(),
            text=text,
            choice=choice,
            chat_is_group=group is not None,
            sender_name=name,
            sender_language=language,
        )
        result = self.pipeline.handle_sync(event)
        return Said(result, self.replies(result.outbox_ids))

    def replies(self, ids: list[int]) -> list[Reply]:
        with unit_of_work(self.engine) as session:
            rows = [session.get(OutboxMessage, i) for i in ids]
            return [Reply.from_payload(r.payload) for r in rows if r is not None]

    def outbox_for(self, chat_id: str) -> list[str]:
        with unit_of_work(self.engine) as session:
            rows = session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == chat_id)
                .order_by(OutboxMessage.id)
            ).all()
            return [to_plain_text(r.payload["text"]) for r in rows]
