"""The real transport and PTB client against the Bot API fake, on SQLite and PostgreSQL:
enrolment by deep link, /help in Dutch, a dialog answered with buttons, a group room linked."""

from __future__ import annotations

from storage import rooms
from storage.db import unit_of_work
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.transports_telegram.helpers import (
    enrol,
    make_invite_code,
    make_org,
    running_bot,
    wait_until,
)


def test_enrol_by_deep_link_then_help_and_the_profile_dialog_with_buttons(
    telegram_api: FakeTelegramAPI, engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    code = make_invite_code(engine, make_org(engine))
    anna = tg.add_user("Anna", username="anna", language_code="nl")

    async def main() -> None:
        async with running_bot(tg, engine) as bot:
            # t.me/<bot>?start=CODE makes the app send "/start CODE": it reaches the router as is.
            tg.send_text(anna, f"/start {code}")
            welcome, question = await tg.wait_for_sent(anna, count=2)
            assert "Welkom" in (welcome.text or "")
            assert "Wat is je naam?" in (question.text or "")
            assert [text for text, _data in question.buttons()] == ["Anna"]
            assert bot.handled[0].text == f"/start {code}"

            press = tg.press_button(anna, question, data="keep")
            department = (await tg.wait_for_sent(anna, count=3))[2]
            assert "Bij welke afdeling" in (department.text or "")
            # the pressed keyboard is gone and the spinner stopped
            await tg.wait_until(lambda: tg.callback_answer(press) is not None)
            await tg.wait_until(lambda: not tg.sent(anna)[1].buttons())
            assert bot.handled[1].choice == "keep"

            tg.press_button(anna, department, text="Overslaan")
            language = (await tg.wait_for_sent(anna, count=4))[3]
            assert "In welke taal" in (language.text or "")
            tg.press_button(anna, language, data="en")
            done = (await tg.wait_for_sent(anna, count=5))[4]
            assert "Your profile is saved" in (done.text or "")
            # an old keyboard cannot be pressed again: Telegram shows no buttons any more
            await tg.wait_until(lambda: not tg.sent(anna)[3].buttons())

            tg.send_text(anna, "/hulp")
            help_text = (await tg.wait_for_sent(anna, count=6))[5]
            assert "What you can do as" in (help_text.text or "")  # English since the profile

        bea = tg.add_user("Bea", language_code="nl")
        enrol(engine, make_org(engine), bea, Role.EMPLOYEE)
        async with running_bot(tg, engine):
            tg.send_text(bea, "/help")
            [reply] = await tg.wait_for_sent(bea, count=1)
            assert "Wat je kunt doen als" in (reply.text or "")
            assert reply.parse_mode == "HTML" and reply.entities  # the title is bold
        assert tg.duplicates() == []

    run(main())


def test_group_room_linked_by_the_coordinator_and_chatter_ignored(engine) -> None:  # type: ignore[no-untyped-def]
    # Privacy mode off, so the bot sees everything in the group and must ignore non-commands itself.
    with FakeTelegramAPI(privacy_mode=False) as tg:
        tg.rate_limits.time_scale = 20
        org = make_org(engine)
        cora = tg.add_user("Cora", language_code="nl", started=True)
        enrol(engine, org, cora, Role.COORDINATOR)
        ismt = tg.add_group("ISMT Gemeente Demo")

        async def main() -> None:
            async with running_bot(tg, engine) as bot:
                tg.send_text(cora, "Goedemorgen allemaal", chat=ismt)
                tg.send_text(cora, "/help@some_other_bot", chat=ismt)
                tg.send_text(cora, "/koppel@nis2_test_bot ismt", chat=ismt)
                [confirmation] = await tg.wait_for_sent(ismt, count=1)
                assert "gekoppeld" in (confirmation.text or "")
                await wait_until(tg, lambda: tg.pending_updates == [] or len(bot.handled) >= 2)
                # the greeting reached the router (which stays silent in groups); the command for
                # another bot never did
                assert [e.text for e in bot.handled] == [
                    "Goedemorgen allemaal",
                    "/koppel@nis2_test_bot ismt",
                ]
                assert all(e.chat_is_group for e in bot.handled)
            assert len(tg.sent(ismt)) == 1
            with unit_of_work(engine) as session:
                linked = rooms.rooms_for(session=session, organisation_id=org, purpose="ismt")
            assert [r.chat_id for r in linked] == [str(ismt.id)]

        run(main())


def test_command_menus_per_language(telegram_api: FakeTelegramAPI, sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api

    async def main() -> None:
        async with running_bot(tg, sqlite_engine, receive=False):
            pass

    run(main())
    dutch = {c["command"]: c["description"] for c in tg.commands({"type": "default"}, "")}
    english = {c["command"]: c["description"] for c in tg.commands({"type": "default"}, "en")}
    groups = {c["command"] for c in tg.commands({"type": "all_group_chats"}, "")}
    assert dutch["help"] != english["help"]
    assert english["help"] == "what I can do for you"
    assert "taal" in dutch and "uitnodiging" not in dutch  # coordinator-only stays off the menu
    assert "koppel" in groups and "profiel" not in groups
