"""Routing one inbound event: who is this, then the open dialog, then commands, then free text.

Runs inside the pipeline's unit of work and returns the direct replies; everything else a feature
sends goes through ``ctx.send`` into the outbox in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from handlers import dialog as dialog_engine
from handlers.command import find_command, parse_command
from handlers.context import UNKNOWN, Context
from handlers.messages import Inbound
from handlers.reply import Reply, markup, plain
from handlers.settings import FeatureSettings
from handlers.text import MAX_MESSAGE_CHARS
from storage import buttons, dialogs, kv, people

#: Free-text features (questions, "ik wil iets melden"), asked in order; the first answer wins.
FreeTextHandler = Callable[[Context, str], list[Reply] | None]
FREE_TEXT_HANDLERS: list[FreeTextHandler] = []
#: What someone not enrolled may do: ``unenrolled(ctx, text) -> replies``; set by handlers.people.
UNENROLLED: list[Callable[[Context, str], list[Reply]]] = []

STOP, BACK = {"stop", "cancel"}, {"terug", "back"}


def free_text_handler(fn: FreeTextHandler) -> FreeTextHandler:
    FREE_TEXT_HANDLERS.append(fn)
    return fn


def handle_event(
    session: Session, event: Inbound, *, now: datetime, settings: FeatureSettings
) -> list[Reply]:
    text = event.text  # cleaned at the border, when the transport made the event
    found = people.sender_lookup(
        session=session, platform=event.platform, external_id=event.sender_id
    )
    if found is None:
        ctx = Context(session, now, settings, event=event, language_hint=event.sender_language)
        if len(text) > MAX_MESSAGE_CHARS:
            return [_too_long(ctx, text)]
        replies = UNENROLLED[0](ctx, text) if UNENROLLED else []
        if event.choice is not None:  # a stranger's press on someone else's buttons
            for reply in replies:
                reply.refused = True
        return replies
    person, organisation = found.person, found.organisation
    if not event.chat_is_group:
        people.note_private_chat(session=session, identity=found, chat_id=event.chat_id, now=now)
    ctx = Context(session, now, settings, organisation=organisation, person=person, event=event)
    ctx.dialog = found.dialog  # read with the identity, in the same statement
    if organisation.suspended or not person.active:
        return [
            Reply(
                plain(
                    ctx.t(
                        "Your access to this bot is paused. Please contact your NIS2 coordinator."
                    )
                ),
                refused=True,
            )
        ]
    if len(text) > MAX_MESSAGE_CHARS:
        return [_too_long(ctx, text)]
    return route(ctx, text, event.choice)


def route(ctx: Context, text: str, choice: str | None) -> list[Reply]:
    row = open_dialog(ctx)
    parsed = parse_command(text) if choice is None else None
    if row is not None and (ctx.event is None or not ctx.event.chat_is_group):
        return _in_dialog(ctx, row, text, choice, parsed)
    if choice is not None and choice.startswith("/"):
        parsed = parse_command(choice)  # a button outside a dialog carries a command
    if parsed is None and choice is None:
        parsed = _standalone_choice(ctx, text) or _room_number(ctx, text)
    if parsed is not None:
        return run_command(ctx, *parsed)
    if not text:
        return [
            Reply(plain(ctx.t("I received an empty message. Type /help to see what I can do.")))
        ]
    if ctx.event is not None and ctx.event.chat_is_group:
        return []  # in groups the bot reacts to commands only
    for handler in FREE_TEXT_HANDLERS:
        replies = handler(ctx, text)
        if replies is not None:
            return replies
    return [Reply(plain(ctx.t("I did not understand that. Type /help to see what I can do.")))]


def _in_dialog(ctx: Context, row, text: str, choice: str | None, parsed) -> list[Reply]:  # type: ignore[no-untyped-def]
    if parsed is not None:
        name, args = parsed
        if name in STOP:
            return dialog_engine.cancel(ctx, row)
        if name in BACK:
            return dialog_engine.go_back(ctx, row)
        spec = find_command(name)
        if spec is not None and spec.in_dialog and spec.allows(ctx.role):
            return [*run_command(ctx, name, args), dialog_engine.resume(ctx, row)]
        hint = ctx.t(dialog_engine.stay_hint(), title=dialog_engine.dialog_title(ctx, row))
        return [Reply(plain(hint)), dialog_engine.resume(ctx, row)]
    if not text and choice is None:
        return [Reply(plain(ctx.t("I received an empty message."))), dialog_engine.resume(ctx, row)]
    replies = dialog_engine.continue_dialog(ctx, row, text, choice)
    # A finished dialog's closing choices (the module's "/toets ID") answer a typed "1" too, and
    # choices offered before the dialog can no longer be picked by a stale number.
    remember_choices(ctx, replies)
    return replies


def run_command(ctx: Context, name: str, args: list[str]) -> list[Reply]:
    spec = find_command(name)
    if spec is None and name in STOP | BACK:
        return [
            Reply(
                plain(
                    ctx.t(
                        "There is no conversation to stop or go back in right now. "
                        "Type /help to see what you can do."
                    )
                )
            )
        ]
    if spec is None:
        return [
            Reply(
                markup(
                    ctx.t("I don't know the command /{name}. Type /help to see what you can do."),
                    name=name[:40],
                )
            )
        ]
    if not spec.allows(ctx.role):
        return [
            Reply(
                markup(
                    ctx.t(
                        "/{name} is not available for your role. Type /help to see what you can do."
                    ),
                    name=spec.name,
                ),
                refused=True,
            )
        ]
    if ctx.event is not None and ctx.event.chat_is_group and not spec.in_groups:
        hint = private_chat_hint(ctx, spec.name)
        hint.refused = True
        return [hint]
    if spec.audited:
        ctx.audit(f"command.{spec.name}", args=args[:10])
    result = spec.handler(ctx, args)
    replies = result if isinstance(result, list) else [result]
    remember_choices(ctx, replies)
    return replies


def _choices_key(ctx: Context) -> str:
    return f"choices:{ctx.me.id}"


def private_chat_hint(ctx: Context, command_name: str) -> Reply:
    """A command that belongs in the private chat, typed in a group: say where to go, with a link
    that opens the private chat on Telegram (Matrix has no such link; people open a direct chat)."""
    username = ctx.settings.telegram_bot_username
    if ctx.event is not None and ctx.event.platform == "telegram" and username:
        return Reply(
            markup(
                ctx.t(
                    'Please use /{name} in a private chat with me: <a href="{link}">open the '
                    "private chat</a> and send /{name} there."
                ),
                name=command_name,
                link=f"https://t.me/{username}",
            )
        )
    return Reply(markup(ctx.t("Please use /{name} in a private chat with me."), name=command_name))


def remember_choices(ctx: Context, replies: list[Reply]) -> None:
    """Keep the choices just offered outside a dialog, so that "2" or the label answers them on
    text-only platforms; replies without choices clear older ones, so a stale "2" cannot pick
    something else. Features that offer choices from a free-text handler call this too."""
    if open_dialog(ctx):
        return
    choices = [[c.value, c.label] for r in replies for c in r.choices]
    if choices or kv.get_value(session=ctx.session, key=_choices_key(ctx)):
        kv.set_value(
            session=ctx.session, key=_choices_key(ctx), value=json.dumps(choices), now=ctx.now
        )


def open_dialog(ctx: Context):  # type: ignore[no-untyped-def]
    """The asking person's open dialog, or None: as this event last saw it (``ctx.dialog``, kept
    by the router and the dialog engine), read from the database only when not known."""
    known = ctx.dialog
    if known is UNKNOWN or (known is not None and getattr(known, "closed", True)):
        known = ctx.dialog = dialogs.open_dialog(
            session=ctx.session, organisation_id=ctx.org.id, person_id=ctx.me.id
        )
    return known


def _standalone_choice(ctx: Context, text: str) -> tuple[str, list[str]] | None:
    stored = kv.get_value(session=ctx.session, key=_choices_key(ctx))
    if not stored or not text:
        return None
    value = dialog_engine.match_choice(json.loads(stored), text, None)
    return parse_command(value) if value else None


def _room_number(ctx: Context, text: str) -> tuple[str, list[str]] | None:
    """On a platform without buttons (Matrix, the terminal), a bare number answers the numbered
    choices of the bot's message just above it, in a room or privately (the incident alert's
    "1. Significant: yes", which reaches people through the outbox, not as a command's reply)."""
    event = ctx.event
    if event is None or event.platform == "telegram":
        return None
    if not text.strip().isdigit():
        return None
    offered = buttons.latest_choices(
        session=ctx.session, platform=event.platform, chat_id=event.chat_id
    )
    value = dialog_engine.match_choice(offered, text, None) if offered else None
    return parse_command(value) if value and value.startswith("/") else None


def _too_long(ctx: Context, text: str) -> Reply:
    return Reply(
        markup(
            ctx.t(
                "That message is too long ({count} characters). Please keep it under {limit} characters; nothing was changed."
            ),
            count=len(text),
            limit=MAX_MESSAGE_CHARS,
        )
    )
