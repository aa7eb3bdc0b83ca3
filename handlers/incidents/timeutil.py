"""Time helpers shared by the incident rules: UTC, wall time in the organisation's zone, months.

Two kinds of arithmetic, deliberately kept apart:

- *Elapsed* time (the 24 h and 72 h clocks): done in UTC, so 24 h is 24 real hours even across a DST
  change. Adding a timedelta to a datetime whose tzinfo is a ZoneInfo does *wall-clock* arithmetic
  in Python, which is exactly the DST bug this module exists to avoid.
- *Calendar* time ("one month"): done on the wall clock in the organisation's zone (a person reads a
  month as "the same date and time next month"), then converted back to UTC.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; a typo raises ``ZoneInfoNotFoundError`` (a configuration error)."""
    return ZoneInfo(name)


def require_aware(value: datetime, what: str) -> datetime:
    """Naive datetimes are a programming error here: every moment must say which zone it is in."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")
    return value


def to_utc(value: datetime) -> datetime:
    return require_aware(value, "datetime").astimezone(UTC)


def add_hours(moment: datetime, hours: float) -> datetime:
    """Elapsed hours, in UTC: nights, weekends, holidays and DST changes all count as they pass."""
    return to_utc(moment) + timedelta(hours=hours)


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall time in ``tz`` as an aware datetime, normalised so it really exists.

    "Never later": of the moments a wall time can mean, the earliest. A wall time that occurs twice
    in autumn takes the *first* occurrence. A wall time skipped by the spring DST change (02:30 on
    the last Sunday of March) is read with the offset after the change, i.e. as 01:30 before it:
    the earlier of its two readings, so a deadline computed from it is never later than the law's.
    """
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return min(first, second).astimezone(tz)


def add_months(moment: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The same wall time ``months`` calendar months later in ``tz``, clamped to the month's end.

    31 January + 1 month = 28 (or 29) February, same wall time. Returned in UTC.
    """
    local = to_utc(moment).astimezone(tz)
    year, month0 = divmod(local.year * 12 + (local.month - 1) + months, 12)
    month = month0 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return localize(naive, tz).astimezone(UTC)


def format_local(moment: datetime, tz: ZoneInfo) -> str:
    """'28-03-2026 23:30': the date with the time on the organisation's wall clock.

    One numeric format for both languages (day-month-year is how NL and BE write dates). The UTC
    offset is added only where the wall time alone is ambiguous: in the autumn hour that occurs
    twice ('25-10-2026 02:30 (UTC+02:00)').
    """
    local = to_utc(moment).astimezone(tz)
    text = f"{local:%d-%m-%Y %H:%M}"
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():
        offset = local.strftime("%z")
        text += f" (UTC{offset[:3]}:{offset[3:]})"
    return text
