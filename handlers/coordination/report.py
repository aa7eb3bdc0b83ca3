"""/rapport: the council or ISMT summary of a period, with its charts, to the one who asks.

The council, the aldermen, the mayor and the secretary get the latest *published* council report
(reviewed by the coordinator, or saying it was not): what the council room got, not a new
computation. The coordinator, the mayor and the secretary may still have the current figures of
any period (``/rapport 2026Q3 [raad|ismt]``); the coordinator reviews the draft with
``/rapport concept|goedkeuren|notitie|vernieuwen`` (handlers/coordination/council/).
"""

from __future__ import annotations

from handlers.command import command
from handlers.context import Context
from handlers.coordination.council.actions import (
    PUBLISHED_WORDS,
    REVIEW_WORDS,
    nothing_published,
    published,
    review_action,
)
from handlers.coordination.periods import parse_period
from handlers.coordination.service import default_period, summary_for
from handlers.coordination.summary import AUDIENCE_WORDS, Audience
from handlers.i18n import N_
from handlers.reply import Reply, markup, plain
from storage.enums import Role

#: may compute a summary of any period on demand (as before the review, #16)
LIVE_ROLES = frozenset({Role.COORDINATOR, Role.SECRETARY, Role.MAYOR})
REPORT_ROLES = LIVE_ROLES | {Role.COUNCIL_MEMBER, Role.ALDERMAN}


@command(
    "rapport",
    roles=REPORT_ROLES,
    summary=N_(
        "the council's latest published report; the coordinator: the summary of any period and the review of the draft"
    ),
    usage=N_("[2026Q3] [raad|ismt] | concept | goedkeuren | notitie TEXT | vernieuwen"),
    aliases=("summary",),
    audited=True,
)
def report_command(ctx: Context, args: list[str]) -> Reply | list[Reply]:
    word = args[0].lower() if args else ""
    if word in REVIEW_WORDS:
        return review_action(ctx, word, args[1:])
    if word in PUBLISHED_WORDS:
        return published(ctx) or nothing_published(ctx)
    if ctx.role not in LIVE_ROLES:
        return _for_the_council(ctx, args)
    if not args and ctx.role is not Role.COORDINATOR:
        found = published(ctx)
        if found is not None:
            return found
        notice = nothing_published(ctx)
        notice.text += "\n" + plain(ctx.t("Below are the current figures, not a reviewed report."))
        return [notice, _live(ctx, args)]
    return _live(ctx, args)


def _for_the_council(ctx: Context, args: list[str]) -> Reply:
    period = parse_period(args[0]) if len(args) == 1 else None
    if args and period is None:
        return Reply(
            markup(
                ctx.t(
                    "I did not understand “{word}”. /rapport gives the latest published council report; /rapport {example} that of one quarter."
                ),
                word=" ".join(args)[:40],
                example=default_period(ctx.org, ctx.now).label,
            )
        )
    return published(ctx, period) or nothing_published(ctx, period)


def _live(ctx: Context, args: list[str]) -> Reply:
    period, audience = default_period(ctx.org, ctx.now), Audience.COUNCIL
    for word in args[:3]:
        parsed = parse_period(word)
        if parsed is not None:
            period = parsed
        elif word.lower() in AUDIENCE_WORDS:
            audience = AUDIENCE_WORDS[word.lower()]
        else:
            return Reply(
                markup(
                    ctx.t(
                        "I did not understand “{word}”. Usage: /rapport [2026Q3] [raad|ismt], for example /rapport {example} ismt"
                    ),
                    word=word[:40],
                    example=default_period(ctx.org, ctx.now).label,
                )
            )
    if period.first_day > default_period(ctx.org, ctx.now).next().first_day:
        return Reply(markup(ctx.t("{period} has not started yet."), period=period.label))
    rendered = summary_for(
        session=ctx.session,
        organisation=ctx.org,
        period=period,
        audience=audience,
        language=ctx.language,
        as_of=ctx.now,
    )
    return rendered.reply()
