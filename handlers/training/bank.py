"""The quiz's question bank: TOML files in ``questions/``, one per topic, Dutch and English.

A file holds ``[[question]]`` tables::

    [[question]]
    id = "phishing-01"
    topic = "phishing"
    correct = 2                 # 1-based: the second option is the right one
    countries = ["nl", "be"]    # optional; omit when the question holds for both
    nl.question = "..."
    nl.options = ["...", "...", "..."]
    nl.explanation = "..."      # shown after a wrong answer
    en.question = "..."
    en.options = ["...", "...", "..."]
    en.explanation = "..."

``correct`` is one number, so "exactly one correct option" holds by construction; the validator
checks that it is an integer in range and that both languages list the same number of options (3 or
4), in the same order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from handlers.i18n import LANGUAGES, N_, normalise_language
from storage.enums import Country

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
MIN_OPTIONS, MAX_OPTIONS = 3, 4


class Topic(StrEnum):
    PHISHING = "phishing"
    PASSWORDS_MFA = "passwords_mfa"
    INCIDENT_REPORTING = "incident_reporting"
    DATA_LEAKS = "data_leaks"
    PHYSICAL_SECURITY = "physical_security"
    REMOTE_WORK = "remote_work"
    NIS2_BASICS = "nis2_basics"


TOPIC_LABELS: dict[Topic, str] = {
    Topic.PHISHING: N_("Phishing"),
    Topic.PASSWORDS_MFA: N_("Passwords and MFA"),
    Topic.INCIDENT_REPORTING: N_("Reporting incidents"),
    Topic.DATA_LEAKS: N_("Data leaks"),
    Topic.PHYSICAL_SECURITY: N_("Physical security"),
    Topic.REMOTE_WORK: N_("Working remotely"),
    Topic.NIS2_BASICS: N_("NIS2 basics"),
}


@dataclass(frozen=True, slots=True)
class QuestionText:
    question: str
    options: tuple[str, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    topic: Topic
    correct: int  # 0-based index into the options, in the order of the file
    countries: frozenset[Country]
    texts: Mapping[str, QuestionText]

    def text(self, language: str) -> QuestionText:
        return self.texts[normalise_language(language)]


@dataclass(frozen=True)
class QuestionBank:
    questions: tuple[Question, ...]  # sorted by id, so drawing never depends on file order
    fingerprint: str  # changes when any question changes: a stored seed is only valid with it
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    def get(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def for_country(self, country: Country | None) -> tuple[Question, ...]:
        if country is None:
            return self.questions
        return tuple(q for q in self.questions if Country(country) in q.countries)


class BankError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid question bank:\n" + "\n".join(problems))
        self.problems = problems


def read_raw(directory: Path = QUESTIONS_DIR) -> list[tuple[str, dict[str, Any]]]:
    """(file name, question table) for every question of every ``*.toml`` file."""
    raw = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for entry in data.get("question", []):
            raw.append((path.name, entry))
    return raw


def validate(raw: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Every problem of the bank, as "file: id: problem" lines; empty when the bank is sound."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for source, entry in raw:
        qid = entry.get("id")
        where = f"{source}: {qid!r}"
        if not isinstance(qid, str) or not qid.strip():
            problems.append(f"{where}: missing id")
            continue
        if qid in seen:
            problems.append(f"{where}: duplicate id (also in {seen[qid]})")
        seen[qid] = source
        if entry.get("topic") not in {t.value for t in Topic}:
            problems.append(f"{where}: unknown topic {entry.get('topic')!r}")
        countries = entry.get("countries", [c.value for c in Country])
        if not countries or any(c not in {k.value for k in Country} for c in countries):
            problems.append(f"{where}: countries must be a non-empty list of nl/be")
        problems.extend(f"{where}: {p}" for p in _validate_texts(entry))
        unknown = set(entry) - {"id", "topic", "correct", "countries", *LANGUAGES}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
    return problems


def _validate_texts(entry: Mapping[str, Any]) -> list[str]:
    problems = []
    counts = set()
    for language in LANGUAGES:
        text = entry.get(language)
        if not isinstance(text, Mapping):
            problems.append(f"no {language} text")
            continue
        for name in ("question", "explanation"):
            if not isinstance(text.get(name), str) or not text[name].strip():
                problems.append(f"{language}.{name} missing or empty")
        options = text.get("options")
        if not isinstance(options, list) or not all(
            isinstance(o, str) and o.strip() for o in options
        ):
            problems.append(f"{language}.options must be a list of non-empty strings")
            continue
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            problems.append(f"{language}: {len(options)} options, expected 3 or 4")
        if len({o.strip().casefold() for o in options}) != len(options):
            problems.append(f"{language}: two options are the same")
        counts.add(len(options))
    if len(counts) > 1:
        problems.append("the languages have different numbers of options")
    correct = entry.get("correct")
    # bool is an int in Python; "correct = true" is a mistake, not option 1.
    if not isinstance(correct, int) or isinstance(correct, bool):
        problems.append("correct must be one option number (1-based)")
    elif counts and not 1 <= correct <= min(counts):
        problems.append(f"correct = {correct} is not an option number")
    return problems


def build(raw: Sequence[tuple[str, Mapping[str, Any]]]) -> QuestionBank:
    problems = validate(raw)
    if problems:
        raise BankError(problems)
    questions = []
    for _, entry in raw:
        texts = {
            lang: QuestionText(
                question=entry[lang]["question"].strip(),
                options=tuple(o.strip() for o in entry[lang]["options"]),
                explanation=entry[lang]["explanation"].strip(),
            )
            for lang in LANGUAGES
        }
        countries = frozenset(
            Country(c) for c in entry.get("countries", [c.value for c in Country])
        )
        questions.append(
            Question(entry["id"], Topic(entry["topic"]), entry["correct"] - 1, countries, texts)
        )
    questions.sort(key=lambda q: q.id)
    canonical = json.dumps([entry for _, entry in raw], sort_keys=True, ensure_ascii=False)
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return QuestionBank(tuple(questions), fingerprint)


@functools.cache
def load_bank(directory: Path = QUESTIONS_DIR) -> QuestionBank:
    """The validated bank (cached); raises ``BankError`` listing every problem at once."""
    return build(read_raw(directory))
