"""When a coordinator's reminder fires: its occurrences on the local wall clock, across DST.

A repeating reminder keeps the *local* time of its first occurrence: "every Monday at 09:00" is
09:00 in Amsterdam in summer (07:00 UTC) and in winter (08:00 UTC). Each occurrence is computed from
the first one (never chained), so a monthly reminder on the 31st falls on the 30th in April and on
the 31st again in May. A wall time that does not exist (02:30 on the spring-forward night) becomes
the instant just after the jump.

The reminder job sends only the *latest* due occurrence: after downtime a weekly reminder is sent
once, not once per missed week.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

MAX_AHEAD_DAYS = 2 * 366
CLOCK_SKEW = timedelta(minutes=5)
DEFAULT_TIME = time(9, 0)


class Repeat(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


def _to_utc(day: date, wall: time, timezone: str) -> datetime:
    return datetime.combine(day, wall).replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def occurrence(first_at: datetime, repeat: str, index: int, timezone: str) -> datetime:
    """The ``index``-th occurrence (0 = the first) in UTC."""
    if index == 0 or repeat == Repeat.NONE:
        return first_at
    local = first_at.astimezone(ZoneInfo(timezone))
    wall = local.time().replace(tzinfo=None)
    if repeat == Repeat.WEEKLY:
        day = local.date() + timedelta(weeks=index)
    else:
        day = _add_months(local.date(), index * (1 if repeat == Repeat.MONTHLY else 3))
    return _to_utc(day, wall, timezone)


def _estimate(first_at: datetime, repeat: str, now: datetime) -> int:
    if repeat == Repeat.WEEKLY:
        return max((now - first_at) // timedelta(weeks=1), 0)
    months = (now.year - first_at.year) * 12 + now.month - first_at.month
    step = 1 if repeat == Repeat.MONTHLY else 3
    return max(months // step, 0)


def latest_due(first_at: datetime, repeat: str, now: datetime, timezone: str) -> datetime | None:
    """The latest occurrence at or before ``now``; None before the first one."""
    if first_at > now:
        return None
    if repeat == Repeat.NONE:
        return first_at
    index = _estimate(first_at, repeat, now) + 1
    while index > 0 and occurrence(first_at, repeat, index, timezone) > now:
        index -= 1
    return occurrence(first_at, repeat, index, timezone)


def next_after(first_at: datetime, repeat: str, now: datetime, timezone: str) -> datetime | None:
    """The first occurrence strictly after ``now`` (None for a one-off that has passed)."""
    if first_at > now:
        return first_at
    if repeat == Repeat.NONE:
        return None
    index = _estimate(first_at, repeat, now)
    while occurrence(first_at, repeat, index, timezone) <= now:
        index += 1
    return occurrence(first_at, repeat, index, timezone)


_HAS_TIME = re.compile(r"\d{1,2}\s*[:.u]\s*\d{2}|\d{1,2}\s*(uur|u\b|h\b|am|pm)", re.IGNORECASE)
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DMY_DAY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")


def parse_day(text: str) -> date | None:
    """A plain date: 2027-03-15, 15-03-2027 or 15/3/2027 (day first, as written here)."""
    for pattern, order in ((_ISO_DAY, (0, 1, 2)), (_DMY_DAY, (2, 1, 0))):
        match = pattern.match(text or "")
        if match:
            parts = [int(g) for g in match.groups()]
            try:
                return date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None


def parse_future(text: str, *, now: datetime, timezone: str) -> datetime | None:
    """A moment in the future from Dutch or English text ("vrijdag 14:00", "1 december 9u",
    "tomorrow 10:00", "2027-01-15 09:30"); a day without a time means 09:00 local.

    None for anything unreadable, in the past, or more than two years ahead.
    """
    text = (text or "").strip()
    if not text or len(text) > 80:
        return None
    zone = ZoneInfo(timezone)
    now_local = now.astimezone(zone)
    day = parse_day(text)
    if day is not None:
        result = _to_utc(day, DEFAULT_TIME, timezone)
    else:
        import dateparser

        normalised = re.sub(
            r"(\d{1,2})u(\d{2})?\b", lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text
        )
        parsed = dateparser.parse(
            normalised,
            languages=["nl", "en"],
            settings={
                "PREFER_DATES_FROM": "future",
                "RELATIVE_BASE": now_local.replace(tzinfo=None),
                "DATE_ORDER": "DMY",
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
        if parsed is None:
            return None
        wall = parsed.time() if _HAS_TIME.search(text) else DEFAULT_TIME
        result = _to_utc(parsed.date(), wall.replace(second=0, microsecond=0), timezone)
    if result < now - CLOCK_SKEW or result > now + timedelta(days=MAX_AHEAD_DAYS):
        return None
    return result
