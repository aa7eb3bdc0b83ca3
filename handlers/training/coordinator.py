"""The coordinator's training tools: ``/training`` (figures), ``/getraind`` (register a completion),
``/bevestig`` (confirm self-declarations), and the weekly digest's text.

``/training`` is for the coordinator, the secretary (who runs the organisation day to day and
reports on it) and the mayor (the college approves and oversees the measures, Cbw art. 24(1)); it
only reads. Registering and confirming change records, so they are the coordinator's and audited.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

from babel.numbers import format_decimal
from sqlmodel import Session

from handlers.command import COORDINATOR, command
from handlers.context import Context
from handlers.i18n import N_, t
from handlers.people.roles import role_label
from handlers.reply import Choice, Reply, markup, plain
from handlers.training import service
from handlers.training.attendance import parse_day
from handlers.training.college import NOT_APPLICABLE_BE, CollegeState
from handlers.training.compliance import ComplianceReport, compliance_report
from handlers.training.texts import college_state_label, days_text, format_day
from storage import people, training
from storage.enums import COLLEGE_ROLES, Country, Role
from storage.models import Organisation, Person
from storage.training_models import TrainingMethod

FIGURE_ROLES = frozenset({Role.COORDINATOR, Role.SECRETARY, Role.MAYOR})
ART24_WORDS = {"college", "art24", "bestuur", "cbw"}
MAX_LISTED = 20


def _percent(value: float | None, language: str) -> str:
    # The same form as /status and /rapport: a decimal comma in Dutch ("5,1%"), none for whole numbers.
    return "–" if value is None else format_decimal(value, format="0.#", locale=language) + "%"


def compliance_lines(report: ComplianceReport, language: str, *, listed: int) -> list[str]:
    overall = report.overall
    lines = [
        markup(
            t(
                language,
                "Overall: {percent} up to date ({compliant} of {total}); "
                "not trained yet but within their first period: {new}; overdue: {overdue}.",
                percent=_percent(overall.percent, language),
                compliant=overall.compliant,
                total=overall.total,
                new=overall.new,
                overdue=overall.overdue,
            )
        )
    ]
    if report.departments:
        lines.append(markup("<b>{title}</b>", title=t(language, "Per department")))
    for dept in report.departments:
        lines.append(
            markup(
                "• {name}: {percent} ({compliant}/{total}), {overdue}",
                name=dept.label(language),
                percent=_percent(dept.percent, language),
                compliant=dept.compliant,
                total=dept.total,
                overdue=t(language, "overdue: {count}", count=dept.overdue),
            )
        )
    if report.overdue:
        lines.append(markup("<b>{title}</b>", title=t(language, "Overdue (longest first)")))
    for person in report.overdue[:listed]:
        what = (
            t(language, "never trained")
            if person.never_trained
            else t(language, "due {day}", day=format_day(person.due, language))
        )
        lines.append(
            markup(
                "• {name}{dept} — {what}, {late}",
                name=person.name,
                dept=f" ({person.department})" if person.department else "",
                what=what,
                late=t(language, "{days} late", days=days_text(language, person.days_overdue)),
            )
        )
    if len(report.overdue) > listed:
        lines.append(plain(t(language, "… and {more} more.", more=len(report.overdue) - listed)))
    return lines


def college_lines(session: Session, org: Organisation, today: date, language: str) -> list[str]:
    """The college's legal duty, kept apart from the staff figures (law, not own policy)."""
    lines = [
        markup(
            "<b>{title}</b>",
            title=t(language, "College: personal certificate duty (Cbw art. 24, law)"),
        )
    ]
    if service.country_of(org) is not Country.NL:
        return [*lines, plain(t(language, NOT_APPLICABLE_BE))]
    duties = service.college_duties(session, org, today)
    if not duties:
        return [*lines, plain(t(language, "No mayor or aldermen are enrolled yet."))]
    for member, duty, assumed in duties:
        state = college_state_label(duty.state, language)
        line = markup(
            "• {name}, {role} — {state}; {deadline}",
            name=member.name,
            role=role_label(member.role, language),
            state=state,
            deadline=t(language, "deadline {day}", day=format_day(duty.deadline, language)),
        )
        if duty.state is CollegeState.OK and duty.certificate and duty.certificate.number:
            line += markup(" ({number})", number=duty.certificate.number)
        if assumed:
            line += " " + plain(
                t(language, "(appointment date unknown: the law's date for members in office used)")
            )
        lines.append(line)
    return lines


@command(
    "training",
    roles=FIGURE_ROLES,
    summary=N_("training compliance per department, who is overdue, the college's duty"),
    aliases=("compliance",),
)
def training_command(ctx: Context, args: list[str]) -> Reply:
    org = ctx.org
    today = service.local_day(ctx.now, org)
    policy = service.policy_of(org)
    report = compliance_report(
        service.compliance_inputs(ctx.session, org), today, policy, service.tz_of(org)
    )
    lines = [
        markup(
            "<b>{title}</b>",
            title=ctx.t("Awareness training at {org}", org=org.name),
        ),
        plain(
            ctx.t(
                "Own policy of the municipality (not law): every {months} months.",
                months=policy.interval_months,
            )
        ),
        *compliance_lines(report, ctx.language, listed=MAX_LISTED),
    ]
    pending = training.pending_declarations(session=ctx.session, organisation_id=org.id)
    if pending:
        lines.append(
            plain(
                ctx.t(
                    "Self-declarations waiting for confirmation: {count} (/bevestig).",
                    count=len(pending),
                )
            )
        )
    lines += ["", *college_lines(ctx.session, org, today, ctx.language)]
    return Reply("\n".join(lines))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def find_people(session: Session, org: Organisation, query: str) -> list[Person]:
    """``#12`` by id; else an exact name (case and accents ignored); else names containing it."""
    assert org.id is not None
    if query.startswith("#") and query[1:].isdigit():
        found = people.person_by_id(
            session=session, organisation_id=org.id, person_id=int(query[1:])
        )
        return [found] if found is not None and found.active else []
    everyone = people.list_people(session=session, organisation_id=org.id)
    wanted = _fold(query)
    exact = [p for p in everyone if _fold(p.name) == wanted]
    return exact or [p for p in everyone if wanted and wanted in _fold(p.name)]


@command(
    "getraind",
    roles=COORDINATOR,
    summary=N_("register that someone completed the training"),
    usage=N_("NAME [DATE] [college]"),
    aliases=("trained",),
    audited=True,
)
def trained_command(ctx: Context, args: list[str]) -> Reply:
    org = ctx.org
    words = list(args)
    art24 = bool(words) and words[-1].lower() in ART24_WORDS
    if art24:
        words.pop()
    today = service.local_day(ctx.now, org)
    day = parse_day(words[-1]) if words else None
    if day is not None:
        words.pop()
    query = " ".join(words)
    if not query:
        return Reply(
            plain(
                ctx.t(
                    "Usage: /getraind NAME [DATE] [college]. For example: /getraind Jan Jansen "
                    "2026-11-02. Add 'college' for a certificate of the college's Cbw art. 24 "
                    "training."
                )
            )
        )
    if day is not None and day > today:
        return Reply(plain(ctx.t("That date lies in the future; nothing was registered.")))
    found = find_people(ctx.session, org, query)
    if not found:
        return Reply(markup(ctx.t("I know nobody called {name} here."), name=query))
    if len(found) > 1:
        suffix = " ".join(
            w for w in ((day.isoformat() if day else ""), ("college" if art24 else "")) if w
        )
        choices = tuple(
            Choice(
                f"/getraind #{p.id} {suffix}".strip(),
                f"{p.name} ({p.department})" if p.department else p.name,
            )
            for p in found[:8]
        )
        return Reply(plain(ctx.t("Several people match. Whom do you mean?")), choices)
    person = found[0]
    completed_at = service.noon(day, org) if day is not None else ctx.now
    record = service.register_completion(
        ctx.session,
        org,
        person,
        completed_at=completed_at,
        method=TrainingMethod.MANUAL,
        now=ctx.now,
        with_certificate=False,
        covers_art24=art24,
        recorded_by=ctx.me,
        note="art24" if art24 else None,
    )
    ctx.audit(
        "training.registered",
        record_id=record.id,
        person_id=person.id,
        completed_on=service.local_day(completed_at, org).isoformat(),
        art24=art24,
    )
    due = service.due_date_of(ctx.session, org, person)
    text = markup(
        ctx.t("Registered: {name} completed the training on {day}. Next due: {due}."),
        name=person.name,
        day=format_day(service.local_day(completed_at, org), ctx.language),
        due=format_day(due, ctx.language),
    )
    if art24:
        text += "\n" + plain(ctx.t("Counted as the college certificate of Cbw art. 24."))
    return Reply(text)


@command(
    "bevestig",
    roles=COORDINATOR,
    summary=N_("confirm the trainings people say they followed"),
    usage=N_("[number|all] [no]"),
    aliases=("confirm",),
    audited=True,
)
def confirm_command(ctx: Context, args: list[str]) -> Reply:
    org = ctx.org
    pending = training.pending_declarations(session=ctx.session, organisation_id=org.id)
    if not args:
        if not pending:
            return Reply(plain(ctx.t("No self-declarations are waiting for confirmation.")))
        lines = [markup("<b>{title}</b>", title=ctx.t("Waiting for confirmation"))]
        choices: list[Choice] = []
        for record, person in pending[:MAX_LISTED]:
            lines.append(
                markup(
                    "{number}. {name}{dept} — {day}{proof}",
                    number=record.id,
                    name=person.name,
                    dept=f" ({person.department})" if person.department else "",
                    day=format_day(service.local_day(record.completed_at, org), ctx.language),
                    proof=f" — {record.note}" if record.note else "",
                )
            )
            if len(choices) < 10:
                choices.append(
                    Choice(f"/bevestig {record.id}", ctx.t("Confirm {name}", name=person.name))
                )
                choices.append(
                    Choice(f"/bevestig {record.id} nee", ctx.t("Reject {name}", name=person.name))
                )
        lines.append(plain(ctx.t("/bevestig all confirms them all.")))
        return Reply("\n".join(lines), tuple(choices))
    reject = len(args) > 1 and args[1].lower() in {"nee", "no", "afwijzen", "reject"}
    if args[0].lower() in {"alles", "all"}:
        if not pending:  # never "Confirmed: ." for nothing
            return Reply(plain(ctx.t("No self-declarations are waiting for confirmation.")))
        chosen = pending
    elif args[0].isdigit():
        chosen = [(r, p) for r, p in pending if r.id == int(args[0])]
        if not chosen:
            return Reply(plain(ctx.t("There is no waiting self-declaration with that number.")))
    else:
        return Reply(plain(ctx.t("Usage: /bevestig, /bevestig NUMBER [no], or /bevestig all.")))
    for record, person in chosen:
        decide(ctx, record, person, confirmed=not reject)
    names = ", ".join(p.name for _, p in chosen)
    if reject:
        return Reply(markup(ctx.t("Not confirmed: {names}."), names=names))
    return Reply(markup(ctx.t("Confirmed: {names}."), names=names))


def decide(ctx: Context, record, person: Person, *, confirmed: bool) -> None:  # type: ignore[no-untyped-def]
    training.decide_declaration(
        session=ctx.session, record=record, confirmed=confirmed, by_person_id=ctx.me.id, now=ctx.now
    )
    ctx.audit(
        "training.declaration_confirmed" if confirmed else "training.declaration_rejected",
        record_id=record.id,
        person_id=person.id,
    )
    chats = people.private_chat_map(session=ctx.session, organisation_id=ctx.org.id)
    if person.id in chats:
        platform, chat_id = chats[person.id]
        text = (
            t(person.language, "The NIS2 coordinator confirmed your training. Thank you!")
            if confirmed
            else t(
                person.language,
                "The NIS2 coordinator could not confirm the training you reported. You can take "
                "the quiz instead: /toets",
            )
        )
        ctx.send(
            platform=platform,
            chat_id=chat_id,
            reply=Reply(plain(text)),
            key=f"training-declaration:{record.id}:{record.method}",
        )


def digest_text(session: Session, org: Organisation, now: datetime, language: str) -> str | None:
    """The weekly digest for a coordinator, or None when there is nothing to report."""
    assert org.id is not None
    today = service.local_day(now, org)
    policy = service.policy_of(org)
    report = compliance_report(
        service.compliance_inputs(session, org), today, policy, service.tz_of(org)
    )
    escalated = training.nudges_since(
        session=session, organisation_id=org.id, kind="escalation", since=now - timedelta(days=7)
    )
    pending = training.pending_declarations(session=session, organisation_id=org.id)
    college = [
        (m, d)
        for m, d, _ in service.college_duties(session, org, today)
        if d.state is not CollegeState.OK
    ]
    if not (report.overdue or escalated or pending or college):
        return None
    lines = [
        markup(
            "<b>{title}</b>", title=t(language, "Weekly training digest for {org}", org=org.name)
        ),
        *compliance_lines(report, language, listed=30),
    ]
    if escalated:
        lines.append(
            markup(
                "<b>{title}</b>",
                title=t(language, "Not trained despite {count} reminders", count=policy.max_nudges),
            )
        )
        lines += [
            markup("• {name}{dept}", name=p.name, dept=f" ({p.department})" if p.department else "")
            for _, p in escalated
        ]
    if pending:
        lines.append(
            plain(
                t(
                    language,
                    "Self-declarations waiting for confirmation: {count} (/bevestig).",
                    count=len(pending),
                )
            )
        )
    if college:
        lines.append(
            markup(
                "<b>{title}</b>",
                title=t(language, "College: personal certificate duty (Cbw art. 24, law)"),
            )
        )
        lines += [
            markup(
                "• {name} — {state}; {deadline}",
                name=m.name,
                state=college_state_label(d.state, language),
                deadline=t(language, "deadline {day}", day=format_day(d.deadline, language)),
            )
            for m, d in college
        ]
    return "\n".join(lines)


@command(
    "benoemd",
    roles=COORDINATOR,
    summary=N_("record when a mayor or alderman took office (starts their two years)"),
    usage=N_("NAME DATE"),
    aliases=("appointed",),
    audited=True,
)
def appointed_command(ctx: Context, args: list[str]) -> Reply:
    org = ctx.org
    day = parse_day(args[-1]) if len(args) >= 2 else None
    if day is None:
        return Reply(
            plain(ctx.t("Usage: /benoemd NAME DATE, for example: /benoemd Eva de Vries 2026-11-02"))
        )
    query = " ".join(args[:-1])
    found = [p for p in find_people(ctx.session, org, query) if Role(p.role) in COLLEGE_ROLES]
    if len(found) != 1:
        return Reply(
            markup(ctx.t("I know no single mayor or alderman called {name} here."), name=query)
        )
    member = found[0]
    member.appointed_at = service.noon(day, org)
    ctx.session.add(member)
    ctx.audit("training.appointed", person_id=member.id, appointed_on=day.isoformat())
    today = service.local_day(ctx.now, org)
    duties = service.college_duties(ctx.session, org, today)
    duty = next((d for m, d, _ in duties if m.id == member.id), None)
    if duty is None:  # Belgium: recorded, but no legal duty to track
        return Reply(plain(ctx.t(NOT_APPLICABLE_BE)))
    return Reply(
        markup(
            ctx.t("{name} took office on {day}; their certificate deadline is {deadline}."),
            name=member.name,
            day=format_day(day, ctx.language),
            deadline=format_day(duty.deadline, ctx.language),
        )
    )
