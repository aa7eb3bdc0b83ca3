"""``/mijntraining`` (``/mytraining``): a person's own status, next due date and certificate, and for
a member of the college the personal legal deadline (Cbw art. 24)."""

from __future__ import annotations

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_
from handlers.reply import Choice, Reply, markup, plain
from handlers.training import service
from handlers.training.college import CollegeState, college_duty_applies
from handlers.training.texts import college_state_label, format_day
from storage import training
from storage.enums import Role
from storage.training_models import COUNTING_METHODS, TrainingMethod

METHOD_WORDS = {
    TrainingMethod.QUIZ: N_("quiz"),
    TrainingMethod.CONFIRMED: N_("confirmed by the coordinator"),
    TrainingMethod.MANUAL: N_("registered by the coordinator"),
    TrainingMethod.IMPORT: N_("imported attendance list"),
}


@command(
    "mijntraining",
    roles=EVERYONE,
    summary=N_("your training: status, next due date, certificate"),
    aliases=("mytraining",),
)
def my_training_command(ctx: Context, args: list[str]) -> Reply:
    org, me = ctx.org, ctx.me
    today = service.local_day(ctx.now, org)
    records = training.records_of(session=ctx.session, organisation_id=org.id, person_id=me.id)
    counting = [r for r in records if TrainingMethod(r.method) in COUNTING_METHODS]
    due = service.due_date_of(ctx.session, org, me)
    lines = [markup("<b>{title}</b>", title=ctx.t("Your awareness training"))]
    if counting:
        last = counting[0]
        lines.append(
            markup(
                ctx.t("Last completed: {day} ({method})."),
                day=format_day(service.local_day(last.completed_at, org), ctx.language),
                method=ctx.t(METHOD_WORDS[TrainingMethod(last.method)]),
            )
        )
        numbered = next((r for r in counting if r.certificate_number), None)
        if numbered is not None:
            lines.append(
                markup(ctx.t("Certificate number: {number}"), number=numbered.certificate_number)
            )
    else:
        lines.append(plain(ctx.t("You have not completed the training yet.")))
    if due < today:
        lines.append(markup(ctx.t("Overdue since {day}."), day=format_day(due, ctx.language)))
    else:
        lines.append(markup(ctx.t("Next due: {day}."), day=format_day(due, ctx.language)))
    lines.append(
        plain(
            ctx.t(
                "This rhythm (every {months} months) is the municipality's own policy.",
                months=service.policy_of(org).interval_months,
            )
        )
    )
    if any(TrainingMethod(r.method) is TrainingMethod.SELF_DECLARED for r in records):
        lines.append(
            plain(ctx.t("Your self-declaration is waiting for the coordinator's confirmation."))
        )
    if college_duty_applies(service.country_of(org), Role(me.role)):
        lines += ["", *_college_lines(ctx)]
    return Reply("\n".join(lines), (Choice("/toets", ctx.t("Start the quiz")),))


def _college_lines(ctx: Context) -> list[str]:
    org, me = ctx.org, ctx.me
    today = service.local_day(ctx.now, org)
    mine = [
        (m, d, a) for m, d, a in service.college_duties(ctx.session, org, today) if m.id == me.id
    ]
    if not mine:
        return []
    _member, duty, assumed = mine[0]
    lines = [
        markup(
            "<b>{title}</b>",
            title=ctx.t("Your personal certificate duty (Cbw art. 24, law)"),
        ),
        markup(
            ctx.t(
                "As a member of the college you need your own certificate of a training on "
                "cyber risks by {day}: two years after the duty began. A predecessor's "
                "certificate does not count."
            )
            if assumed
            else ctx.t(
                "As a member of the college you need your own certificate of a training on "
                "cyber risks by {day}: two years after you took office. A predecessor's "
                "certificate does not count."
            ),
            day=format_day(duty.deadline, ctx.language),
        ),
        markup(ctx.t("Status: {state}."), state=college_state_label(duty.state, ctx.language)),
    ]
    if duty.state is CollegeState.OK and duty.certificate is not None:
        lines.append(
            markup(
                ctx.t("Registered certificate of {day}."),
                day=format_day(duty.certificate.obtained_on, ctx.language),
            )
        )
    if assumed:
        lines.append(
            plain(
                ctx.t(
                    "Your appointment date is not known to me, so I used the law's date for "
                    "members in office when the duty began; if you took office later, the "
                    "coordinator can correct it with /benoemd."
                )
            )
        )
    return lines
