"""The part of "in control" that the quarterly and annual council reports carry: the period's
exercises with their lessons learned, and the action points (open, overdue, done).

``council_section`` returns neutral markup for one organisation and period; the summaries append it
(``handlers.coordination`` calls it, so this feature never edits theirs). Nothing here reads the
incident tables: an exercise is never an incident figure.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.control.figures import control_figures
from handlers.control.scenarios import find_scenario
from handlers.coordination.periods import Period, local_date
from handlers.coordination.summary import fmt_date
from handlers.i18n import normalise_language
from handlers.render import render
from storage import control, people
from storage.models import Organisation


def council_section(
    *,
    session: Session,
    organisation: Organisation,
    period: Period,
    as_of: datetime,
    language: str,
) -> str:
    lang = normalise_language(language)
    org_id: int = organisation.id  # type: ignore[assignment]
    tz = organisation.timezone
    figures = control_figures(
        session=session, organisation=organisation, period=period, as_of=as_of
    )
    names: dict[int, str] = {}

    def name(person_id: int | None) -> str:
        if person_id is None:
            return "—"
        if person_id not in names:
            person = people.person_by_id(
                session=session, organisation_id=org_id, person_id=person_id
            )
            names[person_id] = person.name if person else "—"
        return names[person_id]

    exercises = []
    for line in figures.exercises:
        scenario = find_scenario(line.scenario)
        lessons = []
        for action in control.list_actions(
            session=session, organisation_id=org_id, source="exercise", source_id=line.id
        ):
            lessons.append(
                {
                    "label": f"A{action.id}",
                    "title": action.title,
                    "owner": name(action.owner_person_id),
                    "due": fmt_date(local_date(action.due_at, tz), lang),
                    "done": action.status == "done",
                }
            )
        exercises.append(
            {
                "title": scenario.title(lang) if scenario else line.scenario,
                "day": fmt_date(local_date(line.started_at, tz), lang),
                "lessons": lessons,
            }
        )
    return render(
        lang,
        "control/report_section.j2",
        exercises=exercises,
        actions=figures.actions,
        is_year=period.is_year,
    )
