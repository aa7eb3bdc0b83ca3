"""An exercise with 10 participants at real pace, driven by a script (issue #16): does the reply
latency of the people taking part stay as it is without an exercise?

Ten people (coordinator, three ISMT members, two IT staff, mayor, secretary, two aldermen) in one
municipality with an ISMT room and a college room. Each round is one minute on an injected clock:
the ``exercise-pacing`` job runs (as the scheduler would, every minute) and every participant sends
one message through the full pipeline (inbox, routing, writes, outbox, commit).

- ``without``: no exercise; the participants send ordinary commands (/acties, /wie, /incidenten).
- ``with``: a ransomware exercise at real pace (1 simulated minute per minute) started by the
  coordinator; every third message is /oefening antwoord …, every third /oefening notitie …, the
  rest the same ordinary commands. The job plays the injects (T+0 … T+10:00) as their time comes.

Latency is measured per participant message (``Pipeline.handle_sync``); the job's own run time is
reported apart. The two modes alternate (without, with, without, …), each on a fresh database, and
the medians of the runs are compared.

    python bench/exercise_bench.py                          # SQLite in a temporary directory
    python bench/exercise_bench.py --db postgresql://postgres@127.0.0.1:5432/bench_exercise
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
import schedules.registry  # noqa: F401
from bot.pipeline import Pipeline
from handlers.messages import Inbound
from handlers.settings import FeatureSettings
from schedules.jobs import run_job
from storage import organisations, people, rooms
from storage.db import make_engine, migrate, unit_of_work

ROLES = [
    "coordinator",
    "ismt",
    "ismt",
    "ismt",
    "it",
    "it",
    "mayor",
    "secretary",
    "alderman",
    "alderman",
]
ORDINARY = ["/acties", "/wie", "/incidenten"]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _fresh(url: str) -> str:
    if not url.startswith("postgresql"):
        return url
    import psycopg

    base, name = url.rsplit("/", 1)
    side = f"{name}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{side}"')
    return f"{base}/{side}"


def _drop(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(url: str, mode: str, minutes: int) -> dict[str, float]:
    url = _fresh(url)
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
            now=clock(),
        )
        senders = []
        for i, role in enumerate(ROLES):
            person = people.create_person(
                session=s, organisation_id=org.id, name=f"P{i}", role=role, now=clock()
            )
            sender = f"bench-{uuid.uuid4().hex}"
            people.link_identity(
                session=s, person=person, platform="telegram", external_id=sender, now=clock()
            )
            senders.append(sender)
        for purpose in ("ismt", "college"):
            rooms.link_room(
                session=s,
                organisation_id=org.id,
                purpose=purpose,
                platform="telegram",
                chat_id=f"room-{purpose}-{org.id}",
                now=clock(),
            )
    settings = FeatureSettings()
    pipeline = Pipeline(engine, settings, clock=clock)

    def say(sender: str, text: str) -> float:
        event = Inbound(
            platform="telegram",
            chat_id=sender,
            sender_id=sender,
            event_id=uuid.uuid4().hex,
            received_at=clock(),
            text=text,
        )
        t0 = time.perf_counter()
        result = pipeline.handle_sync(event)
        elapsed = time.perf_counter() - t0
        assert result.error_reference is None and not result.duplicate, text
        return elapsed

    if mode == "with":
        say(senders[0], "/oefening start ransomware echt")
    latencies: list[float] = []
    ordinary: list[float] = []  # the same ordinary commands in both modes
    job_times: list[float] = []
    for minute in range(minutes):
        clock.now += timedelta(minutes=1)
        t0 = time.perf_counter()
        run_job("exercise-pacing", engine, clock(), settings)
        job_times.append(time.perf_counter() - t0)
        for index, sender in enumerate(senders):
            turn = minute + index
            if mode == "with" and turn % 3 == 0:
                text = f"/oefening antwoord antwoord {minute} van deelnemer {index}"
            elif mode == "with" and turn % 3 == 1:
                text = f"/oefening notitie actie {minute} door deelnemer {index}"
            else:
                text = ORDINARY[turn % len(ORDINARY)]
            latencies.append(say(sender, text))
            if text in ORDINARY:
                ordinary.append(latencies[-1])
    engine.dispose()
    _drop(url)
    latencies.sort()
    ordinary.sort()
    job_times.sort()
    return {
        "messages": len(latencies),
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "ordinary_p99_ms": ordinary[int(len(ordinary) * 0.99) - 1] * 1000,
        "job_p50_ms": statistics.median(job_times) * 1000,
        "job_max_ms": job_times[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=None, help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--minutes", type=int, default=660, help="rounds (one minute each)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"without": [], "with": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run_index in range(args.repeat):
            for mode in ("without", "with"):
                url = args.db or f"sqlite:///{Path(tmp) / f'{mode}-{run_index}.db'}"
                found = run(url, mode, args.minutes)
                results[mode].append(found)
                print(
                    f"{mode:8} run {run_index + 1}: {found['messages']:.0f} messages, "
                    f"p50 {found['p50_ms']:.2f} ms, p99 {found['p99_ms']:.2f} ms "
                    f"(ordinary commands: p99 {found['ordinary_p99_ms']:.2f} ms); "
                    f"job p50 {found['job_p50_ms']:.2f} ms, max {found['job_max_ms']:.2f} ms",
                    flush=True,
                )
    medians = {
        mode: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for mode, runs in results.items()
    }
    for mode, values in medians.items():
        print(
            f"median {mode}: p50 {values['p50_ms']:.2f} ms, p99 {values['p99_ms']:.2f} ms, "
            f"ordinary p99 {values['ordinary_p99_ms']:.2f} ms, job p50 {values['job_p50_ms']:.2f} ms"
        )
    print(f"p99 ratio with/without: {medians['with']['p99_ms'] / medians['without']['p99_ms']:.2f}")
    ratio = medians["with"]["ordinary_p99_ms"] / medians["without"]["ordinary_p99_ms"]
    print(f"ordinary commands' p99 ratio with/without: {ratio:.2f}")


if __name__ == "__main__":
    main()
