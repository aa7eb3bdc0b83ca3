"""The messages people see: both languages, names escaped, dates written out."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.reply import to_plain_text
from handlers.training.bank import Topic
from handlers.training.college import (
    Audience,
    CollegeMember,
    CollegeState,
    college_duty,
)
from handlers.training.quiz import QuizResult
from handlers.training.schedule import Nudge, NudgeKind, SnoozeOutcome, SnoozeRefusal, SnoozeState
from handlers.training.texts import (
    college_reminder_message,
    college_state_label,
    days_text,
    escalation_message,
    format_day,
    format_moment,
    nudge_message,
    quiz_result_message,
    snooze_reply,
    topic_label,
)
from storage.enums import Country, Role

AMS = ZoneInfo("Europe/Amsterdam")


def nudge(step: int, at: datetime, kind: NudgeKind = NudgeKind.REMINDER) -> Nudge:
    return Nudge("p1", kind, date(2026, 5, 11), step, at)


def test_dates_per_language() -> None:
    assert format_day(date(2026, 11, 2), "nl") == "2 november 2026"
    assert format_day(date(2026, 11, 2), "en") == "2 November 2026"
    assert (
        format_moment(datetime(2026, 11, 2, 9, 0, tzinfo=AMS), "nl") == "maandag 2 november, 09:00"
    )
    assert (
        format_moment(datetime(2026, 11, 2, 9, 0, tzinfo=AMS), "en") == "Monday 2 November, 09:00"
    )
    assert days_text("nl", 1) == "1 dag" and days_text("nl", 13) == "13 dagen"
    assert days_text("en", 1) == "1 day" and days_text("en", 0) == "0 days"


def test_first_nudge_in_both_languages_escapes_the_name() -> None:
    first = nudge(0, datetime(2026, 4, 28, 9, tzinfo=AMS))
    today = date(2026, 4, 28)
    nl = nudge_message(first, "nl", name="<Zoë & co>", max_nudges=3, today=today)
    assert "&lt;Zoë &amp; co&gt;" in nl
    assert "<b>11 mei 2026</b>" in nl and "nog 13 dagen" in nl and "80 %" in nl
    assert "laatste herinnering" not in nl
    en = to_plain_text(nudge_message(first, "en", name="Zoë", max_nudges=3, today=today))
    assert en.startswith("Hello Zoë,") and "due by 11 May 2026 (13 days left)" in en


def test_last_nudge_on_the_due_day_and_after_it() -> None:
    on_due = nudge_message(
        nudge(2, datetime(2026, 5, 11, 9, tzinfo=AMS)),
        "nl",
        name="Bob",
        max_nudges=3,
        today=date(2026, 5, 11),
    )
    assert "<b>vandaag</b>" in on_due and "laatste herinnering" in on_due
    late = nudge_message(
        nudge(2, datetime(2026, 5, 12, 9, tzinfo=AMS)),
        "en",
        name="Bob",
        max_nudges=3,
        today=date(2026, 5, 12),
    )
    assert "was due by" in late and "last reminder" in late


def test_escalation_names_person_and_department_and_says_it_is_own_policy() -> None:
    message = escalation_message(
        nudge(3, datetime(2026, 5, 18, 9, tzinfo=AMS), NudgeKind.ESCALATION),
        "nl",
        name="Bob",
        department="ICT",
    )
    assert message.startswith("<b>Training niet afgerond</b>")
    assert (
        "Bob (ICT)" in message and "11 mei 2026" in message and "eigen trainingsbeleid" in message
    )
    en = escalation_message(
        nudge(3, datetime(2026, 5, 18, 9, tzinfo=AMS)), "en", name="Bob", department=None
    )
    assert "Bob has not completed" in en and "not from the law" in en


def test_snooze_replies() -> None:
    granted = SnoozeOutcome(
        SnoozeState(date(2026, 5, 11), 1, 1, datetime(2026, 4, 30, 10, tzinfo=AMS))
    )
    assert (
        snooze_reply(granted, "nl")
        == "Goed. Ik herinner je er weer aan op donderdag 30 april, 10:00."
    )
    assert (
        snooze_reply(granted, "en")
        == "Fine. I&#39;ll remind you again on Thursday 30 April, 10:00."
    )
    for refusal in SnoozeRefusal:
        assert snooze_reply(SnoozeOutcome(None, refusal), "nl") != snooze_reply(
            SnoozeOutcome(None, refusal), "en"
        )


def test_quiz_result_messages() -> None:
    passed = quiz_result_message(QuizResult(8, 10, True, ("a", "b")), "nl", pass_mark=80)
    assert passed == "Geslaagd: 8 van de 10 goed (80 %). Je certificaat volgt."
    failed = quiz_result_message(QuizResult(7, 10, False, ("a", "b", "c")), "en", pass_mark=80)
    assert "7 of 10 correct (70 %); you need 80 %" in failed


@pytest.mark.parametrize(
    ("today", "months", "nl_part", "en_part"),
    [
        (date(2031, 5, 20), 12, "nog een jaar", "one year from now"),
        (date(2031, 11, 20), 6, "nog 6 maanden", "6 months from now"),
        (date(2032, 4, 20), 1, "nog een maand", "one month from now"),
        (date(2032, 5, 21), 0, "verstreken", "passed on"),
    ],
)
def test_college_reminders(today: date, months: int, nl_part: str, en_part: str) -> None:
    member = CollegeMember("w", Role.ALDERMAN, date(2030, 5, 20))
    duty = college_duty(member, [], today, Country.NL)
    assert duty is not None
    reminders = {r.audience: r for r in duty.reminders if r.months_before == months}
    to_member = college_reminder_message(
        reminders[Audience.MEMBER], duty, "nl", member_name="Mw. de Vries"
    )
    assert (
        to_member.startswith("Beste Mw. de Vries,")
        and "art. 24" in to_member
        and nl_part in to_member
    )
    to_secretary = college_reminder_message(
        reminders[Audience.SECRETARY], duty, "en", member_name="Ms de Vries"
    )
    assert (
        to_secretary.startswith("<b>College certificate duty (Cbw art. 24)</b>")
        and en_part in to_secretary
    )


def test_labels() -> None:
    assert topic_label(Topic.REMOTE_WORK, "nl") == "Thuis en onderweg werken"
    assert topic_label(Topic.REMOTE_WORK, "en") == "Working remotely"
    assert college_state_label(CollegeState.DUE_SOON, "nl") == "termijn loopt bijna af"
    assert college_state_label(CollegeState.OVERDUE, "en") == "deadline passed"
