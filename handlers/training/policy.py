"""The organisation's own training policy.

None of these numbers is law. NIS2 sets no training frequency for staff (Art. 20(2) "encouraged",
21(2)(g) cyber hygiene); "at least twice a year" comes from the municipality's own policy documents
(facts.md §3.4, §11). So every value is a default an organisation can change.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, time, timedelta
from typing import Any

MONDAY_TO_FRIDAY = frozenset(range(5))

#: Identifies a person in keys and results; the tables use integers, the chat layer strings.
PersonId = int | str


@dataclass(frozen=True, slots=True)
class TrainingPolicy:
    """One organisation's training rules. Frozen and hashable, so computed calendars can be cached.

    Defaults: training every 6 months; someone never trained is due 30 days after enrolment; the
    first nudge 14 days before the due date, then weekly, at most 3 nudges (due-14, due-7, due day)
    and then one escalation to the coordinator a cadence step later (due+7); only in office hours
    (09:00-17:00, Monday-Friday, the organisation's local time), never on national public holidays;
    at most 2 snoozes per cycle of 2 days each.
    """

    interval_months: int = 6
    #: A newcomer gets a month to take the first training: long enough to settle in, short enough
    #: that nobody works unaware for half a year (own policy, not law).
    first_due_grace_days: int = 30
    nudge_lead_days: int = 14
    cadence_days: int = 7
    max_nudges: int = 3
    max_snoozes: int = 2
    snooze_length: timedelta = timedelta(days=2)
    office_start: time = time(9, 0)
    office_end: time = time(17, 0)
    #: ``date.weekday()`` numbers: 0 is Monday.
    office_weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    #: Extra days without nudges on top of the national holidays: bridge days, 5 May in a
    #: non-lustrum year, the Flemish community's 11 July, a local fair.
    extra_closed_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        problems = []
        if self.interval_months < 1:
            problems.append("interval_months must be at least 1")
        if self.first_due_grace_days < 0 or self.nudge_lead_days < 0:
            problems.append("grace and lead days must not be negative")
        if self.cadence_days < 1:
            problems.append("cadence_days must be at least 1")
        if self.max_nudges < 1 or self.max_snoozes < 0:
            problems.append("max_nudges must be >= 1 and max_snoozes >= 0")
        if self.snooze_length <= timedelta(0):
            problems.append("snooze_length must be positive")
        if not self.office_start < self.office_end:
            problems.append("office_start must be before office_end")
        if not self.office_weekdays or not self.office_weekdays <= frozenset(range(7)):
            problems.append("office_weekdays must be a non-empty subset of 0..6")
        if problems:
            raise ValueError("; ".join(problems))


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb).

    Clamping rather than overflowing keeps a due date inside the intended month, which is what a
    person expects from "every six months".
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def policy_from_settings(settings: Mapping[str, Any]) -> TrainingPolicy:
    """A policy from JSON-style settings (e.g. ``organisation.settings["training"]``).

    Plain JSON values: numbers, ``"09:00"`` for times, ``[0, 1, 2, 3, 4]`` for weekdays,
    ``snooze_hours`` for the snooze length, ISO dates for closed days. Unknown keys are an error
    rather than silently ignored, so a typo in a setting never passes for the default.
    """
    known = {f.name for f in fields(TrainingPolicy)} - {"snooze_length"} | {"snooze_hours"}
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f"unknown training settings: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key, value in settings.items():
        if key in ("office_start", "office_end"):
            values[key] = time.fromisoformat(value)
        elif key == "office_weekdays":
            values[key] = frozenset(int(day) for day in value)
        elif key == "extra_closed_days":
            values[key] = frozenset(date.fromisoformat(day) for day in value)
        elif key == "snooze_hours":
            values["snooze_length"] = timedelta(hours=float(value))
        else:
            values[key] = int(value)
    return TrainingPolicy(**values)
