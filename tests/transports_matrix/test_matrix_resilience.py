"""At least once in, exactly one effect: next_batch stored after handling, restarts replay nothing,
a crash before storing replays into the inbox, gaps are filled, Synapse restarts are survived."""

from __future__ import annotations

import asyncio

import pytest
from nio import AsyncClient
from sqlalchemy.engine import Engine

from bot.transports.matrix_login import read_kv, since_key
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.synapse import SynapseServer
from tests.transports_matrix.helpers import CONFIG, Bot, Person, bot_settings, enrol, make_org

pytestmark = pytest.mark.slow

HELP_TITLE = "Wat je kunt doen als medewerker"


def _helps(person: Person, room: str, bot_id: str) -> int:
    return sum(HELP_TITLE in e.source["content"]["body"] for e in person.from_sender(room, bot_id))


def test_restart_replays_nothing_and_a_gap_of_120_messages_is_filled(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    enrol(engine, make_org(engine, "ede"), anna_user.user_id, Role.EMPLOYEE, name="Anna")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(anna_user) as anna:
            async with Bot(settings, engine) as first:
                room = await anna.open_direct_chat(bot_user.user_id)
                await anna.wait_for_messages(room, bot_user.user_id, 1)
                await anna.say(room, "!help")
                await anna.wait_for_messages(room, bot_user.user_id, 2)
                assert first.transport.stats["handled"] == 1
            stored = read_kv(engine, since_key(bot_user.user_id))
            assert stored and stored == first.transport.since

            # While the bot is down, 120 messages: more than one sync timeline holds (100).
            for _ in range(120):
                await anna.say(room, "!help")
            async with Bot(settings, engine) as second:
                await anna.wait_for_messages(room, bot_user.user_id, 122, timeout=90)
                await anna.quiet_for(1.0)
                assert second.transport.stats["handled"] == 120  # the old "!help" not replayed
                assert second.transport.stats["duplicates"] == 0
                assert second.transport.stats["gap_events"] > 0  # filled from /messages
            assert _helps(anna, room, bot_user.user_id) == 121

    run(main(), timeout=240)


def test_crash_after_handling_before_storing_next_batch_answers_once(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    enrol(engine, make_org(engine, "ede"), anna_user.user_id, Role.EMPLOYEE, name="Anna")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(anna_user) as anna:
            first = Bot(settings, engine)
            await first.__aenter__()
            room = await anna.open_direct_chat(bot_user.user_id)
            await anna.wait_for_messages(room, bot_user.user_id, 1)

            never, store = asyncio.Event(), first.transport.store_since

            async def store_or_die(token: str) -> None:
                if first.transport.stats["handled"] == 0:
                    await store(token)
                else:  # the batch with "!help" was handled: the process dies right here
                    await never.wait()

            first.transport.store_since = store_or_die  # type: ignore[method-assign]
            await anna.say(room, "!help")
            await anna.wait_for_messages(room, bot_user.user_id, 2)  # handled and answered
            await first.crash()
            assert read_kv(engine, since_key(bot_user.user_id)) == first.transport.since

            async with Bot(settings, engine) as second:
                await second.wait_for(lambda: second.transport.stats["duplicates"] == 1)
                await anna.quiet_for(1.5)
                assert second.transport.stats["handled"] == 0
            assert _helps(anna, room, bot_user.user_id) == 1  # the replay was dropped by the inbox

    run(main())


def test_first_start_ignores_history_and_the_loop_survives_a_synapse_restart(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    kees_user = synapse.make_user("kees")
    org_id = make_org(engine, "ede")
    enrol(engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")
    enrol(engine, org_id, kees_user.user_id, Role.EMPLOYEE, name="Kees")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(anna_user) as anna, Person(kees_user) as kees:
            # An invite that waits for the bot's first start is answered (it is not history).
            waiting = await kees.open_direct_chat(bot_user.user_id)
            # The account was in a room with Anna before this database existed (another install).
            room = await anna.open_direct_chat(bot_user.user_id)
            raw = AsyncClient(bot_user.homeserver, bot_user.user_id, config=CONFIG)
            raw.restore_login(bot_user.user_id, bot_user.device_id, bot_user.access_token)
            await raw.join(room)
            await raw.close()
            await anna.say(room, "!help")  # old history for the bot's first start

            async with Bot(settings, engine) as bot:
                await bot.wait_for(lambda: bot.transport.since is not None)
                await anna.say(room, "!help")
                await anna.wait_for_messages(room, bot_user.user_id, 1)
                assert bot.transport.stats["handled"] == 1
                [hello] = await kees.wait_for_messages(waiting, bot_user.user_id, 1)
                assert "Hallo Kees" in hello.source["content"]["body"]

                await asyncio.to_thread(synapse.restart)  # mid-run
                await bot.wait_for(lambda: bot.transport.stats["sync_errors"] >= 1)
                await anna.say(room, "!help")
                await anna.wait_for_messages(room, bot_user.user_id, 2, timeout=60)
                await anna.quiet_for(1.0)
                assert bot.transport.stats["handled"] == 2
            assert _helps(anna, room, bot_user.user_id) == 2

    run(main())
