"""Compliance per department and the overdue list."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.training.compliance import ComplianceInput, compliance_report
from handlers.training.policy import TrainingPolicy

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 22)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=AMS)


def person(
    pid: str, department: str | None, completed: date | None, enrolled: date = date(2025, 1, 6)
) -> ComplianceInput:
    return ComplianceInput(
        pid, pid.title(), department, at(enrolled), at(completed) if completed else None
    )


PEOPLE = [
    person("anna", "Burgerzaken", date(2026, 9, 1)),  # due 1 Mar 2027: trained
    person("bob", "Burgerzaken", date(2026, 5, 22)),  # due 22 Nov 2026 = today: still on time
    person("cor", "Burgerzaken", date(2026, 5, 21)),  # due 21 Nov: 1 day overdue
    person("dirk", "ICT", None, enrolled=date(2026, 11, 1)),  # new, due 1 Dec
    person("eva", "ICT", None, enrolled=date(2026, 1, 5)),  # never trained, due 4 Feb: overdue
    person("frank", None, date(2026, 10, 1)),
    person("gert", "  ", date(2025, 1, 1)),  # blank department counts as none; due 1 Jul 2025
]


def test_figures_per_department() -> None:
    report = compliance_report(PEOPLE, TODAY, TrainingPolicy(), AMS)
    rows = [
        (d.label("en"), d.total, d.trained, d.new, d.overdue, d.percent) for d in report.departments
    ]
    assert rows == [
        ("Burgerzaken", 3, 2, 0, 1, 66.7),
        ("ICT", 2, 0, 1, 1, 0.0),  # dirk is new, never trained: not up to date
        ("(no department)", 2, 1, 0, 1, 50.0),
    ]
    assert report.departments[-1].label("nl") == "(geen afdeling)"
    overall = report.overall
    assert (overall.total, overall.compliant, overall.overdue, overall.percent) == (7, 3, 3, 42.9)


def test_overdue_list_longest_first() -> None:
    report = compliance_report(PEOPLE, TODAY, TrainingPolicy(), AMS)
    assert [(p.person_id, p.due, p.days_overdue, p.never_trained) for p in report.overdue] == [
        ("gert", date(2025, 7, 1), 509, False),
        ("eva", date(2026, 2, 4), 291, True),
        ("cor", date(2026, 11, 21), 1, False),
    ]


def test_empty_input() -> None:
    report = compliance_report([], TODAY, TrainingPolicy(), AMS)
    assert report.departments == () and report.overdue == ()
    assert report.overall.total == 0 and report.overall.percent is None
