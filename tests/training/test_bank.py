"""The question bank on disk, and the validator on broken banks."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from handlers.training.bank import BankError, Topic, build, load_bank, read_raw, validate
from storage.enums import Country

GOOD: dict[str, Any] = {
    "id": "x-01",
    "topic": "phishing",
    "correct": 2,
    "nl": {"question": "Vraag?", "options": ["a", "b", "c"], "explanation": "Uitleg."},
    "en": {"question": "Question?", "options": ["a", "b", "c"], "explanation": "Explanation."},
}


def broken(**changes: Any) -> dict[str, Any]:
    entry = copy.deepcopy(GOOD)
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        target = entry
        for part in path:
            target = target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return entry


def test_the_bank_on_disk_is_valid_and_big_enough() -> None:
    raw = read_raw()
    assert validate(raw) == []
    bank = load_bank()
    assert len(bank.questions) >= 40
    per_topic = Counter(q.topic for q in bank.questions)
    assert set(per_topic) == set(Topic)
    assert min(per_topic.values()) >= 5
    for country in Country:
        pool = bank.for_country(country)
        assert len(pool) >= 40
        assert {q.topic for q in pool} == set(Topic)


def test_every_question_has_both_languages_in_the_same_shape() -> None:
    for question in load_bank().questions:
        nl, en = question.text("nl"), question.text("en")
        assert len(nl.options) == len(en.options) in (3, 4)
        assert 0 <= question.correct < len(nl.options)
        assert nl.question != en.question  # actually translated, not copied


def test_country_specific_questions_stay_in_their_country() -> None:
    bank = load_bank()
    nl_only = {q.id for q in bank.questions if q.countries == {Country.NL}}
    be_only = {q.id for q in bank.questions if q.countries == {Country.BE}}
    assert nl_only and be_only
    assert not nl_only & {q.id for q in bank.for_country(Country.BE)}
    assert not be_only & {q.id for q in bank.for_country(Country.NL)}


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (broken(id=None), "missing id"),
        (broken(topic="gossip"), "unknown topic"),
        (broken(en=None), "no en text"),
        (broken(nl__explanation="  "), "nl.explanation missing or empty"),
        (broken(en__question=None), "en.question missing or empty"),
        (broken(nl__options=["a", "b"], en__options=["a", "b"]), "2 options, expected 3 or 4"),
        (broken(nl__options=list("abcde"), en__options=list("abcde")), "5 options"),
        (broken(en__options=["a", "b", "c", "d"]), "different numbers of options"),
        (broken(nl__options=["a", "A", "c"]), "two options are the same"),
        (broken(correct=0), "is not an option number"),
        (broken(correct=4), "is not an option number"),
        (broken(correct=True), "correct must be one option number"),
        (broken(correct=[1, 2]), "correct must be one option number"),
        (broken(countries=["de"]), "countries"),
        (broken(answer=1), "unknown keys"),
    ],
)
def test_validator_finds_each_problem(entry: dict[str, Any], problem: str) -> None:
    problems = validate([("test.toml", entry)])
    assert any(problem in p for p in problems), problems


def test_validator_finds_duplicate_ids_across_files() -> None:
    problems = validate([("a.toml", GOOD), ("b.toml", GOOD)])
    assert problems == ["b.toml: 'x-01': duplicate id (also in a.toml)"]


def test_build_refuses_a_broken_bank_listing_everything() -> None:
    with pytest.raises(BankError) as caught:
        build([("a.toml", broken(correct=9)), ("b.toml", broken(topic="nope", id="y"))])
    assert len(caught.value.problems) == 2


def test_load_bank_reads_a_directory(tmp_path: Path) -> None:
    (tmp_path / "one.toml").write_text(
        """
[[question]]
id = "t-1"
topic = "remote_work"
correct = 1
nl.question = "V?"
nl.options = ["ja", "nee", "misschien"]
nl.explanation = "U."
en.question = "Q?"
en.options = ["yes", "no", "maybe"]
en.explanation = "E."
""",
        "utf-8",
    )
    bank = load_bank(tmp_path)
    assert [q.id for q in bank.questions] == ["t-1"]
    assert bank.get("t-1").correct == 0
    assert bank.fingerprint and bank.fingerprint != load_bank().fingerprint
