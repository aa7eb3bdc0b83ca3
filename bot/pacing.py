"""Pacing: how fast messages may leave, overall and per chat, as each platform's limits demand.

A message holds its place in its chat's window and in the overall window from admission until its
request has finished, and counts from then: the platform measures arrivals, and a leaky bucket
(which lets a burst through and refills continuously) admitted more than a "30 in the last second"
window allows, so Telegram answered 429.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable


class SlidingWindow:
    """At most ``limit`` messages in any ``period`` seconds, as the platform counts them.

    Telegram counts "30 in the last second" by arrival, a sliding window. A leaky bucket
    (aiolimiter) lets a full burst through and then refills continuously, so right after a burst
    it admits more than such a window allows and the platform answers 429. Scheduling by our own
    clock is not enough either: requests reach the platform a few to a hundred milliseconds later,
    unevenly, and that jitter alone causes 429s at full speed.

    So a message holds its place in the window from the moment it is admitted until its request
    has *finished* (``release``), and counts from then on: the platform received it before we
    got the answer, so ``finished + period`` is a safe moment for the message ``limit`` places
    later, whatever the network did. Waiters are served first come, first served.
    """

    def __init__(self, limit: int, period: float) -> None:
        self.limit = max(1, int(limit))
        self.period = period
        self._finished: deque[float] = deque()  # when recent requests finished, oldest first
        self._in_flight = 0
        self._queue: list[_Ticket] = []  # a heap: lowest priority number first, then arrival
        self._arrivals = itertools.count()
        self._wake: asyncio.Future[None] | None = None  # the first in line waits on this

    def _free_at(self, now: float) -> float | None:
        """When a place is free: ``now`` or later, or None when only a release can free one."""
        while self._finished and self._finished[0] <= now - self.period:
            self._finished.popleft()
        excess = len(self._finished) + self._in_flight - self.limit  # >= 0: no place now
        if excess < 0:
            return now
        if excess < len(self._finished):
            return self._finished[excess] + self.period  # when enough entries have aged out
        return None

    async def acquire(self, priority: int = 0) -> None:
        """Wait for a place; the caller must ``release()`` once its request is done.

        Waiters are served by ``priority`` (lower first), then first come, first served: a reply
        that arrives while a thousand nudges wait takes the next free place.
        """
        now = time.monotonic()
        if not self._queue and self._free_at(now) == now:
            self._in_flight += 1
            return
        loop = asyncio.get_running_loop()
        ticket = _Ticket(priority, next(self._arrivals))
        heapq.heappush(self._queue, ticket)
        if self._queue[0] is ticket:
            self._poke()  # it goes before the one waiting for a place: that one steps back
        try:
            while True:
                if self._queue[0] is not ticket:
                    ticket.turn = loop.create_future()
                    await ticket.turn  # resolved when this caller is first in line
                    continue
                now = time.monotonic()
                free_at = self._free_at(now)
                if free_at is not None and free_at <= now:
                    break
                self._wake = loop.create_future()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake, None if free_at is None else free_at - now)
            self._in_flight += 1
        finally:
            self._queue.remove(ticket)  # by identity: tickets never compare equal
            heapq.heapify(self._queue)
            if self._queue:
                first = self._queue[0].turn
                if first is not None and not first.done():
                    first.set_result(None)

    def _poke(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    def release(self) -> None:
        """The admitted request is done (sent, refused or failed): count it from now."""
        self._in_flight = max(0, self._in_flight - 1)
        self._finished.append(time.monotonic())
        self._poke()


class _Ticket:
    """A waiter's place in line. Ordered by (priority, arrival); equal only to itself."""

    __slots__ = ("arrival", "priority", "turn")

    def __init__(self, priority: int, arrival: int) -> None:
        self.priority, self.arrival = priority, arrival
        self.turn: asyncio.Future[None] | None = None

    def __lt__(self, other: _Ticket) -> bool:
        return (self.priority, self.arrival) < (other.priority, other.arrival)


def _window(rate: float, period: float, slack: float) -> SlidingWindow:
    """``rate`` messages per ``period`` seconds; a fractional rate becomes 1 per longer period."""
    if rate >= 1:
        whole = int(rate)
        return SlidingWindow(whole, period * whole / rate + slack)
    return SlidingWindow(1, period / max(rate, 1e-9) + slack)


class Pacer:
    """Global and per-chat rate limits as sliding windows (see ``SlidingWindow``), with lanes.

    ``chat_rate(chat_id) -> (messages, per_seconds)`` lets a transport give groups and private chats
    different limits (Telegram: 1/s per private chat, 20/min per group). ``slack`` seconds are
    added to every window as a margin for clock differences.

    Use ``async with pacer.slot(chat_id, priority): <send>``: the slot is held until the request is
    done. ``acquire(chat_id)`` alone counts the message as sent at once (for callers without a hook
    after the send).

    Lanes: priority 0 (replies, alerts) takes the next free place of both windows before anything
    waiting with a higher number. Messages of the lower lanes (reminders, bulk) are let into the
    windows only a second's worth at a time (``gate``): a thousand nudges never sit in a chat's
    window waiting for the global one, where they would hold up a reply to that same chat.
    """

    def __init__(
        self,
        global_per_second: float,
        chat_rate: Callable[[str], tuple[float, float]],
        *,
        slack: float = 0.0,
    ) -> None:
        self._global = _window(global_per_second, 1.0, slack)
        self._gate = SlidingWindow(max(1, int(global_per_second)), 0.0)  # a priority semaphore
        self._chat_rate = chat_rate
        self._slack = slack
        self._chats: dict[str, SlidingWindow] = {}

    def _chat(self, chat_id: str) -> SlidingWindow:
        window = self._chats.get(chat_id)
        if window is None:
            rate, period = self._chat_rate(chat_id)
            window = self._chats[chat_id] = _window(rate, period, self._slack)
        return window

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: str, priority: int = 0) -> AsyncIterator[None]:
        """A place for one message to ``chat_id``, held until the block (the send) is done."""
        gated = priority > 0
        if gated:
            await self._gate.acquire(priority)
        try:
            held = _Held(self._chat(chat_id), self._global, priority)
            await held.take()
            token = _CURRENT_SLOT.set((self, chat_id, held))
            try:
                yield
            finally:
                _CURRENT_SLOT.reset(token)
                held.give_back()
        finally:
            if gated:
                self._gate.release()

    async def next_message(self, chat_id: str) -> None:
        """Inside ``slot(chat_id)``: one more message goes out (a long text in parts).

        The previous one is done; wait for a place for the next, paced like any message. Outside
        a slot this is ``acquire``.
        """
        current = _CURRENT_SLOT.get()
        if current is not None and current[0] is self and current[1] == chat_id:
            current[2].give_back()
            await current[2].take()
        else:
            await self.acquire(chat_id)

    async def acquire(self, chat_id: str, priority: int = 0) -> None:
        async with self.slot(chat_id, priority):
            pass


class _Held:
    """The places one message holds in its chat's window and the global one."""

    def __init__(self, chat: SlidingWindow, overall: SlidingWindow, priority: int = 0) -> None:
        self.chat, self.overall, self.priority = chat, overall, priority
        self.held = False

    async def take(self) -> None:
        await self.chat.acquire(self.priority)
        try:
            await self.overall.acquire(self.priority)
        except BaseException:
            self.chat.release()
            raise
        self.held = True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self.overall.release()
            self.chat.release()


_CURRENT_SLOT: contextvars.ContextVar[tuple[Pacer, str, _Held] | None] = contextvars.ContextVar(
    "nis2bot_pacer_slot", default=None
)


def unlimited() -> Pacer:
    return Pacer(10_000, lambda _chat: (10_000, 1.0))
