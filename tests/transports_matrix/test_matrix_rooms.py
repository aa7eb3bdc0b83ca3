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
from tests.fakes.synapse import SynapseError, SynapseServer
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


def test_encrypted_rooms_with_encryption_off_move_the_person_to_a_new_direct_chat(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    piet_user = synapse.make_user("piet")
    org_id = make_org(engine, "ede")
    enrol(engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")
    enrol(engine, org_id, piet_user.user_id, Role.COORDINATOR, name="Piet")
    settings = bot_settings(synapse, bot_user, tmp_path)
    token = bot_user.access_token

    async def main() -> None:
        async with Person(anna_user) as anna, Bot(settings, engine) as bot:
            # A direct chat created encrypted (as Element X always does).
            secret = await anna.open_direct_chat(bot_user.user_id, initial_state=[ENCRYPTION])
            [notice] = await anna.wait_for_messages(secret, bot_user.user_id, 1)
            body = notice.source["content"]["body"]
            assert notice.source["content"]["msgtype"] == "m.notice"
            assert "Dit gesprek is end-to-end versleuteld" in body
            assert "I have invited you to a new direct chat without encryption" in body
            # What the notice says happened: an invite to a new, unencrypted direct chat ...
            fresh = await anna.wait_for_invite(bot_user.user_id)
            [hello] = await anna.wait_for_messages(fresh, bot_user.user_id, 1)
            assert "Hallo Anna" in hello.source["content"]["body"]
            with pytest.raises(SynapseError, match="404"):  # no m.room.encryption state
                synapse.request(
                    "GET", f"/_matrix/client/v3/rooms/{fresh}/state/m.room.encryption", token=token
                )
            # ... where the bot reads and answers, and the bot left the dead room.
            await anna.say(fresh, "!help")
            await anna.wait_for_messages(fresh, bot_user.user_id, 2)
            assert _membership(synapse, secret, bot_user.user_id, token) == "leave"
            with unit_of_work(engine) as session:
                found = people.identity_lookup(
                    session=session, platform="matrix", external_id=anna_user.user_id
                )
                assert found is not None and found[0].private_chat_id == fresh
            # The new room is in the bot's m.direct, so Element treats it as the chat with it.
            path = f"/_matrix/client/v3/user/{bot_user.user_id}/account_data/m.direct"
            assert synapse.request("GET", path, token=token)[anna_user.user_id] == [fresh]

            # That room switched to encryption later: the same, once.
            await anna.client.room_put_state(fresh, "m.room.encryption", ENCRYPTION["content"])
            [*_, later] = await anna.wait_for_messages(fresh, bot_user.user_id, 3)
            assert "I am leaving this room" in later.source["content"]["body"]
            third = await anna.wait_for_invite(bot_user.user_id)
            assert third not in (secret, fresh)
            await anna.wait_for_messages(third, bot_user.user_id, 1)

            # An encrypted group room: asked for a room without encryption, and left.
            async with Person(piet_user) as piet:
                created = await piet.client.room_create(
                    name="ISMT", invite=[bot_user.user_id, anna_user.user_id],
                    initial_state=[ENCRYPTION],
                )  # fmt: skip
                assert isinstance(created, RoomCreateResponse)
                [group_notice] = await piet.wait_for_messages(created.room_id, bot_user.user_id, 1)
                assert (
                    "create a room with encryption switched off"
                    in (group_notice.source["content"]["body"])
                )
                await bot.wait_for(
                    lambda: (
                        _membership(synapse, created.room_id, bot_user.user_id, token) == "leave"
                    )
                )
            await anna.quiet_for(1.0)
            assert len(anna.from_sender(secret, bot_user.user_id)) == 1
            assert len(anna.from_sender(fresh, bot_user.user_id)) == 3
            assert bot.transport.stats["encrypted_rooms"] == 3
            # Anna twice (moved out of two encrypted rooms), Piet once (enrolled, not met yet).
            assert bot.transport.stats["direct_rooms_created"] == 3

    before = _metric("nis2bot_matrix_encrypted_rooms_total", 'action="moved"')
    run(main())
    assert _metric("nis2bot_matrix_encrypted_rooms_total", 'action="moved"') == before + 2
    assert _metric("nis2bot_matrix_encrypted_rooms_total", 'action="group"') >= 1


def _metric(name: str, labels: str) -> float:
    from prometheus_client import generate_latest

    from bot.observability import REGISTRY

    for line in generate_latest(REGISTRY).decode().splitlines():
        if line.startswith(f"{name}{{{labels}}}"):
            return float(line.split()[-1])
    return 0.0


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
