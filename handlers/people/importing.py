"""People from a CSV file: every bad line reported with its number, nothing imported if any is bad.

Importing is idempotent: a row that describes someone already known (same e-mail, else the same
chat id, else the same name and department when neither has an e-mail) updates that person, so
the same file imported twice, or a line repeated, never doubles anyone.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.people.roles import parse_role
from handlers.text import clean_text, one_line
from storage import audit, people
from storage.enums import Platform, Role
from storage.models import Person

COLUMNS = ("name", "role", "department", "e-mail", "telegram", "matrix")


@dataclass(frozen=True)
class PersonRow:
    line: int
    name: str
    role: Role
    department: str | None
    email: str | None
    telegram: str | None
    matrix: str | None


def parse_people_csv(text: str) -> tuple[list[PersonRow], list[str]]:
    """Rows and errors ("line 4: unknown role 'boss'"). Accepts ; or , and a UTF-8 BOM."""
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    errors: list[str] = []
    missing = [c for c in ("name", "role") if c not in header]
    if missing:
        return [], [
            f"line 1: missing column(s): {', '.join(missing)} (expected {', '.join(COLUMNS)})"
        ]
    rows: list[PersonRow] = []
    seen_tg: set[str] = set()
    seen_mx: set[str] = set()
    seen_mail: dict[str, int] = {}
    # Rows with no e-mail and no chat id, by name and department: two Jan Smits of two
    # departments are two people, the same line twice is one.
    seen_name: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(reader, start=2):

        def field(name: str, raw: dict[str, str | None] = raw) -> str | None:
            value = one_line(clean_text(raw.get(name) or ""), 320)
            return value or None

        name, role_word = field("name"), field("role")
        role = parse_role(role_word or "")
        problems = []
        if not name:
            problems.append("empty name")
        if role is None:
            problems.append(f"unknown role '{role_word or ''}'")
        email, telegram, matrix = (
            field("e-mail") or field("email"),
            field("telegram"),
            field("matrix"),
        )
        if email and "@" not in email:
            problems.append(f"not an e-mail address '{email}'")
        if telegram and not telegram.lstrip("-").isdigit():
            problems.append(f"telegram must be the numeric user id, got '{telegram}'")
        if matrix and not (matrix.startswith("@") and ":" in matrix):
            problems.append(f"matrix must look like @user:server, got '{matrix}'")
        if telegram and telegram in seen_tg:
            problems.append(f"telegram id {telegram} appears twice")
        if matrix and matrix in seen_mx:
            problems.append(f"matrix id {matrix} appears twice")
        if email and email.casefold() in seen_mail:
            problems.append(f"e-mail {email} appears twice (line {seen_mail[email.casefold()]})")
        unkeyed = (
            (name.casefold(), (field("department") or "").casefold())
            if name and not (email or telegram or matrix)
            else None
        )
        if unkeyed and unkeyed in seen_name:
            problems.append(
                f"{name} of the same department appears twice (line {seen_name[unkeyed]}) "
                "without an e-mail or chat id to tell them apart"
            )
        if problems:
            errors.append(f"line {number}: " + "; ".join(problems))
            continue
        seen_tg.update([telegram] if telegram else [])
        seen_mx.update([matrix] if matrix else [])
        if email:
            seen_mail[email.casefold()] = number
        if unkeyed:
            seen_name[unkeyed] = number
        rows.append(
            PersonRow(
                number,
                name or "",
                role or Role.EMPLOYEE,
                field("department"),
                email,
                telegram,
                matrix,
            )
        )
    return rows, errors


@dataclass(frozen=True)
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return self.created + self.updated + self.unchanged


def _match(
    session: Session, organisation_id: int, row: PersonRow
) -> tuple[Person | None, str | None]:
    """The existing person this row describes, or None for a new one; or an error.

    Matched by e-mail first, then by a platform id, then (a row with neither) by the name and
    department of someone who has no e-mail either, so importing the same file twice updates
    instead of doubling everyone. A platform id enrolled in another organisation, or keys that point at two
    different people, are errors: the operator must look.
    """
    found: Person | None = None
    if row.email:
        by_mail = people.people_by_email(
            session=session, organisation_id=organisation_id, email=row.email
        )
        if len(by_mail) > 1:
            return None, f"line {row.line}: {len(by_mail)} people have the e-mail {row.email}"
        found = by_mail[0] if by_mail else None
    for platform, external in ((Platform.TELEGRAM, row.telegram), (Platform.MATRIX, row.matrix)):
        if not external:
            continue
        known = people.identity_lookup(
            session=session, platform=platform.value, external_id=external
        )
        if known is None:
            continue
        _identity, owner, org = known
        if org.id != organisation_id:
            return None, (
                f"line {row.line}: {platform.value} id {external} is already enrolled "
                "in another organisation"
            )
        if found is not None and found.id != owner.id:
            return None, (
                f"line {row.line}: the e-mail belongs to {found.name} (id {found.id}) but "
                f"{platform.value} id {external} to {owner.name} (id {owner.id})"
            )
        found = owner
    if found is None and not (row.email or row.telegram or row.matrix):
        department = (row.department or "").casefold()
        same = [
            p
            for p in people.people_by_name(
                session=session, organisation_id=organisation_id, name=row.name
            )
            if not p.email and (p.department or "").casefold() == department
        ]
        if len(same) > 1:
            return None, (
                f"line {row.line}: {len(same)} people called {row.name} in the same department; "
                "add their e-mail to tell them apart"
            )
        found = same[0] if same else None
    return found, None


def import_people(
    *,
    session: Session,
    organisation_id: int,
    rows: list[PersonRow],
    now: datetime,
    actor: str,
    update_existing: bool = True,
) -> ImportOutcome:
    """Write the rows, matching existing people; any error means the caller must roll back.

    A matched person gets the row's name, role and department, its e-mail if they had none, and
    the platform ids they do not have yet; a row that changes nothing is counted as unchanged.
    ``update_existing=False`` (``person add``: one new person) makes a match an error instead.
    """
    matches: list[Person | None] = []
    errors = []
    for row in rows:
        found, error = _match(session, organisation_id, row)
        if error:
            errors.append(error)
        elif found is not None and not update_existing:
            errors.append(f"line {row.line}: already enrolled as {found.name} (id {found.id})")
        matches.append(found)
    if errors:
        return ImportOutcome(errors=tuple(errors))
    created = updated = unchanged = 0
    for row, person in zip(rows, matches, strict=True):
        if person is None:
            person = people.create_person(
                session=session,
                organisation_id=organisation_id,
                name=row.name,
                role=row.role.value,
                department=row.department,
                email=row.email,
                now=now,
            )
            created += 1
            is_new, changed = True, False
        else:
            is_new = False
            before = (person.name, person.role, person.department, person.email, person.active)
            person.name, person.role = row.name, row.role.value
            person.department = row.department or person.department
            person.email = person.email or row.email
            person.active = True
            changed = before != (
                person.name,
                person.role,
                person.department,
                person.email,
                person.active,
            )
            session.add(person)
        for platform, external in (
            (Platform.TELEGRAM, row.telegram),
            (Platform.MATRIX, row.matrix),
        ):
            if external and not people.identity_lookup(
                session=session, platform=platform.value, external_id=external
            ):
                people.link_identity(
                    session=session,
                    person=person,
                    platform=platform.value,
                    external_id=external,
                    now=now,
                )
                changed = True
        if not is_new:
            if changed:
                updated += 1
            else:
                unchanged += 1
    session.flush()
    audit.record_audit(
        session=session,
        organisation_id=organisation_id,
        actor=actor,
        action="people.imported",
        now=now,
        detail={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return ImportOutcome(created, updated, unchanged)
