"""Intake step latency through the full pipeline, every step committed (issue #4).

Each step is one inbound event: inbox claim, identity lookup, dialog state, the incident row written
(created at the first answer), the reply queued; the last step also alerts the ISMT room, renders
the advice and writes the deadline rows. Reporters walk through the phishing intake over and over.

    python bench/incidents_intake.py [--reporters 20] [--rounds 5] [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import handlers.registry  # noqa: F401
from bot.pipeline import Pipeline
from handlers.messages import Inbound
from handlers.settings import FeatureSettings
from storage import organisations, people, rooms
from storage.db import make_engine, migrate, unit_of_work

STEPS: list[tuple[str, str | None]] = [
    ("/melden", None),
    ("Ik heb op een link geklikt in een mail over een pakketje", None),
    ("nu", None),
    ("E-mail", None),
    ("1", None),
    ("Nee", None),
    ("Nee", None),
    ("", "nothing"),
    ("", "send"),
]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(url: str, reporters: int, rounds: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    clock = Clock()
    with unit_of_work(engine) as s:
        org = organisations.create_organisation(
            session=s,
            slug=f"bench-{uuid.uuid4().hex[:6]}",
            name="Bench",
            country="nl",
            timezone="Europe/Amsterdam",
            now=clock.now,
        )
        rooms.link_room(
            session=s,
            organisation_id=org.id,
            purpose="ismt",
            platform="telegram",
            chat_id="bench-ismt",
            now=clock.now,
        )
        senders = []
        for i in range(reporters):
            person = people.create_person(
                session=s, organisation_id=org.id, name=f"R{i}", role="employee", now=clock.now
            )
            sender = f"bench-{uuid.uuid4().hex}"
            people.link_identity(
                session=s, person=person, platform="telegram", external_id=sender, now=clock.now
            )
            senders.append(sender)
    pipeline = Pipeline(engine, FeatureSettings(), clock=clock)
    per_step: dict[int, list[float]] = {i: [] for i in range(len(STEPS))}
    for _ in range(rounds):
        for index, (text, choice) in enumerate(STEPS):
            for sender in senders:
                event = Inbound(
                    platform="telegram",
                    chat_id=sender,
                    sender_id=sender,
                    event_id=uuid.uuid4().hex,
                    received_at=clock.now,
                    text=text,
                    choice=choice,
                )
                started = time.perf_counter()
                result = pipeline.handle_sync(event)
                per_step[index].append((time.perf_counter() - started) * 1000)
                assert result.error_reference is None
    everything = [v for values in per_step.values() for v in values]
    print(f"{len(everything)} steps, {reporters} reporters x {rounds} reports, {url.split(':')[0]}")
    print(
        f"all steps : p50 {statistics.median(everything):6.2f} ms  "
        f"p99 {percentile(everything, 0.99):6.2f} ms"
    )
    for index, values in per_step.items():
        label = STEPS[index][0][:24] or STEPS[index][1]
        print(
            f"step {index} {label!s:24s}: p50 {statistics.median(values):6.2f} ms  "
            f"p99 {percentile(values, 0.99):6.2f} ms"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reporters", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    if args.db:
        run(args.db, args.reporters, args.rounds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.reporters, args.rounds)


if __name__ == "__main__":
    main()
