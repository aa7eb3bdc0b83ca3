"""Three questions the council could put to the College van B&W, chosen from the figures.

The handbook's BOB session ends with questions to the college (strategic, tactical, operational).
Here the figures pick the most pointed ones: a missed legal deadline beats a training percentage,
which beats the generic questions of the session, which fill up to three. Each question is an
English msgid with named parameters, translated where it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.coordination.figures import Figures
from handlers.i18n import N_

#: Below this share of staff trained (own policy) the council is prompted to ask about it.
TRAINING_CONCERN_PERCENT = 80.0


@dataclass(frozen=True, slots=True)
class Question:
    msgid: str
    params: dict[str, object]


GENERIC = (
    Question(
        N_(
            "Which steps has the college taken this quarter to reduce the strategic risk of a cyber attack, and which are still planned?"
        ),
        {},
    ),
    Question(
        N_(
            "How often are risk assessments and compliance audits carried out, and who follows up on their results?"
        ),
        {},
    ),
    Question(
        N_(
            "How is NIS2 compliance built into the municipality's wider digital strategy and budget?"
        ),
        {},
    ),
)


def _counted(number: int, one: str, many: str, **params: object) -> Question:
    return Question(one if number == 1 else many, params)


def council_questions(figures: Figures, count: int = 3) -> list[Question]:
    chosen: list[Question] = []
    deadlines, training, college = figures.deadlines, figures.training, figures.college
    if deadlines is not None and deadlines.missed:
        chosen.append(
            _counted(
                deadlines.missed,
                N_(
                    "A legal reporting deadline was missed. What caused this, and what has changed so that the next report is on time?"
                ),
                N_(
                    "{missed} legal reporting deadlines were missed. What caused this, and what has changed so that the next report is on time?"
                ),
                missed=deadlines.missed,
            )
        )
    if college is not None and (college.overdue or college.due_soon) and figures.country == "be":
        # Belgium has no Cbw certificate (the Dutch law's art. 24): the college's training
        # deadline there is the municipality's own, so the question names no law.
        chosen.append(
            _counted(
                college.overdue + college.due_soon,
                N_(
                    "A college member has not yet completed the security training set for the college, and the deadline is near or past. When will they have done it?"
                ),
                N_(
                    "{open} college members have not yet completed the security training set for the college, and their deadline is near or past. When will they have done it?"
                ),
                open=college.overdue + college.due_soon,
            )
        )
    elif college is not None and (college.overdue or college.due_soon):
        chosen.append(
            _counted(
                college.overdue + college.due_soon,
                N_(
                    "A college member does not yet hold the certificate the Cyberbeveiligingswet requires, and the deadline is near or past. When will they have it?"
                ),
                N_(
                    "{open} college members do not yet hold the certificate the Cyberbeveiligingswet requires, and their deadline is near or past. When will they have it?"
                ),
                open=college.overdue + college.due_soon,
            )
        )
    if figures.audits.overdue_findings:
        chosen.append(
            _counted(
                len(figures.audits.overdue_findings),
                N_(
                    "An audit finding is past its due date. Who is responsible, and when will it be resolved?"
                ),
                N_(
                    "{count} audit findings are past their due date. Who is responsible, and when will they be resolved?"
                ),
                count=len(figures.audits.overdue_findings),
            )
        )
    now, before = figures.incidents, figures.previous_incidents
    if now is not None and before is not None and now.significant > before.significant:
        chosen.append(
            Question(
                N_(
                    "Significant incidents rose from {before} to {now}. What does the college see as the cause, and are extra measures or budget needed?"
                ),
                {"before": before.significant, "now": now.significant},
            )
        )
    if (
        training is not None
        and training.percent is not None
        and training.percent < TRAINING_CONCERN_PERCENT
    ):
        chosen.append(
            Question(
                N_(
                    "Only {percent}% of staff are up to date with their security training. What will the college do about the departments that lag behind?"
                ),
                {"percent": training.percent},
            )
        )
    if not figures.audits.done and not figures.audits.planned:
        chosen.append(
            Question(
                N_(
                    "No audit or penetration test was done or is planned. When will the annual audit programme be carried out?"
                ),
                {},
            )
        )
    if figures.gdpr_reports:
        chosen.append(
            _counted(
                figures.gdpr_reports,
                N_(
                    "A personal data breach was reported to the data protection authority. Were the people affected informed, and what was learned?"
                ),
                N_(
                    "{count} personal data breaches were reported to the data protection authority. Were the people affected informed, and what was learned?"
                ),
                count=figures.gdpr_reports,
            )
        )
    for question in GENERIC:
        if len(chosen) >= count:
            break
        chosen.append(question)
    return chosen[:count]
