"""Compliance figures: per department, overall, and who is overdue (pure).

Definitions (the report states them, because "compliance" means different things to people):

- *trained*: completed a training and the next one is not yet past due;
- *new*: never trained, still within the first-due grace period after enrolment (not overdue yet,
  but not up to date either);
- *overdue*: the due date has passed (the due date itself still counts as on time);
- *compliance %* = trained / all: the share of people who actually have an up-to-date training.
  Someone who never trained is never counted as up to date, so a municipality where 2 of 38 ever
  trained reads 5 %, not 100 %. /status, /rapport and /training use this one rule
  (``handlers.coordination.figures`` counts the same way).

Against the organisation's own policy interval (facts.md §11): this is not a legal figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from handlers.i18n import N_, t
from handlers.training.policy import PersonId, TrainingPolicy
from handlers.training.schedule import next_due

NO_DEPARTMENT = N_("(no department)")


@dataclass(frozen=True, slots=True)
class ComplianceInput:
    person_id: PersonId
    name: str
    department: str | None
    enrolled_at: datetime
    last_completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class DepartmentFigures:
    department: str | None  # None: people without a department, or the overall line
    total: int
    trained: int
    new: int
    overdue: int

    @property
    def compliant(self) -> int:
        """Up to date: trained and not overdue (never trained does not count)."""
        return self.trained

    @property
    def percent(self) -> float | None:
        """One decimal; None for an empty department rather than a made-up 0 or 100."""
        return round(self.compliant * 100 / self.total, 1) if self.total else None

    def label(self, language: str) -> str:
        return self.department if self.department is not None else t(language, NO_DEPARTMENT)


@dataclass(frozen=True, slots=True)
class OverduePerson:
    person_id: PersonId
    name: str
    department: str | None
    due: date
    days_overdue: int
    never_trained: bool


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    departments: tuple[DepartmentFigures, ...]
    overall: DepartmentFigures
    overdue: tuple[OverduePerson, ...]  # longest overdue first


def compliance_report(
    people: Iterable[ComplianceInput], today: date, policy: TrainingPolicy, tz: tzinfo
) -> ComplianceReport:
    counts: dict[str | None, list[int]] = {}  # department -> [total, trained, new, overdue]
    overdue: list[OverduePerson] = []
    for person in people:
        due = next_due(person.last_completed_at, person.enrolled_at, policy, tz)
        department = (person.department or "").strip() or None
        row = counts.setdefault(department, [0, 0, 0, 0])
        row[0] += 1
        if due < today:
            row[3] += 1
            overdue.append(
                OverduePerson(
                    person.person_id,
                    person.name,
                    department,
                    due,
                    (today - due).days,
                    person.last_completed_at is None,
                )
            )
        elif person.last_completed_at is None:
            row[2] += 1
        else:
            row[1] += 1
    departments = tuple(
        DepartmentFigures(name, *values)
        # Named departments alphabetically, the people without one last.
        for name, values in sorted(
            counts.items(), key=lambda kv: (kv[0] is None, (kv[0] or "").casefold())
        )
    )
    totals = [sum(d.total for d in departments), sum(d.trained for d in departments)]
    totals += [sum(d.new for d in departments), sum(d.overdue for d in departments)]
    overdue.sort(key=lambda p: (-p.days_overdue, p.name.casefold(), p.person_id))
    return ComplianceReport(departments, DepartmentFigures(None, *totals), tuple(overdue))
