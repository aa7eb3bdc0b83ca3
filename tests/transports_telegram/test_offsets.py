"""At least once in, exactly one effect: the offset is stored only after handling, a restart replays
nothing, and a crash between handling and storing the offset handles the update once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

from bot.transports.telegram import offset_key
from storage import kv
from storage.db import unit_of_work
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_faults import Fault
from tests.transports_telegram.helpers import (
    enrol,
    inbox_count,
    make_org,
    running_bot,
    wait_until,
)


def _stored_offset(engine) -> int | None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        value = kv.get_value(session=session, key=offset_key(123456789))  # the fake bot's id
    return int(value) if value else None


def test_a_restart_replays_nothing(telegram_api: FakeTelegramAPI, sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna")
    enrol(sqlite_engine, make_org(sqlite_engine), anna, Role.EMPLOYEE)

    async def main() -> None:
        async with running_bot(tg, sqlite_engine) as first:
            updates = [tg.send_text(anna, text) for text in ("/wie", "/help", "/taal")]
            await tg.wait_for_sent(anna, count=3)
            await wait_until(tg, lambda: len(first.handled) == 3)
        last = updates[-1]["update_id"]  # type: ignore[index]
        assert _stored_offset(sqlite_engine) == last + 1
        assert tg.confirmed_up_to == last and tg.pending_updates == []

        async with running_bot(tg, sqlite_engine) as second:
            await tg.wait_until(lambda: len(tg.requests("getUpdates")) >= 1 + 4)
            assert second.handled == []
            first_poll = [r for r in tg.requests("getUpdates")][-1]
            assert int(first_poll.params["offset"]) == last + 1
            tg.send_text(anna, "/wie")
            await tg.wait_for_sent(anna, count=4)
            assert [e.text for e in second.handled] == ["/wie"]
        assert inbox_count(sqlite_engine) == 4

    run(main())


def test_crash_between_handling_and_storing_the_offset_handles_the_update_once(
    telegram_api: FakeTelegramAPI, engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna")
    enrol(engine, make_org(engine), anna, Role.EMPLOYEE)

    async def main() -> None:
        async with running_bot(tg, engine) as doomed:
            handle = doomed.runtime.pipeline.handle
            crashed = asyncio.Event()

            async def handle_then_die(event):  # type: ignore[no-untyped-def]
                result = await handle(event)  # committed: inbox claim and the reply
                if event.text == "/wie":
                    crashed.set()
                    await asyncio.Event().wait()  # the process "dies" here: nothing after runs
                return result

            doomed.runtime.pipeline.handle = handle_then_die  # type: ignore[method-assign]
            tg.send_text(anna, "/help")
            await tg.wait_for_sent(anna, count=1)
            update = tg.send_text(anna, "/wie")
            await crashed.wait()
            await tg.wait_for_sent(anna, count=2)  # the reply went out before the "crash"
            for task in doomed.tasks:  # SIGKILL: no shutdown code of ours runs
                task.cancel()
        wie = update["update_id"]  # type: ignore[index]
        assert _stored_offset(engine) in (None, wie)  # never past the unfinished update
        assert [u["update_id"] for u in tg.pending_updates] == [wie]

        async with running_bot(tg, engine) as revived:
            await wait_until(tg, lambda: len(revived.handled) == 1)
            assert revived.handled[0].event_id == f"123456789:{wie}"
            assert revived.results[0].duplicate  # the inbox knew it: no second effect
            await wait_until(tg, lambda: tg.pending_updates == [])
        assert _stored_offset(engine) == wie + 1
        assert len(tg.sent(anna)) == 2 and tg.duplicates() == []
        assert inbox_count(engine) == 2

    run(main())


def test_updates_keep_coming_through_getupdates_faults(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    org = make_org(sqlite_engine)
    people = [tg.add_user(f"Persoon {n}") for n in range(10)]
    for person in people:
        enrol(sqlite_engine, org, person, Role.EMPLOYEE)
    tg.faults.script(
        Fault.server_error(502), Fault.rate_limit(1), None, Fault.server_error(500),
        method="getUpdates",
    )  # fmt: skip

    async def main() -> None:
        async with running_bot(tg, sqlite_engine) as bot:
            for round_ in range(3):
                for person in people:
                    tg.send_text(person, "/wie" if round_ % 2 else "/help")
            await tg.wait_until(lambda: len(tg.sent()) == 30, timeout=60)
            # one person's messages are handled strictly in order
            for person in people:
                mine = [e.text for e in bot.handled if e.sender_id == str(person.id)]
                assert mine == ["/help", "/wie", "/help"]

    run(main(), timeout=120)
    assert tg.duplicates() == [] or all(
        text.count("Wat je kunt doen") for _chat, text in tg.duplicates()
    )
    for person in people:
        texts = tg.texts(person)
        assert len(texts) == 3 and "Wat je kunt doen" in texts[0] and "Wat je kunt doen" in texts[2]


def test_sigkill_after_handling_before_the_offset_handles_the_update_once_after_restart(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    anna = tg.add_user("Anna")
    enrol(sqlite_engine, make_org(sqlite_engine), anna, Role.EMPLOYEE)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    script = Path(__file__).with_name("bot_process.py")

    def start(*kill_after: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(script), url, tg.base_url, tg.token, *kill_after],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    doomed = start("/wie")
    update = tg.send_text(anna, "/wie")
    assert doomed.wait(timeout=60) == -signal.SIGKILL
    assert "dying" in (doomed.stdout.read() if doomed.stdout else "")  # type: ignore[union-attr]
    wie = update["update_id"]  # type: ignore[index]
    assert [u["update_id"] for u in tg.pending_updates] == [wie]  # never confirmed
    assert tg.sent(anna) == []  # killed before the reply went out
    assert _stored_offset(sqlite_engine) in (None, wie)  # never past the unfinished update

    revived = start()
    try:
        tg.wait_for_sent_sync(anna, count=1, timeout=60)
        tg.wait_until_sync(lambda: tg.pending_updates == [], timeout=60)
    finally:
        revived.send_signal(signal.SIGTERM)
        revived.wait(timeout=60)
    assert revived.returncode == 0
    assert len(tg.sent(anna)) == 1 and "Je bent Anna" in tg.texts(anna)[0]
    assert inbox_count(sqlite_engine) == 1
    assert _stored_offset(sqlite_engine) == wie + 1
