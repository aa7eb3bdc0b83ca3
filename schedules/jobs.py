"""The job registry: each job finds what is due at ``now`` and writes outbox rows, in its own units
of work (one per item, so one bad row never blocks the rest)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from handlers.settings import FeatureSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobOptions:
    organisation_slug: str | None = None
    ignore_office_hours: bool = False


JobFn = Callable[[Engine, datetime, FeatureSettings, JobOptions], int]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFn
    description: str
    every_minutes: int = 1


JOBS: dict[str, Job] = {}


def job(name: str, *, description: str, every_minutes: int = 1) -> Callable[[JobFn], JobFn]:
    def register(fn: JobFn) -> JobFn:
        JOBS[name] = Job(name, fn, description, every_minutes)
        return fn

    return register


def run_job(
    name: str,
    engine: Engine,
    now: datetime,
    settings: FeatureSettings,
    options: JobOptions | None = None,
) -> int:
    """Run one job now; returns how many things it did (messages queued, items handled)."""
    return JOBS[name].run(engine, now, settings, options or JobOptions())


def run_due(engine: Engine, now: datetime, settings: FeatureSettings) -> dict[str, int]:
    """Every job once; a failing job is logged and the others still run."""
    done: dict[str, int] = {}
    for name, spec in JOBS.items():
        try:
            done[name] = spec.run(engine, now, settings, JobOptions())
        except Exception:
            log.exception("job %s failed; it runs again at the next tick", name)
            done[name] = -1
    return done
