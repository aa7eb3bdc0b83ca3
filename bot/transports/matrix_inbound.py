"""Matrix events -> neutral inbound events, and what the bot needs to know about invites.

Only ``m.text`` from people is handed to the core. Skipped: the bot's own events, ``m.notice``
(bots answer with notices; answering a notice is how two bots loop), emotes, media, and edits (an
edit is not a new message). A rich reply's quoted fallback (``> <@x> ...``) is cut off, so a reply
to the bot's question reads as the answer alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nio import InviteInfo, InviteMemberEvent, MatrixRoom, RoomMemberEvent, RoomMessageText

from bot.messages import Inbound

PLATFORM = "matrix"


@dataclass(frozen=True)
class Invite:
    room_id: str
    inviter: str
    direct: bool  # the inviter marked it as a direct chat (``is_direct``, as Element does)


def invite_of(room_id: str, info: InviteInfo, own_user_id: str) -> Invite | None:
    for event in info.invite_state:
        if (
            isinstance(event, InviteMemberEvent)
            and event.state_key == own_user_id
            and event.membership == "invite"
        ):
            return Invite(room_id, event.sender, bool(event.content.get("is_direct")))
    return None


def is_group(room: MatrixRoom | None) -> bool:
    """A room with more than the bot and one person (joined or invited) is a group room."""
    return room is not None and room.member_count > 2


def strip_reply_fallback(body: str) -> str:
    """Drop the ``> quoted`` lines a client puts in front of a rich reply's body."""
    lines = body.split("\n")
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    if index == 0:
        return body
    return "\n".join(lines[index:]).lstrip("\n")


def inbound_of(
    event: object, room: MatrixRoom | None, room_id: str, own_user_id: str, now: datetime
) -> Inbound | None:
    """The neutral event for a person's ``m.text``, None for anything the bot does not answer."""
    if not isinstance(event, RoomMessageText) or event.sender == own_user_id:
        return None
    content = event.source.get("content") or {}
    relation = content.get("m.relates_to") or {}
    if relation.get("rel_type") == "m.replace":
        return None
    text = event.body or ""
    if "m.in_reply_to" in relation:
        text = strip_reply_fallback(text)
    name = room.user_name(event.sender) if room is not None else None
    return Inbound(
        platform=PLATFORM,
        chat_id=room_id,
        sender_id=event.sender,
        event_id=event.event_id,
        received_at=now,
        text=text,
        chat_is_group=is_group(room),
        sender_name=name or event.sender.split(":", 1)[0].lstrip("@"),
    )


def after_own_join(events: list[Any], own_user_id: str) -> list[Any]:
    """Only what happened after the bot joined: a room it just entered shows some of its history
    (commands in a group's old messages must not run now)."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if (
            isinstance(event, RoomMemberEvent)
            and event.state_key == own_user_id
            and event.membership == "join"
            and event.prev_membership != "join"  # not a display-name change
        ):
            return events[index + 1 :]
    return events
