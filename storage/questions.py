"""Queries on the question log and the organisation's knowledge-base overrides (#5).

Every query filters on ``organisation_id``; nothing here commits (the caller's unit of work does).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from storage import kv
from storage.question_models import KbOverride, QuestionLog

# ---------------------------------------------------------------------------------------------
# Question log


def log_question(
    *,
    session: Session,
    organisation_id: int,
    person_id: int | None,
    role: str,
    language: str,
    question: str,
    result_kind: str,
    entry_id: str | None,
    confidence: float,
    now: datetime,
) -> QuestionLog:
    row = QuestionLog(
        organisation_id=organisation_id,
        person_id=person_id,
        role=role,
        language=language,
        question=question,
        result_kind=result_kind,
        entry_id=entry_id,
        confidence=round(float(confidence), 4),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def question_by_id(*, session: Session, organisation_id: int, log_id: int) -> QuestionLog | None:
    row = session.get(QuestionLog, log_id)
    return row if row is not None and row.organisation_id == organisation_id else None


def mark_forwarded(*, session: Session, row: QuestionLog, now: datetime) -> bool:
    """Mark a question as passed on; False if it already was (a second press changes nothing)."""
    if row.forwarded:
        return False
    row.forwarded, row.forwarded_at = True, now
    session.add(row)
    session.flush()
    return True


def mark_answered(
    *, session: Session, row: QuestionLog, answer: str, person_id: int, now: datetime
) -> None:
    row.answer, row.answered_by_person_id, row.answered_at = answer, person_id, now
    session.add(row)
    session.flush()


def open_questions(*, session: Session, organisation_id: int, limit: int = 20) -> list[QuestionLog]:
    """Questions the bot could not answer or that were passed on, not answered yet; oldest first."""
    statement = (
        select(QuestionLog)
        .where(
            QuestionLog.organisation_id == organisation_id,
            QuestionLog.answered_at.is_(None),  # type: ignore[union-attr]
            or_(QuestionLog.forwarded, QuestionLog.result_kind == "unknown"),
        )
        .order_by(QuestionLog.id)
        .limit(limit)
    )
    return list(session.exec(statement))


def question_counts(*, session: Session, organisation_id: int) -> dict[str, int]:
    """How many questions per result kind (for statistics), plus 'forwarded' and 'answered'."""
    statement = (
        select(QuestionLog.result_kind, func.count())
        .where(QuestionLog.organisation_id == organisation_id)
        .group_by(QuestionLog.result_kind)
    )
    counts = {kind: int(n) for kind, n in session.exec(statement)}
    for name, column in (
        ("forwarded", QuestionLog.forwarded),
        ("answered", QuestionLog.answered_at.is_not(None)),  # type: ignore[union-attr]
    ):
        counts[name] = int(
            session.exec(
                select(func.count())
                .select_from(QuestionLog)
                .where(QuestionLog.organisation_id == organisation_id, column)
            ).one()
        )
    return counts


# ---------------------------------------------------------------------------------------------
# Knowledge-base overrides


def overrides_of(*, session: Session, organisation_id: int) -> list[KbOverride]:
    statement = (
        select(KbOverride)
        .where(KbOverride.organisation_id == organisation_id)
        .order_by(KbOverride.entry_id, KbOverride.language, KbOverride.id)
    )
    return list(session.exec(statement))


def _version_key(organisation_id: int) -> str:
    return f"qa:kb-version:{organisation_id}"


def overrides_stamp(*, session: Session, organisation_id: int) -> tuple[int, int, int]:
    """A cheap fingerprint of an organisation's overrides: (version, count, highest id). The
    version is bumped by every change here (SQLite may hand a deleted highest id out again, so
    count and id alone could miss a replacement); caches key on the whole stamp."""
    count, top = session.exec(
        select(func.count(), func.max(KbOverride.id)).where(
            KbOverride.organisation_id == organisation_id
        )
    ).one()
    version = kv.get_value(session=session, key=_version_key(organisation_id))
    return int(version or 0), int(count or 0), int(top or 0)


def _bump(session: Session, organisation_id: int, now: datetime) -> None:
    key = _version_key(organisation_id)
    version = int(kv.get_value(session=session, key=key) or 0)
    kv.set_value(session=session, key=key, value=str(version + 1), now=now)


def set_override(
    *,
    session: Session,
    organisation_id: int,
    entry_id: str,
    language: str,
    fields: dict[str, Any],
    created_by: str,
    now: datetime,
) -> KbOverride:
    """Insert or replace the override of (entry, language) for this organisation."""
    remove_overrides(
        session=session,
        organisation_id=organisation_id,
        entry_id=entry_id,
        language=language,
        now=now,
    )
    row = KbOverride(
        organisation_id=organisation_id,
        entry_id=entry_id,
        language=language,
        fields=fields,
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def remove_overrides(
    *,
    session: Session,
    organisation_id: int,
    entry_id: str,
    now: datetime,
    language: str | None = None,
) -> int:
    """Remove an entry's overrides (one language, or all); returns how many rows went."""
    statement = select(KbOverride).where(
        KbOverride.organisation_id == organisation_id, KbOverride.entry_id == entry_id
    )
    if language is not None:
        statement = statement.where(KbOverride.language == language)
    rows = list(session.exec(statement))
    for row in rows:
        session.delete(row)
    session.flush()
    _bump(session, organisation_id, now)
    return len(rows)


def picked_questions(
    *, session: Session, organisation_id: int, limit: int = 20
) -> list[QuestionLog]:
    """Questions answered through a "Did you mean" choice (kind 'picked'), newest first: candidate
    phrasings of the picked entry, for the coordinator to confirm."""
    statement = (
        select(QuestionLog)
        .where(QuestionLog.organisation_id == organisation_id, QuestionLog.result_kind == "picked")
        .order_by(QuestionLog.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    return list(session.exec(statement))


def mark_learned(*, session: Session, row: QuestionLog, entry_id: str) -> None:
    """The question's phrasing now belongs to ``entry_id`` for this organisation (kind 'learned')."""
    row.result_kind, row.entry_id = "learned", entry_id
    session.add(row)
    session.flush()


def record_pick(*, session: Session, row: QuestionLog, entry_id: str | None) -> None:
    """The asker picked a suggestion: keep which one (kind 'picked'), for the statistics."""
    row.result_kind, row.entry_id = "picked", entry_id
    session.add(row)
    session.flush()
