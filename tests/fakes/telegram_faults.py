"""Fault injection and Telegram's flood limits for the fake Bot API.

Faults are what the network and Telegram do to a bot on a bad day: 429 with retry_after, 5xx,
and requests that hang until the client gives up. A time-out on a send may still have delivered
the message (Telegram did the work, the answer got lost), which is exactly how a retrying bot
sends something twice; `Fault.timeout(deliver=True)` reproduces that.

The flood limits are enforced, not just advertised, so pacing bugs in the outbox show up as 429s
in tests and not first in production.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["rate_limit", "server_error", "timeout"]


@dataclass(frozen=True)
class Fault:
    """One injected failure. Build with the class methods."""

    kind: FaultKind
    retry_after: int = 1
    status: int = 502
    deliver: bool = False

    @classmethod
    def rate_limit(cls, retry_after: int = 1) -> Fault:
        """429 Too Many Requests with `parameters.retry_after` (PTB raises RetryAfter)."""
        return cls("rate_limit", retry_after=retry_after)

    @classmethod
    def server_error(cls, status: int = 502) -> Fault:
        """A 5xx answer (PTB raises NetworkError)."""
        return cls("server_error", status=status)

    @classmethod
    def timeout(cls, deliver: bool = False) -> Fault:
        """Hold the request until the client gives up, then drop the connection.

        With `deliver=True` the method runs first (the message is recorded as delivered) and
        only the answer is lost, as happens with the real Telegram.
        """
        return cls("timeout", deliver=deliver)


class FaultInjector:
    """Decides, per request, whether a fault hits it: scripted sequences first, then chance."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str | None, deque[Fault | None]] = {}
        self._chances: list[tuple[float, Fault]] = []
        self._methods: frozenset[str] | None = None
        self._random = random.Random(0)
        self.injected: Counter[str] = Counter()

    def script(self, *faults: Fault | None, method: str | None = None) -> None:
        """Queue faults for the next requests of `method` (any method if None).

        `None` in the sequence lets one request through untouched, so
        `script(Fault.rate_limit(2), None, Fault.server_error(), method="sendMessage")`
        fails the 1st and 3rd sendMessage. A method-specific script is used before the
        any-method one. Prefer naming the method: with method=None a concurrent getUpdates
        poller may take the fault meant for a send.
        """
        key = method.lower() if method else None
        with self._lock:
            self._scripts.setdefault(key, deque()).extend(faults)

    def set_chances(
        self,
        *,
        rate_limit: float = 0.0,
        server_error: float = 0.0,
        timeout: float = 0.0,
        methods: Iterable[str] | None = ("sendMessage", "sendPhoto", "sendDocument"),
        retry_after: int = 1,
        status: int = 502,
        deliver_on_timeout: bool = False,
        seed: int | None = 0,
    ) -> None:
        """Fail a share of the requests of `methods` (all methods if None) at random.

        Seeded by default so a failing run can be repeated exactly.
        """
        if rate_limit + server_error + timeout > 1.0:
            raise ValueError("the chances add up to more than 1")
        with self._lock:
            self._chances = [
                (rate_limit, Fault.rate_limit(retry_after)),
                (server_error, Fault.server_error(status)),
                (timeout, Fault.timeout(deliver_on_timeout)),
            ]
            self._methods = None if methods is None else frozenset(m.lower() for m in methods)
            self._random = random.Random(seed)

    def clear(self) -> None:
        """Remove every script and chance (the counters stay)."""
        with self._lock:
            self._scripts.clear()
            self._chances = []

    def pending(self, method: str | None = None) -> int:
        """How many scripted entries for `method` are still waiting to be used."""
        key = method.lower() if method else None
        with self._lock:
            return len(self._scripts.get(key, ()))

    def next_fault(self, method: str) -> Fault | None:
        key = method.lower()
        with self._lock:
            for script_key in (key, None):
                script = self._scripts.get(script_key)
                if script:
                    fault = script.popleft()
                    break
            else:
                fault = self._roll(key)
            if fault is not None:
                self.injected[fault.kind] += 1
            return fault

    def _roll(self, method: str) -> Fault | None:
        if not self._chances or (self._methods is not None and method not in self._methods):
            return None
        draw = self._random.random()
        for chance, fault in self._chances:
            if draw < chance:
                return fault
            draw -= chance
        return None


@dataclass
class RateLimits:
    """Telegram's documented flood limits; `time_scale` > 1 shortens every window.

    With time_scale=10 a private chat takes 10 messages/s instead of 1 (the window is 0.1 s).
    retry_after stays a whole number of seconds, at least 1, as on the wire.
    """

    overall_per_second: int = 30
    private_per_second: int = 1
    group_per_minute: int = 20
    time_scale: float = 1.0
    enabled: bool = True


class RateLimiter:
    """Sliding-window logs per scope: overall, each private chat, each group."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._sent: dict[tuple[str, int], deque[float]] = {}
        self.rejected: Counter[str] = Counter()
        self.admitted = 0

    def _windows(self, chat_id: int, chat_type: str) -> list[tuple[str, int, float]]:
        scale = self.limits.time_scale
        windows = [("overall", self.limits.overall_per_second, 1.0 / scale)]
        if chat_type == "private":
            windows.append(("private", self.limits.private_per_second, 1.0 / scale))
        else:
            windows.append(("group", self.limits.group_per_minute, 60.0 / scale))
        return windows

    def try_admit(self, chat_id: int, chat_type: str, now: float) -> int | None:
        """Count one message and return None, or return retry_after without counting it.

        The caller holds the fake's state lock.
        """
        if not self.limits.enabled:
            self.admitted += 1
            return None
        waits: list[tuple[str, float]] = []
        logs: list[deque[float]] = []
        for scope, limit, window in self._windows(chat_id, chat_type):
            log = self._sent.setdefault((scope, 0 if scope == "overall" else chat_id), deque())
            while log and log[0] <= now - window:
                log.popleft()
            if len(log) >= limit:
                waits.append((scope, log[0] + window - now))
            logs.append(log)
        if waits:
            scope, wait = max(waits, key=lambda w: w[1])
            self.rejected[scope] += 1
            return max(1, math.ceil(wait))
        for log in logs:
            log.append(now)
        self.admitted += 1
        return None
