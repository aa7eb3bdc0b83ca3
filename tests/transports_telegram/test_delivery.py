"""Outbound over the wire: long replies split, typed markup escaped, files, long button values,
and Telegram's errors turned into the outbox worker's retry, backoff or failure."""

from __future__ import annotations

import io
from datetime import timedelta

from bot.transports.telegram_outbound import Step
from bot.transports.telegram_render import Part
from storage.enums import OutboxStatus, Role
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_faults import Fault
from tests.transports_telegram.helpers import (
    enrol,
    make_org,
    outbox_rows,
    queue,
    running_bot,
    wait_until,
)


def test_a_10000_character_reply_arrives_in_clean_parts(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna", started=True)
    lines = [f"<b>Regel {n}</b> — " + "<i>nis2 " * 10 + "</i>" * 10 for n in range(170)]
    text = "\n".join(lines)

    async def main() -> None:
        async with running_bot(tg, sqlite_engine) as bot:
            queue(sqlite_engine, anna.id, text, choices=[["ok", "Gelezen"]])
            bot.runtime.worker.wake()
            await wait_until(tg, lambda: outbox_rows(sqlite_engine)[0].status == "sent")

    run(main())
    parts = tg.sent(anna)
    assert len(parts) == 3
    assert sum(len(p.text or "") for p in parts) >= 10_000
    assert all(len(p.text or "") <= 4096 for p in parts)
    assert all((p.text or "").startswith("Regel ") for p in parts)  # cut between lines
    assert [bool(p.buttons()) for p in parts] == [False, False, True]  # keyboard on the last
    assert sum((p.text or "").count("Regel") for p in parts) == 170


def test_markup_typed_by_a_person_is_echoed_back_escaped(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api  # strict: a bare & would be refused with 400, as would <script>
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna")
    enrol(sqlite_engine, make_org(sqlite_engine), anna, Role.EMPLOYEE)

    async def main() -> None:
        async with running_bot(tg, sqlite_engine):
            tg.send_text(anna, "/x<script>&amp;b")
            [reply] = await tg.wait_for_sent(anna, count=1)
            assert "De opdracht /x<script>&amp;b ken ik niet" in (reply.text or "")
            assert "&lt;script&gt;&amp;amp;b" in (reply.raw_text or "")

    run(main())


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 32), (0, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def test_photo_and_document_delivery(telegram_api: FakeTelegramAPI, sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna", started=True)
    png = _png()
    pdf = b"%PDF-1.4\n" + b"certificaat " * 200

    async def main() -> None:
        async with running_bot(tg, sqlite_engine) as bot:
            queue(
                sqlite_engine,
                anna.id,
                "<b>Je voortgang</b> & je certificaat",
                attachments=[
                    ("image", "voortgang.png", "image/png", png),
                    ("document", "certificaat.pdf", "application/pdf", pdf),
                ],
            )
            queue(
                sqlite_engine,
                anna.id,
                "Lang verhaal. " * 100,  # too long for a caption: text first, then the file
                attachments=[("image", "grafiek.png", "image/png", png)],
            )
            bot.runtime.worker.wake()
            await tg.wait_for_sent(anna, count=4)

    run(main())
    photo, document, text, chart = tg.sent(anna)
    assert (photo.method, photo.text, photo.file and photo.file.data) == (
        "sendPhoto",
        "Je voortgang & je certificaat",
        png,
    )
    assert document.method == "sendDocument" and document.file is not None
    assert (document.file.filename, document.file.data) == ("certificaat.pdf", pdf)
    assert text.method == "sendMessage" and (text.text or "").startswith("Lang verhaal.")
    assert chart.method == "sendPhoto" and chart.text is None
    assert [r.status for r in outbox_rows(sqlite_engine)] == ["sent", "sent"]


def test_a_choice_value_longer_than_64_bytes_travels_as_a_token(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna", started=True)
    enrol(sqlite_engine, make_org(sqlite_engine), anna, Role.EMPLOYEE)
    long_value = "/taal en " + "x" * 100

    async def main() -> None:
        async with running_bot(tg, sqlite_engine) as bot:
            queue(sqlite_engine, anna.id, "Kies", choices=[[long_value, "Engels"]])
            bot.runtime.worker.wake()
            [question] = await tg.wait_for_sent(anna, count=1)
            [(_label, data)] = question.buttons()
            assert data is not None and len(data.encode()) <= 64
            tg.press_button(anna, question, data=data)
            await wait_until(tg, lambda: len(bot.handled) == 1)
            assert bot.handled[0].choice == long_value  # resolved before the router saw it

    run(main())


def test_refused_html_is_sent_again_as_plain_text(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    anna = tg.add_user("Anna", started=True)

    async def main() -> None:
        async with running_bot(tg, sqlite_engine, receive=False) as bot:
            broken = Step(Part("<b>vet & <i>fout</b>", "vet & fout"))  # not from our renderer
            sent = await bot.transport.sender._send_step(str(anna.id), broken, None)
            assert sent.text == "vet & fout"

    run(main())
    [message] = tg.sent(anna)
    assert (message.text, message.parse_mode) == ("vet & fout", None)
    assert tg.requests("sendMessage")[0].status == 400


def test_429_waits_for_retry_after_then_delivers(
    telegram_api: FakeTelegramAPI, sqlite_engine, clock
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    anna = tg.add_user("Anna", started=True)
    tg.faults.script(Fault.rate_limit(7), method="sendMessage")

    async def main() -> None:
        async with running_bot(tg, sqlite_engine, clock=clock) as bot:
            queue(sqlite_engine, anna.id, "Na de pauze", now=clock())
            bot.runtime.worker.wake()
            await wait_until(tg, lambda: outbox_rows(sqlite_engine)[0].attempts == 1)
            [row] = outbox_rows(sqlite_engine)
            assert row.status == "pending" and "rate limited" in (row.last_error or "")
            assert row.next_attempt_at == clock() + timedelta(seconds=7)  # honoured exactly
            clock.advance(seconds=6)
            bot.runtime.worker.wake()
            await bot.runtime.worker.deliver_due()
            assert tg.sent(anna) == []  # not before retry_after
            clock.advance(seconds=1)
            bot.runtime.worker.wake()
            await tg.wait_for_sent(anna, count=1)
            await wait_until(tg, lambda: outbox_rows(sqlite_engine)[0].status == "sent")

    run(main())
    assert tg.texts(anna) == ["Na de pauze"]


def test_5xx_and_timeouts_are_retried_a_permanent_403_is_marked_failed(
    telegram_api: FakeTelegramAPI, sqlite_engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    tg.rate_limits.time_scale = 20
    anna = tg.add_user("Anna", started=True)
    bert = tg.add_user("Bert", started=True)
    tg.block_bot(bert)
    tg.faults.script(
        Fault.server_error(502), Fault.timeout(), Fault.server_error(500), method="sendMessage"
    )
    failed: list[tuple[int, str]] = []

    async def main() -> None:
        async with running_bot(tg, sqlite_engine, telegram_request_timeout=0.5) as bot:
            bot.runtime.worker.on_failed = lambda oid, error: failed.append((oid, error))
            first = queue(sqlite_engine, anna.id, "Komt er toch")
            await wait_until(tg, lambda: tg.faults.pending("sendMessage") == 0, timeout=60)
            blocked = queue(sqlite_engine, bert.id, "Geblokkeerd")
            bot.runtime.worker.wake()
            await wait_until(
                tg, lambda: [r.status for r in outbox_rows(sqlite_engine)] == ["sent", "failed"], 60
            )
            rows = {r.id: r for r in outbox_rows(sqlite_engine)}
            assert rows[first].attempts == 4  # 502, time-out, 500, then delivered
            assert rows[blocked].attempts == 1 and "blocked" in (rows[blocked].last_error or "")
            assert failed == [(blocked, rows[blocked].last_error)]

    run(main(), timeout=120)
    assert tg.texts(anna) == ["Komt er toch"]
    assert tg.sent(bert) == []
    assert OutboxStatus.FAILED.value == "failed"
