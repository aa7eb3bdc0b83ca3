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
from typing import Protocol, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.messages import Attachment, DeliveryResult, Outbound
from bot.observability import DELIVERY_DELAY_SECONDS, DELIVERY_FAILURES
from bot.pacing import Pacer
from handlers.reply import Reply
from storage import outbox
from storage.clock import utc_now
from storage.db import unit_of_work

log = logging.getLogger(__name__)
RECORD_ATTEMPTS = 5  # tries to write an outcome, over about 3 s: a dropped connection, a fail-over
_T = TypeVar("_T")


class DeliveryError(Exception):
    """Raised by a transport. ``retryable`` with an optional ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class Transport(Protocol):
    platform: str
    pacer: Pacer

    async def deliver(self, message: Outbound) -> DeliveryResult: ...


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
        # Per chat, the oldest message waiting for its retry: later messages of that chat wait
        # too, or a retry would arrive after the message that should follow it.
        self._held: dict[tuple[str, str], int] = {}
        # Ids settled (sent, failed, rescheduled) while a pass was reading the due rows: that
        # read may predate the commit and still show them pending.
        self._settled_during_load: list[set[int]] = []

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Clear before the pass, not after: a wake() while the pass reads the database is
            # for rows that pass may not see, and must start the next pass at once.
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox pass failed; retrying")
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
        settled: set[int] = set()
        self._settled_during_load.append(settled)
        try:
            jobs = await asyncio.to_thread(self._load_due, limit)
        finally:
            self._settled_during_load.remove(settled)
        jobs = [job for job in jobs if job.message.outbox_id not in settled]
        by_chat: dict[tuple[str, str], list[_Job]] = defaultdict(list)
        due = {job.message.outbox_id for job in jobs}
        for job in sorted(jobs, key=lambda j: j.message.outbox_id):  # queued order per chat
            if job.message.outbox_id in self._in_flight:
                continue
            held = self._held.get((job.message.platform, job.message.chat_id))
            if held is not None and held not in due and job.message.outbox_id > held:
                continue  # behind a message still waiting for its retry
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
            held = self._held.get((job.message.platform, job.message.chat_id))
            blocked = held is not None and held < job.message.outbox_id
            # An earlier message of this chat failed meanwhile (in a task queued before this
            # one): wait for its retry instead of overtaking it.
            try:
                ok = False if blocked else await self._deliver_one(job)
            except Exception:  # the outcome could not be recorded (database away): due again
                log.exception("outbox %s: outcome not recorded", job.message.outbox_id)
                ok = False
            if not ok:
                # A failed message blocks the ones after it in this chat (order matters, e.g. a
                # question after its context); they are picked up again with it on a later pass.
                for rest in queue[index + (1 if not blocked else 0) :]:
                    self._in_flight.discard(rest.message.outbox_id)
                return

    async def _deliver_one(self, job: _Job) -> bool:
        message = job.message
        transport = self.transports[message.platform]
        # The id stays "in flight" until the outcome is committed: a pass of deliver_due in
        # between would otherwise read the row as still pending and send it a second time.
        try:
            try:
                async with transport.pacer.slot(message.chat_id):
                    result = await transport.deliver(message)
            except DeliveryError as error:
                failed = await _recording(self._record_failure, job, error)
                self._hold(message, retrying=not failed)
                return False
            except Exception as error:  # a bug or an unexpected library error: retry, bounded
                log.exception("delivery of outbox %s raised", message.outbox_id)
                failed = await _recording(
                    self._record_failure, job, DeliveryError(repr(error), retryable=True)
                )
                self._hold(message, retrying=not failed)
                return False
            await _recording(self._record_sent, message.outbox_id, result.external_id)
            self._hold(message, retrying=False)
            return True
        finally:
            self._in_flight.discard(message.outbox_id)
            for settled in self._settled_during_load:
                settled.add(message.outbox_id)

    def _hold(self, message: Outbound, *, retrying: bool) -> None:
        key = (message.platform, message.chat_id)
        held = self._held.get(key)
        if retrying:
            self._held[key] = message.outbox_id if held is None else min(held, message.outbox_id)
        elif held == message.outbox_id:
            del self._held[key]

    def _record_sent(self, outbox_id: int, external_id: str | None) -> None:
        with unit_of_work(self.engine) as session:
            row = outbox.message_by_id(session=session, message_id=outbox_id)
            if row is not None:
                now = self.clock()
                outbox.mark_sent(session=session, message=row, now=now, external_id=external_id)
                delay = (now - row.created_at).total_seconds()
                DELIVERY_DELAY_SECONDS.labels(row.platform).observe(max(0.0, delay))

    def _record_failure(self, job: _Job, error: DeliveryError) -> bool:
        """Record a failed attempt; True when the message is now failed for good."""
        attempts = job.attempts + 1
        with unit_of_work(self.engine) as session:
            row = outbox.message_by_id(session=session, message_id=job.message.outbox_id)
            if row is None:
                return True
            if not error.retryable or attempts >= self.max_attempts:
                outbox.mark_failed(session=session, message=row, error=str(error))
                DELIVERY_FAILURES.labels(row.platform).inc()
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
        return failed


async def _recording(record: Callable[..., _T], *args: object) -> _T:
    """Write an outcome, again after a dropped database connection: the message already went
    out (or failed), and an outcome left unrecorded means the message is sent a second time."""
    for attempt in range(RECORD_ATTEMPTS):
        try:
            return await asyncio.to_thread(record, *args)
        except OperationalError:  # the pool replaces the dead connection (pool_pre_ping)
            if attempt == RECORD_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def backoff(attempts: int) -> float:
    """Exponential backoff with jitter: about 1, 2, 4 ... seconds, at most five minutes."""
    return min(300.0, 2 ** (attempts - 1)) * random.uniform(0.8, 1.2)
