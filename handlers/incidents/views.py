"""How an incident reads in the chat: facts, deadlines, timeline. Neutral markup, nl or en.

Every typed value goes through ``markup`` (escaped); times are the organisation's wall clock with
the date (the UTC offset only where the wall time is ambiguous, ``timeutil.format_local``).
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.i18n import N_, t
from handlers.incidents.clocks import Deadline
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
    "crisis": N_("crisis organisation activated"),
    "recorded": N_("recorded for the reports"),
    "college_notified": N_("mayor and secretary informed"),
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


def report_label(language: str, kind: str, incident: Incident | None = None) -> str:
    """The report's name; the final report of an incident that may still be going on when it falls
    due names both options (Art. 23(4)(e): then a progress report is due instead)."""
    if kind == ReportKind.FINAL and final_may_be_progress(incident):
        return t(language, "Final report (or progress report, if it is still going on then)")
    return ReportKind(kind).label(language)


#: The report with its article, for inside a sentence ("het eindverslag", "de incidentmelding").
_WITH_ARTICLE: dict[ReportKind, str] = {
    ReportKind.EARLY_WARNING: N_("the early warning"),
    ReportKind.NOTIFICATION: N_("the incident notification"),
    ReportKind.INTERMEDIATE: N_("the intermediate report"),
    ReportKind.PROGRESS: N_("the progress report"),
    ReportKind.FINAL: N_("the final report"),
    ReportKind.GDPR: N_("the personal data breach notification"),
}


def report_in_sentence(language: str, kind: str, incident: Incident | None = None) -> str:
    if kind == ReportKind.FINAL and final_may_be_progress(incident):
        return t(
            language, "the final report (or the progress report, if it is still going on then)"
        )
    return t(language, _WITH_ARTICLE[ReportKind(kind)])


def final_may_be_progress(incident: Incident | None) -> bool:
    return (
        incident is not None
        and incident.handled_at is None
        and incident.ongoing != TriState.NO.value
    )


def deadline_lines(
    language: str,
    org: Organisation,
    deadlines: Sequence[IncidentDeadline] | Sequence[Deadline],
    incident: Incident | None = None,
) -> list[str]:
    if not deadlines:
        return [markup("{text}", text=t(language, "No reporting deadlines."))]
    lines = []
    for row in deadlines:
        label = report_label(language, row.kind, incident)
        voluntary = getattr(row, "voluntary", False)
        if row.sent_at is not None:
            state = t(language, "sent {when}", when=when_local(org, row.sent_at))
        elif voluntary:  # guidance, not a legal deadline (out of scope of the national law)
            state = t(language, "guidance: {when}", when=when_local(org, row.due_at))
        else:
            state = t(language, "due {when}", when=when_local(org, row.due_at))
        extra = t(language, " (provisional)") if row.provisional and not voluntary else ""
        lines.append(markup("• {label}: {state}{extra}", label=label, state=state, extra=extra))
    return lines


def deadline_sections(
    language: str,
    org: Organisation,
    rows: Sequence[IncidentDeadline],
    guidance: Sequence[Deadline],
    incident: Incident,
    *,
    in_scope: bool,
) -> list[str]:
    """NIS2 and GDPR apart: the GDPR clock does not depend on significance, and outside the
    national NIS2 law the NIS2 clocks are voluntary guidance, never a legal deadline."""
    nis2 = [r for r in rows if r.kind != ReportKind.GDPR.value]
    gdpr = [r for r in rows if r.kind == ReportKind.GDPR.value]
    lines: list[str] = []
    if in_scope:
        lines.append(markup("<b>{text}</b>", text=t(language, "NIS2 deadlines (if significant)")))
        if nis2:
            lines += deadline_lines(language, org, nis2, incident)
        else:
            lines.append(markup("{text}", text=t(language, "None (not significant).")))
    else:
        lines.append(
            markup(
                "<b>{text}</b>",
                text=t(language, "NIS2: voluntary report (Art. 30 NIS2)"),
            )
        )
        lines.append(
            markup(
                "{text}",
                text=t(
                    language,
                    "This organisation is outside the national NIS2 law: reporting to the CSIRT "
                    "is voluntary, no legal deadline applies. Should you report, the usual "
                    "times are:",
                ),
            )
        )
        lines += deadline_lines(language, org, guidance, incident) if guidance else []
    if gdpr:
        lines.append(
            markup(
                "<b>{text}</b>",
                text=t(language, "GDPR (personal data): mandatory, whether significant or not"),
            )
        )
        lines += deadline_lines(language, org, gdpr, incident)
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
