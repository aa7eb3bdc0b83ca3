"""Queries of the council's reports (#16 item 3): the draft, its review, its one publication.

Every query is bound to one organisation; nothing here commits (the caller's unit of work does).
The draft is made once per organisation and period (a unique constraint, claimed with INSERT ... ON
CONFLICT DO NOTHING) and published once (a conditional UPDATE), so two instances or a restart
never make a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from storage.coordination_models import CouncilReport, CouncilReportChart
from storage.upsert import insert_ignore

DRAFT, APPROVED, PUBLISHED = "draft", "approved", "published"


def create_report(
    *,
    session: Session,
    organisation_id: int,
    period: str,
    drafted_at: datetime,
    due_at: datetime,
    content: dict[str, dict[str, str]],
    charts: dict[str, Sequence[tuple[str, bytes]]],
) -> CouncilReport | None:
    """The new draft, or None when this organisation already has one for ``period``."""
    report_id = insert_ignore(
        session,
        CouncilReport,
        {
            "organisation_id": organisation_id,
            "period": period,
            "state": DRAFT,
            "drafted_at": drafted_at,
            "due_at": due_at,
            "content": content,
        },
    )
    if report_id is None:
        return None
    _add_charts(session, organisation_id, report_id, charts)
    return session.get(CouncilReport, report_id)


def _add_charts(
    session: Session,
    organisation_id: int,
    report_id: int,
    charts: dict[str, Sequence[tuple[str, bytes]]],
) -> None:
    for language, pictures in charts.items():
        for position, (filename, data) in enumerate(pictures):
            session.add(
                CouncilReportChart(
                    organisation_id=organisation_id,
                    report_id=report_id,
                    language=language,
                    position=position,
                    filename=filename,
                    data=data,
                )
            )
    session.flush()


def redraft(
    *,
    session: Session,
    report: CouncilReport,
    drafted_at: datetime,
    content: dict[str, dict[str, str]],
    charts: dict[str, Sequence[tuple[str, bytes]]],
) -> None:
    """New figures for an unpublished draft: its approval lapses (the note stays)."""
    session.exec(delete(CouncilReportChart).where(col(CouncilReportChart.report_id) == report.id))  # type: ignore[call-overload]
    report.content = content
    report.drafted_at = drafted_at
    report.state = DRAFT
    report.approved_at = None
    report.approved_by_person_id = None
    session.add(report)
    _add_charts(session, report.organisation_id, report.id, charts)  # type: ignore[arg-type]


def report_for(*, session: Session, organisation_id: int, period: str) -> CouncilReport | None:
    statement = select(CouncilReport).where(
        CouncilReport.organisation_id == organisation_id, CouncilReport.period == period
    )
    return session.exec(statement).first()


def report_by_id(*, session: Session, organisation_id: int, report_id: int) -> CouncilReport | None:
    report = session.get(CouncilReport, report_id)
    return report if report is not None and report.organisation_id == organisation_id else None


def latest_published(*, session: Session, organisation_id: int) -> CouncilReport | None:
    statement = (
        select(CouncilReport)
        .where(CouncilReport.organisation_id == organisation_id, CouncilReport.state == PUBLISHED)
        .order_by(col(CouncilReport.period).desc())
    )
    return session.exec(statement).first()


def open_draft(*, session: Session, organisation_id: int) -> CouncilReport | None:
    """The newest report not published yet (the one the coordinator can still review), locked
    for the rest of the unit of work: on PostgreSQL a review and the publication then take turns,
    so an approval, a note or new figures can never land on a report just published (the
    publication's conditional UPDATE waits for the review and reads the new state; a review that
    comes second no longer finds the report open). SQLite runs one unit of work at a time."""
    statement = (
        select(CouncilReport)
        .where(CouncilReport.organisation_id == organisation_id, CouncilReport.state != PUBLISHED)
        .order_by(col(CouncilReport.period).desc())
        .limit(1)
        .with_for_update()
    )
    return session.exec(statement).first()


def charts_of(
    *, session: Session, organisation_id: int, report_id: int, language: str
) -> list[tuple[str, bytes]]:
    statement = (
        select(CouncilReportChart)
        .where(
            CouncilReportChart.organisation_id == organisation_id,
            CouncilReportChart.report_id == report_id,
            CouncilReportChart.language == language,
        )
        .order_by(col(CouncilReportChart.position))
    )
    return [(c.filename, c.data) for c in session.exec(statement)]


def review(
    *,
    session: Session,
    report: CouncilReport,
    person_id: int,
    now: datetime,
    note: str | None = None,
) -> None:
    """The coordinator reviewed the draft (approved it, or wrote a note to go with it)."""
    report.state = APPROVED
    report.approved_by_person_id = person_id
    report.approved_at = now
    if note is not None:
        report.note = note
    session.add(report)
    session.flush()


def publish(
    *,
    session: Session,
    organisation_id: int,
    report_id: int,
    outcome: str,
    now: datetime,
    state_read: str,
) -> bool:
    """Mark the report published; False when it already was (by this or another instance) or
    its state is no longer ``state_read`` (approved meanwhile: the caller reads it again)."""
    statement: Any = (
        update(CouncilReport)
        .where(
            col(CouncilReport.id) == report_id,
            col(CouncilReport.organisation_id) == organisation_id,
            col(CouncilReport.state) == state_read,
            col(CouncilReport.state) != PUBLISHED,
        )
        .values(state=PUBLISHED, outcome=outcome, published_at=now)
        .execution_options(synchronize_session=False)
    )
    done = session.exec(statement).rowcount == 1  # type: ignore[call-overload]
    report = session.get(CouncilReport, report_id)
    if report is not None:
        session.refresh(report)  # the UPDATE went round the identity map
    return done
