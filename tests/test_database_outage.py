"""PostgreSQL drops every connection while people are writing in: the bot carries on, no restart.

The real runtime (pipeline, outbox worker) and the real Telegram transport run against the Bot API
fake. After the first round an admin connection terminates every other backend of the test
database (what a PostgreSQL restart, a fail-over or an idle-connection killer does), and again in
bursts while the next rounds are handled and delivered, so connections die inside transactions:
claiming an update, storing the offset, loading due messages, marking a message sent. Whatever was
in flight fails and is retried; the pool replaces dead connections (``pool_pre_ping``). Every
message must still be answered exactly once (with its real answer, not an apology), in order, with
the polling loop and the outbox worker never restarted.
"""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlmodel import select

from bot.pacing import Pacer
from bot.pipeline import HandleResult
from storage.db import make_engine, unit_of_work
from storage.enums import Role
from storage.models import InboxEvent
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.transports_telegram.helpers import (
    enrol,
    make_org,
    outbox_rows,
    running_bot,
    wait_until,
)

postgres_only = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

PEOPLE = 4
ROUNDS = 6  # messages per person
# Seconds between kills after each round is sent: spread over the time the round is handled and
# delivered, so connections die at many points of a transaction (only the spread depends on time).
KILL_PAUSES = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.13)


def _command(person: int, round_number: int) -> str:
    # A command the bot does not know: it answers "De opdracht /x1r2 ken ik niet ...", so every
    # answer names its message (tg.duplicates() compares texts) and the order can be checked.
    return f"/x{person}r{round_number}"


def terminate_other_backends(db_url: str) -> int:
    """Kill every connection to the test database but this one; how many were killed."""
    with psycopg.connect(db_url, autocommit=True, connect_timeout=5) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return sum(1 for (killed,) in rows if killed)


@postgres_only
def test_dropped_connections_need_no_restart_and_lose_or_double_nothing(
    telegram_api: FakeTelegramAPI, db_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 50
    engine = make_engine(db_url)
    org = make_org(engine)
    people = [tg.add_user(f"Persoon {n}", language_code="nl") for n in range(PEOPLE)]
    for person in people:
        enrol(engine, org, person, Role.EMPLOYEE)
    killed: list[int] = []
    results: list[HandleResult] = []

    async def send_round(round_number: int) -> None:
        for number, person in enumerate(people):
            tg.send_text(person, _command(number, round_number))

    async def main() -> None:
        async with running_bot(tg, engine, tmp_dir=str(tmp_path)) as bot:
            # As in the bulk fault tests: the fake's limits run 50x faster, so may our pacing.
            bot.transport.pacer = Pacer(1500, lambda chat: (1.0, 1 / 50), slack=0.005)
            await send_round(0)
            await tg.wait_until(lambda: len(tg.sent()) >= PEOPLE, timeout=60)
            killed.append(terminate_other_backends(db_url))  # mostly idle pool connections

            # Then keep killing while the next rounds are handled and delivered: connections die
            # inside transactions (claiming an update, enqueueing, marking a message sent).
            for round_number in range(1, ROUNDS):
                await send_round(round_number)
                for pause in KILL_PAUSES:
                    await asyncio.sleep(pause)
                    killed.append(await asyncio.to_thread(terminate_other_backends, db_url))
            await tg.wait_until(lambda: len(tg.sent()) >= PEOPLE * ROUNDS, timeout=120)
            await wait_until(tg, lambda: tg.pending_updates == [], timeout=60)
            await wait_until(
                tg, lambda: all(r.status == "sent" for r in outbox_rows(engine)), timeout=60
            )
            results.extend(bot.results)
            # No restart: the polling loop and the outbox worker are the ones started at first.
            assert [task.done() for task in bot.tasks] == [False, False], [
                task.exception() if task.done() and not task.cancelled() else None
                for task in bot.tasks
            ]

    try:
        run(main(), timeout=240)
        assert killed[0] >= 1 and sum(killed[1:]) >= 2  # the outages really happened
        assert tg.duplicates() == []
        # A lost connection is no bug: nobody got "Sorry, something went wrong", the update came
        # again and was answered properly.
        assert all(result.error_reference is None for result in results)
        for number, person in enumerate(people):  # each message answered once, in order
            texts = tg.texts(person)
            assert len(texts) == ROUNDS, texts
            for round_number, text in enumerate(texts):
                assert f"De opdracht {_command(number, round_number)} ken ik niet" in (text or "")
        rows = outbox_rows(engine)
        assert len(rows) == PEOPLE * ROUNDS and all(r.status == "sent" for r in rows)
        with unit_of_work(engine) as session:
            events = list(session.exec(select(InboxEvent)))
        assert len(events) == PEOPLE * ROUNDS  # each update claimed once, none lost
        assert len({(e.platform, e.event_id) for e in events}) == len(events)
    finally:
        engine.dispose()
