"""How an incident reads in the chat: facts, deadlines, timeline. Neutral markup, nl or en.

Every typed value goes through ``markup`` (escaped); times are the organisation's wall clock with
the date and the UTC offset (``timeutil.format_local``).
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.i18n import N_, t
from handlers.incidents.model import Category, Impact, ReportKind, Status, TriState
from handlers.incidents.service import when_local
from handlers.reply import markup
from handlers.text import one_line
from storage.incident_models import Incident, IncidentDeadline, IncidentEvent
from storage.models import Organisation

SHORT_TEXT = 300  # a description in a listing or an alert; the full text is in /incident

EVENT_LABELS: dict[str, str] = {
    "created": N_("report started"),
    "reported": N_("report completed by the reporter"),
    "abandoned": N_("intake not finished: passed on as an incomplete report"),
    "alerted": N_("ISMT alerted"),
    "alert_pending": N_("nobody could be alerted: the alert waits until someone is reachable"),
    "significant": N_("decided: significant"),
    "not_significant": N_("decided: not significant"),
    "status": N_("status changed"),
    "handler": N_("handler assigned"),
    "note": N_("note"),
    "aware": N_("awareness time adjusted"),
    "sent": N_("report sent"),
    "gdpr_no_risk": N_("GDPR: no risk recorded"),
}


def _line(label: str, value: str) -> str:
    return markup("<b>{label}:</b> {value}", label=label, value=value)


def _enum_label(enum: type, value: str | None, language: str) -> str:
    if value is None:
        return t(language, "(not answered)")
    return enum(value).label(language)  # type: ignore[no-any-return]


def category_label(value: str | None, language: str) -> str:
    return _enum_label(Category, value, language)


def fact_lines(
    language: str,
    org: Organisation,
    incident: Incident,
    *,
    reporter: str | None,
    short: bool = False,
) -> list[str]:
    """The reporter's answers. ``reporter`` None: the name is not shown (anonymous here)."""
    description = incident.description
    if short and len(description) > SHORT_TEXT:
        description = description[:SHORT_TEXT] + "…"
    lines = [
        _line(t(language, "Category"), category_label(incident.category, language)),
        _line(t(language, "What happened"), description),
        _line(t(language, "Noticed"), when_local(org, incident.noticed_at)),
        _line(t(language, "Service or system"), incident.service or t(language, "(not answered)")),
        _line(t(language, "Impact on services"), _enum_label(Impact, incident.impact, language)),
        _line(
            t(language, "Personal data involved"),
            _enum_label(TriState, incident.personal_data, language),
        ),
        _line(t(language, "Still going on"), _enum_label(TriState, incident.ongoing, language)),
        _line(
            t(language, "Already done"),
            incident.actions_taken or t(language, "(not answered)"),
        ),
    ]
    if reporter is not None:
        suffix = t(language, " (anonymous towards the ISMT room)") if incident.anonymous else ""
        lines.append(_line(t(language, "Reported by"), one_line(reporter, 100) + suffix))
    else:
        lines.append(_line(t(language, "Reported by"), t(language, "anonymous")))
    return lines


def status_lines(
    language: str, org: Organisation, incident: Incident, *, handler: str | None
) -> list[str]:
    if incident.significant is None:
        decided = t(language, "not decided yet")
    else:
        word = t(language, "yes") if incident.significant else t(language, "no")
        decided = t(
            language, "{answer} ({when})", answer=word, when=when_local(org, incident.decided_at)
        )
    lines = [
        _line(t(language, "Status"), Status(incident.status).label(language)),
        _line(t(language, "Significant"), decided),
        _line(t(language, "Aware since"), when_local(org, incident.aware_at)),
    ]
    if handler:
        lines.append(_line(t(language, "Handler"), one_line(handler, 100)))
    return lines


def deadline_lines(
    language: str, org: Organisation, deadlines: Sequence[IncidentDeadline]
) -> list[str]:
    if not deadlines:
        return [markup("{text}", text=t(language, "No reporting deadlines."))]
    lines = []
    for row in deadlines:
        label = ReportKind(row.kind).label(language)
        if row.sent_at is not None:
            state = t(language, "sent {when}", when=when_local(org, row.sent_at))
        else:
            state = t(language, "due {when}", when=when_local(org, row.due_at))
        extra = t(language, " (provisional)") if row.provisional else ""
        lines.append(markup("• {label}: {state}{extra}", label=label, state=state, extra=extra))
    return lines


def timeline_lines(
    language: str,
    org: Organisation,
    events: Sequence[IncidentEvent],
    names: dict[int, str],
    *,
    hide_person_ids: frozenset[int] = frozenset(),
) -> list[str]:
    lines = []
    for event in events:
        label = t(language, EVENT_LABELS.get(event.kind, event.kind))
        who = ""
        if event.actor_person_id is not None and event.actor_person_id not in hide_person_ids:
            who = names.get(event.actor_person_id, "")
        text = f": {one_line(event.text, 200)}" if event.text else ""
        by = f" — {who}" if who else ""
        lines.append(
            markup(
                "• {when} {label}{text}{by}",
                when=when_local(org, event.at),
                label=label,
                text=text,
                by=by,
            )
        )
    return lines
