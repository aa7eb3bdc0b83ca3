"""The council report's first page (#16 item 3): one screen a non-technical reader understands.

A status per area (incidents, legal deadlines, training, audits, exercises, action points), each
with a plain-words verdict and the trend against the previous period, then the three questions for
the College. The verdicts are the bot's own rule of thumb, stated as such, never a legal judgement.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from handlers.coordination import charts
from handlers.coordination.figures import Figures
from handlers.coordination.questions import TRAINING_CONCERN_PERCENT, council_questions
from handlers.coordination.summary import _number, fmt_percent
from handlers.i18n import N_, normalise_language, t
from handlers.render import render

if TYPE_CHECKING:  # control builds on coordination; only its figures' shape is read here
    from handlers.control.figures import ControlFigures

#: Below this share of staff trained the verdict is "action needed" (above it, up to the
#: concern level of the questions, "needs attention").
TRAINING_ACTION_PERCENT = 50.0


class Verdict(StrEnum):
    OK = "ok"
    ATTENTION = "attention"
    ACTION = "action"
    UNKNOWN = "unknown"


class Trend(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    UNKNOWN = "unknown"


VERDICT_WORDS = {
    Verdict.OK: N_("in order"),
    Verdict.ATTENTION: N_("needs attention"),
    Verdict.ACTION: N_("action needed"),
    Verdict.UNKNOWN: N_("not tracked yet"),
}
#: Marks the PDF's font (DejaVu Sans) has; the verdict's words carry the meaning, not a colour.
VERDICT_MARKS = {Verdict.OK: "✓", Verdict.ATTENTION: "!", Verdict.ACTION: "✗", Verdict.UNKNOWN: "?"}
TREND_WORDS = {
    Trend.BETTER: N_("better than last period"),
    Trend.SAME: N_("same as last period"),
    Trend.WORSE: N_("worse than last period"),
    Trend.UNKNOWN: N_("no comparison"),
}
AREA_WORDS = {
    "incidents": N_("Incidents"),
    "deadlines": N_("Legal reporting deadlines"),
    "training": N_("Training"),
    "audits": N_("Audits"),
    "exercises": N_("Incident response exercises"),
    "actions": N_("Action points"),
}


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    verdict: Verdict
    trend: Trend
    detail: str  # English msgid with named parameters
    params: dict[str, object]


def _trend(now: float | int | None, before: float | int | None, *, lower_is_better: bool) -> Trend:
    if now is None or before is None:
        return Trend.UNKNOWN
    if now == before:
        return Trend.SAME
    better = now < before if lower_is_better else now > before
    return Trend.BETTER if better else Trend.WORSE


def areas(
    figures: Figures, control: ControlFigures | None, previous: ControlFigures | None
) -> list[Area]:
    out: list[Area] = []
    incidents, before = figures.incidents, figures.previous_incidents
    if incidents is None:
        out.append(Area("incidents", Verdict.UNKNOWN, Trend.UNKNOWN, N_("Not tracked yet."), {}))
    else:
        out.append(
            Area(
                "incidents",
                Verdict.ATTENTION if incidents.significant else Verdict.OK,
                _trend(
                    incidents.significant,
                    before.significant if before else None,
                    lower_is_better=True,
                ),
                N_("{total} reported, {significant} significant."),
                {"total": incidents.total, "significant": incidents.significant},
            )
        )
    deadlines = figures.deadlines
    if deadlines is None:
        out.append(Area("deadlines", Verdict.UNKNOWN, Trend.UNKNOWN, N_("Not tracked yet."), {}))
    else:
        series = figures.deadline_series
        out.append(
            Area(
                "deadlines",
                Verdict.ACTION
                if deadlines.missed
                else Verdict.ATTENTION
                if deadlines.open
                else Verdict.OK,
                _trend(
                    series[-1][2] if len(series) >= 2 else None,
                    series[-2][2] if len(series) >= 2 else None,
                    lower_is_better=True,
                ),
                N_("{met} on time, {missed} late or missed, {open} still running."),
                {"met": deadlines.met, "missed": deadlines.missed, "open": deadlines.open},
            )
        )
    training, college = figures.training, figures.college
    if training is None or not training.total or training.percent is None:
        out.append(Area("training", Verdict.UNKNOWN, Trend.UNKNOWN, N_("Not tracked yet."), {}))
    else:
        share = training.percent
        college_overdue = college.overdue if college is not None else 0
        verdict = (
            Verdict.ACTION
            if share < TRAINING_ACTION_PERCENT or college_overdue
            else Verdict.ATTENTION
            if share < TRAINING_CONCERN_PERCENT
            else Verdict.OK
        )
        series = figures.compliance_series
        out.append(
            Area(
                "training",
                verdict,
                _trend(
                    series[-1][1] if len(series) >= 2 else None,
                    series[-2][1] if len(series) >= 2 else None,
                    lower_is_better=False,
                ),
                N_("{percent} of staff trained; college members past their deadline: {college}."),
                {"percent": share, "college": college_overdue},
            )
        )
    audits = figures.audits
    late = len(audits.late) + len(audits.overdue_findings)
    out.append(
        Area(
            "audits",
            Verdict.ACTION if late else Verdict.ATTENTION if audits.open_findings else Verdict.OK,
            Trend.UNKNOWN,
            N_("{done} done, {open} findings open, {late} late."),
            {"done": len(audits.done), "open": len(audits.open_findings), "late": late},
        )
    )
    if control is None:
        return out
    count = len(control.exercises)
    out.append(
        Area(
            "exercises",
            Verdict.OK if count else Verdict.ATTENTION,
            _trend(count, len(previous.exercises) if previous else None, lower_is_better=False),
            N_("{count} held this period."),
            {"count": count},
        )
    )
    actions = control.actions
    out.append(
        Area(
            "actions",
            Verdict.ACTION if actions.overdue else Verdict.OK,
            _trend(
                actions.done_in_period,
                previous.actions.done_in_period if previous else None,
                lower_is_better=False,
            ),
            N_("{open} open, {overdue} overdue, {done} done this period."),
            {"open": actions.open, "overdue": actions.overdue, "done": actions.done_in_period},
        )
    )
    return out


def _param(value: object, language: str) -> object:
    return fmt_percent(value, language) if isinstance(value, float) else value


def first_page_view(
    figures: Figures,
    control: ControlFigures | None,
    previous: ControlFigures | None,
    language: str,
) -> dict[str, Any]:
    lang = normalise_language(language)
    rows = [
        {
            "area": t(lang, AREA_WORDS[a.key]),
            "mark": VERDICT_MARKS[a.verdict],
            "verdict": t(lang, VERDICT_WORDS[a.verdict]),
            "trend": t(lang, TREND_WORDS[a.trend]),
            "detail": t(lang, a.detail, **{k: _param(v, lang) for k, v in a.params.items()}),
        }
        for a in areas(figures, control, previous)
    ]
    questions = [
        t(lang, q.msgid, **{k: _number(v, lang) for k, v in q.params.items()})
        for q in council_questions(figures)
    ]
    return {
        "org": figures.organisation,
        "period": charts.quarter_label(figures.period, lang),
        "previous": charts.quarter_label(figures.period.previous(), lang),
        "country": figures.country,
        "rows": rows,
        "questions": questions,
    }


def render_first_page(
    figures: Figures,
    control: ControlFigures | None,
    previous: ControlFigures | None,
    language: str,
) -> str:
    lang = normalise_language(language)
    return render(
        lang,
        "coordination/first_page.j2",
        **first_page_view(figures, control, previous, lang),
    )
