"""Long polling that acknowledges an update only after it was handled.

PTB's stock Updater confirms a batch to Telegram before any handler ran, so a crash loses it. Here
``getUpdates(offset=...)`` confirms only updates whose handling finished; the same offset is kept in
the database, so a restart neither loses nor replays anything (a replay after a crash between
handling and storing is dropped by the pipeline's inbox).

Updates of different people run concurrently; one person's updates run strictly one after the
other, and when one of them fails, the ones after it wait for its retry. The confirmed offset is the
lowest update still unfinished, never beyond it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, Update
from telegram.error import (
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
MAX_IN_FLIGHT = 200


class UpdatePoller:
    def __init__(
        self,
        bot: Bot,
        process: Callable[[Update], Awaitable[None]],
        *,
        load_offset: Callable[[], Awaitable[int | None]],
        save_offset: Callable[[int], Awaitable[None]],
        poll_timeout: int,
        read_timeout: float,
    ) -> None:
        self.bot = bot
        self.process = process
        self.load_offset = load_offset
        self.save_offset = save_offset
        self.poll_timeout = poll_timeout
        self.read_timeout = read_timeout
        self._pending: dict[int, asyncio.Task[bool]] = {}  # received, not finished (or failed)
        self._failed: set[int] = set()
        self._last_of_sender: dict[str, asyncio.Task[bool]] = {}
        self._next: int | None = None  # offset after the highest update seen
        self._saved: int | None = None

    def confirmable_offset(self) -> int | None:
        """The offset that confirms exactly the finished updates (None: nothing seen yet)."""
        if self._pending:
            return min(self._pending)
        return self._next

    async def run(self, stop: asyncio.Event) -> None:
        self._saved = self._next = await self.load_offset()
        failures = 0
        try:
            while not stop.is_set():
                try:
                    await self._store_offset()
                except Exception:  # the database is away: confirm nothing to Telegram yet
                    log.exception("could not store the update offset; trying again")
                    await _sleep_or_stop(stop, 1.0)
                    continue
                try:
                    updates = await self._poll(stop)
                    failures = 0
                except (InvalidToken, Forbidden):
                    raise
                except (Conflict, NetworkError, RetryAfter, TelegramError) as error:
                    failures += 1
                    wait = min(30.0, 0.5 * 2**failures)
                    if isinstance(error, RetryAfter):
                        wait = max(wait, retry_after_seconds(error))
                    log.warning("getUpdates failed (%s); again in %.1f s", error, wait)
                    await _sleep_or_stop(stop, wait)
                    continue
                if updates is None:
                    continue
                fresh = self._schedule(updates)
                if self._pending and not fresh:
                    # Telegram hands back what is still being handled: wait for progress
                    # instead of polling in a tight loop.
                    await self._wait_for_progress(stop)
                if self._failed:
                    await _sleep_or_stop(stop, 1.0)  # let a failing database recover a little
                while len(self._pending) >= MAX_IN_FLIGHT and not stop.is_set():
                    await self._wait_for_progress(stop)
        except asyncio.CancelledError:
            # Cancelled from outside (a crash, a hard shutdown): stop handling at once and store
            # nothing more; whatever did not finish comes again after the restart.
            for task in self._pending.values():
                task.cancel()
            raise
        except Exception:
            await self._finish()
            raise
        await self._finish()

    async def _poll(self, stop: asyncio.Event) -> tuple[Update, ...] | None:
        timeout = 0 if self._pending else self.poll_timeout
        poll = asyncio.ensure_future(
            self.bot.get_updates(
                offset=self.confirmable_offset(),
                timeout=timeout,
                limit=100,
                allowed_updates=ALLOWED_UPDATES,
                read_timeout=timeout + self.read_timeout,
            )
        )
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({poll, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
        if not poll.done():
            poll.cancel()
            await asyncio.gather(poll, return_exceptions=True)
            return None
        return poll.result()

    def _schedule(self, updates: tuple[Update, ...]) -> int:
        fresh = 0
        for update in updates:
            uid = update.update_id
            if self._next is not None and uid < self._next and uid not in self._failed:
                continue  # already handled, or being handled right now
            if uid in self._pending and uid not in self._failed:
                continue
            self._failed.discard(uid)
            fresh += 1
            sender = _sender_key(update)
            previous = self._last_of_sender.get(sender)
            task = asyncio.create_task(self._handle(update, previous))
            self._pending[uid] = task
            self._last_of_sender[sender] = task
            task.add_done_callback(lambda done, s=sender: self._forget_sender(s, done))
            self._next = max(self._next or 0, uid + 1)
        return fresh

    async def _handle(self, update: Update, previous: asyncio.Task[bool] | None) -> bool:
        uid = update.update_id
        if previous is not None and not await _succeeded(previous):
            self._failed.add(uid)  # keep this person's order: retry after the earlier one
            return False
        try:
            await self.process(update)
        except Exception:
            log.exception("update %s could not be handled; it will come again", uid)
            self._failed.add(uid)
            return False
        self._pending.pop(uid, None)
        return True

    def _forget_sender(self, sender: str, task: asyncio.Task[bool]) -> None:
        if self._last_of_sender.get(sender) is task:
            del self._last_of_sender[sender]

    async def _wait_for_progress(self, stop: asyncio.Event) -> None:
        running = [t for t in self._pending.values() if not t.done()]
        if not running:
            return
        stopper = asyncio.ensure_future(stop.wait())
        try:
            # Wake at the latest after a second so new updates of other people are fetched.
            await asyncio.wait(
                {*running, stopper}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stopper.cancel()

    async def _store_offset(self) -> None:
        offset = self.confirmable_offset()
        if offset is not None and offset != self._saved:
            await self.save_offset(offset)
            self._saved = offset

    async def _finish(self) -> None:
        """On the way out: let running handlers finish, then store and confirm the offset."""
        running = [t for t in self._pending.values() if not t.done()]
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        offset = self.confirmable_offset()
        if offset is None:
            return
        try:
            await self._store_offset()
            # Confirm to Telegram too, so even a server without our database forgets them.
            await self.bot.get_updates(offset=offset, timeout=0, limit=1, read_timeout=5.0)
        except (TelegramError, OSError) as error:
            log.info("could not confirm the last updates on shutdown: %s", error)


def retry_after_seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after is an int, or a timedelta with PTB_TIMEDELTA set: accept both."""
    with warnings.catch_warnings():  # PTB 22.2+ announces the switch to timedelta
        warnings.simplefilter("ignore")
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _sender_key(update: Update) -> str:
    user = update.effective_user
    if user is not None:
        return f"user:{user.id}"
    chat = update.effective_chat
    return f"chat:{chat.id}" if chat is not None else f"update:{update.update_id}"


async def _succeeded(task: asyncio.Task[bool]) -> bool:
    try:
        return await asyncio.shield(task)
    except BaseException:
        return False


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
