"""The bot opens direct chats itself (real Synapse): people enrolled with a Matrix id are reached
before they write, a crash between creating a room and recording it makes no second room, a person
who rejects the invite is not invited again, the bot leaves rooms everyone left, and it warns when
another device of its account has encryption keys."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from storage import matrix_state, people
from storage.db import unit_of_work
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.synapse import SynapseServer
from tests.transports_matrix.helpers import Bot, Person, bot_settings, enrol, make_org

pytestmark = pytest.mark.slow


def _private_chat(engine: Engine, user_id: str) -> str | None:
    with unit_of_work(engine) as session:
        found = people.identity_lookup(session=session, platform="matrix", external_id=user_id)
        assert found is not None
        return found[0].private_chat_id


def _m_direct(synapse: SynapseServer, bot) -> dict:  # type: ignore[no-untyped-def]
    path = f"/_matrix/client/v3/user/{bot.user_id}/account_data/m.direct"
    return synapse.request("GET", path, token=bot.access_token)


def test_people_enrolled_with_matrix_are_reached_before_they_write(
    synapse: SynapseServer, engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    org_id = make_org(engine, "ede")
    enrol(engine, org_id, anna_user.user_id, Role.ISMT, name="Anna")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(anna_user) as anna:
            async with Bot(settings, engine) as bot:
                room = await anna.wait_for_invite(bot_user.user_id)  # marked as a direct chat
                [hello] = await anna.wait_for_messages(room, bot_user.user_id, 1)
                assert "Hallo Anna" in hello.source["content"]["body"]
                assert _private_chat(engine, anna_user.user_id) == room
                assert _m_direct(synapse, bot_user) == {anna_user.user_id: [room]}
                await anna.say(room, "!wie")
                [_, who] = await anna.wait_for_messages(room, bot_user.user_id, 2)
                assert "ISMT-lid" in who.source["content"]["body"]
                assert bot.transport.stats["direct_rooms_created"] == 1

            # A crash right after the room was made, before the database knew it: the next start
            # finds it in m.direct and uses it (no second room, no second greeting).
            with unit_of_work(engine) as session:
                matrix_state.set_direct_room(
                    session=session, user_id=anna_user.user_id, room_id=None
                )
            async with Bot(settings, engine) as bot:
                await bot.wait_for(lambda: _private_chat(engine, anna_user.user_id) == room)
                assert bot.transport.stats["direct_rooms_created"] == 0
                await anna.quiet_for(1.0)
                assert len(anna.from_sender(room, bot_user.user_id)) == 2
                assert not [r for r in anna.invites if r != room]

    run(main())


def test_a_rejected_invite_is_not_repeated_and_rooms_everyone_left_are_left(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, piet_user = synapse.make_user("bot"), synapse.make_user("piet")
    kees_user = synapse.make_user("kees")
    org_id = make_org(engine, "ede")
    enrol(engine, org_id, piet_user.user_id, Role.EMPLOYEE, name="Piet")
    enrol(engine, org_id, kees_user.user_id, Role.EMPLOYEE, name="Kees")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(piet_user) as piet, Person(kees_user) as kees:
            async with Bot(settings, engine) as bot:
                await bot.wait_for(lambda: bot.transport.stats["direct_rooms_created"] == 2)
                # Piet rejects the invite; Kees joins, then leaves later.
                while not piet.invites:
                    await piet.sync_once()
                [offered] = piet.invites
                await piet.client.room_leave(offered)
                await bot.wait_for(lambda: bot.transport.stats["rooms_left"] == 1)
                assert _private_chat(engine, piet_user.user_id) is None
                room = await kees.wait_for_invite(bot_user.user_id)
                await kees.wait_for_messages(room, bot_user.user_id, 1)
                await kees.client.room_leave(room)
                await bot.wait_for(lambda: bot.transport.stats["rooms_left"] == 2)
                assert _private_chat(engine, kees_user.user_id) is None
                # Woken again, the bot does not push new invites on people who left.
                bot.transport.direct.wake()
                await piet.quiet_for(1.0)
                assert bot.transport.stats["direct_rooms_created"] == 2
                assert _m_direct(synapse, bot_user) == {}
            path = f"/_matrix/client/v3/rooms/{offered}/state/m.room.member/{bot_user.user_id}"
            token = bot_user.access_token
            assert synapse.request("GET", path, token=token)["membership"] == "leave"

            # Kees writes again in a room of his own: reachable again, nothing else happens.
            async with Bot(settings, engine):
                again = await kees.open_direct_chat(bot_user.user_id)
                await kees.wait_for_messages(again, bot_user.user_id, 1)
                assert _private_chat(engine, kees_user.user_id) == again

    run(main())


def test_the_bot_warns_when_another_device_of_its_account_has_keys(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bot_user = synapse.make_user("bot")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Bot(settings, sqlite_engine) as bot:
            assert bot.transport.warnings == []
        # Someone signs in to the bot's account with Element: that device uploads keys.
        login = synapse.request(
            "POST",
            "/_matrix/client/v3/login",
            {
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": bot_user.localpart},
                "password": bot_user.password,
            },
        )
        element = login["device_id"]
        keys = {
            "user_id": bot_user.user_id,
            "device_id": element,
            "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
            "keys": {f"curve25519:{element}": "A" * 43, f"ed25519:{element}": "B" * 43},
            "signatures": {bot_user.user_id: {f"ed25519:{element}": "C" * 86}},
        }
        synapse.request(
            "POST", "/_matrix/client/v3/keys/upload", {"device_keys": keys}, login["access_token"]
        )
        async with Bot(settings, sqlite_engine) as bot:
            [warning] = bot.transport.warnings
            assert element in warning and "encrypted direct chats" in warning

    run(main())
