"""Benchmark: the training sweep ``due_nudges`` for 50,000 people (target: under 1 s on 2 cores).

    python bench/training_sweep_bench.py [--people 50000] [--runs 7]

Two populations, both timed cold (holiday and calendar caches cleared before every run, as after a
restart) and warm (caches kept, as in a long-running scheduler):

- realistic: completions spread over the last seven months, 10 % never trained, some already nudged
  and some snoozed; most people are outside their reminder window;
- worst case: everybody is inside their window or overdue, so every person runs the full slot logic.

Only the sweep is timed; building the input (the lead's database read) is not. Reports the median
and the fastest of ``--runs`` runs. The sweep is pure Python and single-threaded, so the second core
does not matter.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.training.policy import TrainingPolicy
from handlers.training.schedule import (
    PersonTrainingView,
    SnoozeState,
    due_nudges,
    next_due,
    slot_key,
)
from handlers.training.workdays import public_holidays, work_calendar
from storage.enums import Country

TZ = ZoneInfo("Europe/Amsterdam")
POLICY = TrainingPolicy()
# A Tuesday in office hours, with King's Day and Easter behind and Ascension ahead.
NOW = datetime(2026, 5, 12, 10, 15, tzinfo=TZ)


def realistic(count: int, rng: random.Random) -> list[PersonTrainingView]:
    people = []
    for i in range(count):
        enrolled = NOW - timedelta(days=rng.randint(20, 3000))
        if rng.random() < 0.10:
            people.append(PersonTrainingView(f"p{i}", enrolled_at=enrolled))
            continue
        completed = NOW - timedelta(days=rng.randint(0, 210), minutes=rng.randint(0, 1440))
        people.append(_with_history(f"p{i}", enrolled, completed, rng))
    return people


def worst_case(count: int, rng: random.Random) -> list[PersonTrainingView]:
    people = []
    for i in range(count):
        # Due between 14 days ago and 14 days ahead: every one of them is in the window.
        completed = NOW - timedelta(days=183 + rng.randint(-14, 14), minutes=rng.randint(0, 1440))
        people.append(_with_history(f"w{i}", completed - timedelta(days=900), completed, rng))
    return people


def _with_history(
    pid: str, enrolled: datetime, completed: datetime, rng: random.Random
) -> PersonTrainingView:
    due = next_due(completed, enrolled, POLICY, TZ)
    roll = rng.random()
    if roll < 0.3:
        return PersonTrainingView(pid, enrolled, completed)
    step = rng.randint(0, POLICY.max_nudges - 1)
    sent_at = NOW - timedelta(days=rng.randint(1, 10))
    snooze = None
    if roll > 0.8 and step < POLICY.max_nudges - 1:
        snooze = SnoozeState(due, step + 1, 1, NOW + timedelta(hours=rng.randint(-48, 48)))
    return PersonTrainingView(pid, enrolled, completed, slot_key(due, step), sent_at, snooze)


def sweep(people: list[PersonTrainingView]) -> int:
    return len(due_nudges(people, NOW, POLICY, TZ, Country.NL))


def timed(sweep: Callable[[], int], runs: int, cold: bool) -> tuple[list[float], int]:
    times, found = [], 0
    for _ in range(runs):
        if cold:
            work_calendar.cache_clear()
            public_holidays.cache_clear()
        start = time.perf_counter()
        found = sweep()
        times.append(time.perf_counter() - start)
    return times, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(6)
    populations = {
        "realistic": realistic(args.people, rng),
        "worst case": worst_case(args.people, rng),
    }
    print(f"python {platform.python_version()} on {platform.machine()}, now = {NOW.isoformat()}")
    print(f"{args.people} people, {args.runs} runs each; seconds")
    worst = 0.0
    for name, people in populations.items():
        for cold in (True, False):
            times, found = timed(partial(sweep, people), args.runs, cold)
            median = statistics.median(times)
            worst = max(worst, median)
            label = f"{name}, {'cold' if cold else 'warm'}"
            print(f"  {label:<20} median {median:.3f}  min {min(times):.3f}  nudges {found}")
    verdict = "OK" if worst < 1.0 else "TOO SLOW"
    print(f"slowest median {worst:.3f} s: {verdict} (target < 1 s)")
    print(f"(timestamp {datetime.now(UTC).isoformat(timespec='seconds')})")


if __name__ == "__main__":
    main()
