"""Dialog steps per second through the full pipeline, every step committed (issue #2).

Each step is one inbound event: inbox claim, identity lookup, dialog state load, the step's writes,
the reply queued in the outbox, commit. People walk through the profile dialog (/profiel, name,
department, language) over and over.

    python bench/dialog_steps.py                       # SQLite in a temporary directory
    python bench/dialog_steps.py --db postgresql://postgres@127.0.0.1:5432/bench_steps
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import handlers.registry  # noqa: F401
from bot.pipeline import Pipeline
from handlers.messages import Inbound
from handlers.settings import FeatureSettings
from storage import organisations, people
from storage.clock import utc_now
from storage.db import make_engine, migrate, unit_of_work

STEPS = ["/profiel", "Bench Persoon", "Afdeling Meten", "Nederlands"]


def run(url: str, people_count: int, rounds: int) -> dict[str, float]:
    engine = make_engine(url)
    migrate(engine)
    with unit_of_work(engine) as s:
        org = organisations.create_organisation(
            session=s,
            slug=f"bench-{uuid.uuid4().hex[:6]}",
            name="Bench",
            country="nl",
            timezone="Europe/Amsterdam",
            now=utc_now(),
        )
        senders = []
        for i in range(people_count):
            person = people.create_person(
                session=s, organisation_id=org.id, name=f"P{i}", role="employee", now=utc_now()
            )
            sender = f"bench-{uuid.uuid4().hex}"
            people.link_identity(
                session=s, person=person, platform="telegram", external_id=sender, now=utc_now()
            )
            senders.append(sender)
    pipeline = Pipeline(engine, FeatureSettings())
    latencies: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for text in STEPS:
            for sender in senders:
                event = Inbound(
                    platform="telegram",
                    chat_id=sender,
                    sender_id=sender,
                    event_id=uuid.uuid4().hex,
                    received_at=utc_now(),
                    text=text,
                )
                t0 = time.perf_counter()
                result = pipeline.handle_sync(event)
                latencies.append(time.perf_counter() - t0)
                assert result.error_reference is None and not result.duplicate
    elapsed = time.perf_counter() - started
    latencies.sort()
    engine.dispose()
    return {
        "steps": len(latencies),
        "steps_per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", default=None, help="database URL (default: a temporary SQLite file)"
    )
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median run is reported")
    args = parser.parse_args()
    results = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
            results.append(run(url, args.people, args.rounds))
    results.sort(key=lambda r: r["steps_per_second"])
    median = results[len(results) // 2]
    spread = [round(r["steps_per_second"]) for r in results]
    print(f"database: {(args.db or 'sqlite (temporary file)').split('@')[-1]}")
    print(f"steps per run: {median['steps']}; runs: {args.repeat}; steps/s of each run: {spread}")
    print(
        f"median run: {median['steps_per_second']:.0f} steps/s, p50 {median['p50_ms']:.2f} ms, "
        f"p99 {median['p99_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
