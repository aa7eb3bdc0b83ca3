"""The in-chat quiz through the real pipeline: pass -> record + PDF certificate, fail -> retry,
and a quiz picked up again after a restart shows the same question."""

from __future__ import annotations

import io

import pypdf

from bot.pipeline import Pipeline
from handlers.training.certificate import parse_certificate_number
from storage import outbox, training
from storage.db import unit_of_work
from storage.enums import Role
from storage.training_models import TrainingMethod
from tests.harness import Harness
from tests.training.chat_helpers import person_of, quiz_position


def _take_quiz(bot: Harness, engine, sender: str, person_id: int, *, right: int):  # type: ignore[no-untyped-def]
    said = bot.say(sender, "/toets")
    assert "Vraag 1 van 10" in said.text
    assert len(said.choices) in (3, 4)
    for number in range(10):
        said = bot.say(sender, choice=quiz_position(engine, person_id, correct=number < right))
        if number < 9:
            assert f"Vraag {number + 2} van 10" in said.text
    return said


def test_passing_the_quiz_records_it_and_sends_the_certificate_pdf(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org, name="Anna Çelik-de Vries")
    me = person_of(engine, sender)
    said = _take_quiz(bot, engine, sender, me.id, right=8)  # exactly the pass mark
    assert "Geslaagd: 8 van de 10 goed (80 %)" in said.text
    with unit_of_work(engine) as session:
        records = training.records_of(session=session, organisation_id=org, person_id=me.id)
        assert [r.method for r in records] == [TrainingMethod.QUIZ.value]
        number = records[0].certificate_number
        assert number is not None and parse_certificate_number(number) is not None
        assert number.startswith("NIS2-DEMO-2026-000001-")
        files = [
            a
            for i in said.result.outbox_ids
            for a in outbox.attachments_of(session=session, message_id=i)
        ]
        attempts = training.attempts_of(session=session, organisation_id=org, person_id=me.id)
        assert attempts[0].passed is True and attempts[0].correct == 8
        assert attempts[0].record_id == records[0].id
    assert number in said.text
    assert [(f.kind, f.content_type) for f in files] == [("document", "application/pdf")]
    reader = pypdf.PdfReader(io.BytesIO(files[0].data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Anna Çelik-de Vries" in text
    assert number in text
    assert "Gemeente Demo" in text


def test_a_wrong_answer_is_explained_and_two_wrong_still_pass(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org, language="en")
    me = person_of(engine, sender)
    said = bot.say(sender, "/quiz")
    assert "Question 1 of 10" in said.text
    said = bot.say(sender, choice=quiz_position(engine, me.id, correct=False))
    assert "Not quite. The right answer is:" in said.text  # explanation after a wrong answer
    assert "Question 2 of 10" in said.text
    said = bot.say(sender, choice=quiz_position(engine, me.id, correct=True))
    assert said.text.startswith("Correct!")
    for _ in range(7):
        said = bot.say(sender, choice=quiz_position(engine, me.id, correct=True))
    said = bot.say(sender, choice=quiz_position(engine, me.id, correct=False))
    assert "You passed: 8 of 10 correct (80 %)" in said.text
    with unit_of_work(engine) as session:
        assert len(training.records_of(session=session, organisation_id=org, person_id=me.id)) == 1


def test_seven_right_fails_and_a_retry_starts_a_fresh_attempt(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org, language="en")
    me = person_of(engine, sender)
    said = bot.say(sender, "/quiz")
    for number in range(10):
        said = bot.say(sender, choice=quiz_position(engine, me.id, correct=number < 7))
    assert "Not passed this time: 7 of 10 correct (70 %); you need 80 %" in said.text
    assert ("/toets", "Try again") in said.choices
    with unit_of_work(engine) as session:
        assert training.records_of(session=session, organisation_id=org, person_id=me.id) == []
        attempts = training.attempts_of(session=session, organisation_id=org, person_id=me.id)
        assert [(a.passed, a.correct) for a in attempts] == [(False, 7)]
    said = bot.say(sender, choice="/toets")
    assert "Question 1 of 10" in said.text
    with unit_of_work(engine) as session:
        assert len(training.attempts_of(session=session, organisation_id=org, person_id=me.id)) == 2


def test_a_quiz_resumed_after_a_restart_shows_the_same_question(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org, language="en")
    me = person_of(engine, sender)
    bot.say(sender, "/quiz")
    said = bot.say(sender, choice=quiz_position(engine, me.id, correct=True))
    said = bot.say(sender, choice=quiz_position(engine, me.id, correct=True))
    question = said.texts[-1].split("Question 3 of 10", 1)[1]
    options = said.choices
    bot.pipeline = Pipeline(engine, features, clock=clock)  # a new process, same database
    again = bot.say(sender, "no idea")  # not one of the options: the same question again
    assert "Please pick one of the answers" in again.text
    assert again.texts[-1].split("Question 3 of 10", 1)[1] == question
    assert again.choices == options


def test_a_late_tap_on_an_earlier_questions_button_is_not_an_answer(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org, language="en")
    me = person_of(engine, sender)
    bot.say(sender, "/quiz")
    first = quiz_position(engine, me.id, correct=True)
    assert "Question 2 of 10" in bot.say(sender, choice=first).text
    late = bot.say(sender, choice=first)  # the same button again, e.g. a double tap
    assert "That button belongs to an earlier question." in late.text
    assert "Question 2 of 10" in late.text
    with unit_of_work(engine) as session:
        [attempt] = training.attempts_of(session=session, organisation_id=org, person_id=me.id)
    assert len(attempt.answers) == 1
