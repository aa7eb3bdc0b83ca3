"""Queries of training (#6). Keyword-only ``session``; flush, never commit; always one organisation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.models import Person
from storage.training_models import (
    COUNTING_METHODS,
    CollegeReminderSent,
    QuizAttempt,
    TrainingMethod,
    TrainingNudge,
    TrainingRecord,
    TrainingSnooze,
)
from storage.upsert import insert_ignore

_COUNTING = [m.value for m in COUNTING_METHODS]


# --- records -----------------------------------------------------------------------------------


def add_record(
    *,
    session: Session,
    organisation_id: int,
    person_id: int,
    completed_at: datetime,
    method: TrainingMethod,
    now: datetime,
    covers_art24: bool = False,
    certificate_number: str | None = None,
    certificate_year: int | None = None,
    certificate_sequence: int | None = None,
    valid_until: date | None = None,
    recorded_by_person_id: int | None = None,
    note: str | None = None,
    module: str | None = None,
) -> TrainingRecord:
    record = TrainingRecord(
        organisation_id=organisation_id,
        person_id=person_id,
        completed_at=completed_at,
        method=TrainingMethod(method).value,
        covers_art24=covers_art24,
        certificate_number=certificate_number,
        certificate_year=certificate_year,
        certificate_sequence=certificate_sequence,
        valid_until=valid_until,
        recorded_by_person_id=recorded_by_person_id,
        note=note,
        module=module,
        created_at=now,
    )
    session.add(record)
    session.flush()
    return record


def next_certificate_sequence(*, session: Session, organisation_id: int, year: int) -> int:
    """The next free sequence of ``year`` (the unique constraint catches a concurrent twin)."""
    highest = session.exec(
        select(func.max(TrainingRecord.certificate_sequence)).where(
            TrainingRecord.organisation_id == organisation_id,
            TrainingRecord.certificate_year == year,
        )
    ).one()
    return int(highest or 0) + 1


def record_by_id(
    *, session: Session, organisation_id: int, record_id: int
) -> TrainingRecord | None:
    record = session.get(TrainingRecord, record_id)
    return record if record is not None and record.organisation_id == organisation_id else None


def records_of(*, session: Session, organisation_id: int, person_id: int) -> list[TrainingRecord]:
    """Every record of one person, newest completion first."""
    statement = select(TrainingRecord).where(
        TrainingRecord.organisation_id == organisation_id, TrainingRecord.person_id == person_id
    )
    return list(
        session.exec(statement.order_by(col(TrainingRecord.completed_at).desc(), TrainingRecord.id))
    )


def last_completions(*, session: Session, organisation_id: int) -> dict[int, datetime]:
    """person id -> the latest completion that counts (not a pending or rejected declaration)."""
    statement = (
        select(TrainingRecord.person_id, func.max(TrainingRecord.completed_at))
        .where(
            TrainingRecord.organisation_id == organisation_id,
            col(TrainingRecord.method).in_(_COUNTING),
        )
        .group_by(TrainingRecord.person_id)
    )
    return {int(pid): _aware(at) for pid, at in session.exec(statement).all()}


def has_record_on(
    *,
    session: Session,
    organisation_id: int,
    person_id: int,
    start: datetime,
    end: datetime,
    method: TrainingMethod,
) -> bool:
    """Is there a record of ``method`` completed in [start, end)? (an import run twice adds nothing)"""
    statement = select(TrainingRecord.id).where(
        TrainingRecord.organisation_id == organisation_id,
        TrainingRecord.person_id == person_id,
        TrainingRecord.method == TrainingMethod(method).value,
        TrainingRecord.completed_at >= start,
        TrainingRecord.completed_at < end,
    )
    return session.exec(statement).first() is not None


def pending_declarations(
    *, session: Session, organisation_id: int
) -> list[tuple[TrainingRecord, Person]]:
    statement = (
        select(TrainingRecord, Person)
        .join(Person, Person.id == TrainingRecord.person_id)
        .where(
            TrainingRecord.organisation_id == organisation_id,
            TrainingRecord.method == TrainingMethod.SELF_DECLARED.value,
        )
        .order_by(TrainingRecord.created_at, TrainingRecord.id)
    )
    return [(record, person) for record, person in session.exec(statement).all()]


def pending_declaration_of(
    *, session: Session, organisation_id: int, person_id: int
) -> TrainingRecord | None:
    statement = select(TrainingRecord).where(
        TrainingRecord.organisation_id == organisation_id,
        TrainingRecord.person_id == person_id,
        TrainingRecord.method == TrainingMethod.SELF_DECLARED.value,
    )
    return session.exec(statement).first()


def decide_declaration(
    *, session: Session, record: TrainingRecord, confirmed: bool, by_person_id: int, now: datetime
) -> TrainingRecord:
    record.method = (TrainingMethod.CONFIRMED if confirmed else TrainingMethod.REJECTED).value
    record.confirmed_by_person_id, record.confirmed_at = by_person_id, now
    session.add(record)
    session.flush()
    return record


def art24_certificates(
    *, session: Session, organisation_id: int, person_ids: Iterable[int]
) -> list[TrainingRecord]:
    """Counting records of these people that are certificates of the college training."""
    ids = list(person_ids)
    if not ids:
        return []
    statement = select(TrainingRecord).where(
        TrainingRecord.organisation_id == organisation_id,
        col(TrainingRecord.person_id).in_(ids),
        TrainingRecord.covers_art24 == True,  # noqa: E712 - SQL expression
        col(TrainingRecord.method).in_(_COUNTING),
    )
    return list(session.exec(statement))


# --- quiz attempts -------------------------------------------------------------------------------


def start_attempt(
    *,
    session: Session,
    organisation_id: int,
    person_id: int,
    bank_fingerprint: str,
    drawn: list[Any],
    now: datetime,
) -> QuizAttempt:
    attempt = QuizAttempt(
        organisation_id=organisation_id,
        person_id=person_id,
        bank_fingerprint=bank_fingerprint,
        drawn=drawn,
        answers=[],
        total=len(drawn),
        started_at=now,
    )
    session.add(attempt)
    session.flush()
    return attempt


def attempt_by_id(*, session: Session, organisation_id: int, attempt_id: int) -> QuizAttempt | None:
    attempt = session.get(QuizAttempt, attempt_id)
    return attempt if attempt is not None and attempt.organisation_id == organisation_id else None


def save_attempt(*, session: Session, attempt: QuizAttempt) -> QuizAttempt:
    session.add(attempt)
    session.flush()
    return attempt


def attempts_of(*, session: Session, organisation_id: int, person_id: int) -> list[QuizAttempt]:
    statement = select(QuizAttempt).where(
        QuizAttempt.organisation_id == organisation_id, QuizAttempt.person_id == person_id
    )
    return list(session.exec(statement.order_by(QuizAttempt.id)))


# --- nudges and snoozes -------------------------------------------------------------------------


def claim_nudge(
    *,
    session: Session,
    organisation_id: int,
    person_id: int,
    slot_key: str,
    kind: str,
    now: datetime,
) -> int | None:
    """Claim (person, slot) once: the row's id, or None when this slot was claimed before."""
    return insert_ignore(
        session,
        TrainingNudge,
        {
            "organisation_id": organisation_id,
            "person_id": person_id,
            "slot_key": slot_key,
            "kind": kind,
            "sent_at": now,
        },
    )


def set_nudge_outbox(*, session: Session, nudge_id: int, outbox_id: int | None) -> None:
    # One UPDATE, no load: this runs once per nudge in a fan-out of thousands.
    statement = update(TrainingNudge).where(col(TrainingNudge.id) == nudge_id)
    session.execute(statement.values(outbox_id=outbox_id))


def last_nudges(*, session: Session, organisation_id: int) -> dict[int, tuple[str, datetime]]:
    """person id -> (slot key, sent at) of their most recent nudge row (any cycle)."""
    latest = (
        select(func.max(TrainingNudge.id))
        .where(TrainingNudge.organisation_id == organisation_id)
        .group_by(TrainingNudge.person_id)
    )
    statement = select(TrainingNudge).where(col(TrainingNudge.id).in_(latest))
    return {n.person_id: (n.slot_key, _aware(n.sent_at)) for n in session.exec(statement)}


def nudges_since(
    *, session: Session, organisation_id: int, kind: str, since: datetime
) -> list[tuple[TrainingNudge, Person]]:
    statement = (
        select(TrainingNudge, Person)
        .join(Person, Person.id == TrainingNudge.person_id)
        .where(
            TrainingNudge.organisation_id == organisation_id,
            TrainingNudge.kind == kind,
            TrainingNudge.sent_at >= since,
        )
        .order_by(TrainingNudge.sent_at, TrainingNudge.id)
    )
    return [(nudge, person) for nudge, person in session.exec(statement).all()]


def nudges_of(*, session: Session, organisation_id: int, person_id: int) -> list[TrainingNudge]:
    statement = select(TrainingNudge).where(
        TrainingNudge.organisation_id == organisation_id, TrainingNudge.person_id == person_id
    )
    return list(session.exec(statement.order_by(TrainingNudge.id)))


def snoozes(*, session: Session, organisation_id: int) -> dict[int, TrainingSnooze]:
    statement = select(TrainingSnooze).where(TrainingSnooze.organisation_id == organisation_id)
    return {row.person_id: row for row in session.exec(statement)}


def snooze_of(*, session: Session, organisation_id: int, person_id: int) -> TrainingSnooze | None:
    statement = select(TrainingSnooze).where(
        TrainingSnooze.organisation_id == organisation_id, TrainingSnooze.person_id == person_id
    )
    return session.exec(statement).first()


def save_snooze(
    *,
    session: Session,
    organisation_id: int,
    person_id: int,
    cycle_due: date,
    step: int,
    count: int,
    until: datetime,
    now: datetime,
) -> TrainingSnooze:
    row = snooze_of(session=session, organisation_id=organisation_id, person_id=person_id)
    if row is None:
        row = TrainingSnooze(
            organisation_id=organisation_id,
            person_id=person_id,
            cycle_due=cycle_due,
            step=step,
            count=count,
            until=until,
            updated_at=now,
        )
    else:
        row.cycle_due, row.step, row.count, row.until = cycle_due, step, count, until
        row.updated_at = now
    session.add(row)
    session.flush()
    return row


# --- college reminders --------------------------------------------------------------------------


def claim_college_reminder(
    *,
    session: Session,
    organisation_id: int,
    person_id: int,
    reminder_key: str,
    deadline: date,
    months_before: int,
    audience: str,
    now: datetime,
) -> bool:
    return (
        insert_ignore(
            session,
            CollegeReminderSent,
            {
                "organisation_id": organisation_id,
                "person_id": person_id,
                "reminder_key": reminder_key,
                "deadline": deadline,
                "months_before": months_before,
                "audience": audience,
                "sent_at": now,
            },
        )
        is not None
    )


def college_reminders_sent(
    *, session: Session, organisation_id: int, person_id: int | None = None
) -> list[CollegeReminderSent]:
    statement = select(CollegeReminderSent).where(
        CollegeReminderSent.organisation_id == organisation_id
    )
    if person_id is not None:
        statement = statement.where(CollegeReminderSent.person_id == person_id)
    return list(session.exec(statement.order_by(CollegeReminderSent.id)))


# --- people and their private chats -------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    # UTCDateTime returns aware values; func.max over it returns what the driver gives (SQLite: a
    # string or a naive datetime), so normalise here rather than in every caller.
    from datetime import UTC

    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
