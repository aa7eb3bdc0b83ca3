"""SQLModel tables of training (#6): completions, quiz attempts, nudges sent, snoozes, college reminders.

The organisation's training *policy* is not a table: it lives in ``organisation.settings["training"]``
(``handlers.training.policy.policy_from_settings``), defaults when absent.

- ``training_record``: one completion or self-declaration. ``method`` says how it came about
  (``TrainingMethod``); a self-declaration counts only once a coordinator confirmed it (method
  ``confirmed``). ``covers_art24`` marks a certificate of the college's legal training (Cbw art. 24);
  the staff quiz never does. Certificate numbers are unique per organisation and year by
  (organisation_id, certificate_year, certificate_sequence) and globally by the number itself.
- ``quiz_attempt``: the drawn questions (id and option order) and the answers so far, so an attempt
  resumed after a crash shows the same questions.
- ``training_nudge``: one row per (person, slot key): the claim that makes a nudge go out once.
- ``training_snooze``: the snooze state of a person's current cycle (one row per person).
- ``college_reminder_sent``: one row per Cbw art. 24 reminder key, claimed before it is queued.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class TrainingMethod(StrEnum):
    QUIZ = "quiz"  # passed the in-chat quiz
    SELF_DECLARED = "self_declared"  # "I followed the training": waits for the coordinator
    CONFIRMED = "confirmed"  # a self-declaration the coordinator confirmed
    REJECTED = "rejected"  # a self-declaration the coordinator did not confirm
    IMPORT = "import"  # from an attendance list (CSV of an e-learning platform)
    MANUAL = "manual"  # registered by the coordinator with /getraind


#: The methods that make a record count as a completed training.
COUNTING_METHODS = frozenset(
    {TrainingMethod.QUIZ, TrainingMethod.CONFIRMED, TrainingMethod.IMPORT, TrainingMethod.MANUAL}
)


class TrainingRecord(SQLModel, table=True):
    __tablename__ = "training_record"
    __table_args__ = (
        UniqueConstraint("organisation_id", "certificate_year", "certificate_sequence"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    completed_at: datetime
    method: str = Field(max_length=16)  # TrainingMethod
    covers_art24: bool = False
    certificate_number: str | None = Field(default=None, unique=True, max_length=40)
    certificate_year: int | None = None
    certificate_sequence: int | None = None
    valid_until: date | None = None
    recorded_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    confirmed_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    confirmed_at: datetime | None = None
    #: A self-declaration's proof (course, provider), or the coordinator's note.
    note: str | None = Field(default=None, max_length=200)
    #: The learning module (handlers/training/modules) a passed quiz followed.
    module: str | None = Field(default=None, max_length=40)
    created_at: datetime


class QuizAttempt(SQLModel, table=True):
    __tablename__ = "quiz_attempt"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    bank_fingerprint: str = Field(max_length=32)
    #: [[question_id, [option order]], ...] as drawn (handlers.training.quiz.DrawnQuestion).
    drawn: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: The shown position chosen per question, in order.
    answers: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    total: int
    correct: int | None = None
    passed: bool | None = None
    record_id: int | None = Field(default=None, foreign_key="training_record.id")
    started_at: datetime
    finished_at: datetime | None = None


class TrainingNudge(SQLModel, table=True):
    __tablename__ = "training_nudge"
    __table_args__ = (UniqueConstraint("person_id", "slot_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    slot_key: str = Field(max_length=40)  # handlers.training.schedule.slot_key
    kind: str = Field(max_length=16)  # reminder | escalation
    sent_at: datetime
    outbox_id: int | None = None


class TrainingSnooze(SQLModel, table=True):
    __tablename__ = "training_snooze"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    cycle_due: date
    step: int
    count: int
    until: datetime
    updated_at: datetime


class CollegeReminderSent(SQLModel, table=True):
    __tablename__ = "college_reminder_sent"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id")  # the college member it is about
    reminder_key: str = Field(unique=True, max_length=200)
    deadline: date
    months_before: int
    audience: str = Field(max_length=16)  # member | secretary
    sent_at: datetime
