"""What the Matrix transport does with rooms: invites, greetings, encrypted rooms, rooms everyone
left, and enrolment by homeserver domain. The decisions live on the handlers floor
(``handlers.people.auto_enrol``); this module performs them and queues what is said in the outbox,
under idempotency keys, so a replayed batch says nothing twice.

Encrypted rooms while the bot's encryption is off: the bot cannot read them, so it says so once,
opens a new unencrypted direct chat and invites the person (a direct room), or asks for a room
without encryption (a group), and leaves the encrypted room, so Element does not send the person
back to it. That notice is sent straight away (not through the outbox) because the bot leaves
right after; its transaction id is fixed per room, so a replay does not show it twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass

from nio import AsyncClient, JoinResponse, RoomGetStateResponse, RoomSendResponse

from bot.messages import Inbound
from bot.transports.matrix_direct import DirectRooms, Opened, RoomHost, left_key
from bot.transports.matrix_inbound import Invite
from bot.transports.matrix_login import write_kv
from bot.transports.matrix_metrics import ENCRYPTED_ROOMS, ROOMS_LEFT
from bot.transports.matrix_outbound import TRANSIENT_EXCEPTIONS, SyncFailed, describe
from bot.transports.matrix_render import text_content
from handlers.people.auto_enrol import (
    InviteVerdict,
    auto_enrol_on_message,
    greet_after_join,
    judge_invite,
)
from handlers.platform_notices import EncryptedRoom, encrypted_room_notice, undecryptable_notice
from handlers.reply import Reply
from storage import inbox, matrix_state, outbox, people
from storage.db import unit_of_work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoomFacts:
    member_count: int  # joined or invited, the bot included
    names: dict[str, str]  # user id -> display name
    encrypted: bool


class _AlreadyHandled(Exception):
    """Rolls the auto-enrolment back: another pass claimed the same event first."""


class RoomActions:
    def __init__(self, transport: RoomHost) -> None:
        self.transport = transport
        self.direct = DirectRooms(transport)
        self._noticed_encrypted: set[str] = set()
        self._left: set[str] = set()
        self._known_senders: set[str] = set()  # enrolled people: no auto-enrol check needed

    @property
    def runtime(self):  # type: ignore[no-untyped-def]
        return self.transport.runtime

    @property
    def client(self) -> AsyncClient:
        if self.transport.client is None:
            raise RuntimeError("MatrixTransport.start() was not called")
        return self.transport.client

    async def room_facts(self, room_id: str) -> RoomFacts:
        """Members (joined or invited) and encryption of a room the bot has just joined."""
        answer = await self.client.room_get_state(room_id)
        if not isinstance(answer, RoomGetStateResponse):
            raise SyncFailed(f"state of {room_id}: {describe(answer)}")
        names: dict[str, str] = {}
        encrypted = False
        for event in answer.events:
            content = event.get("content") or {}
            if event.get("type") == "m.room.encryption" and content:
                encrypted = True
            if event.get("type") == "m.room.member" and content.get("membership") in (
                "join",
                "invite",
            ):
                names[str(event.get("state_key"))] = str(content.get("displayname") or "")
        return RoomFacts(member_count=len(names), names=names, encrypted=encrypted)

    async def join(self, room_id: str) -> bool:
        answer = await self.client.join(room_id)
        if not isinstance(answer, JoinResponse):
            log.warning("could not join %s: %s", room_id, describe(answer))
            return False
        return True

    async def leave(self, room_id: str) -> None:
        await self.client.room_leave(room_id)

    # -- invites --------------------------------------------------------------------------------

    async def on_invite(self, invite: Invite) -> None:
        transport = self.transport
        verdict = await asyncio.to_thread(self._judge, invite)
        if verdict is InviteVerdict.DECLINE:
            await self.leave(invite.room_id)
            transport.stats["invites_declined"] += 1
            log.info("Matrix: declined an invite to %s", invite.room_id)
            return
        if not await self.join(invite.room_id):
            return
        transport.stats["invites_accepted"] += 1
        facts = await self.room_facts(invite.room_id)
        direct = facts.member_count <= 2
        if verdict is InviteVerdict.STRANGER and not direct:
            # Marked as a direct chat, but it is a group: strangers cannot bring the bot there.
            await self.leave(invite.room_id)
            return
        if facts.encrypted and not transport.encryption_on:
            await self.on_encrypted(invite.room_id, group=not direct, person=invite.inviter)
            return
        await self.greet(
            invite.room_id, invite.inviter, facts.names.get(invite.inviter, ""), direct
        )

    async def greet(self, room_id: str, person: str, name: str, direct: bool) -> None:
        event = Inbound(
            platform=self.transport.platform,
            chat_id=room_id,
            sender_id=person,
            event_id=f"join:{room_id}",
            received_at=self.runtime.clock(),
            chat_is_group=not direct,
            sender_name=name,
        )
        if await asyncio.to_thread(self._greet, event):
            self.runtime.worker.wake()

    async def greet_opened(self, user_id: str, opened: Opened) -> None:
        """A direct room the bot opened to reach an enrolled person: usable, or given up."""
        if opened.encrypted and not self.transport.encryption_on:
            # The homeserver encrypted it although the bot asked for none: useless while the
            # bot's encryption is off. Leave it, and do not try again for this person.
            log.warning(
                "Matrix: the homeserver encrypts new direct chats, and NIS2BOT_MATRIX_E2EE is "
                "off: %s cannot be reached",
                user_id,
            )
            ENCRYPTED_ROOMS.labels(action="forced").inc()
            self.transport.stats["encrypted_rooms"] += 1
            await asyncio.to_thread(self._mark_left, user_id)
            await self.leave(opened.room_id)
            await self.direct.forget(opened.room_id)
            return
        await self.greet(opened.room_id, user_id, "", direct=True)

    def _judge(self, invite: Invite) -> InviteVerdict:
        with unit_of_work(self.runtime.engine) as session:
            return judge_invite(
                session=session,
                inviter=invite.inviter,
                direct=invite.direct,
                open_direct_chats=self.transport.settings.matrix_open_direct_chats,
            )

    def _greet(self, event: Inbound) -> bool:
        with unit_of_work(self.runtime.engine) as session:
            replies = greet_after_join(
                session=session, event=event, now=event.received_at, settings=self.runtime.features
            )
            keys = [f"matrix:joined:{event.chat_id}:{i}" for i in range(len(replies))]
            return self._queue(session, event.chat_id, replies, keys, event.received_at)

    # -- encrypted rooms (the bot's encryption off) ---------------------------------------------

    async def on_encrypted(self, room_id: str, *, group: bool, person: str | None) -> None:
        """Once per room: open a new unencrypted direct chat for ``person`` (a direct room), say
        what was done, in both languages, and leave. Logged and counted in /metrics."""
        if room_id in self._noticed_encrypted:
            return
        self._noticed_encrypted.add(room_id)
        transport = self.transport
        kind = EncryptedRoom.GROUP
        if not group and person:
            opened = await self.direct.open_for(person, encrypt=False, avoid=room_id)
            if opened is not None and not opened.encrypted:
                kind = EncryptedRoom.MOVED
                await asyncio.to_thread(self._forget_room, room_id)
                await self.greet(opened.room_id, person, "", direct=True)
            else:
                kind = EncryptedRoom.FORCED
                if opened is not None:
                    await self.leave(opened.room_id)
                    await self.direct.forget(opened.room_id)
                log.warning(
                    "Matrix: the homeserver encrypts new direct chats, and NIS2BOT_MATRIX_E2EE "
                    "is off: the bot cannot talk with %s",
                    person,
                )
        await self._send_notice(room_id, encrypted_room_notice(kind))
        await self.leave(room_id)
        await self.direct.forget(room_id)
        transport.stats["encrypted_notices"] += 1
        transport.stats["encrypted_rooms"] += 1
        ENCRYPTED_ROOMS.labels(action=kind.value).inc()
        log.info("Matrix: encrypted room %s left (%s)", room_id, kind.value)

    async def _send_notice(self, room_id: str, reply: Reply) -> None:
        digest = hashlib.sha256(room_id.encode()).hexdigest()[:24]
        try:
            answer = await self.client.room_send(
                room_id,
                "m.room.message",
                text_content(reply.text),
                tx_id=f"nis2bot-encrypted-{digest}",
            )
        except TRANSIENT_EXCEPTIONS as error:
            raise SyncFailed(f"notice: {type(error).__name__}") from None
        if not isinstance(answer, RoomSendResponse):
            log.warning("Matrix: the encrypted-room notice failed: %s", describe(answer))

    async def notice_undecryptable(self, room_id: str, event_id: str) -> None:
        """Encryption on, and a person's message could not be decrypted: ask for it again (once
        per event: the outbox key), in the room, where it is encrypted like any reply."""

        def queue() -> bool:
            now = self.runtime.clock()
            with unit_of_work(self.runtime.engine) as session:
                key = f"matrix:undecryptable:{event_id}"
                return self._queue(session, room_id, [undecryptable_notice()], [key], now)

        if await asyncio.to_thread(queue):
            self.runtime.worker.wake()

    # -- rooms everyone left ------------------------------------------------------------------

    async def leave_if_alone(self, room_id: str) -> bool:
        """Leave a room where nobody but the bot is joined or invited any more."""
        room = self.client.rooms.get(room_id)
        if room is None or room_id in self._left or room.member_count > 1:
            return False
        self._left.add(room_id)
        for user_id in await asyncio.to_thread(self._forget_room, room_id):
            await asyncio.to_thread(self._mark_left, user_id)
        await self.leave(room_id)
        await self.direct.forget(room_id)
        self.transport.stats["rooms_left"] += 1
        ROOMS_LEFT.inc()
        log.info("Matrix: left %s, everyone else had left", room_id)
        return True

    def _forget_room(self, room_id: str) -> list[str]:
        with unit_of_work(self.runtime.engine) as session:
            return matrix_state.forget_direct_room(session=session, room_id=room_id)

    def _mark_left(self, user_id: str) -> None:
        write_kv(self.runtime.engine, left_key(user_id), self.runtime.clock().isoformat())

    # -- enrolment by domain on a first message --------------------------------------------------

    async def consumed_by_auto_enrol(self, event: Inbound) -> bool:
        """True when the message was used to enrol its sender (welcome queued) or was a replay."""
        if event.chat_is_group or event.sender_id in self._known_senders:
            return False
        try:
            outcome = await asyncio.to_thread(self._auto_enrol, event)
        except _AlreadyHandled:
            return True
        if outcome == "known":
            self._known_senders.add(event.sender_id)
        if outcome == "enrolled":
            self.transport.stats["auto_enrolled"] += 1
            self.runtime.worker.wake()
            return True
        return False

    def _auto_enrol(self, event: Inbound) -> str:
        now = self.runtime.clock()
        with unit_of_work(self.runtime.engine) as session:
            if people.identity_lookup(
                session=session, platform=event.platform, external_id=event.sender_id
            ):
                return "known"
            replies = auto_enrol_on_message(
                session=session, event=event, now=now, settings=self.runtime.features
            )
            if replies is None:
                return "stranger"
            if not inbox.claim_event(
                session=session, platform=event.platform, event_id=event.event_id, now=now
            ):
                raise _AlreadyHandled  # rolls the enrolment back
            keys = [f"reply:{event.platform}:{event.event_id}:{i}" for i in range(len(replies))]
            self._queue(session, event.chat_id, replies, keys, now)
            return "enrolled"

    # -- the outbox -----------------------------------------------------------------------------

    def _queue(self, session, room_id: str, replies: list[Reply], keys: list[str], now) -> bool:  # type: ignore[no-untyped-def]
        queued = False
        for reply, key in zip(replies, keys, strict=True):
            message_id = outbox.enqueue(
                session=session,
                platform=self.transport.platform,
                chat_id=room_id,
                payload=reply.to_payload(),
                idempotency_key=key,
                now=now,
                attachments=[
                    (a.kind, a.filename, a.content_type, a.data) for a in reply.attachments
                ],
            )
            queued = queued or message_id is not None
        return queued
