"""getUpdates as Telegram serves it: offsets, long polling, conflicts, what users send."""

from __future__ import annotations

import asyncio

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram.error import Conflict

from tests.fakes import FakeTelegramAPI, RateLimits
from tests.fakes.aio import run


def _fake() -> FakeTelegramAPI:
    return FakeTelegramAPI(rate_limits=RateLimits(enabled=False))


def test_offset_confirms_updates_for_good() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna")
            for text in ("een", "twee", "drie"):
                tg.send_text(anna, text)
            first = await bot.get_updates()
            assert [u.message.text for u in first] == ["een", "twee", "drie"]
            # Without an offset nothing is confirmed: a restarted bot gets them all again.
            assert [u.update_id for u in await bot.get_updates()] == [u.update_id for u in first]
            rest = await bot.get_updates(offset=first[1].update_id)
            assert [u.message.text for u in rest] == ["twee", "drie"]
            assert tg.confirmed_up_to == first[0].update_id
            # "een" is gone forever, even for a lower offset.
            assert [u.message.text for u in await bot.get_updates(offset=1)] == ["twee", "drie"]
            assert [u.message.text for u in await bot.get_updates(limit=1)] == ["twee"]
            assert [u.message.text for u in await bot.get_updates(offset=-1)] == ["drie"]
            assert await bot.get_updates(offset=first[2].update_id + 1) == ()
            assert tg.pending_updates == []

    run(main())


def test_long_poll_returns_as_soon_as_an_update_arrives() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna")
            poll = asyncio.create_task(bot.get_updates(timeout=600))
            # Inject only once the poll is waiting inside the fake.
            await tg.wait_until(lambda: tg.requests("getUpdates"))
            assert not poll.done()
            tg.send_text(anna, "hallo")
            # Far below the poll's own 600 s: only an early return gets the update here.
            updates = await asyncio.wait_for(poll, 60)
            assert [u.message.text for u in updates] == ["hallo"]

    run(main())


def test_long_poll_times_out_empty() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            assert await bot.get_updates(timeout=1) == ()
            [record] = tg.requests("getUpdates")
            assert record.params["timeout"] == "1" and record.status == 200

    run(main())


def test_allowed_updates_filter_and_are_remembered() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
            sent = await bot.send_message(anna.id, "Kies", reply_markup=markup)
            tg.press_button(anna, tg.sent(anna)[0], data="a")
            tg.send_text(anna, "tekst")
            only_messages = await bot.get_updates(allowed_updates=["message"])
            assert [u.message.text for u in only_messages] == ["tekst"]
            assert len(await bot.get_updates()) == 1  # the setting sticks, like Telegram's
            both = await bot.get_updates(allowed_updates=[])
            assert both[0].callback_query.message.message_id == sent.message_id

    run(main())


def test_a_second_poller_ends_the_first_with_conflict() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as first, tg.make_bot() as second:
            older = asyncio.create_task(first.get_updates(timeout=600))
            await tg.wait_until(lambda: tg.requests("getUpdates"))
            newer = asyncio.create_task(second.get_updates(timeout=600))
            with pytest.raises(Conflict):
                await asyncio.wait_for(older, 60)
            tg.send_text(tg.add_user("Anna"), "voor de nieuwe")
            assert len(await asyncio.wait_for(newer, 60)) == 1

    run(main())


def test_webhook_blocks_polling_until_deleted() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            tg.send_text(tg.add_user("Anna"), "x")
            assert await bot.set_webhook("https://bot.example/hook")
            assert (await bot.get_webhook_info()).url == "https://bot.example/hook"
            with pytest.raises(Conflict):
                await bot.get_updates()
            assert await bot.delete_webhook(drop_pending_updates=True)
            info = await bot.get_webhook_info()
            assert (info.url, info.pending_update_count) == ("", 0)
            assert await bot.get_updates() == ()

    run(main())


def test_commands_carry_bot_command_entities() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", username="anna")
            tg.send_text(anna, "/start ABC123")
            tg.send_text(anna, "👋 zie /help")
            start, later = await bot.get_updates()
            assert start.message.parse_entities([MessageEntity.BOT_COMMAND]) == {
                start.message.entities[0]: "/start"
            }
            assert start.message.text.split(maxsplit=1)[1] == "ABC123"
            # Offsets count UTF-16 code units: the emoji is two, so "/help" starts at 7.
            assert (later.message.entities[0].offset, later.message.entities[0].length) == (7, 5)
            assert later.message.parse_entity(later.message.entities[0]) == "/help"
            assert start.message.chat.type == "private" and start.message.chat.id == anna.id
            assert start.message.from_user.language_code == "nl"

    run(main())


def test_group_privacy_mode_hides_chatter() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna")
            ismt = tg.add_group("ISMT")
            assert tg.send_text(anna, "gewoon gepraat", chat=ismt) is None
            assert tg.send_text(anna, "/status@other_bot", chat=ismt) is None
            tg.send_text(anna, "/status@nis2_test_bot", chat=ismt)
            tg.send_text(anna, "/help", chat=ismt)
            tg.send_text(anna, "hé @nis2_test_bot", chat=ismt)
            note = await bot.send_message(ismt.id, "Nieuw incident")
            tg.send_text(anna, "antwoord", chat=ismt, reply_to=tg.sent(ismt)[0])
            updates = await bot.get_updates()
            texts = [u.message.text for u in updates]
            assert texts == ["/status@nis2_test_bot", "/help", "hé @nis2_test_bot", "antwoord"]
            assert updates[0].message.chat.type == "supergroup"
            assert updates[-1].message.reply_to_message.message_id == note.message_id

    run(main())


def test_fixture_serves_from_a_thread_for_sync_tests(telegram_api: FakeTelegramAPI) -> None:
    """The `telegram_api` fixture runs the fake on its own thread: sync waits work too."""
    tg = telegram_api
    anna = tg.add_user("Anna")
    tg.send_text(anna, "/start")

    async def bot_side() -> None:
        async with tg.make_bot() as bot:
            [update] = await bot.get_updates()
            await bot.send_message(update.message.chat.id, "Welkom")
            await bot.get_updates(offset=update.update_id + 1)

    run(bot_side())
    [welcome] = tg.wait_for_sent_sync(anna, count=1)
    assert welcome.text == "Welkom"
    assert tg.pending_updates == [] and tg.duplicates() == []
