"""Jobs of "in control" (#16): action points followed up until done, exercises played at their pace.

Each item gets its own unit of work, so one bad row never blocks the rest; every message is claimed
once (``scheduled_run``) in the same transaction as its outbox row.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine

from handlers.context import Context
from handlers.control import exercises, followup
from handlers.settings import FeatureSettings
from schedules.jobs import JobOptions, job
from storage import control, organisations
from storage.control_models import ControlAction, ControlExercise
from storage.db import unit_of_work
from storage.models import Organisation

log = logging.getLogger(__name__)


def _organisations(engine: Engine, options: JobOptions) -> dict[int, Organisation]:
    with unit_of_work(engine) as session:
        found = organisations.list_organisations(session=session)
    return {
        o.id: o  # type: ignore[misc]
        for o in found
        if not o.suspended and options.organisation_slug in (None, o.slug)
    }


@job(
    "action-follow-up",
    description="action points: a reminder before the due date, weekly when overdue",
)
def follow_up_actions(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    orgs = _organisations(engine, options)
    with unit_of_work(engine) as session:
        ids = [a.id for a in control.open_actions_all(session=session) if a.organisation_id in orgs]
    done = 0
    for action_id in ids:
        try:
            with unit_of_work(engine) as session:
                action = session.get(ControlAction, action_id)
                if action is None or action.status != "open":
                    continue
                ctx = Context(session, now, settings, organisation=orgs[action.organisation_id])
                done += followup.follow_up(ctx, action)
        except Exception:
            log.exception(
                "follow-up of action point %s failed; retried at the next tick", action_id
            )
    return done


@job(
    "exercise-pacing",
    description="exercises: injects, questions and simulated clocks at their pace; a reminder when one is left open",
)
def pace_exercises(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    orgs = _organisations(engine, options)
    with unit_of_work(engine) as session:
        ids = [
            e.id for e in control.open_exercises_all(session=session) if e.organisation_id in orgs
        ]
    done = 0
    for exercise_id in ids:
        try:
            with unit_of_work(engine) as session:
                exercise = session.get(ControlExercise, exercise_id)
                if exercise is None or exercise.status not in ("running", "lessons"):
                    continue
                ctx = Context(session, now, settings, organisation=orgs[exercise.organisation_id])
                done += exercises.play_due(ctx, exercise)
                done += exercises.remind_if_left_open(ctx, exercise)
        except Exception:
            log.exception("exercise %s failed to advance; retried at the next tick", exercise_id)
    return done
