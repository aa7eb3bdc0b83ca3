"""Property tests: whatever the moment and zone, the clocks keep the law's arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.incidents.clocks import ClockInput, compute_deadlines
from handlers.incidents.model import ReportKind, TriState
from handlers.incidents.reference import format_reference, parse_reference
from storage.enums import Country

ZONES = ["Europe/Amsterdam", "Europe/Brussels", "UTC", "America/New_York", "Australia/Lord_Howe"]

moments = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([ZoneInfo(z) for z in ZONES]),
)


@settings(max_examples=500, deadline=None)
@given(
    aware=moments,
    zone=st.sampled_from(ZONES),
    country=st.sampled_from(list(Country)),
    significant=st.sampled_from([None, True]),
    personal=st.sampled_from(list(TriState)),
    notification_delay=st.none()
    | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
    ongoing=st.sampled_from([None, True, False]),
    handled_delay=st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
)
def test_deadlines_after_awareness_and_exact_hours(
    aware, zone, country, significant, personal, notification_delay, ongoing, handled_delay
) -> None:
    # Offsets in UTC: aware + timedelta on a ZoneInfo datetime would be wall-clock arithmetic.
    aware_utc = aware.astimezone(UTC)
    sent = {}
    if notification_delay is not None:
        sent[ReportKind.NOTIFICATION] = aware_utc + notification_delay
    data = ClockInput(
        country=country,
        timezone=zone,
        aware_at=aware,
        significant=significant,
        personal_data=personal,
        sent=sent,
        ongoing_at_final=ongoing,
        handled_at=None if handled_delay is None else aware_utc + handled_delay,
    )
    deadlines = compute_deadlines(data, now=aware)
    by_kind = {d.kind: d for d in deadlines}

    for d in deadlines:
        assert d.due_at > aware_utc
        assert d.due_at.tzinfo is UTC
    # Exactly 24 and 72 elapsed hours, whatever the zone and DST.
    assert by_kind[ReportKind.EARLY_WARNING].due_at - aware_utc == timedelta(hours=24)
    assert by_kind[ReportKind.NOTIFICATION].due_at - aware_utc == timedelta(hours=72)
    if ReportKind.GDPR in by_kind:
        assert by_kind[ReportKind.GDPR].due_at - aware_utc == timedelta(hours=72)
        assert personal != TriState.NO
    # One calendar month is between 28 and 31 days (give or take a DST hour).
    month_anchor = sent.get(ReportKind.NOTIFICATION, aware_utc + timedelta(hours=72))
    month_due = by_kind.get(ReportKind.PROGRESS, by_kind.get(ReportKind.FINAL))
    assert month_due is not None
    span = month_due.due_at - month_anchor
    assert timedelta(days=28, hours=-1) <= span <= timedelta(days=31, hours=1)
    assert [d.due_at for d in deadlines] == sorted(d.due_at for d in deadlines)


@given(year=st.integers(2000, 9999), sequence=st.integers(1, 10**9 - 1))
def test_reference_round_trip(year: int, sequence: int) -> None:
    text = format_reference(year, sequence)
    assert len(text.rsplit("-", 1)[1]) >= 4
    ref = parse_reference(text)
    assert ref is not None and (ref.year, ref.sequence) == (year, sequence)
    assert str(ref) == text
