"""Office hours in the organisation's local time: weekends, national public holidays, DST.

Holidays come from the ``holidays`` library, national lists only (NL, BE). For Belgium we take the
federal public holidays, not a community's own day such as 11 July in Flanders, which is no federal
public holiday (the library's Flemish subdivision adds nothing to the national list either). Local
days off (bridge days, 11 July, 5 May outside lustrum years) go into
``TrainingPolicy.extra_closed_days``. The library's NL list includes Good Friday; we keep it: one
day without a nudge costs nothing.

Everything is memoised per calendar: the sweep asks the same few dates for thousands of people.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import holidays

from handlers.training.policy import TrainingPolicy
from storage.enums import Country


@functools.cache
def public_holidays(country: Country, year: int) -> frozenset[date]:
    """National public holidays of one year (cached for the process: they never change)."""
    return frozenset(holidays.country_holidays(country.value.upper(), years=year).keys())


def localize(day: date, moment_time: time, tz: tzinfo) -> datetime:
    """``day`` at wall-clock ``moment_time`` in ``tz``, normalised through UTC.

    The round trip matters only for a wall-clock time inside the spring-forward gap (02:30 on the
    last Sunday of March does not exist): it comes back as the real instant just after the jump.
    """
    naive = datetime.combine(day, moment_time)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


class WorkCalendar:
    """Working days and office moments for one (country, timezone, policy)."""

    def __init__(self, country: Country, tz: tzinfo, policy: TrainingPolicy) -> None:
        self.country = Country(country)
        self.tz = tz
        self.policy = policy
        self._next_working: dict[date, date] = {}
        self._start: dict[date, datetime] = {}

    def is_working_day(self, day: date) -> bool:
        policy = self.policy
        return (
            day.weekday() in policy.office_weekdays
            and day not in public_holidays(self.country, day.year)
            and day not in policy.extra_closed_days
        )

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        found = self._next_working.get(day)
        if found is None:
            found = day
            # A policy could close every day of the week only by closing all seven weekdays, which
            # __post_init__ forbids; a year of closed days would be a configuration error.
            for _ in range(366):
                if self.is_working_day(found):
                    break
                found += timedelta(days=1)
            else:
                raise ValueError("no working day within a year: check extra_closed_days")
            self._next_working[day] = found
        return found

    def office_start(self, day: date) -> datetime:
        """The aware moment the office opens on ``day`` (no check that ``day`` is a working day)."""
        found = self._start.get(day)
        if found is None:
            found = self._start[day] = localize(day, self.policy.office_start, self.tz)
        return found

    def first_office_moment_on_or_after(self, day: date) -> datetime:
        return self.office_start(self.next_working_day(day))

    def is_office_moment(self, moment: datetime) -> bool:
        local = _aware(moment).astimezone(self.tz)
        start, end = self.policy.office_start, self.policy.office_end
        return self.is_working_day(local.date()) and start <= local.time() < end

    def next_office_moment(self, moment: datetime) -> datetime:
        """``moment`` if it falls in office hours, else the next opening (in local time)."""
        local = _aware(moment).astimezone(self.tz)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.policy.office_start:
                return self.office_start(day)
            if local.time() < self.policy.office_end:
                return local
        return self.office_start(self.next_working_day(day + timedelta(days=1)))


@functools.lru_cache(maxsize=256)
def work_calendar(country: Country, tz: tzinfo, policy: TrainingPolicy) -> WorkCalendar:
    """A shared calendar per (country, tz, policy), so its memo survives between sweeps."""
    return WorkCalendar(country, tz, policy)


def _aware(moment: datetime) -> datetime:
    # A naive datetime would silently be read as the server's local time: refuse it.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"aware datetime required, got naive {moment!r}")
    return moment
