"""Ways into the intake: /melden (alias /report, optionally with the description), and the
free-text offer for "ik wil iets melden", "ik heb op een link geklikt", "I want to report ..."."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.dialog import (
    continue_dialog,
    start_dialog,
)
from handlers.i18n import N_
from handlers.incidents.intake import MAX_DESCRIPTION, intake
from handlers.incidents.readiness import readiness
from handlers.incidents.recognise import guess_category, looks_like_report
from handlers.reply import Choice, Reply, markup, plain
from handlers.router import free_text_handler
from storage import dialogs, kv

#: How long the message that made us offer the intake counts as its description.
OFFER_VALID = timedelta(minutes=10)


def _group_reply(ctx: Context) -> Reply:
    username = ctx.settings.telegram_bot_username
    if ctx.event is not None and ctx.event.platform == "telegram" and username:
        return Reply(
            markup(
                ctx.t(
                    "Please report incidents in a private chat with me: "
                    '<a href="{link}">open the private chat</a> and send /melden.'
                ),
                link=f"https://t.me/{username}",
            )
        )
    return Reply(
        plain(ctx.t("Please report incidents in a private chat with me: send me /melden."))
    )


@command(
    "melden",
    roles=EVERYONE,
    summary=N_("report an incident (phishing, a lost laptop, a data leak, ...)"),
    usage=N_("[what happened]"),
    aliases=("report",),
    in_groups=True,
)
def report_command(ctx: Context, args: list[str]) -> list[Reply]:
    if ctx.event is not None and ctx.event.chat_is_group:
        return [_group_reply(ctx)]
    replies = start_dialog(ctx, intake)
    text = " ".join(args).strip()
    noted: list[Reply] = []
    if not text:
        text = _take_offered_description(ctx)
        if text:
            noted = [
                Reply(
                    markup(
                        ctx.t("Noted what happened: “{text}”. (/terug changes it)"),
                        text=text[:300],
                    )
                )
            ]
    if not text:
        return replies
    # "/melden I clicked a link": the description comes with the command (or with the offer).
    row = dialogs.open_dialog(session=ctx.session, organisation_id=ctx.org.id, person_id=ctx.me.id)
    if row is None:  # cannot happen: start_dialog just saved it
        return replies
    return noted + continue_dialog(ctx, row, text, None)


def _offer_key(ctx: Context) -> str:
    return f"incident-offer:{ctx.me.id}"


def _take_offered_description(ctx: Context) -> str:
    """The message that made us offer the intake, if it described an incident and is recent: the
    reporter should not have to type it twice. Used once."""
    stored = kv.get_value(session=ctx.session, key=_offer_key(ctx))
    if not stored:
        return ""
    offer = json.loads(stored)
    kv.set_value(session=ctx.session, key=_offer_key(ctx), value="{}", now=ctx.now)
    if not offer.get("text"):
        return ""
    if ctx.now - datetime.fromisoformat(offer["at"]) > OFFER_VALID:
        return ""
    return str(offer["text"])


def keep_offered_description(ctx: Context, text: str) -> None:
    """We are offering /melden after ``text``: if it describes what happened, /melden takes it as
    the description (the latest offer wins). Also used by the question answering, which offers
    /melden beside its advice for a described situation."""
    described = text[:MAX_DESCRIPTION] if guess_category(text) is not None else ""
    offer = {"text": described, "at": ctx.now.isoformat()}
    kv.set_value(session=ctx.session, key=_offer_key(ctx), value=json.dumps(offer), now=ctx.now)


def who_hears_of_it(ctx: Context) -> str:
    """What an offer to report may promise: that the ISMT hears of it at once only when an alert
    would reach someone now; in an organisation nobody set up yet, that the report is kept and who
    to phone meanwhile (never "the ISMT hears of it" when nobody would)."""
    if readiness(ctx.session, ctx.org).can_alert:
        return ctx.t("The ISMT hears of it at once.")
    return ctx.t(
        "It is recorded at once, but I cannot alert the ISMT yet (nobody is set up for that), "
        "so also phone your service desk or your manager."
    )


@free_text_handler
def offer_report(ctx: Context, text: str) -> list[Reply] | None:
    """'ik wil iets melden', 'ik heb op een link geklikt': offer the intake, never start it unasked."""
    if not looks_like_report(text):
        return None
    label = ctx.t("Yes, report an incident")
    keep_offered_description(ctx, text)
    # Remember the button like the router does for a command's choices, so that typing "1" or
    # the label also works on platforms without buttons.
    kv.set_value(
        session=ctx.session,
        key=f"choices:{ctx.me.id}",
        value=json.dumps([["/melden", label]]),
        now=ctx.now,
    )
    return [
        Reply(
            plain(
                ctx.t(
                    "It sounds like you want to report something. Shall we do that now? It takes "
                    "a few minutes. {who_hears} Not now? Then just carry on.",
                    who_hears=who_hears_of_it(ctx),
                )
            ),
            (Choice("/melden", label),),
        )
    ]
