"""Parsing an attendance CSV: formats, delimiters, encodings, and every kind of bad line."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.training.attendance import AttendanceRow, parse_attendance_csv
from handlers.training.certificate import Method

TODAY = date(2026, 11, 22)


def test_semicolon_file_with_bom_and_three_date_formats() -> None:
    text = (
        "Naam;E-mail;Datum;Methode\n"
        "Zoë van 't Hof;Zoe@Example.nl;2026-11-01;aanwezig\n"
        "Çağla Ünal-Ørsted;;01-11-2026;\n"
        ";jan@example.nl;1/11/2026;toets\n"
        "Piet  Jansen;;1.11.2026;Geïmporteerd\n"
    )
    result = parse_attendance_csv(("\ufeff" + text).encode("utf-8"), today=TODAY)
    assert result.ok, [e.text("en") for e in result.errors]
    assert result.rows == (
        AttendanceRow(2, "Zoë van 't Hof", "zoe@example.nl", date(2026, 11, 1), Method.ATTENDED),
        AttendanceRow(3, "Çağla Ünal-Ørsted", None, date(2026, 11, 1), Method.ATTENDED),
        AttendanceRow(4, None, "jan@example.nl", date(2026, 11, 1), Method.QUIZ),
        AttendanceRow(5, "Piet Jansen", None, date(2026, 11, 1), Method.IMPORTED),
    )


def test_comma_file_with_quotes_english_headers_and_extra_columns() -> None:
    text = 'name,department,date,method\n"Jansen, Piet",Burgerzaken,2026-10-05,attended\n'
    result = parse_attendance_csv(text)
    assert result.ok
    assert result.rows[0].name == "Jansen, Piet" and result.rows[0].attended_on == date(2026, 10, 5)


def test_windows_1252_from_dutch_excel() -> None:
    data = "naam;datum\nZoë van ’t Hof;05-10-2026\n".encode("cp1252")
    result = parse_attendance_csv(data)
    assert result.ok and result.rows[0].name == "Zoë van ’t Hof"


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    result = parse_attendance_csv("\nnaam;datum\n\nAnna;2026-10-05\n\nBob;2026-13-05\n")
    assert not result.ok and result.rows == ()
    [error] = result.errors
    assert error.line == 6
    assert error.text("en") == "Line 6: The date 2026-13-05 does not exist."
    assert error.text("nl") == "Regel 6: De datum 2026-13-05 bestaat niet."


def test_bad_lines_give_all_errors_and_no_rows() -> None:
    text = (
        "naam;e-mail;datum;methode\n"
        "Anna de Vries;;2026-10-05;aanwezig\n"  # 2: fine
        "Bob Bakker;;;aanwezig\n"  # 3: missing date
        "Cor;;5 oktober 2026;\n"  # 4: unknown format
        ";;2026-10-05;\n"  # 5: empty name and e-mail
        "anna  de vries;;05-10-2026;\n"  # 6: duplicate of line 2
        "Dirk;dirk@;2026-10-05;\n"  # 7: bad e-mail
        "Eva;;2026-10-05;webinar\n"  # 8: unknown method
        "Frank;;2026-12-01;\n"  # 9: in the future
        "Gert;;31-02-2026;\n"  # 10: does not exist
        "Hans;;11/25/2026;\n"  # 11: month first is not accepted
        "Ida;;26-10-05;\n"  # 12: two-digit year
        "Jan;x;2026-10-05;aanwezig;extra\n"  # 13: too many fields
    )
    result = parse_attendance_csv(text, today=TODAY)
    assert not result.ok and result.rows == ()
    got = [e.text("en") for e in result.errors]
    assert got == [
        "Line 3: The date is missing.",
        "Line 4: Unknown date format: 5 oktober 2026. Use for example 2026-11-01 or 01-11-2026.",
        "Line 5: Both the name and the e-mail address are empty.",
        "Line 6: Same person and date as line 2.",
        "Line 7: Not a valid e-mail address: dirk@",
        "Line 8: Unknown method: webinar. Use attended, quiz or imported.",
        "Line 9: The date 2026-12-01 lies in the future.",
        "Line 10: The date 31-02-2026 does not exist.",
        "Line 11: The date 11/25/2026 does not exist.",
        "Line 12: Unknown date format: 26-10-05. Use for example 2026-11-01 or 01-11-2026.",
        "Line 13: This line has 5 fields; the header has 4.",
    ]
    assert result.errors[0].text("nl") == "Regel 3: De datum ontbreekt."


def test_duplicate_by_email_ignores_case() -> None:
    result = parse_attendance_csv(
        "email;date\nA@x.nl;2026-10-05\na@X.NL;05-10-2026\na@x.nl;2026-10-06\n"
    )
    assert [e.text("en") for e in result.errors] == ["Line 3: Same person and date as line 2."]


def test_a_multiline_quoted_field_reports_its_first_line() -> None:
    result = parse_attendance_csv('naam;datum\n"Anna\nde Vries";2026-10-05\nBob;\n')
    assert [e.line for e in result.errors] == [4]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("\n\n", "The file is empty."),
        ("naam;datum\n", "The file has a header but no attendance lines."),
        ("Anna;2026-10-05\n", "Line 1: The first line must name the columns"),
        ("naam;methode\nAnna;toets\n", "Line 1: The first line must name the columns"),
        (
            "naam;datum;date\nAnna;1-1-2026;1-1-2026\n",
            "Line 1: The header names the same column twice.",
        ),
    ],
)
def test_file_level_problems(text: str, message: str) -> None:
    result = parse_attendance_csv(text)
    assert not result.ok
    assert result.errors[0].text("en").startswith(message)


def test_too_many_lines() -> None:
    text = "naam;datum\n" + "".join(f"P{i};2026-10-05\n" for i in range(4))
    assert parse_attendance_csv(text, max_rows=4).ok
    result = parse_attendance_csv(text, max_rows=3)
    assert [e.text("en") for e in result.errors] == ["The file has more than 3 lines."]
