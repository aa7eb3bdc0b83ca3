"""Benchmark: a training nudge fan-out to 5,000 people through the real Telegram transport against
the Bot API fake, which enforces Telegram's 30 messages/s (issue #6).

    python bench/training_fanout.py [--people 5000] [--database-url URL]

1. 5,000 enrolled people (Telegram identities, private chats started) whose first reminder is due.
2. The sweep (``schedules.training.sweep_organisation``: plan + claim + outbox rows in batches) is
   timed on its own.
3. The outbox worker with ``bot.transports.telegram.TelegramTransport`` delivers to the fake
   (``tests/fakes/telegram_api.py``, flood limits on at real speed). Timed from the worker's start
   to the last message recorded by the fake.

Reports: delivery time, the theoretical minimum (people / 30 s), their ratio (aim <= 1.10),
duplicates (must be 0), lost (people without exactly one message: must be 0), 429s seen.
SQLite in a temporary directory by default; ``--database-url`` for PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import handlers.registry  # noqa: F401 - commands and dialogs, as in the bot
import schedules.registry  # noqa: F401
from bot.app import build_runtime
from bot.config import Settings
from schedules.training import sweep_organisation
from storage import organisations, outbox, people
from storage.db import make_engine, migrate, unit_of_work
from tests.fakes.telegram_api import FakeTelegramAPI

TELEGRAM_PER_SECOND = 30.0
# Monday 16 Nov 2026 10:00 in Amsterdam; enrolled 31 Oct -> due 30 Nov -> first reminder today.
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
ENROLLED = datetime(2026, 10, 31, 10, 0, tzinfo=UTC)


def populate(engine, tg: FakeTelegramAPI, count: int):  # type: ignore[no-untyped-def]
    users = [tg.add_user(f"P{i}", started=True) for i in range(count)]
    with unit_of_work(engine) as session:
        org = organisations.create_organisation(
            session=session,
            slug="bench",
            name="Gemeente Bench",
            country="nl",
            timezone="Europe/Amsterdam",
            now=ENROLLED,
        )
        for i, user in enumerate(users):
            person = people.create_person(
                session=session,
                organisation_id=org.id,  # type: ignore[arg-type]
                name=f"Medewerker {i}",
                role="employee",
                department=f"Afdeling {i % 12}",
                now=ENROLLED,
            )
            people.link_identity(
                session=session,
                person=person,
                platform="telegram",
                external_id=str(user.id),
                now=ENROLLED,
            )
    return org, users


async def deliver_all(tg: FakeTelegramAPI, engine, data_dir: str, count: int) -> float:  # type: ignore[no-untyped-def]
    from bot.transports.telegram import TelegramTransport

    settings = Settings(
        data_dir=data_dir,
        telegram_token=tg.token,
        telegram_api_url=tg.base_url,
        telegram_poll_timeout=5,
        telegram_request_timeout=10.0,
    )
    runtime = build_runtime(settings, {}, engine=engine)
    transport = TelegramTransport(settings, runtime)
    await transport.start()
    runtime.worker.transports["telegram"] = transport
    stop = asyncio.Event()
    started = time.perf_counter()
    worker = asyncio.create_task(runtime.worker.run(stop))
    await tg.wait_until(lambda: tg.counters.delivered >= count, timeout=count / 5 + 60)
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(worker, return_exceptions=True)
    await transport.close()
    return elapsed


async def main_async(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/fanout.db"
        engine = make_engine(url)
        migrate(engine)
        async with FakeTelegramAPI() as tg:
            org, users = populate(engine, tg, args.people)
            from handlers.settings import FeatureSettings

            started = time.perf_counter()
            claimed = sweep_organisation(engine, org, NOW, FeatureSettings())
            sweep_seconds = time.perf_counter() - started
            assert claimed == args.people, f"sweep claimed {claimed} of {args.people}"
            again = sweep_organisation(engine, org, NOW, FeatureSettings())
            elapsed = await deliver_all(tg, engine, tmp, args.people)
            per_user = [len(tg.sent(u)) for u in users]
            duplicates = tg.duplicates()
            counters = tg.counters
        with unit_of_work(engine) as session:
            backlog = outbox.backlog(session=session)
        engine.dispose()
    theoretical = args.people / TELEGRAM_PER_SECOND
    lost = sum(1 for n in per_user if n == 0)
    extra = sum(n - 1 for n in per_user if n > 1)
    print(f"python {platform.python_version()}, {platform.machine()}, database {url.split(':')[0]}")
    print(f"people                     {args.people}")
    print(f"sweep (plan+claim+enqueue) {sweep_seconds:.2f} s; second sweep claimed {again}")
    print(f"delivery                   {elapsed:.1f} s")
    print(f"theoretical minimum        {theoretical:.1f} s (30 msg/s)")
    print(f"ratio                      {elapsed / theoretical:.3f} (aim <= 1.10)")
    print(f"duplicates                 {len(duplicates)} (extra messages: {extra})")
    print(f"lost                       {lost}")
    print(f"429 answers                {dict(counters.rate_limited)}")
    print(f"outbox                     {backlog}")
    return 0 if not duplicates and not lost and not extra else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
