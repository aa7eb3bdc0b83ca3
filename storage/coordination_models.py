"""SQLModel tables of coordination (#7): reminders, audit programme, findings; the council's
reports and their review (#16).

Table names carry a ``coordination_`` prefix so they never collide with another feature's tables
(the incidents feature has reminders of its own).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class CoordinatorReminder(SQLModel, table=True):
    """A reminder the coordinator set: to whom, when (once or repeating), what."""

    __tablename__ = "coordination_reminder"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    #: {"roles": ["ismt", ...]} or {"room": "council"} or {"person_id": 12}
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    first_at: datetime  # the first occurrence (UTC); repeats keep its local wall-clock time
    repeat: str = Field(default="none", max_length=16)  # none | weekly | monthly | quarterly
    timezone: str = Field(default="Europe/Amsterdam", max_length=64)
    active: bool = Field(default=True, index=True)
    created_at: datetime
    cancelled_at: datetime | None = None


class CoordinatorReminderSent(SQLModel, table=True):
    """One occurrence of a reminder, claimed once before it is sent."""

    __tablename__ = "coordination_reminder_sent"
    __table_args__ = (UniqueConstraint("reminder_id", "occurrence"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    reminder_id: int = Field(foreign_key="coordination_reminder.id", index=True)
    occurrence: datetime
    recipients: int = 0
    sent_at: datetime


class PlannedAudit(SQLModel, table=True):
    """An audit, penetration test or security review of the annual audit programme."""

    __tablename__ = "coordination_audit"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=16)  # audit | pentest | review
    planned_at: datetime
    auditor: str = Field(max_length=200)
    scope: str = Field(sa_column=Column(Text, nullable=False))
    done_at: datetime | None = None
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class AuditFinding(SQLModel, table=True):
    __tablename__ = "coordination_finding"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    audit_id: int = Field(foreign_key="coordination_audit.id", index=True)
    title: str = Field(max_length=300)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id")
    due_at: datetime | None = None
    severity: str = Field(default="medium", max_length=16)  # low | medium | high
    status: str = Field(default="open", max_length=16)  # open | done
    created_at: datetime
    closed_at: datetime | None = None


class CouncilReport(SQLModel, table=True):
    """The council's quarterly report of one period (#16 item 3): drafted for the coordinator's
    review a few days before it is due, then published once (to the council room and /rapport).

    ``content`` is the report as drafted, per language ({"nl": {"page": markup, "body": markup}}), its
    charts are ``CouncilReportChart`` rows: the figures are frozen at the draft, so what is
    published is what the coordinator approved (``/rapport vernieuwen`` redraws the draft and asks
    for a new review)."""

    __tablename__ = "coordination_council_report"
    __table_args__ = (UniqueConstraint("organisation_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    period: str = Field(max_length=8)  # "2026Q4"
    state: str = Field(default="draft", max_length=16)  # draft | approved | published
    #: how it went out, set at publication: reviewed | deadline | no_coordinator
    outcome: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    approved_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    approved_at: datetime | None = None
    drafted_at: datetime  # the moment the figures were taken
    due_at: datetime
    published_at: datetime | None = None
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class CouncilReportChart(SQLModel, table=True):
    """One chart (PNG) of a council report, per language, in reading order."""

    __tablename__ = "coordination_council_report_chart"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    report_id: int = Field(foreign_key="coordination_council_report.id", index=True)
    language: str = Field(max_length=8)
    position: int = 0
    filename: str = Field(max_length=255)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
