"""The inputs of a summary: plain facts, free of any table (``gather`` builds them from storage).

Keeping the summaries on these dataclasses lets the figures be tested exactly with seeded facts and
benchmarked at scale without a database, and lets the coordination feature be built while the
incident and training tables were still being written. ``None`` for a whole part (``incidents``,
``training``, ``college``) means "this organisation has no such data yet" and is shown as such,
never as a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class DeadlineFact:
    """One legal reporting deadline of an incident (kinds as ``handlers.incidents.model.ReportKind``)."""

    kind: str
    due_at: datetime
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IncidentFact:
    reference: str
    category: str
    created_at: datetime  # when the organisation became aware of it (UTC)
    significant: bool | None  # None: not decided yet
    status: str  # handlers.incidents.model.Status values; "closed" is done
    deadlines: tuple[DeadlineFact, ...] = ()
    title: str = ""
    decisions: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


@dataclass(frozen=True, slots=True)
class TrainingRule:
    """The organisation's own training policy (not law, facts.md §3.4): see handlers.training.policy."""

    interval_months: int = 6
    first_due_grace_days: int = 30


@dataclass(frozen=True, slots=True)
class TrainingFact:
    """One member of staff with the days they completed a training (any order)."""

    person_id: int
    name: str
    department: str | None
    role: str
    enrolled_on: date
    completions: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class CollegeFact:
    """A college member's personal certificate duty (Cbw art. 24, NL only)."""

    person_id: int
    name: str
    role: str
    deadline: date
    certified_on: date | None = None
    enrolled_on: date | None = None  # a member enrolled after a period is not counted in it


@dataclass(frozen=True, slots=True)
class FindingFact:
    id: int
    title: str
    owner: str | None
    due_on: date | None
    status: str  # "open" or "done"
    severity: str = "medium"  # low | medium | high
    closed_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.status != "done"


@dataclass(frozen=True, slots=True)
class AuditFact:
    id: int
    kind: str  # audit | pentest | review
    planned_on: date
    auditor: str
    scope: str
    done_on: date | None = None
    findings: tuple[FindingFact, ...] = ()


@dataclass(frozen=True, slots=True)
class UnansweredCount:
    """A question the bot could not answer, and how often it was asked in the period."""

    question: str
    count: int


@dataclass(frozen=True)
class OrgFacts:
    organisation: str
    country: str  # "nl" | "be"
    timezone: str
    incidents: Sequence[IncidentFact] | None = None
    training: Sequence[TrainingFact] | None = None
    college: Sequence[CollegeFact] | None = None  # None also where the duty does not apply (BE)
    audits: Sequence[AuditFact] = ()
    unanswered: Sequence[UnansweredCount] | None = None
    training_rule: TrainingRule = field(default_factory=TrainingRule)
