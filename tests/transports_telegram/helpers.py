"""Running the real Telegram transport against the Bot API fake, inside one test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.app import Runtime, build_runtime
from bot.config import Settings
from bot.messages import Inbound
from bot.pipeline import HandleResult
from bot.transports.telegram import TelegramTransport
from handlers.people.invites import make_invite
from storage import organisations, outbox, people
from storage.clock import utc_now
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import InboxEvent, OutboxMessage
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_model import SimUser


def settings_for(
    tg: FakeTelegramAPI, tmp_dir: str = "/tmp/nis2bot-telegram-tests", **extra
) -> Settings:  # type: ignore[no-untyped-def]
    values = {
        "data_dir": tmp_dir,
        "telegram_token": tg.token,
        "telegram_api_url": tg.base_url,
        "telegram_poll_timeout": 5,
        "telegram_request_timeout": 2.0,
    }
    values.update(extra)
    return Settings(**values)


@dataclass
class Bot:
    """One running bot process (transport + outbox worker) inside the test's loop."""

    tg: FakeTelegramAPI
    runtime: Runtime
    transport: TelegramTransport
    stop: asyncio.Event
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    handled: list[Inbound] = field(default_factory=list)
    results: list[HandleResult] = field(default_factory=list)


@contextlib.asynccontextmanager
async def running_bot(
    tg: FakeTelegramAPI,
    engine: Engine,
    *,
    clock: Callable[[], datetime] = utc_now,
    receive: bool = True,
    **extra: object,
) -> AsyncIterator[Bot]:
    settings = settings_for(tg, **extra)  # type: ignore[arg-type]
    runtime = build_runtime(settings, {}, engine=engine, clock=clock)
    runtime.worker.poll_seconds = 0.2  # retries become due by the clock; look often
    transport = TelegramTransport(settings, runtime)
    await transport.start()
    runtime.worker.transports["telegram"] = transport
    bot = Bot(tg, runtime, transport, asyncio.Event())
    real_handle = runtime.pipeline.handle

    async def recording_handle(event: Inbound):  # type: ignore[no-untyped-def]
        result = await real_handle(event)
        bot.handled.append(event)
        bot.results.append(result)
        return result

    runtime.pipeline.handle = recording_handle  # type: ignore[method-assign]
    if receive:
        bot.tasks.append(asyncio.create_task(transport.run(bot.stop)))
    bot.tasks.append(asyncio.create_task(runtime.worker.run(bot.stop)))
    try:
        yield bot
    finally:
        bot.stop.set()
        await asyncio.gather(*bot.tasks, return_exceptions=True)
        await transport.close()


def make_org(engine: Engine, slug: str = "demo") -> int:
    with unit_of_work(engine) as session:
        found = organisations.organisation_by_slug(session=session, slug=slug)
        if found:
            return found.id  # type: ignore[return-value]
        org = organisations.create_organisation(
            session=session,
            slug=slug,
            name=f"Gemeente {slug.title()}",
            country="nl",
            timezone="Europe/Amsterdam",
            now=utc_now(),
        )
        return org.id  # type: ignore[return-value]


def make_invite_code(engine: Engine, org_id: int, role: Role = Role.EMPLOYEE, uses: int = 1) -> str:
    with unit_of_work(engine) as session:
        made = make_invite(
            session=session,
            organisation_id=org_id,
            role=role,
            uses=uses,
            valid_for=timedelta(days=7),
            now=utc_now(),
            actor="test",
        )
        return made.code


def enrol(engine: Engine, org_id: int, user: SimUser, role: Role, language: str = "nl") -> None:
    """Someone already enrolled, with their Telegram identity (external id = Telegram user id)."""
    with unit_of_work(engine) as session:
        person = people.create_person(
            session=session,
            organisation_id=org_id,
            name=user.first_name,
            role=role.value,
            language=language,
            now=utc_now(),
        )
        people.link_identity(
            session=session,
            person=person,
            platform="telegram",
            external_id=str(user.id),
            now=utc_now(),
        )


def queue(engine: Engine, chat_id: int | str, text: str, **options) -> int:  # type: ignore[no-untyped-def]
    """Put one message in the outbox, as a feature or a schedule would."""
    with unit_of_work(engine) as session:
        message_id = outbox.enqueue(
            session=session,
            platform="telegram",
            chat_id=str(chat_id),
            payload={"text": text, "choices": options.get("choices", [])},
            idempotency_key=options.get("key") or uuid.uuid4().hex,
            now=options.get("now") or utc_now(),
            attachments=options.get("attachments", ()),
        )
        assert message_id is not None
        return message_id


def outbox_rows(engine: Engine) -> list[OutboxMessage]:
    with unit_of_work(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def inbox_count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return len(list(session.exec(select(InboxEvent))))


async def wait_until(
    tg: FakeTelegramAPI, predicate: Callable[[], object], timeout: float = 20.0
) -> None:
    """Poll a condition that depends on the bot (not only on the fake), with an upper bound."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)
