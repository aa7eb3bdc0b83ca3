"""Bad input at every intake step: empty, nonsense, a future date, 20,000 characters.

Each is refused with a friendly message, the question is asked again, and nothing is stored.
"""

from __future__ import annotations

import pytest

from storage.db import unit_of_work
from storage.models import DialogState
from tests.harness import Harness
from tests.incidents.chat_helpers import incidents, town

HUGE = "x" * 20_000

# The answers that bring the dialog to each step (after /melden), and that step's question.
PATH = [
    ("what", [], "Wat is er gebeurd?"),
    ("category", ["Er gebeurt iets vreemds"], "Wat voor incident is het"),
    ("when", ["Er gebeurt iets vreemds", "1"], "Wanneer merkte je het op"),
    ("service", ["Er gebeurt iets vreemds", "1", "nu"], "Om welke dienst"),
    ("impact", ["Er gebeurt iets vreemds", "1", "nu", "mail"], "Hoeveel last"),
    ("personal_data", ["Er gebeurt iets vreemds", "1", "nu", "mail", "1"], "persoonsgegevens"),
    ("ongoing", ["Er gebeurt iets vreemds", "1", "nu", "mail", "1", "Nee"], "nog gaande"),
    (
        "actions",
        ["Er gebeurt iets vreemds", "1", "nu", "mail", "1", "Nee", "Nee"],
        "Wat heb je er al aan gedaan",
    ),
    (
        "confirm",
        ["Er gebeurt iets vreemds", "1", "nu", "mail", "1", "Nee", "Nee", "niets bijzonders"],
        "Controleer je melding",
    ),
]


def _state(bot: Harness) -> str:
    with unit_of_work(bot.engine) as session:
        from sqlmodel import select

        return session.exec(select(DialogState)).one().state


@pytest.mark.parametrize(("state", "answers", "question"), PATH, ids=[p[0] for p in PATH])
def test_bad_input_is_refused_at_every_step(
    engine, features, clock, state, answers, question
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    for answer in answers:
        bot.say(t.employee, answer)
    assert _state(bot) == state
    before = [(i.description, i.category, i.service, i.actions_taken) for i in incidents(bot)]
    for bad in ("", "   ", "?!", "🙈🙈", HUGE, "\u202e\u200b"):
        said = bot.say(t.employee, bad)
        if bad is HUGE:  # the router refuses it before any step sees it
            assert "te lang (20000 tekens)" in said.text
        else:
            assert question.lower() in said.text.lower(), (bad[:10], said.text)
        assert _state(bot) == state, bad[:10]
    after = [(i.description, i.category, i.service, i.actions_taken) for i in incidents(bot)]
    assert after == before
    assert len(said.text) < 2000  # the refusal does not echo 20,000 characters back


def test_a_future_time_is_refused_kindly(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden ik heb op een link geklikt")
    for future in ("morgen 9:00", "in 2 hours", "tomorrow", "volgende week", "01-01-2030 10:00"):
        said = bot.say(t.employee, future)
        assert "in de toekomst" in said.text, (future, said.text)
        assert _state(bot) == "when"
    said = bot.say(t.employee, "gisteren 14:00")
    assert "Genoteerd: opgemerkt op 22-11-2026 14:00" in said.text


def test_nonsense_and_too_old_times_are_refused(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden ik heb op een link geklikt")
    said = bot.say(t.employee, "blauwe banaan")
    assert "geen tijdstip in lezen" in said.text
    said = bot.say(t.employee, "01-01-2020 10:00")
    assert "meer dan een jaar geleden" in said.text
    assert _state(bot) == "when"


def test_a_long_but_allowed_description_is_kept_whole(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden")
    text = "Iemand belde en vroeg naar mijn wachtwoord. " * 80  # about 3,500 characters
    bot.say(t.employee, text)
    (incident,) = incidents(bot)
    assert incident.description == text.strip()
    said = bot.say(t.employee, "/terug")
    said = bot.say(t.employee, "y" * 4001 + " tekst")
    assert "onder de 4000 tekens" in said.text


def test_a_button_from_an_earlier_question_is_refused(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    bot.say(t.employee, "/melden ik heb op een link geklikt")
    said = bot.say(t.employee, choice="send")  # a summary button while the time is asked
    assert "eerdere vraag" in said.text
    assert _state(bot) == "when"
