"""The incident reminder due-check over 10,000 open incidents with their deadlines (issue #4).

One pass = what the ``incident-reminders`` job does before it sends anything: one indexed query over
the open deadline rows (joined to their incident) and the reminder-slot computation per row. Two
situations: "steady" (every slot that has come was already claimed, so nothing is sent: the pass
the bot makes every minute) and "all due" (the first pass after the data appeared: every row has a
slot to send; only the finding is timed, not the sending). SQLite, aim: under 200 ms.

    python bench/incidents_due_check.py [--incidents 10000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update

from handlers.incidents.clocks import EARLY_WARNING_HOURS, NOTIFICATION_HOURS
from handlers.incidents.reminders import first_slot_at, next_slot_at
from handlers.settings import FeatureSettings
from schedules.incidents import scan
from schedules.jobs import JobOptions
from storage import organisations
from storage.db import make_engine, migrate, unit_of_work
from storage.incident_models import Incident, IncidentDeadline

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def populate(engine, count: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(4)
    with unit_of_work(engine) as session:
        org = organisations.create_organisation(
            session=session,
            slug="bench",
            name="Bench",
            country="nl",
            timezone="Europe/Amsterdam",
            now=NOW,
        )
        incidents, deadlines = [], []
        for n in range(1, count + 1):
            aware = NOW - timedelta(minutes=rng.randint(0, 96 * 60))
            incidents.append(
                {
                    "id": n,
                    "organisation_id": org.id,
                    "reference": f"INC-2026-{n:04d}",
                    "year": 2026,
                    "sequence": n,
                    "description": "bench",
                    "aware_at": aware,
                    "noticed_at": aware,
                    "status": "triage",
                    "significant": True,
                    "complete": True,
                    "anonymous": False,
                    "category_guessed": False,
                    "alerted_at": aware,
                    "created_at": aware,
                    "updated_at": aware,
                }
            )
            notification = aware + timedelta(hours=NOTIFICATION_HOURS)
            for kind, due, provisional in (
                ("early_warning", aware + timedelta(hours=EARLY_WARNING_HOURS), False),
                ("notification", notification, False),
                ("final", notification + timedelta(days=30), True),
            ):
                deadlines.append(
                    {
                        "organisation_id": org.id,
                        "incident_id": n,
                        "kind": kind,
                        "due_at": due,
                        "provisional": provisional,
                        "recipients": ["csirt", "competent_authority"],
                        "basis": "bench",
                        "next_reminder_at": first_slot_at(due),
                        "updated_at": NOW,
                    }
                )
        session.execute(insert(Incident), incidents)
        session.execute(insert(IncidentDeadline), deadlines)


def timed(engine, settings: FeatureSettings, repeat: int) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    times, found = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = sum(1 for _row, slot in scan(engine, NOW, settings, JobOptions()) if slot)
        times.append((time.perf_counter() - started) * 1000)
    return times, found


def mark_all_claimed(engine, settings: FeatureSettings) -> None:  # type: ignore[no-untyped-def]
    """Steady state: the latest slot of every row is recorded (as the job leaves it)."""
    pending = scan(engine, NOW, settings, JobOptions())
    every = timedelta(hours=settings.incident_overdue_every_hours)
    with unit_of_work(engine) as session:
        for row, slot in pending:
            assert slot is not None
            session.execute(
                update(IncidentDeadline)
                .where(IncidentDeadline.id == row.deadline_id)  # type: ignore[arg-type]
                .values(
                    last_reminder_key=slot.key,
                    next_reminder_at=next_slot_at(row.due_at, NOW, overdue_every=every),
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    settings = FeatureSettings()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(engine)
        started = time.perf_counter()
        populate(engine, args.incidents)
        print(
            f"populated {args.incidents} incidents with 3 deadlines each in "
            f"{time.perf_counter() - started:.1f} s"
        )
        first, due = timed(engine, settings, args.repeat)
        mark_all_claimed(engine, settings)
        steady, left = timed(engine, settings, args.repeat)
        engine.dispose()
    for label, times, count in (("all due", first, due), ("steady", steady, left)):
        print(
            f"{label:8s}: median {statistics.median(times):6.1f} ms  "
            f"min {min(times):6.1f}  max {max(times):6.1f}  ({count} slots to send)"
        )


if __name__ == "__main__":
    main()
