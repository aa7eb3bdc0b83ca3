"""The college's certificate duty (Cbw art. 24): deadlines, states, reminders, Belgium."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.training.college import (
    CBW_ART24_IN_FORCE,
    NOT_APPLICABLE_BE,
    NOT_APPLICABLE_ROLE,
    Audience,
    CollegeCertificate,
    CollegeMember,
    CollegeRules,
    CollegeState,
    college_duty,
    deadline_for,
    due_college_reminders,
    not_applicable_reason,
)
from handlers.training.policy import TrainingPolicy
from storage.enums import Country, Role

AMS = ZoneInfo("Europe/Amsterdam")
NL = Country.NL

# Elections in March 2030; the new alderwoman takes office on 20 May 2030 and succeeds "old".
NEW = CollegeMember("new", Role.ALDERMAN, date(2030, 5, 20))
PREDECESSOR_CERT = CollegeCertificate("old", date(2027, 3, 1), "NIS2-X")


def test_sitting_members_have_until_two_years_after_entry_into_force() -> None:
    mayor = CollegeMember("m", Role.MAYOR, date(2021, 9, 1))
    assert date(2026, 8, 15) == CBW_ART24_IN_FORCE
    assert deadline_for(mayor) == date(2028, 8, 15)


def test_later_appointments_get_their_own_two_years() -> None:
    assert deadline_for(NEW) == date(2032, 5, 20)
    assert deadline_for(NEW, CollegeRules(art24_in_force=date(2027, 1, 1))) == date(2032, 5, 20)


def test_predecessors_certificate_does_not_count() -> None:
    duty = college_duty(NEW, [PREDECESSOR_CERT], date(2030, 6, 1), NL)
    assert duty is not None
    assert duty.state is CollegeState.PENDING and duty.certificate is None


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2031, 11, 19), CollegeState.PENDING),
        (date(2031, 11, 20), CollegeState.DUE_SOON),  # six months before the deadline
        (date(2032, 5, 20), CollegeState.DUE_SOON),  # the deadline day is still in time
        (date(2032, 5, 21), CollegeState.OVERDUE),
    ],
)
def test_states_over_time(today: date, state: CollegeState) -> None:
    duty = college_duty(NEW, [PREDECESSOR_CERT], today, NL)
    assert duty is not None and duty.state is state


def test_own_certificate_counts_also_from_before_the_appointment() -> None:
    re_elected = CollegeMember("w", Role.ALDERMAN, date(2030, 5, 20))
    earlier = CollegeCertificate("w", date(2027, 10, 1), "NIS2-A")
    duty = college_duty(re_elected, [earlier, PREDECESSOR_CERT], date(2033, 1, 1), NL)
    assert duty is not None and duty.state is CollegeState.OK and duty.certificate == earlier
    assert duty.reminders == ()


def test_only_an_art24_training_counts_and_not_a_future_one() -> None:
    quiz = CollegeCertificate("new", date(2030, 6, 1), "NIS2-Q", covers_art24=False)
    future = CollegeCertificate("new", date(2031, 1, 1), "NIS2-F")
    duty = college_duty(NEW, [quiz, future], date(2030, 7, 1), NL)
    assert duty is not None and duty.state is CollegeState.PENDING
    later = college_duty(NEW, [quiz, future], date(2031, 1, 1), NL)
    assert later is not None and later.certificate == future


def test_most_recent_certificate_is_shown_and_max_age_can_expire_it() -> None:
    first = CollegeCertificate("new", date(2030, 6, 1), "NIS2-1")
    second = CollegeCertificate("new", date(2031, 6, 1), "NIS2-2")
    duty = college_duty(NEW, [first, second], date(2031, 7, 1), NL)
    assert duty is not None and duty.certificate == second
    strict = CollegeRules(certificate_max_age_months=36)
    expired = college_duty(NEW, [first], date(2033, 6, 2), NL, strict)
    assert expired is not None and expired.state is CollegeState.OVERDUE


def test_belgium_and_other_roles_are_not_applicable() -> None:
    flemish_mayor = CollegeMember("b", Role.MAYOR, date(2025, 1, 1))
    assert college_duty(flemish_mayor, [], date(2027, 1, 1), Country.BE) is None
    assert not_applicable_reason(Country.BE, Role.MAYOR) == NOT_APPLICABLE_BE
    secretary = CollegeMember("s", Role.SECRETARY, date(2025, 1, 1))
    assert college_duty(secretary, [], date(2027, 1, 1), NL) is None
    assert not_applicable_reason(NL, Role.SECRETARY) == NOT_APPLICABLE_ROLE
    assert not_applicable_reason(NL, Role.ALDERMAN) is None


def test_reminder_moments_and_keys() -> None:
    duty = college_duty(NEW, [], date(2030, 6, 1), NL)
    assert duty is not None
    moments = sorted({(r.on, r.months_before) for r in duty.reminders})
    assert moments == [
        (date(2031, 5, 20), 12),
        (date(2031, 11, 20), 6),
        (date(2032, 2, 20), 3),
        (date(2032, 4, 20), 1),
        (date(2032, 5, 21), 0),
    ]
    assert {r.audience for r in duty.reminders} == {Audience.MEMBER, Audience.SECRETARY}
    keys = [r.key for r in duty.reminders]
    assert len(set(keys)) == len(keys) == 10
    assert "college:new:2032-05-20:12m:member" in keys
    assert "college:new:2032-05-20:overdue:secretary" in keys
    again = college_duty(NEW, [], date(2031, 1, 1), NL)
    assert again is not None and [r.key for r in again.reminders] == keys


def sweep(
    today: date, now: datetime, certificates: list[CollegeCertificate] | None = None
) -> list[str]:
    duty = college_duty(NEW, certificates or [], today, NL)
    return [r.key for r in due_college_reminders([duty], now, TrainingPolicy(), AMS)]


def test_due_reminders_latest_moment_for_member_and_secretary() -> None:
    assert sweep(date(2031, 5, 19), datetime(2031, 5, 19, 10, tzinfo=AMS)) == []
    # 20 May 2031 is a Tuesday: the one-year reminder goes out at 09:00.
    assert sweep(date(2031, 5, 20), datetime(2031, 5, 20, 9, tzinfo=AMS)) == [
        "college:new:2032-05-20:12m:member",
        "college:new:2032-05-20:12m:secretary",
    ]
    # Between the 6- and 3-month moments only the 6-month pair is current (no backlog).
    assert sweep(date(2032, 1, 5), datetime(2032, 1, 5, 10, tzinfo=AMS)) == [
        "college:new:2032-05-20:6m:member",
        "college:new:2032-05-20:6m:secretary",
    ]


def test_due_reminders_wait_for_office_hours_and_skip_weekends() -> None:
    # The 3-month moment, Friday 20 February 2032: nothing before 09:00, nothing on Saturday.
    assert sweep(date(2032, 2, 20), datetime(2032, 2, 20, 8, 59, tzinfo=AMS)) == []
    assert sweep(date(2032, 2, 20), datetime(2032, 2, 20, 9, 0, tzinfo=AMS)) == [
        "college:new:2032-05-20:3m:member",
        "college:new:2032-05-20:3m:secretary",
    ]
    assert sweep(date(2032, 2, 21), datetime(2032, 2, 21, 10, tzinfo=AMS)) == []


def test_certified_members_get_no_reminders() -> None:
    certificate = CollegeCertificate("new", date(2031, 3, 1), "NIS2-C")
    assert sweep(date(2031, 6, 1), datetime(2031, 6, 2, 10, tzinfo=AMS), [certificate]) == []
