"""Telegram updates -> the neutral ``Inbound`` event, and the callback-data tokens for long choices.

Only what a person wrote or pressed becomes an event: messages with text (or a caption) and button
presses. Service messages ("X joined the group"), edits, channel posts and messages from bots are
skipped, as are commands addressed to another bot (``/help@otherbot``) in a group.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from telegram import Update
from telegram.constants import ChatType

from bot.messages import Inbound

PLATFORM = "telegram"
MAX_CALLBACK_BYTES = 64
TOKEN_PREFIX = "#t:"  # callback data that stands for a longer choice value kept in the database


def callback_token(value: str) -> str | None:
    """The short callback data for ``value``, or None when the value fits as it is."""
    if len(value.encode()) <= MAX_CALLBACK_BYTES and not value.startswith(TOKEN_PREFIX):
        return None
    return TOKEN_PREFIX + hashlib.sha256(value.encode()).hexdigest()[:24]


def token_key(token: str) -> str:
    return f"telegram:callback:{token.removeprefix(TOKEN_PREFIX)}"


def event_id(bot_id: int, update: Update) -> str:
    """Update ids count per bot: with the bot's id in front, a new token never collides with
    the old bot's events in the inbox (which would drop the new bot's first updates)."""
    return f"{bot_id}:{update.update_id}"


def to_inbound(
    update: Update, bot_id: int, bot_username: str, received_at: datetime
) -> Inbound | None:
    """The neutral event for ``update``, or None when the bot has nothing to do with it."""
    if update.callback_query is not None:
        query = update.callback_query
        user = query.from_user
        if user is None or user.is_bot:
            return None
        message = query.message
        if message is None or not _chat_fits(message.chat, user.id):
            # Buttons are only ever sent in private chats and groups. A press without the message
            # (inline mode, which the bot does not use), from a channel, or claiming someone else's
            # private chat is forged: answering it would re-point the presser's private chat.
            return None
        chat = message.chat
        return Inbound(
            platform=PLATFORM,
            chat_id=str(chat.id),
            sender_id=str(user.id),
            event_id=event_id(bot_id, update),
            received_at=received_at,
            text="",
            choice=query.data or "",
            chat_is_group=chat.type != ChatType.PRIVATE,
            sender_name=user.full_name,
            sender_language=user.language_code,
            extra={"message_id": str(message.message_id)},
        )
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    chat = message.chat
    if not _chat_fits(chat, message.from_user.id):
        return None
    group = chat.type != ChatType.PRIVATE
    text = message.text if message.text is not None else message.caption
    if group and not text:
        return None  # joins, leaves, photos without a word: not for the bot
    if text is None and _is_service_message(message):
        return None
    if group and text and _addressed_to_another_bot(text, bot_username):
        return None
    user = message.from_user
    return Inbound(
        platform=PLATFORM,
        chat_id=str(chat.id),
        sender_id=str(user.id),
        event_id=event_id(bot_id, update),
        received_at=received_at,
        text=text or "",
        chat_is_group=group,
        sender_name=user.full_name,
        sender_language=user.language_code,
        extra={"message_id": str(message.message_id)},
    )


def _chat_fits(chat, user_id: int) -> bool:  # type: ignore[no-untyped-def]
    """A private chat or a group; a private chat's id is always its person's own id on Telegram."""
    if chat.type == ChatType.PRIVATE:
        return chat.id == user_id
    return chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def _is_service_message(message) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        message.new_chat_members
        or message.left_chat_member
        or message.new_chat_title
        or message.new_chat_photo
        or message.delete_chat_photo
        or message.group_chat_created
        or message.supergroup_chat_created
        or message.migrate_to_chat_id
        or message.migrate_from_chat_id
        or message.pinned_message
    )


def _addressed_to_another_bot(text: str, bot_username: str) -> bool:
    head = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    if not head.startswith("/") or "@" not in head:
        return False
    return head.split("@", 1)[1].lower() != bot_username.lower()
