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


# --- issue 13: random incident histories --------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    aware=moments,
    zone=st.sampled_from(ZONES),
    country=st.sampled_from(list(Country)),
    mandatory=st.booleans(),
    significant=st.sampled_from([None, True]),
    early_delay=st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5)),
    notification_delay=st.none()
    | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
    progress_delay=st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90)),
    handled_delay=st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    final_delay=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=500)),
    ongoing=st.sampled_from([None, True, False]),
    intermediate=st.none()
    | st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=30)),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=800)),
)
def test_no_nis2_deadline_stays_open_once_the_final_report_is_sent(
    aware, zone, country, mandatory, significant, early_delay, notification_delay,
    progress_delay, handled_delay, final_delay, ongoing, intermediate, later,
) -> None:  # fmt: skip
    """A history in the order the law knows: early warning, notification (each possibly late), a
    progress report or not, an intermediate report if one was asked for, then the final report."""
    aware_utc = aware.astimezone(UTC)
    early = aware_utc + (early_delay or timedelta(0))
    notified = early + (notification_delay or timedelta(0))
    sent = {
        ReportKind.EARLY_WARNING: early,
        ReportKind.NOTIFICATION: notified,
        ReportKind.FINAL: notified + final_delay,
    }
    if progress_delay is not None:
        sent[ReportKind.PROGRESS] = min(notified + progress_delay, sent[ReportKind.FINAL])
    if intermediate is not None:
        sent[ReportKind.INTERMEDIATE] = notified + min(intermediate, final_delay)
    data = ClockInput(
        country=country,
        timezone=zone,
        aware_at=aware,
        significant=significant,
        sent=sent,
        intermediate_requested_due=None if intermediate is None else aware_utc + intermediate,
        ongoing_at_final=ongoing,
        handled_at=None if handled_delay is None else aware_utc + handled_delay,
        nis2_mandatory=mandatory,
    )
    now = max(sent.values()) + later
    nis2 = [d for d in compute_deadlines(data, now) if d.kind != ReportKind.GDPR]
    assert [d for d in nis2 if d.sent_at is None] == []
    assert all(d.voluntary is (not mandatory) for d in nis2)
    assert any(d.kind == ReportKind.FINAL for d in nis2)


@settings(max_examples=300, deadline=None)
@given(
    aware=moments,
    zone=st.sampled_from(ZONES),
    start_offset=st.none()
    | st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=30)),
    correction=st.timedeltas(min_value=timedelta(days=-10), max_value=timedelta(days=10)),
)
def test_no_draft_shows_a_start_later_than_awareness(aware, zone, start_offset, correction) -> None:
    """A start recorded at any moment, then awareness corrected either way: the early warning's
    'Started at' is never later than its 'Became aware at'."""
    from handlers.incidents.drafts import IncidentDraftData, render_draft, start_shown
    from handlers.incidents.model import Category
    from handlers.reply import to_plain_text

    aware_utc = aware.astimezone(UTC)
    started = None if start_offset is None else aware_utc + start_offset
    corrected = aware_utc + correction
    data = IncidentDraftData(
        reference="INC-2026-0001",
        organisation="Gemeente Proef",
        country=Country.NL,
        timezone=zone,
        category=Category.MALWARE_RANSOMWARE,
        aware_at=corrected,
        occurred_at=start_shown(started, corrected),
    )
    text = to_plain_text(render_draft(ReportKind.EARLY_WARNING, data, "en"))
    line = next(x for x in text.splitlines() if x.startswith("Started at:"))
    if data.occurred_at is None:
        assert "[to be completed]" in line
    else:
        assert data.occurred_at <= corrected
        assert started is not None and started <= corrected
