"""Removing an organisation and forgetting a person, across every table, features included.

Both work from the table metadata instead of a hand-kept list, so a feature table added later is
covered without anyone remembering to: a table with ``organisation_id`` is scoped by it, and a child
table without one is reached through its foreign key to a parent that has it.

Forgetting a person keeps what the summaries count (their role, department, dates, how many
incidents and trainings) and removes what identifies them: name, e-mail, platform accounts, open
dialogs, and the texts of the questions they asked. Incident reports stay as the organisation's
records (the person behind them is now nameless); retention (storage/retention.py) erases their free
texts once the incident has been closed long enough. Feature tables that hold more register a hook
in ``FORGET_HOOKS`` from their own storage module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Table, delete, select, update
from sqlmodel import Session, SQLModel

import storage.tables  # noqa: F401 - every table module, so the metadata is complete
from storage.models import DialogState, Identity, Person
from storage.question_models import QuestionLog

ForgetHook = Callable[[Session, int, int, datetime], None]
FORGET_HOOKS: list[ForgetHook] = []  # (session, organisation_id, person_id, now)

FORGOTTEN_NAME = "—"


def _scoped(table: Table) -> bool:
    return "organisation_id" in table.c


def remove_organisation(*, session: Session, organisation_id: int) -> dict[str, int]:
    """Delete every row of one organisation, children first; returns the count per table."""
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name != "organisation"]
    counts: dict[str, int] = {}
    for table in reversed(tables):  # children before parents: foreign keys stay satisfied
        if _scoped(table):
            condition = table.c.organisation_id == organisation_id
        else:
            parents = [
                fk
                for fk in table.foreign_keys
                if fk.column.table.name != "organisation" and _scoped(fk.column.table)
            ]
            if not parents:
                continue
            fk = parents[0]
            parent = fk.column.table
            condition = fk.parent.in_(
                select(fk.column).where(parent.c.organisation_id == organisation_id)
            )
        result = session.execute(delete(table).where(condition))
        if result.rowcount:
            counts[table.name] = result.rowcount
    organisation = SQLModel.metadata.tables["organisation"]
    session.execute(delete(organisation).where(organisation.c.id == organisation_id))
    session.flush()
    return counts


def forget_person(*, session: Session, organisation_id: int, person_id: int, now: datetime) -> bool:
    """Erase what identifies one person, keep what is counted. False when there is no such person."""
    person = session.get(Person, person_id)
    if person is None or person.organisation_id != organisation_id:
        return False
    for hook in FORGET_HOOKS:
        hook(session, organisation_id, person_id, now)
    # Questions are free text and may say who asked: the text goes, the outcome is counted.
    session.execute(
        update(QuestionLog)
        .where(QuestionLog.person_id == person_id)  # type: ignore[arg-type]
        .values(question=FORGOTTEN_NAME, person_id=None)
    )
    session.execute(delete(Identity).where(Identity.person_id == person_id))  # type: ignore[arg-type]
    session.execute(delete(DialogState).where(DialogState.person_id == person_id))  # type: ignore[arg-type]
    session.execute(
        update(Person)
        .where(Person.id == person_id)  # type: ignore[arg-type]
        .values(name=FORGOTTEN_NAME, email=None, active=False)
    )
    session.flush()
    return True
