"""Office moments in local time: weekends, national holidays (NL, BE), office hours, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.training.policy import TrainingPolicy, add_months, policy_from_settings
from handlers.training.workdays import WorkCalendar, localize, public_holidays
from storage.enums import Country

AMS = ZoneInfo("Europe/Amsterdam")
BRU = ZoneInfo("Europe/Brussels")


def nl(policy: TrainingPolicy | None = None) -> WorkCalendar:
    return WorkCalendar(Country.NL, AMS, policy or TrainingPolicy())


def be() -> WorkCalendar:
    return WorkCalendar(Country.BE, BRU, TrainingPolicy())


def test_holiday_lists_hold_the_days_we_rely_on() -> None:
    assert date(2026, 4, 27) in public_holidays(Country.NL, 2026)  # King's Day
    assert date(2026, 4, 6) in public_holidays(Country.NL, 2026)  # Easter Monday
    assert date(2026, 12, 25) in public_holidays(Country.NL, 2026)
    assert date(2026, 7, 21) in public_holidays(Country.BE, 2026)  # Belgian national day
    assert date(2026, 7, 21) not in public_holidays(Country.NL, 2026)
    assert date(2026, 4, 27) not in public_holidays(Country.BE, 2026)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # King's Day, Monday 27 April 2026: to Tuesday 09:00 summer time (07:00 UTC).
        (datetime(2026, 4, 27, 8, 0, tzinfo=AMS), datetime(2026, 4, 28, 9, 0, tzinfo=AMS)),
        # Good Friday and Easter Monday 2026 (3 and 6 April): Thursday evening -> Tuesday 7 April.
        (datetime(2026, 4, 2, 17, 30, tzinfo=AMS), datetime(2026, 4, 7, 9, 0, tzinfo=AMS)),
        # Christmas (Fri 25, Sat 26 Dec 2026) and the weekend: to Monday 28 Dec, winter time.
        (datetime(2026, 12, 24, 18, 0, tzinfo=AMS), datetime(2026, 12, 28, 9, 0, tzinfo=AMS)),
        # 21 July is an ordinary Tuesday in the Netherlands.
        (datetime(2026, 7, 20, 17, 0, tzinfo=AMS), datetime(2026, 7, 21, 9, 0, tzinfo=AMS)),
    ],
)
def test_next_office_moment_nl(moment: datetime, expected: datetime) -> None:
    got = nl().next_office_moment(moment)
    assert got == expected
    assert (got.hour, got.minute) == (9, 0) and got.tzinfo == AMS


def test_belgian_national_day_is_skipped_in_belgium() -> None:
    got = be().next_office_moment(datetime(2026, 7, 20, 17, 0, tzinfo=BRU))
    assert got == datetime(2026, 7, 22, 9, 0, tzinfo=BRU)
    assert got.astimezone(UTC) == datetime(2026, 7, 22, 7, 0, tzinfo=UTC)


def test_spring_dst_change_weekend() -> None:
    # Clocks go forward on Sunday 29 March 2026: Friday 17:00 is CET, Monday 09:00 is CEST.
    got = nl().next_office_moment(datetime(2026, 3, 27, 17, 0, tzinfo=AMS))
    assert got == datetime(2026, 3, 30, 9, 0, tzinfo=AMS)
    assert got.utcoffset() == timedelta(hours=2)
    assert got.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_autumn_dst_change_weekend() -> None:
    # Clocks go back on Sunday 25 October 2026: Monday 09:00 is CET, 08:00 UTC.
    got = nl().next_office_moment(datetime(2026, 10, 23, 17, 0, tzinfo=AMS))
    assert got == datetime(2026, 10, 26, 9, 0, tzinfo=AMS)
    assert got.utcoffset() == timedelta(hours=1)
    assert got.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_a_utc_input_is_judged_in_local_time() -> None:
    # 07:30 UTC on a summer Monday is 09:30 in Amsterdam: already office hours.
    moment = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)
    assert nl().is_office_moment(moment)
    assert nl().next_office_moment(moment) == moment


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (time(8, 59), datetime(2026, 6, 2, 9, 0, tzinfo=AMS)),
        (time(9, 0), datetime(2026, 6, 2, 9, 0, tzinfo=AMS)),
        (time(16, 59), datetime(2026, 6, 2, 16, 59, tzinfo=AMS)),
        (time(17, 0), datetime(2026, 6, 3, 9, 0, tzinfo=AMS)),
    ],
)
def test_office_hours_boundaries(clock: time, expected: datetime) -> None:
    assert nl().next_office_moment(datetime.combine(date(2026, 6, 2), clock, AMS)) == expected


def test_extra_closed_days_and_other_office_hours() -> None:
    policy = TrainingPolicy(
        office_start=time(8, 30),
        office_end=time(12, 0),
        extra_closed_days=frozenset({date(2026, 6, 2)}),
    )
    got = nl(policy).next_office_moment(datetime(2026, 6, 1, 12, 0, tzinfo=AMS))
    assert got == datetime(2026, 6, 3, 8, 30, tzinfo=AMS)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        nl().next_office_moment(datetime(2026, 6, 1, 10, 0))


def test_localize_in_the_spring_gap_gives_the_real_instant() -> None:
    got = localize(date(2026, 3, 29), time(2, 30), AMS)
    assert got.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (got.hour, got.minute) == (3, 30)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), -12) == date(2025, 11, 15)


def test_invalid_policy_is_refused() -> None:
    with pytest.raises(ValueError):
        TrainingPolicy(office_start=time(17), office_end=time(9))
    with pytest.raises(ValueError):
        TrainingPolicy(office_weekdays=frozenset())


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2031, 12, 31)),
    st.sampled_from([(Country.NL, AMS), (Country.BE, BRU)]),
)
def test_next_office_moment_properties(naive: datetime, place: tuple[Country, ZoneInfo]) -> None:
    country, tz = place
    calendar = WorkCalendar(country, tz, TrainingPolicy())
    moment = naive.replace(tzinfo=UTC)
    got = calendar.next_office_moment(moment)
    assert got >= moment
    assert calendar.is_office_moment(got)
    assert calendar.next_office_moment(got) == got
    # Nothing earlier qualifies: one minute before is either before `moment` or not office time.
    before = got - timedelta(minutes=1)
    assert before < moment or not calendar.is_office_moment(before)


def test_policy_from_json_settings() -> None:
    policy = policy_from_settings(
        {
            "interval_months": 12,
            "office_start": "08:30",
            "office_end": "16:00",
            "office_weekdays": [0, 1, 2, 3],
            "snooze_hours": 24,
            "extra_closed_days": ["2026-07-11"],
        }
    )
    assert policy.interval_months == 12 and policy.office_start == time(8, 30)
    assert policy.office_weekdays == frozenset({0, 1, 2, 3})
    assert policy.snooze_length == timedelta(hours=24)
    assert policy.extra_closed_days == frozenset({date(2026, 7, 11)})
    assert policy_from_settings({}) == TrainingPolicy()
    with pytest.raises(ValueError, match="unknown training settings"):
        policy_from_settings({"intervall_months": 6})
    with pytest.raises(ValueError):
        policy_from_settings({"office_start": "18:00"})
