"""Priority lanes in the pacing windows, on a fake monotonic clock (nothing sleeps; a waiter is
only checked to be waiting or admitted)."""

from __future__ import annotations

import asyncio

import pytest

import bot.pacing as pacing_module
from bot.pacing import Pacer, SlidingWindow
from tests.fakes.aio import run


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def mono(monkeypatch: pytest.MonkeyPatch) -> FakeMonotonic:
    clock = FakeMonotonic()
    monkeypatch.setattr(pacing_module.time, "monotonic", clock)
    return clock


async def _settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def _kick(window: SlidingWindow) -> None:
    if window._wake is not None and not window._wake.done():
        window._wake.set_result(None)


def test_a_reply_takes_the_next_place_before_bulk_that_waited_longer(mono: FakeMonotonic) -> None:
    async def main() -> list[str]:
        window = SlidingWindow(1, 1.0)
        order: list[str] = []
        await window.acquire()

        async def take(name: str, priority: int) -> None:
            await window.acquire(priority)
            order.append(name)

        tasks = [asyncio.create_task(take(f"bulk{i}", 2)) for i in range(3)]
        await _settle()
        tasks.append(asyncio.create_task(take("reminder", 1)))
        await _settle()
        tasks.append(asyncio.create_task(take("reply", 0)))
        await _settle()
        assert order == []
        for _ in range(5):
            window.release()
            mono.now += 1.0
            _kick(window)
            await _settle()
        await asyncio.gather(*tasks)
        return order

    assert run(main()) == ["reply", "reminder", "bulk0", "bulk1", "bulk2"]


def test_a_cancelled_waiter_gives_its_turn_to_the_next(mono: FakeMonotonic) -> None:
    async def main() -> list[str]:
        window = SlidingWindow(1, 1.0)
        order: list[str] = []
        await window.acquire()

        async def take(name: str, priority: int) -> None:
            await window.acquire(priority)
            order.append(name)

        first = asyncio.create_task(take("first", 0))
        second = asyncio.create_task(take("second", 2))
        await _settle()
        first.cancel()
        await _settle()
        window.release()
        mono.now += 1.0
        _kick(window)
        await second
        assert first.cancelled() and window._queue == []
        return order

    assert run(main()) == ["second"]


def test_lower_lanes_enter_the_windows_a_seconds_worth_at_a_time(mono: FakeMonotonic) -> None:
    """Bulk never fills a chat's window while waiting for the global one: at most the global rate
    of lower-lane messages hold places at once, so a reply to a nudged chat is not held up."""

    async def main() -> None:
        pacer = Pacer(2, lambda chat: (1.0, 1.0))
        inside: list[str] = []
        release = asyncio.Event()

        async def bulk(chat: str) -> None:
            async with pacer.slot(chat, 2):
                inside.append(chat)
                await release.wait()

        tasks = [asyncio.create_task(bulk(f"c{i}")) for i in range(5)]
        await _settle()
        assert inside == ["c0", "c1"]  # the global window allows 2; the other 3 hold nothing
        assert "c4" not in pacer._chats or pacer._chats["c4"]._in_flight == 0
        reply_sent = False

        async def reply() -> None:
            nonlocal reply_sent
            async with pacer.slot("c4", 0):
                reply_sent = True
                inside.append("reply")

        replying = asyncio.create_task(reply())
        await _settle()
        assert not reply_sent  # the global window is full: it waits, but first in line
        release.set()
        await _settle()
        mono.now += 1.0
        _kick(pacer._global)
        await _settle()
        await replying
        assert reply_sent and inside.index("reply") == 2  # before the three bulk still waiting
        for _ in range(6):
            mono.now += 1.0
            _kick(pacer._global)
            for window in pacer._chats.values():
                _kick(window)
            await _settle()
        await asyncio.gather(*tasks)
        assert sorted(inside) == [*(f"c{i}" for i in range(5)), "reply"]
        assert pacer._global._in_flight == 0 and pacer._gate._in_flight == 0

    run(main())
