"""The Bot API methods the fake implements, with Telegram's checks and error texts.

Each method validates like Telegram (chat reachable, HTML well-formed, length limits, button
data size, "message is not modified") because the point of the fake is to fail where Telegram
fails. Only getUpdates awaits; every other method runs under the state lock in one go.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from .telegram_faults import RateLimiter
from .telegram_files import file_api, message_file_api, take_file
from .telegram_html import HtmlParseError, ParsedText, parse_html
from .telegram_model import CallbackAnswer, SentMessage, SimChat, TelegramState
from .telegram_params import ApiError, Params, bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
_DEFAULT_UPDATE_TYPES = ("message", "edited_message", "callback_query", "my_chat_member")
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


class BotApiMethods:
    """Method name (case-insensitive, as on Telegram) -> implementation."""

    def __init__(
        self, state: TelegramState, limiter: RateLimiter, *, strict_ampersand: bool
    ) -> None:
        self.state = state
        self.limiter = limiter
        self.strict_ampersand = strict_ampersand
        self.poll_generation = 0
        self.table: dict[str, Callable[[Params], Any]] = {
            name.lower(): fn
            for name, fn in {
                "getMe": self.get_me,
                "sendMessage": self.send_message,
                "editMessageText": self.edit_message_text,
                "editMessageReplyMarkup": self.edit_message_reply_markup,
                "deleteMessage": self.delete_message,
                "answerCallbackQuery": self.answer_callback_query,
                "sendPhoto": lambda p: self.send_file(p, "photo"),
                "sendDocument": lambda p: self.send_file(p, "document"),
                "getFile": self.get_file,
                "sendChatAction": self.send_chat_action,
                "setMyCommands": self.set_my_commands,
                "getMyCommands": self.get_my_commands,
                "deleteMyCommands": self.delete_my_commands,
                "setWebhook": self.set_webhook,
                "deleteWebhook": self.delete_webhook,
                "getWebhookInfo": self.get_webhook_info,
            }.items()
        }

    # -- getUpdates, in two halves around the (async) long-poll wait in telegram_api.py ----

    def start_poll(self, p: Params) -> tuple[int, int, int]:
        """Confirm by offset, remember allowed_updates; return (generation, limit, timeout)."""
        s = self.state
        if s.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        allowed = p.json("allowed_updates")
        if allowed is not None:
            s.allowed_updates = list(allowed) or None
        offset = p.integer("offset")
        if offset is not None and offset > 0:
            # Telegram forgets confirmed updates for good: they can never be fetched again.
            s.updates = [u for u in s.updates if u["update_id"] >= offset]
            s.confirmed_up_to = max(s.confirmed_up_to, offset - 1)
        elif offset is not None and offset < 0:
            dropped = s.updates[:offset]
            s.updates = s.updates[offset:]
            if dropped:
                s.confirmed_up_to = max(s.confirmed_up_to, dropped[-1]["update_id"])
        limit = min(max(p.integer("limit", 100) or 100, 1), 100)
        timeout = max(p.integer("timeout", 0) or 0, 0)
        # A newer getUpdates ends an older long poll with 409, as on Telegram.
        self.poll_generation += 1
        return self.poll_generation, limit, timeout

    def poll_batch(self, limit: int) -> list[dict[str, Any]]:
        allowed = self.state.allowed_updates or _DEFAULT_UPDATE_TYPES
        batch = [u for u in self.state.updates if any(k in allowed for k in u if k != "update_id")]
        return batch[:limit]

    # -- identity and plain messages ----------------------------------------------------------

    def get_me(self, p: Params) -> dict[str, Any]:
        return {
            **self.state.bot,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.state.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def send_message(self, p: Params) -> dict[str, Any]:
        chat = self._writable_chat(p)
        raw = p.text("text") or ""
        parsed = self._parse(p, raw, "entities")
        if not parsed.text.strip():
            raise bad_request("message text is empty")
        if len(parsed.text) > MAX_TEXT:
            raise bad_request("message is too long")
        markup = self._markup(p)
        extra: dict[str, Any] = {"text": parsed.text}
        if parsed.entities:
            extra["entities"] = parsed.entities
        return self._deliver(chat, "sendMessage", raw, parsed, p, markup, extra).api

    def send_file(self, p: Params, kind: str) -> dict[str, Any]:
        chat = self._writable_chat(p)
        stored = take_file(self.state, p, kind)
        raw = p.text("caption")
        parsed = self._parse(p, raw or "", "caption_entities")
        if len(parsed.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        markup = self._markup(p)
        extra: dict[str, Any] = {kind: message_file_api(stored)}
        if parsed.text:
            extra["caption"] = parsed.text
            if parsed.entities:
                extra["caption_entities"] = parsed.entities
        method = "sendPhoto" if kind == "photo" else "sendDocument"
        message = self._deliver(chat, method, raw, parsed, p, markup, extra)
        message.file = stored
        return message.api

    # -- edits and buttons ----------------------------------------------------------------------

    def edit_message_text(self, p: Params) -> dict[str, Any]:
        message = self._editable(p)
        if message.method != "sendMessage":
            raise bad_request("there is no text in the message to edit")
        raw = p.text("text") or ""
        parsed = self._parse(p, raw, "entities")
        if not parsed.text.strip():
            raise bad_request("message text is empty")
        if len(parsed.text) > MAX_TEXT:
            raise bad_request("message is too long")
        # Leaving reply_markup out of an edit removes the keyboard, as on Telegram.
        markup = self._markup(p)
        if (parsed.text, parsed.entities, markup) == (
            message.text,
            message.entities,
            message.reply_markup,
        ):
            raise bad_request(_NOT_MODIFIED)
        self._record_edit(message, "editMessageText")
        message.raw_text, message.text, message.entities = raw, parsed.text, parsed.entities
        message.parse_mode = p.text("parse_mode")
        message.api["text"] = parsed.text
        message.api.pop("entities", None)
        if parsed.entities:
            message.api["entities"] = parsed.entities
        return self._set_markup(message, markup)

    def edit_message_reply_markup(self, p: Params) -> dict[str, Any]:
        message = self._editable(p)
        markup = self._markup(p)
        if markup == message.reply_markup:
            raise bad_request(_NOT_MODIFIED)
        self._record_edit(message, "editMessageReplyMarkup")
        return self._set_markup(message, markup)

    def delete_message(self, p: Params) -> bool:
        chat = self._chat(p)
        message_id = p.required_integer("message_id", "message identifier is not specified")
        message = self.state.find_sent(chat.id, message_id)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        return True

    def answer_callback_query(self, p: Params) -> bool:
        query_id = p.text("callback_query_id") or ""
        if query_id not in self.state.callback_queries or query_id in self.state.callback_answers:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self.state.callback_answers[query_id] = CallbackAnswer(
            callback_query_id=query_id,
            text=p.text("text"),
            show_alert=p.flag("show_alert"),
            url=p.text("url"),
            answered_at=time.time(),
        )
        return True

    # -- files, chat actions, commands, webhooks ------------------------------------------------

    def get_file(self, p: Params) -> dict[str, Any]:
        stored = self.state.files.get(p.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return {**file_api(stored), "file_path": stored.path}

    def send_chat_action(self, p: Params) -> bool:
        chat = self._writable_chat(p)
        action = p.text("action") or ""
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.state.chat_actions.append((chat.id, action))
        return True

    def set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 commands")
        clean: list[dict[str, str]] = []
        for entry in commands:
            name = str(entry.get("command", "")) if isinstance(entry, dict) else ""
            description = str(entry.get("description", "")) if isinstance(entry, dict) else ""
            if not _COMMAND.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": description})
        self.state.commands[self._commands_key(p)] = clean
        return True

    def get_my_commands(self, p: Params) -> list[dict[str, str]]:
        return list(self.state.commands.get(self._commands_key(p), []))

    def delete_my_commands(self, p: Params) -> bool:
        self.state.commands.pop(self._commands_key(p), None)
        return True

    def set_webhook(self, p: Params) -> bool:
        url = p.text("url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if p.flag("drop_pending_updates"):
            self.state.updates.clear()
        allowed = p.json("allowed_updates")
        self.state.webhook = {"url": url, "allowed_updates": allowed} if url else None
        return True

    def delete_webhook(self, p: Params) -> bool:
        if p.flag("drop_pending_updates"):
            self.state.updates.clear()
        self.state.webhook = None
        return True

    def get_webhook_info(self, p: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": (self.state.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if self.state.webhook and self.state.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.state.webhook["allowed_updates"]
        return info

    # -- shared checks --------------------------------------------------------------------------

    def _chat(self, p: Params) -> SimChat:
        value = p.values.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        if isinstance(value, str) and value.startswith("@"):
            for named in self.state.chats.values():
                if named.username and "@" + named.username == value:
                    return named
            raise bad_request("chat not found")
        chat = self.state.chats.get(p.integer("chat_id") or 0)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, p: Params) -> SimChat:
        chat = self._chat(p)
        if chat.type == "private":
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif not chat.bot_is_member:
            kind = "supergroup" if chat.type == "supergroup" else "group"
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat

    def _parse(self, p: Params, raw: str, entities_param: str) -> ParsedText:
        mode = (p.text("parse_mode") or "").lower()
        if mode == "html":
            try:
                return parse_html(raw, strict_ampersand=self.strict_ampersand)
            except HtmlParseError as err:
                raise ApiError(400, str(err)) from None
        if mode in ("", "markdown", "markdownv2"):
            # Markdown is passed through unchecked: the bot renders HTML only.
            entities = p.json(entities_param) if not mode else None
            return ParsedText(raw, list(entities or []))
        raise bad_request(f"unsupported parse_mode {p.text('parse_mode')!r}")

    def _markup(self, p: Params) -> dict[str, Any] | None:
        markup = p.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return None  # reply keyboards are accepted but not part of the returned Message
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
                if data is None and not any(k in button for k in ("url", "switch_inline_query")):
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
        return {"inline_keyboard": rows}

    def _deliver(
        self,
        chat: SimChat,
        method: str,
        raw: str | None,
        parsed: ParsedText,
        p: Params,
        markup: dict[str, Any] | None,
        extra: dict[str, Any],
    ) -> SentMessage:
        retry_after = self.limiter.try_admit(chat.id, chat.type, time.monotonic())
        if retry_after is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        now = time.time()
        message_id = chat.take_message_id()
        api: dict[str, Any] = {
            "message_id": message_id,
            "from": dict(self.state.bot),
            "chat": chat.to_api(),
            "date": int(now),
            **extra,
        }
        if markup is not None:
            api["reply_markup"] = markup
        message = SentMessage(
            chat_id=chat.id,
            message_id=message_id,
            method=method,
            raw_text=raw,
            text=parsed.text if raw is not None else None,
            parse_mode=p.text("parse_mode"),
            entities=parsed.entities,
            reply_markup=markup,
            sent_at=now,
            sent_monotonic=time.monotonic(),
            api=api,
        )
        self.state.sent.append(message)
        return message

    def _editable(self, p: Params) -> SentMessage:
        if p.has("inline_message_id"):
            raise bad_request("the fake does not support inline messages")
        chat = self._chat(p)
        message_id = p.required_integer("message_id", "message identifier is not specified")
        message = self.state.find_sent(chat.id, message_id)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        return message

    @staticmethod
    def _record_edit(message: SentMessage, method: str) -> None:
        message.edits.append(
            {
                "method": method,
                "at": time.time(),
                "previous_text": message.text,
                "previous_reply_markup": message.reply_markup,
            }
        )

    @staticmethod
    def _set_markup(message: SentMessage, markup: dict[str, Any] | None) -> dict[str, Any]:
        message.reply_markup = markup
        message.api.pop("reply_markup", None)
        if markup is not None:
            message.api["reply_markup"] = markup
        message.api["edit_date"] = int(time.time())
        return dict(message.api)

    @staticmethod
    def _commands_key(p: Params) -> tuple[str, str]:
        scope = p.json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.text("language_code") or ""
