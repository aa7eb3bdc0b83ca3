"""Imports every job module so that ``schedules.jobs.JOBS`` knows them all."""

from schedules import coordination, dialog_idle, incidents, retention, training  # noqa: F401
from schedules.jobs import JOBS, run_due, run_job

__all__ = ["JOBS", "run_due", "run_job"]
