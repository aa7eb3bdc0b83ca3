"""Time is data: every rule of the feature takes ``now``/``today`` from its caller.

So the rules are tested with fixed moments, no clock and no sleeping; the import layers themselves
are checked project-wide by import-linter (tests/test_code_quality.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "handlers" / "training"
CLOCK_READERS = {"now", "today", "utcnow", "time", "monotonic", "perf_counter"}


def test_nothing_in_the_feature_reads_the_clock() -> None:
    offending = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCK_READERS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"datetime", "date", "time"}
            ):
                offending.append(f"{path.name}:{node.lineno}")
    assert offending == []
