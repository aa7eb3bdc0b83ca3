"""The simulated legal clocks of an exercise, from its own start (pure logic, no database)."""

from __future__ import annotations

from types import SimpleNamespace

from handlers.control.exercises import clocks_of, sim_label, sim_minutes
from handlers.control.scenarios import scenarios
from storage.control_models import ControlExercise
from tests.control.helpers import utc

START = utc(2026, 11, 23, 8, 0)


def _exercise(**extra: object) -> ControlExercise:
    return ControlExercise(
        organisation_id=1, scenario="supplier", speed=24, started_at=START, **extra
    )


def _event(kind: str, minute: int, **detail: object) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, sim_minutes=minute, detail=detail)


def test_the_simulated_clock_runs_at_its_pace_plus_what_was_skipped() -> None:
    exercise = _exercise(skipped_minutes=30)
    assert sim_minutes(exercise, utc(2026, 11, 23, 9, 0)) == 60 * 24 + 30
    assert [sim_label(m) for m in (0, 75, 95 * 60 + 59, 96 * 60, 34 * 24 * 60 + 61)] == [
        "T+0:00",
        "T+1:15",
        "T+95:59",
        "T+4d 0:00",
        "T+34d 1:01",
    ]


def test_clocks_met_missed_open_and_the_gdpr_clock_stays_when_not_significant() -> None:
    scenario = scenarios()["supplier"]
    events = [
        _event("report", 20 * 60, sent="early_warning"),
        _event("report", 80 * 60, sent="gdpr"),
    ]
    clocks = {
        c.kind: c for c in clocks_of("Europe/Amsterdam", _exercise(), scenario, events, 90 * 60)
    }
    assert (clocks["early_warning"].state, clocks["early_warning"].sent) == ("met", 20 * 60)
    assert clocks["gdpr"].state == "missed"  # 80 h > 72 h
    assert clocks["notification"].state == "passed"  # due at 72 h, nothing sent by 90 h
    # The final report: one calendar month after the notification's due time (26 Nov -> 26 Dec).
    assert sim_label(clocks["final"].due) == "T+33d 0:00" and clocks["final"].state == "open"

    not_significant = [*events, _event("decision", 60, significant=False)]
    kinds = [
        c.kind for c in clocks_of("Europe/Amsterdam", _exercise(), scenario, not_significant, 0)
    ]
    assert kinds == ["gdpr"]  # the NIS2 clocks do not apply; the GDPR's 72 hours still do
