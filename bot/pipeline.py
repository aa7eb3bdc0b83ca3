"""The inbound pipeline: de-duplicate, handle in one transaction, strictly in order per person.

``Pipeline.handle(event)`` is what every transport calls. In one unit of work it claims the event in
the inbox (a replay is dropped), lets ``handlers.router`` answer, and queues every reply in the outbox.
A transport acknowledges the event to its platform (Telegram offset, Matrix next_batch) only after
this returns, so a crash before the commit means the platform delivers the event again: at least once
in, and thanks to the inbox exactly one effect.

One error boundary: anything that goes wrong is logged with a short reference, the transaction is
rolled back, and the person gets a one-line apology carrying that reference (committed together with
the inbox claim, so a poison message is not retried forever).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.messages import Inbound
from bot.observability import HANDLE_SECONDS, UPDATES
from handlers.context import Context
from handlers.reply import Reply, plain, refused
from handlers.router import handle_event
from handlers.settings import FeatureSettings
from storage import inbox, outbox
from storage.clock import utc_now
from storage.db import unit_of_work

log = logging.getLogger(__name__)
# People's messages are handled on threads of their own: when a job's writes or the outbox's
# bookkeeping fill asyncio's shared pool, a reply must not queue behind them.
INBOUND_THREADS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="nis2bot-inbound")
_T = TypeVar("_T")


async def in_thread(pool: ThreadPoolExecutor, fn: Callable[..., _T], *args: object) -> _T:
    """``asyncio.to_thread`` on a given pool (with the caller's context variables)."""
    context = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, functools.partial(context.run, fn, *args))


@dataclass
class HandleResult:
    duplicate: bool
    outbox_ids: list[int] = field(default_factory=list)
    error_reference: str | None = None
    refused: bool = False  # the core said no to what was asked (a button press keeps its buttons)


class Pipeline:
    def __init__(
        self,
        engine: Engine,
        settings: FeatureSettings,
        *,
        clock: Callable[[], datetime] = utc_now,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.on_queued = on_queued  # wakes the outbox worker
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def handle(self, event: Inbound) -> HandleResult:
        """Handle one event; events of one sender run strictly one after the other."""
        key = (event.platform, event.sender_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            started = time.perf_counter()
            result = await in_thread(INBOUND_THREADS, self.handle_sync, event)
            HANDLE_SECONDS.labels(event.platform).observe(time.perf_counter() - started)
        outcome = (
            "duplicate" if result.duplicate else "error" if result.error_reference else "handled"
        )
        UPDATES.labels(event.platform, outcome).inc()
        if not lock.locked() and not lock._waiters:  # type: ignore[attr-defined]
            self._locks.pop(key, None)
        if result.outbox_ids and self.on_queued:
            self.on_queued()
        return result

    def handle_sync(self, event: Inbound) -> HandleResult:
        now = self.clock()
        try:
            with unit_of_work(self.engine) as session:
                if not inbox.claim_event(
                    session=session, platform=event.platform, event_id=event.event_id, now=now
                ):
                    return HandleResult(duplicate=True)
                replies = handle_event(session, event, now=now, settings=self.settings)
                ids = _queue_replies(session, event, replies, now)
                return HandleResult(duplicate=False, outbox_ids=ids, refused=refused(replies))
        except Exception as error:
            if isinstance(error, DBAPIError) and error.connection_invalidated:
                raise  # a lost connection, not a bug: no apology, the event comes again
            reference = secrets.token_hex(3).upper()
            log.exception(
                "event %s/%s failed, reference %s", event.platform, event.event_id, reference
            )
            return self._apologise(event, reference, now)

    def _apologise(self, event: Inbound, reference: str, now: datetime) -> HandleResult:
        try:
            with unit_of_work(self.engine) as session:
                if not inbox.claim_event(
                    session=session, platform=event.platform, event_id=event.event_id, now=now
                ):
                    return HandleResult(duplicate=True)
                ctx = Context(session, now, self.settings, language_hint=event.sender_language)
                # Honest about what happened: this message's effects were rolled back and the
                # event is claimed, so nothing will handle it again unless the person resends it.
                text = ctx.t(
                    "Sorry, something went wrong on my side, and your last message was not "
                    "processed. Please send it again in a moment. Reference: {reference}",
                    reference=reference,
                )
                ids = _queue_replies(session, event, [Reply(plain(text))], now)
                return HandleResult(duplicate=False, outbox_ids=ids, error_reference=reference)
        except Exception:
            # The database itself is failing: leave the event unacknowledged so it comes again.
            log.exception("could not record failure %s; the event will be retried", reference)
            raise


def _queue_replies(session, event: Inbound, replies: list[Reply], now: datetime) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for index, reply in enumerate(replies):
        message_id = outbox.enqueue(
            session=session,
            platform=event.platform,
            chat_id=event.chat_id,
            payload=reply.to_payload(),
            idempotency_key=f"reply:{event.platform}:{event.event_id}:{index}",
            now=now,
            attachments=[(a.kind, a.filename, a.content_type, a.data) for a in reply.attachments],
        )
        if message_id is not None:
            ids.append(message_id)
    return ids
