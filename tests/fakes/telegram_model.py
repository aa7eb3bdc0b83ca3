"""The Telegram world the fake Bot API serves: the bot, people, chats, messages and updates.

Everything here is plain data guarded by one lock; the HTTP layer (telegram_api.py) and the
Bot API methods (telegram_methods.py) work on it. Objects render themselves in the Bot API's
JSON shape so the real python-telegram-bot client parses them as it would Telegram's.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Literal

ChatType = Literal["private", "group", "supergroup"]


@dataclass
class SimUser:
    """A simulated person. Their private chat with the bot has the same id, as on Telegram."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "nl"

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class SimChat:
    id: int
    type: ChatType
    title: str | None = None
    user: SimUser | None = None  # the other side of a private chat
    username: str | None = None
    # Telegram lets a bot write to a person only after they started it, and never after they
    # blocked it; a group only while the bot is a member.
    started: bool = False
    blocked: bool = False
    bot_is_member: bool = True
    next_message_id: int = 1

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or ""
            if self.username:
                data["username"] = self.username
        return data

    def take_message_id(self) -> int:
        # One sequence per chat for both sides, like Telegram's private chats and supergroups.
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class StoredFile:
    """A file the bot uploaded (or referred to by file_id/URL), kept for assertions."""

    file_id: str
    file_unique_id: str
    kind: Literal["photo", "document"]
    data: bytes
    filename: str | None
    mime_type: str | None
    source: Literal["upload", "file_id", "url"] = "upload"
    path: str = ""


@dataclass
class SentMessage:
    """One message the bot sent, as recorded by the fake (in delivery order per chat)."""

    chat_id: int
    message_id: int
    method: str  # sendMessage, sendPhoto, sendDocument
    raw_text: str | None  # text or caption exactly as the bot sent it
    text: str | None  # after HTML parsing: what a person sees
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None  # only inline keyboards are kept, as Telegram does
    sent_at: float  # time.time()
    sent_monotonic: float
    api: dict[str, Any]  # the Message object returned to the bot (updated on edits)
    file: StoredFile | None = None
    # True when a timeout fault dropped the answer after delivering: the bot never learnt of it.
    answer_lost: bool = False
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    def buttons(self) -> list[tuple[str, str | None]]:
        """(button text, callback_data) of the current inline keyboard, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]


@dataclass
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    answered_at: float


@dataclass
class RequestRecord:
    method: str
    http_method: str
    params: dict[str, Any]  # file bytes replaced by their size
    status: int | None = None  # None while in flight or when the connection was dropped
    at: float = field(default_factory=time.time)


class TelegramState:
    """All mutable state of the fake; every access holds `self.lock` (owned by the API class)."""

    def __init__(
        self, *, bot_id: int, bot_username: str, bot_first_name: str, privacy_mode: bool
    ) -> None:
        # With privacy mode on (Telegram's default) a bot in a group sees only commands,
        # mentions of itself and replies to its own messages.
        self.privacy_mode = privacy_mode
        self.bot = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, SimChat] = {}
        self.sent: list[SentMessage] = []
        self.updates: list[dict[str, Any]] = []  # not yet confirmed through `offset`
        self.confirmed_up_to = 0  # highest update_id dropped by an offset
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.allowed_updates: list[str] | None = None
        self.requests: list[RequestRecord] = []
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100_000_001)

    def next_id(self) -> int:
        return next(self._ids)

    def new_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        return update

    def find_sent(self, chat_id: int, message_id: int) -> SentMessage | None:
        for message in reversed(self.sent):
            if message.chat_id == chat_id and message.message_id == message_id:
                return message
        return None

    def sent_in(self, chat_id: int | None) -> list[SentMessage]:
        return [m for m in self.sent if chat_id is None or m.chat_id == chat_id]
