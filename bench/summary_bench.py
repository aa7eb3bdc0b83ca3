"""Benchmark: one quarterly summary with its charts for a large municipality (aim: under 2 s).

    python bench/summary_bench.py [--incidents 10000] [--people 5000] [--runs 5]

Pure facts in (``handlers.coordination.facts``), no database: 10,000 incidents spread over three
years with their legal deadlines (some late, some open), 5,000 staff with up to six training
completions each, a college of five, an audit programme with findings. One run computes the figures
of 2026Q3 and renders the council summary (text and the three PNG charts) and the ISMT summary
(text), which is what the scheduler does per organisation. Reported: the median and the fastest
run; the peak Python heap of one run (tracemalloc, measured in a separate run because tracing slows
it down) and the process's maximum resident set size. The first run pays matplotlib's import and
font cache; it is reported separately as "cold".
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.coordination.facts import (
    AuditFact,
    CollegeFact,
    DeadlineFact,
    FindingFact,
    IncidentFact,
    OrgFacts,
    TrainingFact,
    UnansweredCount,
)
from handlers.coordination.periods import Period

CATEGORIES = (
    "phishing",
    "malware_ransomware",
    "lost_stolen_device",
    "data_leak",
    "account_takeover",
    "outage",
    "suspicious_contact",
    "other",
)
DEPARTMENTS = (
    "Burgerzaken",
    "Sociaal Domein",
    "Ruimte",
    "Financiën",
    "ICT",
    "Publiekszaken",
    "HR",
    "Griffie",
)
AS_OF = datetime(2026, 10, 1, 7, tzinfo=UTC)


def make_facts(incident_count: int, people_count: int, seed: int = 1) -> OrgFacts:
    rng = random.Random(seed)
    start = datetime(2023, 10, 1, tzinfo=UTC)
    span = (AS_OF - start).total_seconds()
    incidents = []
    for n in range(incident_count):
        created = start + timedelta(seconds=rng.random() * span)
        significant = rng.random() < 0.08
        deadlines = []
        if significant:
            for kind, hours in (
                ("early_warning", 24),
                ("notification", 72),
                ("final", 72 + 24 * 30),
            ):
                due = created + timedelta(hours=hours)
                late = rng.random() < 0.1
                sent = (
                    None
                    if due > AS_OF and rng.random() < 0.5
                    else due + timedelta(hours=rng.choice((-5, 3) if late else (-5, -1)))
                )
                deadlines.append(DeadlineFact(kind, due, sent))
        if rng.random() < 0.1:
            due = created + timedelta(hours=72)
            deadlines.append(DeadlineFact("gdpr", due, due - timedelta(hours=10)))
        incidents.append(
            IncidentFact(
                f"INC-{created.year}-{n:05d}",
                rng.choice(CATEGORIES),
                created,
                significant if rng.random() > 0.05 else None,
                "closed"
                if created < AS_OF - timedelta(days=30)
                else rng.choice(("new", "triage", "handling", "reported")),
                tuple(deadlines),
                title=f"Melding {n}",
                decisions=("Wachtwoord gereset",) if rng.random() < 0.3 else (),
            )
        )
    training = []
    for n in range(people_count):
        enrolled = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1300))
        completions = []
        day = enrolled + timedelta(days=rng.randrange(5, 60))
        while day < date(2026, 11, 1) and len(completions) < 6:
            if rng.random() < 0.85:
                completions.append(day)
            day += timedelta(days=rng.randrange(150, 220))
        training.append(
            TrainingFact(
                n, f"P{n}", rng.choice(DEPARTMENTS), "employee", enrolled, tuple(completions)
            )
        )
    college = tuple(
        CollegeFact(
            100_000 + n,
            f"Wethouder {n}",
            "alderman",
            date(2028, 8, 15) if n else date(2026, 9, 1),
            date(2026, 6, 1) if n % 2 else None,
        )
        for n in range(5)
    )
    audits = tuple(
        AuditFact(
            n,
            ("audit", "pentest", "review")[n % 3],
            date(2025, 3, 1) + timedelta(days=90 * n),
            f"Bureau {n}",
            f"scope {n}",
            date(2025, 3, 3) + timedelta(days=90 * n) if n < 6 else None,
            tuple(
                FindingFact(
                    n * 10 + k,
                    f"Bevinding {n}.{k}",
                    f"P{k}",
                    date(2025, 5, 1) + timedelta(days=90 * n + 20 * k),
                    "open" if k % 2 else "done",
                )
                for k in range(4)
            ),
        )
        for n in range(8)
    )
    unanswered = tuple(UnansweredCount(f"Vraag {n}?", rng.randrange(1, 20)) for n in range(40))
    return OrgFacts(
        "Gemeente Groot", "nl", "Europe/Amsterdam", incidents, training, college, audits, unanswered
    )


def one_summary(facts: OrgFacts) -> tuple[int, int]:
    from handlers.coordination.figures import compute
    from handlers.coordination.summary import Audience, render_summary

    figures = compute(facts, Period(2026, 3), AS_OF)
    council = render_summary(figures, Audience.COUNCIL, "nl")
    ismt = render_summary(figures, Audience.ISMT, "nl", with_charts=False)
    return len(council.text) + len(ismt.text), sum(len(png) for _n, png in council.charts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    facts = make_facts(args.incidents, args.people)
    began = time.perf_counter()
    chars, png_bytes = one_summary(facts)
    cold = time.perf_counter() - began
    timings = []
    for _ in range(args.runs):
        began = time.perf_counter()
        one_summary(facts)
        timings.append(time.perf_counter() - began)
    tracemalloc.start()
    one_summary(facts)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.incidents} incidents, {args.people} people; text {chars} chars, charts {png_bytes} bytes"
    )
    print(f"cold (first run, imports and font cache): {cold:.3f} s")
    print(f"warm runs: {', '.join(f'{t:.3f}' for t in timings)} s")
    print(f"median {statistics.median(timings):.3f} s, fastest {min(timings):.3f} s (aim < 2 s)")
    print(
        f"peak Python heap of one run (tracemalloc): {peak / 2**20:.1f} MiB; process max RSS: {maxrss_mib:.0f} MiB"
    )


if __name__ == "__main__":
    main()
