"""Imports every job module so that ``schedules.jobs.JOBS`` knows them all."""

from schedules import (  # noqa: F401
    control,
    coordination,
    dialog_idle,
    incident_pending,
    incidents,
    retention,
    training,
)
from schedules.jobs import JOBS, run_due, run_job

__all__ = ["JOBS", "run_due", "run_job"]
