"""One summary (council or ISMT) as neutral markup plus its charts, in Dutch or English.

``view()`` turns the figures into what the templates print (dates, percentages and labels already
formatted for the language), so the templates stay plain text with a few loops and the same view
feeds the chat message, the Markdown/HTML/PDF report and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from handlers.coordination import charts
from handlers.coordination.figures import Figures
from handlers.coordination.questions import council_questions
from handlers.i18n import N_, normalise_language, t
from handlers.incidents.model import ReportKind, Status
from handlers.render import render
from handlers.reply import Attachment, Reply

#: A chat message holds one screen of incidents; the report (CLI) lists them all.
CHAT_INCIDENT_LIMIT = 25


class Audience(StrEnum):
    COUNCIL = "council"
    ISMT = "ismt"


AUDIENCE_WORDS = {
    "raad": Audience.COUNCIL,
    "council": Audience.COUNCIL,
    "gemeenteraad": Audience.COUNCIL,
    "ismt": Audience.ISMT,
}

AUDIT_KINDS = {
    "audit": N_("audit"),
    "pentest": N_("penetration test"),
    "review": N_("security review"),
}


@dataclass(frozen=True)
class Rendered:
    text: str  # neutral markup
    charts: list[tuple[str, bytes]]

    def reply(self) -> Reply:
        return Reply(
            self.text,
            attachments=tuple(
                Attachment("image", name, "image/png", data) for name, data in self.charts
            ),
        )


def fmt_date(day: date | None, language: str) -> str:
    if day is None:
        return "—"
    return format_date(day, "d MMM yyyy", locale=language)


def fmt_moment(moment: datetime | None, timezone: str, language: str) -> str:
    if moment is None:
        return "—"
    return format_datetime(
        moment.astimezone(ZoneInfo(timezone)), "d MMM yyyy HH:mm", locale=language
    )


def fmt_percent(value: float | None, language: str) -> str:
    if value is None:
        return t(language, N_("n/a"))
    return format_decimal(value, format="0.#", locale=language) + "%"


def _number(value: object, language: str) -> object:
    return (
        format_decimal(value, format="0.#", locale=language) if isinstance(value, float) else value
    )


def enum_label(enum_type: Any, value: str, language: str) -> str:
    try:
        return enum_type(value).label(language)
    except ValueError:
        return value


def period_label(figures: Figures, language: str) -> str:
    return charts.quarter_label(figures.period, language)


def view(
    figures: Figures, language: str, *, limit: int | None = CHAT_INCIDENT_LIMIT
) -> dict[str, Any]:
    lang = normalise_language(language)
    tz = figures.timezone
    incidents = figures.incidents
    categories = (
        [(charts.category_label(c, lang), n) for c, n in incidents.by_category.items()]
        if incidents is not None
        else []
    )
    lines = []
    for line in figures.incident_lines[: limit if limit is not None else None]:
        incident = line.incident
        lines.append(
            {
                "reference": incident.reference,
                "title": incident.title,
                "category": charts.category_label(incident.category, lang),
                "status": enum_label(Status, incident.status, lang),
                "significant": incident.significant,
                "aware": fmt_moment(incident.created_at, tz, lang),
                "decisions": list(incident.decisions),
                "deadlines": [
                    {
                        "kind": enum_label(ReportKind, d.kind, lang),
                        "due": fmt_moment(d.due_at, tz, lang),
                        "sent": fmt_moment(d.sent_at, tz, lang) if d.sent_at else None,
                        "state": d.state,
                    }
                    for d in line.deadlines
                ],
            }
        )
    training = figures.training
    college = figures.college
    audits = figures.audits
    questions = [
        t(lang, q.msgid, **{k: _number(v, lang) for k, v in q.params.items()})
        for q in council_questions(figures)
    ]
    return {
        "org": figures.organisation,
        "period": period_label(figures, lang),
        "is_year": figures.period.is_year,
        "as_of": fmt_moment(figures.as_of, tz, lang),
        # Training, college, audits and findings are judged on the period's last day; say so
        # when that is not today (a report on a past quarter), so "as of" is never wrong.
        "cutoff": fmt_date(figures.cutoff_day, lang),
        "period_ended": figures.period.end_utc(tz) <= figures.as_of,
        "country": figures.country,
        "gdpr_authority": "GBA" if figures.country == "be" else "AP",
        "incidents": incidents,
        "previous": figures.previous_incidents,
        "categories": categories,
        "top_categories": categories[:3],
        "lines": lines,
        "more_lines": max(len(figures.incident_lines) - len(lines), 0),
        "deadlines": figures.deadlines,
        "met_percent": fmt_percent(figures.deadlines.met_percent, lang)
        if figures.deadlines
        else "",
        "gdpr_reports": figures.gdpr_reports,
        "training": training,
        "training_percent": fmt_percent(training.percent, lang) if training else "",
        "departments": [
            {
                "name": d.department or t(lang, N_("(no department)")),
                "total": d.total,
                "overdue": d.overdue,
                "percent": fmt_percent(d.percent, lang),
            }
            for d in (training.departments if training else ())
            if d.overdue
        ],
        "college": college,
        "college_next": fmt_date(college.next_deadline, lang) if college else "",
        "audits_done": [_audit(a, lang) for a in audits.done],
        "audits_planned": [_audit(a, lang) for a in audits.planned],
        "audits_late": [_audit(a, lang) for a in audits.late],
        "open_findings": [
            _finding(a, f, figures.cutoff_day, lang) for a, f in audits.open_findings
        ],
        "overdue_findings": len(audits.overdue_findings),
        "actions": [
            {
                "kind": a.kind,
                "subject": a.subject
                or (t(lang, N_("(no department)")) if a.kind == "department" else ""),
                "due": fmt_date(a.due, lang),
                "overdue_days": a.overdue_days,
                "owner": a.owner,
            }
            for a in figures.actions
        ],
        "next_items": [
            {"kind": i.kind, "subject": i.subject, "due": fmt_date(i.due, lang), "count": i.count}
            for i in figures.next_period
        ],
        "next_period": charts.quarter_label(figures.period.next(), lang),
        "unanswered": list(figures.unanswered[:10]) if figures.unanswered is not None else None,
        "questions": questions,
    }


def _audit(audit: Any, language: str) -> dict[str, Any]:
    return {
        "kind": t(language, AUDIT_KINDS.get(audit.kind, audit.kind)),
        "planned": fmt_date(audit.planned_on, language),
        "done": fmt_date(audit.done_on, language) if audit.done_on else None,
        "auditor": audit.auditor,
        "scope": audit.scope,
    }


def _finding(audit: Any, finding: Any, day: date, language: str) -> dict[str, Any]:
    return {
        "title": finding.title,
        "owner": finding.owner,
        "due": fmt_date(finding.due_on, language),
        "overdue": finding.due_on is not None and finding.due_on < day,
        "severity": finding.severity,
        "audit": t(language, AUDIT_KINDS.get(audit.kind, audit.kind)),
    }


def render_text(
    figures: Figures,
    audience: Audience,
    language: str,
    *,
    limit: int | None = CHAT_INCIDENT_LIMIT,
    with_questions: bool = True,
) -> str:
    """``with_questions=False`` where the council's first page (which opens with the three
    questions for the College) precedes the summary: the questions are not printed twice."""
    lang = normalise_language(language)
    return render(
        lang,
        f"coordination/summary_{audience.value}.j2",
        with_questions=with_questions,
        **view(figures, lang, limit=limit),
    )


def render_summary(
    figures: Figures,
    audience: Audience,
    language: str,
    *,
    limit: int | None = CHAT_INCIDENT_LIMIT,
    with_charts: bool = True,
    with_questions: bool = True,
) -> Rendered:
    lang = normalise_language(language)
    text = render_text(figures, audience, lang, limit=limit, with_questions=with_questions)
    return Rendered(text, charts.all_charts(figures, lang) if with_charts else [])
