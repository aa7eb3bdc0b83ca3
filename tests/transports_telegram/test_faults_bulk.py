"""500 messages through a Bot API that fails one request in five: all delivered, none twice, each
chat in order. And 50 people writing in while getUpdates and the sends fail: each answered once."""

from __future__ import annotations

from bot.pacing import Pacer
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.transports_telegram.helpers import enrol, make_org, outbox_rows, queue, wait_until


def _fast(bot) -> None:  # type: ignore[no-untyped-def]
    # The fake's limits run 50x faster in these tests; so may our pacing (the overall limit is
    # left to the fake: its 429s are just more faults to survive).
    bot.transport.pacer = Pacer(1500, lambda chat: (1.0, 1 / 50), slack=0.005)


def test_500_messages_with_20_percent_faults_all_delivered_none_twice(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    from tests.transports_telegram.helpers import running_bot

    tg = telegram_api
    tg.rate_limits.time_scale = 50
    tg.faults.set_chances(rate_limit=0.08, server_error=0.08, timeout=0.04, seed=3)
    people = [tg.add_user(f"Persoon {n}", started=True) for n in range(50)]

    async def main() -> None:
        async with running_bot(tg, sqlite_engine, telegram_request_timeout=2.0) as bot:
            _fast(bot)
            for n in range(10):
                for person in people:
                    queue(sqlite_engine, person.id, f"Bericht {n} voor {person.first_name}")
            bot.runtime.worker.wake()
            await wait_until(
                tg,
                lambda: all(r.status == "sent" for r in outbox_rows(sqlite_engine)),
                timeout=240,
            )

    run(main(), timeout=300)
    assert sum(tg.counters.injected.values()) >= 100  # the faults really happened
    assert tg.duplicates() == []
    assert tg.counters.delivered == 500
    for person in people:  # every chat in its own order
        assert tg.texts(person) == [f"Bericht {n} voor {person.first_name}" for n in range(10)]
    rows = outbox_rows(sqlite_engine)
    assert len(rows) == 500 and max(r.attempts for r in rows) > 1


def test_people_writing_in_through_faults_are_answered_once(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    from tests.transports_telegram.helpers import running_bot

    tg = telegram_api
    tg.rate_limits.time_scale = 50
    org = make_org(sqlite_engine)
    people = [tg.add_user(f"Persoon {n}") for n in range(50)]
    for person in people:
        enrol(sqlite_engine, org, person, Role.EMPLOYEE)
    tg.faults.set_chances(
        rate_limit=0.07,
        server_error=0.07,
        timeout=0.06,
        methods=("getUpdates", "sendMessage", "setMyCommands", "deleteWebhook"),
        seed=5,
    )

    async def main() -> None:
        async with running_bot(tg, sqlite_engine, telegram_request_timeout=2.0) as bot:
            _fast(bot)
            for person in people:
                tg.send_text(person, "/wie")
                tg.send_text(person, "/help")
            await tg.wait_until(lambda: len(tg.sent()) >= 100, timeout=240)
            await wait_until(tg, lambda: tg.pending_updates == [], timeout=60)

    run(main(), timeout=300)
    assert tg.duplicates() == []
    for person in people:
        texts = tg.texts(person)
        assert len(texts) == 2 and "Wat je kunt doen" in texts[1]  # order kept per person
