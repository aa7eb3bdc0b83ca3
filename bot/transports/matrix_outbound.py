"""Sending one outbox message to a Matrix room: a notice, then each attachment uploaded and sent.

Idempotency: every event is sent with the transaction id ``nis2bot-<outbox id>`` (attachments
``nis2bot-<outbox id>-<n>``). The homeserver answers a repeated transaction id from the same
device with the event it already made, so a resend after a crash, a time-out whose answer was
lost, or a partly delivered message with attachments, never shows twice. (Synapse keeps
transaction ids for a day at least; the outbox retries within minutes.) Only an attachment's
upload repeats, which leaves an unused file on the server, not a message in the room.

Errors map onto the outbox's retry rules: 429 / M_LIMIT_EXCEEDED is retried after the server's
``retry_after_ms``; 5xx, time-outs and lost connections are retried with backoff; anything else
(M_FORBIDDEN: the bot is not in the room, M_NOT_FOUND, a bad request) fails for good.
"""

from __future__ import annotations

import io
from typing import Any

from aiohttp import ClientError
from nio import AsyncClient, LocalProtocolError, RoomSendResponse, SendRetryError, UploadResponse

from bot.messages import Attachment, DeliveryResult, Outbound
from bot.outbox import DeliveryError
from bot.transports.matrix_render import attachment_content, text_content

TRANSIENT_EXCEPTIONS = (ClientError, TimeoutError, OSError)


class SyncFailed(Exception):
    """The homeserver answered a sync (or a call made while handling one) with an error."""


def describe(answer: object) -> str:
    """An error for a log line: its type, Matrix code and message (no token, no content)."""
    code = getattr(answer, "status_code", None)
    message = getattr(answer, "message", None)
    parts = [type(answer).__name__, str(code) if code else "", str(message) if message else ""]
    return " ".join(p for p in parts if p)


def transaction_id(outbox_id: int, part: int = 0) -> str:
    return f"nis2bot-{outbox_id}" if part == 0 else f"nis2bot-{outbox_id}-{part}"


def delivery_error(action: str, answer: object) -> DeliveryError:
    """A nio error response as a DeliveryError with the right retry advice (no secrets in it)."""
    code = getattr(answer, "status_code", None)
    message = getattr(answer, "message", None) or type(answer).__name__
    transport = getattr(answer, "transport_response", None)
    http = getattr(transport, "status", None)
    text = f"{action}: {code or http} {message}"
    if code == "M_LIMIT_EXCEEDED" or http == 429:
        retry_ms = getattr(answer, "retry_after_ms", None)
        return DeliveryError(
            text, retryable=True, retry_after=retry_ms / 1000 if retry_ms is not None else None
        )
    if http is None or http >= 500 or code == "M_UNKNOWN_TOKEN":
        # No HTTP answer, a server error, or a token revoked while running (the operator fixes
        # it and the message still goes): worth another try within the outbox's bounded attempts.
        return DeliveryError(text, retryable=True)
    return DeliveryError(text, retryable=False)


async def send_outbound(client: AsyncClient, message: Outbound) -> DeliveryResult:
    event_ids: list[str] = []
    if message.text or message.choices or not message.attachments:
        content = text_content(message.text, message.choices)
        event_ids.append(await send_event(client, message.chat_id, content, message.outbox_id, 0))
    room = client.rooms.get(message.chat_id)
    encrypt = client.olm is not None and room is not None and room.encrypted
    for part, attachment in enumerate(message.attachments, start=1):
        uri, keys = await upload(client, attachment, encrypt=encrypt)
        content = attachment_content(attachment, uri, keys)
        event_ids.append(
            await send_event(client, message.chat_id, content, message.outbox_id, part)
        )
    return DeliveryResult(external_id=event_ids[0] if event_ids else None)


async def learn_members_devices(client: AsyncClient, room_id: str) -> None:
    """Encrypted room: know the devices of every member, the invited ones included, before the
    room key is shared. nio asks only for joined members; a person the bot invited (a direct chat
    it opened) would otherwise never get the key to the messages sent before they joined."""
    if getattr(client, "olm", None) is None:
        return  # encryption off
    room = client.rooms.get(room_id)
    if room is None or not room.encrypted:
        return
    unknown = {u for u in room.users if u != client.user_id and u not in client.device_store.users}
    if unknown:
        client.olm.users_for_key_query.update(unknown)
    if client.should_query_keys:
        await client.keys_query()


async def send_event(
    client: AsyncClient, room_id: str, content: dict[str, Any], outbox_id: int, part: int
) -> str:
    try:
        await learn_members_devices(client, room_id)
        answer = await client.room_send(
            room_id,
            "m.room.message",
            content,
            tx_id=transaction_id(outbox_id, part),
            # Encrypted rooms: room keys go to every device of the members (trust on first use;
            # the bot cannot verify people interactively).
            ignore_unverified_devices=True,
        )
    except TRANSIENT_EXCEPTIONS as error:
        raise DeliveryError(f"send: {type(error).__name__}", retryable=True) from None
    except (LocalProtocolError, SendRetryError) as error:
        # Encryption on: a room the bot has not synced yet (it just made it), or members whose
        # keys are not known yet. The next sync fixes both; the outbox tries again.
        raise DeliveryError(f"send: {type(error).__name__}", retryable=True) from None
    if not isinstance(answer, RoomSendResponse):
        raise delivery_error("send", answer)
    return str(answer.event_id)


async def upload(
    client: AsyncClient, attachment: Attachment, *, encrypt: bool = False
) -> tuple[str, dict[str, Any] | None]:
    """The file's content URI and, in an encrypted room, the keys to decrypt it (the file is
    encrypted before it leaves: the homeserver stores only ciphertext)."""
    try:
        answer, keys = await client.upload(
            io.BytesIO(attachment.data),
            content_type="application/octet-stream" if encrypt else attachment.content_type,
            filename=attachment.filename,
            encrypt=encrypt,
            filesize=len(attachment.data),
        )
    except TRANSIENT_EXCEPTIONS as error:
        raise DeliveryError(f"upload: {type(error).__name__}", retryable=True) from None
    if not isinstance(answer, UploadResponse):
        raise delivery_error("upload", answer)
    return str(answer.content_uri), keys if encrypt else None
