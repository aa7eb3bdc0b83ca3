"""A dialog step's hot path (issue #15): few statements, and what the ORM used to guarantee still holds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError

from handlers.messages import Inbound
from handlers.reply import to_plain_text
from storage import dialogs, people
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import DialogState, Person
from tests.harness import Harness


@pytest.fixture
def bot(engine, features, clock) -> Harness:  # type: ignore[no-untyped-def]
    return Harness(engine, features, clock)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        words = statement.split()
        seen.append(" ".join(words[:3]).upper() if words[0].upper() != "SELECT" else "SELECT")

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def step(bot: Harness, sender: str, text: str) -> tuple[list[str], str]:
    """The statements of one event through the pipeline, and the reply's text."""
    event = Inbound(
        platform="telegram",
        chat_id=sender,
        sender_id=sender,
        event_id=uuid.uuid4().hex,
        received_at=bot.clock(),
        text=text,
    )
    with statements(bot.engine) as seen:
        result = bot.pipeline.handle_sync(event)
    return seen, "\n".join(to_plain_text(r.text) for r in bot.replies(result.outbox_ids))


def test_a_dialog_step_reads_once_and_writes_the_dialog_once(bot: Harness) -> None:
    sender = bot.person(Role.EMPLOYEE, org_id=bot.org(), name="Eva Employee")
    assert "Wat is je naam?" in bot.say(sender, "/profiel").text
    seen, said = step(bot, sender, "1")  # keep the name: no write of the person
    assert "afdeling" in said
    written = [s for s in seen if s != "BEGIN IMMEDIATE"]  # SQLite's; psycopg begins by itself
    # The sender, their person, organisation and open dialog in one SELECT; the dialog is not
    # read again after the step.
    assert written == [
        "INSERT INTO INBOX",
        "SELECT",
        "UPDATE DIALOGSTATE SET",
        "INSERT INTO OUTBOX",
    ]
    seen, _said = step(bot, sender, "2")  # skip the department
    assert seen.count("SELECT") == 1
    seen, said = step(bot, sender, "Nederlands")
    assert "profiel is opgeslagen" in said
    assert seen.count("SELECT") == 2  # the sender, and the remembered choices after the last step
    assert "DELETE FROM DIALOGSTATE" in seen


def test_choices_asked_again_in_another_language_are_saved(bot: Harness) -> None:
    org_id = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org_id, name="Eva Employee")
    bot.say(sender, "/profiel")
    asked = bot.say(sender, "1")
    assert ("skip", "Overslaan") in asked.choices
    again = bot.say(sender, "/taal en")  # the department question again, in English
    assert ("skip", "Skip") in again.choices
    # The choices kept with the dialog are the ones just shown (as the ORM's autoflush saved them).
    with unit_of_work(bot.engine) as session:
        found = people.sender_lookup(session=session, platform="telegram", external_id=sender)
        assert found is not None and found.dialog is not None
        assert found.dialog.choices == [["skip", "Skip"]]
    assert "language" in bot.say(sender, "Skip").text
    bot.say(sender, "English")
    with unit_of_work(bot.engine) as session:
        found = people.sender_lookup(session=session, platform="telegram", external_id=sender)
        assert found is not None and found.person.department is None and found.dialog is None


def test_a_dialog_deleted_meanwhile_is_not_written_back(engine, bot: Harness) -> None:  # type: ignore[no-untyped-def]
    sender = bot.person(Role.EMPLOYEE, org_id=bot.org(), name="Eva Employee")
    bot.say(sender, "/profiel")
    with unit_of_work(engine) as session:
        found = people.sender_lookup(session=session, platform="telegram", external_id=sender)
        assert found is not None and found.dialog is not None
        row = found.dialog
        session.execute(delete(DialogState).where(DialogState.id == row.id))  # type: ignore[arg-type]
        row.state = "department"
        with pytest.raises(StaleDataError):  # as the ORM's flush said
            dialogs.save_dialog(session=session, state=row)


def test_the_sender_is_an_orm_person_that_saves_its_changes(engine, bot: Harness) -> None:  # type: ignore[no-untyped-def]
    sender = bot.person(Role.EMPLOYEE, org_id=bot.org(), name="Eva Employee")
    with unit_of_work(engine) as session:
        found = people.sender_lookup(session=session, platform="telegram", external_id=sender)
        assert found is not None and found.dialog is None
        assert found.person in session and not session.dirty
        assert found.organisation.slug == "demo" and found.organisation.settings == {}
        assert session.get(Person, found.person.id) is found.person  # no second copy
        again = people.sender_lookup(session=session, platform="telegram", external_id=sender)
        assert again is not None and again.person is found.person
        found.person.name = "Eva Changed"
        session.add(found.person)
    with unit_of_work(engine) as session:
        found = people.sender_lookup(session=session, platform="telegram", external_id=sender)
        assert found is not None and found.person.name == "Eva Changed"
        assert found.person.created_at.tzinfo is not None  # aware, as the ORM returns it
