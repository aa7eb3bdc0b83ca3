"""Reply latency for people in a dialog while a 5,000-person training nudge fan-out runs, against the
same dialogs without the fan-out, in one run, through the real Telegram transport and the Bot API
fake (Telegram's 30 messages/s and 1 per second per private chat enforced, real time) (issue 15).

    python bench/reply_lanes.py                         # SQLite in a temporary directory
    python bench/reply_lanes.py --database-url postgresql://postgres@127.0.0.1:5432/bench_lanes
    python bench/reply_lanes.py --one-lane              # the nudges queued as replies: one lane

1. 5,000 enrolled people whose first training reminder is due; the first 50 of them are in dialog:
   each types the next step of the profile dialog (/profiel, a name, a department, a language),
   waits for the bot's answer, reads and thinks 5-15 s, and types again.
2. Quiet phase (``--quiet-seconds``): only the dialogs. Reply latency = the message going into the
   fake's update queue to the fake recording the bot's answer.
3. Fan-out phase: the real nudge sweep queues 5,000 nudges (bulk lane, in committed batches that
   the worker starts sending at once) while the dialogs go on, until the last nudge is delivered.
   Fan-out time = the sweep's start to the last nudge recorded; its floor = (nudges + replies sent meanwhile) / 30 s: the fan-out's share of the rate plus the
   replies' share. Aim: reply p99 < 2 s during the fan-out and fan-out time / floor <= 1.10.

Checks: every person got exactly one nudge, no duplicates, every dialog message answered.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import select
from telegram_common import percentile, running_bot
from training_fanout import NOW, populate

from handlers.settings import FeatureSettings
from schedules.training import sweep_organisation
from storage import outbox
from storage.db import make_engine, migrate, unit_of_work
from storage.models import OutboxMessage
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_model import SentMessage

PER_SECOND = 30.0
STEPS = ["/profiel", "Naam {n}", "Afdeling {n}", "Nederlands"]


def is_nudge(message: SentMessage) -> bool:
    # Cheap on purpose: the fake evaluates waiters' conditions after every message it records.
    return "training" in (message.raw_text or "")


class Dialogs:
    """People in dialog, each one message at a time; latencies are tagged with the phase."""

    def __init__(self, tg: FakeTelegramAPI, users: list, seed: int) -> None:  # type: ignore[type-arg]
        self.tg, self.users = tg, users
        self.random = random.Random(seed)
        self.phase = "quiet"
        self.latencies: dict[str, list[float]] = {
            "quiet": [],
            "sweep": [],
            "fan-out": [],
            "after": [],
        }
        self.unanswered = 0
        self.stop = asyncio.Event()

    def answers(self, user) -> int:  # type: ignore[no-untyped-def]
        return sum(1 for m in self.tg.sent(user) if not is_nudge(m))

    def answer_after(self, user, before: int, sent_at: float) -> SentMessage | None:  # type: ignore[no-untyped-def]
        answers = [m for m in self.tg.sent(user) if not is_nudge(m)][before:]
        return next((m for m in answers if m.sent_monotonic >= sent_at), None)

    async def person(self, index: int, user) -> None:  # type: ignore[no-untyped-def]
        await asyncio.sleep(self.random.uniform(0, 10))  # people do not start in step
        step = 0
        while not self.stop.is_set():
            before = self.answers(user)
            phase = self.phase
            text = STEPS[step % len(STEPS)].format(n=index)
            sent_at = time.monotonic()
            self.tg.send_text(user, text)
            try:
                reply = await self.tg.wait_until(
                    functools.partial(self.answer_after, user, before, sent_at), timeout=120
                )
                self.latencies[phase].append(reply.sent_monotonic - sent_at)
            except TimeoutError:
                self.unanswered += 1
            step += 1
            with_stop = asyncio.create_task(self.stop.wait())
            await asyncio.wait({with_stop}, timeout=self.random.uniform(5, 15))
            with_stop.cancel()


def report(name: str, latencies: list[float]) -> str:
    if not latencies:
        return f"{name:<22} n=0"
    return (
        f"{name:<22} n={len(latencies):4d}  p50={percentile(latencies, 0.5) * 1000:7.0f} ms  "
        f"p99={percentile(latencies, 0.99) * 1000:7.0f} ms  "
        f"mean={statistics.mean(latencies) * 1000:6.0f} ms  max={max(latencies) * 1000:6.0f} ms"
    )


async def main_async(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/lanes.db"
        engine = make_engine(url)
        migrate(engine)
        with FakeTelegramAPI() as tg:  # its own thread: Telegram is not in the bot's loop
            org, users = populate(engine, tg, args.people)
            dialogs = Dialogs(tg, users[: args.dialogs], seed=15)
            async with running_bot(tg, engine) as bot:
                people = [
                    asyncio.create_task(dialogs.person(i, u)) for i, u in enumerate(dialogs.users)
                ]
                await asyncio.sleep(args.quiet_seconds)
                dialogs.phase = "sweep"
                sweep_started = time.monotonic()
                claimed = await asyncio.to_thread(
                    sweep_organisation, engine, org, NOW, FeatureSettings()
                )
                if args.one_lane:  # what a single lane did: the nudges queued like replies
                    with unit_of_work(engine) as session:
                        session.exec(  # type: ignore[call-overload]
                            OutboxMessage.__table__.update().values(priority=0)  # type: ignore[attr-defined]
                        )
                queued_at, wall_queued_at = time.monotonic(), time.time()
                dialogs.phase = "fan-out"
                bot.runtime.worker.wake()
                nudged = 0
                deadline = time.monotonic() + args.people / 5 + 120
                while nudged < claimed and time.monotonic() < deadline:
                    await asyncio.sleep(0.5)  # polled, not a condition checked on every message
                    nudged = sum(1 for m in tg.sent() if is_nudge(m))
                nudges = [m for m in tg.sent() if is_nudge(m)]
                last_nudge = max(m.sent_monotonic for m in nudges)
                replies_meanwhile = sum(
                    1
                    for m in tg.sent()
                    if not is_nudge(m) and sweep_started <= m.sent_monotonic <= last_nudge
                )
                dialogs.phase = "after"
                dialogs.stop.set()
                await asyncio.gather(*people)
            per_user = [sum(1 for m in tg.sent(u) if is_nudge(m)) for u in users]
            # A dialog's "What is your name?" comes back every round; only a nudge twice is a
            # duplicate (per_user counts those).
            duplicates = [d for d in tg.duplicates() if "training" in d[1]]
            limited = dict(tg.counters.rate_limited)
        with unit_of_work(engine) as session:
            backlog = outbox.backlog(session=session)
            waits = [  # inside the bot: queued -> recorded as sent, for the fan-out's replies
                (row.sent_at - row.created_at).total_seconds()
                for row in session.exec(select(OutboxMessage)).all()
                if row.idempotency_key.startswith("reply:")
                and row.sent_at is not None
                and row.created_at.timestamp() >= wall_queued_at
            ]
        engine.dispose()
    fan_out = last_nudge - sweep_started  # the sweep is part of it: rows go out as batches commit
    floor = (claimed + replies_meanwhile) / PER_SECOND
    print(f"python {platform.python_version()}, database {url.split(':')[0]}")
    print(
        f"{args.people} people nudged, {args.dialogs} in dialog; "
        f"lanes: {'ONE (nudges queued as replies)' if args.one_lane else 'replies > reminders > bulk'}"
    )
    print(report("replies, no fan-out", dialogs.latencies["quiet"]))
    print(report("replies, fan-out", dialogs.latencies["fan-out"]))
    print(report("  (queued -> sent)", waits))
    print(report("  (during the sweep)", dialogs.latencies["sweep"]))
    print(report("  (fan-out + sweep)", dialogs.latencies["fan-out"] + dialogs.latencies["sweep"]))
    print(
        f"sweep {queued_at - sweep_started:.1f} s; fan-out (sweep included) {fan_out:.1f} s for a floor of "
        f"{floor:.1f} s ({claimed} nudges + {replies_meanwhile} replies at 30/s) -> ratio "
        f"{fan_out / floor:.3f} (aim <= 1.10)"
    )
    lost = sum(1 for n in per_user if n == 0)
    extra = sum(n - 1 for n in per_user if n > 1)
    print(
        f"nudges lost {lost}, extra {extra}; duplicates {len(duplicates)}; unanswered dialog "
        f"messages {dialogs.unanswered}; 429s {limited}; outbox {backlog}"
    )
    return 0 if not (lost or extra or duplicates or dialogs.unanswered) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--dialogs", type=int, default=50)
    parser.add_argument("--quiet-seconds", type=float, default=60.0)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--one-lane", action="store_true")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
