"""Outbound: notices with HTML, images and files, idempotent resends, and the error mapping."""

from __future__ import annotations

import asyncio
import io

import pytest
from nio import DownloadResponse, RoomMessageFile, RoomMessageImage
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.messages import Attachment, Choice, Outbound
from bot.outbox import DeliveryError
from storage import outbox
from storage.clock import utc_now
from storage.db import unit_of_work
from storage.enums import OutboxStatus, Role
from storage.models import OutboxMessage
from tests.fakes.aio import run
from tests.fakes.synapse import SynapseServer
from tests.transports_matrix.helpers import Bot, Person, bot_settings, enrol, make_org

pytestmark = pytest.mark.slow


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def _outbound(outbox_id: int, room: str, text: str, **kwargs) -> Outbound:  # type: ignore[no-untyped-def]
    values = {"choices": (), "attachments": (), "idempotency_key": f"test:{outbox_id}"} | kwargs
    return Outbound(outbox_id=outbox_id, platform="matrix", chat_id=room, text=text, **values)


async def _dm(person: Person, bot: Bot, bot_id: str) -> str:
    room = await person.open_direct_chat(bot_id)
    await person.wait_for_messages(room, bot_id, 1)  # the greeting: the bot is in
    return room


def test_same_outbox_message_twice_is_one_event_and_attachments_arrive(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    org_id = make_org(sqlite_engine, "ede")
    enrol(sqlite_engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")
    png, pdf = _png(4, 3), b"%PDF-1.4 certificate"

    async def main() -> None:
        settings = bot_settings(synapse, bot_user, tmp_path)
        async with Person(anna_user) as anna, Bot(settings, sqlite_engine) as bot:
            room = await _dm(anna, bot, bot_user.user_id)
            message = _outbound(
                990001,
                room,
                "<b>Let op</b> &amp; <s>oud</s>\nnieuwe regel",
                choices=(Choice("/a", "Ja & nee"), Choice("/b", "<Later>")),
                attachments=(
                    Attachment("image", "grafiek.png", "image/png", png),
                    Attachment("document", "certificaat.pdf", "application/pdf", pdf),
                ),
            )
            first = await bot.transport.deliver(message)
            again = await bot.transport.deliver(message)  # a resend after a crash
            assert first.external_id and first.external_id == again.external_id

            got = await anna.wait_for_messages(room, bot_user.user_id, 4)
            await anna.quiet_for(1.0)
            got = anna.from_sender(room, bot_user.user_id)
            assert len(got) == 4  # greeting, notice, image, file: each once
            notice = got[1].source["content"]
            assert got[1].event_id == first.external_id
            assert notice["msgtype"] == "m.notice"
            assert notice["body"] == "Let op & oud\nnieuwe regel\n\n1. Ja & nee\n2. <Later>"
            assert notice["formatted_body"] == (
                "<b>Let op</b> &amp; <del>oud</del><br>nieuwe regel"
                "<ol><li>Ja &amp; nee</li><li>&lt;Later&gt;</li></ol>"
            )
            image, document = got[2], got[3]
            assert isinstance(image, RoomMessageImage) and image.body == "grafiek.png"
            assert image.source["content"]["info"] == {
                "mimetype": "image/png",
                "size": len(png),
                "w": 4,
                "h": 3,
            }
            assert isinstance(document, RoomMessageFile) and document.body == "certificaat.pdf"
            for event, data in ((image, png), (document, pdf)):
                downloaded = await anna.client.download(mxc=event.url)
                assert isinstance(downloaded, DownloadResponse) and downloaded.body == data

    run(main())


def test_delivery_errors_map_to_retry_advice(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    org_id = make_org(sqlite_engine, "ede")
    enrol(sqlite_engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")

    async def main() -> None:
        settings = bot_settings(synapse, bot_user, tmp_path)
        async with Person(anna_user) as anna, Bot(settings, sqlite_engine) as bot:
            room = await _dm(anna, bot, bot_user.user_id)
            # Not in the room: M_FORBIDDEN, retrying cannot help.
            other = await anna.client.room_create(name="zonder bot")
            with pytest.raises(DeliveryError) as forbidden:
                await bot.transport.deliver(_outbound(990101, other.room_id, "hallo"))
            assert not forbidden.value.retryable and "M_FORBIDDEN" in str(forbidden.value)

            # Synapse's flood control (M_LIMIT_EXCEEDED): retried after the server's retry_after.
            admin = synapse.make_user("admin", admin=True)
            path = f"/_synapse/admin/v1/users/{bot_user.user_id}/override_ratelimit"
            synapse.request(
                "POST", path, {"messages_per_second": 1, "burst_count": 1}, admin.access_token
            )
            try:
                limited = None
                for n in range(5):
                    try:
                        await bot.transport.deliver(_outbound(990200 + n, room, f"snel {n}"))
                    except DeliveryError as error:
                        limited = error
                        break
                assert limited is not None and limited.retryable
                assert limited.retry_after is not None and limited.retry_after > 0
                assert "M_LIMIT_EXCEEDED" in str(limited)
            finally:
                synapse.request("DELETE", path, token=admin.access_token)

            # The homeserver is down: retryable, nothing is lost.
            await asyncio.to_thread(synapse.stop)
            try:
                with pytest.raises(DeliveryError) as down:
                    await bot.transport.deliver(_outbound(990301, room, "later"))
                assert down.value.retryable
            finally:
                await asyncio.to_thread(synapse.start)

    run(main())


def test_outbox_worker_delivers_150_messages_once_each_in_order(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
    org_id = make_org(sqlite_engine, "ede")
    enrol(sqlite_engine, org_id, anna_user.user_id, Role.EMPLOYEE, name="Anna")
    count = 150

    async def main() -> None:
        settings = bot_settings(synapse, bot_user, tmp_path)
        async with Person(anna_user) as anna, Bot(settings, sqlite_engine) as bot:
            room = await _dm(anna, bot, bot_user.user_id)
            now = utc_now()
            with unit_of_work(sqlite_engine) as session:
                for n in range(count):
                    outbox.enqueue(
                        session=session,
                        platform="matrix",
                        chat_id=room,
                        payload={"text": f"bericht {n}", "choices": []},
                        idempotency_key=f"bulk:{n}",
                        now=now,
                    )
            bot.runtime.worker.wake()
            await anna.wait_for_messages(room, bot_user.user_id, count + 1, timeout=90)
            await anna.quiet_for(1.0)
            got = [e.source["content"]["body"] for e in anna.from_sender(room, bot_user.user_id)]
            assert got[1:] == [f"bericht {n}" for n in range(count)]
        with unit_of_work(sqlite_engine) as session:
            rows = list(session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == room)))
            assert {r.status for r in rows} == {OutboxStatus.SENT.value}
            assert all(r.external_id for r in rows)

    run(main())
