"""Shared fixtures-as-functions for the incident tests (imported, not collected)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

AMS = "Europe/Amsterdam"
BRU = "Europe/Brussels"


def local(tz: str, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz), fold=fold)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
