"""Coordination (#7): quarterly summaries with charts, the coordinator's reminders, the audit
programme and /status."""

from handlers.coordination import audits, reminders, report, status  # noqa: F401 - registers commands
