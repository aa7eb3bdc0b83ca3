"""Reporting periods (a quarter or a calendar year) on the organisation's wall clock.

A period runs from 00:00 local on its first day to 00:00 local on the first day of the next period,
so an incident at 23:30 on 30 September in Amsterdam belongs to Q3 even though it is 21:30 UTC.
The quarterly summary is due on the first *working* day of the next quarter (weekends and national
public holidays of NL or BE skipped: 1 January is always a holiday) at a configurable local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.training.workdays import public_holidays
from storage.enums import Country

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-/ ]?\s*[qQkK]\s*([1-4]))?\s*$")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A quarter (``quarter`` 1..4) or a whole year (``quarter`` None)."""

    year: int
    quarter: int | None = None

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def label(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}Q{self.quarter}"

    @property
    def first_day(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end_day(self) -> date:
        """The first day *after* the period (exclusive end)."""
        return self.next().first_day

    def months(self) -> list[tuple[int, int]]:
        first = self.first_day.month
        count = 12 if self.quarter is None else 3
        return [(self.year, first + i) for i in range(count)]

    def next(self) -> Period:
        if self.quarter is None:
            return Period(self.year + 1)
        return (
            Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)
        )

    def previous(self) -> Period:
        if self.quarter is None:
            return Period(self.year - 1)
        return (
            Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)
        )

    def start_utc(self, timezone: str) -> datetime:
        return local_midnight(self.first_day, timezone)

    def end_utc(self, timezone: str) -> datetime:
        return local_midnight(self.end_day, timezone)

    def contains(self, moment: datetime, timezone: str) -> bool:
        return self.start_utc(timezone) <= moment < self.end_utc(timezone)

    def contains_day(self, day: date) -> bool:
        return self.first_day <= day < self.end_day

    def quarters_back(self, count: int) -> list[Period]:
        """The ``count`` quarters ending with this one (this one last); a year counts as its Q4."""
        last = Period(self.year, 4) if self.quarter is None else self
        out = [last]
        while len(out) < count:
            out.append(out[-1].previous())
        return out[::-1]


def parse_period(text: str) -> Period | None:
    """'2026Q3', '2026-Q3', '2026 k3' (Dutch kwartaal) or '2026' (the year); None otherwise."""
    match = _PERIOD.match(text or "")
    if not match:
        return None
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        return None
    return Period(year, int(match.group(2)) if match.group(2) else None)


def quarter_of(day: date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def local_midnight(day: date, timezone: str) -> datetime:
    return local_moment(day, time(0, 0), timezone)


def local_moment(day: date, wall: time, timezone: str) -> datetime:
    """``day`` at wall-clock ``wall`` in ``timezone``, as UTC.

    A wall time inside the spring-forward gap (02:30 on the last Sunday of March) does not exist;
    the round trip through UTC turns it into the real instant just after the jump.
    """
    zone = ZoneInfo(timezone)
    naive = datetime.combine(day, wall)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def is_working_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in public_holidays(Country(country), day.year)


def first_working_day(day: date, country: str) -> date:
    while not is_working_day(day, country):
        day += timedelta(days=1)
    return day


def summary_due(period: Period, *, country: str, timezone: str, wall: time) -> datetime:
    """When the summary of ``period`` is due: the first working day after it, at ``wall`` local."""
    return local_moment(first_working_day(period.end_day, country), wall, timezone)


def last_complete_quarter(today: date) -> Period:
    return quarter_of(today).previous()


def parse_wall_time(text: str, default: time = time(9, 0)) -> time:
    """'09:00' or '9:30' -> time; anything else the default (settings are validated upstream)."""
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", text or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return default
    return time(int(match.group(1)), int(match.group(2)))
