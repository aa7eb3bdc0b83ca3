"""/status: where the municipality stands today, in one message for the coordinator."""

from __future__ import annotations

from handlers.command import COORDINATOR, command
from handlers.context import Context
from handlers.coordination.charts import category_label, quarter_label
from handlers.coordination.figures import compute
from handlers.coordination.gather import gather_facts
from handlers.coordination.periods import local_date, quarter_of, summary_due
from handlers.coordination.service import summary_wall_time
from handlers.coordination.summary import enum_label, fmt_date, fmt_moment, fmt_percent
from handlers.i18n import N_
from handlers.incidents.model import ReportKind
from handlers.incidents.readiness import readiness, warning_lines
from handlers.render import render
from handlers.reply import Reply


def next_summary_moment(ctx: Context):  # type: ignore[no-untyped-def]
    """The next scheduled quarterly summary (the current quarter's, due after it ends)."""
    wall = summary_wall_time(ctx.org, ctx.settings)
    quarter = quarter_of(local_date(ctx.now, ctx.org.timezone))
    due_previous = summary_due(
        quarter.previous(), country=ctx.org.country, timezone=ctx.org.timezone, wall=wall
    )
    if due_previous > ctx.now:
        return due_previous, quarter.previous()
    return summary_due(
        quarter, country=ctx.org.country, timezone=ctx.org.timezone, wall=wall
    ), quarter


@command(
    "status",
    roles=COORDINATOR,
    summary=N_("where we stand: incidents, training, college, findings, next summary"),
    aliases=("stand",),
    audited=True,
)
def status_command(ctx: Context, args: list[str]) -> Reply:
    tz, lang = ctx.org.timezone, ctx.language
    facts = gather_facts(session=ctx.session, organisation=ctx.org, as_of=ctx.now)
    quarter = quarter_of(local_date(ctx.now, tz))
    figures = compute(facts, quarter, ctx.now)
    open_incidents = []
    for incident in sorted(
        (i for i in facts.incidents or () if i.is_open), key=lambda i: i.created_at
    ):
        waiting = [d for d in incident.deadlines if d.sent_at is None]
        first = min(waiting, key=lambda d: d.due_at) if waiting else None
        open_incidents.append(
            {
                "reference": incident.reference,
                "category": category_label(incident.category, lang),
                "next": enum_label(ReportKind, first.kind, lang) if first else None,
                "due": fmt_moment(first.due_at, tz, lang) if first else None,
                "late": first is not None and first.due_at < ctx.now,
            }
        )
    moment, period = next_summary_moment(ctx)
    today = local_date(ctx.now, tz)
    text = render(
        lang,
        "coordination/status.j2",
        org=ctx.org.name,
        now=fmt_moment(ctx.now, tz, lang),
        incidents_tracked=facts.incidents is not None,
        open_incidents=open_incidents[:15],
        more_incidents=max(len(open_incidents) - 15, 0),
        training=figures.training,
        training_percent=fmt_percent(figures.training.percent, lang) if figures.training else "",
        college=figures.college,
        college_next=fmt_date(figures.college.next_deadline, lang) if figures.college else "",
        country=ctx.org.country,
        overdue_findings=[
            {
                "id": f.id,
                "title": f.title,
                "owner": f.owner,
                "due": fmt_date(f.due_on, lang),
                "days": (today - f.due_on).days if f.due_on else 0,
            }
            for _a, f in figures.audits.overdue_findings
        ][:10],
        next_audit=(
            {
                "kind": a.kind,
                "auditor": a.auditor,
                "day": fmt_date(a.planned_on, lang),
            }
            if (a := next(iter(figures.audits.planned), None))
            else None
        ),
        summary_period=quarter_label(period, lang),
        summary_at=fmt_moment(moment, tz, lang),
    )
    # What stops an incident alert from arriving (no room, nobody reachable, alerts waiting).
    warnings = warning_lines(lang, readiness(ctx.session, ctx.org))
    return Reply("\n".join([*warnings, "", text]) if warnings else text)
