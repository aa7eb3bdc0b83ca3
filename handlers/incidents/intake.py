"""The intake dialog: an employee reports an incident in a few minutes, from a phone.

The first answer ("what happened?") creates the incident row, and every later answer is written to
it in the step's own unit of work, so a report abandoned half-way still has its data and reaches
the ISMT as an incomplete report (``schedules.incidents``). A description that clearly names the
kind of incident ("I clicked a link in a mail") sets the category, so that question is skipped; the
summary shows it and the reporter can change it there. Anonymity towards the ISMT room is one of the
two send buttons of the summary, so a phishing report takes nine messages: /melden, the
description, the time, the service, impact, personal data, still going on, what was done, send.
"""

from __future__ import annotations

from enum import Enum

from handlers.context import Context
from handlers.dialog import (
    Answer,
    Dialog,
    Draft,
    Finish,
    Goto,
    Retry,
    Step,
    register_dialog,
)
from handlers.i18n import N_
from handlers.incidents import service
from handlers.incidents.finish import complete_report, stopped_report
from handlers.incidents.model import Category, Impact, TriState
from handlers.incidents.recognise import guess_category
from handlers.incidents.views import fact_lines
from handlers.incidents.when import ParseError, parse_when
from handlers.reply import Choice, Reply, markup, plain
from handlers.text import one_line
from storage import incidents as store
from storage.incident_models import Incident
from storage.models import DialogState

MAX_DESCRIPTION = 4000
MAX_SERVICE = 300
MAX_ACTIONS = 2000
NOW, UNKNOWN, NOTHING = "now", "unknown", "nothing"
SEND, SEND_ANONYMOUS, FIX = "send", "send_anonymous", "fix"


class IntakeState(Enum):
    WHAT = "what"
    CATEGORY = "category"
    WHEN = "when"
    SERVICE = "service"
    IMPACT = "impact"
    PERSONAL_DATA = "personal_data"
    ONGOING = "ongoing"
    ACTIONS = "actions"
    CONFIRM = "confirm"
    FIX = "fix"


intake: Dialog[IntakeState] = Dialog(
    "incident-intake", IntakeState, first=IntakeState.WHAT, title=N_("your incident report")
)


def _incident(ctx: Context, draft: Draft) -> Incident | None:
    incident_id = draft.get("incident_id")
    if incident_id is None:
        return None
    return store.incident_by_id(
        session=ctx.session, organisation_id=ctx.org.id, incident_id=incident_id
    )


def _save(ctx: Context, incident: Incident) -> None:
    store.save_incident(session=ctx.session, incident=incident, now=ctx.now)
    if incident.alerted_at is not None:  # passed on as incomplete: keep its deadlines current
        service.refresh_deadlines(ctx.session, ctx.org, incident, ctx.now, ctx.settings)


def _next(draft: Draft, state: IntakeState) -> Step:
    """The next question, or back to the summary when the reporter is correcting one answer."""
    if draft.pop("fixing", False):
        return Goto(IntakeState.CONFIRM)
    return Goto(state)


def _choices(items: list[tuple[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(value, label) for value, label in items)


def _pick_again(ctx: Context) -> Retry:
    return Retry(ctx.t("Please choose one of the options (typing its number is fine)."))


# --- what happened ------------------------------------------------------------------------------


@intake.ask(IntakeState.WHAT)
def ask_what(ctx: Context, draft: Draft) -> Reply:
    return Reply(
        plain(
            ctx.t(
                "What happened? Describe it in a sentence or two, in your own words. "
                "(/stop stops, /terug goes back)"
            )
        )
    )


@intake.step(IntakeState.WHAT)
def on_what(ctx: Context, draft: Draft, answer: Answer) -> Step:
    text = answer.text.strip()
    if len(text) < 3 or not any(ch.isalpha() for ch in text):
        return Retry(ctx.t("Please describe what happened in a few words."))
    if len(text) > MAX_DESCRIPTION:
        return Retry(
            ctx.t(
                "Please keep it under {limit} characters; the ISMT will ask for details.",
                limit=MAX_DESCRIPTION,
            )
        )
    incident = _incident(ctx, draft)
    if incident is None:
        incident = service.new_incident(
            ctx.session, ctx.org, reporter_person_id=ctx.me.id, description=text, now=ctx.now
        )
        draft["incident_id"] = incident.id
    else:
        incident.description = text
    if incident.category is None or incident.category_guessed:
        guess = guess_category(text)
        incident.category = guess.value if guess else None
        incident.category_guessed = guess is not None
    _save(ctx, incident)
    if incident.category is None:
        return Goto(IntakeState.CATEGORY)
    return _next(draft, IntakeState.WHEN)


# --- category -----------------------------------------------------------------------------------


@intake.ask(IntakeState.CATEGORY)
def ask_category(ctx: Context, draft: Draft) -> Reply:
    items = [(c.value, c.label(ctx.language)) for c in Category]
    return Reply(plain(ctx.t("What kind of incident is it, do you think?")), _choices(items))


@intake.step(IntakeState.CATEGORY)
def on_category(ctx: Context, draft: Draft, answer: Answer) -> Step:
    incident = _incident(ctx, draft)
    if answer.choice is None or incident is None:
        return _pick_again(ctx)
    incident.category, incident.category_guessed = answer.choice, False
    _save(ctx, incident)
    return _next(draft, IntakeState.WHEN)


# --- when ---------------------------------------------------------------------------------------


@intake.ask(IntakeState.WHEN)
def ask_when(ctx: Context, draft: Draft) -> Reply:
    return Reply(
        plain(
            ctx.t(
                "When did you notice it? For example: “now”, “this morning 9:15”, "
                "“yesterday 14:00”."
            )
        ),
        (Choice(NOW, ctx.t("Just now")),),
    )


@intake.step(IntakeState.WHEN)
def on_when(ctx: Context, draft: Draft, answer: Answer) -> Step:
    incident = _incident(ctx, draft)
    if incident is None:
        return _pick_again(ctx)
    text = "nu" if answer.choice == NOW else answer.text
    parsed = parse_when(text, now=ctx.now, timezone=ctx.org.timezone)
    if isinstance(parsed, ParseError):
        return Retry(parsed.text(ctx.language))
    changed_by_ismt = incident.alerted_at is not None and incident.aware_at is not None
    incident.noticed_at = parsed
    if not changed_by_ismt:
        # The organisation is aware from the moment its employee noticed it: the earliest reading,
        # so the clocks never run later than the law's. The ISMT can adjust it with a reason.
        incident.aware_at = parsed
    _save(ctx, incident)
    return _next(draft, IntakeState.SERVICE)


# --- service ------------------------------------------------------------------------------------


@intake.ask(IntakeState.SERVICE)
def ask_service(ctx: Context, draft: Draft) -> Reply:
    incident = _incident(ctx, draft)
    noted = ""
    if incident is not None and incident.noticed_at is not None:
        noted = ctx.t(
            "Noted: noticed at {when}.", when=service.when_local(ctx.org, incident.noticed_at)
        )
        noted += "\n"
    question = ctx.t(
        "Which service or system is it about? For example: e-mail, the citizen portal, my laptop."
    )
    return Reply(plain(noted + question), (Choice(UNKNOWN, ctx.t("I don't know")),))


@intake.step(IntakeState.SERVICE)
def on_service(ctx: Context, draft: Draft, answer: Answer) -> Step:
    incident = _incident(ctx, draft)
    if incident is None:
        return _pick_again(ctx)
    if answer.choice == UNKNOWN:
        value = ctx.t("unknown")
    else:
        value = one_line(answer.text, MAX_SERVICE + 1)
        if not value or not any(ch.isalnum() for ch in value):
            return Retry(ctx.t("Please name the service or system, or choose “I don't know”."))
        if len(value) > MAX_SERVICE:
            return Retry(ctx.t("Please keep it under {limit} characters.", limit=MAX_SERVICE))
    incident.service = value
    _save(ctx, incident)
    return _next(draft, IntakeState.IMPACT)


# --- impact, personal data, still going on --------------------------------------------------------


@intake.ask(IntakeState.IMPACT)
def ask_impact(ctx: Context, draft: Draft) -> Reply:
    items = [(i.value, i.label(ctx.language)) for i in Impact]
    return Reply(plain(ctx.t("How much does it disrupt work or services?")), _choices(items))


@intake.step(IntakeState.IMPACT)
def on_impact(ctx: Context, draft: Draft, answer: Answer) -> Step:
    incident = _incident(ctx, draft)
    if answer.choice is None or incident is None:
        return _pick_again(ctx)
    incident.impact = answer.choice
    _save(ctx, incident)
    return _next(draft, IntakeState.PERSONAL_DATA)


def _tristate(ctx: Context) -> tuple[Choice, ...]:
    return _choices([(v.value, v.label(ctx.language)) for v in TriState])


@intake.ask(IntakeState.PERSONAL_DATA)
def ask_personal_data(ctx: Context, draft: Draft) -> Reply:
    return Reply(
        plain(
            ctx.t(
                "Is personal data involved (names, addresses, citizen service numbers, case files)?"
            )
        ),
        _tristate(ctx),
    )


@intake.step(IntakeState.PERSONAL_DATA)
def on_personal_data(ctx: Context, draft: Draft, answer: Answer) -> Step:
    incident = _incident(ctx, draft)
    if answer.choice is None or incident is None:
        return _pick_again(ctx)
    incident.personal_data = answer.choice
    _save(ctx, incident)
    return _next(draft, IntakeState.ONGOING)


@intake.ask(IntakeState.ONGOING)
def ask_ongoing(ctx: Context, draft: Draft) -> Reply:
    return Reply(plain(ctx.t("Is it still going on?")), _tristate(ctx))


@intake.step(IntakeState.ONGOING)
def on_ongoing(ctx: Context, draft: Draft, answer: Answer) -> Step:
    incident = _incident(ctx, draft)
    if answer.choice is None or incident is None:
        return _pick_again(ctx)
    incident.ongoing = answer.choice
    _save(ctx, incident)
    return _next(draft, IntakeState.ACTIONS)


# --- what the reporter did ----------------------------------------------------------------------


@intake.ask(IntakeState.ACTIONS)
def ask_actions(ctx: Context, draft: Draft) -> Reply:
    return Reply(
        plain(
            ctx.t(
                "What have you done about it so far? For example: changed my password, "
                "unplugged the network cable."
            )
        ),
        (Choice(NOTHING, ctx.t("Nothing yet")),),
    )


@intake.step(IntakeState.ACTIONS)
def on_actions(ctx: Context, draft: Draft, answer: Answer) -> Step:
    incident = _incident(ctx, draft)
    if incident is None:
        return _pick_again(ctx)
    if answer.choice == NOTHING:
        value = ctx.t("nothing yet")
    else:
        value = answer.text.strip()
        if not value or not any(ch.isalnum() for ch in value):
            return Retry(ctx.t("Please say in a few words what you did, or choose “Nothing yet”."))
        if len(value) > MAX_ACTIONS:
            return Retry(ctx.t("Please keep it under {limit} characters.", limit=MAX_ACTIONS))
    incident.actions_taken = value
    _save(ctx, incident)
    return Goto(IntakeState.CONFIRM)


# --- summary, send, correct ---------------------------------------------------------------------


@intake.ask(IntakeState.CONFIRM)
def ask_confirm(ctx: Context, draft: Draft) -> Reply:
    incident = _incident(ctx, draft)
    lines = [markup("<b>{text}</b>", text=ctx.t("Please check your report:"))]
    if incident is not None:
        lines += fact_lines(ctx.language, ctx.org, incident, reporter=ctx.me.name)
        if incident.category_guessed:
            lines.append(
                plain(ctx.t("(The category was taken from your description; change it if wrong.)"))
            )
    lines.append("")
    lines.append(
        plain(
            ctx.t(
                "Send it to the ISMT? You may stay anonymous towards the ISMT room; the NIS2 "
                "coordinator still sees your name."
            )
        )
    )
    choices = _choices(
        [
            (SEND, ctx.t("Send")),
            (SEND_ANONYMOUS, ctx.t("Send, without my name in the ISMT room")),
            (FIX, ctx.t("Change something")),
        ]
    )
    return Reply("\n".join(lines), choices)


@intake.step(IntakeState.CONFIRM)
def on_confirm(ctx: Context, draft: Draft, answer: Answer) -> Step:
    incident = _incident(ctx, draft)
    if answer.choice is None or incident is None:
        return _pick_again(ctx)
    if answer.choice == FIX:
        return Goto(IntakeState.FIX)
    incident.anonymous = answer.choice == SEND_ANONYMOUS
    return Finish(complete_report(ctx, incident))


_FIELDS: list[tuple[IntakeState, str]] = [
    (IntakeState.WHAT, N_("What happened")),
    (IntakeState.CATEGORY, N_("Category")),
    (IntakeState.WHEN, N_("Noticed")),
    (IntakeState.SERVICE, N_("Service or system")),
    (IntakeState.IMPACT, N_("Impact on services")),
    (IntakeState.PERSONAL_DATA, N_("Personal data involved")),
    (IntakeState.ONGOING, N_("Still going on")),
    (IntakeState.ACTIONS, N_("Already done")),
]


@intake.ask(IntakeState.FIX)
def ask_fix(ctx: Context, draft: Draft) -> Reply:
    items = [(state.value, ctx.t(label)) for state, label in _FIELDS]
    return Reply(plain(ctx.t("What do you want to change?")), _choices(items))


@intake.step(IntakeState.FIX)
def on_fix(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice is None:
        return _pick_again(ctx)
    draft["fixing"] = True
    return Goto(IntakeState(answer.choice))


def _on_cancel(ctx: Context, row: DialogState) -> Reply | None:
    """/stop: what was typed is kept and passed on, because it may matter to the ISMT."""
    return stopped_report(ctx, _incident(ctx, row.data))


intake.on_cancel = _on_cancel
register_dialog(intake)
