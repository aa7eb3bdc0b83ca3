"""Benchmark of the question-answering engine (run by hand, not in CI).

    /work/venv/bin/python bench/qa_bench.py [--repeat 20] [--builds 7] [--show-misses]

Reports, for the held-out test set (tests/qa/labelled_questions.toml), the tuning set
(tests/qa/dev_questions.toml) and a leave-one-out run over the knowledge base's own paraphrases:
top-1 accuracy, the share answered directly and rightly, out-of-scope recognition; then the
latency per question (p50/p99 over many repetitions) and the index build time (median).
"""

from __future__ import annotations

import argparse
import copy
import gc
import statistics
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.qa.engine import QAEngine  # noqa: E402
from handlers.qa.kb import build_entry, kb_files, load_entries, read_raw  # noqa: E402

TESTS = ROOT / "tests" / "qa"


def load_cases(name: str) -> list[dict[str, Any]]:
    with (TESTS / name).open("rb") as handle:
        return tomllib.load(handle)["case"]


def expected(case: dict[str, Any]) -> list[str]:
    value = case["expect"]
    return [value] if isinstance(value, str) else list(value)


def evaluate(engine: QAEngine, cases: list[dict[str, Any]], show: bool) -> dict[str, float]:
    ins = ins_top = ins_ranked = ins_answered = oos = oos_ok = 0
    for case in cases:
        ranked, _, _ = engine.rank(
            case["q"], role=case.get("role", "employee"), country=case.get("country", "nl")
        )
        result = engine.ask(
            case["q"],
            role=case.get("role", "employee"),
            country=case.get("country", "nl"),
            language=case.get("lang", "nl"),
        )
        top = result.entry_id or (result.suggestions[0].value if result.kind == "suggest" else None)
        want = expected(case)
        if want == ["unknown"]:
            oos += 1
            ok = result.kind == "unknown"
            oos_ok += ok
        else:
            ins += 1
            ok = top in want
            ins_top += ok
            ins_ranked += bool(ranked) and ranked[0][0] in want
            ins_answered += result.kind == "answer" and result.entry_id in want
        if show and not ok:
            print(
                f"  miss {result.kind:7} {result.confidence:.2f} got={top} want={want}: {case['q']}"
            )
    figures: dict[str, float] = {}
    if ins:
        figures |= {
            "in-scope": ins,
            "ranked first": ins_ranked / ins,
            "top-1": ins_top / ins,
            "answered right": ins_answered / ins,
        }
    if oos:
        figures |= {"out-of-scope": oos, "oos recognised": oos_ok / oos}
    return figures


def leave_one_out(show: bool) -> dict[str, float]:
    """Hold out the last paraphrase of every entry and language, index the rest, ask those."""
    tables, _ = read_raw(kb_files())
    kept, cases = [], []
    for _, raw in tables:
        raw = copy.deepcopy(raw)
        for lang in ("nl", "en"):
            held = raw[lang]["paraphrases"].pop()
            countries = {"both": "nl", "nl": "nl", "be": "be"}[raw["countries"]]
            role = (raw.get("audience") or ["employee"])[0]
            cases.append(
                {"q": held, "lang": lang, "country": countries, "role": role, "expect": raw["id"]}
            )
        raw["nl"]["paraphrases"].append(raw["nl"]["question"])  # keep the validator's minimum
        raw["en"]["paraphrases"].append(raw["en"]["question"])
        kept.append(build_entry(raw))
    return evaluate(QAEngine(kept), cases, show)


def latency(engine: QAEngine, cases: list[dict[str, Any]], repeat: int) -> tuple[float, float]:
    timings: list[float] = []
    gc.disable()
    try:
        for _ in range(repeat):
            for case in cases:
                start = time.perf_counter()
                engine.ask(
                    case["q"],
                    role=case.get("role", "employee"),
                    country=case.get("country", "nl"),
                    language=case.get("lang", "nl"),
                )
                timings.append(time.perf_counter() - start)
    finally:
        gc.enable()
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(0.99 * len(timings)))]
    return p50 * 1000, p99 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20, help="latency repetitions of the set")
    parser.add_argument("--builds", type=int, default=7, help="index builds to time")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    entries = load_entries()
    builds = []
    for _ in range(args.builds):
        start = time.perf_counter()
        QAEngine(entries)
        builds.append(time.perf_counter() - start)
    start = time.perf_counter()
    engine = QAEngine(load_entries())
    cold = time.perf_counter() - start

    print(f"knowledge base: {len(entries)} entries")
    test_cases = load_cases("labelled_questions.toml")
    for name, result in (
        ("test set (held out)", evaluate(engine, test_cases, args.show_misses)),
        ("tuning set", evaluate(engine, load_cases("dev_questions.toml"), args.show_misses)),
        ("leave-one-out paraphrases", leave_one_out(args.show_misses)),
    ):
        figures = ", ".join(
            f"{k} {v:.1%}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items()
        )
        print(f"{name}: {figures}")
    p50, p99 = latency(engine, test_cases, args.repeat)
    print(
        f"latency per question over {args.repeat * len(test_cases)} asks: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )
    print(
        f"index build: median {statistics.median(builds) * 1000:.1f} ms over {args.builds} "
        f"builds (load + build from files: {cold * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
