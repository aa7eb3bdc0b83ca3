"""Resident memory of a running bot with 300 organisations and 10,000 people (issue #8).

Builds the database, starts the runtime as `nis2bot run` does (migrations, every feature registered,
the question index built, the outbox worker), then lets 2,000 of the people each send a message and a
question through the pipeline, and reports the peak resident set size of this process.

    python bench/memory_bench.py                        # SQLite in a temporary directory
    python bench/memory_bench.py --db postgresql://postgres@127.0.0.1:5432/bench_memory
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
import uuid
from pathlib import Path

from bot.app import build_runtime
from bot.config import Settings
from handlers.messages import Inbound
from storage import organisations, people
from storage.clock import utc_now
from storage.db import make_engine, migrate, unit_of_work

ROLES = ["employee"] * 25 + ["ismt", "it", "coordinator", "council_member", "alderman"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def seed(url: str, orgs: int, persons: int) -> list[str]:
    engine = make_engine(url)
    migrate(engine)
    senders = []
    now = utc_now()
    with unit_of_work(engine) as s:
        made = [
            organisations.create_organisation(
                session=s,
                slug=f"m{i}-{uuid.uuid4().hex[:4]}",
                name=f"Gemeente {i}",
                country="nl" if i % 3 else "be",
                timezone="Europe/Amsterdam" if i % 3 else "Europe/Brussels",
                now=now,
            )
            for i in range(orgs)
        ]
        for i in range(persons):
            person = people.create_person(
                session=s,
                organisation_id=made[i % orgs].id,
                name=f"Persoon {i}",
                role=ROLES[i % len(ROLES)],
                department=f"Afdeling {i % 12}",
                now=now,
            )
            sender = f"mem-{i}-{uuid.uuid4().hex[:6]}"
            people.link_identity(
                session=s, person=person, platform="telegram", external_id=sender, now=now
            )
            senders.append(sender)
    engine.dispose()
    return senders


async def exercise(url: str, senders: list[str], active: int) -> float:
    # Both transports' libraries are loaded, as in `nis2bot run` with Telegram and Matrix.
    import bot.transports.matrix
    import bot.transports.telegram  # noqa: F401

    settings = Settings(database_url=url)
    runtime = build_runtime(settings, {})
    started = time.perf_counter()
    for n, sender in enumerate(senders[:active]):
        for text in ("/help", "wat moet ik doen bij phishing?"):
            await runtime.pipeline.handle(
                Inbound("telegram", sender, sender, f"mem-{n}-{text}", utc_now(), text)
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=None)
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--active", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'memory.db'}"
        baseline = rss_mb()
        senders = seed(url, args.orgs, args.people)
        seconds = asyncio.run(exercise(url, senders, args.active))
        print(
            f"orgs={args.orgs} people={args.people} active={args.active} "
            f"messages={2 * args.active} in {seconds:.1f} s; "
            f"peak RSS {rss_mb():.0f} MB (interpreter at start {baseline:.0f} MB); aim < 200 MB"
        )


if __name__ == "__main__":
    main()
