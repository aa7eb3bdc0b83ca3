"""The training feature's user-visible messages, in neutral markup (see ``handlers.reply``).

Long texts are templates (``templates/<name>.<lang>.j2``, autoescaped: names are escaped); short
ones are msgids translated with ``t`` from ``locale/nl.po``. Dates are written out per language
with Babel ("maandag 2 november 2026", "Monday 2 November 2026").
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_time

from handlers.i18n import N_, ngettext, normalise_language, t
from handlers.render import render
from handlers.reply import plain
from handlers.training.bank import TOPIC_LABELS, Topic
from handlers.training.college import Audience, CollegeDuty, CollegeReminder, CollegeState
from handlers.training.quiz import PASS_MARK_PERCENT, QuizResult
from handlers.training.schedule import Nudge, SnoozeOutcome, SnoozeRefusal

# English is written the British way (day before month), as the people reading it are European.
_BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}

COLLEGE_STATE_LABELS: dict[CollegeState, str] = {
    CollegeState.OK: N_("certificate in order"),
    CollegeState.PENDING: N_("no certificate yet"),
    CollegeState.DUE_SOON: N_("deadline approaching"),
    CollegeState.OVERDUE: N_("deadline passed"),
}

SNOOZE_REFUSALS: dict[SnoozeRefusal, str] = {
    SnoozeRefusal.NOTHING_TO_SNOOZE: N_("There is no reminder to postpone right now."),
    SnoozeRefusal.LAST_REMINDER: N_(
        "This was the last reminder before the deadline, so it can't be postponed."
    ),
    SnoozeRefusal.LIMIT_REACHED: N_(
        "You have already postponed this reminder as often as allowed."
    ),
    SnoozeRefusal.TOO_CLOSE_TO_ESCALATION: N_(
        "The deadline is too close to postpone the reminder any further."
    ),
}


def format_day(day: date, language: str) -> str:
    return format_date(day, "d MMMM yyyy", locale=_locale(language))


def format_moment(moment: datetime, language: str) -> str:
    """Weekday, date and time in the moment's own (local) timezone: "maandag 2 november, 09:00"."""
    locale = _locale(language)
    day = format_date(moment, "EEEE d MMMM", locale=locale)
    return f"{day}, {format_time(moment, 'HH:mm', locale=locale)}"


def days_text(language: str, days: int) -> str:
    return ngettext(language, "{n} day", "{n} days", days).format(n=days)


def topic_label(topic: Topic, language: str) -> str:
    return t(language, TOPIC_LABELS[topic])


def college_state_label(state: CollegeState, language: str) -> str:
    return t(language, COLLEGE_STATE_LABELS[state])


def nudge_message(
    nudge: Nudge,
    language: str,
    *,
    name: str,
    max_nudges: int,
    today: date,
    pass_mark: int = PASS_MARK_PERCENT,
) -> str:
    """The reminder to the person themself (neutral markup).

    The days left are counted from ``today``, the local day the message is sent, not from the
    slot's planned day: a slot sent late (the bot was down, the person enrolled after it) on the
    due day says "today", never "7 days left".
    """
    days_left = (nudge.due - today).days
    return render(
        language,
        "training/nudge.j2",
        name=name,
        due=format_day(nudge.due, language),
        days_left=days_text(language, max(days_left, 0)),
        due_today=days_left == 0,
        overdue=days_left < 0,
        is_last=nudge.step == max_nudges - 1,
        pass_mark=pass_mark,
    )


def escalation_message(nudge: Nudge, language: str, *, name: str, department: str | None) -> str:
    """To the coordinator: this person did not train despite the reminders."""
    return render(
        language,
        "training/escalation.j2",
        name=name,
        department=department or "",
        due=format_day(nudge.due, language),
    )


def snooze_reply(outcome: SnoozeOutcome, language: str) -> str:
    if outcome.state is None:
        assert outcome.refusal is not None
        return plain(t(language, SNOOZE_REFUSALS[outcome.refusal]))
    return plain(
        t(
            language,
            "Fine. I'll remind you again on {moment}.",
            moment=format_moment(outcome.state.until, language),
        )
    )


def quiz_result_message(result: QuizResult, language: str, *, pass_mark: int) -> str:
    params = {"correct": result.correct, "total": result.total, "percent": result.percent}
    if result.passed:
        text = t(
            language,
            "You passed: {correct} of {total} correct ({percent} %). Your certificate follows.",
            **params,
        )
    else:
        text = t(
            language,
            "Not passed this time: {correct} of {total} correct ({percent} %); you need {mark} %. "
            "You can try again whenever you like.",
            mark=pass_mark,
            **params,
        )
    return plain(text)


def college_reminder_message(
    reminder: CollegeReminder, duty: CollegeDuty, language: str, *, member_name: str
) -> str:
    """The Cbw art. 24 reminder, to the member or (about the member) to the secretary."""
    return render(
        language,
        "training/college_reminder.j2",
        to_member=reminder.audience is Audience.MEMBER,
        member_name=member_name,
        deadline=format_day(duty.deadline, language),
        months=reminder.months_before,
        overdue=reminder.months_before == 0,
    )


def _locale(language: str) -> str:
    return _BABEL_LOCALES[normalise_language(language)]
