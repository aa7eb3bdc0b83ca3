"""Load: many people walking the profile dialog at the same time, through the Bot API fake.

Each simulated person loops for ``--seconds``: ``/profiel`` -> types a name -> types a department
-> presses a language button (as tests/transports_telegram/test_end_to_end.py does), waiting for the
bot's reply before the next step, with a random think time of 0-1 s. The real TelegramTransport and
outbox worker run in this process (bench/telegram_common.py); the fake runs on its own thread.

Latency of a step: the update queued at the fake ("Telegram") -> the reply recorded by the fake.
Errors: an apology with a reference, an unexpected or missing reply (a lost step), an extra reply,
an outbox row that did not end as sent.

    python bench/load_dialogs.py                           # 200 people, 60 s, SQLite in a temp dir
    python bench/load_dialogs.py --db postgres             # a fresh bench_load_<hex> on 127.0.0.1
    python bench/load_dialogs.py --no-limits               # fake's limits off and the bot unpaced

``--no-limits`` turns the fake's flood limits off (``tg.rate_limits.enabled = False``) *and*
replaces the transport's Pacer by one with no practical limit: the bot paces itself at Telegram's
30/s and 1/s per chat, so without the second half the result would still show the platform limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import func
from sqlmodel import select
from telegram_common import database, enrol_all, percentile, running_bot

from bot.pacing import Pacer
from storage.db import unit_of_work
from storage.models import OutboxMessage
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_model import SentMessage, SimUser

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REPLY_TIMEOUT = 120.0  # a reply later than this counts as a lost step
# What each step's reply must contain (Dutch or English: the person switches language each round).
EXPECTED = {
    "profiel": ("Wat is je naam", "What is your name"),
    "name": ("Bij welke afdeling", "Which department"),
    "department": ("In welke taal", "In which language"),
    "language": ("Je profiel is opgeslagen", "Your profile is saved"),
}


@contextlib.contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A fresh database on the local PostgreSQL (trust auth), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    steps: int = 0
    dialogs: int = 0
    apologies: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


class Inboxes:
    """One waiter on the fake for everybody: new SentMessages are routed to per-chat queues.

    (200 ``tg.wait_for_sent`` waiters would each re-scan every message on every change.)"""

    def __init__(self, tg: FakeTelegramAPI) -> None:
        self.tg = tg
        self.queues: dict[int, asyncio.Queue[SentMessage]] = defaultdict(asyncio.Queue)
        self.received: Counter[int] = Counter()
        self._cursor = 0

    def _new(self) -> list[SentMessage] | None:
        sent = self.tg.state.sent  # called under the fake's lock
        fresh = sent[self._cursor :]
        return fresh or None

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                fresh = await self.tg.wait_until(self._new, timeout=0.5)
                self._cursor += len(fresh)
                for message in fresh:
                    self.received[message.chat_id] += 1
                    self.queues[message.chat_id].put_nowait(message)


async def person(
    tg: FakeTelegramAPI,
    inboxes: Inboxes,
    user: SimUser,
    number: int,
    deadline: float,
    tally: Tally,
    rng: random.Random,
) -> None:
    queue = inboxes.queues[user.id]
    round_ = 0
    while time.monotonic() < deadline:
        language = "en" if round_ % 2 == 0 else "nl"
        question: SentMessage | None = None
        for step in ("profiel", "name", "department", "language"):
            await asyncio.sleep(rng.random())  # think time 0-1 s
            before = time.monotonic()
            if step == "profiel":
                tg.send_text(user, "/profiel")
            elif step == "name":
                tg.send_text(user, f"Persoon {number} ronde {round_}")
            elif step == "department":
                tg.send_text(user, f"Afdeling {number % 17}")
            else:
                assert question is not None
                tg.press_button(user, question, data=language)
            try:
                reply = await asyncio.wait_for(queue.get(), REPLY_TIMEOUT)
            except TimeoutError:
                tally.lost.append(f"{user.id} {step} round {round_}")
                return
            text = reply.text or ""
            if "Referentie:" in text or "Reference:" in text:
                tally.apologies.append(text)
                return
            if not any(expected in text for expected in EXPECTED[step]):
                tally.unexpected.append(f"{step}: {text[:80]}")
                return
            tally.latencies[step].append(reply.sent_monotonic - before)
            tally.steps += 1
            question = reply
        tally.dialogs += 1
        round_ += 1


def unpaced() -> Pacer:
    return Pacer(1_000_000, lambda _chat: (1_000_000.0, 1.0))


def outbox_statuses(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return {status: count for status, count in rows}


async def run_load(tg: FakeTelegramAPI, url: str | None, args: argparse.Namespace) -> None:
    users = [tg.add_user(f"Persoon {n}", language_code="nl") for n in range(args.people)]
    engine = database(url)
    enrol_all(engine, users)
    tally = Tally()
    rng = random.Random(args.seed)
    inboxes = Inboxes(tg)
    stop = asyncio.Event()
    load_before = os.getloadavg()
    async with running_bot(tg, engine) as bot:
        if args.no_limits:
            bot.transport.pacer = unpaced()
        watcher = asyncio.create_task(inboxes.run(stop))
        started = time.monotonic()
        deadline = started + args.seconds
        await asyncio.gather(
            *(
                person(tg, inboxes, u, n, deadline, tally, random.Random(rng.random()))
                for n, u in enumerate(users)
            )
        )
        elapsed = time.monotonic() - started
        await asyncio.sleep(2.0)  # any extra (duplicate) reply would arrive now
        stop.set()
        await watcher
    load_after = os.getloadavg()
    extra = {chat: n for chat, n in inboxes.received.items() if n > 0}
    expected_total = tally.steps + len(tally.apologies) + len(tally.unexpected)
    extra_replies = sum(extra.values()) - expected_total
    statuses = outbox_statuses(engine)
    engine.dispose()
    if url is None and engine.url.database:  # the temp directory telegram_common made
        shutil.rmtree(Path(engine.url.database).parent, ignore_errors=True)

    every = [x * 1000 for values in tally.latencies.values() for x in values]
    counters = tg.counters
    print(
        f"db={engine.dialect.name} people={args.people} seconds={args.seconds} "
        f"limits={'off' if args.no_limits else 'on'}"
    )
    print(
        f"  steps={tally.steps} dialogs={tally.dialogs} in {elapsed:.1f} s "
        f"-> {tally.steps / elapsed:.1f} replies/s"
    )
    if every:
        print(
            f"  latency all steps: p50={percentile(every, 0.5):.0f} ms p99={percentile(every, 0.99):.0f} ms "
            f"mean={statistics.mean(every):.0f} ms max={max(every):.0f} ms"
        )
    for step, values in tally.latencies.items():
        ms = [x * 1000 for x in values]
        print(
            f"    {step:<10} n={len(ms):5d} p50={percentile(ms, 0.5):6.0f} ms "
            f"p99={percentile(ms, 0.99):6.0f} ms"
        )
    print(
        f"  errors: apologies={len(tally.apologies)} unexpected={len(tally.unexpected)} "
        f"lost={len(tally.lost)} extra_replies={extra_replies} outbox={statuses}"
    )
    for sample in (tally.apologies + tally.unexpected + tally.lost)[:5]:
        print(f"    e.g. {sample}")
    print(
        f"  fake: 429 answered={dict(counters.rate_limited)} sendMessage="
        f"{counters.requests.get('sendMessage', 0)} delivered={counters.delivered}"
    )
    print(
        f"  load average before {load_before[0]:.2f} after {load_after[0]:.2f} "
        f"(1 min; 2 CPUs shared with other agents)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--db", default="sqlite", help="sqlite (temp file), postgres (fresh database), or a URL"
    )
    parser.add_argument("--no-limits", action="store_true", help="fake and bot without limits")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    token = "333333333:AAFakeTokenForBenchmarksOnly_nis2bot"
    with FakeTelegramAPI(token=token) as tg:
        if args.no_limits:
            tg.rate_limits.enabled = False
        if args.db == "postgres":
            with scratch_postgres("bench_load") as url:
                asyncio.run(run_load(tg, url, args))
        else:
            asyncio.run(run_load(tg, None if args.db == "sqlite" else args.db, args))


if __name__ == "__main__":
    main()
