"""Importing an attendance list (``nis2bot training import FILE.csv --org SLUG``).

Parsing (``attendance``) reports every bad line; matching here adds a line error for every person
who can't be found or is ambiguous. Only a file without any error is written, in the caller's one
transaction, so nothing is ever half-imported. A line already imported (same person, same day, by
import) is skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from handlers.i18n import N_
from handlers.training import service
from handlers.training.attendance import AttendanceRow, LineError, parse_attendance_csv
from storage import audit, people, training
from storage.models import Organisation, Person
from storage.training_models import TrainingMethod


@dataclass(frozen=True)
class ImportOutcome:
    imported: int = 0
    skipped: int = 0
    errors: tuple[LineError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def match_rows(
    session: Session, org: Organisation, rows: tuple[AttendanceRow, ...]
) -> tuple[list[tuple[AttendanceRow, Person]], list[LineError]]:
    """Each row's person, by e-mail first and else by name (which must be unique)."""
    assert org.id is not None
    everyone = people.list_people(session=session, organisation_id=org.id)
    by_email: dict[str, list[Person]] = {}
    by_name: dict[str, list[Person]] = {}
    for person in everyone:
        if person.email:
            by_email.setdefault(person.email.strip().lower(), []).append(person)
        by_name.setdefault(_fold(person.name), []).append(person)
    matched, errors = [], []
    for row in rows:
        candidates = by_email.get(row.email or "", []) if row.email else []
        if not candidates and row.name:
            candidates = by_name.get(_fold(row.name), [])
        who = row.email or row.name or ""
        if not candidates:
            errors.append(
                LineError(row.line, N_("Nobody called {value} is enrolled."), {"value": who})
            )
        elif len(candidates) > 1:
            errors.append(
                LineError(
                    row.line,
                    N_("{value} matches several people; use the e-mail address."),
                    {"value": who},
                )
            )
        else:
            matched.append((row, candidates[0]))
    return matched, errors


def import_attendance(
    session: Session,
    org: Organisation,
    data: bytes,
    *,
    now: datetime,
    actor: str = "operator",
) -> ImportOutcome:
    """Parse, match and write; with any error nothing is written (the caller may still roll back)."""
    parsed = parse_attendance_csv(data, today=service.local_day(now, org))
    if not parsed.ok:
        return ImportOutcome(errors=parsed.errors)
    matched, errors = match_rows(session, org, parsed.rows)
    if errors:
        return ImportOutcome(errors=tuple(errors))
    assert org.id is not None
    imported = skipped = 0
    for row, person in matched:
        assert person.id is not None
        start, end = service.day_bounds(row.attended_on, org)
        if training.has_record_on(
            session=session,
            organisation_id=org.id,
            person_id=person.id,
            start=start,
            end=end,
            method=TrainingMethod.IMPORT,
        ):
            skipped += 1
            continue
        service.register_completion(
            session,
            org,
            person,
            completed_at=service.noon(row.attended_on, org),
            method=TrainingMethod.IMPORT,
            now=now,
            with_certificate=False,
            note=f"csv line {row.line}: {row.method.value}",
        )
        imported += 1
    audit.record_audit(
        session=session,
        organisation_id=org.id,
        actor=actor,
        action="training.imported",
        now=now,
        detail={"imported": imported, "skipped": skipped},
    )
    return ImportOutcome(imported=imported, skipped=skipped)
