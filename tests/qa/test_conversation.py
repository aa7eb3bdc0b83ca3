"""How people talk to the bot (issue 12): follow-ups that lean on the previous question, small
talk, a lone number with no choice open, and a close runner-up offered beside the answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from handlers.qa.chat import is_follow_up
from handlers.qa.engine import QAEngine
from storage.db import make_engine, unit_of_work
from storage.enums import Country, Role
from storage.question_models import QuestionLog
from tests.harness import Harness


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def bot(db, features, clock) -> Harness:  # type: ignore[no-untyped-def]
    return Harness(db, features, clock)


def _log(db: Engine) -> list[QuestionLog]:
    with unit_of_work(db) as session:
        rows = list(session.exec(select(QuestionLog).order_by(QuestionLog.id)))
        session.expunge_all()
        return rows


def test_what_counts_as_a_follow_up() -> None:
    assert is_follow_up("en als het weekend is?")
    assert is_follow_up("and for the council?")
    assert is_follow_up("ook bij een datalek?")
    assert not is_follow_up("wanneer moet de vroegtijdige waarschuwing de deur uit bij een hack")


def test_a_follow_up_keeps_the_previous_questions_topic(bot: Harness, db, clock) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    ismt = bot.person(Role.ISMT, org_id=org)
    first = bot.say(ismt, "wanneer moet de vroegtijdige waarschuwing naar het csirt?")
    assert "24 uur" in first.text
    follow = bot.say(ismt, "en als het weekend is?")
    assert "weekend" in follow.text.lower() and "Bron:" in follow.text
    assert _log(db)[-1].entry_id == "rep-weekend"


def test_a_follow_up_that_narrows_the_previous_question(bot: Harness, db, clock) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    mayor = bot.person(Role.MAYOR, org_id=org)
    bot.say(mayor, "wie houdt toezicht op onze gemeente?")
    assert _log(db)[-1].entry_id == "sup-nl"
    bot.say(mayor, "en hoe hoog kunnen de boetes dan worden?")
    assert _log(db)[-1].entry_id in {"sup-fines-municipality-nl", "sup-fines-eu"}


def test_small_talk_gets_a_friendly_word_not_a_forward(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    hello = bot.say(employee, "hallo!")
    assert hello.text.startswith("Hallo!") and not hello.choices
    thanks = bot.say(employee, "dank je wel")
    assert thanks.text.startswith("Graag gedaan") and not thanks.choices
    english = bot.say(employee, "Hi! How are you doing today?")
    assert "NIS2" in english.text and not english.choices
    assert _log(db) == []  # small talk is not a question


def test_a_lone_number_outside_a_dialog_is_not_a_question(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    said = bot.say(employee, "1")
    assert "geen keuze open" in said.text and not said.choices
    assert _log(db) == []


def test_small_talk_in_the_engine_is_out_of_scope(engine: QAEngine) -> None:
    result = engine.ask("goedemorgen", role=Role.EMPLOYEE, country=Country.NL, language="nl")
    assert result.kind == "smalltalk" and not result.in_scope
    question = engine.ask(
        "goedemorgen, wat is nis2?", role=Role.EMPLOYEE, country=Country.NL, language="nl"
    )
    assert question.kind == "answer" and question.entry_id == "nis2-what"


def test_a_close_runner_up_is_offered_beside_the_answer(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    employee = bot.person(Role.EMPLOYEE, org_id=org)
    # Losing the work phone: lost or stolen is close; whichever is first, the other is offered.
    said = bot.say(employee, "wat moet ik doen met de wachtwoorden op mijn laptop als hij weg is")
    assert "Bron:" in said.text
    runner_ups = [c for c in said.choices if c[1].startswith("Bedoelde je eerder:")]
    if runner_ups:  # only when the two are genuinely close
        picked = bot.say(employee, choice=runner_ups[0][0])
        assert "Bron:" in picked.text
        assert _log(db)[-1].result_kind == "picked"


@pytest.mark.parametrize(
    ("country", "breach_deadline"), [("nl", "gdpr-breach-nl"), ("be", "gdpr-breach-be")]
)
def test_a_follow_up_with_a_new_subject_is_not_given_the_previous_answer_again(
    bot: Harness, db, country: str, breach_deadline: str
) -> None:  # type: ignore[no-untyped-def]
    """Found in the terminal chat: after the reporting deadlines, "en bij een datalek?" got the
    same deadlines answer again (read with the previous question, that entry still ranked first).
    Now the entry that ranks well in both readings answers, the runner-up offered beside it."""
    org = bot.org(country=country)
    ismt = bot.person(Role.ISMT, org_id=org)
    bot.say(ismt, "binnen hoeveel tijd moeten we een incident melden?")
    assert _log(db)[-1].entry_id == "rep-overview"
    follow = bot.say(ismt, "en bij een datalek?")
    row = _log(db)[-1]
    assert row.result_kind == "answer" and row.entry_id != "rep-overview"
    assert "Bron:" in follow.text and "Bedoel je" not in follow.text
    offered = [c[0] for c in follow.choices if c[1].startswith("Bedoelde je eerder:")]
    assert row.entry_id == breach_deadline or any(breach_deadline in v for v in offered)
    assert row.entry_id.startswith("gdpr-")


def test_a_follow_up_for_another_group_after_a_responsibility_question(bot: Harness, db) -> None:  # type: ignore[no-untyped-def]
    org = bot.org()
    coordinator = bot.person(Role.COORDINATOR, org_id=org)
    bot.say(coordinator, "wie is verantwoordelijk voor NIS2 in de gemeente?")
    first = _log(db)[-1].entry_id
    bot.say(coordinator, "en voor de raad?")
    row = _log(db)[-1]
    assert row.result_kind == "answer" and row.entry_id != first
    assert row.entry_id in {"gov-council-role", "gov-council-reports", "council-oversight"}
