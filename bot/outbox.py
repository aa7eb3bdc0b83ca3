"""Delivery of the outbox: paced at each platform's limits, retried with backoff, never twice on purpose.

The worker reads due rows, hands each to its platform's transport, and marks it sent right after the
platform confirmed it. Messages to one chat go strictly in order; different chats go in parallel, as
fast as the transport's ``Pacer`` allows. A transient failure (429 with retry_after, 5xx, time-out)
is retried with exponential backoff up to ``max_attempts``; then the row is marked failed and
``on_failed`` is told (the runtime reports it to the coordinator).

Lanes: each row has a priority (``OutboxPriority``). Replies and alerts are read in full on every
pass and take the next free place in the platform's windows; reminders, then bulk (nudges, digests,
summaries) use what is left, and only about ``lane_window`` of each lower lane are in flight at once,
so a reply queued during a 5,000-person fan-out is read and sent at once. Order is kept per chat and
lane: a reply may overtake a nudge to the same person, never an earlier reply.

One pass at a time: ``deliver_due`` is called by the worker's loop and by whoever wants a flush
(the terminal chat after each line); passes run one after the other, so a pass never reads rows
another pass is starting.

Idempotency: each row has a unique key, so whatever queued it twice queued it once. A crash between
the platform's confirmation and our "sent" mark can still resend one message; Matrix removes even
that (its transaction id is the outbox id), Telegram has no such mechanism.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.messages import Attachment, DeliveryResult, Outbound
from bot.observability import DELIVERY_DELAY_SECONDS, DELIVERY_FAILURES
from bot.pacing import Pacer
from bot.pipeline import in_thread
from handlers.reply import Reply
from storage import outbox
from storage.clock import utc_now
from storage.db import unit_of_work
from storage.enums import OutboxPriority
from storage.models import OutboxMessage

log = logging.getLogger(__name__)
RECORD_ATTEMPTS = 5  # tries to write an outcome, over about 3 s: a dropped connection, a fail-over
_T = TypeVar("_T")
LOWER_LANES = (OutboxPriority.REMINDER, OutboxPriority.BULK)
# Threads of the outbox's own: a pass's read never queues behind a fan-out's outcome writes, and
# neither takes threads from people's messages (bot.pipeline.INBOUND_THREADS).
OUTBOX_READS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nis2bot-outbox-read")
OUTBOX_WRITES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="nis2bot-outbox-write")


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
    lane: OutboxPriority = OutboxPriority.URGENT

    @property
    def chat(self) -> tuple[str, str, OutboxPriority]:
        return (self.message.platform, self.message.chat_id, self.lane)


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
        lane_window: int = 200,
    ) -> None:
        self.engine = engine
        self.transports = transports
        self.clock = clock
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.on_failed = on_failed
        self.lane_window = lane_window  # reminders or bulk messages in flight at once, per lane
        self._wake = asyncio.Event()
        # Per chat and lane, the task delivering its messages in order.
        self._chat_tasks: dict[tuple[str, str, OutboxPriority], asyncio.Task[None]] = {}
        self._in_flight: dict[int, OutboxPriority] = {}  # outbox id -> lane
        # Per chat and lane, the oldest message waiting for its retry: later messages of that
        # chat and lane wait too, or a retry would arrive after the message that should follow it.
        self._held: dict[tuple[str, str, OutboxPriority], int] = {}
        # Ids settled (sent, failed, rescheduled) while a pass was reading the due rows: that
        # read may predate the commit and still show them pending. Keyed by the pass's own
        # token: a set's identity, never its (changing) contents, says whose it is.
        self._settled_during_load: dict[int, set[int]] = {}
        self._pass_tokens = itertools.count()
        self._pass_lock: asyncio.Lock | None = None
        self._pass_lock_loop: asyncio.AbstractEventLoop | None = None

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

    def _one_pass_at_a_time(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._pass_lock is None or self._pass_lock_loop is not loop:
            self._pass_lock, self._pass_lock_loop = asyncio.Lock(), loop
        return self._pass_lock

    async def deliver_due(self, limit: int = 2000) -> int:
        """Start delivering every due message; returns how many were started.

        Passes run one at a time (callers wait for the pass under way, then run their own): two
        passes reading at once would each take the other's freshly started rows for pending ones.
        ``limit`` bounds the replies and alerts read per pass; the lower lanes are topped up to
        ``lane_window`` messages in flight each.
        """
        async with self._one_pass_at_a_time():
            return await self._pass(limit)

    async def _pass(self, limit: int) -> int:
        token = next(self._pass_tokens)
        settled: set[int] = set()
        self._settled_during_load[token] = settled
        try:
            # Replies and alerts first, started before the lower lanes are even read.
            started = await self._read_and_start({OutboxPriority.URGENT: limit}, settled)
            lower = {}
            for lane in LOWER_LANES:
                in_flight = sum(1 for held in self._in_flight.values() if held is lane)
                if in_flight <= self.lane_window // 2:  # topped up in batches, not per message
                    lower[lane] = self.lane_window  # the oldest rows include those in flight
            if lower:
                started += await self._read_and_start(lower, settled)
            return started
        finally:
            del self._settled_during_load[token]

    async def _read_and_start(self, wanted: dict[OutboxPriority, int], settled: set[int]) -> int:
        jobs = await in_thread(OUTBOX_READS, self._load_due, wanted, frozenset(self._in_flight))
        jobs = [job for job in jobs if job.message.outbox_id not in settled]
        by_chat: dict[tuple[str, str, OutboxPriority], list[_Job]] = defaultdict(list)
        due = {job.message.outbox_id for job in jobs}
        for job in sorted(jobs, key=lambda j: j.message.outbox_id):  # queued order per chat
            if job.message.outbox_id in self._in_flight:
                continue
            held = self._held.get(job.chat)
            if held is not None and held not in due and job.message.outbox_id > held:
                continue  # behind a message still waiting for its retry
            self._in_flight[job.message.outbox_id] = job.lane
            by_chat[job.chat].append(job)
        for key, queue in by_chat.items():
            previous = self._chat_tasks.get(key)
            task = asyncio.create_task(self._deliver_chat(queue, previous))
            self._chat_tasks[key] = task
            task.add_done_callback(lambda done, key=key: self._forget_task(key, done))
        return sum(len(q) for q in by_chat.values())

    def _forget_task(self, key: tuple[str, str, OutboxPriority], task: asyncio.Task[None]) -> None:
        if self._chat_tasks.get(key) is task:
            del self._chat_tasks[key]

    def _load_due(self, wanted: dict[OutboxPriority, int], skip: frozenset[int]) -> list[_Job]:
        """Due rows of each lane asked for; rows in ``skip`` (in flight) are not built again."""
        jobs = []
        with unit_of_work(self.engine, read_only=True) as session:  # never waits for a job's writes
            for lane, limit in wanted.items():
                rows = outbox.due_messages(
                    session=session,
                    platforms=list(self.transports),
                    now=self.clock(),
                    limit=limit,
                    priority=lane,
                )
                for row in rows:
                    if row.id in skip:
                        continue
                    jobs.append(_Job(self._outbound(session, row), row.attempts, lane))
        return jobs

    @staticmethod
    def _outbound(session: Session, row: OutboxMessage) -> Outbound:
        reply = Reply.from_payload(row.payload)
        files = (
            tuple(
                Attachment(a.kind, a.filename, a.content_type, a.data)  # type: ignore[arg-type]
                for a in outbox.attachments_of(session=session, message_id=row.id)  # type: ignore[arg-type]
            )
            if row.payload.get("attachments")
            else ()
        )
        return Outbound(
            outbox_id=row.id,  # type: ignore[arg-type]
            platform=row.platform,
            chat_id=row.chat_id,
            text=reply.text,
            choices=reply.choices,
            attachments=files,
            idempotency_key=row.idempotency_key,
        )

    async def _deliver_chat(self, queue: list[_Job], previous: asyncio.Task[None] | None) -> None:
        if previous is not None:  # keep one chat's messages in order across passes
            await asyncio.gather(previous, return_exceptions=True)
        for index, job in enumerate(queue):
            held = self._held.get(job.chat)
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
                    self._in_flight.pop(rest.message.outbox_id, None)
                return

    async def _deliver_one(self, job: _Job) -> bool:
        message = job.message
        transport = self.transports[message.platform]
        # The id stays "in flight" until the outcome is committed: a pass of deliver_due in
        # between would otherwise read the row as still pending and send it a second time.
        try:
            try:
                async with transport.pacer.slot(message.chat_id, job.lane):
                    result = await transport.deliver(message)
            except DeliveryError as error:
                failed = await _recording(self._record_failure, job, error)
                self._hold(job, retrying=not failed)
                return False
            except Exception as error:  # a bug or an unexpected library error: retry, bounded
                log.exception("delivery of outbox %s raised", message.outbox_id)
                failed = await _recording(
                    self._record_failure, job, DeliveryError(repr(error), retryable=True)
                )
                self._hold(job, retrying=not failed)
                return False
            await _recording(self._record_sent, message.outbox_id, result.external_id)
            self._hold(job, retrying=False)
            return True
        finally:
            self._in_flight.pop(message.outbox_id, None)
            for settled in self._settled_during_load.values():
                settled.add(message.outbox_id)

    def _hold(self, job: _Job, *, retrying: bool) -> None:
        key, outbox_id = job.chat, job.message.outbox_id
        held = self._held.get(key)
        if retrying:
            self._held[key] = outbox_id if held is None else min(held, outbox_id)
        elif held == outbox_id:
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
            return await in_thread(OUTBOX_WRITES, record, *args)
        except OperationalError:  # the pool replaces the dead connection (pool_pre_ping)
            if attempt == RECORD_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def backoff(attempts: int) -> float:
    """Exponential backoff with jitter: about 1, 2, 4 ... seconds, at most five minutes."""
    return min(300.0, 2 ** (attempts - 1)) * random.uniform(0.8, 1.2)
