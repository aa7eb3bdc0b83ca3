"""The council report's first page (#16 item 3): a verdict and trend per area, the questions for
the College in the country's words, and it opens the report /rapport and the quarterly job send."""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.control.figures import ActionFigures, ControlFigures, ExerciseLine
from handlers.coordination.figures import compute
from handlers.coordination.first_page import Trend, Verdict, areas, render_first_page
from handlers.coordination.periods import Period
from handlers.reply import to_plain_text
from storage.enums import Role
from tests.conftest import Clock
from tests.coordination.seed import AS_OF, org_facts, utc
from tests.harness import Harness

Q3 = Period(2026, 3)


def _control(exercises: int, overdue: int, done: int) -> ControlFigures:
    line = ExerciseLine(1, "ransomware", datetime(2026, 8, 1, 9), "done", 2, 2)
    return ControlFigures(
        actions=ActionFigures(
            open=3, overdue=overdue, done_in_period=done, created_in_period=2, by_source={}
        ),
        exercises=(line,) * exercises,
    )


def test_each_area_gets_a_verdict_from_its_figures() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    found = {a.key: a for a in areas(figures, _control(1, 2, 4), _control(0, 0, 1))}
    assert list(found) == ["incidents", "deadlines", "training", "audits", "exercises", "actions"]
    deadlines = figures.deadlines
    assert deadlines is not None
    expected = (
        Verdict.ACTION if deadlines.missed else Verdict.ATTENTION if deadlines.open else Verdict.OK
    )
    assert found["deadlines"].verdict is expected
    assert found["exercises"].verdict is Verdict.OK
    assert found["exercises"].trend is Trend.BETTER  # one against none
    assert found["actions"].verdict is Verdict.ACTION  # two overdue
    assert found["actions"].trend is Trend.BETTER  # four done against one
    without = {a.key: a for a in areas(figures, _control(0, 0, 1), _control(1, 0, 1))}
    assert without["exercises"].verdict is Verdict.ATTENTION
    assert without["exercises"].trend is Trend.WORSE
    assert without["actions"].verdict is Verdict.OK and without["actions"].trend is Trend.SAME


def test_untracked_areas_say_so_instead_of_a_verdict() -> None:
    figures = compute(org_facts(incidents=None, training=None), Q3, AS_OF)
    found = {a.key: a for a in areas(figures, None, None)}
    assert found["incidents"].verdict is Verdict.UNKNOWN
    assert found["deadlines"].verdict is Verdict.UNKNOWN
    assert found["training"].verdict is Verdict.UNKNOWN
    assert "exercises" not in found  # without the control figures nothing is claimed


@pytest.mark.parametrize(
    ("language", "country", "college", "wrong"),
    [
        ("nl", "nl", "college van B&W", "schepenen"),
        ("nl", "be", "college van burgemeester en schepenen", "B&W"),
        ("en", "nl", "municipal executive", "aldermen"),
        ("en", "be", "college of mayor and aldermen", "B&W"),
    ],
)
def test_first_page_in_both_languages_and_both_countries(
    language: str, country: str, college: str, wrong: str
) -> None:
    figures = compute(org_facts(country=country), Q3, AS_OF)
    text = to_plain_text(render_first_page(figures, _control(1, 2, 4), None, language))
    lines = text.splitlines()
    assert college in text and wrong not in text
    # The Dutch law's college certificate (Cbw art. 24) is never put to a Belgian college.
    assert ("Cyberbeveiligingswet" in text) is (country == "nl")
    words = (
        ("op orde", "actie nodig", "Crisisoefeningen", "Actiepunten", "geen vergelijking")
        if language == "nl"
        else (
            "in order",
            "action needed",
            "Incident response exercises",
            "Action points",
            "no comparison",
        )
    )
    for word in words:
        assert word in text
    assert sum(1 for line in lines if line[:1].isdigit() and ". " in line[:4]) == 3
    assert len(lines) <= 20  # one screen


def test_council_member_report_opens_with_the_first_page(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 11, 25, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("gent", country="be")
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    text = to_plain_text(bot.say(coordinator, "/rapport").text)
    assert text.startswith("In één oogopslag · Gemeente Gent · K3 2026")
    assert "Drie vragen voor het college van burgemeester en schepenen" in text
    assert text.index("In één oogopslag") < text.index("Kwartaalrapportage NIS2")
    assert text.count("Drie vragen voor het college") == 1  # on the first page, not twice
    assert "B&W" not in text and "wethouder" not in text
    ismt = to_plain_text(bot.say(coordinator, "/rapport ismt").text)
    assert "In één oogopslag" not in ismt


def test_the_quarterly_job_opens_the_council_rooms_report_with_the_first_page(
    engine, features
) -> None:  # type: ignore[no-untyped-def]
    from schedules.jobs import run_job
    from tests.coordination.test_schedule import JOB, _messages, _setup

    clock, _bot, _org, _coordinator = _setup(engine, features, utc(2026, 9, 30, 6))
    clock.now = utc(2026, 10, 1, 7, 0)
    assert run_job(JOB, engine, clock(), features) == 2
    (council,) = _messages(engine, "room-raad")
    (ismt,) = _messages(engine, "room-ismt")
    text = to_plain_text(council.payload["text"])
    assert text.startswith("In één oogopslag · Gemeente Demo · K3 2026")
    assert "✗ Audits: actie nodig" in text  # the finding was due on 1 September
    assert "! Crisisoefeningen: aandacht nodig" in text  # none held in the quarter
    assert text.index("In één oogopslag") < text.index("Kwartaalrapportage NIS2")
    assert text.count("Drie vragen voor het college") == 1  # on the first page, not twice
    assert "In één oogopslag" not in to_plain_text(ismt.payload["text"])
