"""What the Matrix transport does with rooms: invites, greetings, the encrypted-room notice, and
enrolment by homeserver domain. The decisions live on the handlers floor
(``handlers.people.auto_enrol``); this module performs them and queues what is said in the outbox,
under idempotency keys, so a replayed batch says nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nio import AsyncClient, JoinResponse, RoomGetStateResponse

from bot.messages import Inbound
from bot.transports.matrix_inbound import Invite
from bot.transports.matrix_outbound import SyncFailed, describe
from handlers.people.auto_enrol import (
    InviteVerdict,
    auto_enrol_on_message,
    greet_after_join,
    judge_invite,
)
from handlers.platform_notices import encrypted_room_notice
from handlers.reply import Reply
from storage import inbox, outbox, people
from storage.db import unit_of_work

if TYPE_CHECKING:
    from bot.transports.matrix import MatrixTransport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoomFacts:
    member_count: int  # joined or invited, the bot included
    names: dict[str, str]  # user id -> display name
    encrypted: bool


class _AlreadyHandled(Exception):
    """Rolls the auto-enrolment back: another pass claimed the same event first."""


class RoomActions:
    def __init__(self, transport: MatrixTransport) -> None:
        self.transport = transport
        self._noticed_encrypted: set[str] = set()
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
        if facts.encrypted:
            await self.notice_encrypted(invite.room_id)
            return
        event = Inbound(
            platform=transport.platform,
            chat_id=invite.room_id,
            sender_id=invite.inviter,
            event_id=f"join:{invite.room_id}",
            received_at=self.runtime.clock(),
            chat_is_group=not direct,
            sender_name=facts.names.get(invite.inviter, ""),
        )
        if await asyncio.to_thread(self._greet, event):
            self.runtime.worker.wake()

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

    # -- encrypted rooms ------------------------------------------------------------------------

    async def notice_encrypted(self, room_id: str) -> None:
        """Say once per room (ever: the outbox key) that the bot cannot read encrypted messages."""
        if room_id in self._noticed_encrypted:
            return
        queued = await asyncio.to_thread(self._queue_notice, room_id)
        self._noticed_encrypted.add(room_id)
        if queued:
            self.transport.stats["encrypted_notices"] += 1
            self.runtime.worker.wake()

    def _queue_notice(self, room_id: str) -> bool:
        now = self.runtime.clock()
        with unit_of_work(self.runtime.engine) as session:
            key = f"matrix:encrypted-room:{room_id}"
            return self._queue(session, room_id, [encrypted_room_notice()], [key], now)

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
