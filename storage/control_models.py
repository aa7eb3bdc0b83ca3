"""SQLModel tables of "in control" (#16): action points, exercises, the BOB cycle, the yearly review.

Table names carry a ``control_`` prefix. Exercise rows live only here: an exercise never writes an
incident, a deadline or a report row, so no exercise can reach a real figure, draft or authority.

- ``control_action``: an action point with an owner, a due date, a status and where it came from
  (``source``: exercise, decision, review, audit, other; ``source_id`` the row it came from).
- ``control_exercise``: one run of a scenario (a data file) at a pace (``speed``: simulated minutes
  per real minute), started by someone, with its lessons recorded as events.
- ``control_exercise_event``: what happened in an exercise, when (real and simulated), by whom:
  injects and questions the bot sent, actions people took, clocks that passed, lessons learned.
- ``control_bob_session``: a council session (BOB: beeldvorming, oordeelsvorming, besluitvorming)
  for which the pack was prepared.
- ``control_decision``: a proposal or an amendment (to a proposal) and its outcome.
- ``control_review``: the yearly security review of one year: prepared, held, its conclusions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class ControlAction(SQLModel, table=True):
    __tablename__ = "control_action"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    title: str = Field(max_length=300)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id")
    due_at: datetime
    status: str = Field(default="open", max_length=16, index=True)  # open | done
    source: str = Field(max_length=16)  # exercise | decision | review | audit | other
    source_id: int | None = None
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    closed_at: datetime | None = None
    closed_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    note: str | None = Field(default=None, sa_column=Column(Text))


class ControlExercise(SQLModel, table=True):
    __tablename__ = "control_exercise"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    scenario: str = Field(max_length=64)
    speed: int = 1  # simulated minutes per real minute (1 = real pace)
    status: str = Field(default="running", max_length=16, index=True)  # running | lessons | done
    started_at: datetime
    started_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    #: simulated minutes the coordinator skipped ahead with /oefening volgende
    skipped_minutes: int = 0
    ended_at: datetime | None = None
    closed_at: datetime | None = None


class ControlExerciseEvent(SQLModel, table=True):
    __tablename__ = "control_exercise_event"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    exercise_id: int = Field(foreign_key="control_exercise.id", index=True)
    at: datetime
    sim_minutes: int  # simulated minutes since the exercise's start
    kind: str = Field(max_length=16)  # inject|question|clock|decision|report|action|lesson
    actor_person_id: int | None = Field(default=None, foreign_key="person.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ControlBobSession(SQLModel, table=True):
    __tablename__ = "control_bob_session"
    __table_args__ = (UniqueConstraint("organisation_id", "meeting_on"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    meeting_on: datetime  # 09:00 local on the meeting's day
    period: str = Field(max_length=16)  # the figures' period label, e.g. 2026Q4
    prepared_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    prepared_at: datetime


class ControlDecision(SQLModel, table=True):
    __tablename__ = "control_decision"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="control_bob_session.id")
    kind: str = Field(max_length=16)  # proposal | amendment
    amends_id: int | None = Field(default=None, foreign_key="control_decision.id")
    title: str = Field(max_length=500)
    outcome: str = Field(default="pending", max_length=16)  # pending|adopted|rejected|withdrawn
    recorded_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime
    decided_at: datetime | None = None


class ControlReview(SQLModel, table=True):
    __tablename__ = "control_review"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    prepared_at: datetime
    prepared_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    conclusions: str | None = Field(default=None, sa_column=Column(Text))
    concluded_at: datetime | None = None
    concluded_by_person_id: int | None = Field(default=None, foreign_key="person.id")
