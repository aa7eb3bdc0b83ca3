"""The rules use only the ``now`` they are given, never the machine clock (nor does dateparser)."""

from __future__ import annotations

from datetime import datetime

import time_machine

from handlers.incidents.clocks import ClockInput, compute_deadlines
from handlers.incidents.model import TriState
from handlers.incidents.reminders import due_reminders
from handlers.incidents.when import parse_when
from storage.enums import Country

from .helpers import AMS, local

NOW = local(AMS, 2026, 11, 25, 16, 45)
PHRASES = ["nu", "vanochtend 9:15", "gisteren 14:00", "maandag 10:00", "an hour ago", "21-11 8:30"]


def snapshot() -> tuple[list, list, list]:
    parsed = [parse_when(p, now=NOW, timezone=AMS) for p in PHRASES]
    data = ClockInput(Country.NL, AMS, local(AMS, 2026, 11, 24, 9, 0), True, TriState.YES)
    deadlines = compute_deadlines(data, now=NOW)
    return parsed, deadlines, due_reminders(deadlines, NOW, set())


def test_results_do_not_depend_on_the_system_clock() -> None:
    reference = snapshot()
    for elsewhere in (datetime(2031, 7, 1, 3, 0), datetime(2019, 3, 31, 2, 30)):
        with time_machine.travel(elsewhere, tick=False):
            assert snapshot() == reference
    assert all(isinstance(p, datetime) for p in reference[0])
