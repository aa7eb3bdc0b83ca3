"""Dialog steps per second through the full pipeline, every step committed (issue #2).

Each step is one inbound event: inbox claim, identity lookup, dialog state load, the step's writes,
the reply queued in the outbox, commit. People walk through the profile dialog (/profiel, name,
department, language) over and over.

    python bench/dialog_steps.py                       # SQLite in a temporary directory
    python bench/dialog_steps.py --db postgresql://postgres@127.0.0.1:5432/bench_steps
    python bench/dialog_steps.py --vs /tmp/old         # side by side with another checkout

``--vs DIR`` runs this bench and DIR's own ``bench/dialog_steps.py`` (e.g. a ``git worktree`` of the
previous commit) in turn, A B A B ..., each run a fresh process on a fresh database, and reports
both medians and the ratio of each pair: pairing keeps the comparison fair on a machine whose load
drifts. With ``--db`` each side gets its own PostgreSQL database (``<name>_a`` and ``<name>_b``),
since the two checkouts may have different migrations.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
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


RESULT = re.compile(r"median run: (\d+) steps/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms")


def _child(checkout: Path, db: str | None, people: int, rounds: int) -> tuple[float, float, float]:
    """One run of ``checkout``'s own bench in a fresh process; (steps/s, p50 ms, p99 ms)."""
    command = [sys.executable, str(checkout / "bench" / "dialog_steps.py"), "--repeat", "1"]
    command += ["--people", str(people), "--rounds", str(rounds)]
    if db:
        command += ["--db", db]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        command, cwd=checkout, env=env, capture_output=True, text=True, timeout=1800
    )
    found = RESULT.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{checkout}: run failed\n{done.stdout}\n{done.stderr}")
    return float(found[1]), float(found[2]), float(found[3])


def _side_database(url: str, suffix: str) -> str:
    import psycopg

    base, name = url.rsplit("/", 1)
    side = f"{name}_{suffix}"
    with psycopg.connect(f"{base}/postgres".replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{side}"')
        admin.execute(f'CREATE DATABASE "{side}"')
    return f"{base}/{side}"


def compare(args: argparse.Namespace) -> None:
    this, other = Path(__file__).resolve().parents[1], Path(args.vs).resolve()
    db_a = _side_database(args.db, "a") if args.db else None
    db_b = _side_database(args.db, "b") if args.db else None
    a: list[tuple[float, float, float]] = []
    b: list[tuple[float, float, float]] = []
    for _ in range(args.repeat):
        a.append(_child(this, db_a, args.people, args.rounds))
        b.append(_child(other, db_b, args.people, args.rounds))
    ratios = sorted(x[0] / y[0] for x, y in zip(a, b, strict=True))

    def line(name: str, runs: list[tuple[float, float, float]]) -> str:
        rates = sorted(r[0] for r in runs)
        return (
            f"{name}: median {statistics.median(rates):.0f} steps/s (runs {[round(r) for r in rates]}), "
            f"p50 {statistics.median(r[1] for r in runs):.2f} ms, "
            f"p99 {statistics.median(r[2] for r in runs):.2f} ms"
        )

    print(f"database: {(args.db or 'sqlite (temporary file)').split('@')[-1]}; runs A B A B ...")
    print(line(f"A {this}", a))
    print(line(f"B {other}", b))
    print(f"A/B steps/s per pair: median {statistics.median(ratios):.2f} (pairs {ratios})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", default=None, help="database URL (default: a temporary SQLite file)"
    )
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median run is reported")
    parser.add_argument("--vs", default=None, help="another checkout to run side by side")
    args = parser.parse_args()
    if args.vs:
        compare(args)
        return
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
