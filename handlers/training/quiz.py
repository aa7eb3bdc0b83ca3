"""Drawing a quiz attempt, asking its questions and scoring it.

An attempt is fully determined by (bank, seed, country, count): the lead stores the seed (and the
bank's fingerprint) with the attempt, and after a crash ``draw`` gives the same questions with the
same option order again, so the person continues where they were.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handlers.i18n import t
from handlers.training.bank import Question, QuestionBank, Topic
from storage.enums import Country

QUESTIONS_PER_ATTEMPT = 10
PASS_MARK_PERCENT = 80


@dataclass(frozen=True, slots=True)
class DrawnQuestion:
    question_id: str
    #: option_order[i] is the index (in the file's order) of the option shown at position i.
    option_order: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Prompt:
    """One question as shown: its text and its options in the drawn order."""

    question: str
    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Feedback:
    correct: bool
    #: Empty when the answer was right; otherwise the right option and the explanation.
    text: str


@dataclass(frozen=True, slots=True)
class QuizResult:
    correct: int
    total: int
    passed: bool
    #: Ids of the questions answered wrongly or not at all.
    wrong: tuple[str, ...]

    @property
    def percent(self) -> int:
        """Rounded down, so a failed attempt never shows the pass mark (79.9 % shows as 79)."""
        return self.correct * 100 // self.total if self.total else 0


def new_seed() -> int:
    """A fresh seed for an attempt (fits a signed 64-bit database column)."""
    return secrets.randbits(63)


def draw(
    bank: QuestionBank,
    seed: int,
    *,
    count: int = QUESTIONS_PER_ATTEMPT,
    country: Country | None = None,
) -> tuple[DrawnQuestion, ...]:
    """``count`` questions spread over the topics: every topic once before any topic twice.

    The topics that get an extra question, which questions, their order and each question's option
    order all come from ``random.Random(seed).random()``: Python guarantees that sequence across
    versions, but not the algorithm of ``shuffle``/``sample``, hence our own ``_shuffle``.
    """
    rng = random.Random(seed)
    pool = bank.for_country(country)
    by_topic: dict[Topic, list[Question]] = {}
    for question in pool:  # the bank is sorted by id, so this is deterministic
        by_topic.setdefault(question.topic, []).append(question)
    if count > len(pool):
        raise ValueError(f"the bank has only {len(pool)} questions for {country}, need {count}")
    topics = sorted(by_topic)
    for questions in by_topic.values():
        _shuffle(rng, questions)
    chosen: list[Question] = []
    # Round-robin over the topics in a random order: the spread is as even as the bank allows.
    while len(chosen) < count:
        _shuffle(rng, topics)
        for topic in topics:
            if by_topic[topic] and len(chosen) < count:
                chosen.append(by_topic[topic].pop())
    _shuffle(rng, chosen)
    drawn = []
    for question in chosen:
        order = list(range(len(question.text("nl").options)))
        _shuffle(rng, order)
        drawn.append(DrawnQuestion(question.id, tuple(order)))
    return tuple(drawn)


def _shuffle(rng: random.Random, items: list[Any]) -> None:
    """Fisher-Yates on ``rng.random()`` alone, so a stored seed draws the same on any Python."""
    for i in range(len(items) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        items[i], items[j] = items[j], items[i]


def prompt(bank: QuestionBank, drawn: DrawnQuestion, language: str) -> Prompt:
    text = bank.get(drawn.question_id).text(language)
    return Prompt(text.question, tuple(text.options[i] for i in drawn.option_order))


def is_correct(bank: QuestionBank, drawn: DrawnQuestion, chosen: int | None) -> bool:
    """``chosen`` is the 0-based position of the option as shown; None means not answered."""
    if chosen is None or not 0 <= chosen < len(drawn.option_order):
        return False
    return drawn.option_order[chosen] == bank.get(drawn.question_id).correct


def feedback(
    bank: QuestionBank, drawn: DrawnQuestion, chosen: int | None, language: str
) -> Feedback:
    if is_correct(bank, drawn, chosen):
        return Feedback(True, "")
    question = bank.get(drawn.question_id)
    text = question.text(language)
    return Feedback(
        False,
        t(
            language,
            "The right answer is: {answer}\n{explanation}",
            answer=text.options[question.correct],
            explanation=text.explanation,
        ),
    )


def score(
    bank: QuestionBank,
    drawn: Sequence[DrawnQuestion],
    answers: Sequence[int | None],
    *,
    pass_mark: int = PASS_MARK_PERCENT,
) -> QuizResult:
    """Score an attempt; a missing answer counts as wrong. Pass at ``pass_mark`` percent or more.

    Integer arithmetic (correct * 100 >= pass_mark * total): 8 out of 10 is exactly 80 % and
    passes, with no floating-point rounding at the boundary.
    """
    if len(answers) > len(drawn):
        raise ValueError("more answers than questions")
    padded = list(answers) + [None] * (len(drawn) - len(answers))
    wrong = tuple(
        d.question_id for d, a in zip(drawn, padded, strict=True) if not is_correct(bank, d, a)
    )
    correct = len(drawn) - len(wrong)
    total = len(drawn)
    return QuizResult(correct, total, total > 0 and correct * 100 >= pass_mark * total, wrong)
