"""Queries of "in control" (#16): action points, exercises, BOB sessions and decisions, reviews.

Every function takes a keyword-only ``session``, is bound to one organisation, flushes and never
commits (the caller's unit of work does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.control_models import (
    ControlAction,
    ControlBobSession,
    ControlDecision,
    ControlExercise,
    ControlExerciseEvent,
    ControlReview,
)
from storage.training_models import TrainingRecord
from storage.upsert import insert_ignore

# -- action points ------------------------------------------------------------------------------


def create_action(
    *,
    session: Session,
    organisation_id: int,
    title: str,
    due_at: datetime,
    source: str,
    now: datetime,
    owner_person_id: int | None = None,
    source_id: int | None = None,
    created_by_person_id: int | None = None,
) -> ControlAction:
    action = ControlAction(
        organisation_id=organisation_id,
        title=title,
        due_at=due_at,
        source=source,
        source_id=source_id,
        owner_person_id=owner_person_id,
        created_by_person_id=created_by_person_id,
        created_at=now,
    )
    session.add(action)
    session.flush()
    return action


def action_by_id(*, session: Session, organisation_id: int, action_id: int) -> ControlAction | None:
    found = session.get(ControlAction, action_id)
    return found if found and found.organisation_id == organisation_id else None


def list_actions(
    *,
    session: Session,
    organisation_id: int,
    open_only: bool = False,
    owner_person_id: int | None = None,
    source: str | None = None,
    source_id: int | None = None,
) -> list[ControlAction]:
    statement = select(ControlAction).where(ControlAction.organisation_id == organisation_id)
    if open_only:
        statement = statement.where(ControlAction.status == "open")
    if owner_person_id is not None:
        statement = statement.where(ControlAction.owner_person_id == owner_person_id)
    if source is not None:
        statement = statement.where(ControlAction.source == source)
    if source_id is not None:
        statement = statement.where(ControlAction.source_id == source_id)
    return list(session.exec(statement.order_by(ControlAction.due_at, ControlAction.id)))


def save_action(*, session: Session, action: ControlAction) -> ControlAction:
    session.add(action)
    session.flush()
    return action


def close_action(
    *,
    session: Session,
    action: ControlAction,
    now: datetime,
    by_person_id: int | None,
    note: str | None = None,
) -> None:
    action.status, action.closed_at, action.closed_by_person_id = "done", now, by_person_id
    if note:
        action.note = note
    session.add(action)
    session.flush()


def open_actions_all(*, session: Session) -> list[ControlAction]:
    """Every open action point of every organisation (the follow-up job filters per organisation)."""
    statement = select(ControlAction).where(ControlAction.status == "open")
    return list(session.exec(statement.order_by(ControlAction.organisation_id, ControlAction.id)))


# -- exercises --------------------------------------------------------------------------------


def create_exercise(
    *,
    session: Session,
    organisation_id: int,
    scenario: str,
    speed: int,
    now: datetime,
    started_by_person_id: int | None,
) -> ControlExercise:
    exercise = ControlExercise(
        organisation_id=organisation_id,
        scenario=scenario,
        speed=speed,
        started_at=now,
        started_by_person_id=started_by_person_id,
    )
    session.add(exercise)
    session.flush()
    return exercise


def exercise_by_id(
    *, session: Session, organisation_id: int, exercise_id: int
) -> ControlExercise | None:
    found = session.get(ControlExercise, exercise_id)
    return found if found and found.organisation_id == organisation_id else None


def current_exercise(*, session: Session, organisation_id: int) -> ControlExercise | None:
    """The exercise still running or waiting for its lessons learned (at most one at a time)."""
    statement = select(ControlExercise).where(
        ControlExercise.organisation_id == organisation_id,
        col(ControlExercise.status).in_(["running", "lessons"]),
    )
    return session.exec(statement.order_by(col(ControlExercise.id).desc())).first()


def list_exercises(*, session: Session, organisation_id: int) -> list[ControlExercise]:
    statement = select(ControlExercise).where(ControlExercise.organisation_id == organisation_id)
    return list(session.exec(statement.order_by(ControlExercise.started_at, ControlExercise.id)))


def open_exercises_all(*, session: Session) -> list[ControlExercise]:
    """Every exercise not closed yet (running, or waiting for its lessons), of every organisation."""
    statement = select(ControlExercise).where(
        col(ControlExercise.status).in_(["running", "lessons"])
    )
    return list(session.exec(statement.order_by(ControlExercise.id)))


def save_exercise(*, session: Session, exercise: ControlExercise) -> ControlExercise:
    session.add(exercise)
    session.flush()
    return exercise


def add_exercise_event(
    *,
    session: Session,
    exercise: ControlExercise,
    kind: str,
    text: str,
    now: datetime,
    sim_minutes: int,
    actor_person_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> ControlExerciseEvent:
    event = ControlExerciseEvent(
        organisation_id=exercise.organisation_id,
        exercise_id=exercise.id,  # type: ignore[arg-type]
        at=now,
        sim_minutes=sim_minutes,
        kind=kind,
        actor_person_id=actor_person_id,
        text=text,
        detail=detail or {},
    )
    session.add(event)
    session.flush()
    return event


def exercise_events(
    *,
    session: Session,
    organisation_id: int,
    exercise_id: int,
    kinds: Sequence[str] | None = None,
) -> list[ControlExerciseEvent]:
    statement = select(ControlExerciseEvent).where(
        ControlExerciseEvent.organisation_id == organisation_id,
        ControlExerciseEvent.exercise_id == exercise_id,
    )
    if kinds is not None:
        statement = statement.where(col(ControlExerciseEvent.kind).in_(list(kinds)))
    return list(session.exec(statement.order_by(ControlExerciseEvent.at, ControlExerciseEvent.id)))


# -- the BOB cycle ----------------------------------------------------------------------------


def bob_session_on(
    *,
    session: Session,
    organisation_id: int,
    meeting_on: datetime,
    period: str,
    now: datetime,
    prepared_by_person_id: int | None,
) -> ControlBobSession:
    """The session of that meeting day, made once (a second /bob for the same day refreshes it)."""
    insert_ignore(
        session,
        ControlBobSession,
        {
            "organisation_id": organisation_id,
            "meeting_on": meeting_on,
            "period": period,
            "prepared_by_person_id": prepared_by_person_id,
            "prepared_at": now,
        },
    )
    statement = select(ControlBobSession).where(
        ControlBobSession.organisation_id == organisation_id,
        ControlBobSession.meeting_on == meeting_on,
    )
    found = session.exec(statement).one()
    found.period, found.prepared_at = period, now
    found.prepared_by_person_id = prepared_by_person_id
    session.add(found)
    session.flush()
    return found


def latest_bob_session(*, session: Session, organisation_id: int) -> ControlBobSession | None:
    statement = select(ControlBobSession).where(
        ControlBobSession.organisation_id == organisation_id
    )
    return session.exec(
        statement.order_by(
            col(ControlBobSession.meeting_on).desc(), col(ControlBobSession.id).desc()
        )
    ).first()


def create_decision(
    *,
    session: Session,
    organisation_id: int,
    kind: str,
    title: str,
    now: datetime,
    recorded_by_person_id: int | None,
    session_id: int | None = None,
    amends_id: int | None = None,
) -> ControlDecision:
    decision = ControlDecision(
        organisation_id=organisation_id,
        session_id=session_id,
        kind=kind,
        amends_id=amends_id,
        title=title,
        recorded_by_person_id=recorded_by_person_id,
        recorded_at=now,
    )
    session.add(decision)
    session.flush()
    return decision


def decision_by_id(
    *, session: Session, organisation_id: int, decision_id: int
) -> ControlDecision | None:
    found = session.get(ControlDecision, decision_id)
    return found if found and found.organisation_id == organisation_id else None


def list_decisions(*, session: Session, organisation_id: int) -> list[ControlDecision]:
    statement = select(ControlDecision).where(ControlDecision.organisation_id == organisation_id)
    return list(session.exec(statement.order_by(ControlDecision.id)))


def decide(*, session: Session, decision: ControlDecision, outcome: str, now: datetime) -> None:
    decision.outcome, decision.decided_at = outcome, now
    session.add(decision)
    session.flush()


# -- the yearly security review -----------------------------------------------------------------


def review_of(*, session: Session, organisation_id: int, year: int) -> ControlReview | None:
    statement = select(ControlReview).where(
        ControlReview.organisation_id == organisation_id, ControlReview.year == year
    )
    return session.exec(statement).first()


def prepare_review(
    *, session: Session, organisation_id: int, year: int, now: datetime, by_person_id: int | None
) -> ControlReview:
    insert_ignore(
        session,
        ControlReview,
        {
            "organisation_id": organisation_id,
            "year": year,
            "prepared_at": now,
            "prepared_by_person_id": by_person_id,
        },
    )
    found = review_of(session=session, organisation_id=organisation_id, year=year)
    assert found is not None  # just inserted or already there
    return found


def conclude_review(
    *, session: Session, review: ControlReview, conclusions: str, now: datetime, by_person_id: int
) -> None:
    review.conclusions = conclusions
    review.concluded_at, review.concluded_by_person_id = now, by_person_id
    session.add(review)
    session.flush()


# -- evidence (read-only views over the training feature's table) --------------------------------


def training_records(*, session: Session, organisation_id: int) -> list[TrainingRecord]:
    """Every training record of one organisation, oldest first (for the auditor's evidence)."""
    statement = select(TrainingRecord).where(TrainingRecord.organisation_id == organisation_id)
    return list(session.exec(statement.order_by(TrainingRecord.completed_at, TrainingRecord.id)))
