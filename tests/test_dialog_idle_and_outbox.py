"""Idle dialogs (reminder once, expiry) with a controlled clock, and the outbox worker's delivery."""

from __future__ import annotations

import asyncio

import pytest

from bot.messages import DeliveryResult, Outbound
from bot.outbox import DeliveryError, OutboxWorker
from bot.pacing import unlimited
from schedules.jobs import run_job
from storage import dialogs, outbox
from storage.db import unit_of_work
from storage.enums import Role
from tests.harness import Harness


def test_idle_dialog_is_reminded_once_then_expires(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    me = bot.person(Role.EMPLOYEE, org_id=org)
    bot.say(me, "/profiel")
    assert run_job("dialog-idle", engine, clock.advance(minutes=29), features) == 0
    assert run_job("dialog-idle", engine, clock.advance(minutes=2), features) == 1
    assert run_job("dialog-idle", engine, clock.advance(minutes=30), features) == 0  # once only
    reminders = [t for t in bot.outbox_for(me) if "Zullen we dit afmaken?" in t]
    assert len(reminders) == 1 and "Wat is je naam?" in reminders[0]
    assert run_job("dialog-idle", engine, clock.advance(hours=24), features) == 1
    assert any("gesloten" in t for t in bot.outbox_for(me))
    with unit_of_work(engine) as s:
        assert dialogs.idle_dialogs(session=s, idle_since=clock()) == []


def test_answering_resets_the_idle_clock(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    me = bot.person(Role.EMPLOYEE, org_id=bot.org())
    bot.say(me, "/profiel")
    clock.advance(minutes=25)
    bot.say(me, "Ans")
    assert run_job("dialog-idle", engine, clock.advance(minutes=10), features) == 0


class FlakyTransport:
    """Fails the first ``failures`` deliveries per message, then records the delivery."""

    platform = "telegram"

    def __init__(self, failures: int = 0, retryable: bool = True) -> None:
        self.pacer = unlimited()
        self.failures, self.retryable = failures, retryable
        self.attempts: dict[int, int] = {}
        self.delivered: list[Outbound] = []

    async def deliver(self, message: Outbound) -> DeliveryResult:
        count = self.attempts[message.outbox_id] = self.attempts.get(message.outbox_id, 0) + 1
        if count <= self.failures:
            raise DeliveryError(
                "503", retryable=self.retryable, retry_after=0 if self.retryable else None
            )
        self.delivered.append(message)
        return DeliveryResult(external_id=str(message.outbox_id))


def _queue(engine, clock, n: int, chats: int = 3) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        for i in range(n):
            outbox.enqueue(
                session=s,
                platform="telegram",
                chat_id=f"chat{i % chats}",
                payload={"text": f"m{i}"},
                idempotency_key=f"k{i}",
                now=clock(),
            )


async def _deliver_until_quiet(worker: OutboxWorker, rounds: int = 100) -> None:
    for _ in range(rounds):
        await worker.deliver_due()
        await worker.drain()


def test_outbox_retries_transient_failures_and_delivers_each_once_in_order(engine, clock) -> None:  # type: ignore[no-untyped-def]
    _queue(engine, clock, 30)
    transport = FlakyTransport(failures=2)
    worker = OutboxWorker(engine, {"telegram": transport}, clock=clock, max_attempts=5)
    asyncio.run(_deliver_until_quiet(worker))
    texts = [m.text for m in transport.delivered]
    assert sorted(texts) == sorted(f"m{i}" for i in range(30)) and len(set(texts)) == 30
    for chat in ("chat0", "chat1", "chat2"):
        in_chat = [int(m.text[1:]) for m in transport.delivered if m.chat_id == chat]
        assert in_chat == sorted(in_chat)
    with unit_of_work(engine) as s:
        assert outbox.backlog(session=s) == {"sent": 30}


def test_outbox_gives_up_after_max_attempts_and_reports(engine, clock) -> None:  # type: ignore[no-untyped-def]
    _queue(engine, clock, 2, chats=2)
    failed: list[int] = []
    worker = OutboxWorker(
        engine,
        {"telegram": FlakyTransport(failures=99)},
        clock=clock,
        max_attempts=3,
        on_failed=lambda i, e: failed.append(i),
    )
    asyncio.run(_deliver_until_quiet(worker))
    assert len(failed) == 2
    with unit_of_work(engine) as s:
        assert outbox.backlog(session=s) == {"failed": 2}


def test_outbox_permanent_error_fails_at_once(engine, clock) -> None:  # type: ignore[no-untyped-def]
    _queue(engine, clock, 1)
    transport = FlakyTransport(failures=1, retryable=False)
    worker = OutboxWorker(engine, {"telegram": transport}, clock=clock, max_attempts=5)
    asyncio.run(_deliver_until_quiet(worker))
    assert list(transport.attempts.values()) == [1]
    with unit_of_work(engine) as s:
        assert outbox.backlog(session=s) == {"failed": 1}


@pytest.mark.parametrize("retry_after", [30])
def test_outbox_honours_retry_after(engine, clock, retry_after: int) -> None:  # type: ignore[no-untyped-def]
    _queue(engine, clock, 1)

    class Limited(FlakyTransport):
        async def deliver(self, message: Outbound) -> DeliveryResult:
            if not self.attempts:
                self.attempts[message.outbox_id] = 1
                raise DeliveryError("429", retryable=True, retry_after=retry_after)
            return await super().deliver(message)

    transport = Limited()
    asyncio.run(
        _deliver_until_quiet(OutboxWorker(engine, {"telegram": transport}, clock=clock), rounds=3)
    )
    assert transport.delivered == []  # not before retry_after
    clock.advance(seconds=retry_after)
    transport.pacer = (
        unlimited()
    )  # limiters belong to one event loop; each asyncio.run is a new one
    asyncio.run(
        _deliver_until_quiet(OutboxWorker(engine, {"telegram": transport}, clock=clock), rounds=2)
    )
    assert len(transport.delivered) == 1
