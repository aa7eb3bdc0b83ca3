"""Enrolment, help, a dialog with numbered choices and a linked group room, end to end through a
real Synapse with real matrix-nio clients."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from storage import people, rooms
from storage.db import unit_of_work
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.synapse import SynapseServer
from tests.transports_matrix.helpers import (
    Bot,
    Person,
    bodies,
    bot_settings,
    enrol,
    make_invite_code,
    make_org,
)

pytestmark = pytest.mark.slow


def test_enrol_with_bang_start_then_help_in_dutch(
    synapse: SynapseServer, engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    org_id = make_org(engine, "ede")
    code = make_invite_code(engine, org_id, Role.EMPLOYEE)
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")

    async def main() -> None:
        async with (
            Person(anna_user) as anna,
            Bot(bot_settings(synapse, bot_user, tmp_path), engine),
        ):
            room = await anna.open_direct_chat(bot_user.user_id)
            # Not enrolled: the bot accepts the direct chat and explains how to enrol, nothing else.
            [hello] = await anna.wait_for_messages(room, bot_user.user_id, 1)
            assert hello.source["content"]["msgtype"] == "m.notice"
            assert "!start CODE" in hello.source["content"]["body"]
            assert "Vraag je NIS2-coördinator" in hello.source["content"]["body"]

            await anna.say(room, f"!start {code}")
            got = await anna.wait_for_messages(room, bot_user.user_id, 3)
            welcome, question = got[1], got[2]
            assert "Welkom bij de NIS2-assistent van Gemeente Ede" in bodies([welcome])[0]
            assert "Wat is je naam?" in question.source["content"]["body"]
            # The HTML variant is there for Element, the plain body for notifications.
            assert question.source["content"]["format"] == "org.matrix.custom.html"

            # The profile dialog, answered with text and by the number of a choice.
            await anna.say(room, "Anna de Vries")
            [dept] = (await anna.wait_for_messages(room, bot_user.user_id, 4))[3:]
            content = dept.source["content"]
            assert "Bij welke afdeling" in content["body"] and "1. Overslaan" in content["body"]
            assert "<ol><li>Overslaan</li></ol>" in content["formatted_body"]
            await anna.say(room, "1")
            [lang] = (await anna.wait_for_messages(room, bot_user.user_id, 5))[4:]
            assert "1. Nederlands\n2. English" in lang.source["content"]["body"]
            await anna.say(room, "1")
            [done] = (await anna.wait_for_messages(room, bot_user.user_id, 6))[5:]
            assert "Anna de Vries" in done.source["content"]["body"]
            assert "!help" in done.source["content"]["body"]  # commands shown with "!"

            await anna.say(room, "!help")
            [help_] = (await anna.wait_for_messages(room, bot_user.user_id, 7))[6:]
            content = help_.source["content"]
            assert content["msgtype"] == "m.notice"
            assert "Wat je kunt doen als medewerker" in content["body"]
            assert "<b>Wat je kunt doen als medewerker</b>" in content["formatted_body"]
            assert "!profiel" in content["body"] and "/profiel" not in content["body"]
            assert "<br>" in content["formatted_body"]
            await anna.quiet_for(1.0)
            assert len(anna.from_sender(room, bot_user.user_id)) == 7  # nothing twice
        with unit_of_work(engine) as session:
            found = people.identity_lookup(
                session=session, platform="matrix", external_id=anna_user.user_id
            )
            assert found is not None
            identity, person, _org = found
            assert (person.name, person.role, person.department) == (
                "Anna de Vries",
                "employee",
                None,
            )
            assert identity.private_chat_id == room  # private messages can reach her here

    run(main())


def test_profile_dialog_by_number_and_group_room_link(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    org_id = make_org(engine, "breda")
    bot_user = synapse.make_user("bot")
    coord_user, ismt_user = synapse.make_user("coord"), synapse.make_user("ismt")
    enrol(engine, org_id, coord_user.user_id, Role.COORDINATOR, name="Cor")
    enrol(engine, org_id, ismt_user.user_id, Role.ISMT, name="Isa")

    async def main() -> None:
        async with (
            Person(coord_user) as cor,
            Person(ismt_user) as isa,
            Bot(bot_settings(synapse, bot_user, tmp_path), engine) as bot,
        ):
            dm = await cor.open_direct_chat(bot_user.user_id)
            [hello] = await cor.wait_for_messages(dm, bot_user.user_id, 1)
            assert "Hallo Cor" in hello.source["content"]["body"]  # enrolled: a short greeting
            await cor.say(dm, "!profiel")
            [name_q] = (await cor.wait_for_messages(dm, bot_user.user_id, 2))[1:]
            assert "1. Cor" in name_q.source["content"]["body"]  # keep the current name
            await cor.say(dm, "1")
            await cor.wait_for_messages(dm, bot_user.user_id, 3)
            await cor.say(dm, "Overslaan")  # answered by the label, not the number
            await cor.wait_for_messages(dm, bot_user.user_id, 4)
            await cor.say(dm, "2")  # English
            [done] = (await cor.wait_for_messages(dm, bot_user.user_id, 5))[4:]
            assert "Your profile is saved" in done.source["content"]["body"]

            # A group room with some history: the coordinator creates it, talks, then invites
            # the bot. Commands from before the bot joined are not run.
            created = await cor.client.room_create(name="ISMT Breda", invite=[ismt_user.user_id])
            group = created.room_id
            await isa.client.join(group)
            await cor.say(group, "!koppel raad")
            await cor.client.room_invite(group, bot_user.user_id)
            await bot.wait_for(lambda: bot.transport.stats["invites_accepted"] >= 2)
            await cor.say(group, "hallo allemaal")  # not a command: the bot keeps quiet in groups
            await cor.say(group, "!koppel ismt")
            [hint, linked] = await cor.wait_for_messages(group, bot_user.user_id, 2)
            # Brought into a group, the bot says what the room can be linked as (in Cor's
            # language, with Matrix's ! commands).
            assert "!koppel ismt" in hint.source["content"]["body"]
            assert "Until then I only answer commands here" in hint.source["content"]["body"]
            assert "This room is now linked as the ISMT room" in linked.source["content"]["body"]
            await cor.quiet_for(1.0)
            assert len(cor.from_sender(group, bot_user.user_id)) == 2
        with unit_of_work(engine) as session:
            [room] = rooms.rooms_by_chat(session=session, platform="matrix", chat_id=group)
            assert (room.purpose, room.organisation_id) == ("ismt", org_id)

    run(main())
