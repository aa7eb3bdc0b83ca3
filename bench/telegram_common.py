"""Shared set-up for the Telegram benchmarks: the Bot API fake, a database, a running bot."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.fakes

from sqlalchemy.engine import Engine

import handlers.registry  # noqa: F401
from bot.app import Runtime, build_runtime
from bot.config import Settings
from bot.transports.telegram import TelegramTransport
from storage import organisations, people
from storage.clock import utc_now
from storage.db import make_engine, migrate, unit_of_work
from storage.enums import Role
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_model import SimUser


def database(url: str | None) -> Engine:
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="nis2bot-bench-"))
        url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    migrate(engine)
    return engine


def enrol_all(engine: Engine, users: list[SimUser]) -> None:
    now = utc_now()
    with unit_of_work(engine) as session:
        org = organisations.create_organisation(
            session=session,
            slug=f"bench-{uuid.uuid4().hex[:6]}",
            name="Gemeente Bench",
            country="nl",
            timezone="Europe/Amsterdam",
            now=now,
        )
        for user in users:
            person = people.create_person(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                name=user.first_name,
                role=Role.EMPLOYEE.value,
                language="nl",
                now=now,
            )
            people.link_identity(
                session=session,
                person=person,
                platform="telegram",
                external_id=str(user.id),
                now=now,
            )


@dataclass
class RunningBot:
    runtime: Runtime
    transport: TelegramTransport
    stop: asyncio.Event


@contextlib.asynccontextmanager
async def running_bot(
    tg: FakeTelegramAPI, engine: Engine, *, receive: bool = True
) -> AsyncIterator[RunningBot]:
    settings = Settings(
        telegram_token=tg.token,
        telegram_api_url=tg.base_url,
        telegram_poll_timeout=10,
        telegram_request_timeout=10.0,
    )
    runtime = build_runtime(settings, {}, engine=engine)
    transport = TelegramTransport(settings, runtime)
    await transport.start()
    runtime.worker.transports["telegram"] = transport
    stop = asyncio.Event()
    tasks = [asyncio.create_task(runtime.worker.run(stop))]
    if receive:
        tasks.append(asyncio.create_task(transport.run(stop)))
    try:
        yield RunningBot(runtime, transport, stop)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await transport.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]
