"""The real Synapse fixture against the real matrix-nio client."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    DownloadResponse,
    Event,
    JoinResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomInviteResponse,
    RoomMessageImage,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)
from PIL import Image

from tests.fakes.aio import run
from tests.fakes.synapse import MatrixUser, SynapseError, SynapseServer

pytestmark = pytest.mark.slow

# nio retries 429s and time-outs forever by default (PITFALLS.md): bound it in tests.
_CONFIG = AsyncClientConfig(max_limit_exceeded=3, max_timeouts=3, request_timeout=30)


def _client(user: MatrixUser) -> AsyncClient:
    client = AsyncClient(user.homeserver, user.user_id, config=_CONFIG)
    client.restore_login(user.user_id, user.device_id, user.access_token)
    return client


async def _sync_until(
    client: AsyncClient, room_id: str, found: Callable[[Event], bool], timeout: float = 60
) -> Event:
    """Sync (1 s long polls) until an event in `room_id` matches; the timeout is a safety net."""

    async def loop() -> Event:
        while True:
            answer = await client.sync(timeout=1000)
            assert isinstance(answer, SyncResponse), answer
            room = answer.rooms.join.get(room_id)
            for event in room.timeline.events if room else []:
                if found(event):
                    return event

    return await asyncio.wait_for(loop(), timeout)


async def _shared_room(bot: AsyncClient, other: AsyncClient, other_id: str) -> str:
    created = await bot.room_create(name="ISMT", topic="Incidenten")
    assert isinstance(created, RoomCreateResponse), created
    invited = await bot.room_invite(created.room_id, other_id)
    assert isinstance(invited, RoomInviteResponse), invited
    joined = await other.join(created.room_id)
    assert isinstance(joined, JoinResponse), joined
    return str(created.room_id)


def test_users_register_and_log_in(synapse: SynapseServer) -> None:
    async def main() -> None:
        bot = await synapse.amake_user("bot", displayname="NIS2 bot")
        assert bot.user_id == f"@{bot.localpart}:localhost" and bot.device_id
        client = _client(bot)
        try:
            whoami = await client.whoami()
            assert isinstance(whoami, WhoamiResponse) and whoami.user_id == bot.user_id
            assert whoami.device_id == bot.device_id
        finally:
            await client.close()
        # A password login works too (rc_login is raised, so repeated logins never stall).
        anna = synapse.make_user("anna")
        fresh = AsyncClient(synapse.url, anna.user_id, config=_CONFIG)
        try:
            login = await fresh.login(anna.password, device_name="selftest")
            assert isinstance(login, LoginResponse), login
        finally:
            await fresh.close()
        with pytest.raises(SynapseError, match="already taken"):
            synapse.make_user(anna.localpart, unique=False)
        admin = synapse.make_user("boss", admin=True)
        info = synapse.request(
            "GET", f"/_synapse/admin/v2/users/{anna.user_id}", token=admin.access_token
        )
        assert info["admin"] is False

    run(main())


def test_invite_join_message_and_notice(synapse: SynapseServer) -> None:
    async def main() -> None:
        bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
        bot, anna = _client(bot_user), _client(anna_user)
        try:
            room_id = await _shared_room(bot, anna, anna_user.user_id)
            sent = await anna.room_send(
                room_id, "m.room.message", {"msgtype": "m.text", "body": "Ik zie iets raars"}
            )
            assert isinstance(sent, RoomSendResponse), sent
            seen = await _sync_until(
                bot, room_id, lambda e: isinstance(e, RoomMessageText) and e.sender != bot.user_id
            )
            assert isinstance(seen, RoomMessageText) and seen.body == "Ik zie iets raars"
            assert seen.event_id == sent.event_id

            notice: dict[str, Any] = {
                "msgtype": "m.notice",
                "body": "Melding ontvangen",
                "format": "org.matrix.custom.html",
                "formatted_body": "<b>Melding</b> ontvangen",
            }
            await bot.room_send(room_id, "m.room.message", notice)
            got = await _sync_until(anna, room_id, lambda e: isinstance(e, RoomMessageNotice))
            assert isinstance(got, RoomMessageNotice)
            assert (got.body, got.formatted_body) == (notice["body"], notice["formatted_body"])
            assert got.sender == bot_user.user_id
        finally:
            await bot.close()
            await anna.close()

    run(main())


def test_image_upload_and_download(synapse: SynapseServer) -> None:
    async def main() -> None:
        buffer = io.BytesIO()
        Image.new("RGB", (4, 3), "blue").save(buffer, format="PNG")
        png = buffer.getvalue()
        bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")
        bot, anna = _client(bot_user), _client(anna_user)
        try:
            room_id = await _shared_room(bot, anna, anna_user.user_id)
            uploaded, keys = await bot.upload(
                io.BytesIO(png), content_type="image/png", filename="grafiek.png", filesize=len(png)
            )
            assert isinstance(uploaded, UploadResponse), uploaded
            assert uploaded.content_uri.startswith("mxc://localhost/") and keys is None
            content = {
                "msgtype": "m.image",
                "body": "grafiek.png",
                "url": uploaded.content_uri,
                "info": {"mimetype": "image/png", "size": len(png), "w": 4, "h": 3},
            }
            await bot.room_send(room_id, "m.room.message", content)
            image = await _sync_until(anna, room_id, lambda e: isinstance(e, RoomMessageImage))
            assert isinstance(image, RoomMessageImage) and image.url == uploaded.content_uri
            downloaded = await anna.download(mxc=image.url)
            assert isinstance(downloaded, DownloadResponse), downloaded
            assert downloaded.body == png
        finally:
            await bot.close()
            await anna.close()

    run(main())


def test_restart_keeps_accounts_rooms_and_sync_position(synapse: SynapseServer) -> None:
    bot_user, anna_user = synapse.make_user("bot"), synapse.make_user("anna")

    async def before() -> tuple[str, str]:
        bot, anna = _client(bot_user), _client(anna_user)
        try:
            room_id = await _shared_room(bot, anna, anna_user.user_id)
            await anna.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "1"})
            await _sync_until(bot, room_id, lambda e: getattr(e, "body", None) == "1")
            return room_id, bot.next_batch
        finally:
            await bot.close()
            await anna.close()

    room_id, next_batch = run(before())
    port = synapse.port
    synapse.restart()
    assert synapse.port == port and synapse.running

    async def after() -> None:
        bot, anna = _client(bot_user), _client(anna_user)
        bot.next_batch = next_batch  # resume where the bot had stopped, as the transport will
        try:
            await anna.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "2"})
            seen = await _sync_until(bot, room_id, lambda e: isinstance(e, RoomMessageText))
            assert isinstance(seen, RoomMessageText) and seen.body == "2"  # "1" not replayed
        finally:
            await bot.close()
            await anna.close()

    run(after())
    assert {"generate_config", "first_start", "last_start"} <= synapse.timings.keys()
