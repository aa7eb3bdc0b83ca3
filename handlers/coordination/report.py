"""/rapport: the council or ISMT summary of a period, with its charts, to the one who asks."""

from __future__ import annotations

from handlers.command import command
from handlers.context import Context
from handlers.coordination.periods import parse_period
from handlers.coordination.service import default_period, summary_for
from handlers.coordination.summary import AUDIENCE_WORDS, Audience
from handlers.i18n import N_
from handlers.reply import Reply, markup
from storage.enums import Role

REPORT_ROLES = frozenset({Role.COORDINATOR, Role.SECRETARY, Role.MAYOR})


@command(
    "rapport",
    roles=REPORT_ROLES,
    summary=N_("the quarterly summary with charts, for the council or the ISMT"),
    usage=N_("[2026Q3] [raad|ismt]"),
    aliases=("summary",),
    audited=True,
)
def report_command(ctx: Context, args: list[str]) -> Reply:
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
