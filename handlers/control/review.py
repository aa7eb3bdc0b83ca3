"""/jaarreview: the yearly security review (own policy from the handbook: the year's audit results
are discussed once a year, with the incidents, exercises, training and open action points).

    /jaarreview [YEAR]                        prepare the review: a document (default: the year
                                              just ended in January-March, else this year)
    /jaarreview conclusie [YEAR] TEXT         record the meeting's conclusions (coordinator, secretary)
    /jaarreview besluit [YEAR] TEXT; OWNER; DATE  a decision: an action point followed up until done

The figures are coordination's annual council summary (``figures_for`` and ``render_text`` for the
year), so the review and the annual report never disagree.
"""

from __future__ import annotations

from markupsafe import Markup

from handlers.command import command
from handlers.context import Context
from handlers.control.actions import SOURCE_LABELS, created_line, make_action
from handlers.control.common import (
    DECISION_KEEPERS,
    day_text,
    name_of,
    person_named,
    split_fields,
    today,
)
from handlers.control.figures import control_figures
from handlers.control.scenarios import find_scenario
from handlers.coordination.audits import SEVERITY_LABELS
from handlers.coordination.export import to_markdown
from handlers.coordination.periods import Period
from handlers.coordination.service import figures_for
from handlers.coordination.summary import AUDIT_KINDS, Audience, render_text
from handlers.i18n import N_
from handlers.render import render
from handlers.reply import Attachment, Reply, markup, plain
from handlers.text import one_line
from storage import control, coordination
from storage.control_models import ControlReview
from storage.enums import Role

REVIEW_READERS = frozenset({Role.COORDINATOR, Role.SECRETARY, Role.MAYOR})
USAGE = N_(
    "Usage:\n/jaarreview [YEAR] — prepare the yearly security review (a document)\n"
    "/jaarreview conclusie [YEAR] TEXT — the meeting's conclusions\n"
    "/jaarreview besluit [YEAR] TEXT; OWNER; DATE — a decision, followed up as an action point"
)


def default_year(ctx: Context) -> int:
    day = today(ctx)
    return day.year - 1 if day.month <= 3 else day.year


def _year_and_rest(ctx: Context, args: list[str]) -> tuple[int, list[str]]:
    if args and args[0].isdigit() and len(args[0]) == 4 and 2000 <= int(args[0]) <= 2100:
        return int(args[0]), args[1:]
    return default_year(ctx), args


def review_text(ctx: Context, review: ControlReview, language: str) -> str:
    year = review.year
    period = Period(year)
    figures = figures_for(session=ctx.session, organisation=ctx.org, period=period, as_of=ctx.now)
    ours = control_figures(session=ctx.session, organisation=ctx.org, period=period, as_of=ctx.now)
    tz = ctx.org.timezone
    audits = [
        a
        for a in coordination.list_audits(session=ctx.session, organisation_id=ctx.org.id)
        if period.contains(a.planned_at, tz) or (a.done_at and period.contains(a.done_at, tz))
    ]
    findings = coordination.list_findings(
        session=ctx.session,
        organisation_id=ctx.org.id,
        audit_ids=[a.id for a in audits],  # type: ignore[misc]
    )
    open_actions = control.list_actions(
        session=ctx.session, organisation_id=ctx.org.id, open_only=True
    )
    decided = control.list_actions(
        session=ctx.session, organisation_id=ctx.org.id, source="review", source_id=review.id
    )
    return render(
        language,
        "control/review.j2",
        org=ctx.org.name,
        year=year,
        summary=Markup(render_text(figures, Audience.COUNCIL, language)),
        audits=[
            {
                "kind": ctx.t(AUDIT_KINDS.get(a.kind, a.kind)),
                "auditor": a.auditor,
                "scope": a.scope,
                "done": day_text(ctx, a.done_at) if a.done_at else None,
                "findings": [
                    {
                        "id": f.id,
                        "title": f.title,
                        "severity": ctx.t(SEVERITY_LABELS.get(f.severity, f.severity)),
                        "owner": name_of(ctx, f.owner_person_id),
                        "status": f.status,
                    }
                    for f in findings
                    if f.audit_id == a.id
                ],
            }
            for a in audits
        ],
        exercises=[
            {
                "title": (s.title(language) if (s := find_scenario(e.scenario)) else e.scenario),
                "day": day_text(ctx, e.started_at),
                "lessons": e.lessons,
                "actions": e.actions,
            }
            for e in ours.exercises
        ],
        actions=ours.actions,
        open_actions=[
            {
                "label": f"A{a.id}",
                "title": a.title,
                "owner": name_of(ctx, a.owner_person_id),
                "due": day_text(ctx, a.due_at),
                "source": ctx.t(SOURCE_LABELS.get(a.source, a.source)),
            }
            for a in open_actions[:25]
        ],
        conclusions=review.conclusions,
        concluded=day_text(ctx, review.concluded_at) if review.concluded_at else None,
        decided=[
            {
                "label": f"A{a.id}",
                "title": a.title,
                "owner": name_of(ctx, a.owner_person_id),
                "due": day_text(ctx, a.due_at),
                "done": a.status == "done",
            }
            for a in decided
        ],
    )


@command(
    "jaarreview",
    roles=REVIEW_READERS,
    summary=N_("the yearly security review: prepare it, record conclusions and decisions"),
    usage=N_("[YEAR] | conclusie TEXT | besluit TEXT; OWNER; DATE"),
    aliases=("review",),
    audited=True,
)
def review_command(ctx: Context, args: list[str]) -> Reply:
    sub = args[0].lower() if args else ""
    if sub in {"conclusie", "conclusies", "conclusion"}:
        if ctx.role not in DECISION_KEEPERS:
            return _keepers_only(ctx)
        return _conclude(ctx, *_year_and_rest(ctx, args[1:]))
    if sub in {"besluit", "decision"}:
        if ctx.role not in DECISION_KEEPERS:
            return _keepers_only(ctx)
        return _decide(ctx, *_year_and_rest(ctx, args[1:]))
    year, rest = _year_and_rest(ctx, args)
    if rest:
        return Reply(plain(ctx.t(USAGE)))
    if year > today(ctx).year:
        return Reply(markup(ctx.t("{year} has not started yet."), year=year))
    review = control.prepare_review(
        session=ctx.session,
        organisation_id=ctx.org.id,
        year=year,
        now=ctx.now,
        by_person_id=ctx.me.id,
    )
    ctx.audit("review.prepared", review_id=review.id, year=year)
    text = review_text(ctx, review, ctx.language)
    name = f"jaarreview-{ctx.org.slug}-{year}.md"
    return Reply(
        markup(
            ctx.t(
                "The yearly security review {year} is attached ({name}): the year's audits and findings, incidents, exercises, training and the open action points. Record the conclusions with /jaarreview conclusie TEXT and each decision with /jaarreview besluit TEXT; OWNER; DATE."
            ),
            year=year,
            name=name,
        ),
        attachments=(
            Attachment("document", name, "text/markdown", to_markdown(text, []).encode("utf-8")),
        ),
    )


def _keepers_only(ctx: Context) -> Reply:
    return Reply(
        plain(ctx.t("Only the coordinator or the secretary records the review's outcome.")),
        refused=True,
    )


def _review(ctx: Context, year: int) -> ControlReview:
    return control.prepare_review(
        session=ctx.session,
        organisation_id=ctx.org.id,
        year=year,
        now=ctx.now,
        by_person_id=ctx.me.id,
    )


def _conclude(ctx: Context, year: int, rest: list[str]) -> Reply:
    text = " ".join(rest).strip()[:4000]
    if len(text) < 3:
        return Reply(plain(ctx.t(USAGE)))
    review = _review(ctx, year)
    control.conclude_review(
        session=ctx.session, review=review, conclusions=text, now=ctx.now, by_person_id=ctx.me.id
    )
    ctx.audit("review.concluded", review_id=review.id, year=year)
    return Reply(
        markup(ctx.t("The conclusions of the yearly review {year} are recorded."), year=year)
    )


def _decide(ctx: Context, year: int, rest: list[str]) -> Reply:
    parts = split_fields(rest)
    title = one_line(parts[0] if parts else "", 300)
    if len(title) < 3:
        return Reply(plain(ctx.t(USAGE)))
    owner = None
    if len(parts) > 1 and parts[1]:
        found = person_named(ctx, parts[1])
        if found.person is None:
            return Reply(plain(found.problem or ""))
        owner = found.person
    review = _review(ctx, year)
    action, problem = make_action(
        ctx,
        title=title,
        source="review",
        source_id=review.id,
        owner=owner,
        due_day_text=parts[2] if len(parts) > 2 else "",
    )
    if action is None:
        return Reply(plain(problem or ""))
    return Reply(
        markup(ctx.t("Decision of the yearly review {year}:"), year=year)
        + "\n"
        + created_line(ctx, action)
    )
