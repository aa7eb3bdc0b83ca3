"""Due dates, nudge slots (exact local times), keys, the sweep, escalation and snooze."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.training.policy import TrainingPolicy, add_months
from handlers.training.schedule import (
    Nudge,
    NudgeKind,
    PersonTrainingView,
    SnoozeRefusal,
    SnoozeState,
    due_nudges,
    next_due,
    nudge_slots,
    parse_slot_key,
    slot_key,
    snooze,
)
from handlers.training.workdays import work_calendar
from storage.enums import Country

AMS = ZoneInfo("Europe/Amsterdam")
BRU = ZoneInfo("Europe/Brussels")
NL, BE = Country.NL, Country.BE
POLICY = TrainingPolicy()


def ams(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def person_due(due: date, tz: ZoneInfo = AMS, **changes: object) -> PersonTrainingView:
    """A person whose next training is due on ``due`` (completed six months before, at noon)."""
    before = add_months(due, -POLICY.interval_months)
    completed = datetime(before.year, before.month, before.day, 12, tzinfo=tz)
    view = PersonTrainingView(
        "p1", enrolled_at=completed - timedelta(days=400), last_completed_at=completed
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def local_times(
    view: PersonTrainingView, tz: ZoneInfo = AMS, country: Country = NL
) -> list[tuple[str, str]]:
    return [
        (s.key, s.at.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %z"))
        for s in nudge_slots(view, POLICY, tz, country)
    ]


# --- due dates ----------------------------------------------------------------------------------


def test_next_due_from_completion_and_month_end() -> None:
    completed = ams(2026, 8, 31, 15)
    assert next_due(completed, ams(2020, 1, 1), POLICY, AMS) == date(2027, 2, 28)


def test_never_trained_is_due_after_the_grace_period() -> None:
    assert next_due(None, ams(2026, 11, 2, 10), POLICY, AMS) == date(2026, 12, 2)


def test_due_date_uses_the_local_calendar_day() -> None:
    # 23:30 UTC on 31 December is already 1 January in Amsterdam.
    completed = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert next_due(completed, completed, POLICY, AMS) == date(2027, 7, 1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_due(datetime(2026, 1, 1), ams(2025, 1, 1), POLICY, AMS)


# --- slots at exact local times -----------------------------------------------------------------


def test_slots_skip_kings_day() -> None:
    # Due Monday 11 May 2026: first reminder would be King's Day (Mon 27 April) -> Tuesday.
    assert local_times(person_due(date(2026, 5, 11))) == [
        ("2026-05-11:0", "Tue 2026-04-28 09:00 +0200"),
        ("2026-05-11:1", "Mon 2026-05-04 09:00 +0200"),
        ("2026-05-11:2", "Mon 2026-05-11 09:00 +0200"),
        ("2026-05-11:escalation", "Mon 2026-05-18 09:00 +0200"),
    ]


def test_slots_skip_easter_monday_and_kings_day() -> None:
    assert local_times(person_due(date(2026, 4, 20))) == [
        ("2026-04-20:0", "Tue 2026-04-07 09:00 +0200"),  # Easter Monday 6 April
        ("2026-04-20:1", "Mon 2026-04-13 09:00 +0200"),
        ("2026-04-20:2", "Mon 2026-04-20 09:00 +0200"),
        ("2026-04-20:escalation", "Tue 2026-04-28 09:00 +0200"),  # King's Day 27 April
    ]


def test_slots_skip_christmas_and_new_year() -> None:
    assert local_times(person_due(date(2027, 1, 8))) == [
        ("2027-01-08:0", "Mon 2026-12-28 09:00 +0100"),  # Fri 25 Dec, then the weekend
        ("2027-01-08:1", "Mon 2027-01-04 09:00 +0100"),  # Fri 1 Jan
        ("2027-01-08:2", "Fri 2027-01-08 09:00 +0100"),
        ("2027-01-08:escalation", "Fri 2027-01-15 09:00 +0100"),
    ]


def test_slots_across_the_spring_dst_change_and_good_friday() -> None:
    # Clocks go forward on 29 March 2026; due on Good Friday 3 April (a holiday in the NL list).
    assert local_times(person_due(date(2026, 4, 3))) == [
        ("2026-04-03:0", "Fri 2026-03-20 09:00 +0100"),
        ("2026-04-03:1", "Fri 2026-03-27 09:00 +0100"),
        ("2026-04-03:2", "Tue 2026-04-07 09:00 +0200"),
        ("2026-04-03:escalation", "Fri 2026-04-10 09:00 +0200"),
    ]


def test_slots_across_the_autumn_dst_change() -> None:
    slots = nudge_slots(person_due(date(2026, 11, 2)), POLICY, AMS, NL)
    assert [s.at.astimezone(UTC).strftime("%m-%d %H:%M") for s in slots] == [
        "10-19 07:00",  # 09:00 CEST
        "10-26 08:00",  # 09:00 CET, the day after the change
        "11-02 08:00",
        "11-09 08:00",
    ]
    assert all(s.at.astimezone(AMS).hour == 9 for s in slots)


def test_slots_skip_belgian_national_day_in_belgium_only() -> None:
    view = person_due(date(2026, 8, 4), tz=BRU)
    assert local_times(view, BRU, BE)[0] == ("2026-08-04:0", "Wed 2026-07-22 09:00 +0200")
    assert local_times(view, AMS, NL)[0] == ("2026-08-04:0", "Tue 2026-07-21 09:00 +0200")


def test_due_date_on_a_sunday_moves_the_due_day_reminder_to_monday() -> None:
    times = local_times(person_due(date(2026, 5, 10)))
    assert times[2] == ("2026-05-10:2", "Mon 2026-05-11 09:00 +0200")


# --- keys ---------------------------------------------------------------------------------------


def test_slot_keys_round_trip_and_are_stable() -> None:
    assert slot_key(date(2026, 5, 11), 0) == "2026-05-11:0"
    assert slot_key(date(2026, 5, 11), None) == "2026-05-11:escalation"
    assert parse_slot_key("2026-05-11:2") == (date(2026, 5, 11), 2)
    assert parse_slot_key("2026-05-11:escalation") == (date(2026, 5, 11), None)
    for bad in ("", "2026-05-11", "x:1", "2026-05-11:-1", "2026-13-01:0"):
        assert parse_slot_key(bad) is None
    view = person_due(date(2026, 5, 11))
    first = [s.key for s in nudge_slots(view, POLICY, AMS, NL)]
    # A "restart": fresh calendars give the same keys.
    work_calendar.cache_clear()
    assert [s.key for s in nudge_slots(view, POLICY, AMS, NL)] == first
    nudge = due_nudges([view], ams(2026, 4, 28, 9), POLICY, AMS, NL)[0]
    assert nudge.key == "2026-05-11:0"
    assert nudge.idempotency_key == "training:p1:2026-05-11:0"


# --- the sweep ----------------------------------------------------------------------------------


def sweep(view: PersonTrainingView, now: datetime, country: Country = NL) -> list[Nudge]:
    return due_nudges([view], now, POLICY, AMS if country is NL else BRU, country)


def test_first_nudge_exactly_at_its_slot_and_not_before() -> None:
    view = person_due(date(2026, 5, 11))
    assert sweep(view, ams(2026, 4, 28, 8, 59)) == []
    [nudge] = sweep(view, ams(2026, 4, 28, 9, 0))
    assert (nudge.kind, nudge.step, nudge.due) == (NudgeKind.REMINDER, 0, date(2026, 5, 11))
    assert nudge.at == ams(2026, 4, 28, 9, 0)


def test_nothing_on_the_holiday_itself_even_though_the_day_passed() -> None:
    view = person_due(date(2026, 5, 11))
    assert sweep(view, ams(2026, 4, 27, 10)) == []  # King's Day


def test_nothing_outside_office_hours_then_caught_up_at_opening() -> None:
    view = person_due(date(2026, 5, 11))
    assert sweep(view, ams(2026, 4, 28, 17, 0)) == []
    assert sweep(view, ams(2026, 5, 2, 11, 0)) == []  # Saturday
    [nudge] = sweep(view, ams(2026, 4, 29, 9, 0))
    assert nudge.step == 0


def test_a_sent_nudge_is_not_returned_again() -> None:
    view = person_due(
        date(2026, 5, 11), last_nudge_key="2026-05-11:0", last_nudge_at=ams(2026, 4, 28, 9)
    )
    assert sweep(view, ams(2026, 4, 30, 10)) == []
    [nudge] = sweep(view, ams(2026, 5, 4, 9))
    assert nudge.step == 1


def test_after_downtime_only_the_latest_slot_goes_out() -> None:
    view = person_due(date(2026, 5, 11))
    [nudge] = sweep(view, ams(2026, 5, 12, 10))  # slots 0, 1 and 2 have all passed
    assert (nudge.kind, nudge.step) == (NudgeKind.REMINDER, 2)


def test_escalation_after_three_nudges() -> None:
    view = person_due(
        date(2026, 5, 11), last_nudge_key="2026-05-11:2", last_nudge_at=ams(2026, 5, 11, 9)
    )
    assert sweep(view, ams(2026, 5, 15, 16)) == []
    [nudge] = sweep(view, ams(2026, 5, 18, 9))
    assert nudge.kind is NudgeKind.ESCALATION
    assert nudge.key == "2026-05-11:escalation"
    escalated = person_due(date(2026, 5, 11), last_nudge_key=nudge.key)
    assert sweep(escalated, ams(2026, 6, 1, 10)) == []


def test_lowering_max_nudges_mid_cycle_still_escalates() -> None:
    view = person_due(date(2026, 5, 11), last_nudge_key="2026-05-11:2")
    fewer = TrainingPolicy(max_nudges=2)
    [nudge] = due_nudges([view], ams(2026, 5, 18, 9), fewer, AMS, NL)
    assert nudge.kind is NudgeKind.ESCALATION


def test_no_escalation_before_anybody_was_reminded() -> None:
    # Imported long overdue: the last reminder first, the escalation a cadence step after it.
    view = person_due(date(2026, 5, 11))
    [nudge] = sweep(view, ams(2026, 6, 2, 10, 15))
    assert (nudge.kind, nudge.step) == (NudgeKind.REMINDER, 2)
    reminded = person_due(
        date(2026, 5, 11), last_nudge_key=nudge.key, last_nudge_at=ams(2026, 6, 2, 10, 15)
    )
    assert sweep(reminded, ams(2026, 6, 8, 16, 59)) == []
    [escalation] = sweep(reminded, ams(2026, 6, 9, 9, 0))
    assert escalation.kind is NudgeKind.ESCALATION


def test_completion_starts_a_new_cycle() -> None:
    old = person_due(date(2026, 5, 11), last_nudge_key="2026-05-11:1")
    completed = PersonTrainingView(
        "p1",
        enrolled_at=old.enrolled_at,
        last_completed_at=ams(2026, 5, 6, 14),
        last_nudge_key="2026-05-11:1",
    )
    assert sweep(completed, ams(2026, 5, 11, 9)) == []
    [nudge] = sweep(completed, ams(2026, 10, 23, 9))  # due 6 Nov 2026, first reminder 23 Oct
    assert nudge.key == "2026-11-06:0"


def test_sweep_handles_many_people_and_keeps_them_apart() -> None:
    people = [
        PersonTrainingView("a", enrolled_at=ams(2026, 4, 1, 10)),  # due 1 May (Fri): first 17 Apr
        person_due(date(2026, 5, 11)),
        PersonTrainingView("c", enrolled_at=ams(2026, 4, 20, 10)),  # due 20 May: not yet
    ]
    got = due_nudges(people, ams(2026, 4, 28, 9, 30), POLICY, AMS, NL)
    assert [(n.person_id, n.key) for n in got] == [("a", "2026-05-01:1"), ("p1", "2026-05-11:0")]


# --- snooze -------------------------------------------------------------------------------------


def sent0() -> PersonTrainingView:
    return person_due(
        date(2026, 5, 11), last_nudge_key="2026-05-11:0", last_nudge_at=ams(2026, 4, 28, 9)
    )


def test_snooze_brings_the_next_reminder_to_the_snooze_moment() -> None:
    outcome = snooze(sent0(), ams(2026, 4, 28, 10), POLICY, AMS, NL)
    assert outcome.granted and outcome.state is not None
    assert outcome.state == SnoozeState(
        date(2026, 5, 11), step=1, count=1, until=ams(2026, 4, 30, 10)
    )
    snoozed = replace(sent0(), snooze=outcome.state)
    assert sweep(snoozed, ams(2026, 4, 30, 9, 59)) == []
    [nudge] = sweep(snoozed, ams(2026, 4, 30, 10, 0))
    assert (nudge.step, nudge.key) == (1, "2026-05-11:1")
    assert [s.at for s in nudge_slots(snoozed, POLICY, AMS, NL)][:2] == [
        ams(2026, 4, 28, 9),
        ams(2026, 4, 30, 10),
    ]


def test_snooze_on_friday_afternoon_lands_on_monday_morning() -> None:
    outcome = snooze(sent0(), ams(2026, 5, 1, 16, 30), POLICY, AMS, NL)
    assert outcome.state is not None and outcome.state.until == ams(2026, 5, 4, 9, 0)


def test_snooze_postpones_a_reminder_that_was_due_sooner() -> None:
    sent1 = person_due(
        date(2026, 5, 11), last_nudge_key="2026-05-11:1", last_nudge_at=ams(2026, 5, 4, 9)
    )
    outcome = snooze(sent1, ams(2026, 5, 9, 12), POLICY, AMS, NL)  # Saturday noon + 2 days
    assert outcome.state is not None and outcome.state.until == ams(2026, 5, 11, 12)
    snoozed = replace(sent1, snooze=outcome.state)
    assert sweep(snoozed, ams(2026, 5, 11, 9)) == []
    [nudge] = sweep(snoozed, ams(2026, 5, 11, 12))
    assert nudge.step == 2


@pytest.mark.parametrize(
    ("view", "refusal"),
    [
        (person_due(date(2026, 5, 11)), SnoozeRefusal.NOTHING_TO_SNOOZE),
        (person_due(date(2026, 5, 11), last_nudge_key="2026-05-11:2"), SnoozeRefusal.LAST_REMINDER),
        (
            person_due(date(2026, 5, 11), last_nudge_key="2026-05-11:escalation"),
            SnoozeRefusal.LAST_REMINDER,
        ),
        (
            person_due(
                date(2026, 5, 11),
                last_nudge_key="2026-05-11:0",
                snooze=SnoozeState(date(2026, 5, 11), 1, 2, ams(2026, 4, 30, 10)),
            ),
            SnoozeRefusal.LIMIT_REACHED,
        ),
    ],
)
def test_snooze_refusals(view: PersonTrainingView, refusal: SnoozeRefusal) -> None:
    outcome = snooze(view, ams(2026, 4, 29, 10), POLICY, AMS, NL)
    assert not outcome.granted and outcome.refusal is refusal


def test_snooze_never_reaches_past_the_escalation() -> None:
    long_snooze = TrainingPolicy(snooze_length=timedelta(days=10))
    outcome = snooze(sent0(), ams(2026, 5, 8, 10), long_snooze, AMS, NL)
    assert outcome.refusal is SnoozeRefusal.TOO_CLOSE_TO_ESCALATION


def test_a_snooze_of_an_earlier_cycle_is_ignored() -> None:
    stale = SnoozeState(date(2025, 11, 11), step=1, count=2, until=ams(2026, 5, 20, 9))
    view = person_due(date(2026, 5, 11), last_nudge_key="2026-05-11:0", snooze=stale)
    assert snooze(view, ams(2026, 4, 28, 10), POLICY, AMS, NL).granted
    [nudge] = sweep(view, ams(2026, 5, 4, 9))
    assert nudge.step == 1


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31)),
    st.sampled_from([(NL, AMS), (BE, BRU)]),
)
def test_slots_are_office_moments_increasing_and_keyed_once(
    completed: datetime, place: tuple[Country, ZoneInfo]
) -> None:
    country, tz = place
    view = PersonTrainingView(
        "x",
        enrolled_at=completed.replace(tzinfo=UTC),
        last_completed_at=completed.replace(tzinfo=UTC),
    )
    slots = nudge_slots(view, POLICY, tz, country)
    calendar = work_calendar(country, tz, POLICY)
    assert all(calendar.is_office_moment(s.at) for s in slots)
    assert all(a.at < b.at for a, b in pairwise(slots))
    assert len({s.key for s in slots}) == len(slots) == POLICY.max_nudges + 1
    due = slots[0].due
    assert slots[0].at.date() >= due - timedelta(days=POLICY.nudge_lead_days)
