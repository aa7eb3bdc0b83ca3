"""Parsing a CSV attendance list (pure: the lead matches people and writes the records).

All or nothing: either every data line is valid and ``rows`` holds them all, or ``errors`` lists
every problem with its line number and ``rows`` is empty. A coordinator fixes the file and uploads
it again; a half-imported list would be worse than none, because nobody would know which half.

Accepted: a header line naming the columns (Dutch or English: naam/name, e-mail, datum/date,
methode/method; other columns are ignored); a name or an e-mail per line (or both); dates as
2026-11-01, 01-11-2026, 1-11-2026, 1/11/2026 or 1.11.2026, always day before month (NL and BE
write dates that way; 01/11/2026 is never read as January 11); ``;``, ``,`` or tab as delimiter
(Dutch Excel writes ``;``); UTF-8 with or without BOM, and Windows-1252 when the bytes are not UTF-8
(what Excel's plain "CSV" saves on a Dutch Windows).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from handlers.i18n import N_, t
from handlers.training.certificate import Method

MAX_ROWS = 5000

_HEADERS = {
    "name": {"name", "naam", "fullname", "volledigenaam", "deelnemer", "participant"},
    "email": {"email", "mail", "emailadres", "emailaddress", "mailadres"},
    "date": {"date", "datum", "trainingsdatum", "trainingdate"},
    "method": {"method", "methode", "wijze", "vorm"},
}
_METHODS = {
    Method.ATTENDED: {"attended", "aanwezig", "bijgewoond", "klassikaal", "sessie", "session"},
    Method.QUIZ: {"quiz", "toets"},
    Method.IMPORTED: {"imported", "import", "geimporteerd", "elearning", "extern", "external"},
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    line: int
    name: str | None
    email: str | None  # lower case
    attended_on: date
    method: Method


@dataclass(frozen=True, slots=True)
class LineError:
    """``line`` is the line number in the file (the header is line 1); 0 for the file as a whole."""

    line: int
    message: str  # an English msgid with {placeholders}
    params: Mapping[str, str] = field(default_factory=dict)

    def text(self, language: str) -> str:
        detail = t(language, self.message, **self.params)
        return (
            t(language, "Line {line}: {detail}", line=self.line, detail=detail)
            if self.line
            else detail
        )


@dataclass(frozen=True, slots=True)
class AttendanceImport:
    rows: tuple[AttendanceRow, ...] = ()
    errors: tuple[LineError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_attendance_csv(
    data: bytes | str, *, today: date | None = None, max_rows: int = MAX_ROWS
) -> AttendanceImport:
    """Parse the whole file; with ``today``, later dates are errors (attendance is in the past)."""
    text = _decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        return _fail(LineError(0, N_("The file is empty.")))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[header_index]))
    header: list[str] | None = None
    columns: dict[str, int] = {}
    errors: list[LineError] = []
    rows: list[AttendanceRow] = []
    seen: dict[tuple[str, date], int] = {}
    previous_end = data_lines = 0
    for record in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = record
            columns, problem = _columns(record)
            if problem is not None:
                return _fail(LineError(line, problem))
            continue
        data_lines += 1
        if data_lines > max_rows:
            return _fail(
                LineError(0, N_("The file has more than {max} lines."), {"max": str(max_rows)})
            )
        row, row_errors = _row(line, record, len(header), columns, today)
        errors.extend(row_errors)
        if row is None:
            continue
        identity = (row.email or _fold(row.name or ""), row.attended_on)
        if identity in seen:
            errors.append(
                LineError(
                    line,
                    N_("Same person and date as line {other}."),
                    {"other": str(seen[identity])},
                )
            )
            continue
        seen[identity] = line
        rows.append(row)
    if header is None or (not rows and not errors):
        return _fail(LineError(0, N_("The file has a header but no attendance lines.")))
    return AttendanceImport(errors=tuple(errors)) if errors else AttendanceImport(rows=tuple(rows))


def _row(
    line: int, record: list[str], width: int, columns: dict[str, int], today: date | None
) -> tuple[AttendanceRow | None, list[LineError]]:
    errors: list[LineError] = []
    if len(record) > width:
        # Usually a name with the delimiter in it, unquoted: refuse rather than shift the columns.
        errors.append(
            LineError(
                line,
                N_("This line has {count} fields; the header has {expected}."),
                {"count": str(len(record)), "expected": str(width)},
            )
        )
        return None, errors
    cells = {
        key: record[index].strip() if index < len(record) else "" for key, index in columns.items()
    }
    name = " ".join(cells.get("name", "").split()) or None
    email = cells.get("email", "").lower() or None
    if name is None and email is None:
        errors.append(LineError(line, N_("Both the name and the e-mail address are empty.")))
    if email is not None and not _EMAIL.fullmatch(email):
        errors.append(LineError(line, N_("Not a valid e-mail address: {value}"), {"value": email}))
    attended_on, date_error = _parse_date(cells["date"])
    if date_error is not None:
        errors.append(LineError(line, date_error, {"value": cells["date"]}))
    elif today is not None and attended_on is not None and attended_on > today:
        errors.append(
            LineError(line, N_("The date {value} lies in the future."), {"value": cells["date"]})
        )
    method = _parse_method(cells.get("method", ""))
    if method is None:
        errors.append(
            LineError(
                line,
                N_("Unknown method: {value}. Use attended, quiz or imported."),
                {"value": cells["method"]},
            )
        )
    if errors or attended_on is None or method is None:
        return None, errors
    return AttendanceRow(line, name, email, attended_on, method), errors


def _parse_date(value: str) -> tuple[date | None, str | None]:
    """(date, None) or (None, error msgid); day-first only, four-digit years only."""
    if not value:
        return None, N_("The date is missing.")
    if match := _ISO.fullmatch(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DAY_FIRST.fullmatch(value):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    else:
        return None, N_("Unknown date format: {value}. Use for example 2026-11-01 or 01-11-2026.")
    try:
        return date(year, month, day), None
    except ValueError:
        return None, N_("The date {value} does not exist.")


def _parse_method(value: str) -> Method | None:
    if not value:
        return Method.ATTENDED  # it is an attendance list: a line without a method was there
    folded = _fold(value).replace("-", "").replace(" ", "")
    return next((method for method, names in _METHODS.items() if folded in names), None)


def _columns(header: list[str]) -> tuple[dict[str, int], str | None]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = re.sub(r"[^a-z]", "", _fold(title))
        for column, names in _HEADERS.items():
            if key in names:
                if column in columns:
                    return columns, N_("The header names the same column twice.")
                columns[column] = index
    if "date" not in columns or not ({"name", "email"} & columns.keys()):
        return columns, N_(
            "The first line must name the columns: a date column and a name or e-mail column."
        )
    return columns, None


def _delimiter(header_line: str) -> str:
    # Ties go to ';', Dutch Excel's choice; a header always has at least two columns.
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ";"))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _fold(text: str) -> str:
    """Case and accents folded: "Geïmporteerd" and "geimporteerd" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def _fail(error: LineError) -> AttendanceImport:
    return AttendanceImport(errors=(error,))


def parse_day(value: str) -> date | None:
    """A date as the attendance list accepts it (2026-11-01, 1-11-2026, 1/11/2026), else None."""
    day, _error = _parse_date(value.strip())
    return day
