from __future__ import annotations

import pytest

from handlers.incidents.reference import (
    Reference,
    format_reference,
    next_reference,
    parse_reference,
    reference_year,
)

from .helpers import AMS, utc


def test_format() -> None:
    assert format_reference(2026, 42) == "INC-2026-0042"
    assert format_reference(2026, 1) == "INC-2026-0001"
    assert format_reference(2026, 12345) == "INC-2026-12345"


@pytest.mark.parametrize("bad", [(2026, 0), (2026, -1), (999, 1), (10000, 1)])
def test_format_refuses_nonsense(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        format_reference(*bad)


@pytest.mark.parametrize(
    "text",
    [
        "INC-2026-0042",
        "inc-2026-0042",
        "INC-2026-42",
        "INC 2026 0042",
        "INC2026-0042",
        "INC–2026–0042",  # en dashes
        "Zie INC-2026-0042, graag.",
        "/status INC-2026-0042",
    ],
)
def test_parse(text: str) -> None:
    assert parse_reference(text) == Reference(2026, 42)


@pytest.mark.parametrize(
    "text",
    ["", "INC-2026", "INC-2026-0000", "INC-26-0042", "XINC-2026-0042", "hello", "2026-0042"],
)
def test_parse_rejects(text: str) -> None:
    assert parse_reference(text) is None


def test_parse_never_raises_on_odd_input() -> None:
    assert parse_reference(None) is None  # type: ignore[arg-type]
    assert parse_reference("x" * 100_000) is None


def test_next_and_year() -> None:
    assert next_reference(2026, None) == Reference(2026, 1)
    assert str(next_reference(2026, 41)) == "INC-2026-0042"
    assert sorted([Reference(2026, 10), Reference(2025, 99)])[0] == Reference(2025, 99)
    # 23:30 UTC on New Year's Eve is already 2027 in Amsterdam.
    assert reference_year(utc(2026, 12, 31, 23, 30), AMS) == 2027
    assert reference_year(utc(2026, 12, 31, 22, 30), AMS) == 2026
