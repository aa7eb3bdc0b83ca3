"""The BOB cycle of the council: beeldvorming (forming a picture), oordeelsvorming (forming a
judgement), besluitvorming (deciding).

    /bob [DATE]                         the beeldvorming pack for the session on DATE (default today)
    /besluit                            the proposals and amendments and their outcomes
    /besluit voorstel TITLE             a proposal (secretary, coordinator)
    /besluit amendement P1 TITLE        an amendment to proposal P1
    /besluit aangenomen P1[; OWNER; DATE]   adopted: a proposal becomes an action point
    /besluit verworpen P1 | ingetrokken P1  rejected, withdrawn

The pack reuses the council summary of coordination (its figures, its biggest open actions and its
three questions for the college, through ``handlers.coordination.service`` and ``summary``) and adds
what "in control" keeps: open action points, exercises, proposals still open.
"""

from __future__ import annotations

from markupsafe import Markup

from handlers.command import command
from handlers.context import Context
from handlers.control.actions import SOURCE_LABELS, created_line, make_action
from handlers.control.common import (
    COUNCIL_PACK,
    DECISION_KEEPERS,
    at_nine,
    day_text,
    name_of,
    number_of,
    parse_date,
    person_named,
    split_fields,
    today,
    word,
)
from handlers.control.figures import control_figures
from handlers.control.scenarios import find_scenario
from handlers.coordination.export import to_markdown
from handlers.coordination.periods import quarter_of
from handlers.coordination.service import figures_for
from handlers.coordination.summary import Audience, fmt_date, render_text
from handlers.i18n import N_
from handlers.qa.helpers import council_questions as handbook_questions
from handlers.render import render
from handlers.reply import Attachment, Reply, markup, plain
from handlers.text import one_line
from storage import control
from storage.control_models import ControlDecision

OUTCOMES = {
    "aangenomen": "adopted",
    "adopted": "adopted",
    "verworpen": "rejected",
    "rejected": "rejected",
    "ingetrokken": "withdrawn",
    "withdrawn": "withdrawn",
}
OUTCOME_LABELS = {
    "pending": N_("open"),
    "adopted": N_("adopted"),
    "rejected": N_("rejected"),
    "withdrawn": N_("withdrawn"),
}
USAGE = N_(
    "Usage:\n/besluit — the proposals and their outcomes\n/besluit voorstel TITLE\n"
    "/besluit amendement P-NUMBER TITLE\n/besluit aangenomen P-NUMBER; OWNER; DATE — becomes an action point\n"
    "/besluit verworpen P-NUMBER — /besluit ingetrokken P-NUMBER"
)


def pack_text(ctx: Context, language: str) -> str:
    """The beeldvorming pack as neutral markup: the council summary of the quarter so far, and the
    action points, exercises and open proposals."""
    period = quarter_of(today(ctx))
    figures = figures_for(session=ctx.session, organisation=ctx.org, period=period, as_of=ctx.now)
    summary = render_text(figures, Audience.COUNCIL, language)
    ours = control_figures(session=ctx.session, organisation=ctx.org, period=period, as_of=ctx.now)
    open_actions = control.list_actions(
        session=ctx.session, organisation_id=ctx.org.id, open_only=True
    )
    pending = [
        d
        for d in control.list_decisions(session=ctx.session, organisation_id=ctx.org.id)
        if d.outcome == "pending"
    ]
    return render(
        language,
        "control/bob_pack.j2",
        org=ctx.org.name,
        college=word(ctx.org.country, "college", language),
        summary=Markup(summary),  # neutral markup rendered (and escaped) by coordination
        actions=ours.actions,
        open_actions=[
            {
                "label": f"A{a.id}",
                "title": a.title,
                "owner": name_of(ctx, a.owner_person_id),
                "due": day_text(ctx, a.due_at),
                "late": a.due_at < ctx.now,
                "source": ctx.t(SOURCE_LABELS.get(a.source, a.source)),
            }
            for a in open_actions[:15]
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
        pending=[{"label": f"P{d.id}", "title": d.title, "kind": d.kind} for d in pending],
        # The handbook's questions for the college per level (strategic, tactical, operational),
        # as the question answering feature keeps them (per country).
        levels=Markup(handbook_questions(None, language, ctx.org.country)),
    )


@command(
    "bob",
    roles=COUNCIL_PACK,
    summary=N_("the council's BOB session: the beeldvorming pack as a document"),
    usage=N_("[DATE]"),
    audited=True,
)
def bob_command(ctx: Context, args: list[str]) -> Reply:
    day = today(ctx)
    if args:
        parsed = parse_date(ctx, " ".join(args[:3]))
        if parsed is None:
            return Reply(
                markup(ctx.t("I could not read the date “{word}”."), word=" ".join(args)[:30])
            )
        day = parsed
    period = quarter_of(today(ctx))
    session_row = control.bob_session_on(
        session=ctx.session,
        organisation_id=ctx.org.id,
        meeting_on=at_nine(ctx, day),
        period=period.label,
        now=ctx.now,
        prepared_by_person_id=ctx.me.id,
    )
    ctx.audit("bob.prepared", session_id=session_row.id, meeting_on=day.isoformat())
    text = pack_text(ctx, ctx.language)
    document = to_markdown(text, [])
    name = f"bob-{ctx.org.slug}-{day.isoformat()}.md"
    return Reply(
        markup(
            ctx.t(
                "The beeldvorming pack for the session of {day} is attached ({name}): the figures of this quarter so far, the open risks and action points, and the questions for {college}. The secretary or the coordinator records proposals with /besluit voorstel TITLE."
            ),
            day=fmt_date(day, ctx.language),
            name=name,
            college=word(ctx.org.country, "college", ctx.language),
        ),
        attachments=(Attachment("document", name, "text/markdown", document.encode("utf-8")),),
    )


def _decision(ctx: Context, text: str) -> ControlDecision | None:
    number = number_of(text, "P")
    if number is None:
        return None
    return control.decision_by_id(
        session=ctx.session, organisation_id=ctx.org.id, decision_id=number
    )


def decision_line(ctx: Context, decision: ControlDecision) -> str:
    return markup(
        "{indent}{label} {title} · {outcome}",
        indent="   ↳ " if decision.kind == "amendment" else "• ",
        label=f"P{decision.id}",
        title=one_line(decision.title, 120),
        outcome=ctx.t(OUTCOME_LABELS.get(decision.outcome, decision.outcome)),
    )


@command(
    "besluit",
    roles=DECISION_KEEPERS,
    summary=N_("record the council's proposals, amendments and their outcome"),
    usage=N_("[voorstel TITLE|amendement P1 TITLE|aangenomen P1; OWNER; DATE|verworpen P1]"),
    aliases=("decision",),
    audited=True,
)
def decision_command(ctx: Context, args: list[str]) -> Reply:
    sub = args[0].lower() if args else ""
    if not args:
        return _list(ctx)
    if sub in {"voorstel", "proposal"}:
        return _propose(ctx, "proposal", None, args[1:])
    if sub in {"amendement", "amendment"}:
        parent = _decision(ctx, args[1]) if len(args) > 1 else None
        if parent is None or parent.kind != "proposal":
            return Reply(plain(ctx.t(USAGE)))
        if parent.outcome != "pending":
            return Reply(
                markup(
                    ctx.t(
                        "P{id} already has an outcome: {outcome}. An amendment comes before the vote."
                    ),
                    id=parent.id,
                    outcome=ctx.t(OUTCOME_LABELS[parent.outcome]),
                )
            )
        return _propose(ctx, "amendment", parent, args[2:])
    if sub in OUTCOMES:
        return _outcome(ctx, OUTCOMES[sub], args[1:])
    return Reply(plain(ctx.t(USAGE)))


def _list(ctx: Context) -> Reply:
    decisions = control.list_decisions(session=ctx.session, organisation_id=ctx.org.id)
    if not decisions:
        return Reply(plain(ctx.t("No proposals recorded yet.") + "\n\n" + ctx.t(USAGE)))
    lines = [markup("<b>{title}</b>", title=ctx.t("Proposals and amendments"))]
    for proposal in (d for d in decisions if d.kind == "proposal"):
        lines.append(decision_line(ctx, proposal))
        lines += [decision_line(ctx, d) for d in decisions if d.amends_id == proposal.id]
    return Reply("\n".join(lines[-60:]))


def _propose(ctx: Context, kind: str, parent: ControlDecision | None, args: list[str]) -> Reply:
    title = one_line(" ".join(args), 500)
    if len(title) < 3:
        return Reply(plain(ctx.t(USAGE)))
    latest = control.latest_bob_session(session=ctx.session, organisation_id=ctx.org.id)
    decision = control.create_decision(
        session=ctx.session,
        organisation_id=ctx.org.id,
        kind=kind,
        title=title,
        now=ctx.now,
        recorded_by_person_id=ctx.me.id,
        session_id=latest.id if latest else None,
        amends_id=parent.id if parent else None,
    )
    ctx.audit("decision.recorded", decision_id=decision.id, kind=kind)
    message = (
        ctx.t(
            "Proposal P{id} recorded: “{title}”. Its outcome: /besluit aangenomen P{id}; OWNER; DATE (or verworpen, ingetrokken)."
        )
        if kind == "proposal"
        else ctx.t("Amendment P{id} to P{parent} recorded: “{title}”.")
    )
    return Reply(markup(message, id=decision.id, title=title, parent=parent.id if parent else ""))


def _outcome(ctx: Context, outcome: str, args: list[str]) -> Reply:
    parts = split_fields(args)
    first = parts[0].split() if parts and parts[0] else []
    decision = _decision(ctx, first[0]) if first else None
    if decision is None:
        return Reply(plain(ctx.t(USAGE)))
    if decision.outcome != "pending":
        return Reply(
            markup(
                ctx.t("P{id} already has an outcome: {outcome}."),
                id=decision.id,
                outcome=ctx.t(OUTCOME_LABELS[decision.outcome]),
            )
        )
    owner = None
    if outcome == "adopted" and decision.kind == "proposal" and len(parts) > 1 and parts[1]:
        found = person_named(ctx, parts[1])
        if found.person is None:
            return Reply(plain(found.problem or ""))
        owner = found.person
    due_text = parts[2] if len(parts) > 2 else ""
    if due_text and parse_date(ctx, due_text) is None:
        return Reply(markup(ctx.t("I could not read the date “{word}”."), word=due_text[:30]))
    control.decide(session=ctx.session, decision=decision, outcome=outcome, now=ctx.now)
    ctx.audit("decision.outcome", decision_id=decision.id, outcome=outcome)
    reply = markup(
        ctx.t("P{id} “{title}”: {outcome}."),
        id=decision.id,
        title=decision.title,
        outcome=ctx.t(OUTCOME_LABELS[outcome]),
    )
    if outcome != "adopted" or decision.kind != "proposal":
        return Reply(reply)
    amendments = [
        d
        for d in control.list_decisions(session=ctx.session, organisation_id=ctx.org.id)
        if d.amends_id == decision.id and d.outcome == "adopted"
    ]
    title = decision.title
    if amendments:
        title += " (" + "; ".join(a.title for a in amendments) + ")"
    action, problem = make_action(
        ctx,
        title=title,
        source="decision",
        source_id=decision.id,
        owner=owner,
        due_day_text=due_text,
    )
    if action is None:  # the date was checked above; this is a safeguard, not a path
        return Reply(plain(problem or ""))
    return Reply(
        reply
        + "\n"
        + created_line(ctx, action)
        + "\n"
        + plain(ctx.t("I will follow it up until it is done."))
    )
