from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from handlers.incidents.clocks import (
    WHY_FROM_NOTIFICATION_DUE,
    WHY_PERSONAL_DATA_UNKNOWN,
    WHY_UNDECIDED,
    ClockInput,
    Deadline,
    DeadlineState,
    compute_deadlines,
)
from handlers.incidents.model import Recipient, ReportKind, TriState
from storage.enums import Country

from .helpers import AMS, BRU, local, utc


def by_kind(deadlines: list[Deadline]) -> dict[ReportKind, Deadline]:
    kinds = [d.kind for d in deadlines]
    assert len(kinds) == len(set(kinds)), kinds
    return {d.kind: d for d in deadlines}


def significant(tz: str, aware, **kw) -> ClockInput:
    country = Country.BE if tz == BRU else Country.NL
    kw.setdefault("personal_data", TriState.NO)
    return ClockInput(country=country, timezone=tz, aware_at=aware, significant=True, **kw)


# --- DST: awareness at 23:30 local on the Saturday night of a DST change


@pytest.mark.parametrize("tz", [AMS, BRU])
def test_spring_forward_saturday_night(tz: str) -> None:
    # Last Saturday of March 2026 is the 28th; clocks go 02:00 -> 03:00 on Sunday the 29th.
    aware = local(tz, 2026, 3, 28, 23, 30)
    assert aware.utcoffset() == timedelta(hours=1)
    got = by_kind(compute_deadlines(significant(tz, aware), now=aware))

    ew = got[ReportKind.EARLY_WARNING]
    assert ew.due_at == utc(2026, 3, 29, 22, 30)  # 24 real hours, not 23:30 wall time (21:30Z)
    assert ew.due_local(tz).replace(tzinfo=None).isoformat() == "2026-03-30T00:30:00"
    assert ew.due_local(tz).utcoffset() == timedelta(hours=2)

    notification = got[ReportKind.NOTIFICATION]
    assert notification.due_at == utc(2026, 3, 31, 22, 30)
    assert notification.due_local(tz).isoformat() == "2026-04-01T00:30:00+02:00"

    final = got[ReportKind.FINAL]  # provisional: one month from the notification's due time
    assert final.provisional
    assert final.provisional_reasons == (WHY_FROM_NOTIFICATION_DUE,)
    assert final.due_local(tz).isoformat() == "2026-05-01T00:30:00+02:00"
    assert final.due_at == utc(2026, 4, 30, 22, 30)
    assert not ew.provisional and not notification.provisional


@pytest.mark.parametrize("tz", [AMS, BRU])
def test_fall_back_saturday_night(tz: str) -> None:
    # The Saturday before the autumn change: 24 Oct 2026 (clocks go 03:00 -> 02:00 on the 25th).
    aware = local(tz, 2026, 10, 24, 23, 30)
    assert aware.utcoffset() == timedelta(hours=2)
    got = by_kind(compute_deadlines(significant(tz, aware), now=aware))

    assert got[ReportKind.EARLY_WARNING].due_at == utc(2026, 10, 25, 21, 30)
    assert got[ReportKind.EARLY_WARNING].due_local(tz).isoformat() == "2026-10-25T22:30:00+01:00"
    assert got[ReportKind.NOTIFICATION].due_at == utc(2026, 10, 27, 21, 30)
    assert got[ReportKind.NOTIFICATION].due_local(tz).isoformat() == "2026-10-27T22:30:00+01:00"
    assert got[ReportKind.FINAL].due_local(tz).isoformat() == "2026-11-27T22:30:00+01:00"
    assert got[ReportKind.FINAL].due_at == utc(2026, 11, 27, 21, 30)


@pytest.mark.parametrize("tz", [AMS, BRU])
def test_last_saturday_of_october_2026_literally(tz: str) -> None:
    # The calendar's last Saturday of October 2026 is the 31st, a week *after* the change.
    aware = local(tz, 2026, 10, 31, 23, 30)
    got = by_kind(compute_deadlines(significant(tz, aware), now=aware))
    assert got[ReportKind.EARLY_WARNING].due_at == utc(2026, 11, 1, 22, 30)
    assert got[ReportKind.EARLY_WARNING].due_local(tz).isoformat() == "2026-11-01T23:30:00+01:00"
    assert got[ReportKind.NOTIFICATION].due_at == utc(2026, 11, 3, 22, 30)
    assert got[ReportKind.FINAL].due_local(tz).isoformat() == "2026-12-03T23:30:00+01:00"


def test_month_across_dst_keeps_the_wall_time() -> None:
    aware = local(AMS, 2026, 2, 26, 10, 0)
    sent = {ReportKind.NOTIFICATION: local(AMS, 2026, 3, 1, 10, 0)}
    got = by_kind(compute_deadlines(significant(AMS, aware, sent=sent), now=aware))
    assert got[ReportKind.FINAL].due_local(AMS).isoformat() == "2026-04-01T10:00:00+02:00"
    assert got[ReportKind.FINAL].due_at == utc(2026, 4, 1, 8, 0)


# --- one month: calendar month, clamped


@pytest.mark.parametrize(
    ("sent_day", "expected"),
    [
        ((2026, 1, 31), "2026-02-28T12:00:00+01:00"),
        ((2028, 1, 31), "2028-02-29T12:00:00+01:00"),  # leap year
        ((2026, 3, 31), "2026-04-30T12:00:00+02:00"),
        ((2026, 12, 15), "2027-01-15T12:00:00+01:00"),  # across the year
    ],
)
def test_final_report_one_calendar_month_after_notification(sent_day, expected) -> None:
    sent_at = local(AMS, *sent_day, 12, 0)
    aware = sent_at - timedelta(hours=30)
    data = significant(AMS, aware, sent={ReportKind.NOTIFICATION: sent_at})
    final = by_kind(compute_deadlines(data, now=sent_at))[ReportKind.FINAL]
    assert final.due_local(AMS).isoformat() == expected
    assert not final.provisional


# --- the notification sent late moves the final report


def test_late_notification_moves_final_report() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    late = local(AMS, 2026, 11, 6, 14, 0)  # due was 5 Nov 09:00
    data = significant(AMS, aware, sent={ReportKind.NOTIFICATION: late})
    got = by_kind(compute_deadlines(data, now=local(AMS, 2026, 11, 7, 0, 0)))
    notification = got[ReportKind.NOTIFICATION]
    assert notification.due_local(AMS).isoformat() == "2026-11-05T09:00:00+01:00"
    assert notification.state == DeadlineState.MISSED
    assert notification.sent_at == late
    final = got[ReportKind.FINAL]
    assert final.due_local(AMS).isoformat() == "2026-12-06T14:00:00+01:00"
    assert not final.provisional


def test_final_report_moves_when_notification_is_sent() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    before = by_kind(compute_deadlines(significant(AMS, aware), now=aware))[ReportKind.FINAL]
    assert before.due_local(AMS).isoformat() == "2026-12-05T09:00:00+01:00"
    assert before.provisional
    sent = {ReportKind.NOTIFICATION: local(AMS, 2026, 11, 3, 16, 45)}
    after = by_kind(compute_deadlines(significant(AMS, aware, sent=sent), now=aware))
    assert after[ReportKind.FINAL].due_local(AMS).isoformat() == "2026-12-03T16:45:00+01:00"
    assert not after[ReportKind.FINAL].provisional


# --- still ongoing: progress report, then final one month after handling


def test_ongoing_without_handling_has_progress_and_no_final() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    sent = {ReportKind.NOTIFICATION: local(AMS, 2026, 11, 4, 15, 0)}
    data = significant(AMS, aware, sent=sent, ongoing_at_final=True)
    got = by_kind(compute_deadlines(data, now=aware))
    assert ReportKind.FINAL not in got
    progress = got[ReportKind.PROGRESS]
    assert progress.due_local(AMS).isoformat() == "2026-12-04T15:00:00+01:00"
    assert not progress.provisional


def test_ongoing_then_handled_final_one_month_after_handling() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    sent = {
        ReportKind.NOTIFICATION: local(AMS, 2026, 11, 4, 15, 0),
        ReportKind.PROGRESS: local(AMS, 2026, 12, 3, 11, 0),
    }
    handled = local(AMS, 2026, 12, 20, 17, 0)
    data = significant(AMS, aware, sent=sent, ongoing_at_final=True, handled_at=handled)
    got = by_kind(compute_deadlines(data, now=local(AMS, 2026, 12, 21, 9, 0)))
    assert got[ReportKind.PROGRESS].state == DeadlineState.MET
    final = got[ReportKind.FINAL]
    assert final.due_local(AMS).isoformat() == "2027-01-20T17:00:00+01:00"
    assert final.state == DeadlineState.OPEN


def test_ongoing_inferred_from_handled_after_the_final_due() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    sent = {ReportKind.NOTIFICATION: local(AMS, 2026, 11, 4, 15, 0)}
    late_handling = significant(AMS, aware, sent=sent, handled_at=local(AMS, 2026, 12, 10, 8, 0))
    got = by_kind(compute_deadlines(late_handling, now=aware))
    assert set(got) >= {ReportKind.PROGRESS, ReportKind.FINAL}
    assert got[ReportKind.FINAL].due_local(AMS).isoformat() == "2027-01-10T08:00:00+01:00"

    early_handling = significant(AMS, aware, sent=sent, handled_at=local(AMS, 2026, 11, 20, 8, 0))
    got = by_kind(compute_deadlines(early_handling, now=aware))
    assert ReportKind.PROGRESS not in got
    assert got[ReportKind.FINAL].due_local(AMS).isoformat() == "2026-12-04T15:00:00+01:00"


# --- intermediate report only on request


def test_intermediate_only_on_request() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    without = by_kind(compute_deadlines(significant(AMS, aware), now=aware))
    assert ReportKind.INTERMEDIATE not in without
    requested = local(AMS, 2026, 11, 12, 17, 0)
    data = significant(AMS, aware, intermediate_requested_due=requested)
    got = by_kind(compute_deadlines(data, now=aware))
    assert got[ReportKind.INTERMEDIATE].due_at == requested
    assert got[ReportKind.INTERMEDIATE].recipients == (
        Recipient.CSIRT,
        Recipient.COMPETENT_AUTHORITY,
    )


# --- significance


def test_undecided_shows_nis2_clocks_as_provisional() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    data = ClockInput(Country.NL, AMS, aware, significant=None, personal_data=TriState.NO)
    got = by_kind(compute_deadlines(data, now=aware))
    assert set(got) == {ReportKind.EARLY_WARNING, ReportKind.NOTIFICATION, ReportKind.FINAL}
    assert all(d.provisional for d in got.values())
    assert WHY_UNDECIDED in got[ReportKind.EARLY_WARNING].provisional_reasons
    assert got[ReportKind.EARLY_WARNING].due_at == aware.astimezone(UTC) + timedelta(hours=24)


def test_not_significant_has_no_nis2_clocks() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    data = ClockInput(Country.NL, AMS, aware, significant=False, personal_data=TriState.NO)
    assert compute_deadlines(data, now=aware) == []


# --- GDPR


@pytest.mark.parametrize(
    ("country", "tz", "recipient"),
    [(Country.NL, AMS, Recipient.AP), (Country.BE, BRU, Recipient.GBA)],
)
def test_gdpr_72_hours_to_the_dpa(country, tz, recipient) -> None:
    aware = local(tz, 2026, 3, 28, 23, 30)
    data = ClockInput(country, tz, aware, significant=False, personal_data=TriState.YES)
    (gdpr,) = compute_deadlines(data, now=aware)
    assert gdpr.kind == ReportKind.GDPR
    assert gdpr.due_at == utc(2026, 3, 31, 22, 30)
    assert gdpr.recipients == (recipient,)
    assert not gdpr.provisional


def test_gdpr_no_risk_recorded_removes_the_clock() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    data = ClockInput(
        Country.NL, AMS, aware, significant=False, personal_data=TriState.YES,
        gdpr_no_risk_recorded=True,
    )  # fmt: skip
    assert compute_deadlines(data, now=aware) == []


def test_gdpr_unknown_personal_data_is_provisional() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    data = ClockInput(Country.NL, AMS, aware, significant=False, personal_data=TriState.UNKNOWN)
    (gdpr,) = compute_deadlines(data, now=aware)
    assert gdpr.provisional
    assert gdpr.provisional_reasons == (WHY_PERSONAL_DATA_UNKNOWN,)


def test_gdpr_no_personal_data_no_clock() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    data = ClockInput(Country.NL, AMS, aware, significant=False, personal_data=TriState.NO)
    assert compute_deadlines(data, now=aware) == []


# --- recipients per country


def test_nl_reports_go_to_csirt_and_competent_authority() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    for d in compute_deadlines(significant(AMS, aware), now=aware):
        assert d.recipients == (Recipient.CSIRT, Recipient.COMPETENT_AUTHORITY)
        assert "Cbw" in d.basis


def test_be_reports_go_to_ccb() -> None:
    aware = local(BRU, 2026, 11, 2, 9, 0)
    for d in compute_deadlines(significant(BRU, aware), now=aware):
        assert d.recipients == (Recipient.CCB,)
        assert "Cbw" not in d.basis
    assert Recipient.CCB == "ccb"  # the keys are plain strings for storage


# --- states


def test_states_open_met_missed() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    sent = {ReportKind.EARLY_WARNING: aware + timedelta(hours=23, minutes=59)}
    data = significant(AMS, aware, sent=sent)

    at_48h = by_kind(compute_deadlines(data, now=aware + timedelta(hours=48)))
    assert at_48h[ReportKind.EARLY_WARNING].state == DeadlineState.MET
    assert at_48h[ReportKind.NOTIFICATION].state == DeadlineState.OPEN

    at_72h = by_kind(compute_deadlines(data, now=aware + timedelta(hours=72)))
    assert at_72h[ReportKind.NOTIFICATION].state == DeadlineState.OPEN  # due at, not after

    after = by_kind(compute_deadlines(data, now=aware + timedelta(hours=72, seconds=1)))
    assert after[ReportKind.NOTIFICATION].state == DeadlineState.MISSED
    assert after[ReportKind.NOTIFICATION].sent_at is None


def test_sent_exactly_at_due_is_met_and_one_second_late_is_missed() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    on_time = {ReportKind.EARLY_WARNING: aware + timedelta(hours=24)}
    late = {ReportKind.EARLY_WARNING: aware + timedelta(hours=24, seconds=1)}
    now = aware + timedelta(days=2)
    ew = by_kind(compute_deadlines(significant(AMS, aware, sent=on_time), now=now))
    assert ew[ReportKind.EARLY_WARNING].state == DeadlineState.MET
    ew = by_kind(compute_deadlines(significant(AMS, aware, sent=late), now=now))
    assert ew[ReportKind.EARLY_WARNING].state == DeadlineState.MISSED


def test_sorted_by_due_time_and_all_utc() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    data = ClockInput(Country.NL, AMS, aware, significant=True, personal_data=TriState.YES)
    got = compute_deadlines(data, now=aware)
    assert [d.kind for d in got] == [
        ReportKind.EARLY_WARNING,
        ReportKind.NOTIFICATION,
        ReportKind.GDPR,
        ReportKind.FINAL,
    ]
    assert all(d.due_at.utcoffset() == timedelta(0) for d in got)


def test_naive_datetimes_are_refused() -> None:
    aware = local(AMS, 2026, 11, 2, 9, 0)
    with pytest.raises(ValueError, match="aware"):
        compute_deadlines(significant(AMS, aware.replace(tzinfo=None)), now=aware)
    with pytest.raises(ValueError, match="aware"):
        compute_deadlines(significant(AMS, aware), now=aware.replace(tzinfo=None))
