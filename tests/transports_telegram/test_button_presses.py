"""Button presses are accepted only from the chat type and the message they were sent to, and a
press the core refuses leaves the buttons for the people who may press them (issue #15, item 8).

Through the real transport and PTB against the Bot API fake, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.settings import FeatureSettings
from storage import people
from storage.db import unit_of_work
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.harness import Harness
from tests.incidents.chat_helpers import link_ismt_room, report_phishing
from tests.transports_telegram.helpers import (
    enrol,
    make_org,
    outbox_rows,
    queue,
    running_bot,
    wait_until,
)

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _clock() -> datetime:
    return NOW


def _private_chat_of(engine, user_id: int) -> str | None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        found = people.identity_lookup(
            session=session, platform="telegram", external_id=str(user_id)
        )
        assert found is not None
        return found[0].private_chat_id


def _delivered(engine, chat_id: str) -> bool:  # type: ignore[no-untyped-def]
    """The outbox recorded the platform's message id (a press before that is a press too soon)."""
    return any(r.chat_id == chat_id and r.external_id for r in outbox_rows(engine))


def test_forged_presses_from_a_channel_or_another_persons_chat_are_ignored(
    telegram_api: FakeTelegramAPI, engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    org = make_org(engine)
    anna = tg.add_user("Anna", started=True)
    mallory = tg.add_user("Mallory", started=True)
    enrol(engine, org, anna, Role.EMPLOYEE)
    enrol(engine, org, mallory, Role.ISMT)
    channel = {"id": -1_009_999_000_001, "type": "channel", "title": "Nieuws"}

    async def main() -> None:
        async with running_bot(tg, engine, clock=_clock) as bot:
            tg.send_text(mallory, "/help")
            tg.send_text(anna, "/help")
            await tg.wait_for_sent(mallory, count=1)
            await tg.wait_for_sent(anna, count=1)
            assert _private_chat_of(engine, mallory.id) == str(mallory.id)
            queue(
                engine, anna.id, "Kies", choices=[["/help", "Help"], ["/status", "Status"]], now=NOW
            )
            [_, offered] = await tg.wait_for_sent(anna, count=2)
            assert offered.buttons()
            await wait_until(tg, lambda: _delivered(engine, str(anna.id)))
            handled_before = len(bot.handled)

            forged = [
                # from a channel the bot never sent buttons to
                tg.forge_button_press(mallory, chat=channel, message_id=5, data="/help"),
                # claiming Anna's private chat, on the very message (and value) the bot sent her
                tg.forge_button_press(
                    mallory,
                    chat={"id": anna.id, "type": "private", "first_name": "Anna"},
                    message_id=offered.message_id,
                    data="/help",
                ),
            ]
            for update in forged:
                await wait_until(tg, lambda u=update: tg.callback_answer(u) is not None)
            # nothing reached the core, nothing was sent anywhere, the private chat stayed hers
            assert len(bot.handled) == handled_before
            assert len(tg.sent(anna)) == 2 and len(tg.sent(mallory)) == 1
            assert _private_chat_of(engine, mallory.id) == str(mallory.id)
            assert tg.sent(anna)[1].buttons()  # Anna's keyboard is untouched
            assert tg.callback_answer(forged[0]).text == "Deze knop doet hier niets voor jou."

    run(main())


def test_presses_only_on_the_message_and_value_the_bot_sent(
    telegram_api: FakeTelegramAPI, engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    org = make_org(engine)
    anna = tg.add_user("Anna", started=True)
    enrol(engine, org, anna, Role.EMPLOYEE)

    async def main() -> None:
        async with running_bot(tg, engine, clock=_clock) as bot:
            queue(engine, anna.id, "Kies", choices=[["/help", "Help"]], now=NOW)
            [offered] = await tg.wait_for_sent(anna, count=1)
            await wait_until(tg, lambda: _delivered(engine, str(anna.id)))
            own_chat = {"id": anna.id, "type": "private", "first_name": "Anna"}
            wrong = [
                # a message the bot never sent
                tg.forge_button_press(anna, chat=own_chat, message_id=9_999, data="/help"),
                # a value the message never offered
                tg.forge_button_press(
                    anna, chat=own_chat, message_id=offered.message_id, data="/status"
                ),
            ]
            for update in wrong:
                await wait_until(tg, lambda u=update: tg.callback_answer(u) is not None)
            assert bot.handled == [] and len(tg.sent(anna)) == 1
            # the real press on the real message still works, and only then the keyboard goes
            tg.press_button(anna, offered, data="/help")
            await tg.wait_for_sent(anna, count=2)
            await wait_until(tg, lambda: not tg.sent(anna)[0].buttons())
            assert [e.choice for e in bot.handled] == ["/help"]

    run(main())


def test_a_refused_press_on_the_ismt_alert_leaves_the_buttons(
    telegram_api: FakeTelegramAPI, engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    room = tg.add_group("ISMT")
    harness = Harness(engine, FeatureSettings(), _clock)
    org = harness.org()
    link_ismt_room(harness, org, chat_id=str(room.id))
    reporter = harness.person(Role.EMPLOYEE, org_id=org, name="Eva")
    report_phishing(harness, reporter)  # the alert with its buttons waits in the outbox
    erik = tg.add_user("Erik", started=True)
    isa = tg.add_user("Isa", started=True)
    enrol(engine, org, erik, Role.EMPLOYEE)
    enrol(engine, org, isa, Role.ISMT)

    async def main() -> None:
        async with running_bot(tg, engine, clock=_clock) as bot:
            [alert] = await tg.wait_for_sent(room, count=1)
            await wait_until(tg, lambda: _delivered(engine, str(room.id)))
            buttons = alert.buttons()
            assert len(buttons) == 2
            refused = tg.press_button(erik, alert, data=buttons[0][1])
            await wait_until(tg, lambda: tg.callback_answer(refused) is not None)
            await tg.wait_for_sent(room, count=2)  # the refusal, said in the room
            assert bot.results[-1].refused
            assert tg.sent(room)[0].buttons() == buttons  # still there for the ISMT

            accepted = tg.press_button(isa, alert, data=buttons[0][1])
            await wait_until(tg, lambda: tg.callback_answer(accepted) is not None)
            await wait_until(tg, lambda: not tg.sent(room)[0].buttons())
            assert not bot.results[-1].refused

    run(main())
