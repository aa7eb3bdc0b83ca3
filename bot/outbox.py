"""Delivery of the outbox: paced at each platform's limits, retried with backoff, never twice on purpose.

The worker reads due rows, hands each to its platform's transport, and marks it sent right after the
platform confirmed it. Messages to one chat go strictly in order; different chats go in parallel, as
fast as the transport's ``Pacer`` allows. A transient failure (429 with retry_after, 5xx, time-out)
is retried with exponential backoff up to ``max_attempts``; then the row is marked failed and
``on_failed`` is told (the runtime reports it to the coordinator).

Idempotency: each row has a unique key, so whatever queued it twice queued it once. A crash between
the platform's confirmation and our "sent" mark can still resend one message; Matrix removes even
that (its transaction id is the outbox id), Telegram has no such mechanism.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from aiolimiter import AsyncLimiter
from sqlalchemy.engine import Engine

from bot.messages import Attachment, DeliveryResult, Outbound
from handlers.reply import Reply
from storage import outbox
from storage.clock import utc_now
from storage.db import unit_of_work

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Raised by a transport. ``retryable`` with an optional ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class Pacer:
    """Global and per-chat rate limits (leaky buckets from aiolimiter).

    ``chat_rate(chat_id) -> (messages, per_seconds)`` lets a transport give groups and private chats
    different limits (Telegram: 1/s per private chat, 20/min per group).
    """

    def __init__(
        self, global_per_second: float, chat_rate: Callable[[str], tuple[float, float]]
    ) -> None:
        self._global = AsyncLimiter(max(global_per_second, 1e-6), 1.0)
        self._chat_rate = chat_rate
        self._chats: dict[str, AsyncLimiter] = {}

    async def acquire(self, chat_id: str) -> None:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            rate, period = self._chat_rate(chat_id)
            limiter = self._chats[chat_id] = AsyncLimiter(rate, period)
        await limiter.acquire()
        await self._global.acquire()


class Transport(Protocol):
    platform: str
    pacer: Pacer

    async def deliver(self, message: Outbound) -> DeliveryResult: ...


def unlimited() -> Pacer:
    return Pacer(10_000, lambda _chat: (10_000, 1.0))


@dataclass
class _Job:
    message: Outbound
    attempts: int


class OutboxWorker:
    def __init__(
        self,
        engine: Engine,
        transports: dict[str, Transport],
        *,
        clock: Callable[[], datetime] = utc_now,
        max_attempts: int = 8,
        poll_seconds: float = 1.0,
        on_failed: Callable[[int, str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.transports = transports
        self.clock = clock
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.on_failed = on_failed
        self._wake = asyncio.Event()
        self._chat_tasks: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._in_flight: set[int] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox pass failed; retrying")
            self._wake.clear()
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {waiter, stopper}, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            waiter.cancel()
            stopper.cancel()
        await self.drain()

    async def drain(self) -> None:
        """Wait for the chat queues already started (used on shutdown and in tests)."""
        while self._chat_tasks:
            await asyncio.gather(*list(self._chat_tasks.values()), return_exceptions=True)

    async def deliver_due(self, limit: int = 2000) -> int:
        """Start delivering every due message; returns how many were started."""
        jobs = await asyncio.to_thread(self._load_due, limit)
        by_chat: dict[tuple[str, str], list[_Job]] = defaultdict(list)
        for job in jobs:
            if job.message.outbox_id in self._in_flight:
                continue
            self._in_flight.add(job.message.outbox_id)
            by_chat[(job.message.platform, job.message.chat_id)].append(job)
        for key, queue in by_chat.items():
            previous = self._chat_tasks.get(key)
            task = asyncio.create_task(self._deliver_chat(queue, previous))
            self._chat_tasks[key] = task
            task.add_done_callback(lambda done, key=key: self._forget_task(key, done))
        return sum(len(q) for q in by_chat.values())

    def _forget_task(self, key: tuple[str, str], task: asyncio.Task[None]) -> None:
        if self._chat_tasks.get(key) is task:
            del self._chat_tasks[key]

    def _load_due(self, limit: int) -> list[_Job]:
        with unit_of_work(self.engine) as session:
            rows = outbox.due_messages(
                session=session, platforms=list(self.transports), now=self.clock(), limit=limit
            )
            jobs = []
            for row in rows:
                reply = Reply.from_payload(row.payload)
                files = (
                    tuple(
                        Attachment(a.kind, a.filename, a.content_type, a.data)  # type: ignore[arg-type]
                        for a in outbox.attachments_of(session=session, message_id=row.id)
                    )
                    if row.payload.get("attachments")
                    else ()
                )
                message = Outbound(
                    outbox_id=row.id,
                    platform=row.platform,
                    chat_id=row.chat_id,
                    text=reply.text,
                    choices=reply.choices,
                    attachments=files,
                    idempotency_key=row.idempotency_key,
                )
                jobs.append(_Job(message, row.attempts))
            return jobs

    async def _deliver_chat(self, queue: list[_Job], previous: asyncio.Task[None] | None) -> None:
        if previous is not None:  # keep one chat's messages in order across passes
            await asyncio.gather(previous, return_exceptions=True)
        for index, job in enumerate(queue):
            ok = await self._deliver_one(job)
            if not ok:
                # A failed message blocks the ones after it in this chat (order matters, e.g. a
                # question after its context); they are picked up again with it on a later pass.
                for rest in queue[index + 1 :]:
                    self._in_flight.discard(rest.message.outbox_id)
                return

    async def _deliver_one(self, job: _Job) -> bool:
        message = job.message
        transport = self.transports[message.platform]
        try:
            await transport.pacer.acquire(message.chat_id)
            result = await transport.deliver(message)
        except DeliveryError as error:
            await asyncio.to_thread(self._record_failure, job, error)
            return False
        except Exception as error:  # a bug or an unexpected library error: retry, bounded
            log.exception("delivery of outbox %s raised", message.outbox_id)
            await asyncio.to_thread(
                self._record_failure, job, DeliveryError(repr(error), retryable=True)
            )
            return False
        finally:
            self._in_flight.discard(message.outbox_id)
        await asyncio.to_thread(self._record_sent, message.outbox_id, result.external_id)
        return True

    def _record_sent(self, outbox_id: int, external_id: str | None) -> None:
        with unit_of_work(self.engine) as session:
            row = outbox.message_by_id(session=session, message_id=outbox_id)
            if row is not None:
                outbox.mark_sent(
                    session=session, message=row, now=self.clock(), external_id=external_id
                )

    def _record_failure(self, job: _Job, error: DeliveryError) -> None:
        attempts = job.attempts + 1
        with unit_of_work(self.engine) as session:
            row = outbox.message_by_id(session=session, message_id=job.message.outbox_id)
            if row is None:
                return
            if not error.retryable or attempts >= self.max_attempts:
                outbox.mark_failed(session=session, message=row, error=str(error))
                failed = True
            else:
                delay = error.retry_after if error.retry_after is not None else backoff(attempts)
                outbox.mark_retry(
                    session=session,
                    message=row,
                    next_attempt_at=self.clock() + timedelta(seconds=delay),
                    error=str(error),
                )
                failed = False
        log.warning("outbox %s attempt %s failed: %s", job.message.outbox_id, attempts, error)
        if failed and self.on_failed:
            self.on_failed(job.message.outbox_id, str(error))


def backoff(attempts: int) -> float:
    """Exponential backoff with jitter: about 1, 2, 4 ... seconds, at most five minutes."""
    return min(300.0, 2 ** (attempts - 1)) * random.uniform(0.8, 1.2)
