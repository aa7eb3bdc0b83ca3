"""The sliding-window pacing used for Telegram's limits, on a fake monotonic clock (no sleeping
decides anything: a waiter is only checked to be waiting or admitted)."""

from __future__ import annotations

import asyncio

import pytest

import bot.pacing as pacing_module
from bot.pacing import Pacer, SlidingWindow
from bot.transports.telegram import chat_rate
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


def _kick(window: SlidingWindow) -> None:
    """Wake the first waiter now that the fake clock moved (its real-time timer would, later)."""
    if window._wake is not None and not window._wake.done():
        window._wake.set_result(None)


def test_a_place_is_held_until_release_and_counts_a_period_from_then(mono: FakeMonotonic) -> None:
    window = SlidingWindow(2, 1.0)
    assert window._free_at(mono()) == mono.now
    window._in_flight = 2  # two requests under way
    assert window._free_at(mono()) is None  # only a finished request can free a place
    mono.now += 0.3
    window.release()  # finished at 1000.3: its place frees at 1001.3, not 1001.0
    assert window._free_at(mono()) == pytest.approx(1001.3)
    mono.now = 1001.3
    assert window._free_at(mono()) == mono.now


def test_waiters_are_admitted_in_order_and_only_after_a_release(mono: FakeMonotonic) -> None:
    async def main() -> list[str]:
        window = SlidingWindow(1, 1.0)
        order: list[str] = []
        await window.acquire()

        async def take(name: str) -> None:
            await window.acquire()
            order.append(name)

        first = asyncio.create_task(take("first"))
        second = asyncio.create_task(take("second"))
        for _ in range(5):
            await asyncio.sleep(0)
        assert order == []  # the place is still held
        mono.now += 2.0  # long after the period: still held, nothing may pass
        for _ in range(5):
            await asyncio.sleep(0)
        assert order == []
        window.release()
        mono.now += 1.0  # the period after the release has passed
        _kick(window)
        await first
        assert order == ["first"]
        window.release()
        mono.now += 1.0
        _kick(window)
        await second
        return order

    assert run(main()) == ["first", "second"]


def test_telegram_limits_per_chat_kind() -> None:
    assert chat_rate("123456") == (1.0, 1.0)  # a private chat: 1 per second
    assert chat_rate("-1001234567890") == (20.0, 60.0)  # a group: 20 per minute


def test_more_parts_of_one_message_wait_inside_the_slot_without_deadlock(
    mono: FakeMonotonic,
) -> None:
    async def main() -> None:
        pacer = Pacer(30, lambda chat: (1.0, 1.0))
        async with pacer.slot("42"):
            part2 = asyncio.create_task(pacer.next_message("42"))
            for _ in range(5):
                await asyncio.sleep(0)
            assert not part2.done()  # 1 per second in this chat: the second part waits
            mono.now += 1.0
            _kick(pacer._chats["42"])
            await part2
        chat = pacer._chats["42"]
        assert chat._in_flight == 0 and pacer._global._in_flight == 0  # everything given back

    run(main())
