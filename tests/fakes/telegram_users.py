"""What the people on the other side do: write to the bot and press its buttons.

Tests act as the users: each action queues the update that Telegram would queue (with the same
shape and `bot_command` entities), and a long-polling getUpdates returns it at once. These
methods are thread-safe and synchronous, so a test may call them from any thread or loop.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from ._notify import Notifier
from .telegram_html import utf16_len
from .telegram_model import SentMessage, SimChat, SimUser, TelegramState

# A command is a /word at the start of the text or after whitespace, optionally /word@botname.
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")

ChatRef = SimChat | SimUser | int


class SimulatedUsers:
    """Mixed into FakeTelegramAPI; relies on its `state` and `notifier`."""

    state: TelegramState
    notifier: Notifier
    _user_ids = itertools.count(1)

    # -- the cast -------------------------------------------------------------------------------

    def add_user(
        self,
        first_name: str = "Anna",
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "nl",
        started: bool = False,
    ) -> SimUser:
        """A person with a private chat (same id). `started=True`: they already pressed Start.

        Until a person has written to the bot, Telegram refuses the bot's messages to them
        with 403, and so does the fake.
        """
        with self.notifier.lock:
            n = next(self._user_ids)
            user = SimUser(10_000_000 + n, first_name, username, last_name, language_code)
            self.state.users[user.id] = user
            self.state.chats[user.id] = SimChat(user.id, "private", user=user, started=started)
        return user

    def add_group(
        self, title: str = "ISMT", *, supergroup: bool = True, username: str | None = None
    ) -> SimChat:
        """A group chat with the bot in it; supergroup ids look like Telegram's (-100...)."""
        with self.notifier.lock:
            n = next(self._user_ids)
            chat_id = -1_001_000_000_000 - n if supergroup else -4_000_000_000 - n
            chat = SimChat(
                chat_id, "supergroup" if supergroup else "group", title=title, username=username
            )
            self.state.chats[chat_id] = chat
        return chat

    def chat(self, ref: ChatRef) -> SimChat:
        """The chat for a SimChat, a SimUser (their private chat) or a chat id."""
        chat_id = ref if isinstance(ref, int) else ref.id
        with self.notifier.lock:
            return self.state.chats[chat_id]

    def block_bot(self, user: SimUser, blocked: bool = True) -> None:
        """The person blocks (or unblocks) the bot: sends to them get 403 from now on."""
        with self.notifier.lock:
            self.state.chats[user.id].blocked = blocked

    def remove_bot_from(self, group: SimChat) -> None:
        with self.notifier.lock:
            self.state.chats[group.id].bot_is_member = False

    # -- actions --------------------------------------------------------------------------------

    def send_text(
        self,
        user: SimUser,
        text: str,
        *,
        chat: SimChat | None = None,
        reply_to: SentMessage | None = None,
    ) -> dict[str, Any] | None:
        """`user` writes `text` in their private chat (or in `chat`); returns the queued update.

        In a group with privacy mode on (the default), Telegram hands the bot only commands,
        mentions of the bot and replies to it; anything else is not queued and this returns None.
        """
        with self.notifier.lock:
            target = self.state.chats[chat.id if chat else user.id]
            entities = _command_entities(text)
            if target.type != "private" and not self._bot_sees(text, entities, reply_to):
                return None
            if target.type == "private":
                target.started = True
            message: dict[str, Any] = {
                "message_id": target.take_message_id(),
                "from": user.to_api(),
                "chat": target.to_api(),
                "date": int(time.time()),
                "text": text,
            }
            if entities:
                message["entities"] = entities
            if reply_to is not None:
                message["reply_to_message"] = dict(reply_to.api)
            update = self.state.new_update("message", message)
        self.notifier.changed()
        return update

    def press_button(
        self,
        user: SimUser,
        message: SentMessage,
        *,
        data: str | None = None,
        text: str | None = None,
    ) -> dict[str, Any]:
        """`user` presses the inline button with this callback `data` (or button `text`).

        Raises LookupError when the message has no such button now (a person can only press
        what is on screen: after an edit removed the keyboard, the old button is gone).
        """
        with self.notifier.lock:
            if message.deleted:
                raise LookupError("the message was deleted")
            chosen = [
                d
                for t, d in message.buttons()
                if d is not None and (d == data if data is not None else t == text)
            ]
            if not chosen:
                raise LookupError(f"no button {data or text!r} on message {message.message_id}")
            query_id = str(4_000_000_000_000_000_000 + self.state.next_id())
            query = {
                "id": query_id,
                "from": user.to_api(),
                "message": dict(message.api),
                "chat_instance": str(abs(message.chat_id) * 7919),
                "data": chosen[0],
            }
            self.state.callback_queries[query_id] = query
            update = self.state.new_update("callback_query", query)
        self.notifier.changed()
        return update

    def forge_button_press(
        self, user: SimUser, *, chat: dict[str, Any], message_id: int, data: str
    ) -> dict[str, Any]:
        """A callback query Telegram itself would never produce: `chat` and `message_id` are
        whatever the forger claims (a channel, someone else's private chat, a message the bot
        never sent). For tests that the bot accepts presses only where its buttons were."""
        with self.notifier.lock:
            query_id = str(4_000_000_000_000_000_000 + self.state.next_id())
            query = {
                "id": query_id,
                "from": user.to_api(),
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": chat,
                    "text": "…",
                },
                "chat_instance": str(abs(int(chat["id"])) * 7919),
                "data": data,
            }
            self.state.callback_queries[query_id] = query
            update = self.state.new_update("callback_query", query)
        self.notifier.changed()
        return update

    def _bot_sees(
        self, text: str, entities: list[dict[str, Any]], reply_to: SentMessage | None
    ) -> bool:
        if not self.state.privacy_mode or reply_to is not None:
            return True
        me = "@" + str(self.state.bot["username"]).lower()
        for entity in entities:
            command = _utf16_slice(text, entity["offset"], entity["length"]).lower()
            if "@" not in command or command.endswith(me):
                return True
        return me in text.lower()


def _command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities as Telegram marks them; offsets in UTF-16 code units."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND.finditer(text)
    ]


def _utf16_slice(text: str, offset: int, length: int) -> str:
    encoded = text.encode("utf-16-le")
    return encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le")
