"""Wake waiters on any event loop or thread when a fake's state changes.

The fake Telegram server may run on the test's own event loop or on a background thread with a
loop of its own, while the test waits from a third place (another loop, or plain sync code).
Polling with sleeps would make tests slow and timing-dependent, so every state change calls
`changed()`, which wakes sync waiters through a `threading.Condition` and async waiters through
`call_soon_threadsafe` on whichever loop they wait on.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Notifier:
    """A condition that both threads and coroutines (on any loop) can wait on."""

    def __init__(self, lock: threading.RLock) -> None:
        # The Condition shares the state lock, so a sync waiter's predicate runs under the same
        # lock as the mutations: one lock, no ordering to get wrong.
        self.lock = lock
        self._cond = threading.Condition(lock)
        self._async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._waiters_lock = threading.Lock()

    def changed(self) -> None:
        """Wake everybody; call with or without the state lock held."""
        with self._cond:
            self._cond.notify_all()
        with self._waiters_lock:
            waiters = list(self._async_waiters)
        for loop, event in waiters:
            # RuntimeError: that loop is closed, and its waiter is gone with it.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float | None) -> T:
        """Return the first truthy `predicate()`; raise TimeoutError after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        entry = (loop, event)
        with self._waiters_lock:
            self._async_waiters.add(entry)
        deadline = None if timeout is None else loop.time() + timeout
        try:
            while True:
                # Clear before checking: a change between the check and the wait sets it again.
                event.clear()
                with self.lock:
                    result = predicate()
                if result:
                    return result
                remaining = None if deadline is None else deadline - loop.time()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError("condition not met in time")
                try:
                    await asyncio.wait_for(event.wait(), remaining)
                except TimeoutError:
                    with self.lock:
                        result = predicate()
                    if result:
                        return result
                    raise
        finally:
            with self._waiters_lock:
                self._async_waiters.discard(entry)

    def wait_for_sync(self, predicate: Callable[[], T | None], timeout: float | None) -> T:
        """Blocking twin of `wait_for`, for plain (non-async) test code."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError("condition not met in time")
                self._cond.wait(remaining)
