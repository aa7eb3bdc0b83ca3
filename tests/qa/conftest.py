"""Shared fixtures for the QA tests: one engine per test session (building takes ~0.2 s)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from handlers.qa.engine import QAEngine, get_engine

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def engine() -> QAEngine:
    return get_engine()


def load_cases(name: str) -> list[dict[str, Any]]:
    with (HERE / name).open("rb") as handle:
        return tomllib.load(handle)["case"]


@pytest.fixture(scope="session")
def labelled() -> list[dict[str, Any]]:
    return load_cases("labelled_questions.toml")
