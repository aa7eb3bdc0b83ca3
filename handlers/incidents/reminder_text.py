"""The text of a deadline reminder (ISMT room, and privately to the coordinator and secretary)."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.i18n import normalise_language, t
from handlers.incidents.model import ReportKind
from handlers.incidents.reminders import ReminderSlot
from handlers.incidents.service import when_local
from handlers.incidents.views import report_in_sentence
from handlers.reply import Reply, markup
from storage.incident_models import Incident
from storage.models import Organisation

#: The word /verzonden and /incident ... concept take for each report (Dutch command words).
COMMAND_WORD: dict[ReportKind, str] = {
    ReportKind.EARLY_WARNING: "vroegtijdige-waarschuwing",
    ReportKind.NOTIFICATION: "melding",
    ReportKind.INTERMEDIATE: "tussentijds",
    ReportKind.PROGRESS: "voortgang",
    ReportKind.FINAL: "eindverslag",
    ReportKind.GDPR: "avg",
}


#: A reminder delivered within this long after the due time still reads "due now".
DUE_NOW_GRACE = timedelta(minutes=15)


def _hours(delta_seconds: float) -> int:
    return max(0, round(delta_seconds / 3600))


def reminder_reply(
    language: str, org: Organisation, incident: Incident, slot: ReminderSlot, now: datetime
) -> Reply:
    language = normalise_language(language)
    report = report_in_sentence(language, slot.kind, incident)
    when = when_local(org, slot.due_at)
    params = {"reference": incident.reference, "report": report, "when": when}
    if now < slot.due_at:
        head = t(
            language,
            "⏰ {reference}: {report} is due {when} (in about {hours} h).",
            hours=_hours((slot.due_at - now).total_seconds()),
            **params,
        )
    elif now - slot.due_at < DUE_NOW_GRACE:
        head = t(language, "⏰ {reference}: {report} is due now ({when}).", **params)
    else:
        head = t(
            language,
            "❗ {reference}: {report} is overdue since {when} ({hours} h).",
            hours=_hours((now - slot.due_at).total_seconds()),
            **params,
        )
    word = COMMAND_WORD[slot.kind]
    lines = [markup("<b>{head}</b>", head=head)]
    if slot.provisional:
        lines.append(
            markup(
                "{text}",
                text=t(language, "This deadline is provisional: it may still move or fall away."),
            )
        )
    lines.append(
        markup(
            "{text}",
            text=t(
                language,
                "Draft: /incident {reference} concept {word}. Sent? /verzonden {reference} {word}",
                reference=incident.reference,
                word=word,
            ),
        )
    )
    return Reply("\n".join(lines))
