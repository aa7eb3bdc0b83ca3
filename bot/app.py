"""Composition root: settings -> engine (migrated) -> pipeline, outbox worker, alarm clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

import handlers.registry  # noqa: F401 - features register their commands and dialogs
from bot.config import Settings
from bot.outbox import OutboxWorker, Transport
from bot.pipeline import Pipeline
from handlers.people.delivery import report_failed_delivery
from handlers.settings import FeatureSettings
from schedules.registry import run_due
from storage.clock import utc_now
from storage.db import make_engine, migrate, unit_of_work

log = logging.getLogger(__name__)


def feature_settings(settings: Settings, *, demo_mode: bool = False) -> FeatureSettings:
    return FeatureSettings(
        telegram_bot_username=settings.telegram_bot_username,
        dialog_reminder_minutes=settings.dialog_reminder_minutes,
        dialog_expiry_hours=settings.dialog_expiry_hours,
        demo_mode=demo_mode,
        summary_local_time=settings.summary_local_time,
        incident_abandoned_minutes=settings.incident_abandoned_minutes,
        incident_overdue_every_hours=settings.incident_overdue_every_hours,
    )


def open_database(settings: Settings) -> Engine:
    engine = make_engine(settings.effective_database_url)
    if migrate(engine):
        log.info("database migrated to the newest schema")
    return engine


@dataclass
class Runtime:
    engine: Engine
    features: FeatureSettings
    pipeline: Pipeline
    worker: OutboxWorker
    clock: Callable[[], datetime]


def build_runtime(
    settings: Settings,
    transports: dict[str, Transport],
    *,
    engine: Engine | None = None,
    clock: Callable[[], datetime] = utc_now,
    demo_mode: bool = False,
) -> Runtime:
    engine = engine or open_database(settings)
    features = feature_settings(settings, demo_mode=demo_mode)
    worker = OutboxWorker(
        engine,
        transports,
        clock=clock,
        max_attempts=settings.outbox_max_attempts,
        on_failed=lambda outbox_id, error: _report_failure(
            engine, features, clock, outbox_id, error
        ),
    )
    pipeline = Pipeline(engine, features, clock=clock, on_queued=worker.wake)
    return Runtime(engine, features, pipeline, worker, clock)


def _report_failure(
    engine: Engine,
    features: FeatureSettings,
    clock: Callable[[], datetime],
    outbox_id: int,
    error: str,
) -> None:
    """Runs in the worker's thread after a message was given up on: tell the coordinators."""
    try:
        with unit_of_work(engine) as session:
            report_failed_delivery(
                session, outbox_id=outbox_id, error=error, now=clock(), settings=features
            )
    except Exception:  # the report must never take the worker down; the log keeps the failure
        log.exception("could not report failed delivery of outbox %s", outbox_id)


class AlarmClock:
    """APScheduler only wakes ``run_due`` every minute (and once at start, to catch up)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.scheduler = AsyncIOScheduler()

    async def tick(self) -> None:
        now = self.runtime.clock()
        done = await asyncio.to_thread(run_due, self.runtime.engine, now, self.runtime.features)
        if any(count > 0 for count in done.values()):
            self.runtime.worker.wake()

    def start(self) -> None:
        # coalesce + generous grace: a tick missed while the process was busy runs once, not many.
        self.scheduler.add_job(
            self.tick,
            "interval",
            minutes=1,
            coalesce=True,
            misfire_grace_time=300,
            max_instances=1,
            id="run_due",
        )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
