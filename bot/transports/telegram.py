"""The Telegram transport: python-telegram-bot's ``Bot`` with our own receive loop.

- ``start``: check the token (getMe), learn the bot's username, set the command menus (Dutch by
  default, English for English-language clients).
- ``run``: long polling (telegram_polling.py) or, when ``NIS2BOT_TELEGRAM_WEBHOOK_URL`` is set, a
  webhook server (telegram_webhook.py). Either way an update is acknowledged only after the pipeline
  handled it.
- ``deliver``: one outbox row -> sendMessage/sendPhoto/sendDocument (telegram_outbound.py), errors
  mapped to ``DeliveryError`` for the outbox worker's retry and backoff.

Nothing here logs a token or what people wrote: the token is part of every request URL, so the
HTTP client's request log is kept at WARNING and a filter masks the token wherever it might appear.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeDefault, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot.app import Runtime
from bot.config import Settings
from bot.messages import Choice, DeliveryResult, Inbound, Outbound
from bot.outbox import DeliveryError
from bot.pacing import Pacer
from bot.transports import TransportStartError
from bot.transports.telegram_inbound import PLATFORM, TOKEN_PREFIX, callback_token, token_key
from bot.transports.telegram_inbound import to_inbound as update_to_inbound
from bot.transports.telegram_outbound import Sender
from bot.transports.telegram_polling import UpdatePoller
from bot.transports.telegram_webhook import WebhookServer, derived_secret
from handlers.command import COMMANDS, commands_for
from handlers.i18n import normalise_language, t
from storage import kv
from storage.buttons import offered_choice_values
from storage.db import unit_of_work
from storage.enums import Role

log = logging.getLogger(__name__)


def offset_key(bot_id: int) -> str:
    """Update ids count per bot: a new token (another bot) must not inherit the old offset."""
    return f"telegram:offset:{bot_id}"


MENU_LANGUAGES = (("", "nl"), ("en", "en"))  # Telegram language_code "" = everyone else
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
# Telegram's limits: 30 messages/s overall, 1/s per private chat, 20/min per group.
GLOBAL_PER_SECOND = 30.0
PACING_SLACK_SECONDS = 0.03


def chat_rate(chat_id: str) -> tuple[float, float]:
    return (20.0, 60.0) if chat_id.startswith("-") else (1.0, 1.0)


def api_base_urls(api_url: str) -> tuple[str, str]:
    """``https://api.telegram.org/bot`` (or the server without ``/bot``) -> (base, file base)."""
    root = api_url.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


class TelegramTransport:
    platform = PLATFORM

    def __init__(self, settings: Settings, runtime: Runtime) -> None:
        if settings.telegram_token is None:
            raise TransportStartError("NIS2BOT_TELEGRAM_TOKEN is not set")
        self.settings = settings
        self.runtime = runtime
        self._token = settings.telegram_token.get_secret_value()
        self.pacer = Pacer(GLOBAL_PER_SECOND, chat_rate, slack=PACING_SLACK_SECONDS)
        base_url, base_file_url = api_base_urls(settings.telegram_api_url)
        timeout = settings.telegram_request_timeout
        self.bot = Bot(
            self._token,
            base_url=base_url,
            base_file_url=base_file_url,
            request=HTTPXRequest(
                connection_pool_size=64,
                read_timeout=timeout,
                write_timeout=timeout,
                connect_timeout=timeout,
                pool_timeout=timeout,
                media_write_timeout=max(timeout, 60.0),
            ),
            get_updates_request=HTTPXRequest(
                connection_pool_size=2, read_timeout=timeout, connect_timeout=timeout
            ),
        )
        self.username = settings.telegram_bot_username or ""
        self.webhook: WebhookServer | None = None  # set in webhook mode (tests read its port)
        self.sender = Sender(
            self.bot,
            pace=lambda chat_id: self.pacer.next_message(chat_id),
            load_progress=self._load_progress,
            save_progress=self._save_progress,
            callback_data=self._callback_data,
        )
        protect_logs(self._token)

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self.bot.initialize()  # getMe: proves the token
        except InvalidToken:
            raise TransportStartError(
                "Telegram refused the bot token (NIS2BOT_TELEGRAM_TOKEN): check it with @BotFather"
            ) from None
        except NetworkError as error:
            raise TransportStartError(
                f"cannot reach the Telegram Bot API at {self.settings.telegram_api_url}: "
                f"{type(error).__name__}"
            ) from None
        me = self.bot.bot
        self.username = me.username or self.username
        if not self.runtime.features.telegram_bot_username and self.username:
            # Invite replies carry a t.me deep link; the username comes from Telegram itself.
            features = dataclasses.replace(
                self.runtime.features, telegram_bot_username=self.username
            )
            self.runtime.features = features
            self.runtime.pipeline.settings = features
        log.info("Telegram bot @%s ready", self.username)
        try:
            await self.set_command_menus()
        except TelegramError as error:  # a menu is a nicety; the bot works without one
            log.warning("could not set the Telegram command menu: %s", error)

    async def set_command_menus(self) -> None:
        """The private-chat menu lists what every enrolled person may do; groups get the group
        commands. One list per language: Dutch for everyone, English for English clients."""
        private = commands_for(Role.EMPLOYEE)
        unique = {spec.name: spec for spec in COMMANDS.values()}
        in_groups = sorted(
            (c for c in unique.values() if c.in_groups and not c.hidden), key=lambda c: c.name
        )
        for code, language in MENU_LANGUAGES:
            for scope, specs in (
                (BotCommandScopeDefault(), private),
                (BotCommandScopeAllGroupChats(), in_groups),
            ):
                menu = [
                    BotCommand(spec.name, t(language, spec.summary)[:256] or spec.name)
                    for spec in specs
                    if _COMMAND_NAME.match(spec.name)
                ][:100]
                await self.bot.set_my_commands(menu, scope=scope, language_code=code or None)

    async def run(self, stop: asyncio.Event) -> None:
        if self.settings.telegram_webhook_url:
            secret = self.settings.telegram_webhook_secret
            server = WebhookServer(
                self.bot,
                self.process_update,
                url=self.settings.telegram_webhook_url,
                secret=secret.get_secret_value() if secret else derived_secret(self._token),
                host=self.settings.telegram_webhook_listen,
                port=self.settings.telegram_webhook_port,
            )
            self.webhook = server
            await server.run(stop)
            return
        # getUpdates answers 409 while a webhook is set (e.g. left over from webhook mode).
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
        except (InvalidToken, Forbidden):
            raise
        except TelegramError as error:  # the poll loop backs off on 409 until it is gone
            log.warning("could not remove a webhook before polling: %s", error)
        poller = UpdatePoller(
            self.bot,
            self.process_update,
            load_offset=self._load_offset,
            save_offset=self._save_offset,
            poll_timeout=self.settings.telegram_poll_timeout,
            read_timeout=self.settings.telegram_request_timeout,
        )
        await poller.run(stop)

    async def close(self) -> None:
        try:
            await self.bot.shutdown()
        except TelegramError as error:
            log.info("closing the Telegram client: %s", error)

    # -- inbound --------------------------------------------------------------------------------

    async def process_update(self, update: Update) -> None:
        """Hand one update to the pipeline; raises if it could not be handled (then it comes again)."""
        event = update_to_inbound(update, self.bot.id, self.username, self.runtime.clock())
        if event is None:
            if update.callback_query is not None:  # a press the bot does not take: stop the spinner
                await self._answer_button(update, refused=True)
            return
        if event.choice and event.choice.startswith(TOKEN_PREFIX):
            stored = await asyncio.to_thread(self._read_kv, token_key(event.choice))
            event = dataclasses.replace(event, choice=stored or event.choice)
        if update.callback_query is not None and not await asyncio.to_thread(
            self._was_offered, event
        ):
            log.info("a button press on a message the bot did not send that way was ignored")
            await self._answer_button(update, refused=True)
            return
        result = await self.runtime.pipeline.handle(event)
        if update.callback_query is not None:
            await self._after_button(update, refused=result.refused)

    def _was_offered(self, event: Inbound) -> bool:
        """Was this choice offered on this very message, in this chat, by this bot?"""
        message_id = event.extra.get("message_id")
        if not message_id:
            return False
        with unit_of_work(self.runtime.engine) as session:
            values = offered_choice_values(
                session=session, platform=PLATFORM, chat_id=event.chat_id, external_id=message_id
            )
        return event.choice in values

    async def _answer_button(self, update: Update, *, refused: bool) -> None:
        query = update.callback_query
        assert query is not None
        text = None
        if refused and query.from_user is not None:
            text = t(
                normalise_language(query.from_user.language_code),
                "This button does nothing for you here.",
            )
        try:
            await self.bot.answer_callback_query(query.id, text=text)
        except TelegramError as error:  # too old (a replay after a restart): nothing to stop
            log.debug("answerCallbackQuery: %s", error)

    async def _after_button(self, update: Update, *, refused: bool = False) -> None:
        """Stop the spinner on the button; take the keyboard away once the choice is made. A press
        the core refused (an employee on the ISMT alert) leaves the buttons for those who may."""
        await self._answer_button(update, refused=False)
        query = update.callback_query
        assert query is not None
        message = query.message
        if message is None or refused:
            return
        try:
            await self.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
            )
        except BadRequest as error:  # already removed ("message is not modified"), or deleted
            log.debug("editMessageReplyMarkup: %s", error)
        except TelegramError as error:
            log.info("could not remove a keyboard: %s", error)

    # -- outbound -------------------------------------------------------------------------------

    async def deliver(self, message: Outbound) -> DeliveryResult:
        try:
            int(message.chat_id)
        except ValueError:
            raise DeliveryError(
                f"not a Telegram chat id: {message.chat_id!r}", retryable=False
            ) from None
        sent = await self.sender.send(message)
        return DeliveryResult(external_id=str(sent.message_id) if sent is not None else None)

    async def _callback_data(self, choice: Choice) -> str:
        token = callback_token(choice.value)
        if token is None:
            return choice.value
        await asyncio.to_thread(self._write_kv, token_key(token), choice.value)
        return token

    async def _load_progress(self, outbox_id: int) -> int:
        stored = await asyncio.to_thread(self._read_kv, f"telegram:progress:{outbox_id}")
        return int(stored) if stored else 0

    async def _save_progress(self, outbox_id: int, steps_done: int) -> None:
        await asyncio.to_thread(self._write_kv, f"telegram:progress:{outbox_id}", str(steps_done))

    # -- the offset and other small values in the database ----------------------------------------

    async def _load_offset(self) -> int | None:
        stored = await asyncio.to_thread(self._read_kv, offset_key(self.bot.id))
        return int(stored) if stored else None

    async def _save_offset(self, offset: int) -> None:
        await asyncio.to_thread(self._write_kv, offset_key(self.bot.id), str(offset))

    def _read_kv(self, key: str) -> str | None:
        with unit_of_work(self.runtime.engine, read_only=True) as session:
            return kv.get_value(session=session, key=key)

    def _write_kv(self, key: str, value: str) -> None:
        with unit_of_work(self.runtime.engine) as session:
            kv.set_value(session=session, key=key, value=value, now=self.runtime.clock())


class _RedactToken(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a broken log call is not ours to fix here
            return True
        if self.token in text:
            record.msg, record.args = text.replace(self.token, "<token>"), None
        return True


def protect_logs(token: str) -> None:
    """Keep the token out of every log: httpx logs each request URL (which holds it) at INFO."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
    handlers = [*logging.getLogger().handlers]
    for logger in (logging.getLogger(n) for n in ("telegram", "httpx", "httpcore", "bot")):
        handlers.extend(logger.handlers)
    for handler in handlers:
        if not any(isinstance(f, _RedactToken) and f.token == token for f in handler.filters):
            handler.addFilter(_RedactToken(token))
