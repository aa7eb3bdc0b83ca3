"""Injected faults and enforced flood limits, as the real PTB client experiences them."""

from __future__ import annotations

import pytest
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.fakes import FakeTelegramAPI, Fault, RateLimits
from tests.fakes.aio import run
from tests.fakes.telegram_faults import RateLimiter

# PTB 22 itself warns whenever a RetryAfter is built (its retry_after becomes a timedelta in a
# future major version; PTB_TIMEDELTA=1 opts in early). Not ours to fix here.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def _fake(**limits: float) -> FakeTelegramAPI:
    if not limits:
        return FakeTelegramAPI(rate_limits=RateLimits(enabled=False))
    return FakeTelegramAPI(rate_limits=RateLimits(**limits))  # type: ignore[arg-type]


def test_scripted_429_surfaces_as_retry_after() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            tg.faults.script(Fault.rate_limit(7), None, Fault.rate_limit(2), method="sendMessage")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(anna.id, "een")
            assert caught.value.retry_after == 7
            await bot.send_message(anna.id, "twee")  # None in the script: passes
            with pytest.raises(RetryAfter):
                await bot.send_message(anna.id, "drie")
            await bot.send_message(anna.id, "vier")  # script used up
            assert tg.texts(anna) == ["twee", "vier"]
            assert tg.counters.injected["rate_limit"] == 2
            assert [r.status for r in tg.requests("sendMessage")] == [429, 200, 429, 200]

    run(main())


def test_scripted_server_errors_surface_as_network_errors() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            tg.faults.script(Fault.server_error(502), Fault.server_error(500))
            for _ in range(2):
                with pytest.raises(NetworkError):
                    await bot.send_message(anna.id, "x")
            assert tg.sent(anna) == [] and tg.faults.pending() == 0

    run(main())


def _impatient_bot(tg: FakeTelegramAPI):  # type: ignore[no-untyped-def]
    # A short read timeout makes the client give up on a held request quickly.
    return tg.make_bot(request=HTTPXRequest(read_timeout=0.5))


def test_timeout_without_delivery_loses_nothing_but_time() -> None:
    async def main() -> None:
        async with _fake() as tg, _impatient_bot(tg) as bot:
            anna = tg.add_user("Anna", started=True)
            tg.faults.script(Fault.timeout(), method="sendMessage")
            with pytest.raises(TimedOut):
                await bot.send_message(anna.id, "weg")
            assert tg.sent(anna) == []
            assert (await bot.send_message(anna.id, "opnieuw")).text == "opnieuw"

    run(main())


def test_timeout_after_delivery_makes_a_naive_retry_send_twice() -> None:
    """The duplicate source that the outbox's idempotency must handle."""

    async def main() -> None:
        async with _fake() as tg, _impatient_bot(tg) as bot:
            anna = tg.add_user("Anna", started=True)
            tg.faults.script(Fault.timeout(deliver=True), method="sendMessage")
            with pytest.raises(TimedOut):
                await bot.send_message(anna.id, "Herinnering")
            [lost] = tg.sent(anna)
            assert lost.answer_lost  # delivered, but the bot never heard back
            await bot.send_message(anna.id, "Herinnering")  # what a naive retry does
            assert tg.duplicates(anna) == [(anna.id, "Herinnering")]

    run(main())


def test_random_faults_are_seeded_and_counted() -> None:
    async def outcomes(seed: int) -> list[str]:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            tg.faults.set_chances(rate_limit=0.3, server_error=0.2, seed=seed)
            results = []
            for n in range(30):
                try:
                    await bot.send_message(anna.id, f"m{n}")
                    results.append("ok")
                except RetryAfter:
                    results.append("429")
                except NetworkError:
                    results.append("5xx")
            assert tg.counters.injected["rate_limit"] == results.count("429")
            assert tg.counters.injected["server_error"] == results.count("5xx")
            assert len(tg.sent(anna)) == results.count("ok")
            await bot.get_me()  # not among the faulted methods
            return results

    first = run(outcomes(seed=3))
    assert first == run(outcomes(seed=3))
    assert {"ok", "429", "5xx"} <= set(first)


def test_private_chat_limit_is_enforced() -> None:
    async def main() -> None:
        # time_scale < 1 stretches the window to 100 s, so the second send surely falls in it.
        async with _fake(time_scale=0.01) as tg, tg.make_bot() as bot:
            anna, bob = tg.add_user("Anna", started=True), tg.add_user("Bob", started=True)
            await bot.send_message(anna.id, "een")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(anna.id, "twee")
            retry_after = (
                caught.value.retry_after
            )  # int until PTB_TIMEDELTA turns it into timedelta
            assert isinstance(retry_after, int) and retry_after >= 1
            await bot.send_message(bob.id, "ander gesprek")  # other chats are not affected
            counters = tg.counters
            assert counters.rate_limited == {"private": 1} and counters.delivered == 2
            assert tg.texts(anna) == ["een"]

    run(main())


def test_overall_limit_is_enforced() -> None:
    async def main() -> None:
        async with _fake(time_scale=0.01) as tg, tg.make_bot() as bot:
            people = [tg.add_user(f"P{n}", started=True) for n in range(31)]
            for person in people[:30]:
                await bot.send_message(person.id, "broadcast")
            with pytest.raises(RetryAfter):
                await bot.send_message(people[30].id, "broadcast")
            assert tg.counters.rate_limited == {"overall": 1}

    run(main())


def test_group_limit_is_enforced() -> None:
    async def main() -> None:
        async with _fake(time_scale=0.01) as tg, tg.make_bot() as bot:
            ismt = tg.add_group("ISMT")
            for n in range(20):
                await bot.send_message(ismt.id, f"alarm {n}")
            with pytest.raises(RetryAfter):
                await bot.send_message(ismt.id, "te veel")
            assert tg.counters.rate_limited == {"group": 1}
            assert len(tg.sent(ismt)) == 20

    run(main())


def test_rate_limiter_windows_slide_and_scale() -> None:
    """The limiter on an explicit clock: no waiting, no timing in the test."""
    limiter = RateLimiter(RateLimits(time_scale=10))  # windows of 0.1 s and 6 s
    assert limiter.try_admit(1, "private", now=100.0) is None
    assert limiter.try_admit(1, "private", now=100.05) == 1  # at least 1 s, as on the wire
    assert limiter.try_admit(1, "private", now=100.11) is None
    for n in range(20):
        assert limiter.try_admit(-5, "supergroup", now=200.0 + n * 0.06) is None
    assert limiter.try_admit(-5, "supergroup", now=201.3) == 5
    assert limiter.try_admit(-5, "supergroup", now=206.01) is None
    assert limiter.rejected == {"private": 1, "group": 1}


def test_outage_and_comeback_on_the_same_port() -> None:
    """stop() then start(port) is "Telegram unreachable for a while", state kept."""

    async def main() -> None:
        tg = _fake()
        await tg.start()
        try:
            async with tg.make_bot() as bot:
                anna = tg.add_user("Anna", started=True)
                await bot.send_message(anna.id, "voor")
                port = tg.port
                await tg.stop()
                with pytest.raises(NetworkError):
                    await bot.send_message(anna.id, "tijdens")
                await tg.start(port)
                await bot.send_message(anna.id, "na")
                sent = await tg.wait_for_sent(anna, count=2)
                assert [m.text for m in sent] == ["voor", "na"]
        finally:
            await tg.stop()

    run(main())


def test_refused_requests_wake_waiters_too(telegram_api: FakeTelegramAPI) -> None:
    tg = telegram_api
    anna = tg.add_user("Anna", started=True)
    tg.faults.script(Fault.server_error(), method="sendMessage")

    async def send() -> None:
        async with tg.make_bot() as bot:
            with pytest.raises(NetworkError):
                await bot.send_message(anna.id, "x")

    run(send())
    [record] = tg.wait_until_sync(lambda: [r for r in tg.requests("sendMessage") if r.status])
    assert record.status == 502 and tg.sent(anna) == []
