"""Helpers for the training chat tests: who is this sender, move enrolment back, answer the quiz."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from handlers.training.bank import load_bank
from storage import dialogs, people
from storage.db import unit_of_work
from storage.models import Person


def person_of(engine: Engine, sender: str, platform: str = "telegram") -> Person:
    with unit_of_work(engine) as session:
        found = people.identity_lookup(session=session, platform=platform, external_id=sender)
        assert found is not None
        return found[1]


def set_person(engine: Engine, person_id: int, **values: object) -> None:
    """Change a person's columns (e.g. created_at to make their training due, appointed_at)."""
    with unit_of_work(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        for key, value in values.items():
            setattr(person, key, value)
        session.add(person)


def quiz_position(engine: Engine, person_id: int, *, correct: bool) -> str:
    """The button value ("question.option", 1-based) of the right, or a wrong, answer."""
    with unit_of_work(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        row = dialogs.open_dialog(
            session=session, organisation_id=person.organisation_id, person_id=person_id
        )
        assert row is not None and row.dialog == "training-quiz"
        index = row.data["index"]
        qid, order = row.data["drawn"][index]
    right = order.index(load_bank().get(qid).correct)
    wrong = next(i for i in range(len(order)) if i != right)
    return f"{index + 1}.{(right if correct else wrong) + 1}"


def enrolled_long_ago(engine: Engine, person_id: int, when: datetime) -> None:
    set_person(engine, person_id, created_at=when)
