"""/rapport's words for the council's report (#16 item 3): the coordinator's draft (concept,
goedkeuren, notitie, vernieuwen) and the published report for the council and the college."""

from __future__ import annotations

from handlers.context import Context
from handlers.coordination.charts import quarter_label
from handlers.coordination.council.review import (
    NOTE_LIMIT,
    draft_header,
    draft_opens,
    next_due,
    period_words,
    prepare,
    report_reply,
    review_days,
)
from handlers.coordination.periods import Period
from handlers.coordination.summary import fmt_moment
from handlers.reply import Reply, markup, plain
from storage import council_reports
from storage.coordination_models import CouncilReport
from storage.enums import Role

DRAFT_WORDS = {"concept", "draft"}
APPROVE_WORDS = {"goedkeuren", "goedgekeurd", "akkoord", "approve"}
NOTE_WORDS = {"notitie", "toelichting", "note"}
REFRESH_WORDS = {"vernieuwen", "verversen", "refresh"}
PUBLISHED_WORDS = {"gepubliceerd", "laatste", "published", "latest"}
REVIEW_WORDS = DRAFT_WORDS | APPROVE_WORDS | NOTE_WORDS | REFRESH_WORDS


def review_action(ctx: Context, word: str, rest: list[str]) -> Reply:
    """The coordinator's part; anyone else is told who reviews the report."""
    if ctx.role is not Role.COORDINATOR:
        return Reply(
            plain(ctx.t("Only the NIS2 coordinator reviews the draft of the council's report.")),
            refused=True,
        )
    draft = council_reports.open_draft(session=ctx.session, organisation_id=ctx.org.id)  # type: ignore[arg-type]
    if draft is None:
        return _no_draft(ctx)
    if ctx.now >= draft.due_at and draft.state == council_reports.APPROVED:
        return Reply(
            markup(
                ctx.t(
                    "The deadline of the report on {period} has passed ({due}): it goes to the council as you reviewed it; it can no longer be changed."
                ),
                period=period_words(draft, ctx.language),
                due=fmt_moment(draft.due_at, ctx.org.timezone, ctx.language),
            )
        )
    if ctx.now >= draft.due_at:  # the quarterly job publishes it at its next tick
        return Reply(
            markup(
                ctx.t(
                    "The deadline of the report on {period} has passed ({due}): it goes to the council as it is, saying it was not reviewed."
                ),
                period=period_words(draft, ctx.language),
                due=fmt_moment(draft.due_at, ctx.org.timezone, ctx.language),
            )
        )
    if word in DRAFT_WORDS:
        return report_reply(
            ctx.session,
            ctx.org,
            draft,
            ctx.language,
            header=draft_header(ctx.session, ctx.org, draft, ctx.language),
        )
    if word in APPROVE_WORDS:
        return _approve(ctx, draft)
    if word in NOTE_WORDS:
        return _note(ctx, draft, " ".join(rest).strip())
    return _refresh(ctx, draft)


def _no_draft(ctx: Context) -> Reply:
    period, due = next_due(ctx.org, ctx.now, ctx.settings)
    if not review_days(ctx.org):
        return Reply(
            markup(
                ctx.t(
                    "There is no draft: the review is switched off for this organisation (council_report_review_days is 0). The report on {period} goes to the council on {due}."
                ),
                period=quarter_label(period, ctx.language),
                due=fmt_moment(due, ctx.org.timezone, ctx.language),
            )
        )
    return Reply(
        markup(
            ctx.t(
                "There is no draft now. The draft of the report on {period} comes to you on {opens}; the report goes to the council on {due}."
            ),
            period=quarter_label(period, ctx.language),
            opens=fmt_moment(draft_opens(ctx.org, due), ctx.org.timezone, ctx.language),
            due=fmt_moment(due, ctx.org.timezone, ctx.language),
        )
    )


def _approve(ctx: Context, draft: CouncilReport) -> Reply:
    council_reports.review(session=ctx.session, report=draft, person_id=ctx.me.id, now=ctx.now)  # type: ignore[arg-type]
    ctx.audit("council_report.approved", report_id=draft.id, period=draft.period)
    return Reply(
        markup(
            ctx.t(
                "Approved. The report on {period} goes to the council on {due}, saying it was reviewed by the coordinator on {when}."
            ),
            period=period_words(draft, ctx.language),
            due=fmt_moment(draft.due_at, ctx.org.timezone, ctx.language),
            when=fmt_moment(ctx.now, ctx.org.timezone, ctx.language),
        )
    )


def _note(ctx: Context, draft: CouncilReport, text: str) -> Reply:
    if not text:
        return Reply(
            plain(
                ctx.t(
                    "Write the explanation after the word: /rapport notitie TEXT. It is published with the report as the coordinator's explanation."
                )
            )
        )
    if len(text) > NOTE_LIMIT:
        return Reply(
            markup(
                ctx.t("Keep the explanation under {limit} characters; nothing was recorded."),
                limit=NOTE_LIMIT,
            )
        )
    council_reports.review(
        session=ctx.session,
        report=draft,
        person_id=ctx.me.id,  # type: ignore[arg-type]
        now=ctx.now,
        note=text,
    )
    ctx.audit("council_report.note", report_id=draft.id, period=draft.period, note=text)
    return Reply(
        markup(
            ctx.t(
                "Explanation recorded. The report on {period} counts as reviewed by you and goes to the council on {due} with this explanation."
            ),
            period=period_words(draft, ctx.language),
            due=fmt_moment(draft.due_at, ctx.org.timezone, ctx.language),
        )
    )


def _refresh(ctx: Context, draft: CouncilReport) -> Reply:
    period = Period(int(draft.period[:4]), int(draft.period[-1]))
    texts, charts = prepare(
        session=ctx.session, organisation=ctx.org, period=period, as_of=ctx.now
    ).render()
    council_reports.redraft(
        session=ctx.session, report=draft, drafted_at=ctx.now, content=texts, charts=charts
    )
    ctx.audit("council_report.redrafted", report_id=draft.id, period=draft.period)
    reply = report_reply(
        ctx.session,
        ctx.org,
        draft,
        ctx.language,
        header=draft_header(ctx.session, ctx.org, draft, ctx.language),
    )
    notice = plain(
        ctx.t("New figures taken. Review the draft again: approve it or write an explanation.")
    )
    return Reply(notice + "\n\n" + reply.text, attachments=reply.attachments)


def published(ctx: Context, period: Period | None = None) -> Reply | None:
    """The latest published report (or that of ``period``); None when there is none."""
    if period is None:
        report = council_reports.latest_published(session=ctx.session, organisation_id=ctx.org.id)  # type: ignore[arg-type]
    else:
        report = council_reports.report_for(
            session=ctx.session,
            organisation_id=ctx.org.id,  # type: ignore[arg-type]
            period=period.label,
        )
        if report is not None and report.state != council_reports.PUBLISHED:
            report = None
    if report is None:
        return None
    return report_reply(ctx.session, ctx.org, report, ctx.language)


def nothing_published(ctx: Context, period: Period | None = None) -> Reply:
    upcoming, due = next_due(ctx.org, ctx.now, ctx.settings)
    if period is not None and period < upcoming:
        return Reply(
            markup(
                ctx.t("No council report on {period} was published."),
                period=quarter_label(period, ctx.language),
            )
        )
    if period is not None and period > upcoming:
        return Reply(
            markup(
                ctx.t("The council report on {period} is not due yet."),
                period=quarter_label(period, ctx.language),
            )
        )
    return Reply(
        markup(
            ctx.t(
                "No council report has been published yet. The next one, on {period}, is due on {due}."
            )
            if period is None
            else ctx.t("The council report on {period} is due on {due}."),
            period=quarter_label(upcoming, ctx.language),
            due=fmt_moment(due, ctx.org.timezone, ctx.language),
        )
    )
