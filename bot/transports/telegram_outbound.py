"""One outbox message -> the Telegram calls that carry it, and Telegram's errors -> DeliveryError.

A message becomes one or more *steps*: text parts (split at 4096 characters), photos and documents.
The keyboard of its choices goes on the last step. When the text fits in a caption (1024) it rides
on the first file; otherwise the text goes first and the files follow.

A message of several steps remembers in the database how many steps Telegram confirmed, so a retry
after a failure in step 3 does not send steps 1 and 2 again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.messages import Attachment, Choice, Outbound
from bot.outbox import DeliveryError
from bot.transports.telegram_polling import retry_after_seconds
from bot.transports.telegram_render import MAX_CAPTION, Part, fits, to_telegram_parts
from handlers.reply import to_plain_text

log = logging.getLogger(__name__)
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class Step:
    part: Part | None  # the text, or the caption of a file
    attachment: Attachment | None = None


def plan_steps(message: Outbound) -> list[Step]:
    files = list(message.attachments)
    if not files:
        return [Step(part) for part in to_telegram_parts(message.text)]
    if message.text.strip() and fits(message.text, MAX_CAPTION):
        caption = to_telegram_parts(message.text, MAX_CAPTION)
        first = Step(caption[0] if caption else None, files[0])
        return [first, *(Step(None, f) for f in files[1:])]
    texts = [Step(part) for part in to_telegram_parts(message.text)]
    return [*texts, *(Step(None, f) for f in files)]


def keyboard(choices: tuple[Choice, ...], data_of: Callable[[Choice], str]) -> InlineKeyboardMarkup:
    """One button per row, or two per row when every label is short."""
    buttons = [
        InlineKeyboardButton(_label(choice), callback_data=data_of(choice)) for choice in choices
    ]
    width = 2 if all(len(b.text) <= 16 for b in buttons) and len(buttons) > 2 else 1
    rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    return InlineKeyboardMarkup(rows)


def _label(choice: Choice) -> str:
    label = " ".join(to_plain_text(choice.label).split())
    return (label or choice.value)[:120]


def to_delivery_error(error: TelegramError) -> DeliveryError:
    """Telegram's error, as the outbox worker understands it (retry or give up)."""
    if isinstance(error, RetryAfter):
        seconds = retry_after_seconds(error)
        return DeliveryError(
            f"rate limited by Telegram: {error}", retryable=True, retry_after=seconds
        )
    if isinstance(error, BadRequest):  # a subclass of NetworkError: check it first
        return DeliveryError(f"refused by Telegram: {error}", retryable=False)
    if isinstance(error, Forbidden):  # the person blocked the bot, or it left the group
        return DeliveryError(f"forbidden: {error}", retryable=False)
    if isinstance(error, ChatMigrated):
        return DeliveryError(
            f"the group became a supergroup with id {error.new_chat_id}; link it again",
            retryable=False,
        )
    if isinstance(error, InvalidToken):
        return DeliveryError("Telegram no longer accepts the bot token", retryable=True)
    if isinstance(error, TimedOut | NetworkError):
        return DeliveryError(f"network: {error}", retryable=True)
    return DeliveryError(f"telegram: {error}", retryable=True)


def _is_markup_error(error: BadRequest) -> bool:
    text = str(error).lower()
    return "parse" in text and ("entit" in text or "html" in text or "tag" in text)


class Sender:
    """Sends the steps of one outbox message; the transport supplies pacing and progress storage."""

    def __init__(
        self,
        bot: Bot,
        *,
        pace: Callable[[str], Awaitable[None]],
        load_progress: Callable[[int], Awaitable[int]],
        save_progress: Callable[[int, int], Awaitable[None]],
        callback_data: Callable[[Choice], Awaitable[str]],
    ) -> None:
        self.bot = bot
        self.pace = pace
        self.load_progress = load_progress
        self.save_progress = save_progress
        self.callback_data = callback_data

    async def send(self, message: Outbound) -> Message | None:
        steps = plan_steps(message)
        if not steps:
            log.warning("outbox %s has nothing visible to send; skipped", message.outbox_id)
            return None
        markup = None
        if message.choices:
            data = {c: await self.callback_data(c) for c in message.choices}
            markup = keyboard(message.choices, lambda c: data[c])
        done = await self.load_progress(message.outbox_id) if len(steps) > 1 else 0
        last: Message | None = None
        for index in range(done, len(steps)):
            if index > done:  # the worker paced the first one; each further message is paced too
                await self.pace(message.chat_id)
            is_last = index == len(steps) - 1
            try:
                last = await self._send_step(
                    message.chat_id, steps[index], markup if is_last else None
                )
            except TelegramError as error:
                raise to_delivery_error(error) from error
            if not is_last:
                await self.save_progress(message.outbox_id, index + 1)
        return last

    async def _send_step(
        self, chat_id: str, step: Step, markup: InlineKeyboardMarkup | None
    ) -> Message:
        try:
            return await self._call(chat_id, step, markup, plain=False)
        except BadRequest as error:
            if step.part is None or not _is_markup_error(error):
                raise
            # Our renderer escapes everything, so this should not happen; if Telegram still
            # disagrees with the markup, the words matter more than the bold.
            log.warning(
                "Telegram refused the HTML of a message (%s); sending it as plain text", error
            )
            return await self._call(chat_id, step, markup, plain=True)

    async def _call(
        self, chat_id: str, step: Step, markup: InlineKeyboardMarkup | None, *, plain: bool
    ) -> Message:
        text = None if step.part is None else (step.part.plain if plain else step.part.html)
        mode = None if plain or text is None else ParseMode.HTML
        if step.attachment is None:
            assert text is not None
            return await self.bot.send_message(
                chat_id,
                text,
                parse_mode=mode,
                reply_markup=markup,
                link_preview_options=_NO_PREVIEW,
            )
        file = InputFile(step.attachment.data, filename=step.attachment.filename)
        if step.attachment.kind == "image":
            return await self.bot.send_photo(
                chat_id, file, caption=text, parse_mode=mode, reply_markup=markup
            )
        return await self.bot.send_document(
            chat_id, file, caption=text, parse_mode=mode, reply_markup=markup
        )
