"""The fake Bot API against the real python-telegram-bot client: sending, editing, buttons."""

from __future__ import annotations

import html
import io

import aiohttp
import pytest
from PIL import Image
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.error import BadRequest, Forbidden, InvalidToken

from tests.fakes import FakeTelegramAPI, RateLimits
from tests.fakes.aio import run


def _fake() -> FakeTelegramAPI:
    # Flood limits have their own tests (test_telegram_faults.py); here they'd only interfere.
    return FakeTelegramAPI(rate_limits=RateLimits(enabled=False))


def _keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_get_me_describes_the_bot() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            me = await bot.get_me()
            assert (me.username, me.is_bot, me.id) == ("nis2_test_bot", True, 123456789)
            assert me.can_read_all_group_messages is False  # privacy mode, as by default

    run(main())


def test_html_message_is_parsed_and_recorded() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            typed = "<script> & co"  # what a person typed, escaped as the bot must
            sent = await bot.send_message(
                anna.id, f"<b>Melding</b> van {html.escape(typed)}", parse_mode="HTML"
            )
            assert sent.text == "Melding van <script> & co"
            assert sent.parse_entity(sent.entities[0]) == "Melding"
            assert sent.from_user.username == "nis2_test_bot"
            [record] = tg.sent(anna)
            assert record.text == sent.text and record.message_id == sent.message_id
            assert record.raw_text == "<b>Melding</b> van &lt;script&gt; &amp; co"

    run(main())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2 < 3", 'unsupported start tag ""'),
        ("<script>x</script>", 'unsupported start tag "script"'),
        ("<b>open", "can't find end tag"),
        ("<b>x</i>", "unmatched end tag"),
        ("Tom & Jerry", 'unescaped "&"'),
    ],
)
def test_unescaped_html_is_rejected_and_not_delivered(text: str, reason: str) -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            with pytest.raises(BadRequest) as caught:
                await bot.send_message(anna.id, text, parse_mode="HTML")
            assert "can't parse entities" in str(caught.value).lower()
            assert reason in str(caught.value).lower()
            assert tg.sent(anna) == []

    run(main())


def test_message_length_limit() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            # The limit counts the visible text: tags do not count, entities do not split it.
            await bot.send_message(anna.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
            with pytest.raises(BadRequest, match=r"(?i)too long"):
                await bot.send_message(anna.id, "x" * 4097)
            with pytest.raises(BadRequest, match=r"(?i)empty"):
                await bot.send_message(anna.id, "<b> </b>", parse_mode="HTML")
            assert len(tg.sent(anna)) == 1

    run(main())


def test_private_chat_needs_start_and_respects_blocking() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna")
            with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
                await bot.send_message(anna.id, "hallo")
            tg.send_text(anna, "/start")
            await bot.send_message(anna.id, "hallo")
            tg.block_bot(anna)
            with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
                await bot.send_message(anna.id, "nog eens")
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await bot.send_message(999, "niemand")
            assert tg.texts(anna) == ["hallo"]

    run(main())


def test_button_press_answer_and_keyboard_edit() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            question = await bot.send_message(
                anna.id, "Significant?", reply_markup=_keyboard(("Ja", "sig:yes"), ("Nee", "no"))
            )
            [record] = tg.sent(anna)
            assert record.buttons() == [("Ja", "sig:yes"), ("Nee", "no")]
            pressed = tg.press_button(anna, record, text="Ja")

            [update] = await bot.get_updates()
            query = update.callback_query
            assert update.update_id == pressed["update_id"]
            assert (query.data, query.from_user.id) == ("sig:yes", anna.id)
            assert query.message.message_id == question.message_id
            await bot.answer_callback_query(query.id, text="Genoteerd")
            assert tg.callback_answer(pressed).text == "Genoteerd"
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await bot.answer_callback_query(query.id)

            edited = await bot.edit_message_reply_markup(anna.id, question.message_id)
            assert edited.reply_markup is None and record.reply_markup is None
            assert len(record.edits) == 1
            with pytest.raises(BadRequest, match=r"(?i)not modified"):
                await bot.edit_message_reply_markup(anna.id, question.message_id)
            with pytest.raises(LookupError):
                tg.press_button(anna, record, data="sig:yes")  # the keyboard is gone
            with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
                await bot.send_message(anna.id, "x", reply_markup=_keyboard(("y", "z" * 65)))

    run(main())


def test_edit_message_text_keeps_the_history() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            sent = await bot.send_message(anna.id, "Stap 1", reply_markup=_keyboard(("OK", "ok")))
            edited = await bot.edit_message_text(
                "<i>Stap 2</i>", anna.id, sent.message_id, parse_mode="HTML"
            )
            assert edited.text == "Stap 2" and edited.edit_date is not None
            [record] = tg.sent(anna)
            assert record.text == "Stap 2" and record.reply_markup is None
            assert record.edits[0]["previous_text"] == "Stap 1"
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.edit_message_text("a < b", anna.id, sent.message_id, parse_mode="HTML")
            with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
                await bot.edit_message_text("x", anna.id, 4242)

    run(main())


def test_photo_and_document_uploads_keep_their_bytes() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            anna = tg.add_user("Anna", started=True)
            png = _png()
            photo = await bot.send_photo(anna.id, png, caption="<b>Grafiek</b>", parse_mode="HTML")
            assert (photo.photo[-1].width, photo.photo[-1].height) == (3, 2)
            assert photo.caption == "Grafiek"
            report = b"%PDF-1.4 fake report"
            doc = await bot.send_document(anna.id, report, filename="rapport.pdf")
            assert doc.document.file_name == "rapport.pdf"
            assert doc.document.mime_type == "application/pdf"
            photo_record, doc_record = tg.sent(anna)
            assert photo_record.file is not None and photo_record.file.data == png
            assert doc_record.file is not None and doc_record.file.data == report
            # The file URL (base_file_url) serves the same bytes back.
            downloaded = await (await bot.get_file(doc.document.file_id)).download_as_bytearray()
            assert bytes(downloaded) == report
            # Re-sending by file_id refers to the stored file.
            again = await bot.send_document(anna.id, doc.document.file_id)
            assert again.document.file_unique_id == doc.document.file_unique_id
            assert tg.duplicates(anna) == [(anna.id, f"[document {doc.document.file_unique_id}]")]
            with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
                await bot.send_photo(anna.id, b"not an image", filename="x.png")

    run(main())


def test_commands_per_scope_and_language() -> None:
    async def main() -> None:
        async with _fake() as tg, tg.make_bot() as bot:
            nl = [BotCommand("melden", "Incident melden"), BotCommand("help", "Hulp")]
            en = [BotCommand("report", "Report an incident")]
            scope = BotCommandScopeAllPrivateChats()
            assert await bot.set_my_commands(nl, scope=scope, language_code="nl")
            assert await bot.set_my_commands(en, scope=scope, language_code="en")
            assert [c.command for c in await bot.get_my_commands(scope, "nl")] == [
                "melden",
                "help",
            ]
            assert await bot.get_my_commands() == ()  # default scope, no language: untouched
            stored = tg.commands({"type": "all_private_chats"}, "en")
            assert stored == [{"command": "report", "description": "Report an incident"}]
            with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
                await bot.set_my_commands([BotCommand("Bad-Name", "x")])

    run(main())


def test_chat_action_and_wrong_token() -> None:
    async def main() -> None:
        async with _fake() as tg:
            anna = tg.add_user("Anna", started=True)
            async with tg.make_bot() as bot:
                assert await bot.send_chat_action(anna.id, "typing")
            assert tg.state.chat_actions == [(anna.id, "typing")]
            wrong = FakeTelegramAPI(token="42:wrong")
            wrong.port = tg.port  # same server, other token
            with pytest.raises(InvalidToken):
                async with wrong.make_bot():
                    pass

    run(main())


def test_json_get_and_form_bodies_are_all_accepted() -> None:
    """PTB sends forms and multipart; other clients send JSON or GET: Telegram takes all."""

    async def main() -> None:
        async with _fake() as tg, aiohttp.ClientSession() as http:
            anna = tg.add_user("Anna", started=True)
            url = f"{tg.base_url}{tg.token}/sendMessage"
            markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
            async with http.post(url, json={"chat_id": anna.id, "text": "json",
                                            "reply_markup": markup}) as answer:  # fmt: skip
                body = await answer.json()
                assert body["ok"] and body["result"]["reply_markup"] == markup
            async with http.get(url, params={"chat_id": str(anna.id), "text": "get"}) as answer:
                assert (await answer.json())["result"]["text"] == "get"
            async with http.post(url, data={"chat_id": str(anna.id), "text": "x < y",
                                            "parse_mode": "HTML"}) as answer:  # fmt: skip
                body = await answer.json()
                assert answer.status == 400 and body["error_code"] == 400
                assert body["description"].startswith("Bad Request: can't parse entities")
            async with http.get(f"{tg.base_url}{tg.token}/noSuchMethod") as answer:
                assert answer.status == 404
            assert tg.texts(anna) == ["json", "get"]

    run(main())
