"""Issue #6 "done when", as a new user would try it on the terminal platform: an employee whose
training is due gets a nudge, types "1" to start the quiz, passes by typing answer numbers and gets
the certificate; the coordinator's /training figures change."""

from __future__ import annotations

from datetime import UTC, datetime

from schedules.jobs import JobOptions, run_job
from storage import outbox
from storage.db import unit_of_work
from storage.enums import Role
from tests.harness import Harness
from tests.training.chat_helpers import enrolled_long_ago, person_of, quiz_position

CONSOLE = "console"


def test_terminal_employee_nudged_passes_and_the_figures_change(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    bot = Harness(engine, features, clock)
    org = bot.org()
    boss = bot.person(Role.COORDINATOR, org_id=org, platform=CONSOLE)
    kim = bot.person(Role.EMPLOYEE, org_id=org, name="Kim Kiel", platform=CONSOLE)
    kim_id = person_of(engine, kim, CONSOLE).id
    enrolled_long_ago(engine, kim_id, datetime(2026, 10, 1, 10, 0, tzinfo=UTC))  # due 31 Oct
    assert "Kim Kiel" in bot.say(boss, "/training", platform=CONSOLE).text
    assert run_job("training-nudges", engine, clock(), features, JobOptions()) == 1
    nudge = bot.outbox_for(kim)[-1]
    assert "Hallo Kim Kiel" in nudge and "31 oktober 2026" in nudge
    said = bot.say(kim, "1", platform=CONSOLE)  # the first choice of the nudge: start the quiz
    assert "Vraag 1 van 10" in said.text
    for _ in range(10):
        button = quiz_position(engine, kim_id, correct=True)
        said = bot.say(kim, button.split(".")[1], platform=CONSOLE)  # typed: the option's number
    assert "Geslaagd: 10 van de 10 goed (100 %)" in said.text
    with unit_of_work(engine) as session:
        files = [
            a
            for i in said.result.outbox_ids
            for a in outbox.attachments_of(session=session, message_id=i)
        ]
    assert len(files) == 1 and files[0].filename.startswith("NIS2-DEMO-2026-")
    figures = bot.say(boss, "/training", platform=CONSOLE).text
    # The coordinator never trained: Kim is the only one of two up to date (not "100 %").
    assert (
        "Totaal: 50% actueel getraind (1 van 2); "
        "nog niet getraind maar binnen de eerste termijn: 1; te laat: 0." in figures
    )
    assert "Kim Kiel" not in figures
    clock.advance(days=7)
    assert run_job("training-nudges", engine, clock(), features, JobOptions()) == 0
