"""Who may bring the bot into a room, enrolment by homeserver domain, encrypted rooms, and what the
bot does not answer (notices, edits)."""

from __future__ import annotations

import pytest
from nio import RoomCreateResponse
from sqlalchemy.engine import Engine

from storage import people
from storage.db import unit_of_work
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.synapse import SynapseServer
from tests.transports_matrix.helpers import Bot, Person, bot_settings, enrol, make_org

pytestmark = pytest.mark.slow

ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


def _membership(synapse: SynapseServer, room: str, user_id: str, token: str) -> str:
    path = f"/_matrix/client/v3/rooms/{room}/state/m.room.member/{user_id}"
    return str(synapse.request("GET", path, token=token)["membership"])


def test_group_invite_from_a_stranger_is_declined_and_a_domain_member_is_enrolled(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user = synapse.make_user("bot")
    stranger_user, colleague_user = synapse.make_user("stranger"), synapse.make_user("piet")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(stranger_user) as stranger, Bot(settings, engine) as bot:
            created = await stranger.client.room_create(
                name="Random", invite=[bot_user.user_id, colleague_user.user_id]
            )
            assert isinstance(created, RoomCreateResponse)
            await bot.wait_for(lambda: bot.transport.stats["invites_declined"] == 1)
            state = _membership(synapse, created.room_id, bot_user.user_id, bot_user.access_token)
            assert state == "leave"  # declined, without a word
            await stranger.quiet_for(0.5)
            assert stranger.from_sender(created.room_id, bot_user.user_id) == []

        # Now the municipality's homeserver is this one: everyone on it counts as an employee.
        org_id = make_org(engine, "ede", matrix_domain=synapse.server_name)
        async with Person(colleague_user) as piet, Bot(settings, engine):
            room = await piet.open_direct_chat(bot_user.user_id)
            welcome, question = await piet.wait_for_messages(room, bot_user.user_id, 2)
            assert (
                "Met je account op localhost ben je aangemeld als medewerker"
                in (welcome.source["content"]["body"])
            )
            assert "Wat is je naam?" in question.source["content"]["body"]
        with unit_of_work(engine) as session:
            found = people.identity_lookup(
                session=session, platform="matrix", external_id=colleague_user.user_id
            )
            assert found is not None
            identity, person, org = found
            assert (person.role, org.id, identity.private_chat_id) == ("employee", org_id, room)

    run(main())


def test_domain_member_writing_in_an_old_direct_chat_is_enrolled_once(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, kees_user = synapse.make_user("bot"), synapse.make_user("kees")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(kees_user) as kees:
            async with Bot(settings, engine):
                room = await kees.open_direct_chat(bot_user.user_id)
                [hello] = await kees.wait_for_messages(room, bot_user.user_id, 1)
                assert "/start CODE" not in hello.source["content"]["body"]  # shown as !start
            make_org(engine, "ede", matrix_domain="LocalHost")  # set after the chat was opened
            async with Bot(settings, engine) as bot:
                await kees.say(room, "goedemorgen")
                got = await kees.wait_for_messages(room, bot_user.user_id, 3)
                assert "ben je aangemeld als medewerker" in got[1].source["content"]["body"]
                assert "Wat is je naam?" in got[2].source["content"]["body"]
                assert bot.transport.stats["auto_enrolled"] == 1
                await kees.say(room, "Kees")  # now the answer to the first question
                [dept] = (await kees.wait_for_messages(room, bot_user.user_id, 4))[3:]
                assert "Bij welke afdeling" in dept.source["content"]["body"]
                assert bot.transport.stats["auto_enrolled"] == 1

    run(main())


def test_encrypted_rooms_get_one_bilingual_notice(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    enrol(engine, make_org(engine, "ede"), anna_user.user_id, Role.EMPLOYEE, name="Anna")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(anna_user) as anna, Bot(settings, engine) as bot:
            # A direct chat created encrypted: detected when the bot joins.
            secret = await anna.open_direct_chat(bot_user.user_id, initial_state=[ENCRYPTION])
            [notice] = await anna.wait_for_messages(secret, bot_user.user_id, 1)
            body = notice.source["content"]["body"]
            assert notice.source["content"]["msgtype"] == "m.notice"
            assert "Deze ruimte is end-to-end versleuteld" in body
            assert "This room is end-to-end encrypted" in body
            # Encrypted messages (what Element sends there) get no further answer.
            for n in range(2):
                await anna.client.room_send(
                    secret,
                    "m.room.encrypted",
                    {
                        "algorithm": "m.megolm.v1.aes-sha2",
                        "ciphertext": f"AwgAEn{n}",
                        "sender_key": "x",
                        "device_id": "D",
                        "session_id": "s",
                    },
                )

            # A plain direct chat that is switched to encryption later.
            plain = await anna.open_direct_chat(bot_user.user_id)
            await anna.wait_for_messages(plain, bot_user.user_id, 1)  # "Hallo Anna"
            await anna.say(plain, "!help")
            await anna.wait_for_messages(plain, bot_user.user_id, 2)
            await anna.client.room_put_state(plain, "m.room.encryption", ENCRYPTION["content"])
            [*_, later] = await anna.wait_for_messages(plain, bot_user.user_id, 3)
            assert "This room is end-to-end encrypted" in later.source["content"]["body"]

            await anna.quiet_for(1.5)
            assert len(anna.from_sender(secret, bot_user.user_id)) == 1
            assert len(anna.from_sender(plain, bot_user.user_id)) == 3
            assert bot.transport.stats["encrypted_notices"] == 2

    run(main())


def test_notices_edits_and_own_messages_are_not_answered(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    enrol(engine, make_org(engine, "ede"), anna_user.user_id, Role.EMPLOYEE, name="Anna")
    settings = bot_settings(synapse, bot_user, tmp_path)

    async def main() -> None:
        async with Person(anna_user) as anna, Bot(settings, engine) as bot:
            room = await anna.open_direct_chat(bot_user.user_id)
            await anna.wait_for_messages(room, bot_user.user_id, 1)
            await anna.client.room_send(
                room, "m.room.message", {"msgtype": "m.notice", "body": "!help"}
            )
            original = await anna.say(room, "!hulp")
            await anna.say(
                room,
                "* !help",
                **{
                    "m.new_content": {"msgtype": "m.text", "body": "!help"},
                    "m.relates_to": {"rel_type": "m.replace", "event_id": original},
                },
            )
            # A rich reply: the quoted fallback is not part of what Anna said.
            await anna.say(
                room,
                "> <@bot:localhost> Wat is je naam?\n\n!help",
                **{"m.relates_to": {"m.in_reply_to": {"event_id": original}}},
            )
            got = await anna.wait_for_messages(room, bot_user.user_id, 3)
            await anna.quiet_for(1.5)
            got = anna.from_sender(room, bot_user.user_id)
            assert len(got) == 3  # greeting, one help for "!hulp", one for the reply
            assert all("Wat je kunt doen" in e.source["content"]["body"] for e in got[1:])
            assert bot.transport.stats["handled"] == 2  # the bot's own notices never count

    run(main())
