"""Benchmark: the council report's first page (#16 item 3) for 300 organisations.

    python bench/council_first_page.py [--organisations 300] [--seed 1]

Pure facts in, no database (as ``bench/summary_bench.py``): 300 municipalities of varied size
(50–2,000 incidents over three years, 100–1,500 staff, built by ``summary_bench.make_facts``), each
with exercise and action-point figures of "in control" for this and the previous quarter. Per
organisation it computes the figures of 2026Q3 and renders the one-screen first page in Dutch; the
figures and the page are timed separately. Reading the facts and the control figures from the
database is not timed (one bulk query per table per organisation, see ``gather.py``). Reported:
median, p95 and max per report; the peak Python heap of one page (tracemalloc, separate run) and
the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from summary_bench import AS_OF, make_facts

from handlers.control.figures import ActionFigures, ControlFigures, ExerciseLine
from handlers.coordination.figures import compute
from handlers.coordination.first_page import render_first_page
from handlers.coordination.periods import Period

Q3 = Period(2026, 3)


def control(rng: random.Random) -> ControlFigures:
    exercises = tuple(
        ExerciseLine(n, "ransomware", datetime(2026, 8, 1, 9, tzinfo=UTC), "done", 3, 2)
        for n in range(rng.randint(0, 2))
    )
    return ControlFigures(
        actions=ActionFigures(
            open=rng.randint(0, 20),
            overdue=rng.randint(0, 4),
            done_in_period=rng.randint(0, 10),
            created_in_period=rng.randint(0, 10),
            by_source={},
        ),
        exercises=exercises,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    def organisation(n: int):  # type: ignore[no-untyped-def]
        # Built one at a time, untimed, so 300 organisations' facts never sit in memory at once.
        size = rng.randint(50, 2000), rng.randint(100, 1500)
        return make_facts(*size, seed=n), control(rng), control(rng)

    warm = organisation(-1)
    render_first_page(compute(warm[0], Q3, AS_OF), warm[1], warm[2], "nl")
    figures_s, page_s, lengths = [], [], []
    for n in range(args.organisations):
        facts, now, before = organisation(n)
        started = time.perf_counter()
        figures = compute(facts, Q3, AS_OF)
        computed = time.perf_counter()
        text = render_first_page(figures, now, before, "nl")
        figures_s.append(computed - started)
        page_s.append(time.perf_counter() - computed)
        lengths.append(len(text))
    total = [f + p for f, p in zip(figures_s, page_s, strict=True)]
    tracemalloc.start()
    render_first_page(figures, now, before, "nl")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    def ms(values: list[float], q: float) -> str:
        ordered = sorted(values)
        return f"{ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000:.2f}"

    print(f"organisations: {args.organisations}")
    for name, values in (("figures", figures_s), ("first page", page_s), ("total", total)):
        print(
            f"{name:>10}: median {statistics.median(values) * 1000:.2f} ms, "
            f"p95 {ms(values, 0.95)} ms, max {max(values) * 1000:.2f} ms, "
            f"sum {sum(values):.2f} s"
        )
    print(f"page length: median {statistics.median(lengths):.0f} characters, max {max(lengths)}")
    print(f"peak Python heap of one page: {peak / 1024:.0f} KiB")
    print(f"max resident set: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
