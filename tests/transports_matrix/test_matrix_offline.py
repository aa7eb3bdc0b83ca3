"""Rendering, reading and error mapping of the Matrix transport (no server needed)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from nio import RoomSendError

from bot.messages import Attachment, Choice
from bot.outbox import DeliveryError
from bot.transports.matrix_inbound import strip_reply_fallback
from bot.transports.matrix_outbound import delivery_error, send_event
from bot.transports.matrix_render import (
    attachment_content,
    bang_commands,
    text_content,
    to_matrix_html,
)
from handlers.reply import markup


def test_only_registered_commands_get_a_bang() -> None:
    text = (
        "Typ /help of /profiel. Datum 20/11, zie https://ncsc.nl/help en a/help; "
        "/onbekend blijft; <b>/stop</b> en /terug."
    )
    assert bang_commands(text) == (
        "Typ !help of !profiel. Datum 20/11, zie https://ncsc.nl/help en a/help; "
        "/onbekend blijft; <b>!stop</b> en !terug."
    )


def test_html_keeps_escapes_breaks_lines_and_preformatted_text() -> None:
    neutral = markup("<b>{a}</b>\n<s>weg</s>\n<pre>x\ny</pre>\n<code>{c}</code>", a="<&>", c="1<2")
    assert to_matrix_html(neutral) == (
        "<b>&lt;&amp;&gt;</b><br><del>weg</del><br><pre>x\ny</pre><br><code>1&lt;2</code>"
    )


def test_text_content_with_choices_and_typed_input_escaped() -> None:
    content = text_content(markup("Hoi {name}", name="<script>"), (Choice("1", "A & B"),))
    assert content == {
        "msgtype": "m.notice",
        "body": "Hoi <script>\n\n1. A & B",
        "format": "org.matrix.custom.html",
        "formatted_body": "Hoi &lt;script&gt;<ol><li>A &amp; B</li></ol>",
    }


def test_attachment_content_for_images_and_files() -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + (7).to_bytes(4, "big") * 2
    image = attachment_content(Attachment("image", "g.png", "image/png", png), "mxc://s/a")
    assert image["msgtype"] == "m.image" and (image["info"]["w"], image["info"]["h"]) == (7, 7)
    doc = attachment_content(
        Attachment("document", "c.pdf", "application/pdf", b"%PDF"), "mxc://s/b"
    )
    assert doc == {
        "msgtype": "m.file",
        "body": "c.pdf",
        "filename": "c.pdf",
        "url": "mxc://s/b",
        "info": {"mimetype": "application/pdf", "size": 4},
    }


def test_reply_fallback_is_cut_off() -> None:
    assert strip_reply_fallback("> <@bot:x> Vraag?\n> meer\n\nAntwoord") == "Antwoord"
    assert strip_reply_fallback("Geen citaat\n> wel hier") == "Geen citaat\n> wel hier"


def test_error_responses_map_to_retry_advice() -> None:
    def error(code: str | None, status: int | None, **extra: object) -> RoomSendError:
        answer = RoomSendError.from_dict({"errcode": code, "error": "x", **extra}, "!r:s")
        answer.transport_response = SimpleNamespace(status=status) if status else None  # type: ignore[assignment]
        return answer

    limited = delivery_error("send", error("M_LIMIT_EXCEEDED", 429, retry_after_ms=2500))
    assert limited.retryable and limited.retry_after == 2.5
    assert delivery_error("send", error(None, 502)).retryable
    assert delivery_error("send", error(None, None)).retryable  # no HTTP answer at all
    forbidden = delivery_error("send", error("M_FORBIDDEN", 403))
    assert not forbidden.retryable and "M_FORBIDDEN" in str(forbidden)
    assert not delivery_error("send", error("M_NOT_FOUND", 404)).retryable


def test_a_timed_out_send_is_retryable() -> None:
    class SlowClient:
        async def room_send(self, *args: object, **kwargs: object) -> None:
            raise TimeoutError

    async def main() -> None:
        with pytest.raises(DeliveryError) as caught:
            await send_event(SlowClient(), "!r:s", {"body": "x"}, 7, 0)  # type: ignore[arg-type]
        assert caught.value.retryable

    asyncio.run(main())
