"""CSV for spreadsheet programs: every export writes its cells through here (OWASP: CSV injection).

A spreadsheet program opening a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``, ``@SUM(…)``), and a leading tab or
carriage return can hide such a start. What people type (an incident's description, a display name,
a department) ends up in these cells, so such a cell gets a ``'`` in front, as OWASP recommends:
Excel, LibreOffice and Google Sheets then show the text (the ``'`` itself is not shown when the
file is opened; a program that reads the CSV as data sees it).

Decisions:
- A plain number written as text (``-12``, ``-3.5``, ``+31``) stays as it is: the program reads it
  as the number it is, nothing runs. Anything more (``-1+1``, ``-2e3``, ``+31 6 …``) is neutralised.
- Numbers that are numbers (``int``, ``float``) are never touched; ISO dates and times start with a
  digit and are never touched either.
- A trigger after leading spaces (``"  =1+2"``) is neutralised too; it costs nothing.

No library does this as spreadsheets expect: defusedcsv also escapes ``|`` inside such cells
(changing the data), breaks negative numbers and leaves tab and carriage return alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def safe_cell(value: Any) -> str:
    """``value`` as a spreadsheet program will show it and never run it."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, bool | int | float):
        return text
    if text.lstrip(" ").startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(columns: list[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV file (header first) of dict rows, every cell through ``safe_cell``."""
    return rows_to_csv([columns, *([row.get(column) for column in columns] for row in rows)])


def rows_to_csv(rows: Iterable[Iterable[Any]]) -> str:
    """A CSV file of rows as they are (a header is just the first row), every cell through
    ``safe_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
