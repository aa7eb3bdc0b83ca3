"""The figures of "in control" for reports: action points and exercises of a period.

Computed from the control tables only. An exercise's simulated incident is no incident: nothing
here reads or writes the incident tables, and the incident figures never read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.coordination.periods import Period
from storage import control
from storage.models import Organisation


@dataclass(frozen=True)
class ActionFigures:
    open: int
    overdue: int
    done_in_period: int
    created_in_period: int
    by_source: dict[str, int]  # open ones per source


@dataclass(frozen=True)
class ExerciseLine:
    id: int
    scenario: str
    started_at: datetime
    status: str
    lessons: int
    actions: int


@dataclass(frozen=True)
class ControlFigures:
    actions: ActionFigures
    exercises: tuple[ExerciseLine, ...]  # started within the period


def control_figures(
    *, session: Session, organisation: Organisation, period: Period, as_of: datetime
) -> ControlFigures:
    org_id: int = organisation.id  # type: ignore[assignment]
    tz = organisation.timezone
    every = control.list_actions(session=session, organisation_id=org_id)
    still_open = [a for a in every if a.status == "open" and a.created_at <= as_of]
    by_source: dict[str, int] = {}
    for action in still_open:
        by_source[action.source] = by_source.get(action.source, 0) + 1
    actions = ActionFigures(
        open=len(still_open),
        overdue=sum(1 for a in still_open if a.due_at < as_of),
        done_in_period=sum(
            1 for a in every if a.closed_at is not None and period.contains(a.closed_at, tz)
        ),
        created_in_period=sum(1 for a in every if period.contains(a.created_at, tz)),
        by_source=by_source,
    )
    lines = []
    for exercise in control.list_exercises(session=session, organisation_id=org_id):
        if not period.contains(exercise.started_at, tz):
            continue
        events = control.exercise_events(
            session=session,
            organisation_id=org_id,
            exercise_id=exercise.id,  # type: ignore[arg-type]
        )
        lines.append(
            ExerciseLine(
                id=exercise.id,  # type: ignore[arg-type]
                scenario=exercise.scenario,
                started_at=exercise.started_at,
                status=exercise.status,
                lessons=sum(1 for e in events if e.kind == "lesson"),
                actions=sum(
                    1 for a in every if a.source == "exercise" and a.source_id == exercise.id
                ),
            )
        )
    return ControlFigures(actions, tuple(lines))
