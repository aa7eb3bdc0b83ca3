"""SQLModel tables of incidents (#4): incident, timeline, deadlines, reports sent, reminders sent.

The tables keep *facts* (what was reported, when the organisation became aware, who decided what,
which report was sent when). ``incident_deadline`` holds the deadlines derived from those facts by
``handlers.incidents.clocks.compute_deadlines``: they are rewritten whenever a fact changes, so they
are never only in memory and a restart loses nothing, but they are never edited by hand either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Incident(SQLModel, table=True):
    """One report. It exists from the reporter's first answer on (an abandoned intake keeps it)."""

    __table_args__ = (
        UniqueConstraint("organisation_id", "reference"),
        UniqueConstraint("organisation_id", "year", "sequence"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    reference: str = Field(max_length=32)  # INC-2026-0042
    year: int
    sequence: int
    reporter_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    anonymous: bool = False  # the reporter's name is not shown in the ISMT room
    category: str | None = Field(default=None, max_length=32)  # handlers.incidents.model.Category
    category_guessed: bool = False  # taken from the description, not picked by the reporter
    description: str = Field(sa_column=Column(Text, nullable=False))
    noticed_at: datetime | None = None  # what the reporter said
    aware_at: datetime | None = None  # the organisation became aware: starts the clocks
    service: str | None = Field(default=None, max_length=300)
    impact: str | None = Field(default=None, max_length=16)  # Impact
    personal_data: str | None = Field(default=None, max_length=16)  # TriState
    ongoing: str | None = Field(default=None, max_length=16)  # TriState
    actions_taken: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="new", max_length=16)  # Status
    significant: bool | None = None
    decided_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = None
    handler_person_id: int | None = Field(default=None, foreign_key="person.id")
    complete: bool = False  # the reporter confirmed the summary
    alerted_at: datetime | None = None  # the ISMT (room or coordinators) was told
    handled_at: datetime | None = None  # status reached "closed"
    intermediate_due_at: datetime | None = (
        None  # set when the CSIRT asks for an intermediate report
    )
    # Nobody could be alerted (no ISMT room, no reachable coordinator or ISMT member): the alert
    # waits and goes out once as soon as someone becomes reachable (``handlers.incidents.pending``).
    alert_pending_since: datetime | None = Field(default=None, index=True)
    # What the ISMT records for the reports (Art. 23(4) NIS2; Cbw art. 26-29; GDPR art. 33(3)).
    # None / empty: not known yet. ``started_at`` is never taken from ``noticed_at``.
    started_at: datetime | None = None
    suspected_malicious: str | None = Field(default=None, max_length=16)  # TriState
    cross_border: str | None = Field(default=None, max_length=16)  # TriState
    severity: str | None = Field(default=None, sa_column=Column(Text))
    indicators: str | None = Field(default=None, sa_column=Column(Text))  # IoCs
    root_cause: str | None = Field(default=None, sa_column=Column(Text))
    measures_applied: str | None = Field(default=None, sa_column=Column(Text))
    measures_ongoing: str | None = Field(default=None, sa_column=Column(Text))
    # GDPR art. 33(3): nature, data_categories, subjects_approx, records_approx, consequences,
    # measures, delay_reason (free texts, as precise as known).
    gdpr_details: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    crisis_at: datetime | None = None  # the crisis organisation was activated (/incident … crisis)
    crisis_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    updated_at: datetime


class IncidentEvent(SQLModel, table=True):
    """The timeline: reported, decided, status, handler, note, awareness moved, report sent."""

    __tablename__ = "incident_event"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    kind: str = Field(max_length=32)
    actor_person_id: int | None = Field(default=None, foreign_key="person.id")
    actor: str = Field(max_length=200)  # "person:12", "system"
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime


class IncidentReport(SQLModel, table=True):
    """A report actually sent to an authority (a fact; the deadlines are derived from it)."""

    __tablename__ = "incident_report"
    __table_args__ = (UniqueConstraint("incident_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    kind: str = Field(max_length=32)  # ReportKind
    sent_at: datetime  # when it was sent (what the person said)
    sent_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime | None = None  # when /verzonden recorded it


class IncidentDeadline(SQLModel, table=True):
    """One derived deadline, rewritten from the facts whenever the incident changes."""

    __tablename__ = "incident_deadline"
    __table_args__ = (
        UniqueConstraint("incident_id", "kind"),
        # The reminder job's scan: open deadlines whose next reminder moment has come.
        Index("ix_incident_deadline_next_reminder", "sent_at", "next_reminder_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    kind: str = Field(max_length=32)  # ReportKind
    due_at: datetime
    provisional: bool = False
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    basis: str = Field(default="", max_length=200)
    sent_at: datetime | None = None
    sent_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    # When the next reminder slot comes (None: sent, nothing to remind). Set from the rules when the
    # row is written and after every reminder; the claims in incident_reminder_sent stay the truth.
    next_reminder_at: datetime | None = None
    last_reminder_key: str | None = Field(default=None, max_length=100)  # a cache of the claims
    updated_at: datetime


class IncidentReminderSent(SQLModel, table=True):
    """A reminder slot claimed once (same transaction as its outbox rows): never sent twice."""

    __tablename__ = "incident_reminder_sent"
    __table_args__ = (UniqueConstraint("incident_id", "slot_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    slot_key: str = Field(max_length=100)
    sent_at: datetime


class IncidentGdprAssessment(SQLModel, table=True):
    """The privacy officer's record that a breach is unlikely to result in a risk (GDPR art. 33(1))."""

    __tablename__ = "incident_gdpr_assessment"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    incident_id: int = Field(foreign_key="incident.id", unique=True)
    no_risk: bool = True
    reason: str = Field(sa_column=Column(Text, nullable=False))
    decided_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime
