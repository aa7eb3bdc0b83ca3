from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.i18n import t
from handlers.incidents.when import CLOCK_SKEW, ParseError, ParseErrorReason, parse_when

from .helpers import AMS, BRU, local

# Wednesday 25 November 2026, 16:45 in Amsterdam.
NOW = local(AMS, 2026, 11, 25, 16, 45)


def parse(text: str, now: datetime = NOW, tz: str = AMS) -> datetime | ParseError:
    return parse_when(text, now=now, timezone=tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nu", "2026-11-25T16:45"),
        ("net", "2026-11-25T16:45"),
        ("zojuist", "2026-11-25T16:45"),
        ("vanochtend 9:15", "2026-11-25T09:15"),
        ("vanmiddag", "2026-11-25T12:00"),  # a day part without a time: its start
        ("gisteren 14:00", "2026-11-24T14:00"),
        ("gisteravond", "2026-11-24T18:00"),
        ("eergisteren", "2026-11-23T00:00"),  # a day without a time: 00:00
        ("maandag 10:00", "2026-11-23T10:00"),
        ("21-11 8:30", "2026-11-21T08:30"),
        ("21 november 08:30", "2026-11-21T08:30"),
        ("now", "2026-11-25T16:45"),
        ("this morning 9:15", "2026-11-25T09:15"),
        ("yesterday 2pm", "2026-11-24T14:00"),
        ("an hour ago", "2026-11-25T15:45"),
        ("een uur geleden", "2026-11-25T15:45"),
        ("10 minuten geleden", "2026-11-25T16:35"),
    ],
)
def test_phrases_from_the_brief(text: str, expected: str) -> None:
    got = parse(text)
    assert isinstance(got, datetime), got
    assert got.tzinfo is not None
    assert got.replace(tzinfo=None).isoformat(timespec="minutes") == expected
    assert got.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vanochtend 9:15", "2026-11-25T09:15"),  # case
        ("  gisteren   om 14:00 ", "2026-11-24T14:00"),
        ("vanmorgen om half negen", "2026-11-25T08:30"),  # Dutch "half negen" is 8:30
        ("vanavond 9 uur", None),  # 21:00, still in the future at 16:45
        ("gisteravond 9 uur", "2026-11-24T21:00"),
        ("gisteren om 9 uur 's avonds", "2026-11-24T21:00"),
        ("vannacht 3:00", "2026-11-25T03:00"),
        ("vannacht 23:30", "2026-11-24T23:30"),  # the night that began yesterday
        ("14u30", "2026-11-25T14:30"),  # Flemish
        ("gisteren 14u", "2026-11-24T14:00"),
        ("om 14.30", "2026-11-25T14:30"),
        ("21.11 8:30", "2026-11-21T08:30"),  # dotted date
        ("woensdag 10:00", "2026-11-25T10:00"),  # today's weekday means today
        ("woensdag 17:00", "2026-11-18T17:00"),  # later than now: last week's
        ("maandagochtend", "2026-11-23T06:00"),
        ("monday morning 9:00", "2026-11-23T09:00"),
        ("vorige week dinsdag", "2026-11-17T00:00"),
        ("last night", "2026-11-24T18:00"),
        ("23:30", "2026-11-24T23:30"),  # a bare time later than now: yesterday
        ("een half uur geleden", "2026-11-25T16:15"),
        ("anderhalf uur geleden", "2026-11-25T15:15"),
        ("an hour and a half ago", "2026-11-25T15:15"),
        ("een kwartier geleden", "2026-11-25T16:30"),
        ("5 min geleden", "2026-11-25T16:40"),
    ],
)
def test_more_phrases(text: str, expected: str | None) -> None:
    got = parse(text)
    if expected is None:
        assert isinstance(got, ParseError) and got.reason == ParseErrorReason.FUTURE
    else:
        assert isinstance(got, datetime), got
        assert got.replace(tzinfo=None).isoformat(timespec="minutes") == expected


def test_brussels_and_seconds_floored() -> None:
    now = local(BRU, 2026, 11, 25, 16, 45, 42)
    got = parse("nu", now=now, tz=BRU)
    assert got == local(BRU, 2026, 11, 25, 16, 45)
    assert str(got.tzinfo) == BRU  # type: ignore[union-attr]


def test_ago_is_elapsed_time_across_fall_back() -> None:
    # 03:30 CET on 25 Oct 2026, just after 03:00 CEST became 02:00 CET.
    now = local(AMS, 2026, 10, 25, 3, 30)
    got = parse("een uur geleden", now=now)
    assert isinstance(got, datetime)
    # Same-zone subtraction in Python is wall-clock; compare in UTC for real elapsed time.
    assert now.astimezone(UTC) - got.astimezone(UTC) == timedelta(hours=1)
    assert got.isoformat() == "2026-10-25T02:30:00+01:00"  # the second 02:30


def test_ago_is_elapsed_time_across_spring_forward() -> None:
    now = local(AMS, 2026, 3, 29, 3, 30)  # CEST, just after 02:00 CET became 03:00
    got = parse("an hour ago", now=now)
    assert isinstance(got, datetime)
    assert now.astimezone(UTC) - got.astimezone(UTC) == timedelta(hours=1)
    assert got.isoformat() == "2026-03-29T01:30:00+01:00"


def test_wall_time_in_the_skipped_hour_takes_the_earlier_reading() -> None:
    # "Never later" (issue 13): 02:30 did not exist that night; of its two readings (01:30 UTC with
    # the old offset, 00:30 UTC with the new one) the earlier, shown as 01:30 CET.
    got = parse("29-03 2:30", now=local(AMS, 2026, 3, 30, 12, 0))
    assert isinstance(got, datetime)
    assert got.isoformat() == "2026-03-29T01:30:00+01:00"


def test_ambiguous_wall_time_takes_the_first() -> None:
    got = parse("25-10 2:30", now=local(AMS, 2026, 10, 26, 12, 0))
    assert isinstance(got, datetime)
    assert got.isoformat() == "2026-10-25T02:30:00+02:00"


def test_bare_time_after_midnight_is_yesterday() -> None:
    got = parse("om 23:30", now=local(AMS, 2026, 11, 25, 1, 0))
    assert isinstance(got, datetime)
    assert got == local(AMS, 2026, 11, 24, 23, 30)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("morgen 10:00", ParseErrorReason.FUTURE),
        ("tomorrow", ParseErrorReason.FUTURE),
        ("in 2 hours", ParseErrorReason.FUTURE),
        ("vanavond", ParseErrorReason.FUTURE),
        ("1-1-2020", ParseErrorReason.TOO_OLD),
        ("24 november 2025 08:00", ParseErrorReason.TOO_OLD),  # a year and a day
        ("blablabla", ParseErrorReason.UNPARSABLE),
        ("12", ParseErrorReason.UNPARSABLE),  # a bare number is ambiguous
        ("0915", ParseErrorReason.UNPARSABLE),
        ("", ParseErrorReason.UNPARSABLE),
        ("   ", ParseErrorReason.UNPARSABLE),
        ("x" * 20_000, ParseErrorReason.UNPARSABLE),
        ("gisteren " * 30, ParseErrorReason.UNPARSABLE),  # too long for a time
        ("🔥🔥🔥", ParseErrorReason.UNPARSABLE),
        ("\x00\x01\x02", ParseErrorReason.UNPARSABLE),
        ("<script>alert(1)</script>", ParseErrorReason.UNPARSABLE),
    ],
)
def test_bad_input_is_an_error_not_an_exception(text: str, reason: ParseErrorReason) -> None:
    got = parse(text)
    assert isinstance(got, ParseError), got
    assert got.reason == reason
    assert got.text("nl") and got.text("en")
    assert got.text("nl") != got.text("en")


def test_skew_of_a_few_minutes_is_allowed() -> None:
    got = parse("16:49")
    assert isinstance(got, datetime) and got == local(AMS, 2026, 11, 25, 16, 49)
    assert timedelta(minutes=5) == CLOCK_SKEW


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01gisteren\x7f 14:00",  # control characters
        "gisteren\u202e 14:00",  # right-to-left override
        "gisteren\u200b 14:00",  # zero-width space
        "２１-１１ ８:３０",  # full-width digits
        "𝟐𝟏-𝟏𝟏 8:30",  # mathematical digits
    ],
)
def test_odd_unicode_is_cleaned(text: str) -> None:
    got = parse(text)
    assert isinstance(got, datetime), got
    assert got.date().isoformat() in ("2026-11-24", "2026-11-21")


def test_non_string_input_does_not_raise() -> None:
    assert isinstance(parse(None), ParseError)  # type: ignore[arg-type]
    assert isinstance(parse(12), ParseError)  # type: ignore[arg-type]


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("nu", now=NOW.replace(tzinfo=None), timezone=AMS)


def test_error_messages_are_translated() -> None:
    got = parse("morgen")
    assert isinstance(got, ParseError)
    assert got.text("nl") == t("nl", got.message)
    assert "toekomst" in got.text("nl")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_never_raises_and_result_is_plausible(text: str) -> None:
    got = parse(text)
    if isinstance(got, datetime):
        assert got.tzinfo is not None
        assert got <= NOW + CLOCK_SKEW
        assert got >= NOW - timedelta(days=366)
    else:
        assert isinstance(got, ParseError)


TOKENS = [
    "gisteren", "vanochtend", "vanmiddag", "vanavond", "vannacht", "eergisteren", "maandag",
    "zondagavond", "'s avonds", "om", "half", "tien", "uur", "geleden", "minuten", "een", "10",
    "14:00", "9:15", "23:59", "0:00", "14u30", "8.30", "21-11", "31-02", "29-02", "november",
    "yesterday", "this", "morning", "2pm", "an", "hour", "ago", "last", "night", "week", "vorige",
    "dinsdag", "25", "2026", "2025", "-", "/", ".", "morgen", "tomorrow", "now", "nu", "in",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6),
    now=st.datetimes(
        min_value=datetime(2020, 1, 1),
        max_value=datetime(2040, 1, 1),
        timezones=st.just(ZoneInfo(AMS)),
    ),
)
def test_token_soup_never_raises(words: list[str], now: datetime) -> None:
    got = parse_when(" ".join(words), now=now, timezone=AMS)
    if isinstance(got, datetime):
        assert got.astimezone(UTC) <= now.astimezone(UTC) + CLOCK_SKEW
        assert got.astimezone(UTC) >= now.astimezone(UTC) - timedelta(days=367)
    else:
        assert isinstance(got, ParseError)


# --- issue 13: the phrases people used, and the DST rules ---------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gisteren rond half 3", "2026-11-22T14:30:00+01:00"),
        ("gisteren om half drie", "2026-11-22T14:30:00+01:00"),  # not 02:30
        ("gister 14:00", "2026-11-22T14:00:00+01:00"),
        ("afgelopen vrijdag", "2026-11-20T00:00:00+01:00"),
        ("afgelopen vrijdag 10:00", "2026-11-20T10:00:00+01:00"),
        ("vannacht half drie", "2026-11-23T02:30:00+01:00"),  # a day part keeps the night
        ("vanochtend half negen", "2026-11-23T08:30:00+01:00"),
    ],
)
def test_the_phrases_people_used(text: str, expected: str) -> None:
    got = parse(text, now=local(AMS, 2026, 11, 23, 13, 0))
    assert isinstance(got, datetime), got
    assert got.isoformat() == expected


@pytest.mark.parametrize("now_utc_minute", [(0, 50), (1, 10), (1, 50)])
def test_a_bare_time_in_the_repeated_autumn_hour_is_accepted(now_utc_minute) -> None:  # type: ignore[no-untyped-def]
    # 25 Oct 2026: 02:00-03:00 happens twice; said at 02:50 CEST, 02:10 CET or 02:50 CET.
    hour, minute = now_utc_minute
    now = datetime(2026, 10, 25, hour, minute, tzinfo=UTC)
    got = parse("02:45", now=now)
    assert isinstance(got, datetime), got
    # Its first occurrence (the earlier moment), unless that is still to come.
    assert got.isoformat() == "2026-10-25T02:45:00+02:00"


def test_a_final_report_due_in_the_spring_gap_is_never_later() -> None:
    from handlers.incidents.timeutil import add_months, zone

    # Two months after 29 Jan 2026 02:30 CET is
    # 29 Mar 2026 02:30, which does not exist (clocks jump from 02:00 to 03:00).
    sent = local(AMS, 2026, 1, 29, 2, 30)
    due = add_months(sent, 2, zone(AMS))
    assert due == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, not 03:30 CEST


def test_times_are_shown_without_an_offset_unless_the_wall_time_is_ambiguous() -> None:
    from handlers.incidents.timeutil import format_local, zone

    ams = zone(AMS)
    assert format_local(datetime(2026, 11, 23, 8, 15, tzinfo=UTC), ams) == "23-11-2026 09:15"
    assert format_local(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), ams) == "29-03-2026 03:30"
    # The autumn hour that happens twice: the offset tells the two 02:30s apart.
    first = format_local(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), ams)
    second = format_local(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), ams)
    assert (first, second) == ("25-10-2026 02:30 (UTC+02:00)", "25-10-2026 02:30 (UTC+01:00)")
