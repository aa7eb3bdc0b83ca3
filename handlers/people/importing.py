"""People from a CSV file: every bad line reported with its number, nothing imported if any is bad."""

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
        if problems:
            errors.append(f"line {number}: " + "; ".join(problems))
            continue
        seen_tg.update([telegram] if telegram else [])
        seen_mx.update([matrix] if matrix else [])
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


def import_people(
    *, session: Session, organisation_id: int, rows: list[PersonRow], now: datetime, actor: str
) -> tuple[int, list[str]]:
    """Write the rows; returns (count, errors). Any error means the caller must roll back."""
    errors = []
    for row in rows:
        for platform, external in (
            (Platform.TELEGRAM, row.telegram),
            (Platform.MATRIX, row.matrix),
        ):
            if external and people.identity_lookup(
                session=session, platform=platform.value, external_id=external
            ):
                errors.append(
                    f"line {row.line}: {platform.value} id {external} is already enrolled"
                )
    if errors:
        return 0, errors
    for row in rows:
        person = people.create_person(
            session=session,
            organisation_id=organisation_id,
            name=row.name,
            role=row.role.value,
            department=row.department,
            email=row.email,
            now=now,
        )
        for platform, external in (
            (Platform.TELEGRAM, row.telegram),
            (Platform.MATRIX, row.matrix),
        ):
            if external:
                people.link_identity(
                    session=session,
                    person=person,
                    platform=platform.value,
                    external_id=external,
                    now=now,
                )
    audit.record_audit(
        session=session,
        organisation_id=organisation_id,
        actor=actor,
        action="people.imported",
        now=now,
        detail={"count": len(rows)},
    )
    return len(rows), []
