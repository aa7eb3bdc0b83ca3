"""Outbox passes at the same time, and the priority lanes.

The interactive terminal chat flushes the outbox after each line while the background worker runs
its own passes: two passes at once. That crashed (``list.remove(x): x not in list``) because each
pass registered a mutable set and removed it by equality, so one pass could remove the other's.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading

from bot.messages import DeliveryResult, Outbound
from bot.outbox import OutboxWorker
from bot.pacing import unlimited
from storage import outbox
from storage.db import unit_of_work
from storage.enums import OutboxPriority
from tests.fakes.aio import run


class Recording:
    platform = "telegram"

    def __init__(self) -> None:
        self.pacer = unlimited()
        self.delivered: list[Outbound] = []
        self.first = asyncio.Event()
        self.blocked_chats: set[str] = set()
        self.unblock = asyncio.Event()

    async def deliver(self, message: Outbound) -> DeliveryResult:
        if message.chat_id in self.blocked_chats:
            await self.unblock.wait()
        await asyncio.sleep(0)  # a real send gives the loop away
        self.delivered.append(message)
        self.first.set()
        return DeliveryResult(external_id=str(message.outbox_id))


def _queue(engine, clock, n: int, *, chats: int = 3, prefix: str = "m", priority=None) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        for i in range(n):
            outbox.enqueue(
                session=s,
                platform="telegram",
                chat_id=f"{prefix}chat{i % chats}",
                payload={"text": f"{prefix}{i}"},
                idempotency_key=f"{prefix}{i}",
                now=clock(),
                **({} if priority is None else {"priority": priority}),
            )


def _assert_each_once_in_order(transport: Recording, prefix: str, n: int) -> None:
    texts = [m.text for m in transport.delivered if m.text.startswith(prefix)]
    assert sorted(texts) == sorted(f"{prefix}{i}" for i in range(n)), texts
    for chat in {m.chat_id for m in transport.delivered}:
        in_chat = [int(m.text[len(prefix) :]) for m in transport.delivered if m.chat_id == chat]
        assert in_chat == sorted(in_chat), (chat, in_chat)


def test_a_pass_started_while_another_reads_neither_crashes_nor_sends_twice(engine, clock) -> None:  # type: ignore[no-untyped-def]
    """The chat's flush and the worker: the first pass reads slowly, the second one reads, sends
    and settles meanwhile, then the first one's read returns."""
    _queue(engine, clock, 6)
    transport = Recording()
    worker = OutboxWorker(engine, {"telegram": transport}, clock=clock)
    first_read_may_return = threading.Event()
    original = worker._load_due
    reads = []

    def load(*args):  # type: ignore[no-untyped-def]
        reads.append(args)
        if len(reads) == 1:
            first_read_may_return.wait(timeout=60)
        return original(*args)

    worker._load_due = load  # type: ignore[method-assign]

    async def main() -> list[object]:
        slow = asyncio.create_task(worker.deliver_due())
        while not reads:  # the first pass is reading
            await asyncio.sleep(0.001)
        fast = asyncio.create_task(worker.deliver_due())
        # Before the fix the second pass delivers here; after it, it waits for the first pass.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(transport.first.wait(), 1.0)
        first_read_may_return.set()
        outcomes = await asyncio.gather(slow, fast, return_exceptions=True)
        await worker.drain()
        for _ in range(3):
            await worker.deliver_due()
            await worker.drain()
        return outcomes

    outcomes = run(main())
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    _assert_each_once_in_order(transport, "m", 6)
    with unit_of_work(engine) as s:
        assert outbox.backlog(session=s) == {"sent": 6}


def test_many_passes_at_once_deliver_each_message_once_in_order(engine, clock) -> None:  # type: ignore[no-untyped-def]
    _queue(engine, clock, 60, chats=7)
    transport = Recording()
    worker = OutboxWorker(engine, {"telegram": transport}, clock=clock)
    original = worker._load_due
    jitter = random.Random(15)

    def load(*args):  # type: ignore[no-untyped-def]
        threading.Event().wait(jitter.random() / 100)  # reads of uneven length
        return original(*args)

    worker._load_due = load  # type: ignore[method-assign]

    async def main() -> None:
        for _ in range(4):
            outcomes = await asyncio.gather(
                *(worker.deliver_due() for _ in range(12)), return_exceptions=True
            )
            assert [o for o in outcomes if isinstance(o, BaseException)] == []
        await worker.drain()
        await worker.deliver_due()
        await worker.drain()

    run(main())
    _assert_each_once_in_order(transport, "m", 60)


def test_a_reply_behind_a_large_fanout_is_read_and_sent_in_the_first_pass(engine, clock) -> None:  # type: ignore[no-untyped-def]
    """2,500 nudges queued before one reply: the reply is in the first pass and is sent while the
    nudges are still stuck; only ``lane_window`` nudges are started at once."""
    _queue(engine, clock, 2500, chats=2500, prefix="n", priority=OutboxPriority.BULK)
    _queue(engine, clock, 1, chats=1, prefix="r")
    transport = Recording()
    transport.blocked_chats = {f"nchat{i}" for i in range(2500)}
    worker = OutboxWorker(engine, {"telegram": transport}, clock=clock, lane_window=50)

    async def main() -> int:
        started = await worker.deliver_due()
        await transport.first.wait()
        assert [m.text for m in transport.delivered] == ["r0"]  # the nudges are all still stuck
        again = await worker.deliver_due()  # the bulk lane is full: nothing more is started
        transport.unblock.set()
        await worker.drain()
        return started + again

    assert run(main()) == 51
    with unit_of_work(engine) as s:
        assert outbox.backlog(session=s) == {"sent": 51, "pending": 2450}


def test_lanes_keep_order_within_a_chat_but_a_reply_may_overtake_a_nudge(engine, clock) -> None:  # type: ignore[no-untyped-def]
    _queue(engine, clock, 3, chats=1, prefix="n", priority=OutboxPriority.BULK)
    with unit_of_work(engine) as s:
        for i in range(3):
            outbox.enqueue(
                session=s,
                platform="telegram",
                chat_id="nchat0",
                payload={"text": f"r{i}"},
                idempotency_key=f"r{i}",
                now=clock(),
            )
    transport = Recording()
    worker = OutboxWorker(engine, {"telegram": transport}, clock=clock)

    async def main() -> None:
        await worker.deliver_due()
        await worker.drain()

    run(main())
    texts = [m.text for m in transport.delivered]
    assert [t for t in texts if t.startswith("r")] == ["r0", "r1", "r2"]
    assert [t for t in texts if t.startswith("n")] == ["n0", "n1", "n2"]


def test_features_queue_in_their_lanes(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    """A reply is urgent, an idle dialog's reminder a reminder, a training nudge bulk."""
    from datetime import UTC, datetime

    from sqlmodel import select

    from schedules.jobs import run_job
    from storage.enums import Role
    from storage.models import OutboxMessage
    from tests.harness import Harness
    from tests.training.chat_helpers import enrolled_long_ago, person_of

    clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday in office hours
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org, name="Bas Bakker")
    enrolled_long_ago(
        engine, person_of(engine, sender, "telegram").id, datetime(2026, 11, 7, 10, tzinfo=UTC)
    )
    bot.say(sender, "/profiel")
    assert run_job("training-nudges", engine, clock(), features) == 1
    assert run_job("dialog-idle", engine, clock.advance(minutes=31), features) == 1
    with unit_of_work(engine) as s:
        rows = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        lanes = {row.idempotency_key.split(":")[0]: row.priority for row in rows}
    assert lanes == {
        "reply": OutboxPriority.URGENT,
        "training": OutboxPriority.BULK,
        "dialog-reminder": OutboxPriority.REMINDER,
    }
