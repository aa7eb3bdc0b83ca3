"""Incident references: ``INC-2026-0042`` (year, then the organisation's own sequence number).

The sequence restarts every year per organisation (the lead keeps the counter in the database). It
is printed with at least four digits and grows beyond that when needed: ``INC-2026-12345``. The year
is the calendar year on the organisation's wall clock at the moment the incident was registered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from handlers.incidents.timeutil import to_utc, zone

PREFIX = "INC"
_MIN_YEAR, _MAX_YEAR = 2000, 9999
# Lenient on input (people type "inc 2026 42" or use an en dash), strict on output.
_PATTERN = re.compile(r"\bINC\s*[-‐‑–—_ ]?\s*(\d{4})\s*[-‐‑–—_ ]\s*0*(\d{1,9})\b", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Reference:
    year: int
    sequence: int

    def __str__(self) -> str:
        return format_reference(self.year, self.sequence)


def format_reference(year: int, sequence: int) -> str:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"year out of range: {year}")
    if sequence < 1:
        raise ValueError(f"sequence must be at least 1: {sequence}")
    return f"{PREFIX}-{year:04d}-{sequence:04d}"


def parse_reference(text: str) -> Reference | None:
    """The first reference in ``text`` (case and separators forgiven), or None."""
    if not isinstance(text, str):
        return None
    match = _PATTERN.search(text[:1000])
    if match is None:
        return None
    year, sequence = int(match.group(1)), int(match.group(2))
    if not _MIN_YEAR <= year <= _MAX_YEAR or sequence < 1:
        return None
    return Reference(year, sequence)


def reference_year(registered_at: datetime, timezone: str) -> int:
    """The year of the reference: local, so an incident at 00:30 on 1 January gets the new year."""
    return to_utc(registered_at).astimezone(zone(timezone)).year


def next_reference(year: int, last_sequence: int | None) -> Reference:
    """The reference after ``last_sequence`` in ``year`` (None: the first of the year)."""
    return Reference(year, (last_sequence or 0) + 1)
